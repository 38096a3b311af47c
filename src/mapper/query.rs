//! Queries on a built network: the relation of two clauses with its proof,
//! entailed subsets and overlaps, the clauses related to one, redundant links.
//!
//! Every query is a handful of breadth-first searches around its clauses.
//! With `up(x)` the clauses containing `x` (⊆*), `down(x)` those contained
//! in `x`, and `shared(x) = up(down(x) ∪ intersects-partners(down(x)))` the
//! clauses a derivation shows to share obligations with `x`, a consistent
//! network rules out, for clauses `a ≠ b`:
//!
//! | relation | ruled out when |
//! |---|---|
//! | `equals` | `core(a, b)` or `core(b, a)` |
//! | `subset-of` | `b ⊆* a`, or `core(a, b)` |
//! | `superset-of` | `a ⊆* b`, or `core(b, a)` |
//! | `intersects` | `a ⊆* b`, `b ⊆* a`, or a `disjoint` link between `up(a)` and `up(b)` |
//! | `disjoint` | `down(a) ∩ down(b) ≠ ∅`, or an `intersects` link between `down(a)` and `down(b)` |
//!
//! where `core(a, b)` — adding `a ⊆ b` breaks the network — is a `X ⊄ Y`
//! fact with `X ∈ down(a)`, `Y ∈ up(b)`, or a `disjoint` link between
//! `up(b)` and `shared(a)`. Each row is the incremental form of the three
//! consistency conditions of the module documentation: adding `r(a, b)`
//! can only break them through paths that use the new fact, and the
//! violations that would not use it are excluded because the network is
//! consistent. `tests/mapper_props.rs` checks the table against a
//! brute-force set model.

use std::collections::HashMap;

use super::adjacency::{Csr, StepCode};
use super::marks::{Pred, Scratch, Slot};
use super::{Answer, ClauseIdx, Network, Relation, RelationSet, Step};

/// A search source: the node, how it continues another search, its starting distance.
type Source = (u32, Pred, u32);

/// Why a relation is ruled out, before the proof is spelled out.
#[derive(Debug, Clone, Copy)]
enum Why {
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
type Reason = Option<(u32, Why)>;

/// The shorter of two reasons.
fn shorter(x: Reason, y: Reason) -> Reason {
    match (x, y) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Whether `step` takes part in the search (not a removed link).
fn allowed(removed: &[bool], step: StepCode) -> bool {
    step.link_id()
        .is_none_or(|l| !removed.get(l.0 as usize).copied().unwrap_or(false))
}

/// A query in progress: the network, the links it pretends are absent, and
/// its visited sets (returned to the network's pool when dropped).
pub(super) struct Search<'n> {
    net: &'n Network,
    removed: &'n [bool],
    marks: Scratch,
    shared_a_ready: bool,
    shared_b_ready: bool,
}

impl Drop for Search<'_> {
    fn drop(&mut self) {
        self.net.pool.give_back(std::mem::take(&mut self.marks));
    }
}

