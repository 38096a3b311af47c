//! Why a relation is ruled out and its proof: the reasons a search finds
//! (a clause in a search, a shared part, a `⊄` fact or a `disjoint` link
//! between searches), the shortest of them, and the proof spelled out as
//! declared links and hierarchy edges without repetition.

use std::collections::HashMap;

use super::adjacency::StepCode;
use super::marks::{Pred, Slot};
use super::search::{allowed, Search};
use super::{Answer, Network, Relation, RelationSet, Step};

/// Proofs of at most this many steps are given whole; longer ones, in
/// answers that list many clauses, cite (see `carry.rs`, `Step::Cited`).
pub const SHORT_PROOF: u32 = 8;

/// Why a relation is ruled out, before the proof is spelled out.
#[derive(Debug, Clone, Copy)]
pub(super) enum Why {
    /// `node` is in the search `slot` (whose meaning says why).
    In { slot: Slot, node: u32 },
    /// `part` is in `down(a)` and `down(b)`.
    CommonPart { part: u32 },
    /// The `intersects` link `step` joins `p ∈ down(a)` and `q ∈ down(b)`.
    OverlapBelow { p: u32, step: StepCode, q: u32 },
    /// The `disjoint` link `step` joins `c ∈ up(a)` and `d ∈ up(b)`.
    DisjointAbove { c: u32, step: StepCode, d: u32 },
    /// The fact `x ⊄ y` (`step`) with `x` in the down-search `down` and `y`
    /// in the up-search `up`.
    NotSubset {
        down: Slot,
        x: u32,
        step: StepCode,
        up: Slot,
        y: u32,
    },
    /// The `disjoint` link `step` joins `c` of the up-search `up` and `d` of
    /// the shared-search `shared`.
    DisjointShared {
        up: Slot,
        c: u32,
        step: StepCode,
        shared: Slot,
        d: u32,
    },
}

/// A reason with the length of its proof.
pub(super) type Reason = Option<(u32, Why)>;

