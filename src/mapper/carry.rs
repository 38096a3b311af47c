//! Proofs of carry-over that stay short on any network.
//!
//! An evaluation report gives a proof for every clause that evidence
//! reached by mapping. Proving each from scratch costs a search per clause
//! and a proof as long as the chain: on a ring or chain of 10⁵ links that is
//! quadratic in time and in output. Short proofs (the usual case) are found
//! by searches cut at [`SHORT_PROOF`](super::SHORT_PROOF) steps, which answer exactly what the
//! full searches do; the others share one search from the clause they were
//! carried from, and each cites the nearest clause on its way whose own
//! proof already shows the rest ([`CarryProofs`]).

use super::marks::Slot;
use super::proof::ProofBuilder;
use super::search::Search;
use super::{ClauseIdx, Network, Step};

impl Network {
    /// The answer of a proof query when `a` or `b` is no clause (none) or
    /// they are the same clause (the empty proof).
    fn trivially(&self, a: ClauseIdx, b: ClauseIdx) -> Option<Option<Vec<Step>>> {
        if !self.contains(a) || !self.contains(b) {
            Some(None)
        } else if a == b {
            Some(Some(Vec::new()))
        } else {
            None
        }
    }

    /// [`Network::entails_subset`], when a chain of at most `max` steps proves it.
    pub fn entails_subset_within(&self, a: ClauseIdx, b: ClauseIdx, max: u32) -> Option<Vec<Step>> {
        if let Some(answer) = self.trivially(a, b) {
            return answer;
        }
        let mut search = Search::new(self, &[]);
        search.depth_limit = max;
        search.up_from(Slot::UpA, a.0, Some(b.0));
        if !search.marks(Slot::UpA).contains(b.0) {
            return None;
        }
        let mut proof = ProofBuilder::default();
        proof.extend(self, search.up_path(Slot::UpA, b.0));
        Some(proof.steps)
    }

    /// [`Network::entails_overlap`], when a proof of at most `max` steps shows it.
    pub fn entails_overlap_within(
        &self,
        a: ClauseIdx,
        b: ClauseIdx,
        max: u32,
    ) -> Option<Vec<Step>> {
        if let Some(answer) = self.trivially(a, b) {
            return answer;
        }
        let mut search = Search::new(self, &[]);
        search.depth_limit = max;
        search.down_from(Slot::DownA, a.0);
        search.down_from(Slot::DownB, b.0);
        // A reason of at most `max` steps is the shortest one: both its
        // halves lie within the cut searches.
        let (length, why) = search.overlap_reason()?;
        if length > max {
            return None;
        }
        let mut proof = ProofBuilder::default();
        proof.extend(self, search.spell_out(why));
        Some(proof.steps)
    }

    /// The clauses `b ≠ c` with `c ⊆ b` entailed, in index order, when
    /// there are at most `max` of them (`(list, true)`); else some of the
    /// nearest (`(list, false)`): a clause inside a long chain or a large
    /// class of equals has as many as the chain, and listing them all for
    /// every clause is quadratic.
    pub fn supersets_within(&self, c: ClauseIdx, max: usize) -> (Vec<ClauseIdx>, bool) {
        if !self.contains(c) {
            return (Vec::new(), true);
        }
        let mut search = Search::new(self, &[]);
        // `c` and one more than `max`: holding fewer, the search ran out
        search.node_limit = max.saturating_add(2);
        search.up_from(Slot::UpA, c.0, None);
        let complete = search.marks(Slot::UpA).len() <= max.saturating_add(1);
        let mut out = search.sorted_content(Slot::UpA, c.0);
        out.truncate(max);
        (out, complete)
    }

