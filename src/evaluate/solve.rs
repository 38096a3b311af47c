//! The worklist solver: the per-inventory facts (applicability,
//! assessments, caps), then the least fixpoint of own bases and carry-over.

use std::collections::VecDeque;

use fixedbitset::FixedBitSet;

use super::rules::{eval_cond, Context};
use super::scope::set_bit;
use super::setup::{Evaluator, Id, Node, APPLIES, CHILDREN, NAMED, REQUIRES};
use super::state::{rank, Cap, State};
use super::Basis;
use crate::inventory::Inventory;
use crate::mapper::ClauseIdx;
use crate::model::Field;
use crate::vocab::Status;

/// The work space of evaluations: each clause's state, the counts, the
/// agenda of the solver. Made by [`Evaluator::scratch`] and passed to
/// [`Evaluator::evaluate_with`], one per thread (as regex-automata passes
/// its `Cache`), so that evaluating many inventories does not allocate
/// again.
#[derive(Default)]
pub struct Scratch {
    /// The evaluator it was last set up for ([`Evaluator::id`]): a scope
    /// resets only the clauses it steps, which is sound only when the
    /// other states were left by an evaluation with the same evaluator.
    owner: Option<u64>,
    pub(super) states: Vec<State>,
    /// Statuses counted per referential of the layout, kept as they change:
    /// met, partial, not met, not applicable, unknown.
    pub(super) counts: Vec<[usize; 5]>,
    /// Whether some clause was ever capped.
    pub(super) any_capped: bool,
    pub(super) agenda: Agenda,
}

impl Scratch {
    /// A work space for `evaluator` (or any other: it is set up again for
    /// each evaluator it is used with).
    pub fn new(evaluator: &Evaluator<'_>) -> Scratch {
        let mut scratch = Scratch::default();
        scratch.reset(evaluator);
        scratch
    }

    /// Every clause back to its initial state; with a scope, only the
    /// clauses stepped. An evaluation reads nothing else of the states
    /// but what it wrote first: the applicability of every clause and
    /// the place of each clause's assessment (see [`Evaluator::facts`]).
    pub(super) fn reset(&mut self, evaluator: &Evaluator<'_>) {
        let n = evaluator.book.clauses.len();
        let same = self.owner == Some(evaluator.id) && self.states.len() == n;
        self.owner = Some(evaluator.id);
        match &evaluator.scope {
            Some(scope) if same => {
                for c in &scope.stepped_list {
                    if let Some(st) = self.states.get_mut(c.0 as usize) {
                        *st = State::INITIAL;
                    }
                }
            }
            _ => {
                self.states.clear();
                self.states.resize(n, State::INITIAL);
            }
        }
        self.counts.clear();
        self.counts.extend(
            evaluator
                .layout
                .iter()
                .map(|(_, order)| [0, 0, 0, 0, order.len()]),
        );
        self.any_capped = false;
        self.agenda.reset(&evaluator.always);
    }

    pub(super) fn state(&self, c: ClauseIdx) -> Option<&State> {
        self.states.get(c.0 as usize)
    }
}

/// The slot of a status in [`Scratch::counts`].
pub(super) fn slot(s: Status) -> usize {
    match s {
        Status::Met => 0,
        Status::Partial => 1,
        Status::NotMet => 2,
        Status::NotApplicable => 3,
        Status::Unknown => 4,
    }
}

/// The order in which the fixpoint steps clauses: every clause in
/// post-order (the first pass), then the clauses woken again, in the order
/// woken. The first pass leaves out the clauses that stepping would leave
/// as they are (see [`Evaluator::solve`]).
#[derive(Default)]
pub(super) struct Agenda {
    /// The places in post-order the first pass has yet to step.
    pub(super) pending: FixedBitSet,
    /// The block of `pending` the first pass is at.
    pub(super) block: usize,
    /// Whether the first pass is still going.
    pub(super) first_pass: bool,
    /// The place of the clause the first pass is stepping.
    pub(super) cursor: usize,
    pub(super) queue: VecDeque<ClauseIdx>,
}

impl Agenda {
    pub(super) fn reset(&mut self, always: &FixedBitSet) {
        self.pending.clone_from(always);
        self.block = 0;
        self.first_pass = true;
        self.cursor = 0;
        self.queue.clear();
    }

    /// Has the first pass step the clause at `place` of post-order.
    pub(super) fn mark(&mut self, place: Option<Id>) {
        if let Some(p) = place {
            set_bit(&mut self.pending, p.index());
        }
    }

