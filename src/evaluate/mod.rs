//! Evaluation of an inventory: the status of every clause as of a date, with
//! its basis, the evidence used, the proof of any carry-over, what is missing,
//! and the contradictions between auditors' findings and the mappings
//! (DESIGN §4).
//!
//! Statuses are the least fixpoint of the rules: own basis (applicability,
//! assessment, `requires`, sub-clauses), then carry-over along entailments
//! (B met ⇒ A met when A ⊆ B; B met ⇒ A partial when they overlap), with
//! clauses that contain a clause assessed `not-met` capped at `partial`.
//! Ranks only rise from one round to the next (not-met/unknown < partial <
//! met), so the loop ends after at most two rises per clause.
//!
//! An [`Evaluator`] holds what depends on the rulebook alone (orders,
//! entailed supersets and overlaps of each clause, a compact view of each
//! clause), so evaluating many inventories against one rulebook pays for it
//! once; the per-inventory columns live in a [`Scratch`] the caller keeps
//! from one inventory to the next (one per thread). The first pass of the fixpoint steps only the
//! clauses something is known of (a rule, sub-clauses, an assessment, a
//! carry-over), so most of an inventory's cost follows what it touches
//! rather than the size of the rulebook.
//!
//! The files follow the seams: `setup` (per rulebook), `scope` (the
//! restriction to some referentials), `solve` (facts and the fixpoint),
//! `rules` (rules over the evidence), `explain` (the report's lines).
//! `tests/reference_eval.rs` checks the whole against a literal reading
//! of DESIGN §4.

mod explain;
mod rules;
mod scope;
mod setup;
mod solve;
mod state;

use serde::Serialize;

use crate::date::Date;
use crate::inventory::Inventory;
use crate::model::{ProofStep, Rulebook};
use crate::vocab::Status;

pub use rules::applies;
use rules::Context;
pub use setup::Evaluator;
pub use solve::Scratch;

/// What decided a clause's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// An auditor's assessment.
    Assessment,
    /// Its own `requires` rule over the evidence.
    Evidence,
    /// The statuses of its sub-clauses.
    SubClauses,
    /// Carried from another clause through the mapping network.
    Mapping,
    /// Nothing.
    None,
}

/// The evaluation of one clause.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    /// `REF:ID`.
    pub clause: String,
    /// Title.
    pub title: String,
    /// Status as of the evaluation date.
    pub status: Status,
    /// What decided it.
    pub basis: Basis,
    /// Ids of the evidence items used.
    pub evidence: Vec<String>,
    /// The clause it was carried from (basis `mapping`).
    pub via: Option<String>,
    /// Proof of the carry-over.
    pub proof: Vec<ProofStep>,
    /// What is missing for `met`, as indented lines of the rule's tree.
    pub missing: Vec<String>,
    /// Who assessed it (basis `assessment`).
    pub assessed_by: Option<String>,
    /// Clauses whose being met would carry `met` to this one.
    pub carriers: Vec<String>,
    /// Whether `carriers` lists only some of them (a clause inside a long
    /// chain or a large class of equals has too many to list).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub carriers_truncated: bool,
}

/// Counts of statuses in one referential.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Referential id.
    pub referential: String,
    /// Clauses met.
    pub met: usize,
    /// Clauses partial.
    pub partial: usize,
    /// Clauses not met.
    pub not_met: usize,
    /// Clauses not applicable.
    pub not_applicable: usize,
    /// Clauses unknown.
    pub unknown: usize,
}

/// The not-met assessment of a contradiction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentRef {
    /// The assessed clause.
    pub clause: String,
    /// Its status (`not-met`).
    pub status: Status,
    /// Who assessed it.
    pub by: Option<String>,
}

/// A clause that would be met although it contains a clause an auditor
/// found not met: either the mapping or an assessment is wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Contradiction {
    /// The finding.
    pub assessment: AssessmentRef,
    /// The clause that would be met (reported `partial`).
    pub clause: String,
    /// Why it would be met.
    pub basis: Basis,
    /// The clause it would be carried from, for basis `mapping`.
    pub via: Option<String>,
    /// Proof that the assessed clause is within this one.
    pub proof: Vec<ProofStep>,
    /// One sentence for people.
    pub message: String,
}

/// The evaluation of one inventory. A summary report ([`Detail::Summary`])
/// serializes without `clauses`.
#[derive(Debug, Clone)]
pub struct Report {
    /// Site name.
    pub site: String,
    /// Evaluation date.
    pub as_of: Date,
    /// Counts per referential, by referential id.
    pub summary: Vec<Summary>,
    /// Every clause, by referential id then tree order.
    pub clauses: Vec<ClauseResult>,
    /// Contradictions between findings and what would be met.
    pub contradictions: Vec<Contradiction>,
    /// How much was asked for.
    pub(crate) detail: Detail,
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Report", 5)?;
        s.serialize_field("site", &self.site)?;
        s.serialize_field("as_of", &self.as_of)?;
        s.serialize_field("summary", &self.summary)?;
        if self.detail == Detail::Full {
            s.serialize_field("clauses", &self.clauses)?;
        }
        s.serialize_field("contradictions", &self.contradictions)?;
        s.end()
    }
}

impl Report {
    /// Keeps only the clauses and counts of these referentials (all when empty).
    pub fn keep_referentials(&mut self, ids: &[String]) {
        if ids.is_empty() {
            return;
        }
        self.summary.retain(|s| ids.contains(&s.referential));
        self.clauses.retain(|c| {
            c.clause
                .split_once(':')
                .is_some_and(|(r, _)| ids.iter().any(|id| id == r))
        });
        self.contradictions.retain(|c| {
            c.clause
                .split_once(':')
                .is_some_and(|(r, _)| ids.iter().any(|id| id == r))
        });
    }
}

/// How much of a report to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every clause with its basis, evidence, proof and missing parts.
    Full,
    /// Counts per referential and contradictions only (`check --summary`).
    Summary,
}

impl<'b> Evaluator<'b> {
    /// The rulebook evaluated against.
    pub fn rulebook(&self) -> &'b Rulebook {
        self.book
    }

    /// A work space for evaluating inventories with this evaluator, to
    /// pass to [`Evaluator::evaluate_with`]: one per thread, kept from one
    /// inventory to the next so that a batch does not allocate again.
    pub fn scratch(&self) -> Scratch {
        Scratch::new(self)
    }

    /// Evaluates one inventory as of `as_of`, with every detail, in a work
    /// space of its own.
    pub fn evaluate(&self, inventory: &Inventory, as_of: Date) -> Report {
        self.evaluate_with(inventory, as_of, Detail::Full, &mut self.scratch())
    }

    /// Evaluates one inventory as of `as_of`, building the report to
    /// `detail`, in `scratch` (from any evaluator: one made for another is
    /// set up again first).
    pub fn evaluate_with(
        &self,
        inventory: &Inventory,
        as_of: Date,
        detail: Detail,
        scratch: &mut Scratch,
    ) -> Report {
        let ctx = Context::new(self.book, inventory, as_of);
        self.facts(inventory, scratch);
        self.solve(&ctx, inventory, scratch);
        self.report(inventory, as_of, &ctx, scratch, detail)
    }
}
