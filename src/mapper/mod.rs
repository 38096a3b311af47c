//! Relation reasoning over the mapping network (DESIGN §3).
//!
//! The model layer hands the mapper its clauses as dense indices
//! ([`ClauseIdx`]), the sub-clause hierarchy and the declared links
//! ([`NetworkInput`]); [`Network::build`] checks the network for consistency
//! and answers, for any two clauses, exactly the base relations still
//! possible ([`Network::relation`]), each answer with a proof made of
//! declared links and hierarchy edges ([`Step`]).
//!
//! # The reasoning
//!
//! A clause is a non-empty set. The facts a network states are of four kinds:
//! `X ⊆ Y` (hierarchy edges; `subset-of`, `superset-of` and `equals` links),
//! `X ⊄ Y` (the "proper" of `subset-of`/`superset-of`, both directions of
//! `intersects`), `X ∩ Y ≠ ∅` (`intersects`) and `X ∩ Y = ∅` (`disjoint`).
//! Let `⊆*` be reachability over the `⊆` facts. The network has a set model
//! iff
//!
//! 1. no `X ⊄ Y` fact has `X ⊆* Y`;
//! 2. no `disjoint(C, D)` has a common `⊆*`-lower bound (a clause in both);
//! 3. no `intersects(P, Q)` and `disjoint(C, D)` have `P ⊆* C` and `Q ⊆* D`.
//!
//! Each condition is plainly necessary; when all hold, the *canonical model*
//! — one element `e_X` per clause, put in every `⊆*`-superset of `X`, and one
//! element per `intersects(P, Q)` link, put in every `⊆*`-superset of `P` or
//! of `Q` — satisfies every fact. In that model `A ⊆ B` holds only when
//! `A ⊆* B`, so `A ⊆ B` is entailed iff `A ⊆* B`.
//!
//! `relation(a, b)` is the set of `r` such that the network plus `r(a, b)`
//! is consistent. Since the network itself is consistent, only violations
//! that use the hypothetical fact need looking for, and each is found by
//! breadth-first searches around `a` and `b` (see `query.rs`). `tests/`
//! checks all of this against a brute-force set model.

mod adjacency;
mod carry;
mod check;
mod marks;
mod proof;
mod query;
mod reach;
mod redundant;
mod search;

use std::fmt;

use serde::{Deserialize, Serialize};

use adjacency::{Csr, StepCode, MAX_INDEX};
use marks::ScratchPool;

pub use crate::vocab::{ClauseIdx, LinkId, Relation, RelationSet, UnknownRelation};
pub use carry::{CarryProofs, CitingProof};
pub use proof::SHORT_PROOF;
pub use search::CarrySets;

/// A declared link `a relation b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInput {
    /// The left clause.
    pub a: ClauseIdx,
    /// The declared relation of `a` to `b`.
    pub relation: Relation,
    /// The right clause.
    pub b: ClauseIdx,
    /// The declared strength (`1..=10`), if rated.
    pub strength: Option<u8>,
}

/// Everything the mapper reasons over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInput {
    /// The number of clauses; every index must be below it.
    pub clause_count: usize,
    /// The sub-clause edges `(child, parent)`: each child is `subset-of` or
    /// `equals` its parent.
    pub hierarchy: Vec<(ClauseIdx, ClauseIdx)>,
    /// The declared links; [`LinkId`] `i` is `links[i]`.
    pub links: Vec<LinkInput>,
    /// A rank per clause independent of the order the rules were read in
    /// (the model ranks clauses by key); searches try edges toward lower
    /// ranks first, so that proofs do not depend on file order. Empty:
    /// index order.
    #[serde(default)]
    pub order: Vec<u32>,
}

/// One step of a proof: a declared link or a hierarchy edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Step {
    /// The link `link`, read from its left clause to its right one, or from
    /// right to left when `reversed` (for instance `A subset-of B` used to
    /// step from `B` down to `A`, or `A disjoint B` read from `B`).
    Link {
        /// The link.
        link: LinkId,
        /// Whether the link was used from its right clause to its left one.
        reversed: bool,
    },
    /// The sub-clause `child` is part of `parent`.
    Hierarchy {
        /// The sub-clause.
        child: ClauseIdx,
        /// Its parent clause.
        parent: ClauseIdx,
    },
    /// What the proof given for the relation of `from` to `to` in the same
    /// answer list shows (see [`Network::related_citing`]): long chains cite
    /// the answers they pass through instead of repeating their proofs.
    Cited {
        /// The asked clause.
        from: ClauseIdx,
        /// The clause whose answer is cited.
        to: ClauseIdx,
    },
}