    /// The next clause to step, and whether it is the first pass's step.
    pub(super) fn next(
        &mut self,
        post_order: &[ClauseIdx],
        states: &mut [State],
    ) -> Option<(ClauseIdx, bool)> {
        // Block by block rather than by `FixedBitSet::minimum`, which
        // would scan from the start at each step: the pass takes its
        // places in order, and places it is yet to reach may be marked
        // while it runs.
        while self.first_pass {
            let Some(bits) = self.pending.as_mut_slice().get_mut(self.block) else {
                self.first_pass = false;
                break;
            };
            if *bits == 0 {
                self.block += 1;
                continue;
            }
            let at = self.block * usize::BITS as usize + bits.trailing_zeros() as usize;
            *bits &= *bits - 1;
            self.cursor = at;
            if let Some(&c) = post_order.get(at) {
                return Some((c, true));
            }
        }
        let c = self.queue.pop_front()?;
        if let Some(st) = states.get_mut(c.0 as usize) {
            st.queued = false;
        }
        Some((c, false))
    }

    /// Has `d`, at `place` in post-order, stepped again: by the first pass
    /// when it has not reached it yet, else at the end of the queue unless
    /// it is already there. A clause in no tree is never stepped.
    pub(super) fn wake(&mut self, d: ClauseIdx, place: Option<Id>, states: &mut [State]) {
        let Some(place) = place else {
            return;
        };
        if self.first_pass && place.index() > self.cursor {
            set_bit(&mut self.pending, place.index());
        } else if let Some(st) = states.get_mut(d.0 as usize) {
            if !st.queued {
                st.queued = true;
                self.queue.push_back(d);
            }
        }
    }
}

impl<'b> Evaluator<'b> {
    /// The per-inventory facts the fixpoint reads: applicability,
    /// assessments, caps.
    pub(super) fn facts(&self, inventory: &Inventory, s: &mut Scratch) {
        let book = self.book;
        s.reset(self);
        // Applicability, top-down (a sub-clause of an inapplicable clause
        // is inapplicable): all apply when no clause has a condition.
        if self.conditional {
            for &c in self.post_order.iter().rev() {
                let i = c.0 as usize;
                let Some(node) = self.nodes.get(i) else {
                    continue;
                };
                let parent_ok = node
                    .parent
                    .and_then(|p| s.states.get(p.index()))
                    .is_none_or(|p| p.applicable);
                let own = node.shape & APPLIES == 0
                    || book
                        .clause(c)
                        .and_then(|k| k.applies.as_ref())
                        .is_none_or(|cond| {
                            eval_cond(cond, &|f| match f {
                                Field::Named(name) => inventory.profile.get(&**name).cloned(),
                                Field::Date | Field::Expires => None,
                            }) != Some(false)
                        });
                // Written for every clause, true or false: with a scope,
                // the states of clauses outside it keep what the last
                // inventory left there, and a clause of the scope reads
                // its parent's (in the scope when the network is
                // consistent, as the parent contains it, but not always).
                let applicable = parent_ok && own;
                if let Some(st) = s.states.get_mut(i) {
                    st.applicable = applicable;
                }
                if !applicable && self.stepped(c) {
                    s.agenda.mark(node.place);
                }
            }
        }
        for (k, a) in inventory.assessments.iter().enumerate() {
            // Written for every assessed clause, inside a scope or not:
            // the findings below read it.
            if let Some(st) = s.states.get_mut(a.clause.0 as usize) {
                st.assessed = Id::new(k);
                if self.stepped(a.clause) {
                    s.agenda.mark(self.place(a.clause));
                }
            }
        }
        // Clauses containing a clause found not met may not be met; the
        // finding reported is the first by clause key, whatever the order
        // of files.
        let mut findings: Vec<ClauseIdx> = inventory
            .assessments
            .iter()
            .enumerate()
            .filter(|(k, a)| {
                a.status == Status::NotMet
                    && s.state(a.clause)
                        .is_some_and(|st| st.assessed.map(Id::index) == Some(*k))
            })
            .map(|(_, a)| a.clause)
            .collect();
        findings.sort_by(|a, b| book.key(*a).cmp(book.key(*b)).then(a.cmp(b)));
        for x in findings {
            for &y in self.supersets_of(x) {
                if !self.stepped(y) {
                    continue;
                }
                if let Some(st) = s.states.get_mut(y.0 as usize) {
                    if st.cap.is_none() {
                        st.cap = Id::of(x);
                    }
                }
            }
        }
    }

