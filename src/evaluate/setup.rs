//! What an evaluator computes once per rulebook: the orders, a compact
//! view of each clause, the clauses each rule names, and (asked of the
//! mapper the first time an inventory needs them) each clause's entailed
//! supersets and where its being met carries.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use fixedbitset::FixedBitSet;

use super::scope::{set_bit, Scope};
use crate::mapper::ClauseIdx;
use crate::model::Rulebook;

/// The id of the next evaluator built.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// What depends on the rulebook only, computed once for many inventories.
pub struct Evaluator<'b> {
    /// A number no other evaluator of the process has, for
    /// [`super::Scratch`] to know whom it was set up for.
    pub(super) id: u64,
    pub(super) book: &'b Rulebook,
    /// Children before parents.
    pub(super) post_order: Vec<ClauseIdx>,
    /// What the per-inventory passes read of each clause, so that they read
    /// a few bytes, not the clause.
    pub(super) nodes: Vec<Node>,
    /// The places in `post_order` the first pass steps whatever the
    /// inventory, as bits: clauses with a rule or sub-clauses, and clauses
    /// a rule names.
    pub(super) always: FixedBitSet,
    /// The clauses in post-order the first pass steps only when something
    /// is found for them (not in `always`), as bits by clause.
    pub(super) plain: FixedBitSet,
    /// Whether some clause has `applies if`.
    pub(super) conditional: bool,
    /// Entailed strict supersets of each clause (A ⊆ B, B ≠ A), asked of
    /// the mapper the first time an inventory needs them.
    pub(super) supersets: Vec<OnceLock<Box<[ClauseIdx]>>>,
    /// Where each clause's being met carries, asked of the mapper the first
    /// time it is met on its own basis. An inventory meets a few of the
    /// clauses of a large rulebook, so most lists are never computed.
    pub(super) carries: Vec<OnceLock<Carries>>,
    /// For each X, the clauses whose `requires` names `clause X`.
    pub(super) referenced_by: Vec<Vec<ClauseIdx>>,
    /// Referentials sorted by id, each with its clauses in tree order.
    pub(super) layout: Vec<(String, Vec<ClauseIdx>)>,
    /// The part of the rulebook evaluated, when restricted to some
    /// referentials ([`Evaluator::for_referentials`]).
    pub(super) scope: Option<Scope>,
}

/// One clause as the per-inventory passes see it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Node {
    /// Its parent (none for a top-level clause).
    pub(super) parent: Option<Id>,
    /// Its parent's place in post-order.
    pub(super) parent_place: Option<Id>,
    /// Its place in post-order (none for a clause in no tree).
    pub(super) place: Option<Id>,
    /// The first 16 bytes of its key (see [`key_prefix`]).
    pub(super) key_prefix: [u64; 2],
    /// Its referential's place in the layout.
    pub(super) referential: Option<Id>,
    /// [`REQUIRES`], [`CHILDREN`], [`APPLIES`], [`NAMED`].
    pub(super) shape: u8,
}

/// The clause has a `requires` rule.
pub(super) const REQUIRES: u8 = 1;
/// The clause has sub-clauses.
pub(super) const CHILDREN: u8 = 2;
/// The clause has an `applies if` condition.
pub(super) const APPLIES: u8 = 4;
/// Some clause's rule names this one.
pub(super) const NAMED: u8 = 8;

/// A clause that evidence carries to, with its place in post-order.
#[derive(Debug, Clone, Copy)]
pub(super) struct Target {
    pub(super) clause: ClauseIdx,
    /// Its place in post-order.
    pub(super) place: Option<Id>,
    /// Its referential's place in the layout, kept here so that counting a
    /// carried status does not fetch the target's record (on a network of
    /// 100,000 clauses, a cache miss per target).
    pub(super) referential: Option<Id>,
}

/// Where a clause X's being met carries.
pub(super) struct Carries {
    /// The clauses having X among their supersets: X met makes them met.
    pub(super) met: Box<[Target]>,
    /// The clauses having X among their overlaps: X met makes them partial.
    pub(super) partial: Box<[Target]>,
}

/// A dense index (of a clause, a place in post-order, a referential of
/// the layout, an assessment) kept plus one, so that `Option<Id>` takes
/// the four bytes of a `u32`: the per-clause columns stay as small as
/// with a sentinel value, and "none" is a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Id(NonZeroU32);

