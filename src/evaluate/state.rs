//! One clause's state during an evaluation, in compact form, and the rank
//! of statuses the fixpoint climbs: shared by the solver and the rules.

use super::setup::Id;
use super::Basis;
use crate::mapper::ClauseIdx;
use crate::vocab::Status;

pub(super) fn rank(s: Status) -> u8 {
    match s {
        Status::Met => 2,
        Status::Partial => 1,
        Status::NotMet | Status::Unknown | Status::NotApplicable => 0,
    }
}

/// The not-met finding that capped a clause, with what would have met it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cap {
    pub(super) finding: ClauseIdx,
    pub(super) basis: Basis,
    pub(super) via: Option<Id>,
}

/// One clause's facts and solution for one inventory, in compact form (no
/// strings). Details (evidence ids, missing parts, proofs) are derived
/// afterwards, only for the clauses reported.
#[derive(Debug, Clone, Copy)]
pub(super) struct State {
    pub(super) status: Status,
    pub(super) basis: Basis,
    /// The clause it is carried from.
    pub(super) via: Option<Id>,
    /// The not-met finding capping it, with what would have met it.
    pub(super) capped: Option<Id>,
    pub(super) capped_basis: Basis,
    pub(super) capped_via: Option<Id>,
    /// Best clause met on its own basis among its entailed supersets,
    /// with its priority: assessment/evidence (0) before sub-clauses (1),
    /// then lowest key. Pushed by the sources themselves.
    pub(super) met_source: Option<Id>,
    pub(super) met_priority: u8,
    /// The same among its entailed overlaps.
    pub(super) partial_source: Option<Id>,
    pub(super) partial_priority: u8,
    /// Whether it applies.
    pub(super) applicable: bool,
    /// Place of its assessment in the inventory (one per clause: the
    /// loader refuses two).
    pub(super) assessed: Option<Id>,
    /// The first finding (by clause key) within it: it may not be met.
    pub(super) cap: Option<Id>,
    /// Whether it is waiting in the queue.
    pub(super) queued: bool,
    /// INVARIANT: its rank only rises, and its status changes at an equal
    /// rank at most twice before it first rises, so the fixpoint ends.
    pub(super) sideways: u8,
}

impl State {
    pub(super) const INITIAL: State = State {
        status: Status::Unknown,
        basis: Basis::None,
        via: None,
        capped: None,
        capped_basis: Basis::None,
        capped_via: None,
        met_source: None,
        met_priority: 0,
        partial_source: None,
        partial_priority: 0,
        applicable: true,
        assessed: None,
        cap: None,
        queued: false,
        sideways: 0,
    };

    pub(super) fn capped(&self) -> Option<Cap> {
        self.capped.map(|finding| Cap {
            finding: finding.clause(),
            basis: self.capped_basis,
            via: self.capped_via,
        })
    }

    pub(super) fn set_capped(&mut self, cap: Option<Cap>) {
        (self.capped, self.capped_basis, self.capped_via) = match cap {
            Some(k) => (Id::of(k.finding), k.basis, k.via),
            None => (None, Basis::None, None),
        };
    }
}
