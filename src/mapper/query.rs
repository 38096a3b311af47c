//! Queries on a built network: the relation of two clauses with its proof,
//! entailed subsets and overlaps, the clauses related to one, redundant links.
//!
//! Every query is a handful of breadth-first searches around its clauses
//! (`search.rs`); the reasons that rule a relation out and their proofs are
//! in `proof.rs`.
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

use super::marks::{Pred, Slot};
use std::collections::HashMap;

use super::proof::{relations_left, shorter, Reason};
use super::search::{CarrySets, Search, Source};
use super::{Answer, ClauseIdx, Network, Relation, RelationSet, Step};

impl Search<'_> {
    /// Fills `up(a)`, `down(a)` and forgets `shared(a)`.
    pub(super) fn prepare_a(&mut self, a: u32) {
        self.up_from(Slot::UpA, a, None);
        self.down_from(Slot::DownA, a);
        self.shared_a_ready = false;
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

    /// `up(a)` and `shared(a)` minus `up(a)`, each without `a`, in index
    /// order (see [`Network::supersets_and_overlaps`]).
    pub(super) fn supersets_and_overlaps(&mut self, a: u32) -> CarrySets {
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
    pub(super) fn related(
        &mut self,
        a: u32,
        listed: &dyn Fn(ClauseIdx) -> bool,
    ) -> Vec<(ClauseIdx, Answer)> {
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
        let reasons: Vec<(u32, [Reason; 6])> = candidates
            .into_iter()
            .map(|b| {
                let r = |slot| self.in_reason(slot, b);
                let core_ab = shorter(r(Slot::InsideNotSubOfA), r(Slot::InsideDisjointOfSharedA));
                let core_ba = shorter(r(Slot::AboveNotSubOfA), r(Slot::SharedInsideDisjointOfA));
                let reasons = [
                    core_ab,
                    core_ba,
                    r(Slot::UpA),
                    r(Slot::DownA),
                    r(Slot::InsideDisjointOfA),
                    r(Slot::SharedA),
                ];
                (b, reasons)
            })
            .filter(|(_, reasons)| relations_left(reasons) != RelationSet::ALL)
            .collect();
        // A long proof cites a listed answer it passes through, when that
        // answer shows what the rest of the chain would (see `Step::Cited`).
        let known: HashMap<u32, RelationSet> = reasons
            .iter()
            .filter(|(b, _)| listed(ClauseIdx(*b)))
            .map(|(b, reasons)| (*b, relations_left(reasons)))
            .collect();
        let cite = |slot: Slot, p: u32| {
            let Some(&rel) = known.get(&p) else {
                return false;
            };
            let eq = RelationSet::single(Relation::Equals);
            // what an answer for `p` shows that the rest of the chain would
            match slot {
                // a ⊆ p
                Slot::UpA => rel.is_subset(eq.with(Relation::SubsetOf)),
                // p ⊆ a
                Slot::DownA => rel.is_subset(eq.with(Relation::SupersetOf)),
                // p shares obligations with a
                Slot::SharedA => !rel.contains(Relation::Disjoint),
                // a ⊄ p
                Slot::InsideNotSubOfA => {
                    !rel.contains(Relation::Equals) && !rel.contains(Relation::SubsetOf)
                }
                // p ⊄ a
                Slot::AboveNotSubOfA => {
                    !rel.contains(Relation::Equals) && !rel.contains(Relation::SupersetOf)
                }
                // p and a share nothing
                Slot::InsideDisjointOfA => rel == RelationSet::single(Relation::Disjoint),
                _ => false,
            }
        };
        reasons
            .into_iter()
            .map(|(b, [core_ab, core_ba, sub_ab, sub_ba, apart, overlap])| {
                let answer = self.answer_citing(
                    a,
                    [core_ab, core_ba, sub_ab, sub_ba, apart, overlap],
                    &cite,
                );
                (ClauseIdx(b), answer)
            })
            .collect()
    }
}

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
        self.entails_subset_within(a, b, u32::MAX)
    }

    /// A shortest proof that `a` and `b` share obligations (`disjoint` is
    /// ruled out), when that is entailed; `Some(vec![])` when `a == b`.
    /// Like [`Network::entails_subset`], answers from the declared facts
    /// even in an inconsistent network.
    pub fn entails_overlap(&self, a: ClauseIdx, b: ClauseIdx) -> Option<Vec<Step>> {
        self.entails_overlap_within(a, b, u32::MAX)
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
        self.related_citing(a, &|_| false)
    }

    /// [`Network::related`], where a proof longer than
    /// [`super::SHORT_PROOF`] steps may end by citing ([`Step::Cited`]) the
    /// answer for a clause it passes through, if `listed` says that answer is
    /// shown too: on a chain or ring of 10⁵ links, proofs written out whole
    /// would be quadratic in size.
    pub fn related_citing(
        &self,
        a: ClauseIdx,
        listed: &dyn Fn(ClauseIdx) -> bool,
    ) -> Vec<(ClauseIdx, Answer)> {
        if !self.is_consistent() || !self.contains(a) {
            return Vec::new();
        }
        Search::new(self, &[]).related(a.0, listed)
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
    /// Near-linear on rings and chains: the searches run on the classes of
    /// equal clauses, whose reachability the removals never change
    /// (`redundant.rs`); [`Network::redundant_links_plain`] gives the same
    /// answer link by link.
    pub fn redundant_links(&self) -> Vec<super::LinkId> {
        if !self.is_consistent() {
            return Vec::new();
        }
        let _span = tracing::info_span!("redundant_links", links = self.links.len()).entered();
        super::redundant::redundant_links(self)
    }

    /// [`Network::redundant_links`] the plain way, the reference the fast
    /// one is tested against: for each link, with the links still in force,
    /// a cheap necessary condition (a ⊆-path that avoids it for `equals`,
    /// `subset-of` and `superset-of`, found by a bidirectional search; an
    /// entailed overlap for `intersects`; a `disjoint` link above both ends
    /// for `disjoint`), then the row of the relation table for its relation.
    /// Quadratic on long rings and chains.
    #[doc(hidden)]
    pub fn redundant_links_plain(&self) -> Vec<super::LinkId> {
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
    pub(super) fn contains(&self, c: ClauseIdx) -> bool {
        (c.0 as usize) < self.clause_count
    }
}