// INVARIANT: "none" costs no space over a sentinel.
const _: () = assert!(std::mem::size_of::<Option<Id>>() == 4);

impl Id {
    /// Index `i`; none when it does not fit.
    pub(super) fn new(i: usize) -> Option<Id> {
        let i = u32::try_from(i).ok()?.checked_add(1)?;
        NonZeroU32::new(i).map(Id)
    }

    /// The clause of that index.
    pub(super) fn of(c: ClauseIdx) -> Option<Id> {
        Id::new(c.0 as usize)
    }

    /// The index.
    pub(super) fn index(self) -> usize {
        (self.0.get() - 1) as usize
    }

    /// The index as a clause.
    pub(super) fn clause(self) -> ClauseIdx {
        ClauseIdx(self.0.get() - 1)
    }
}

impl<'b> Evaluator<'b> {
    /// Prepares evaluation against `book`.
    pub fn new(book: &'b Rulebook) -> Self {
        Self::build(book, None)
    }

    /// Prepares evaluation against `book` restricted to the referentials
    /// `ids` (all of them when empty): reports hold these referentials
    /// only — the same counts, clauses and contradictions as a whole
    /// evaluation trimmed by [`super::Report::keep_referentials`] — and each
    /// inventory costs what these referentials need of the network rather
    /// than the whole of it. An id of no referential selects nothing.
    pub fn for_referentials(book: &'b Rulebook, ids: &[String]) -> Self {
        if ids.is_empty() {
            Self::new(book)
        } else {
            Self::build(book, Some(ids))
        }
    }

    pub(super) fn build(book: &'b Rulebook, ids: Option<&[String]>) -> Self {
        let n = book.clauses.len();
        let mut post_order = Vec::with_capacity(n);
        let mut layout = Vec::new();
        let mut refs: Vec<&str> = book.referentials.iter().map(|r| r.id.as_str()).collect();
        refs.sort_unstable();
        for r in refs {
            let order = book.clauses_of(r);
            post_order.extend(order.iter().rev().copied());
            layout.push((r.to_string(), order));
        }
        // The clauses each clause's rule names, and the reverse.
        let names: Vec<Vec<ClauseIdx>> = book
            .clauses
            .iter()
            .map(|k| {
                let mut named = Vec::new();
                if let Some(rule) = &k.requires {
                    rule.named_clauses(&mut named);
                }
                named
            })
            .collect();
        let mut referenced_by = vec![Vec::new(); n];
        for (i, named) in names.iter().enumerate() {
            let Some(c) = Id::new(i).map(Id::clause) else {
                continue;
            };
            for x in named {
                if let Some(list) = referenced_by.get_mut(x.0 as usize) {
                    if !list.contains(&c) {
                        list.push(c);
                    }
                }
            }
        }
        let mut nodes: Vec<Node> = book
            .clauses
            .iter()
            .zip(&referenced_by)
            .map(|(k, named)| {
                let mut shape = 0;
                if k.requires.is_some() {
                    shape |= REQUIRES;
                }
                if !k.children.is_empty() {
                    shape |= CHILDREN;
                }
                if k.applies.is_some() {
                    shape |= APPLIES;
                }
                if !named.is_empty() {
                    shape |= NAMED;
                }
                Node {
                    parent: k.parent.and_then(Id::of),
                    parent_place: None,
                    place: None,
                    key_prefix: key_prefix(&k.key),
                    referential: None,
                    shape,
                }
            })
            .collect();
        for (r, (_, order)) in layout.iter().enumerate() {
            for c in order {
                if let Some(node) = nodes.get_mut(c.0 as usize) {
                    node.referential = Id::new(r);
                }
            }
        }
        let mut always = FixedBitSet::with_capacity(post_order.len());
        let mut plain = FixedBitSet::with_capacity(n);
        for (at, c) in post_order.iter().enumerate() {
            let Some(node) = nodes.get_mut(c.0 as usize) else {
                continue;
            };
            node.place = Id::new(at);
            if node.shape & (REQUIRES | CHILDREN | NAMED) != 0 {
                set_bit(&mut always, at);
            } else if node.place.is_some() {
                set_bit(&mut plain, c.0 as usize);
            }
        }
        for i in 0..nodes.len() {
            let parent = nodes.get(i).and_then(|k| k.parent);
            let parent_place = parent
                .and_then(|p| nodes.get(p.index()))
                .and_then(|k| k.place);
            if let Some(node) = nodes.get_mut(i) {
                node.parent_place = parent_place;
            }
        }
        let scope = ids.map(|ids| Scope::new(book, &layout, ids, &names));
        if let Some(scope) = &scope {
            // The first pass steps nothing outside the scope.
            for (at, c) in post_order.iter().enumerate() {
                if !scope.stepped.contains(c.0 as usize) && at < always.len() {
                    always.remove(at);
                }
            }
        }
        Evaluator {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            scope,
            book,
            post_order,
            conditional: nodes.iter().any(|k| k.shape & APPLIES != 0),
            supersets: (0..n).map(|_| OnceLock::new()).collect(),
            carries: (0..n).map(|_| OnceLock::new()).collect(),
            nodes,
            always,
            plain,
            referenced_by,
            layout,
        }
    }