/// The shorter of two reasons.
pub(super) fn shorter(x: Reason, y: Reason) -> Reason {
    match (x, y) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

impl Search<'_> {
    /// The proof of a reason.
    pub(super) fn spell_out(&self, why: Why) -> Vec<StepCode> {
        match why {
            Why::In { slot, node } => self.trace(slot, node),
            Why::CommonPart { part } => {
                let mut s = self.trace(Slot::DownA, part);
                s.extend(self.trace(Slot::DownB, part));
                s
            }
            Why::OverlapBelow { p, step, q } => {
                let mut s = self.trace(Slot::DownA, p);
                s.push(step);
                s.extend(self.trace(Slot::DownB, q));
                s
            }
            Why::DisjointAbove { c, step, d } => {
                let mut s = self.up_path(Slot::UpA, c);
                s.extend(self.up_path(Slot::UpB, d));
                s.push(step);
                s
            }
            Why::NotSubset {
                down,
                x,
                step,
                up,
                y,
            } => {
                let mut s = self.trace(down, x);
                s.extend(self.up_path(up, y));
                s.push(step);
                s
            }
            Why::DisjointShared {
                up,
                c,
                step,
                shared,
                d,
            } => {
                let mut s = self.trace(shared, d);
                s.extend(self.up_path(up, c));
                s.push(step);
                s
            }
        }
    }

    /// `node` is in the search `slot`.
    pub(super) fn in_reason(&self, slot: Slot, node: u32) -> Reason {
        self.marks
            .get(slot)
            .dist(node)
            .map(|d| (d, Why::In { slot, node }))
    }

    /// `down(a)` and `down(b)` share a clause or an `intersects` link.
    pub(super) fn overlap_reason(&self) -> Reason {
        let (da, db) = (self.marks.get(Slot::DownA), self.marks.get(Slot::DownB));
        let mut best: Reason = None;
        let (small, large) = if da.len() <= db.len() {
            (da, db)
        } else {
            (db, da)
        };
        for &z in small.seen() {
            if let (Some(x), Some(y)) = (small.dist(z), large.dist(z)) {
                best = shorter(best, Some((x + y, Why::CommonPart { part: z })));
            }
        }
        for &p in da.seen() {
            let dp = da.dist(p).unwrap_or(0);
            for (q, step) in self.net.overlap.edges(p) {
                if let Some(dq) = db.dist(q).filter(|_| allowed(self.removed, step)) {
                    best = shorter(best, Some((dp + dq + 1, Why::OverlapBelow { p, step, q })));
                }
            }
        }
        best
    }

    /// A `disjoint` link between `up(a)` and `up(b)`.
    pub(super) fn disjoint_above_reason(&self) -> Reason {
        if !self.net.has_disjoint() {
            return None;
        }
        let (ua, ub) = (self.marks.get(Slot::UpA), self.marks.get(Slot::UpB));
        let mut best: Reason = None;
        for &c in ua.seen() {
            let dc = ua.dist(c).unwrap_or(0);
            for (d, step) in self.net.disjoint.edges(c) {
                if let Some(dd) = ub.dist(d).filter(|_| allowed(self.removed, step)) {
                    best = shorter(best, Some((dc + dd + 1, Why::DisjointAbove { c, step, d })));
                }
            }
        }
        best
    }

    /// Adding `x ⊆ y` breaks the network, where `down` holds `down(x)`,
    /// `up` holds `up(y)` and `shared` (built on `down`) is or becomes `shared(x)`.
    pub(super) fn core_reason(&mut self, down: Slot, up: Slot, shared: Slot) -> Reason {
        let net = self.net;
        let removed = self.removed;
        let mut best: Reason = None;
        {
            let (dm, um) = (self.marks.get(down), self.marks.get(up));
            for &x in dm.seen() {
                let dx = dm.dist(x).unwrap_or(0);
                for (y, step) in net.not_sub_out.edges(x) {
                    if let Some(dy) = um.dist(y).filter(|_| allowed(removed, step)) {
                        let why = Why::NotSubset {
                            down,
                            x,
                            step,
                            up,
                            y,
                        };
                        best = shorter(best, Some((dx + dy + 1, why)));
                    }
                }
            }
        }
        if !net.has_disjoint() {
            return best;
        }
        let up_has_disjoint = self
            .marks
            .get(up)
            .seen()
            .iter()
            .any(|&c| net.disjoint.edges(c).any(|(_, s)| allowed(removed, s)));
        if !up_has_disjoint {
            return best;
        }
        let ready = match shared {
            Slot::SharedA => &mut self.shared_a_ready,
            _ => &mut self.shared_b_ready,
        };
        if !*ready {
            *ready = true;
            self.shared_over(down, shared);
        }
        let (um, sm) = (self.marks.get(up), self.marks.get(shared));
        for &c in um.seen() {
            let dc = um.dist(c).unwrap_or(0);
            for (d, step) in net.disjoint.edges(c) {
                if let Some(dd) = sm.dist(d).filter(|_| allowed(removed, step)) {
                    let why = Why::DisjointShared {
                        up,
                        c,
                        step,
                        shared,
                        d,
                    };
                    best = shorter(best, Some((dc + dd + 1, why)));
                }
            }
        }
        best
    }

    /// The answer from the reasons `[core_ab, core_ba, sub_ab, sub_ba,
    /// apart, overlap]` (see [`Search::answer`]), a proof longer than
    /// [`SHORT_PROOF`] steps citing the first clause `p` of its searches'
    /// trees for which `cite(slot, p)` holds.
    pub(super) fn answer_citing(
        &self,
        a: u32,
        reasons: [Reason; 6],
        cite: &dyn Fn(Slot, u32) -> bool,
    ) -> Answer {
        let mut relations = RelationSet::ALL;
        let mut proof = ProofBuilder::default();
        for (relation, reason) in excluded(&reasons) {
            let Some((length, why)) = reason else {
                continue;
            };
            relations = relations.without(relation);
            match why {
                Why::In { slot, node } if length > SHORT_PROOF => {
                    let (codes, cited) = self.trace_citing(slot, node, cite);
                    proof.extend(self.net, codes);
                    if let Some(p) = cited {
                        proof.cite(a, p);
                    }
                }
                _ => proof.extend(self.net, self.spell_out(why)),
            }
        }
        Answer {
            relations,
            proof: proof.steps,
        }
    }

    /// `trace(slot, v)`, stopping at the first node `p` whose search tree
    /// (that of `slot` or of a base it continues) makes `cite(slot, p)` true.
    pub(super) fn trace_citing(
        &self,
        mut slot: Slot,
        mut v: u32,
        cite: &dyn Fn(Slot, u32) -> bool,
    ) -> (Vec<StepCode>, Option<u32>) {
        let mut out = Vec::new();
        loop {
            match self.marks.get(slot).pred(v) {
                None | Some(Pred::Root) => return (out, None),
                Some(Pred::Within(from, step)) => {
                    out.push(step);
                    v = from;
                }
                Some(Pred::Cross(from, step)) => {
                    out.extend(step);
                    v = from;
                    match slot.base() {
                        Some(base) => slot = base,
                        None => return (out, None),
                    }
                }
            }
            if !matches!(self.marks.get(slot).pred(v), None | Some(Pred::Root)) && cite(slot, v) {
                return (out, Some(v));
            }
        }
    }

    /// The answer from the reasons ruling out each relation: `core_ab` —
    /// adding `a ⊆ b` breaks the network —, `core_ba`, `sub_ab` (`a ⊆* b`),
    /// `sub_ba`, `apart` (`a` and `b` inside disjoint clauses) and `overlap`.
    pub(super) fn answer(
        &self,
        core_ab: Reason,
        core_ba: Reason,
        sub_ab: Reason,
        sub_ba: Reason,
        apart: Reason,
        overlap: Reason,
    ) -> Answer {
        let mut relations = RelationSet::ALL;
        let mut proof = ProofBuilder::default();
        for (relation, reason) in excluded(&[core_ab, core_ba, sub_ab, sub_ba, apart, overlap]) {
            if let Some((_, why)) = reason {
                relations = relations.without(relation);
                proof.extend(self.net, self.spell_out(why));
            }
        }
        Answer {
            relations,
            proof: proof.steps,
        }
    }
}