    /// The least fixpoint, by a worklist: a clause is recomputed when
    /// something it reads changes (a sub-clause, a clause its rule names, a
    /// clause that carries to it).
    ///
    /// The first pass steps only the clauses with a rule or sub-clauses,
    /// the clauses a rule names, and the clauses something was found for
    /// (inapplicable, assessed, carried to before the pass reaches them).
    /// Stepping any other clause would leave it as it starts and wake only
    /// its parent, which the pass steps later anyway.
    pub(super) fn solve(&self, ctx: &Context<'_>, inventory: &Inventory, s: &mut Scratch) {
        let Scratch {
            states,
            counts,
            any_capped,
            agenda,
            ..
        } = s;
        while let Some((c, first)) = agenda.next(&self.post_order, states) {
            let i = c.0 as usize;
            let Some(node) = self.nodes.get(i) else {
                continue;
            };
            let (status, basis, via, capped) = self.step(c, node, ctx, inventory, states);
            let Some(st) = states.get_mut(i) else {
                continue;
            };
            *any_capped |= capped.is_some();
            let (old_status, old_basis) = (st.status, st.basis);
            let rose = rank(status) > rank(old_status);
            // Sources are only clauses met on their own basis, so a carried
            // clause may switch to a better source without any cycle: that
            // is not a change its dependents see.
            if !first && !rose && (status, basis) == (old_status, old_basis) {
                if basis == Basis::Mapping {
                    st.via = via;
                }
                st.set_capped(capped);
                continue;
            }
            let same_rank_change = rank(status) == rank(old_status);
            if !(first || rose || (same_rank_change && st.sideways < 2)) {
                continue;
            }
            if same_rank_change && !first && !rose {
                st.sideways += 1;
            }
            let status_changed = status != old_status;
            let became_source = status == Status::Met
                && basis != Basis::Mapping
                && (old_status != Status::Met || old_basis == Basis::Mapping);
            st.status = status;
            st.basis = basis;
            st.via = via;
            st.set_capped(capped);
            if status_changed {
                count(counts, node.referential, old_status, status);
            }
            if status_changed || first {
                if let Some(parent) = node.parent.map(Id::clause) {
                    if self.stepped(parent) {
                        agenda.wake(parent, node.parent_place, states);
                    }
                }
                if node.shape & NAMED != 0 {
                    for &d in self.referenced_by.get(i).into_iter().flatten() {
                        if self.stepped(d) {
                            agenda.wake(d, self.place(d), states);
                        }
                    }
                }
            }
            if became_source {
                let priority = u8::from(basis == Basis::SubClauses);
                let carries = self.carries(c);
                for (targets, partial) in [
                    (carries.map_or(&[][..], |k| &k.met), false),
                    (carries.map_or(&[][..], |k| &k.partial), true),
                ] {
                    for t in targets {
                        let d = t.clause;
                        // A clause met by its sub-clauses is met through
                        // them: it justifies nothing below itself.
                        if priority == 1 && self.is_ancestor(c, d) {
                            continue;
                        }
                        let Some(target) = states.get_mut(d.0 as usize) else {
                            continue;
                        };
                        let (best, best_priority) = if partial {
                            (&mut target.partial_source, &mut target.partial_priority)
                        } else {
                            (&mut target.met_source, &mut target.met_priority)
                        };
                        let better = match *best {
                            None => true,
                            Some(b) => {
                                priority < *best_priority
                                    || (priority == *best_priority
                                        && self.key_before(c, b.clause()))
                            }
                        };
                        if better {
                            (*best, *best_priority) = (Id::of(c), priority);
                        }
                        // A plain clause the first pass has not reached
                        // yet, which applies and is not assessed, is only
                        // carried to: what the pass would find at its
                        // place depends on its sources alone, nothing reads
                        // it before (its parent comes later; no rule names
                        // it) and its step would wake only its parent,
                        // which the pass steps anyway. So it is settled
                        // now, again at each source, instead of stepped.
                        if agenda.first_pass
                            && t.place.is_some_and(|p| p.index() > agenda.cursor)
                            && target.applicable
                            && target.assessed.is_none()
                            && self.plain.contains(d.0 as usize)
                        {
                            let (status, basis, via, capped) =
                                carry(target, (Status::Unknown, Basis::None));
                            *any_capped |= capped.is_some();
                            let old_status = target.status;
                            target.status = status;
                            target.basis = basis;
                            target.via = via;
                            target.set_capped(capped);
                            if status != old_status {
                                count(counts, t.referential, old_status, status);
                            }
                        } else {
                            agenda.wake(d, t.place, states);
                        }
                    }
                }
            }
        }
    }

