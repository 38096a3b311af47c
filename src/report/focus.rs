//! Gates and focus for `check`: whether reports fail a level
//! (`--fail-on`, for CI and scripts) and which clauses a listing keeps
//! (`--only`). Both read the reported clauses only: a restriction to some
//! referentials applies first.

use crate::evaluate::Report;
use crate::vocab::Status;

/// The level at or below which a clause fails a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Any clause `not-met`.
    NotMet,
    /// Any clause `partial` or `not-met`.
    Partial,
    /// Any contradiction between an auditor's finding and what would be met.
    Contradiction,
}

impl FailOn {
    /// The keyword, as given to `--fail-on`.
    pub fn keyword(self) -> &'static str {
        match self {
            FailOn::NotMet => "not-met",
            FailOn::Partial => "partial",
            FailOn::Contradiction => "contradiction",
        }
    }
}

/// How many reported clauses are at or below `level` in `report` (for
/// [`FailOn::Contradiction`], how many contradictions it lists). Counted
/// from the summary, so `--summary` reports gate the same way. `unknown`
/// (nothing decides the clause) and `not-applicable` never fail a gate.
pub fn failures(report: &Report, level: FailOn) -> usize {
    match level {
        FailOn::NotMet => report.summary.iter().map(|s| s.not_met).sum(),
        FailOn::Partial => report.summary.iter().map(|s| s.not_met + s.partial).sum(),
        FailOn::Contradiction => report.contradictions.len(),
    }
}

/// Keeps only the clauses whose status is one of `statuses` (all when
/// empty); counts and contradictions stay whole.
pub fn keep_statuses(report: &mut Report, statuses: &[Status]) {
    if !statuses.is_empty() {
        report.clauses.retain(|c| statuses.contains(&c.status));
    }
}
