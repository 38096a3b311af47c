//! [`Engine`]: the one way into refmap. Load rules (shipped, files, text,
//! layered), then lint, format, list clauses, relate, find equivalents,
//! measure coverage, export, check inventories and run the rules' tests.
//! The command line (and any server or editor) is a thin client of it.

mod answers;
mod check;
mod check_errors;
mod exchange;
mod layers;

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::load::{self, LoadError};
use crate::model::{Loaded, Rulebook};
use crate::query::{
    self, Coverage, Equivalents, NetworkExport, QueryError, ReferentialTree, Relate,
};
use crate::source::SourceMap;
use crate::syntax;
use crate::test_blocks;

pub use answers::{FormatError, Lint, RuleErrors, RulesInfo, TestRun};
pub use check::{CheckError, CheckOptions, Checker, Input, SiteProfile};
pub use check_errors::FailedInput;
pub use exchange::{ExchangeError, ImportOptions, ImportOutput, Sheet};
pub use layers::{EvidenceTypeInfo, FieldInfo, ShippedFile};

/// A loaded rulebook and everything that can be asked of it.
///
/// ```
/// use refmap::Engine;
///
/// let engine = Engine::shipped();
/// assert!(!engine.has_errors());
/// let answer = engine.relate("LABELIX:ORGANISATION.3", "ISO15189-2022:6.4")?;
/// assert_eq!(answer.relations, vec![refmap::Relation::Intersects]);
/// # Ok::<(), refmap::QueryError>(())
/// ```
#[derive(Debug)]
pub struct Engine {
    loaded: Loaded,
}

/// Which rules an [`Engine`] loads: the shipped ones, files and folders, and
/// texts, in the order added (layering: shipped rules plus a site's files).
///
/// ```
/// use refmap::Engine;
///
/// let engine = Engine::builder()
///     .shipped()
///     .source("site.rules", "mapping \"site\" {\n  LABELIX:ORGANISATION.3 intersects ISO15189-2022:6.4\n}\n")
///     .build();
/// assert!(!engine.has_errors());
/// assert_eq!(engine.rules_info().files, Engine::shipped().rules_info().files + 1);
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct EngineBuilder {
    sources: SourceMap,
    options: load::Options,
    /// Warnings of the folder walks (link loops).
    warnings: Vec<Diagnostic>,
}

impl EngineBuilder {
    /// Adds the rules shipped in the binary (the `rules/` folder at build time).
    pub fn shipped(mut self) -> Self {
        load::add_shipped(&mut self.sources);
        self
    }

    /// Adds a `.rules` file, or every `*.rules` file of a folder (searched
    /// recursively, in path order).
    ///
    /// # Errors
    /// The path cannot be read, or a folder holds no `.rules` file.
    pub fn path(mut self, path: impl AsRef<Path>) -> Result<Self, LoadError> {
        let warnings = load::add_path(&mut self.sources, path.as_ref())?;
        self.warnings.extend(warnings);
        Ok(self)
    }

    /// Adds each path as [`EngineBuilder::path`] does.
    ///
    /// # Errors
    /// As [`EngineBuilder::path`], for the first path that fails.
    pub fn paths(self, paths: &[PathBuf]) -> Result<Self, LoadError> {
        paths.iter().try_fold(self, |b, p| b.path(p))
    }

    /// Adds rules given as text, named `name` in diagnostics and proofs.
    pub fn source(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.sources.add(name, text);
        self
    }

    /// Drops links rated below `n` before reasoning (`--min-strength`);
    /// unrated links stay.
    pub fn min_strength(mut self, n: Option<u8>) -> Self {
        self.options.min_strength = n;
        self
    }

    /// Parses and resolves everything added. The engine is built even when
    /// the rules have errors: [`Engine::diagnostics`] lists them.
    pub fn build(self) -> Engine {
        let mut loaded = load::front_end(self.sources, self.options);
        load::add_warnings(&mut loaded, self.warnings);
        Engine { loaded }
    }
}

impl Engine {
    /// An engine over the shipped rules.
    ///
    /// ```
    /// let engine = refmap::Engine::shipped();
    /// assert!(engine.rules_info().referentials >= 5);
    /// ```
    pub fn shipped() -> Engine {
        Engine::builder().shipped().build()
    }