impl<'n> Search<'n> {
    /// A search over `net` without the links marked in `removed`.
    pub(super) fn new(net: &'n Network, removed: &'n [bool]) -> Search<'n> {
        Search {
            net,
            removed,
            marks: net.pool.take(),
            shared_a_ready: false,
            shared_b_ready: false,
        }
    }

    /// The visited set `slot`.
    pub(super) fn marks(&self, slot: Slot) -> &super::marks::Marks {
        self.marks.get(slot)
    }

    /// Breadth-first search of `adjacency` from `sources` (sorted by
    /// starting distance) into `slot`, stopping early once `target` is
    /// visited. Distances are exact: a source enters the search when the
    /// frontier reaches its starting distance.
    fn closure(&mut self, slot: Slot, adjacency: &Csr, sources: &[Source], target: Option<u32>) {
        let removed = self.removed;
        let marks = self.marks.get_mut(slot);
        marks.clear(self.net.clause_count);
        let mut head = 0;
        let mut next = 0;
        loop {
            let frontier = marks.seen().get(head).and_then(|&v| marks.dist(v));
            let limit = match (frontier, sources.get(next)) {
                (Some(f), _) => f,
                (None, Some(s)) => s.2,
                (None, None) => break,
            };
            while let Some(&(v, pred, d)) = sources.get(next) {
                if d > limit {
                    break;
                }
                marks.visit(v, pred, d);
                next += 1;
            }
            if target.is_some_and(|t| marks.contains(t)) {
                return;
            }
            let Some(&v) = marks.seen().get(head) else {
                continue;
            };
            head += 1;
            let d = marks.dist(v).unwrap_or(0) + 1;
            for (w, step) in adjacency.edges(v) {
                if allowed(removed, step)
                    && marks.visit(w, Pred::Within(v, step), d)
                    && Some(w) == target
                {
                    return;
                }
            }
        }
    }

    /// `up(x)` into `slot` (stopping at `target` if given).
    pub(super) fn up_from(&mut self, slot: Slot, x: u32, target: Option<u32>) {
        let net = self.net;
        self.closure(slot, &net.up, &[(x, Pred::Root, 0)], target);
    }

    /// `down(x)` into `slot`.
    pub(super) fn down_from(&mut self, slot: Slot, x: u32) {
        let net = self.net;
        self.closure(slot, &net.down, &[(x, Pred::Root, 0)], None);
    }

    /// `up(S ∪ intersects-partners(S))` into `shared`, where `S` is the
    /// content of the search `base` (`shared`'s base).
    fn shared_over(&mut self, base: Slot, shared: Slot) {
        let net = self.net;
        let removed = self.removed;
        let marks = self.marks.get(base);
        let mut sources: Vec<Source> = Vec::with_capacity(marks.len() * 2);
        for &z in marks.seen() {
            sources.push((z, Pred::Cross(z, None), marks.dist(z).unwrap_or(0)));
        }
        for &p in marks.seen() {
            let d = marks.dist(p).unwrap_or(0) + 1;
            for (q, step) in net.overlap.edges(p) {
                if allowed(removed, step) {
                    sources.push((q, Pred::Cross(p, Some(step)), d));
                }
            }
        }
        sources.sort_by_key(|s| s.2);
        self.closure(shared, &net.up, &sources, None);
    }

    /// One `hop` step out of every clause of `base`, then the closure over
    /// `close`, into `slot` (whose base is `base`).
    fn hop_then_close(&mut self, base: Slot, hop: &Csr, slot: Slot, close: &Csr) {
        let removed = self.removed;
        let marks = self.marks.get(base);
        let mut sources: Vec<Source> = Vec::new();
        for &v in marks.seen() {
            let d = marks.dist(v).unwrap_or(0) + 1;
            for (w, step) in hop.edges(v) {
                if allowed(removed, step) {
                    sources.push((w, Pred::Cross(v, Some(step)), d));
                }
            }
        }
        sources.sort_by_key(|s| s.2);
        self.closure(slot, close, &sources, None);
    }

    /// The steps that put `v` in the search `slot`, following sources into
    /// the searches they continue.
    fn trace(&self, mut slot: Slot, mut v: u32) -> Vec<StepCode> {
        let mut out = Vec::new();
        loop {
            match self.marks.get(slot).pred(v) {
                None | Some(Pred::Root) => return out,
                Some(Pred::Within(from, step)) => {
                    out.push(step);
                    v = from;
                }
                Some(Pred::Cross(from, step)) => {
                    out.extend(step);
                    v = from;
                    match slot.base() {
                        Some(base) => slot = base,
                        None => return out,
                    }
                }
            }
        }
    }

    /// The chain `source ⊆ … ⊆ v` of an up-search.
    pub(super) fn up_path(&self, slot: Slot, v: u32) -> Vec<StepCode> {
        let mut steps = self.trace(slot, v);
        steps.reverse();
        steps
    }

    /// The proof of a reason.
    fn spell_out(&self, why: Why) -> Vec<StepCode> {
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
    fn in_reason(&self, slot: Slot, node: u32) -> Reason {
        self.marks
            .get(slot)
            .dist(node)
            .map(|d| (d, Why::In { slot, node }))
    }

    /// `down(a)` and `down(b)` share a clause or an `intersects` link.
    fn overlap_reason(&self) -> Reason {
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
    fn disjoint_above_reason(&self) -> Reason {
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
    fn core_reason(&mut self, down: Slot, up: Slot, shared: Slot) -> Reason {
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

    /// Fills `up(a)`, `down(a)` and forgets `shared(a)`.
    fn prepare_a(&mut self, a: u32) {
        self.up_from(Slot::UpA, a, None);
        self.down_from(Slot::DownA, a);
        self.shared_a_ready = false;
    }

    /// The answer from the reasons ruling out each relation: `core_ab` —
    /// adding `a ⊆ b` breaks the network —, `core_ba`, `sub_ab` (`a ⊆* b`),
    /// `sub_ba`, `apart` (`a` and `b` inside disjoint clauses) and `overlap`.
    fn answer(
        &self,
        core_ab: Reason,
        core_ba: Reason,
        sub_ab: Reason,
        sub_ba: Reason,
        apart: Reason,
        overlap: Reason,
    ) -> Answer {
        let excluded = [
            (Relation::Equals, shorter(core_ab, core_ba)),
            (Relation::SubsetOf, shorter(sub_ba, core_ab)),
            (Relation::SupersetOf, shorter(sub_ab, core_ba)),
            (
                Relation::Intersects,
                shorter(shorter(sub_ab, sub_ba), apart),
            ),
            (Relation::Disjoint, overlap),
        ];
        let mut relations = RelationSet::ALL;
        let mut proof = ProofBuilder::default();
        for (relation, reason) in excluded {
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

    /// The relation of `a` to `b` (`a ≠ b`), with `a` prepared: searches
    /// around both clauses.
    fn relate_prepared(&mut self, a: u32, b: u32) -> Answer {
        self.up_from(Slot::UpB, b, None);
        self.down_from(Slot::DownB, b);
        self.shared_b_ready = false;
        let sub_ab = self.in_reason(Slot::UpA, b);
        let sub_ba = self.in_reason(Slot::UpB, a);
        let core_ab = self.core_reason(Slot::DownA, Slot::UpB, Slot::SharedA);
        let core_ba = self.core_reason(Slot::DownB, Slot::UpA, Slot::SharedB);
        let apart = self.disjoint_above_reason();
        let overlap = self.overlap_reason();
        self.answer(core_ab, core_ba, sub_ab, sub_ba, apart, overlap)
    }

    /// A chain `a ⊆ … ⊆ b` over the links still in force, if any, and
    /// whether one of its steps is proper (a `subset-of` or `superset-of`
    /// link, which also states `b ⊄ a`). A bidirectional search, up from
    /// `a` and down from `b`, that always grows the side with the smaller
    /// frontier, so it stops after about twice the smaller of `up(a)` and
    /// `down(b)`.
    fn chain(&mut self, a: u32, b: u32) -> Option<bool> {
        if a == b {
            return Some(false);
        }
        let net = self.net;
        let removed = self.removed;
        let mut up = std::mem::take(self.marks.get_mut(Slot::UpA));
        let mut down = std::mem::take(self.marks.get_mut(Slot::DownB));
        up.clear(net.clause_count);
        down.clear(net.clause_count);
        up.visit(a, Pred::Root, 0);
        down.visit(b, Pred::Root, 0);
        let (mut up_head, mut down_head) = (0, 0);
        let met = loop {
            let up_pending = up.len() - up_head;
            let down_pending = down.len() - down_head;
            if up_pending == 0 || down_pending == 0 {
                break None;
            }
            let growing_up = up_pending <= down_pending;
            let (grow, other, head, adjacency) = if growing_up {
                (&mut up, &down, &mut up_head, &net.up)
            } else {
                (&mut down, &up, &mut down_head, &net.down)
            };
            let Some(&v) = grow.seen().get(*head) else {
                break None;
            };
            *head += 1;
            let mut met = None;
            for (w, step) in adjacency.edges(v) {
                if allowed(removed, step) {
                    if other.contains(w) {
                        met = Some((v, step, w));
                        break;
                    }
                    grow.visit(w, Pred::Within(v, step), 0);
                }
            }
            if let Some((v, step, w)) = met {
                // the chain: up's tree to `v`, `step`, down's tree from `w`
                // (or the mirror image when the down side was growing)
                let (u_end, d_end) = if growing_up { (v, w) } else { (w, v) };
                break Some((step, u_end, d_end));
            }
        };
        let strict = met.map(|(step, u_end, d_end)| {
            let mut steps = vec![step];
            for (marks, mut v) in [(&up, u_end), (&down, d_end)] {
                while let Some(Pred::Within(from, s)) = marks.pred(v) {
                    steps.push(s);
                    v = from;
                }
            }
            steps.iter().any(|&s| self.is_proper(s))
        });
        *self.marks.get_mut(Slot::UpA) = up;
        *self.marks.get_mut(Slot::DownB) = down;
        strict
    }

    /// Whether the ⊆ step `step` comes from a `subset-of` or `superset-of` link.
    fn is_proper(&self, step: StepCode) -> bool {
        step.link_id()
            .and_then(|l| self.net.link(l))
            .is_some_and(|l| matches!(l.relation, Relation::SubsetOf | Relation::SupersetOf))
    }

    /// Whether `x ⊊ y` is entailed by the links still in force: a chain
    /// `x ⊆ … ⊆ y`, and adding `y ⊆ x` breaks the network — which a proper
    /// step of the chain shows at once (it states that its upper end sticks
    /// out of its lower end, hence `y` out of `x`), else `core(y, x)`.
    fn proper_chain(&mut self, x: u32, y: u32) -> bool {
        match self.chain(x, y) {
            None => false,
            Some(true) => true,
            Some(false) => {
                self.down_from(Slot::DownB, y);
                self.up_from(Slot::UpA, x, None);
                self.shared_b_ready = false;
                self.core_reason(Slot::DownB, Slot::UpA, Slot::SharedB)
                    .is_some()
            }
        }
    }

    /// Whether the links still in force give `link`'s clauses exactly its
    /// relation (the relation is possible: the network, a consistent one,
    /// states it), by the rows of the table of the module documentation
    /// without building proofs. In a consistent network:
    ///
    /// - `{equals}` iff `a ⊆* b` and `b ⊆* a`;
    /// - `{subset-of}` iff `a ⊆* b` and adding `b ⊆ a` breaks the network
    ///   (`core(a, b)` cannot hold when `a ⊆* b`), and the mirror image for
    ///   `{superset-of}`;
    /// - `{intersects}` iff `disjoint` is ruled out, `core(a, b)` and
    ///   `core(b, a)` (neither end can be `⊆*` the other: the link says
    ///   each sticks out of the other);
    /// - `{disjoint}` iff a `disjoint` link joins `up(a)` and `up(b)`
    ///   (neither end can be `⊆*` the other: the link says they share nothing).
    pub(super) fn implies(&mut self, link: &super::LinkInput) -> bool {
        let (a, b) = (link.a.0, link.b.0);
        match link.relation {
            Relation::Equals => self.chain(a, b).is_some() && self.chain(b, a).is_some(),
            Relation::SubsetOf => self.proper_chain(a, b),
            Relation::SupersetOf => self.proper_chain(b, a),
            Relation::Intersects => {
                self.prepare_a(a);
                self.down_from(Slot::DownB, b);
                if self.overlap_reason().is_none() {
                    return false;
                }
                self.up_from(Slot::UpB, b, None);
                self.shared_b_ready = false;
                self.core_reason(Slot::DownA, Slot::UpB, Slot::SharedA)
                    .is_some()
                    && self
                        .core_reason(Slot::DownB, Slot::UpA, Slot::SharedB)
                        .is_some()
            }
            Relation::Disjoint => {
                self.up_from(Slot::UpA, a, None);
                self.up_from(Slot::UpB, b, None);
                self.disjoint_above_reason().is_some()
            }
        }
    }

    /// `up(a)` and `shared(a)` minus `up(a)`, each without `a`, in index
    /// order (see [`Network::supersets_and_overlaps`]).
    fn supersets_and_overlaps(&mut self, a: u32) -> CarrySets {
        self.up_from(Slot::UpA, a, None);
        self.down_from(Slot::DownA, a);
        self.shared_over(Slot::DownA, Slot::SharedA);
        self.nested_then_shared(Slot::UpA, a)
    }

    /// The mirror of `supersets_and_overlaps`: `down(b)`, then the clauses
    /// entailed to overlap `b` that are not in it.
    fn subsets_and_overlaps(&mut self, b: u32) -> CarrySets {
        self.down_from(Slot::DownA, b);
        self.shared_over(Slot::DownA, Slot::SharedA);
        self.nested_then_shared(Slot::DownA, b)
    }

    /// The content of `nested` without `a`, then that of `SharedA` outside
    /// `nested`, each in index order.
    fn nested_then_shared(&self, nested: Slot, a: u32) -> CarrySets {
        let first = self.sorted_content(nested, a);
        let inside = self.marks.get(nested);
        let mut rest: Vec<u32> = self
            .marks
            .get(Slot::SharedA)
            .seen()
            .iter()
            .copied()
            .filter(|&v| !inside.contains(v))
            .collect();
        rest.sort_unstable();
        (first, rest.into_iter().map(ClauseIdx).collect())
    }

    /// The relation of `a` to `b`.
    pub(super) fn relation(&mut self, a: u32, b: u32) -> Answer {
        if a == b {
            return Answer {
                relations: RelationSet::single(Relation::Equals),
                proof: Vec::new(),
            };
        }
        self.prepare_a(a);
        self.relate_prepared(a, b)
    }

    /// Every clause whose relation to `a` is not `ALL`, in index order.
    ///
    /// Rather than relating `a` to each candidate, runs each search of the
    /// table of the module documentation once, from `a`'s side: `b` is
    /// ruled out of a relation exactly when it lands in the matching
    /// search, whose distances are the proof lengths.
    pub(super) fn related(&mut self, a: u32) -> Vec<(ClauseIdx, Answer)> {
        let net = self.net;
        self.prepare_a(a);
        self.shared_over(Slot::DownA, Slot::SharedA);
        self.hop_then_close(
            Slot::DownA,
            &net.not_sub_out,
            Slot::InsideNotSubOfA,
            &net.down,
        );
        self.hop_then_close(Slot::UpA, &net.not_sub_in, Slot::AboveNotSubOfA, &net.up);
        let mut searches = vec![Slot::SharedA, Slot::InsideNotSubOfA, Slot::AboveNotSubOfA];
        if net.has_disjoint() {
            self.hop_then_close(
                Slot::SharedA,
                &net.disjoint,
                Slot::InsideDisjointOfSharedA,
                &net.down,
            );
            self.hop_then_close(Slot::UpA, &net.disjoint, Slot::InsideDisjointOfA, &net.down);
            self.shared_over(Slot::InsideDisjointOfA, Slot::SharedInsideDisjointOfA);
            searches.extend([
                Slot::InsideDisjointOfSharedA,
                Slot::InsideDisjointOfA,
                Slot::SharedInsideDisjointOfA,
            ]);
        } else {
            for slot in [
                Slot::InsideDisjointOfSharedA,
                Slot::InsideDisjointOfA,
                Slot::SharedInsideDisjointOfA,
            ] {
                self.marks.get_mut(slot).clear(net.clause_count);
            }
        }
        let mut candidates: Vec<u32> = searches
            .iter()
            .flat_map(|&slot| self.marks.get(slot).seen().iter().copied())
            .filter(|&b| b != a)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .map(|b| {
                let r = |slot| self.in_reason(slot, b);
                let core_ab = shorter(r(Slot::InsideNotSubOfA), r(Slot::InsideDisjointOfSharedA));
                let core_ba = shorter(r(Slot::AboveNotSubOfA), r(Slot::SharedInsideDisjointOfA));
                let answer = self.answer(
                    core_ab,
                    core_ba,
                    r(Slot::UpA),
                    r(Slot::DownA),
                    r(Slot::InsideDisjointOfA),
                    r(Slot::SharedA),
                );
                (ClauseIdx(b), answer)
            })
            .filter(|(_, answer)| answer.relations != RelationSet::ALL)
            .collect()
    }

    /// Why `down(a)` and `down(b)` must share obligations (`a ≠ b`).
    pub(super) fn overlap_proof(&mut self, a: u32, b: u32) -> Option<Vec<Step>> {
        self.down_from(Slot::DownA, a);
        self.down_from(Slot::DownB, b);
        let (_, why) = self.overlap_reason()?;
        let mut proof = ProofBuilder::default();
        proof.extend(self.net, self.spell_out(why));
        Some(proof.steps)
    }

    /// The visited nodes of `slot` other than `except`, in index order.
    pub(super) fn sorted_content(&self, slot: Slot, except: u32) -> Vec<ClauseIdx> {
        let mut out: Vec<u32> = self
            .marks
            .get(slot)
            .seen()
            .iter()
            .copied()
            .filter(|&v| v != except)
            .collect();
        out.sort_unstable();
        out.into_iter().map(ClauseIdx).collect()
    }
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

/// What [`Network::supersets_and_overlaps`] answers for one clause.
pub type CarrySets = (Vec<ClauseIdx>, Vec<ClauseIdx>);

impl Network {
    /// The base relations still possible between `a` and `b`, with a proof.
    ///
    /// Sound and complete: exactly the `r` for which the network plus
    /// `r(a, b)` has a set model. `relation(a, a)` is `{equals}`. In an
    /// inconsistent network nothing is possible: the answer is empty and its
    /// proof is the first conflict. Out-of-range clauses get the empty answer too.
    pub fn relation(&self, a: ClauseIdx, b: ClauseIdx) -> Answer {
        if let Some(conflict) = self.conflicts.first() {
            return Answer {
                relations: RelationSet::EMPTY,
                proof: conflict.steps.clone(),
            };
        }
        if !self.contains(a) || !self.contains(b) {
            return Answer {
                relations: RelationSet::EMPTY,
                proof: Vec::new(),
            };
        }
        Search::new(self, &[]).relation(a.0, b.0)
    }

    /// A shortest chain of ⊆ steps from `a` to `b`, when `a ⊆ b` is
    /// entailed (the relation set is within `{equals, subset-of}`);
    /// `Some(vec![])` when `a == b`.
    ///
    /// This is reachability over ⊆ facts, which is exactly entailment in a
    /// consistent network; an inconsistent network entails everything, but
    /// this query still answers by reachability so that a single bad link
    /// does not make every clause carry evidence to every other.
    pub fn entails_subset(&self, a: ClauseIdx, b: ClauseIdx) -> Option<Vec<Step>> {
        if !self.contains(a) || !self.contains(b) {
            return None;
        }
        if a == b {
            return Some(Vec::new());
        }
        let mut search = Search::new(self, &[]);
        search.up_from(Slot::UpA, a.0, Some(b.0));
        if !search.marks(Slot::UpA).contains(b.0) {
            return None;
        }
        let mut proof = ProofBuilder::default();
        proof.extend(self, search.up_path(Slot::UpA, b.0));
        Some(proof.steps)
    }

    /// A shortest proof that `a` and `b` share obligations (`disjoint` is
    /// ruled out), when that is entailed; `Some(vec![])` when `a == b`.
    /// Like [`Network::entails_subset`], answers from the declared facts
    /// even in an inconsistent network.
    pub fn entails_overlap(&self, a: ClauseIdx, b: ClauseIdx) -> Option<Vec<Step>> {
        if !self.contains(a) || !self.contains(b) {
            return None;
        }
        if a == b {
            return Some(Vec::new());
        }
        Search::new(self, &[]).overlap_proof(a.0, b.0)
    }

    /// Every clause `b ≠ a` whose relation to `a` is not all five, with
    /// the answer of [`Network::relation`], in index order.
    ///
    /// Explores from `a` only: the candidates are the clauses sharing
    /// obligations with `a`, below what `a`'s parts stick out of, above what
    /// sticks out of `a`'s containers, and those reached through `disjoint`
    /// links from either; each candidate is then related to `a`. Empty in an
    /// inconsistent network.
    pub fn related(&self, a: ClauseIdx) -> Vec<(ClauseIdx, Answer)> {
        if !self.is_consistent() || !self.contains(a) {
            return Vec::new();
        }
        Search::new(self, &[]).related(a.0)
    }

    /// The clauses `b ≠ a` with `a ⊆ b` entailed, in index order.
    pub fn supersets_of(&self, a: ClauseIdx) -> Vec<ClauseIdx> {
        if !self.contains(a) {
            return Vec::new();
        }
        let mut search = Search::new(self, &[]);
        search.up_from(Slot::UpA, a.0, None);
        search.sorted_content(Slot::UpA, a.0)
    }

    /// The clauses `b ≠ a` with `b ⊆ a` entailed, in index order.
    pub fn subsets_of(&self, a: ClauseIdx) -> Vec<ClauseIdx> {
        if !self.contains(a) {
            return Vec::new();
        }
        let mut search = Search::new(self, &[]);
        search.down_from(Slot::DownA, a.0);
        search.sorted_content(Slot::DownA, a.0)
    }

    /// Links already implied by the others, in decreasing index order.
    ///
    /// Links are tried from the last declared to the first; a link is
    /// reported when the remaining links (without those already reported)
    /// still give its clauses exactly its relation. Of two links that imply
    /// each other (a duplicate, say) only the later one is reported, and
    /// removing every reported link leaves a network with the same models.
    /// Empty for an inconsistent network.
    ///
    /// Each link first meets a cheap necessary condition (a ⊆-path that
    /// avoids it for `equals`, `subset-of` and `superset-of`, found by a
    /// bidirectional search; an entailed overlap for `intersects`; a
    /// `disjoint` link above both ends for `disjoint`); the full relation
    /// query runs only for the links that pass.
    pub fn redundant_links(&self) -> Vec<super::LinkId> {
        if !self.is_consistent() {
            return Vec::new();
        }
        let mut removed = vec![false; self.links.len()];
        let mut out = Vec::new();
        for (i, link) in self.links.iter().enumerate().rev() {
            if !self.active.get(i).copied().unwrap_or(false) {
                continue;
            }
            if let Some(r) = removed.get_mut(i) {
                *r = true;
            }
            if Search::new(self, &removed).implies(link) {
                out.push(super::LinkId(i as u32));
            } else if let Some(r) = removed.get_mut(i) {
                *r = false;
            }
        }
        out
    }

    /// What evidence carries over along (DESIGN §3), from `a`'s side, much
    /// cheaper than [`Network::related`]: the clauses `b ≠ a` with `a ⊆ b`
    /// entailed (the relation set is within `{equals, subset-of}`), then
    /// the other clauses `b ≠ a` that entail sharing obligations with `a`
    /// (`disjoint` ruled out), each in index order. These are exactly the
    /// clauses of `related(a)` whose relations are within
    /// `{equals, subset-of}`, and those whose relations leave out
    /// `disjoint` but are not within it. Both empty in an inconsistent
    /// network, like [`Network::related`].
    pub fn supersets_and_overlaps(&self, a: ClauseIdx) -> (Vec<ClauseIdx>, Vec<ClauseIdx>) {
        if !self.is_consistent() || !self.contains(a) {
            return (Vec::new(), Vec::new());
        }
        Search::new(self, &[]).supersets_and_overlaps(a.0)
    }

    /// Where evidence for `b` carries (DESIGN §3), the mirror of
    /// [`Network::supersets_and_overlaps`]: the clauses `c ≠ b` with
    /// `c ⊆ b` entailed (so `b` met makes them met), then the other clauses
    /// `c ≠ b` entailed to share obligations with `b` (so `b` met makes them
    /// partial), each in index order. `c` is in the first list exactly when
    /// `b` is in the first list of `supersets_and_overlaps(c)`, and likewise
    /// for the second: this answers from `b`'s side what inverting those
    /// lists over every clause answers, with two searches instead of all.
    pub fn subsets_and_overlaps(&self, b: ClauseIdx) -> CarrySets {
        if !self.is_consistent() || !self.contains(b) {
            return (Vec::new(), Vec::new());
        }
        Search::new(self, &[]).subsets_and_overlaps(b.0)
    }

    /// Every clause whose being met carries to one of `clauses` or is one
    /// of them, in index order: the union of `supersets_and_overlaps(c)`
    /// over `c` in `clauses`, with `clauses` themselves, found by one
    /// search from all of them (`up(down(S) ∪ intersects-partners(down(S)))`
    /// — every search of [`Network::supersets_and_overlaps`] distributes
    /// over its sources). Only `clauses` themselves in an inconsistent
    /// network, where nothing carries.
    pub fn carriers_of_any(&self, clauses: &[ClauseIdx]) -> Vec<ClauseIdx> {
        let mut own: Vec<ClauseIdx> = clauses
            .iter()
            .copied()
            .filter(|&c| self.contains(c))
            .collect();
        if !self.is_consistent() {
            own.sort_unstable();
            own.dedup();
            return own;
        }
        let mut search = Search::new(self, &[]);
        let sources: Vec<Source> = own.iter().map(|c| (c.0, Pred::Root, 0)).collect();
        search.closure(Slot::DownA, &self.down, &sources, None);
        search.shared_over(Slot::DownA, Slot::SharedA);
        let mut out: Vec<ClauseIdx> = search
            .marks(Slot::SharedA)
            .seen()
            .iter()
            .map(|&v| ClauseIdx(v))
            .collect();
        out.sort_unstable();
        out
    }

    /// Whether `c` is a clause of the network.
    fn contains(&self, c: ClauseIdx) -> bool {
        (c.0 as usize) < self.clause_count
    }
}
