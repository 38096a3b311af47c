//! Epoch-stamped visited sets with search trees, reused across queries.
//!
//! A query explores only the neighbourhood of its clauses; clearing an
//! array of a hundred thousand entries for each would cost more than the
//! search. Each [`Marks`] stamps the nodes it visits with the current epoch,
//! so clearing is one increment.

use std::sync::Mutex;

use super::adjacency::StepCode;

/// Predecessor value of a search source.
const NONE: u32 = u32::MAX;

/// A visited set over clause indices with, for each visited node, the node
/// and step it was reached from and its distance from the sources.
#[derive(Debug, Default)]
pub(super) struct Marks {
    stamp: Vec<u32>,
    epoch: u32,
    from: Vec<u32>,
    step: Vec<StepCode>,
    dist: Vec<u32>,
    /// The visited nodes in visiting order (non-decreasing distance for a BFS).
    seen: Vec<u32>,
}

impl Marks {
    /// Empties the set, sizing it for `node_count` nodes on first use.
    pub(super) fn clear(&mut self, node_count: usize) {
        if self.stamp.len() != node_count {
            self.stamp = vec![0; node_count];
            self.from = vec![NONE; node_count];
            self.step = vec![StepCode::link(0, false); node_count];
            self.dist = vec![0; node_count];
            self.epoch = 0;
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        self.seen.clear();
    }

    /// Whether `v` was visited.
    pub(super) fn contains(&self, v: u32) -> bool {
        self.stamp.get(v as usize) == Some(&self.epoch)
    }

    /// Visits `v` reached from `from` by `step` (`None` for a source) at
    /// distance `dist`; false when `v` was already visited.
    pub(super) fn visit(&mut self, v: u32, pred: Option<(u32, StepCode)>, dist: u32) -> bool {
        let i = v as usize;
        match self.stamp.get_mut(i) {
            Some(s) if *s != self.epoch => *s = self.epoch,
            _ => return false,
        }
        let (from, step) = pred.unwrap_or((NONE, StepCode::link(0, false)));
        if let Some(f) = self.from.get_mut(i) {
            *f = from;
        }
        if let Some(s) = self.step.get_mut(i) {
            *s = step;
        }
        if let Some(d) = self.dist.get_mut(i) {
            *d = dist;
        }
        self.seen.push(v);
        true
    }

    /// The distance of a visited node.
    pub(super) fn dist(&self, v: u32) -> Option<u32> {
        if self.contains(v) {
            self.dist.get(v as usize).copied()
        } else {
            None
        }
    }

    /// The node and step a visited node was reached from; `None` for a source
    /// or a node not visited.
    pub(super) fn pred(&self, v: u32) -> Option<(u32, StepCode)> {
        if !self.contains(v) {
            return None;
        }
        let from = self.from.get(v as usize).copied()?;
        if from == NONE {
            return None;
        }
        Some((from, self.step.get(v as usize).copied()?))
    }

    /// The visited nodes in visiting order.
    pub(super) fn seen(&self) -> &[u32] {
        &self.seen
    }

    /// The number of visited nodes.
    pub(super) fn len(&self) -> usize {
        self.seen.len()
    }
}

/// The named visited sets one query uses.
#[derive(Debug, Clone, Copy)]
pub(super) enum Slot {
    /// Everything that contains `a` (⊆*-up-set).
    UpA,
    /// Everything contained in `a`.
    DownA,
    /// Everything that shares obligations with `a` by a derivation.
    SharedA,
    /// Up-set of `b`.
    UpB,
    /// Down-set of `b`.
    DownB,
    /// Shared-with set of `b`.
    SharedB,
    /// Scratch search.
    Tmp,
    /// Second scratch search.
    Tmp2,
    /// Candidates collected by `related`.
    Candidates,
}

/// All the visited sets of one query.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    slots: [Marks; 9],
}

impl Scratch {
    /// The visited set `slot`.
    pub(super) fn get(&self, slot: Slot) -> &Marks {
        let [m0, m1, m2, m3, m4, m5, m6, m7, m8] = &self.slots;
        match slot {
            Slot::UpA => m0,
            Slot::DownA => m1,
            Slot::SharedA => m2,
            Slot::UpB => m3,
            Slot::DownB => m4,
            Slot::SharedB => m5,
            Slot::Tmp => m6,
            Slot::Tmp2 => m7,
            Slot::Candidates => m8,
        }
    }

    /// The visited set `slot`, mutably.
    pub(super) fn get_mut(&mut self, slot: Slot) -> &mut Marks {
        let [m0, m1, m2, m3, m4, m5, m6, m7, m8] = &mut self.slots;
        match slot {
            Slot::UpA => m0,
            Slot::DownA => m1,
            Slot::SharedA => m2,
            Slot::UpB => m3,
            Slot::DownB => m4,
            Slot::SharedB => m5,
            Slot::Tmp => m6,
            Slot::Tmp2 => m7,
            Slot::Candidates => m8,
        }
    }
}

/// A pool of [`Scratch`] spaces so that concurrent queries on a shared
/// network each get their own without allocating per query.
#[derive(Debug, Default)]
pub(super) struct ScratchPool(Mutex<Vec<Scratch>>);

impl ScratchPool {
    /// Takes a scratch space from the pool (a fresh one when it is empty).
    pub(super) fn take(&self) -> Scratch {
        let mut pool = match self.0.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        pool.pop().unwrap_or_default()
    }

    /// Returns a scratch space to the pool.
    pub(super) fn give_back(&self, scratch: Scratch) {
        let mut pool = match self.0.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        pool.push(scratch);
    }
}
