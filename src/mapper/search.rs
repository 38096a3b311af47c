//! The breadth-first searches every query is made of: up (`⊆*`-supersets)
//! and down (`⊆*`-subsets) from a clause, the shared clauses of a search,
//! chains of `⊆` facts and the entailment of a link. A search pretends some
//! links are absent (for redundancy) and borrows its visited sets from the
//! network's pool.

use super::adjacency::{Csr, StepCode};
use super::marks::{Pred, Scratch, Slot};
use super::{ClauseIdx, Network, Relation};

/// What [`Network::supersets_and_overlaps`] answers for one clause: its
/// entailed supersets, then the clauses entailed to overlap it.
pub type CarrySets = (Vec<ClauseIdx>, Vec<ClauseIdx>);

/// A search source: the node, how it continues another search, its starting distance.
pub(super) type Source = (u32, Pred, u32);

/// Whether `step` takes part in the search (not a removed link).
pub(super) fn allowed(removed: &[bool], step: StepCode) -> bool {
    step.link_id()
        .is_none_or(|l| !removed.get(l.0 as usize).copied().unwrap_or(false))
}

/// A query in progress: the network, the links it pretends are absent, and
/// its visited sets (returned to the network's pool when dropped).
pub(super) struct Search<'n> {
    pub(super) net: &'n Network,
    /// Links the search pretends are absent, by [`super::LinkId`].
    pub(super) removed: &'n [bool],
    pub(super) marks: Scratch,
    /// Whether `shared(a)` (`shared(b)`) is filled for the current `a` (`b`).
    pub(super) shared_a_ready: bool,
    pub(super) shared_b_ready: bool,
    /// Searches stop expanding nodes at this distance (`u32::MAX`: never).
    pub(super) depth_limit: u32,
    /// Searches stop once they hold this many nodes (`usize::MAX`: never).
    pub(super) node_limit: usize,
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
            depth_limit: u32::MAX,
            node_limit: usize::MAX,
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
    pub(super) fn closure(
        &mut self,
        slot: Slot,
        adjacency: &Csr,
        sources: &[Source],
        target: Option<u32>,
    ) {
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
            if d > self.depth_limit || marks.len() >= self.node_limit {
                // breadth-first: every node still queued is as far or farther
                break;
            }
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
    pub(super) fn shared_over(&mut self, base: Slot, shared: Slot) {
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
    pub(super) fn hop_then_close(&mut self, base: Slot, hop: &Csr, slot: Slot, close: &Csr) {
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
    pub(super) fn trace(&self, slot: Slot, v: u32) -> Vec<StepCode> {
        self.trace_citing(slot, v, &|_, _| false).0
    }

    /// The chain `source ⊆ … ⊆ v` of an up-search.
    pub(super) fn up_path(&self, slot: Slot, v: u32) -> Vec<StepCode> {
        let mut steps = self.trace(slot, v);
        steps.reverse();
        steps
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

    /// The content of `nested` without `a`, then that of `SharedA` outside
    /// `nested`, each in index order.
    pub(super) fn nested_then_shared(&self, nested: Slot, a: u32) -> CarrySets {
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
