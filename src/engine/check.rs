//! Checking sites' evidence inventories: one, or many on every core.

use std::path::PathBuf;

use super::Engine;
use crate::batch;
use crate::date::Date;
use crate::evaluate::{Detail, Evaluator, Report, Scratch};
use crate::inventory::{self, InventoryError};
use crate::query::QueryError;

/// Inventories of at least this many bytes are checked one at a time.
const LARGE_BYTES: usize = 8 * 1024 * 1024;

/// How inventories are checked.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The evaluation date, overriding each inventory's `as_of`.
    pub as_of: Option<Date>,
    /// The date used when neither `as_of` nor the inventory gives one.
    pub today: Date,
    /// Only these referentials are reported (and evaluated as far as they
    /// need); all when empty.
    pub referentials: Vec<String>,
    /// Counts per referential and contradictions only, without the clauses.
    pub summary: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            as_of: None,
            today: Date::today(),
            referentials: Vec::new(),
            summary: false,
        }
    }
}

/// An inventory to check: a file, or a text already read.
#[derive(Debug, Clone)]
pub enum Input {
    /// A YAML or JSON file.
    Path(PathBuf),
    /// A YAML or JSON text, named `name` in messages.
    Text {
        /// The name used in messages.
        name: String,
        /// The inventory.
        text: String,
    },
}

/// An inventory that could not be checked.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CheckError {
    /// The file cannot be read.
    #[error("cannot read `{path}`: {source}")]
    #[diagnostic(code(refmap::check::unreadable))]
    Unreadable {
        /// The path as given.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The inventory has problems.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Inventory(#[from] InventoryError),
}

/// A site's profile, read from its inventory: what `applies if` conditions
/// are decided on (see [`Engine::coverage_for`]).
#[derive(Debug, Clone)]
pub struct SiteProfile {
    inventory: inventory::Inventory,
}

impl SiteProfile {
    /// The site's name.
    pub fn site(&self) -> &str {
        &self.inventory.site
    }
}

impl Engine {
    /// Reads a site's profile from an inventory file (YAML, or JSON when the
    /// text starts with `{`); the whole inventory is checked as `check`
    /// would, so a typo is reported rather than ignored.
    ///
    /// # Errors
    /// The file cannot be read, or the inventory has problems.
    pub fn site_profile(&self, path: &std::path::Path) -> Result<SiteProfile, CheckError> {
        let name = path.display().to_string();
        let text =
            crate::source::read_text(path, inventory::MAX_INVENTORY_BYTES).map_err(|source| {
                CheckError::Unreadable {
                    path: name.clone(),
                    source,
                }
            })?;
        self.site_profile_text(&name, &text)
    }

    /// [`Engine::site_profile`] for a text already read, named `name`.
    ///
    /// ```
    /// let engine = refmap::Engine::shipped();
    /// let site = engine.site_profile_text("mri.yaml", "site: \"IRM\"\nprofile: { modalities: [MR] }\n")?;
    /// let c = engine.coverage_for("LABELIX", "ASN-2019-DC-0660", Some(&site))?;
    /// assert_eq!(c.counts.not_applicable, c.counts.total);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// The inventory's problems.
    pub fn site_profile_text(&self, name: &str, text: &str) -> Result<SiteProfile, CheckError> {
        let inventory = inventory::load(self.book(), name, text)?;
        Ok(SiteProfile { inventory })
    }

    /// Whether `clause` applies to the site (its `applies if`, and its
    /// enclosing clauses', are not false for the profile).
    pub(super) fn applies_to(&self, clause: crate::mapper::ClauseIdx, site: &SiteProfile) -> bool {
        crate::evaluate::applies(self.book(), clause, &site.inventory)
    }
}

/// Checks inventories against one engine with one set of options; built
/// once for many inventories (it prepares what depends on the rules alone).
pub struct Checker<'e> {
    evaluator: Evaluator<'e>,
    options: CheckOptions,
}

impl Engine {
    /// Prepares checking with `options`.
    ///
    /// ```
    /// use refmap::{CheckOptions, Engine, Status};
    ///
    /// let engine = Engine::shipped();
    /// let options = CheckOptions { as_of: Some("2026-11-01".parse()?), ..CheckOptions::default() };
    /// let checker = engine.checker(options)?;
    /// let report = checker.check(
    ///     "site.yaml",
    ///     "site: \"Centre du Parc\"\nassessments:\n  - { clause: \"LABELIX:ORGANISATION.3\", status: met }\n",
    /// )?;
    /// let clause = report.clauses.iter().find(|c| c.clause == "LABELIX:ORGANISATION.3");
    /// assert_eq!(clause.map(|c| c.status), Some(Status::Met));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// An unknown referential in `options.referentials`.
    pub fn checker(&self, options: CheckOptions) -> Result<Checker<'_>, QueryError> {
        self.referential_ids(&options.referentials)?;
        // Restricted to the referentials reported: the others are evaluated
        // only as far as these need them.
        let evaluator = Evaluator::for_referentials(self.book(), &options.referentials);
        Ok(Checker { evaluator, options })
    }
}