    /// One clause's status from the current solution: own basis, then
    /// carry-over, then the cap of a not-met finding.
    pub(super) fn step(
        &self,
        c: ClauseIdx,
        node: &Node,
        ctx: &Context<'_>,
        inventory: &Inventory,
        states: &[State],
    ) -> (Status, Basis, Option<Id>, Option<Cap>) {
        let Some(st) = states.get(c.0 as usize) else {
            return (Status::Unknown, Basis::None, None, None);
        };
        if !st.applicable {
            return (Status::NotApplicable, Basis::None, None, None);
        }
        if let Some(a) = st
            .assessed
            .and_then(|k| inventory.assessments.get(k.index()))
        {
            return capped(st, (a.status, Basis::Assessment, None));
        }
        let rule = if node.shape & REQUIRES != 0 {
            self.book.clause(c).and_then(|k| k.requires.as_ref())
        } else {
            None
        };
        let (status, basis) = if let Some(expr) = rule {
            (ctx.status(expr, states), Basis::Evidence)
        } else if node.shape & CHILDREN != 0 {
            let children = self.book.clause(c).map_or(&[][..], |k| &k.children);
            (aggregate_status(children, states), Basis::SubClauses)
        } else {
            (Status::Unknown, Basis::None)
        };
        carry(st, (status, basis))
    }
}

/// A clause's own status then carry-over, then the cap of a not-met finding.
pub(super) fn carry(
    st: &State,
    (mut status, mut basis): (Status, Basis),
) -> (Status, Basis, Option<Id>, Option<Cap>) {
    let mut via = None;
    if status != Status::Met && status != Status::NotApplicable {
        // Sources are clauses met on their own basis: a clause met by
        // mapping from Z has Z among these candidates too (⊆ and overlap
        // compose with ⊆), so nothing is lost, and `via` never points at
        // a clause that is itself carried.
        if st.met_source.is_some() {
            (status, basis, via) = (Status::Met, Basis::Mapping, st.met_source);
        } else if rank(status) < 1 && st.partial_source.is_some() {
            (status, basis, via) = (Status::Partial, Basis::Mapping, st.partial_source);
        }
    }
    capped(st, (status, basis, via))
}

/// Moves a clause of referential `r` from one status to another in the counts.
pub(super) fn count(counts: &mut [[usize; 5]], r: Option<Id>, from: Status, to: Status) {
    if let Some(k) = r.and_then(|r| counts.get_mut(r.index())) {
        if let Some(x) = k.get_mut(slot(from)) {
            *x = x.saturating_sub(1);
        }
        if let Some(x) = k.get_mut(slot(to)) {
            *x += 1;
        }
    }
}

/// A status capped at `partial` when a not-met finding is within the clause.
pub(super) fn capped(
    st: &State,
    (status, basis, via): (Status, Basis, Option<Id>),
) -> (Status, Basis, Option<Id>, Option<Cap>) {
    if let (Status::Met, Some(finding)) = (status, st.cap) {
        return (
            Status::Partial,
            basis,
            via,
            Some(Cap {
                finding: finding.clause(),
                basis,
                via,
            }),
        );
    }
    (status, basis, via, None)
}

/// The applicable ones of some sub-clauses, with their statuses.
pub(super) fn applicable_children<'c>(
    children: &'c [ClauseIdx],
    states: &'c [State],
) -> impl Iterator<Item = (ClauseIdx, Status)> + 'c {
    children
        .iter()
        .filter_map(|&k| match states.get(k.0 as usize) {
            Some(st) if !st.applicable => None,
            Some(st) => Some((k, st.status)),
            None => Some((k, Status::Unknown)),
        })
}

/// Sub-clause aggregation: met when every applicable sub-clause is met,
/// partial when some is met or partial, else unknown; not applicable when
/// none applies.
pub(super) fn aggregate_status(children: &[ClauseIdx], states: &[State]) -> Status {
    let mut any = false;
    let mut all_met = true;
    let mut some = false;
    for (_, s) in applicable_children(children, states) {
        any = true;
        all_met &= s == Status::Met;
        some |= rank(s) > 0;
    }
    if !any {
        Status::NotApplicable
    } else if all_met {
        Status::Met
    } else if some {
        Status::Partial
    } else {
        Status::Unknown
    }
}