    /// The nearest clauses `b` with `c ⊆ b` entailed (`inside`), or else
    /// entailed to share obligations with `c`, for which `wanted(b)` holds:
    /// all those at the least proof length, each with a shortest proof, in
    /// index order. One search from `c` that stops at that length, where
    /// asking each candidate in turn would be quadratic on long chains.
    pub fn nearest(
        &self,
        c: ClauseIdx,
        inside: bool,
        wanted: &dyn Fn(ClauseIdx) -> bool,
    ) -> Vec<(ClauseIdx, Vec<Step>)> {
        if !self.contains(c) {
            return Vec::new();
        }
        let mut search = Search::new(self, &[]);
        let slot = if inside { Slot::UpA } else { Slot::SharedA };
        // Searches cut at 1, 2, 4, … steps until one holds a wanted clause
        // or ends before its cut: at most twice the work of the last.
        let mut limit = 1u32;
        let least = loop {
            search.depth_limit = limit;
            if inside {
                search.up_from(Slot::UpA, c.0, None);
            } else {
                search.down_from(Slot::DownA, c.0);
                search.shared_over(Slot::DownA, Slot::SharedA);
            }
            let marks = search.marks(slot);
            let least = marks
                .seen()
                .iter()
                .filter(|&&b| b != c.0 && wanted(ClauseIdx(b)))
                .filter_map(|&b| marks.dist(b))
                // a source may enter one step past the cut, its level unfinished
                .filter(|&d| d <= limit)
                .min();
            if let Some(least) = least {
                break least;
            }
            let deepest = marks.seen().iter().filter_map(|&b| marks.dist(b)).max();
            if deepest.is_none_or(|d| d < limit) || limit == u32::MAX {
                return Vec::new();
            }
            limit = limit.saturating_mul(2);
        };
        let marks = search.marks(slot);
        let mut found: Vec<u32> = marks
            .seen()
            .iter()
            .copied()
            .filter(|&b| b != c.0 && marks.dist(b) == Some(least) && wanted(ClauseIdx(b)))
            .collect();
        found.sort_unstable();
        found
            .into_iter()
            .map(|b| {
                let mut proof = ProofBuilder::default();
                let codes = if inside {
                    search.up_path(slot, b)
                } else {
                    search.trace(slot, b)
                };
                proof.extend(self, codes);
                (ClauseIdx(b), proof.steps)
            })
            .collect()
    }

    /// The searches from `x` that prove every carry-over from it at once.
    pub fn carry_proofs(&self, x: ClauseIdx) -> CarryProofs<'_> {
        let mut search = Search::new(self, &[]);
        if self.contains(x) {
            search.down_from(Slot::DownA, x.0);
            search.shared_over(Slot::DownA, Slot::SharedA);
        }
        CarryProofs { search, x: x.0 }
    }
}

/// Proofs that clauses are inside `x` or share obligations with it, read
/// off one search from `x` (see [`Network::carry_proofs`]).
pub struct CarryProofs<'n> {
    search: Search<'n>,
    x: u32,
}

/// A proof that may end by citing another clause's proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitingProof {
    /// The steps from `c` toward `x`, in order.
    pub steps: Vec<Step>,
    /// The clause whose own proof (of the same kind, to the same `x`)
    /// completes this one, if the steps stop short of `x`.
    pub cites: Option<ClauseIdx>,
}

impl CarryProofs<'_> {
    /// A proof that `c ⊆ x` (`inside`) or that `c` shares obligations with
    /// `x`, citing the first clause `p ≠ x` on the way for which
    /// `cite(p)` holds; `None` when the search did not reach `c`.
    pub fn proof(
        &self,
        c: ClauseIdx,
        inside: bool,
        cite: impl Fn(ClauseIdx) -> bool,
    ) -> Option<CitingProof> {
        let slot = if inside { Slot::DownA } else { Slot::SharedA };
        let marks = self.search.marks(slot);
        if !marks.contains(c.0) {
            return None;
        }
        // cite only within the search from `x`, not the one it continues
        let (codes, cites) = self.search.trace_citing(slot, c.0, &|s, p| {
            s == slot && p != self.x && cite(ClauseIdx(p))
        });
        let cites = cites.map(ClauseIdx);
        let mut proof = ProofBuilder::default();
        proof.extend(self.search.net, codes);
        Some(CitingProof {
            steps: proof.steps,
            cites,
        })
    }
}