    /// The entailed strict supersets of `c`, computed once.
    pub(super) fn supersets_of(&self, c: ClauseIdx) -> &[ClauseIdx] {
        self.supersets.get(c.0 as usize).map_or(&[], |cell| {
            cell.get_or_init(|| {
                self.book
                    .network
                    .supersets_and_overlaps(c)
                    .0
                    .into_boxed_slice()
            })
        })
    }

    /// Where `x`'s being met carries, computed once: the mapper answers
    /// from `x`'s side, in the index order of the targets.
    pub(super) fn carries(&self, x: ClauseIdx) -> Option<&Carries> {
        let cell = self.carries.get(x.0 as usize)?;
        Some(cell.get_or_init(|| {
            let (subsets, overlaps) = self.book.network.subsets_and_overlaps(x);
            let target = |c: ClauseIdx| {
                let node = self.nodes.get(c.0 as usize);
                Target {
                    clause: c,
                    place: node.and_then(|k| k.place),
                    referential: node.and_then(|k| k.referential),
                }
            };
            // With a scope, only the clauses whose whole status is needed.
            let wanted = |c: &ClauseIdx| {
                self.scope
                    .as_ref()
                    .is_none_or(|s| s.whole.contains(c.0 as usize))
            };
            Carries {
                met: subsets.into_iter().filter(wanted).map(target).collect(),
                partial: overlaps.into_iter().filter(wanted).map(target).collect(),
            }
        }))
    }

    /// Whether the evaluation steps `c` (every clause without a scope).
    pub(super) fn stepped(&self, c: ClauseIdx) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|s| s.stepped.contains(c.0 as usize))
    }

    /// The place of `c` in post-order.
    pub(super) fn place(&self, c: ClauseIdx) -> Option<Id> {
        self.nodes.get(c.0 as usize).and_then(|k| k.place)
    }

    /// Whether clause `a`'s key sorts before clause `b`'s.
    pub(super) fn key_before(&self, a: ClauseIdx, b: ClauseIdx) -> bool {
        let prefix = |c: ClauseIdx| self.nodes.get(c.0 as usize).map(|k| k.key_prefix);
        match (prefix(a), prefix(b)) {
            (Some(x), Some(y)) if x != y => x < y,
            _ => self.book.key(a) < self.book.key(b),
        }
    }

    /// Whether `a` is `c` or encloses it in its referential's tree.
    pub(super) fn is_ancestor(&self, a: ClauseIdx, c: ClauseIdx) -> bool {
        let mut x = c;
        loop {
            if x == a {
                return true;
            }
            match self.nodes.get(x.0 as usize).and_then(|k| k.parent) {
                Some(p) => x = p.clause(),
                None => return false,
            }
        }
    }
}

/// The first 16 bytes of a key as two numbers (zeros after its end): keys
/// in order have prefixes in order, so most keys compare as integers.
pub(super) fn key_prefix(key: &str) -> [u64; 2] {
    let mut bytes = [0u8; 16];
    for (b, k) in bytes.iter_mut().zip(key.bytes()) {
        *b = k;
    }
    let (hi, lo) = bytes.split_at(8);
    let word = |half: &[u8]| half.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
    [word(hi), word(lo)]
}