/// The reason ruling out each relation, from `[core_ab, core_ba, sub_ab,
/// sub_ba, apart, overlap]` (see [`Search::answer`]).
fn excluded(reasons: &[Reason; 6]) -> [(Relation, Reason); 5] {
    let [core_ab, core_ba, sub_ab, sub_ba, apart, overlap] = *reasons;
    [
        (Relation::Equals, shorter(core_ab, core_ba)),
        (Relation::SubsetOf, shorter(sub_ba, core_ab)),
        (Relation::SupersetOf, shorter(sub_ab, core_ba)),
        (
            Relation::Intersects,
            shorter(shorter(sub_ab, sub_ba), apart),
        ),
        (Relation::Disjoint, overlap),
    ]
}

/// The relations no reason rules out.
pub(super) fn relations_left(reasons: &[Reason; 6]) -> RelationSet {
    excluded(reasons)
        .into_iter()
        .filter(|(_, reason)| reason.is_some())
        .fold(RelationSet::ALL, |set, (relation, _)| set.without(relation))
}

/// Steps without repetition, in first-use order: a link used in both
/// directions is listed once, as declared (not reversed).
#[derive(Default)]
pub(super) struct ProofBuilder {
    /// Position in `steps` of each link or hierarchy edge, direction forgotten.
    position: HashMap<StepCode, usize>,
    /// The steps so far.
    pub(super) steps: Vec<Step>,
}

impl ProofBuilder {
    /// Appends the citation of the answer for `to` (asked from `from`).
    pub(super) fn cite(&mut self, from: u32, to: u32) {
        let step = Step::Cited {
            from: super::ClauseIdx(from),
            to: super::ClauseIdx(to),
        };
        if !self.steps.contains(&step) {
            self.steps.push(step);
        }
    }

    /// Appends the steps not yet present.
    pub(super) fn extend(&mut self, net: &Network, codes: Vec<StepCode>) {
        for code in codes {
            let Some(step) = code.to_step(&net.hierarchy) else {
                continue;
            };
            match self.position.get(&code.undirected()) {
                None => {
                    self.position.insert(code.undirected(), self.steps.len());
                    self.steps.push(step);
                }
                Some(&at) => {
                    if let Some(Step::Link { reversed, .. }) = self.steps.get_mut(at) {
                        *reversed &= code.is_reversed();
                    }
                }
            }
        }
    }
}
