//! Epoch-stamped visited sets with search trees, reused across queries.
//!
//! A query explores only the neighbourhood of its clauses; clearing an
//! array of a hundred thousand entries for each would cost more than the
//! search. Each [`Marks`] stamps the nodes it visits with the current epoch,
//! so clearing is one increment.

use std::sync::Mutex;

use super::adjacency::StepCode;

/// How a visited node was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pred {
    /// A source of the search with nothing before it.
    Root,
    /// Over an edge of this search, from a node of the same search.
    Within(u32, StepCode),
    /// A source that continues a node of the search this one is built on
    /// (see `Slot::base`): from that node by a step, or (`None`) the same node.
    Cross(u32, Option<StepCode>),
}

/// A visited set over clause indices with, for each visited node, how it
/// was reached and its distance (proof length) from the sources.
#[derive(Debug, Default)]
pub(super) struct Marks {
    /// One entry per node, stamp, distance and predecessor side by side so
    /// that visiting a node touches one cache line, not three (see [`Entry`]).
    entries: Vec<Entry>,
    epoch: u32,
    /// The visited nodes in visiting order (non-decreasing distance for a BFS).
    seen: Vec<u32>,
}

/// What a [`Marks`] knows of one node, meaningful when its stamp is the
/// epoch: `[stamp, kind << 30 | distance, node, step]`, where the kind
/// and the last two words spell the [`Pred`]. Plain words: 16 bytes a
/// node instead of 24 for the struct it replaces, and a new array is
/// allocated zeroed (`calloc`), which costs no writing when the allocator
/// takes fresh pages from the system — the first query of a process on a
/// large network sizes several of these arrays.
type Entry = [u32; 4];

/// The kinds of [`Pred`] in an [`Entry`].
const ROOT: u32 = 0;
const WITHIN: u32 = 1;
const CROSS_SAME: u32 = 2;
const CROSS_STEP: u32 = 3;
const KIND_SHIFT: u32 = 30;
const DIST_MASK: u32 = (1 << KIND_SHIFT) - 1;

impl Marks {
    /// Empties the set, sizing it for `node_count` nodes on first use.
    pub(super) fn clear(&mut self, node_count: usize) {
        if self.entries.len() != node_count {
            self.entries = vec![[0; 4]; node_count];
            self.epoch = 0;
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            for e in &mut self.entries {
                e[0] = 0;
            }
            self.epoch = 1;
        }
        self.seen.clear();
    }

    /// The entry of a visited node.
    fn entry(&self, v: u32) -> Option<&Entry> {
        self.entries.get(v as usize).filter(|e| e[0] == self.epoch)
    }

    /// Whether `v` was visited.
    pub(super) fn contains(&self, v: u32) -> bool {
        self.entry(v).is_some()
    }

    /// Visits `v`, reached by `pred` at distance `dist`; false when `v` was
    /// already visited.
    pub(super) fn visit(&mut self, v: u32, pred: Pred, dist: u32) -> bool {
        match self.entries.get_mut(v as usize) {
            Some(e) if e[0] != self.epoch => {
                // Distances are proof lengths, far below 2^30 for any
                // network that fits in memory.
                let dist = dist.min(DIST_MASK);
                let (kind, node, step) = match pred {
                    Pred::Root => (ROOT, 0, 0),
                    Pred::Within(from, step) => (WITHIN, from, step.bits()),
                    Pred::Cross(from, None) => (CROSS_SAME, from, 0),
                    Pred::Cross(from, Some(step)) => (CROSS_STEP, from, step.bits()),
                };
                *e = [self.epoch, kind << KIND_SHIFT | dist, node, step];
                self.seen.push(v);
                true
            }
            _ => false,
        }
    }

    /// The distance of a visited node.
    pub(super) fn dist(&self, v: u32) -> Option<u32> {
        self.entry(v).map(|e| e[1] & DIST_MASK)
    }

