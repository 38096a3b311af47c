//! The part of the rulebook an evaluation restricted to some referentials
//! steps ([`super::Evaluator::for_referentials`]).

use fixedbitset::FixedBitSet;

use crate::mapper::ClauseIdx;
use crate::model::Rulebook;

/// What an evaluation restricted to some referentials computes: the
/// clauses whose status it needs, and no other.
///
/// A clause's status reads its sub-clauses, the clauses its rule names,
/// its assessment and cap, and the clauses that carry to it — of which
/// only the basis of their own (assessment, rule, sub-clauses) counts:
/// carried statuses are never carried on. So the reported referentials'
/// clauses need the *whole* status of their sub-clauses and named
/// clauses, and only the *own* status of their carriers, which in turn
/// needs the whole status of the carriers' sub-clauses and named clauses.
/// Plain clauses elsewhere in the network, which only an assessment can
/// meet, cost nothing but their own step.
pub(super) struct Scope {
    /// Whether each referential of the layout is reported.
    pub(super) reported: Vec<bool>,
    /// Clauses whose whole status is needed (carried to), as bits.
    pub(super) whole: FixedBitSet,
    /// Clauses stepped: `whole` and the clauses that carry to them, as bits.
    pub(super) stepped: FixedBitSet,
    /// `stepped` as a list, to reset their states between inventories.
    pub(super) stepped_list: Vec<ClauseIdx>,
}

impl Scope {
    /// The scope of reporting the referentials `ids` of `book`.
    pub(super) fn new(
        book: &Rulebook,
        layout: &[(String, Vec<ClauseIdx>)],
        ids: &[String],
        names: &[Vec<ClauseIdx>],
    ) -> Scope {
        let n = book.clauses.len();
        let mut whole = FixedBitSet::with_capacity(n);
        let mut stepped = FixedBitSet::with_capacity(n);
        let mut stepped_list = Vec::new();
        let reported: Vec<bool> = layout.iter().map(|(id, _)| ids.contains(id)).collect();
        // What a clause's own status reads: its sub-clauses and the clauses
        // its rule names, whose whole status is needed.
        let reads = |c: ClauseIdx, out: &mut Vec<ClauseIdx>| {
            if let Some(k) = book.clause(c) {
                out.extend_from_slice(&k.children);
                out.extend(names.get(c.0 as usize).into_iter().flatten());
            }
        };
        let mut pending: Vec<ClauseIdx> = layout
            .iter()
            .zip(&reported)
            .filter(|(_, r)| **r)
            .flat_map(|((_, order), _)| order.iter().copied())
            .collect();
        loop {
            let mut fresh = Vec::new();
            while let Some(c) = pending.pop() {
                if !whole.contains(c.0 as usize) && (c.0 as usize) < n {
                    set_bit(&mut whole, c.0 as usize);
                    fresh.push(c);
                    reads(c, &mut pending);
                }
            }
            if fresh.is_empty() {
                break;
            }
            // The carriers of the new clauses (themselves included), whose
            // own status is needed.
            for x in book.network.carriers_of_any(&fresh) {
                if !stepped.contains(x.0 as usize) {
                    set_bit(&mut stepped, x.0 as usize);
                    stepped_list.push(x);
                    reads(x, &mut pending);
                }
            }
            for &c in &fresh {
                if !stepped.contains(c.0 as usize) {
                    set_bit(&mut stepped, c.0 as usize);
                    stepped_list.push(c);
                }
            }
        }
        stepped_list.sort_unstable();
        Scope {
            reported,
            whole,
            stepped,
            stepped_list,
        }
    }
}

/// Sets bit `i` of `bits`, when it has one.
pub(super) fn set_bit(bits: &mut FixedBitSet, i: usize) {
    if i < bits.len() {
        bits.insert(i);
    }
}
