//! Compact adjacency (CSR) of the network and the packed proof steps on its edges.
//!
//! Queries walk these arrays rather than the petgraph graph: one offsets
//! array and two parallel `u32` arrays per kind of edge keep a breadth-first
//! search cache-friendly on networks of a million links.

use super::{ClauseIdx, LinkId, Step};

/// Bit of a [`StepCode`] telling a hierarchy edge (index into the hierarchy list).
const HIERARCHY: u32 = 1 << 31;
/// Bit of a [`StepCode`] telling a link used from its right end to its left end.
const REVERSED: u32 = 1 << 30;
/// Largest link or hierarchy index a [`StepCode`] can hold.
pub(super) const MAX_INDEX: usize = (REVERSED - 1) as usize;

/// A proof step packed in 32 bits: a link (with direction) or a hierarchy edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct StepCode(u32);

impl StepCode {
    /// The link `link`, used from `a` to `b` (`reversed == false`) or from `b` to `a`.
    // INVARIANT: `link <= MAX_INDEX`, checked when the network is built.
    pub(super) fn link(link: u32, reversed: bool) -> StepCode {
        StepCode(link | if reversed { REVERSED } else { 0 })
    }

    /// The hierarchy edge number `index`.
    // INVARIANT: `index <= MAX_INDEX`, checked when the network is built.
    pub(super) fn hierarchy(index: u32) -> StepCode {
        StepCode(index | HIERARCHY)
    }

    /// The 32 bits of the step, for compact storage.
    pub(super) fn bits(self) -> u32 {
        self.0
    }

    /// The step of [`StepCode::bits`].
    pub(super) fn from_bits(bits: u32) -> StepCode {
        StepCode(bits)
    }

    /// The link of this step, if it is one.
    pub(super) fn link_id(self) -> Option<LinkId> {
        (self.0 & HIERARCHY == 0).then_some(LinkId(self.0 & !REVERSED))
    }

    /// Whether the step uses a link from its right end to its left end.
    pub(super) fn is_reversed(self) -> bool {
        self.0 & (HIERARCHY | REVERSED) == REVERSED
    }

    /// The same link or hierarchy edge, direction forgotten.
    pub(super) fn undirected(self) -> StepCode {
        if self.0 & HIERARCHY == 0 {
            StepCode(self.0 & !REVERSED)
        } else {
            self
        }
    }

    /// The public form of the step; hierarchy edges are looked up in `hierarchy`.
    pub(super) fn to_step(self, hierarchy: &[(ClauseIdx, ClauseIdx)]) -> Option<Step> {
        if self.0 & HIERARCHY != 0 {
            let index = (self.0 & !HIERARCHY) as usize;
            hierarchy
                .get(index)
                .map(|&(child, parent)| Step::Hierarchy { child, parent })
        } else {
            Some(Step::Link {
                link: LinkId(self.0 & !REVERSED),
                reversed: self.0 & REVERSED != 0,
            })
        }
    }
}

/// One kind of edge of the network in compressed sparse row form.
#[derive(Debug, Default)]
pub(super) struct Csr {
    /// `offsets[v]..offsets[v + 1]` are the edges leaving `v`.
    offsets: Vec<u32>,
    targets: Vec<u32>,
    steps: Vec<StepCode>,
}

impl Csr {
    /// Builds the adjacency of `node_count` nodes from `(from, to, step)` edges,
    /// keeping, for each node, its edges in input order.
    pub(super) fn new(node_count: usize, edges: &[(u32, u32, StepCode)]) -> Csr {
        let mut offsets = vec![0u32; node_count + 1];
        for &(from, _, _) in edges {
            if let Some(slot) = offsets.get_mut(from as usize + 1) {
                *slot += 1;
            }
        }
        for i in 1..offsets.len() {
            let before = offsets.get(i - 1).copied().unwrap_or(0);
            if let Some(slot) = offsets.get_mut(i) {
                *slot += before;
            }
        }
        let mut fill: Vec<u32> = offsets.clone();
        let mut targets = vec![0u32; edges.len()];
        let mut steps = vec![StepCode(0); edges.len()];
        for &(from, to, step) in edges {
            if let Some(pos) = fill.get_mut(from as usize) {
                let at = *pos as usize;
                *pos += 1;
                if let (Some(t), Some(s)) = (targets.get_mut(at), steps.get_mut(at)) {
                    *t = to;
                    *s = step;
                }
            }
        }
        Csr {
            offsets,
            targets,
            steps,
        }
    }

    /// The edges leaving `v`: `(target, step)`.
    pub(super) fn edges(&self, v: u32) -> impl Iterator<Item = (u32, StepCode)> + '_ {
        let v = v as usize;
        let start = self.offsets.get(v).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(v + 1).copied().unwrap_or(0) as usize;
        let targets = self.targets.get(start..end).unwrap_or(&[]);
        let steps = self.steps.get(start..end).unwrap_or(&[]);
        targets.iter().copied().zip(steps.iter().copied())
    }

    /// Whether `v` has any edge of this kind.
    pub(super) fn has_edges(&self, v: u32) -> bool {
        let v = v as usize;
        self.offsets.get(v) != self.offsets.get(v + 1)
    }

    /// The number of edges.
    pub(super) fn len(&self) -> usize {
        self.targets.len()
    }

    /// Bytes held by the arrays.
    pub(super) fn heap_bytes(&self) -> usize {
        4 * (self.offsets.capacity() + self.targets.capacity() + self.steps.capacity())
    }
}