impl std::fmt::Debug for Checker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Checker<'_> {
    /// Loads and evaluates one inventory (YAML, or JSON when the text starts
    /// with `{`). For many, [`Checker::check_all`] spreads them over the
    /// cores and reuses its work space.
    ///
    /// ```
    /// let engine = refmap::Engine::shipped();
    /// let checker = engine.checker(refmap::CheckOptions::default())?;
    /// let err = checker.check("site.yaml", "site: \"A\"\nevidence:\n  - { id: E1, type: no_such_type }\n");
    /// assert!(err.is_err());
    /// # Ok::<(), refmap::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// The inventory's problems, every one of them.
    pub fn check(&self, name: &str, text: &str) -> Result<Report, InventoryError> {
        self.check_in(&mut self.evaluator.scratch(), name, text)
    }

    fn check_in(
        &self,
        scratch: &mut Scratch,
        name: &str,
        text: &str,
    ) -> Result<Report, InventoryError> {
        let inventory = tracing::info_span!("inventory")
            .in_scope(|| inventory::load(self.evaluator.rulebook(), name, text))?;
        let _span = tracing::info_span!("evaluate").entered();
        let as_of = self
            .options
            .as_of
            .or(inventory.as_of)
            .unwrap_or(self.options.today);
        let detail = if self.options.summary {
            Detail::Summary
        } else {
            Detail::Full
        };
        Ok(self
            .evaluator
            .evaluate_with(&inventory, as_of, detail, scratch))
    }

    /// Checks every input on every core; one result per input, in order.
    /// Each file is read on the core that checks it and its text dropped
    /// there, and the files loaded at once hold at most 64 MiB of text
    /// together; files of 8 MiB or more are checked one after the other on
    /// the calling thread, after the others. So a batch's memory does not
    /// grow with the number of cores. `progress` gets the number done.
    ///
    /// ```
    /// use refmap::{CheckOptions, Engine, Input};
    ///
    /// let engine = Engine::shipped();
    /// let checker = engine.checker(CheckOptions { summary: true, ..CheckOptions::default() })?;
    /// let inputs = [
    ///     Input::Text { name: "a.yaml".into(), text: "site: \"A\"\n".into() },
    ///     Input::Text { name: "b.json".into(), text: "{\"site\": \"B\"}".into() },
    ///     Input::Path("missing.yaml".into()),
    /// ];
    /// let results = checker.check_all(&inputs, |_done| {});
    /// assert_eq!(results[0].as_ref().map(|r| r.site.as_str()).ok(), Some("A"));
    /// assert_eq!(results[1].as_ref().map(|r| r.site.as_str()).ok(), Some("B"));
    /// assert!(results[2].is_err());
    /// # Ok::<(), refmap::QueryError>(())
    /// ```
    pub fn check_all(
        &self,
        inputs: &[Input],
        progress: impl Fn(usize) + Sync,
    ) -> Vec<Result<Report, CheckError>> {
        let budget = batch::ByteBudget::new(batch::BATCH_BYTES);
        // Taken before reading: the size of a file is known from the file.
        let sizes: Vec<usize> = inputs
            .iter()
            .map(|input| match input {
                Input::Text { text, .. } => text.len(),
                Input::Path(path) => std::fs::metadata(path)
                    .map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX)),
            })
            .collect();
        let one = |scratch: &mut Scratch, (input, size): (&Input, usize)| {
            let _permit = budget.take(size);
            match input {
                Input::Text { name, text } => Ok(self.check_in(scratch, name, text)?),
                Input::Path(path) => {
                    let name = path.display().to_string();
                    let text = crate::source::read_text(path, inventory::MAX_INVENTORY_BYTES)
                        .map_err(|source| CheckError::Unreadable {
                            path: name.clone(),
                            source,
                        })?;
                    Ok(self.check_in(scratch, &name, &text)?)
                }
            }
        };
        // Large inventories go one after the other on this thread, after
        // the others: the memory a worker's allocator keeps once a large
        // file is done would otherwise add up over the workers.
        let (large, small): (Vec<usize>, Vec<usize>) =
            (0..inputs.len()).partition(|&i| sizes.get(i).is_some_and(|&n| n >= LARGE_BYTES));
        let input = |i: usize| inputs.get(i).zip(sizes.get(i).copied());
        let mut results: Vec<Option<Result<Report, CheckError>>> =
            (0..inputs.len()).map(|_| None).collect();
        let done_small = batch::parallel_map_with(
            &small,
            || self.evaluator.scratch(),
            |scratch, &i| input(i).map(|item| one(scratch, item)),
            &progress,
        );
        for (&i, result) in small.iter().zip(done_small) {
            if let Some(slot) = results.get_mut(i) {
                *slot = result;
            }
        }
        let mut scratch = self.evaluator.scratch();
        for (k, &i) in large.iter().enumerate() {
            if let Some(slot) = results.get_mut(i) {
                *slot = input(i).map(|item| one(&mut scratch, item));
            }
            progress(small.len() + k + 1);
        }
        // INVARIANT: every index is in `small` or `large`, so no slot is empty.
        results.into_iter().flatten().collect()
    }
}