    /// Chooses the rules to load.
    ///
    /// ```
    /// # fn main() -> Result<(), refmap::LoadError> {
    /// // The shipped rules and a folder of the site's own (`--add-rules`).
    /// # let dir = std::env::temp_dir().join("refmap-doc-builder");
    /// # std::fs::create_dir_all(&dir).ok();
    /// # std::fs::write(dir.join("site.rules"), "evidence site_log \"Site log\"\n").ok();
    /// let engine = refmap::Engine::builder().shipped().path(&dir)?.build();
    /// assert!(engine.diagnostics().iter().any(|d| d.code == "refmap::resolve::unused-evidence"));
    /// # Ok(()) }
    /// ```
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// Errors and warnings found while loading, in stable order (file,
    /// position, code). [`Engine::lint`] adds the checks only lint pays for.
    ///
    /// ```
    /// let engine = refmap::Engine::builder()
    ///     .source("x.rules", "referential X \"x\" { clause 1 \"one\" { requires clause X:9 } }")
    ///     .build();
    /// assert_eq!(engine.diagnostics()[0].code, "refmap::resolve::unknown-clause");
    /// ```
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.loaded.diagnostics
    }

    /// True when the rules have an error: queries would rest on broken rules.
    ///
    /// ```
    /// let engine = refmap::Engine::builder().source("x.rules", "referential {").build();
    /// assert!(engine.has_errors());
    /// ```
    pub fn has_errors(&self) -> bool {
        self.loaded.has_errors()
    }

    /// The errors of the rules, ready to render; `None` when there are none.
    ///
    /// ```
    /// let engine = refmap::Engine::builder().source("x.rules", "referential {").build();
    /// let errors = engine.rule_errors().map(|e| e.render(false).join("\n")).unwrap_or_default();
    /// assert!(errors.contains("x.rules:1:"));
    /// assert!(refmap::Engine::shipped().rule_errors().is_none());
    /// ```
    pub fn rule_errors(&self) -> Option<RuleErrors> {
        RuleErrors::of(&self.loaded)
    }

    /// What is loaded: files, sizes and counts.
    ///
    /// ```
    /// let info = refmap::Engine::builder().source("x.rules", "evidence a \"A\"\n").build().rules_info();
    /// assert_eq!((info.files, info.evidence_types, info.clauses), (1, 1, 0));
    /// ```
    pub fn rules_info(&self) -> RulesInfo {
        RulesInfo::of(&self.loaded.rulebook)
    }

    /// The SHA-256 of the loaded rules (each file's name and text, in load
    /// order), in hex: reports print it so that a reader can tell which
    /// rules produced them.
    ///
    /// ```
    /// let a = refmap::Engine::builder().source("x.rules", "evidence a \"A\"\n").build();
    /// let b = refmap::Engine::builder().source("x.rules", "evidence b \"B\"\n").build();
    /// assert_eq!(a.rules_digest().len(), 64);
    /// assert_ne!(a.rules_digest(), b.rules_digest());
    /// ```
    pub fn rules_digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for (_, file) in self.book().sources.iter() {
            // Lengths first, so that moving text between files changes the digest.
            hash.update((file.name().len() as u64).to_le_bytes());
            hash.update(file.name().as_bytes());
            hash.update((file.text().len() as u64).to_le_bytes());
            hash.update(file.text().as_bytes());
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Every diagnostic, with the redundant-link warnings that only lint
    /// computes (they cost more than loading needs).
    ///
    /// ```
    /// let lint = refmap::Engine::shipped().lint();
    /// assert_eq!(lint.errors, 0);
    /// ```
    pub fn lint(&self) -> Lint {
        let _span = tracing::info_span!("lint").entered();
        let mut diagnostics = self.loaded.diagnostics.clone();
        crate::lint::add_redundancy_warnings(&mut diagnostics, self.book());
        Lint::new(diagnostics, self.book())
    }

    /// The canonical form of a rules text (`refmap fmt`).
    ///
    /// ```
    /// let text = "evidence  audit_report \"Internal audit report\"\n";
    /// let formatted = refmap::Engine::format("a.rules", text)?;
    /// assert_eq!(formatted, "evidence audit_report \"Internal audit report\"\n");
    /// # Ok::<(), refmap::FormatError>(())
    /// ```
    ///
    /// A byte-order mark at the start is kept; line breaks become `\n`.
    ///
    /// # Errors
    /// The text has syntax errors; nothing is formatted.
    pub fn format(name: &str, text: &str) -> Result<String, FormatError> {
        let mut sources = SourceMap::new();
        let id = sources.add(name, text);
        // The text as loaded: a mark or old Mac line breaks read as rules do.
        let readable = sources.get(id).map_or(text, |f| f.text());
        match syntax::parse(id, readable) {
            Ok(tree) => {
                let formatted = syntax::format(&tree, readable);
                if text.starts_with(crate::source::BOM) {
                    Ok(format!("{}{formatted}", crate::source::BOM))
                } else {
                    Ok(formatted)
                }
            }
            Err(diagnostics) => Err(FormatError::new(name, sources, diagnostics)),
        }
    }

    /// Reads a rules file as `--rules` reads one (a regular file of at most
    /// 256 MiB, the read stopping at the limit), or standard input for `-`.
    ///
    /// # Errors
    /// Not a regular file (a FIFO, a device, a folder), too large, not
    /// UTF-8, or unreadable.
    pub fn read_rules(path: &Path) -> std::io::Result<String> {
        read_named(path, syntax::MAX_FILE_BYTES)
    }

    /// Reads an inventory as [`Checker::check_all`] reads one (a regular
    /// file of at most 64 MiB), or standard input for `-`.
    ///
    /// # Errors
    /// As [`Engine::read_rules`].
    pub fn read_inventory(path: &Path) -> std::io::Result<String> {
        read_named(path, crate::inventory::MAX_INVENTORY_BYTES)
    }

    /// The clause tree of one referential, or of every referential.
    ///
    /// ```
    /// let trees = refmap::Engine::shipped().clauses(Some("LABELIX"))?;
    /// assert_eq!(trees[0].referential, "LABELIX");
    /// # Ok::<(), refmap::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// Unknown referential.
    pub fn clauses(&self, referential: Option<&str>) -> Result<Vec<ReferentialTree>, QueryError> {
        let _span = tracing::info_span!("query").entered();
        query::clause_trees(self.book(), referential)
    }

    /// The base relations of `a` to `b` still possible, with a proof.
    ///
    /// ```
    /// let r = refmap::Engine::shipped().relate("LABELIX:ORGANISATION.3", "ISO15189-2022:6.4")?;
    /// assert!(!r.proof.is_empty());
    /// # Ok::<(), refmap::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// Unknown or malformed clause.
    pub fn relate(&self, a: &str, b: &str) -> Result<Relate, QueryError> {
        let _span = tracing::info_span!("query").entered();
        query::relate(self.book(), a, b)
    }

    /// Every clause with an entailed relation to `a`, optionally only those
    /// of referential `to`.
    ///
    /// ```
    /// let e = refmap::Engine::shipped().equivalents("ISO15189-2022:8.9", Some("LABELIX"))?;
    /// assert!(e.related.iter().all(|r| r.clause.starts_with("LABELIX:")));
    /// # Ok::<(), refmap::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// Unknown clause or referential.
    pub fn equivalents(&self, a: &str, to: Option<&str>) -> Result<Equivalents, QueryError> {
        let _span = tracing::info_span!("query").entered();
        query::equivalents(self.book(), a, to)
    }

    /// What holding referential `from` covers of referential `to`.
    ///
    /// ```
    /// let c = refmap::Engine::shipped().coverage("LABELIX", "ISO15189-2022")?;
    /// assert_eq!(c.counts.total, c.clauses.len());
    /// # Ok::<(), refmap::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// Unknown referential.
    pub fn coverage(&self, from: &str, to: &str) -> Result<Coverage, QueryError> {
        self.coverage_for(from, to, None)
    }

    /// [`Engine::coverage`] for one site: the clauses of `to` that do not
    /// apply to its profile are `not-applicable`, counted apart and left
    /// out of the percentages.
    ///
    /// # Errors
    /// Unknown referential.
    pub fn coverage_for(
        &self,
        from: &str,
        to: &str,
        site: Option<&SiteProfile>,
    ) -> Result<Coverage, QueryError> {
        let _span = tracing::info_span!("query").entered();
        match site {
            None => query::coverage(self.book(), from, to),
            Some(site) => {
                query::coverage_where(self.book(), from, to, &|c| !self.applies_to(c, site))
            }
        }
    }

    /// The mapping network: clauses, declared links and derived relations.
    ///
    /// ```
    /// let export = refmap::Engine::shipped().export();
    /// assert!(!export.links.is_empty());
    /// ```
    pub fn export(&self) -> NetworkExport {
        let _span = tracing::info_span!("query").entered();
        query::export(self.book())
    }

    /// Runs the rules' `test` blocks; `today` stands for a test without `as-of`.
    ///
    /// ```
    /// let run = refmap::Engine::shipped().test("2026-11-01".parse()?);
    /// assert_eq!(run.failed, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn test(&self, today: Date) -> TestRun {
        let _span = tracing::info_span!("test").entered();
        let evaluator = crate::evaluate::Evaluator::new(self.book());
        TestRun::new(test_blocks::run(self.book(), &evaluator, today))
    }

    /// Checks the referential ids a user gave, in order, suggesting a close
    /// id for an unknown one.
    ///
    /// ```
    /// let engine = refmap::Engine::shipped();
    /// assert!(engine.referential_ids(&["LABELIX".into(), "ACR-F".into()]).is_ok());
    /// let err = engine.referential_ids(&["LABELIKS".into()]).unwrap_err();
    /// assert!(err.to_string().contains("did you mean `LABELIX`"));
    /// ```
    ///
    /// # Errors
    /// The first unknown id.
    pub fn referential_ids(&self, ids: &[String]) -> Result<(), QueryError> {
        ids.iter()
            .try_for_each(|id| query::referential_id(self.book(), id).map(|_| ()))
    }

    /// The title of a referential (empty for an unknown id).
    ///
    /// ```
    /// let engine = refmap::Engine::shipped();
    /// assert!(!engine.referential_title("LABELIX").is_empty());
    /// assert_eq!(engine.referential_title("NOPE"), "");
    /// ```
    pub fn referential_title(&self, id: &str) -> &str {
        self.book().referential(id).map_or("", |r| r.title.as_str())
    }

    fn book(&self) -> &Rulebook {
        &self.loaded.rulebook
    }
}

/// A file, or standard input for `-`, of at most `limit` bytes.
fn read_named(path: &Path, limit: usize) -> std::io::Result<String> {
    if path == Path::new("-") {
        crate::source::read_bounded(std::io::stdin().lock(), limit)
    } else {
        crate::source::read_text(path, limit)
    }
}