impl Step {
    /// The link of the step, if it is one.
    pub fn link(self) -> Option<LinkId> {
        match self {
            Step::Link { link, .. } => Some(link),
            Step::Hierarchy { .. } | Step::Cited { .. } => None,
        }
    }
}

/// What is known about the relation of one clause to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The base relations still possible (sound and complete).
    pub relations: RelationSet,
    /// The declared links and hierarchy edges that rule out each relation
    /// not in `relations` (a shortest derivation for each), without
    /// repetition; empty when every relation is possible.
    pub proof: Vec<Step>,
}

/// Why a network has no set model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ConflictKind {
    /// `link` says `sub` has obligations outside `sup` (a `subset-of`,
    /// `superset-of` or `intersects` link), but a chain of ⊆ steps proves
    /// `sub ⊆ sup`.
    NotSubset {
        /// The link stating `sub ⊄ sup`.
        link: LinkId,
        /// The clause said to stick out of `sup`.
        sub: ClauseIdx,
        /// The clause proved to contain `sub`.
        sup: ClauseIdx,
    },
    /// Both ends of the `disjoint` link `link` contain the clause `part`,
    /// which is not empty.
    SharedPart {
        /// The `disjoint` link.
        link: LinkId,
        /// A clause contained in both ends.
        part: ClauseIdx,
    },
    /// The ends of the `disjoint` link `link` contain the two sides of the
    /// `intersects` link `intersects`, which share obligations.
    SharedOverlap {
        /// The `disjoint` link.
        link: LinkId,
        /// The `intersects` link.
        intersects: LinkId,
    },
}

/// A small set of declared links (and hierarchy edges) that no set model
/// satisfies together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// What contradicts what.
    pub kind: ConflictKind,
    /// Every link and hierarchy edge of the contradiction, the accused link
    /// (`kind`'s `link`) last.
    pub steps: Vec<Step>,
}

impl Conflict {
    /// The declared links of the contradiction, without repetition.
    pub fn links(&self) -> Vec<LinkId> {
        let mut out: Vec<LinkId> = Vec::new();
        for link in self.steps.iter().filter_map(|s| s.link()) {
            if !out.contains(&link) {
                out.push(link);
            }
        }
        out
    }

    /// A one-line explanation, naming clauses with `name`.
    pub fn explain(&self, name: impl Fn(ClauseIdx) -> String) -> String {
        match self.kind {
            ConflictKind::NotSubset { sub, sup, .. } => format!(
                "`{}` is part of `{}` by the chain of links, yet a link says it has obligations outside it",
                name(sub),
                name(sup)
            ),
            ConflictKind::SharedPart { part, .. } => format!(
                "the clauses of a `disjoint` link both contain `{}`, so they share obligations",
                name(part)
            ),
            ConflictKind::SharedOverlap { .. } => {
                "the clauses of a `disjoint` link contain the two sides of an `intersects` link, so they share obligations".to_owned()
            }
        }
    }
}

/// A network the mapper cannot be built from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum NetworkError {
    /// A link or hierarchy edge names a clause index outside `0..clause_count`.
    #[error("clause index {index} is out of range (the network has {clause_count} clauses)")]
    #[diagnostic(code(refmap::mapper::clause_out_of_range))]
    ClauseOutOfRange {
        /// The offending index.
        index: u32,
        /// The number of clauses of the network.
        clause_count: usize,
    },
    /// More clauses, links or hierarchy edges than the mapper can index.
    #[error("the network is too large ({what})")]
    #[diagnostic(code(refmap::mapper::too_large))]
    TooLarge {
        /// What overflowed.
        what: &'static str,
    },
}