    /// How a visited node was reached.
    pub(super) fn pred(&self, v: u32) -> Option<Pred> {
        self.entry(v).map(|e| match e[1] >> KIND_SHIFT {
            ROOT => Pred::Root,
            WITHIN => Pred::Within(e[2], StepCode::from_bits(e[3])),
            CROSS_SAME => Pred::Cross(e[2], None),
            _ => Pred::Cross(e[2], Some(StepCode::from_bits(e[3]))),
        })
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

/// The named visited sets one query uses. In the comments, `up(x)` is
/// every clause containing `x` (⊆*), `down(x)` every clause in `x`, and
/// `shared(x) = up(down(x) ∪ intersects-partners(down(x)))` every clause a
/// derivation shows to share obligations with `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// `up(a)`.
    UpA,
    /// `down(a)`.
    DownA,
    /// `shared(a)`, built on `DownA`.
    SharedA,
    /// `up(b)`.
    UpB,
    /// `down(b)`.
    DownB,
    /// `shared(b)`, built on `DownB`.
    SharedB,
    /// Clauses inside what a part of `a` sticks out of (`X ⊄ Y`, `X ⊆* a`):
    /// none contains `a`. Built on `DownA`.
    InsideNotSubOfA,
    /// Clauses inside a clause disjoint from one of `shared(a)`: none
    /// contains `a`. Built on `SharedA`.
    InsideDisjointOfSharedA,
    /// Clauses containing one that sticks out of a container of `a`
    /// (`X ⊄ Y`, `a ⊆* Y`): none is inside `a`. Built on `UpA`.
    AboveNotSubOfA,
    /// Clauses inside a clause disjoint from a container of `a`: all
    /// disjoint from `a`. Built on `UpA`.
    InsideDisjointOfA,
    /// Clauses sharing obligations with one of `InsideDisjointOfA`: none is
    /// inside `a`. Built on `InsideDisjointOfA`.
    SharedInsideDisjointOfA,
}

impl Slot {
    /// The search whose nodes the sources of this one continue.
    pub(super) fn base(self) -> Option<Slot> {
        match self {
            Slot::UpA | Slot::DownA | Slot::UpB | Slot::DownB => None,
            Slot::SharedA | Slot::InsideNotSubOfA => Some(Slot::DownA),
            Slot::SharedB => Some(Slot::DownB),
            Slot::InsideDisjointOfSharedA => Some(Slot::SharedA),
            Slot::AboveNotSubOfA | Slot::InsideDisjointOfA => Some(Slot::UpA),
            Slot::SharedInsideDisjointOfA => Some(Slot::InsideDisjointOfA),
        }
    }
}

/// All the visited sets of one query.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    slots: [Marks; 11],
}

impl Scratch {
    /// The visited set `slot`.
    pub(super) fn get(&self, slot: Slot) -> &Marks {
        let [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10] = &self.slots;
        match slot {
            Slot::UpA => m0,
            Slot::DownA => m1,
            Slot::SharedA => m2,
            Slot::UpB => m3,
            Slot::DownB => m4,
            Slot::SharedB => m5,
            Slot::InsideNotSubOfA => m6,
            Slot::InsideDisjointOfSharedA => m7,
            Slot::AboveNotSubOfA => m8,
            Slot::InsideDisjointOfA => m9,
            Slot::SharedInsideDisjointOfA => m10,
        }
    }

    /// The visited set `slot`, mutably.
    pub(super) fn get_mut(&mut self, slot: Slot) -> &mut Marks {
        let [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10] = &mut self.slots;
        match slot {
            Slot::UpA => m0,
            Slot::DownA => m1,
            Slot::SharedA => m2,
            Slot::UpB => m3,
            Slot::DownB => m4,
            Slot::SharedB => m5,
            Slot::InsideNotSubOfA => m6,
            Slot::InsideDisjointOfSharedA => m7,
            Slot::AboveNotSubOfA => m8,
            Slot::InsideDisjointOfA => m9,
            Slot::SharedInsideDisjointOfA => m10,
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