/// The mapping network, checked and ready for queries.
///
/// Queries take `&self` and may run concurrently: each borrows its own
/// visited sets from an internal pool.
pub struct Network {
    clause_count: usize,
    links: Vec<LinkInput>,
    /// Whether each link survived `min_strength`.
    active: Vec<bool>,
    hierarchy: Vec<(ClauseIdx, ClauseIdx)>,
    /// `X → Y` for every `X ⊆ Y` fact.
    up: Csr,
    /// `Y → X` for every `X ⊆ Y` fact.
    down: Csr,
    /// `X → Y` for every `X ⊄ Y` fact.
    not_sub_out: Csr,
    /// `Y → X` for every `X ⊄ Y` fact.
    not_sub_in: Csr,
    /// Both directions of every `intersects` link.
    overlap: Csr,
    /// Both directions of every `disjoint` link.
    disjoint: Csr,
    /// `x ⊆* y` without a search for most pairs.
    reach: reach::Reach,
    conflicts: Vec<Conflict>,
    pool: ScratchPool,
}

impl fmt::Debug for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Network")
            .field("clauses", &self.clause_count)
            .field("links", &self.links.len())
            .field("hierarchy", &self.hierarchy.len())
            .field("conflicts", &self.conflicts.len())
            .finish_non_exhaustive()
    }
}

impl Network {
    /// Builds the network from `input` and checks it for consistency.
    ///
    /// Links rated below `min_strength` are left out (unrated links stay);
    /// their [`LinkId`]s keep their numbers but never appear in a proof.
    pub fn build(input: &NetworkInput, min_strength: Option<u8>) -> Result<Network, NetworkError> {
        let n = input.clause_count;
        let _span =
            tracing::info_span!("build_network", clauses = n, links = input.links.len()).entered();
        if n >= u32::MAX as usize {
            return Err(NetworkError::TooLarge { what: "clauses" });
        }
        if input.links.len() > MAX_INDEX {
            return Err(NetworkError::TooLarge { what: "links" });
        }
        if input.hierarchy.len() > MAX_INDEX {
            return Err(NetworkError::TooLarge {
                what: "sub-clause edges",
            });
        }
        let in_range = |c: ClauseIdx| {
            if (c.0 as usize) < n {
                Ok(c.0)
            } else {
                Err(NetworkError::ClauseOutOfRange {
                    index: c.0,
                    clause_count: n,
                })
            }
        };

        let mut up = Vec::new();
        let mut not_sub = Vec::new();
        let mut overlap = Vec::new();
        let mut disjoint = Vec::new();
        for (i, &(child, parent)) in (0u32..).zip(&input.hierarchy) {
            up.push((in_range(child)?, in_range(parent)?, StepCode::hierarchy(i)));
        }
        let mut active = Vec::with_capacity(input.links.len());
        for (i, link) in (0u32..).zip(&input.links) {
            let (a, b) = (in_range(link.a)?, in_range(link.b)?);
            let keep = match (min_strength, link.strength) {
                (Some(min), Some(s)) => s >= min,
                _ => true,
            };
            active.push(keep);
            if !keep {
                continue;
            }
            let (fwd, rev) = (StepCode::link(i, false), StepCode::link(i, true));
            match link.relation {
                Relation::Equals => {
                    up.push((a, b, fwd));
                    up.push((b, a, rev));
                }
                Relation::SubsetOf => {
                    up.push((a, b, fwd));
                    not_sub.push((b, a, rev));
                }
                Relation::SupersetOf => {
                    up.push((b, a, rev));
                    not_sub.push((a, b, fwd));
                }
                Relation::Intersects => {
                    not_sub.push((a, b, fwd));
                    not_sub.push((b, a, rev));
                    overlap.push((a, b, fwd));
                    overlap.push((b, a, rev));
                }
                Relation::Disjoint => {
                    disjoint.push((a, b, fwd));
                    disjoint.push((b, a, rev));
                }
            }
        }
        let flip = |edges: &[(u32, u32, StepCode)]| -> Vec<(u32, u32, StepCode)> {
            let mut flipped: Vec<_> = edges.iter().map(|&(x, y, s)| (y, x, s)).collect();
            canonical_order(&mut flipped, input);
            flipped
        };
        for edges in [&mut up, &mut not_sub, &mut overlap, &mut disjoint] {
            canonical_order(edges, input);
        }
        let mut network = Network {
            clause_count: n,
            links: input.links.clone(),
            active,
            hierarchy: input.hierarchy.clone(),
            down: Csr::new(n, &flip(&up)),
            up: Csr::new(n, &up),
            not_sub_in: Csr::new(n, &flip(&not_sub)),
            not_sub_out: Csr::new(n, &not_sub),
            overlap: Csr::new(n, &overlap),
            disjoint: Csr::new(n, &disjoint),
            reach: reach::Reach::default(),
            conflicts: Vec::new(),
            pool: ScratchPool::default(),
        };
        network.reach =
            tracing::info_span!("condense").in_scope(|| reach::Reach::new(n, &network.up));
        network.conflicts =
            tracing::info_span!("check_network").in_scope(|| check::find_conflicts(&network, &up));
        Ok(network)
    }

    /// The contradictions found when building; empty iff the network has a
    /// set model. At most one conflict is reported per accused link.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// Whether the network has a set model.
    pub fn is_consistent(&self) -> bool {
        self.conflicts.is_empty()
    }

    /// The number of clauses.
    pub fn clause_count(&self) -> usize {
        self.clause_count
    }

    /// The number of declared links, including those dropped by `min_strength`.
    pub fn link_count(&self) -> usize {
        self.links.len()
    }

    /// The number of links reasoned over (rated at least `min_strength`, or unrated).
    pub fn active_link_count(&self) -> usize {
        self.active.iter().filter(|a| **a).count()
    }

    /// The declared link `link`.
    pub fn link(&self, link: LinkId) -> Option<&LinkInput> {
        self.links.get(link.0 as usize)
    }

    /// Whether `link` takes part in the reasoning (not dropped by `min_strength`).
    pub fn is_active(&self, link: LinkId) -> bool {
        self.active.get(link.0 as usize).copied().unwrap_or(false)
    }

    /// The sub-clause edges `(child, parent)`.
    pub fn hierarchy(&self) -> &[(ClauseIdx, ClauseIdx)] {
        &self.hierarchy
    }

    /// The clauses `(from, to)` a step connects, in the direction it was used.
    pub fn step_ends(&self, step: Step) -> Option<(ClauseIdx, ClauseIdx)> {
        match step {
            Step::Link { link, reversed } => {
                let l = self.link(link)?;
                Some(if reversed { (l.b, l.a) } else { (l.a, l.b) })
            }
            Step::Hierarchy { child, parent } => Some((child, parent)),
            Step::Cited { from, to } => Some((from, to)),
        }
    }

    /// Approximate heap bytes held by the adjacency arrays.
    pub fn heap_bytes(&self) -> usize {
        [
            &self.up,
            &self.down,
            &self.not_sub_out,
            &self.not_sub_in,
            &self.overlap,
            &self.disjoint,
        ]
        .iter()
        .map(|c| c.heap_bytes())
        .sum::<usize>()
            + self.links.capacity() * std::mem::size_of::<LinkInput>()
            + self.hierarchy.capacity() * 8
    }

    /// Whether some `disjoint` link is in force (most networks have none,
    /// which spares every search that looks for one).
    fn has_disjoint(&self) -> bool {
        self.disjoint.len() > 0
    }
}

/// Sorts edges by source, then by the rank of their target (see
/// [`NetworkInput::order`]), then hierarchy edges before links and links by
/// relation and direction: the order a search tries them in, which decides
/// among proofs of the same length.
fn canonical_order(edges: &mut [(u32, u32, StepCode)], input: &NetworkInput) {
    if input.order.is_empty() {
        return;
    }
    let rank = |c: u32| input.order.get(c as usize).copied().unwrap_or(c);
    let kind = |step: StepCode| match step.link_id() {
        None => 0,
        Some(link) => {
            let relation = input
                .links
                .get(link.0 as usize)
                .map_or(0, |l| l.relation as u32);
            1 + relation * 2 + u32::from(step.is_reversed())
        }
    };
    edges.sort_by_key(|&(x, y, step)| (x, rank(y), kind(step), step.bits()));
}

#[cfg(test)]
mod tests;
