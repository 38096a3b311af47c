//! Evaluation of an inventory: the status of every clause as of a date, with
//! its basis, the evidence used, the proof of any carry-over, what is missing,
//! and the contradictions between auditors' findings and the mappings
//! (DESIGN §4).
//!
//! Statuses are the least fixpoint of the rules: own basis (applicability,
//! assessment, `requires`, sub-clauses), then carry-over along entailments
//! (B met ⇒ A met when A ⊆ B; B met ⇒ A partial when they overlap), with
//! clauses that contain a clause assessed `not-met` capped at `partial`.
//! Ranks only rise from one round to the next (not-met/unknown < partial <
//! met), so the loop ends after at most two rises per clause.
//!
//! An [`Evaluator`] holds what depends on the rulebook alone (orders,
//! entailed supersets and overlaps of each clause, a compact view of each
//! clause), so evaluating many inventories against one rulebook pays for it
//! once; the per-inventory columns are kept on each thread from one
//! inventory to the next. The first pass of the fixpoint steps only the
//! clauses something is known of (a rule, sub-clauses, an assessment, a
//! carry-over), so most of an inventory's cost follows what it touches
//! rather than the size of the rulebook.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::OnceLock;

use serde::Serialize;

use crate::date::Date;
use crate::inventory::{EvidenceItem, Fact, Inventory};
use crate::mapper::ClauseIdx;
use crate::model::{proof, ProofStep, Rulebook};

use crate::model::{Comparison, Condition, EvidenceRule, EvidenceTypeIdx, Field, Rule, Value};
use crate::vocab::Status;

/// What decided a clause's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// An auditor's assessment.
    Assessment,
    /// Its own `requires` rule over the evidence.
    Evidence,
    /// The statuses of its sub-clauses.
    SubClauses,
    /// Carried from another clause through the mapping network.
    Mapping,
    /// Nothing.
    None,
}

/// The evaluation of one clause.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    /// `REF:ID`.
    pub clause: String,
    /// Title.
    pub title: String,
    /// Status as of the evaluation date.
    pub status: Status,
    /// What decided it.
    pub basis: Basis,
    /// Ids of the evidence items used.
    pub evidence: Vec<String>,
    /// The clause it was carried from (basis `mapping`).
    pub via: Option<String>,
    /// Proof of the carry-over.
    pub proof: Vec<ProofStep>,
    /// What is missing for `met`, as indented lines of the rule's tree.
    pub missing: Vec<String>,
    /// Who assessed it (basis `assessment`).
    pub assessed_by: Option<String>,
    /// Clauses whose being met would carry `met` to this one.
    pub carriers: Vec<String>,
}

/// Counts of statuses in one referential.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Referential id.
    pub referential: String,
    /// Clauses met.
    pub met: usize,
    /// Clauses partial.
    pub partial: usize,
    /// Clauses not met.
    pub not_met: usize,
    /// Clauses not applicable.
    pub not_applicable: usize,
    /// Clauses unknown.
    pub unknown: usize,
}

/// The not-met assessment of a contradiction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentRef {
    /// The assessed clause.
    pub clause: String,
    /// Its status (`not-met`).
    pub status: Status,
    /// Who assessed it.
    pub by: Option<String>,
}

/// A clause that would be met although it contains a clause an auditor
/// found not met: either the mapping or an assessment is wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Contradiction {
    /// The finding.
    pub assessment: AssessmentRef,
    /// The clause that would be met (reported `partial`).
    pub clause: String,
    /// Why it would be met.
    pub basis: Basis,
    /// The clause it would be carried from, for basis `mapping`.
    pub via: Option<String>,
    /// Proof that the assessed clause is within this one.
    pub proof: Vec<ProofStep>,
    /// One sentence for people.
    pub message: String,
}

/// The evaluation of one inventory.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Site name.
    pub site: String,
    /// Evaluation date.
    pub as_of: Date,
    /// Counts per referential, by referential id.
    pub summary: Vec<Summary>,
    /// Every clause, by referential id then tree order.
    pub clauses: Vec<ClauseResult>,
    /// Contradictions between findings and what would be met.
    pub contradictions: Vec<Contradiction>,
}

impl Report {
    /// Keeps only the clauses and counts of these referentials (all when empty).
    pub fn keep_referentials(&mut self, ids: &[String]) {
        if ids.is_empty() {
            return;
        }
        self.summary.retain(|s| ids.contains(&s.referential));
        self.clauses.retain(|c| {
            c.clause
                .split_once(':')
                .is_some_and(|(r, _)| ids.iter().any(|id| id == r))
        });
        self.contradictions.retain(|c| {
            c.clause
                .split_once(':')
                .is_some_and(|(r, _)| ids.iter().any(|id| id == r))
        });
    }
}

/// What depends on the rulebook only, computed once for many inventories.
pub struct Evaluator<'b> {
    book: &'b Rulebook,
    /// Children before parents.
    post_order: Vec<ClauseIdx>,
    /// What the per-inventory passes read of each clause, so that they read
    /// a few bytes, not the clause.
    nodes: Vec<Node>,
    /// The places in `post_order` the first pass steps whatever the
    /// inventory, as bits: clauses with a rule or sub-clauses, and clauses
    /// a rule names.
    always: Vec<u64>,
    /// The clauses in post-order the first pass steps only when something
    /// is found for them (not in `always`), as bits by clause.
    plain: Vec<u64>,
    /// Whether some clause has `applies if`.
    conditional: bool,
    /// Entailed strict supersets of each clause (A ⊆ B, B ≠ A), asked of
    /// the mapper the first time an inventory needs them.
    supersets: Vec<OnceLock<Box<[ClauseIdx]>>>,
    /// Where each clause's being met carries, asked of the mapper the first
    /// time it is met on its own basis. An inventory meets a few of the
    /// clauses of a large rulebook, so most lists are never computed.
    carries: Vec<OnceLock<Carries>>,
    /// For each X, the clauses whose `requires` names `clause X`.
    referenced_by: Vec<Vec<ClauseIdx>>,
    /// Referentials sorted by id, each with its clauses in tree order.
    layout: Vec<(String, Vec<ClauseIdx>)>,
    /// The part of the rulebook evaluated, when restricted to some
    /// referentials ([`Evaluator::for_referentials`]).
    scope: Option<Scope>,
}

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
struct Scope {
    /// Whether each referential of the layout is reported.
    reported: Vec<bool>,
    /// Clauses whose whole status is needed (carried to), as bits.
    whole: Vec<u64>,
    /// Clauses stepped: `whole` and the clauses that carry to them, as bits.
    stepped: Vec<u64>,
    /// `stepped` as a list, to reset their states between inventories.
    stepped_list: Vec<ClauseIdx>,
}

impl Scope {
    /// The scope of reporting the referentials `ids` of `book`.
    fn new(
        book: &Rulebook,
        layout: &[(String, Vec<ClauseIdx>)],
        ids: &[String],
        names: &[Vec<ClauseIdx>],
    ) -> Scope {
        let n = book.clauses.len();
        let mut whole = vec![0u64; n.div_ceil(64)];
        let mut stepped = vec![0u64; n.div_ceil(64)];
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
                if !bit(&whole, c.0 as usize) && (c.0 as usize) < n {
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
                if !bit(&stepped, x.0 as usize) {
                    set_bit(&mut stepped, x.0 as usize);
                    stepped_list.push(x);
                    reads(x, &mut pending);
                }
            }
            for &c in &fresh {
                if !bit(&stepped, c.0 as usize) {
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

/// One clause as the per-inventory passes see it.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Its parent ([`NO_CLAUSE`] for a top-level clause).
    parent: u32,
    /// Its parent's place in post-order ([`NO_CLAUSE`] for none).
    parent_place: u32,
    /// Its place in post-order ([`NO_CLAUSE`] for none).
    place: u32,
    /// The first 16 bytes of its key (see [`key_prefix`]).
    key_prefix: [u64; 2],
    /// Its referential's place in the layout ([`NO_CLAUSE`] for none).
    referential: u32,
    /// [`REQUIRES`], [`CHILDREN`], [`APPLIES`], [`NAMED`].
    shape: u8,
}

/// The clause has a `requires` rule.
const REQUIRES: u8 = 1;
/// The clause has sub-clauses.
const CHILDREN: u8 = 2;
/// The clause has an `applies if` condition.
const APPLIES: u8 = 4;
/// Some clause's rule names this one.
const NAMED: u8 = 8;

/// A clause that evidence carries to, with its place in post-order.
#[derive(Debug, Clone, Copy)]
struct Target {
    clause: ClauseIdx,
    /// Its place in post-order ([`NO_CLAUSE`] for none).
    place: u32,
    /// Its referential's place in the layout, kept here so that counting a
    /// carried status does not fetch the target's record (on a network of
    /// 100,000 clauses, a cache miss per target).
    referential: u32,
}

/// Where a clause X's being met carries.
struct Carries {
    /// The clauses having X among their supersets: X met makes them met.
    met: Box<[Target]>,
    /// The clauses having X among their overlaps: X met makes them partial.
    partial: Box<[Target]>,
}

/// Whether bit `i` is set.
fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

/// Sets bit `i`.
fn set_bit(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Met => 2,
        Status::Partial => 1,
        Status::NotMet | Status::Unknown | Status::NotApplicable => 0,
    }
}

/// Sentinel for "no clause" in the compact columns.
const NO_CLAUSE: u32 = u32::MAX;

/// The not-met finding that capped a clause, with what would have met it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cap {
    finding: ClauseIdx,
    basis: Basis,
    via: u32,
}

/// One clause's facts and solution for one inventory, in compact form (no
/// strings). Details (evidence ids, missing parts, proofs) are derived
/// afterwards, only for the clauses reported.
#[derive(Debug, Clone, Copy)]
struct State {
    status: Status,
    basis: Basis,
    /// The clause it is carried from ([`NO_CLAUSE`] for none).
    via: u32,
    /// The not-met finding capping it ([`NO_CLAUSE`] for none), with
    /// what would have met it.
    capped: u32,
    capped_basis: Basis,
    capped_via: u32,
    /// Best clause met on its own basis among its entailed supersets
    /// ([`NO_CLAUSE`] for none), with its priority: assessment/evidence (0)
    /// before sub-clauses (1), then lowest key. Pushed by the sources
    /// themselves.
    met_source: u32,
    met_priority: u8,
    /// The same among its entailed overlaps.
    partial_source: u32,
    partial_priority: u8,
    /// Whether it applies.
    applicable: bool,
    /// Place of its assessment in the inventory ([`NO_CLAUSE`] for none;
    /// one per clause: the loader refuses two).
    assessed: u32,
    /// The first finding (by clause key) within it: it may not be met
    /// ([`NO_CLAUSE`] for none).
    cap: u32,
    /// Whether it is waiting in the queue.
    queued: bool,
    /// INVARIANT: its rank only rises, and its status changes at an equal
    /// rank at most twice before it first rises, so the fixpoint ends.
    sideways: u8,
}

impl State {
    const INITIAL: State = State {
        status: Status::Unknown,
        basis: Basis::None,
        via: NO_CLAUSE,
        capped: NO_CLAUSE,
        capped_basis: Basis::None,
        capped_via: NO_CLAUSE,
        met_source: NO_CLAUSE,
        met_priority: 0,
        partial_source: NO_CLAUSE,
        partial_priority: 0,
        applicable: true,
        assessed: NO_CLAUSE,
        cap: NO_CLAUSE,
        queued: false,
        sideways: 0,
    };

    fn capped(&self) -> Option<Cap> {
        (self.capped != NO_CLAUSE).then_some(Cap {
            finding: ClauseIdx(self.capped),
            basis: self.capped_basis,
            via: self.capped_via,
        })
    }

    fn set_capped(&mut self, cap: Option<Cap>) {
        (self.capped, self.capped_basis, self.capped_via) = match cap {
            Some(k) => (k.finding.0, k.basis, k.via),
            None => (NO_CLAUSE, Basis::None, NO_CLAUSE),
        };
    }
}

/// Per-inventory work space, kept from one inventory to the next on each
/// thread so that evaluating many inventories does not allocate again.
#[derive(Default)]
struct Scratch {
    states: Vec<State>,
    /// Statuses counted per referential of the layout, kept as they change:
    /// met, partial, not met, not applicable, unknown.
    counts: Vec<[usize; 5]>,
    /// Whether some clause was ever capped.
    any_capped: bool,
    agenda: Agenda,
}

impl Scratch {
    /// Every clause back to its initial state; with a scope, only the
    /// clauses stepped. An evaluation reads nothing else of the states
    /// but what it wrote first: the applicability of every clause and
    /// the place of each clause's assessment (see [`Evaluator::facts`]).
    fn reset(&mut self, evaluator: &Evaluator<'_>) {
        let n = evaluator.book.clauses.len();
        match &evaluator.scope {
            Some(scope) if self.states.len() == n => {
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

    fn state(&self, c: ClauseIdx) -> Option<&State> {
        self.states.get(c.0 as usize)
    }
}

/// The slot of a status in [`Scratch::counts`].
fn slot(s: Status) -> usize {
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
struct Agenda {
    /// The places in post-order the first pass has yet to step, as bits.
    pending: Vec<u64>,
    /// The word of `pending` the first pass is at.
    word: usize,
    /// Whether the first pass is still going.
    first_pass: bool,
    /// The place of the clause the first pass is stepping.
    cursor: u32,
    queue: VecDeque<ClauseIdx>,
}

impl Agenda {
    fn reset(&mut self, always: &[u64]) {
        self.pending.clear();
        self.pending.extend_from_slice(always);
        self.word = 0;
        self.first_pass = true;
        self.cursor = 0;
        self.queue.clear();
    }

    /// Has the first pass step the clause at `place` of post-order.
    fn mark(&mut self, place: u32) {
        set_bit(&mut self.pending, place as usize);
    }

    /// The next clause to step, and whether it is the first pass's step.
    fn next(
        &mut self,
        post_order: &[ClauseIdx],
        states: &mut [State],
    ) -> Option<(ClauseIdx, bool)> {
        while self.first_pass {
            let Some(bits) = self.pending.get_mut(self.word) else {
                self.first_pass = false;
                break;
            };
            if *bits == 0 {
                self.word += 1;
                continue;
            }
            let at = self.word * 64 + bits.trailing_zeros() as usize;
            *bits &= *bits - 1;
            self.cursor = u32::try_from(at).unwrap_or(NO_CLAUSE);
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
    fn wake(&mut self, d: ClauseIdx, place: u32, states: &mut [State]) {
        if place == NO_CLAUSE {
            return;
        }
        if self.first_pass && place > self.cursor {
            self.mark(place);
        } else if let Some(st) = states.get_mut(d.0 as usize) {
            if !st.queued {
                st.queued = true;
                self.queue.push_back(d);
            }
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// How much of a report to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every clause with its basis, evidence, proof and missing parts.
    Full,
    /// Counts per referential and contradictions only (`check --summary`).
    Summary,
}

impl<'b> Evaluator<'b> {
    /// Prepares evaluation against `book`.
    pub fn new(book: &'b Rulebook) -> Self {
        Self::build(book, None)
    }

    /// Prepares evaluation against `book` restricted to the referentials
    /// `ids` (all of them when empty): reports hold these referentials
    /// only — the same counts, clauses and contradictions as a whole
    /// evaluation trimmed by [`Report::keep_referentials`] — and each
    /// inventory costs what these referentials need of the network rather
    /// than the whole of it. An id of no referential selects nothing.
    pub fn for_referentials(book: &'b Rulebook, ids: &[String]) -> Self {
        if ids.is_empty() {
            Self::new(book)
        } else {
            Self::build(book, Some(ids))
        }
    }

    fn build(book: &'b Rulebook, ids: Option<&[String]>) -> Self {
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
            let c = ClauseIdx(u32::try_from(i).unwrap_or(u32::MAX));
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
                    parent: k.parent.map_or(NO_CLAUSE, |p| p.0),
                    parent_place: NO_CLAUSE,
                    place: NO_CLAUSE,
                    key_prefix: key_prefix(&k.key),
                    referential: NO_CLAUSE,
                    shape,
                }
            })
            .collect();
        for (r, (_, order)) in layout.iter().enumerate() {
            for c in order {
                if let Some(node) = nodes.get_mut(c.0 as usize) {
                    node.referential = u32::try_from(r).unwrap_or(NO_CLAUSE);
                }
            }
        }
        let mut always = vec![0u64; post_order.len().div_ceil(64)];
        let mut plain = vec![0u64; n.div_ceil(64)];
        for (at, c) in post_order.iter().enumerate() {
            let Some(node) = nodes.get_mut(c.0 as usize) else {
                continue;
            };
            node.place = u32::try_from(at).unwrap_or(NO_CLAUSE);
            if node.shape & (REQUIRES | CHILDREN | NAMED) != 0 {
                set_bit(&mut always, at);
            } else if node.place != NO_CLAUSE {
                set_bit(&mut plain, c.0 as usize);
            }
        }
        for i in 0..nodes.len() {
            let parent = nodes.get(i).map_or(NO_CLAUSE, |k| k.parent);
            let parent_place = nodes.get(parent as usize).map_or(NO_CLAUSE, |k| k.place);
            if let Some(node) = nodes.get_mut(i) {
                node.parent_place = parent_place;
            }
        }
        let scope = ids.map(|ids| Scope::new(book, &layout, ids, &names));
        if let Some(scope) = &scope {
            // The first pass steps nothing outside the scope.
            for (at, c) in post_order.iter().enumerate() {
                if !bit(&scope.stepped, c.0 as usize) {
                    if let Some(w) = always.get_mut(at / 64) {
                        *w &= !(1 << (at % 64));
                    }
                }
            }
        }
        Evaluator {
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
    fn supersets_of(&self, c: ClauseIdx) -> &[ClauseIdx] {
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
    fn carries(&self, x: ClauseIdx) -> Option<&Carries> {
        let cell = self.carries.get(x.0 as usize)?;
        Some(cell.get_or_init(|| {
            let (subsets, overlaps) = self.book.network.subsets_and_overlaps(x);
            let target = |c: ClauseIdx| {
                let node = self.nodes.get(c.0 as usize);
                Target {
                    clause: c,
                    place: node.map_or(NO_CLAUSE, |k| k.place),
                    referential: node.map_or(NO_CLAUSE, |k| k.referential),
                }
            };
            // With a scope, only the clauses whose whole status is needed.
            let wanted = |c: &ClauseIdx| {
                self.scope
                    .as_ref()
                    .is_none_or(|s| bit(&s.whole, c.0 as usize))
            };
            Carries {
                met: subsets.into_iter().filter(wanted).map(target).collect(),
                partial: overlaps.into_iter().filter(wanted).map(target).collect(),
            }
        }))
    }

    /// The rulebook evaluated against.
    pub fn rulebook(&self) -> &'b Rulebook {
        self.book
    }

    /// Evaluates one inventory as of `as_of`, with every detail.
    pub fn evaluate(&self, inventory: &Inventory, as_of: Date) -> Report {
        self.evaluate_with(inventory, as_of, Detail::Full)
    }

    /// Evaluates one inventory as of `as_of`, building the report to `detail`.
    pub fn evaluate_with(&self, inventory: &Inventory, as_of: Date, detail: Detail) -> Report {
        let run = |s: &mut Scratch| {
            let ctx = Context::new(self.book, inventory, as_of);
            self.facts(inventory, s);
            self.solve(&ctx, inventory, s);
            self.report(inventory, as_of, &ctx, s, detail)
        };
        SCRATCH
            .try_with(|cell| match cell.try_borrow_mut() {
                Ok(mut s) => run(&mut s),
                Err(_) => run(&mut Scratch::default()),
            })
            .unwrap_or_else(|_| run(&mut Scratch::default()))
    }

    /// Whether the evaluation steps `c` (every clause without a scope).
    fn stepped(&self, c: ClauseIdx) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|s| bit(&s.stepped, c.0 as usize))
    }

    fn place(&self, c: ClauseIdx) -> u32 {
        self.nodes.get(c.0 as usize).map_or(NO_CLAUSE, |k| k.place)
    }

    /// Whether clause `a`'s key sorts before clause `b`'s.
    fn key_before(&self, a: ClauseIdx, b: ClauseIdx) -> bool {
        let prefix = |c: ClauseIdx| self.nodes.get(c.0 as usize).map(|k| k.key_prefix);
        match (prefix(a), prefix(b)) {
            (Some(x), Some(y)) if x != y => x < y,
            _ => self.book.key(a) < self.book.key(b),
        }
    }

    /// The per-inventory facts the fixpoint reads: applicability,
    /// assessments, caps.
    fn facts(&self, inventory: &Inventory, s: &mut Scratch) {
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
                let parent_ok = node.parent == NO_CLAUSE
                    || s.states
                        .get(node.parent as usize)
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
                st.assessed = u32::try_from(k).unwrap_or(NO_CLAUSE);
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
                        .is_some_and(|st| st.assessed as usize == *k)
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
                    if st.cap == NO_CLAUSE {
                        st.cap = x.0;
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
    fn solve(&self, ctx: &Context<'_>, inventory: &Inventory, s: &mut Scratch) {
        let Scratch {
            states,
            counts,
            any_capped,
            agenda,
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
                if node.parent != NO_CLAUSE && self.stepped(ClauseIdx(node.parent)) {
                    agenda.wake(ClauseIdx(node.parent), node.parent_place, states);
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
                        if *best == NO_CLAUSE
                            || priority < *best_priority
                            || (priority == *best_priority && self.key_before(c, ClauseIdx(*best)))
                        {
                            (*best, *best_priority) = (c.0, priority);
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
                            && t.place > agenda.cursor
                            && target.applicable
                            && target.assessed == NO_CLAUSE
                            && bit(&self.plain, d.0 as usize)
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
    fn step(
        &self,
        c: ClauseIdx,
        node: &Node,
        ctx: &Context<'_>,
        inventory: &Inventory,
        states: &[State],
    ) -> (Status, Basis, u32, Option<Cap>) {
        let Some(st) = states.get(c.0 as usize) else {
            return (Status::Unknown, Basis::None, NO_CLAUSE, None);
        };
        if !st.applicable {
            return (Status::NotApplicable, Basis::None, NO_CLAUSE, None);
        }
        if let Some(a) = inventory.assessments.get(st.assessed as usize) {
            return capped(st, (a.status, Basis::Assessment, NO_CLAUSE));
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

    /// Whether `a` is `c` or encloses it in its referential's tree.
    fn is_ancestor(&self, a: ClauseIdx, c: ClauseIdx) -> bool {
        let mut x = c.0;
        loop {
            if x == a.0 {
                return true;
            }
            match self.nodes.get(x as usize) {
                Some(k) if k.parent != NO_CLAUSE => x = k.parent,
                _ => return false,
            }
        }
    }

    fn report(
        &self,
        inventory: &Inventory,
        as_of: Date,
        ctx: &Context<'_>,
        s: &Scratch,
        detail: Detail,
    ) -> Report {
        let book = self.book;
        let mut summary = Vec::new();
        let mut clauses = Vec::new();
        let mut contradictions = Vec::new();
        let clause_of = |x: u32| (x != NO_CLAUSE).then_some(ClauseIdx(x));
        let assessor = |x: ClauseIdx| {
            s.state(x)
                .and_then(|st| inventory.assessments.get(st.assessed as usize))
                .and_then(|a| a.by.as_deref().map(str::to_string))
        };
        for (r, (id, order)) in self.layout.iter().enumerate() {
            if self
                .scope
                .as_ref()
                .is_some_and(|k| !k.reported.get(r).copied().unwrap_or(false))
            {
                continue;
            }
            let [met, partial, not_met, not_applicable, unknown] =
                s.counts.get(r).copied().unwrap_or_default();
            summary.push(Summary {
                referential: id.clone(),
                met,
                partial,
                not_met,
                not_applicable,
                unknown,
            });
            if detail == Detail::Summary && !s.any_capped {
                continue;
            }
            for &c in order {
                let Some(st) = s.state(c) else {
                    continue;
                };
                let Some(clause) = book.clause(c) else {
                    continue;
                };
                let capped = st.capped();
                if let Some(cap) = capped {
                    let steps = book
                        .network
                        .entails_subset(cap.finding, c)
                        .unwrap_or_default();
                    let why = match (cap.basis, clause_of(cap.via)) {
                        (Basis::Mapping, Some(v)) => {
                            format!("carried from `{}` by mapping", book.key(v))
                        }
                        (Basis::Assessment, _) => "assessed met".to_string(),
                        (Basis::SubClauses, _) => "met by its sub-clauses".to_string(),
                        _ => "met by its own evidence".to_string(),
                    };
                    contradictions.push(Contradiction {
                        assessment: AssessmentRef {
                            clause: book.key(cap.finding).to_string(),
                            status: Status::NotMet,
                            by: assessor(cap.finding),
                        },
                        clause: clause.key.clone(),
                        basis: cap.basis,
                        via: clause_of(cap.via).map(|v| book.key(v).to_string()),
                        proof: proof(book, &steps),
                        message: format!(
                            "`{}` would be met ({why}), but it contains `{}`, which an auditor found not met: a mapping or an assessment is wrong",
                            clause.key,
                            book.key(cap.finding)
                        ),
                    });
                }
                if detail == Detail::Summary {
                    continue;
                }
                let result = self.clause_result(
                    c,
                    clause,
                    (st.status, st.basis, clause_of(st.via), capped),
                    ctx,
                    &s.states,
                    assessor(c),
                );
                clauses.push(result);
            }
        }
        Report {
            site: inventory.site.clone(),
            as_of,
            summary,
            clauses,
            contradictions,
        }
    }

    /// One clause's report line; `assessed_by` is who assessed it, if anyone.
    fn clause_result(
        &self,
        c: ClauseIdx,
        clause: &crate::model::Clause,
        (status, basis, via, capped): (Status, Basis, Option<ClauseIdx>, Option<Cap>),
        ctx: &Context<'_>,
        states: &[State],
        assessed_by: Option<String>,
    ) -> ClauseResult {
        let book = self.book;
        let (evidence, mut missing) = match basis {
            _ if capped.is_some() => (
                match (&clause.requires, basis) {
                    (Some(expr), Basis::Evidence) => ctx.eval(expr, states, 0).evidence,
                    _ => Vec::new(),
                },
                vec![format!(
                    "an auditor found `{}` not met, and it is within this clause",
                    capped.map_or("", |k| book.key(k.finding))
                )],
            ),
            Basis::Assessment if status == Status::Met => (Vec::new(), Vec::new()),
            Basis::Assessment => (Vec::new(), vec![format!("an auditor found it {status}")]),
            Basis::Evidence => match &clause.requires {
                Some(expr) => {
                    let out = ctx.eval(expr, states, 0);
                    let missing = if status == Status::Met {
                        Vec::new()
                    } else {
                        out.missing
                    };
                    (out.evidence, missing)
                }
                None => (Vec::new(), Vec::new()),
            },
            Basis::SubClauses => (
                Vec::new(),
                aggregate_missing(book, &clause.children, states),
            ),
            Basis::Mapping if status == Status::Met => (Vec::new(), Vec::new()),
            // A partial carry still shows what the clause's own basis misses.
            Basis::Mapping => match &clause.requires {
                Some(expr) => (Vec::new(), ctx.eval(expr, states, 0).missing),
                None if !clause.children.is_empty() => (
                    Vec::new(),
                    aggregate_missing(book, &clause.children, states),
                ),
                None => (
                    Vec::new(),
                    vec!["no rule: only an assessment or a mapping can decide it".into()],
                ),
            },
            Basis::None if status == Status::NotApplicable => (Vec::new(), Vec::new()),
            Basis::None => (
                Vec::new(),
                vec!["no rule: only an assessment or a mapping can decide it".into()],
            ),
        };
        let steps = match (basis, via) {
            (Basis::Mapping, Some(x)) => book
                .network
                .entails_subset(c, x)
                .or_else(|| book.network.entails_overlap(c, x))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        // Its own ancestors are left out: they are met through it, not for
        // it. Carry-over never overrides an assessment: none for those.
        let mut carriers: Vec<String> = if status == Status::Met
            || basis == Basis::Assessment
            || status == Status::NotApplicable
        {
            Vec::new()
        } else {
            self.supersets_of(c)
                .iter()
                .filter(|x| !self.is_ancestor(**x, c))
                .map(|x| book.key(*x).to_string())
                .collect()
        };
        carriers.sort();
        if status != Status::Met
            && status != Status::NotApplicable
            && !carriers.is_empty()
            && capped.is_none()
        {
            missing.push(format!(
                "or any of these met, carried by mapping: {}",
                carriers.join(", ")
            ));
        }
        ClauseResult {
            clause: clause.key.clone(),
            title: clause.title.clone(),
            status,
            basis,
            evidence: if basis == Basis::Evidence {
                evidence
            } else {
                Vec::new()
            },
            via: via.map(|x| book.key(x).to_string()),
            proof: proof(book, &steps),
            missing,
            assessed_by: if basis == Basis::Assessment {
                assessed_by
            } else {
                None
            },
            carriers,
        }
    }
}

/// A clause's own status then carry-over, then the cap of a not-met finding.
fn carry(
    st: &State,
    (mut status, mut basis): (Status, Basis),
) -> (Status, Basis, u32, Option<Cap>) {
    let mut via = NO_CLAUSE;
    if status != Status::Met && status != Status::NotApplicable {
        // Sources are clauses met on their own basis: a clause met by
        // mapping from Z has Z among these candidates too (⊆ and overlap
        // compose with ⊆), so nothing is lost, and `via` never points at
        // a clause that is itself carried.
        if st.met_source != NO_CLAUSE {
            (status, basis, via) = (Status::Met, Basis::Mapping, st.met_source);
        } else if rank(status) < 1 && st.partial_source != NO_CLAUSE {
            (status, basis, via) = (Status::Partial, Basis::Mapping, st.partial_source);
        }
    }
    capped(st, (status, basis, via))
}

/// Moves a clause of referential `r` from one status to another in the counts.
fn count(counts: &mut [[usize; 5]], r: u32, from: Status, to: Status) {
    if let Some(k) = counts.get_mut(r as usize) {
        if let Some(x) = k.get_mut(slot(from)) {
            *x = x.saturating_sub(1);
        }
        if let Some(x) = k.get_mut(slot(to)) {
            *x += 1;
        }
    }
}

/// A status capped at `partial` when a not-met finding is within the clause.
fn capped(
    st: &State,
    (status, basis, via): (Status, Basis, u32),
) -> (Status, Basis, u32, Option<Cap>) {
    if status == Status::Met && st.cap != NO_CLAUSE {
        return (
            Status::Partial,
            basis,
            via,
            Some(Cap {
                finding: ClauseIdx(st.cap),
                basis,
                via,
            }),
        );
    }
    (status, basis, via, None)
}

/// The first 16 bytes of a key as two numbers (zeros after its end): keys
/// in order have prefixes in order, so most keys compare as integers.
fn key_prefix(key: &str) -> [u64; 2] {
    let mut bytes = [0u8; 16];
    for (b, k) in bytes.iter_mut().zip(key.bytes()) {
        *b = k;
    }
    let (hi, lo) = bytes.split_at(8);
    let word = |half: &[u8]| half.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
    [word(hi), word(lo)]
}

/// The applicable ones of some sub-clauses, with their statuses.
fn applicable_children<'c>(
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
fn aggregate_status(children: &[ClauseIdx], states: &[State]) -> Status {
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

fn aggregate_missing(book: &Rulebook, children: &[ClauseIdx], states: &[State]) -> Vec<String> {
    applicable_children(children, states)
        .filter(|&(_, s)| s != Status::Met)
        .map(|(k, s)| format!("sub-clause `{}` is {s}", book.key(k)))
        .collect()
}

/// Evidence grouped by type, and the evaluation date.
struct Context<'a> {
    book: &'a Rulebook,
    /// The items by type then id.
    by_type: Vec<(EvidenceTypeIdx, &'a EvidenceItem)>,
    as_of: Date,
}

struct Outcome {
    status: Status,
    evidence: Vec<String>,
    missing: Vec<String>,
}

/// Why an evidence item does or does not count for a requirement.
enum Verdict {
    Counts,
    Future(Date),
    Expired(Date),
    TooOld(Date),
    NoDate,
    NoMatch,
}

/// The parts of a group: how many are met, whether some is met or
/// partial, whether some is unknown.
fn tally(parts: impl Iterator<Item = Status>) -> (u64, u64, bool, bool) {
    let (mut met, mut count, mut some, mut unknown) = (0u64, 0u64, false, false);
    for s in parts {
        met += u64::from(s == Status::Met);
        count += 1;
        some |= rank(s) > 0;
        unknown |= s == Status::Unknown;
    }
    (met, count, some, unknown)
}

/// A group's status: met when `enough` of its parts are; else partial when
/// some is met or partial; else unknown when some is unknown; else not met.
fn group_status(enough: bool, some: bool, unknown: bool) -> Status {
    if enough {
        Status::Met
    } else if some {
        Status::Partial
    } else if unknown {
        Status::Unknown
    } else {
        Status::NotMet
    }
}

/// `all`: met when every part is.
fn combine_all(parts: impl Iterator<Item = Status>) -> Status {
    let (met, count, some, unknown) = tally(parts);
    group_status(met == count, some, unknown)
}

/// `any`: met when one part is.
fn combine_any(parts: impl Iterator<Item = Status>) -> Status {
    let (met, _, some, unknown) = tally(parts);
    group_status(met > 0, some, unknown)
}

/// `at least N of`: met when N parts are; also returns how many are.
fn combine_at_least(n: u64, parts: impl Iterator<Item = Status>) -> (Status, u64) {
    let (met, _, some, unknown) = tally(parts);
    (group_status(met >= n, some, unknown), met)
}

/// `not`: swaps met and not met.
fn negate(s: Status) -> Status {
    match s {
        Status::Met => Status::NotMet,
        Status::NotMet => Status::Met,
        other => other,
    }
}

/// A `clause X` requirement: met when X is met or does not apply. Returns
/// the requirement's status and X's own.
fn referenced(c: ClauseIdx, states: &[State]) -> (Status, Status) {
    let st = states
        .get(c.0 as usize)
        .map_or(Status::Unknown, |st| st.status);
    let requirement = if st == Status::NotApplicable {
        Status::Met
    } else {
        st
    };
    (requirement, st)
}

impl<'a> Context<'a> {
    fn new(book: &'a Rulebook, inventory: &'a Inventory, as_of: Date) -> Self {
        let mut by_type: Vec<(EvidenceTypeIdx, &EvidenceItem)> = inventory
            .evidence
            .iter()
            .filter_map(|e| Some((book.evidence_type_idx(&e.ty)?, e)))
            .collect();
        by_type.sort_by(|(t, a), (u, b)| t.cmp(u).then_with(|| a.id.cmp(&b.id)));
        Context {
            book,
            by_type,
            as_of,
        }
    }

    /// The status of a rule, without building explanations (the fixpoint's
    /// inner loop).
    fn status(&self, e: &Rule, states: &[State]) -> Status {
        match e {
            Rule::All(list) => combine_all(list.iter().map(|x| self.status(x, states))),
            Rule::Any(list) => combine_any(list.iter().map(|x| self.status(x, states))),
            Rule::AtLeast { n, of } => {
                combine_at_least(*n, of.iter().map(|x| self.status(x, states))).0
            }
            Rule::Not(inner) => negate(self.status(inner, states)),
            Rule::Evidence(req) => {
                let needed = req.count;
                let mut found = 0u64;
                for (_, verdict) in self.items(req) {
                    if matches!(verdict, Verdict::Counts) {
                        found += 1;
                        if found >= needed {
                            return Status::Met;
                        }
                    }
                }
                if found > 0 {
                    Status::Partial
                } else {
                    Status::NotMet
                }
            }
            Rule::Clause(c) => referenced(*c, states).0,
            Rule::UnknownClause(_) | Rule::Attested => Status::Unknown,
        }
    }

    /// The items of a requirement's type, each with its verdict.
    fn items<'r>(
        &'r self,
        req: &'r EvidenceRule,
    ) -> impl Iterator<Item = (&'a EvidenceItem, Verdict)> + 'r {
        let (valid, items) = match req.ty {
            Some(ty) => {
                let start = self.by_type.partition_point(|(t, _)| *t < ty);
                let rest = self.by_type.get(start..).unwrap_or(&[]);
                let end = rest.partition_point(|(t, _)| *t == ty);
                (
                    self.book
                        .evidence_types
                        .get(ty.0 as usize)
                        .and_then(|t| t.valid),
                    rest.get(..end).unwrap_or(&[]),
                )
            }
            None => (None, &[][..]),
        };
        let within = req.within;
        items
            .iter()
            .map(move |(_, item)| (*item, self.judge(item, req, valid, within)))
    }

    fn judge(
        &self,
        item: &EvidenceItem,
        req: &EvidenceRule,
        valid: Option<crate::date::Duration>,
        within: Option<crate::date::Duration>,
    ) -> Verdict {
        if let Some(d) = item.date {
            if d > self.as_of {
                return Verdict::Future(d);
            }
        }
        let until = item
            .expires
            .or_else(|| valid.and_then(|v| item.date.map(|d| d.plus(v))));
        if let Some(u) = until {
            if u <= self.as_of {
                return Verdict::Expired(u);
            }
        }
        // Same convention as validity: an item counts while
        // as_of < date + window.
        if let Some(window) = within {
            match item.date {
                Some(date) if date.plus(window) > self.as_of => {}
                Some(date) => return Verdict::TooOld(date),
                None => return Verdict::NoDate,
            }
        }
        if let Some(cond) = &req.where_ {
            if eval_cond(cond, &|f| field_of(item, f)) != Some(true) {
                return Verdict::NoMatch;
            }
        }
        Verdict::Counts
    }

    /// The status of a rule with the evidence used and, indented by depth,
    /// what is missing.
    fn eval(&self, e: &Rule, states: &[State], depth: usize) -> Outcome {
        let indent = "  ".repeat(depth);
        match e {
            Rule::All(list) => {
                let outs: Vec<Outcome> = list
                    .iter()
                    .map(|x| self.eval(x, states, depth + 1))
                    .collect();
                let st = combine_all(outs.iter().map(|o| o.status));
                group(st, outs, format!("{indent}all of:"))
            }
            Rule::Any(list) => {
                let outs: Vec<Outcome> = list
                    .iter()
                    .map(|x| self.eval(x, states, depth + 1))
                    .collect();
                let st = combine_any(outs.iter().map(|o| o.status));
                group(st, outs, format!("{indent}any of:"))
            }
            Rule::AtLeast { n, of } => {
                let outs: Vec<Outcome> =
                    of.iter().map(|x| self.eval(x, states, depth + 1)).collect();
                let (st, met) = combine_at_least(*n, outs.iter().map(|o| o.status));
                group(st, outs, format!("{indent}at least {n} of ({met} met):"))
            }
            Rule::Not(inner) => {
                let o = self.eval(inner, states, depth + 1);
                let st = negate(o.status);
                let missing = if st == Status::Met {
                    Vec::new()
                } else {
                    let what = if o.evidence.is_empty() {
                        String::new()
                    } else {
                        format!(" (evidence {})", o.evidence.join(", "))
                    };
                    vec![format!("{indent}not: its negation holds{what}")]
                };
                Outcome {
                    status: st,
                    evidence: Vec::new(),
                    missing,
                }
            }
            Rule::Evidence(req) => self.evidence(req, &indent),
            Rule::Clause(c) => {
                let (st, raw) = referenced(*c, states);
                Outcome {
                    status: st,
                    evidence: Vec::new(),
                    missing: if st == Status::Met {
                        Vec::new()
                    } else {
                        vec![format!("{indent}clause `{}` is {raw}", self.book.key(*c))]
                    },
                }
            }
            Rule::UnknownClause(key) => Outcome {
                status: Status::Unknown,
                evidence: Vec::new(),
                missing: vec![format!("{indent}clause `{key}` is unknown")],
            },
            Rule::Attested => Outcome {
                status: Status::Unknown,
                evidence: Vec::new(),
                missing: vec![format!(
                    "{indent}an auditor's assessment (the rule says `attested`)"
                )],
            },
        }
    }

    fn evidence(&self, req: &EvidenceRule, indent: &str) -> Outcome {
        let needed = req.count;
        let mut used = Vec::new();
        let mut rejected = Vec::new();
        for (item, verdict) in self.items(req) {
            let id = &item.id;
            match verdict {
                Verdict::Counts => used.push(id.clone()),
                Verdict::Future(d) => {
                    rejected.push(format!("{id} is dated {d}, after {}", self.as_of));
                }
                Verdict::Expired(u) => rejected.push(format!("{id} expired {u}")),
                Verdict::TooOld(d) => rejected.push(format!(
                    "{id} is dated {d}, older than {}",
                    req.within.map(|w| w.to_string()).unwrap_or_default()
                )),
                Verdict::NoDate => rejected.push(format!("{id} has no date")),
                Verdict::NoMatch => {
                    rejected.push(format!("{id} does not match `{}`", req.where_text));
                }
            }
        }
        let found = used.len() as u64;
        let status = if found >= needed {
            Status::Met
        } else if found > 0 {
            Status::Partial
        } else {
            Status::NotMet
        };
        let mut missing = Vec::new();
        if status != Status::Met {
            let mut text = format!("{indent}{}", req.text);
            if needed > 1 {
                text.push_str(&format!(": {found} of {needed} counted"));
            } else if rejected.is_empty() {
                text.push_str(": none on file");
            } else {
                text.push_str(": none that counts");
            }
            if !rejected.is_empty() {
                text.push_str(&format!(" ({})", rejected.join("; ")));
            }
            missing.push(text);
        }
        Outcome {
            status,
            evidence: if status == Status::NotMet {
                Vec::new()
            } else {
                used
            },
            missing,
        }
    }
}

/// Combines child outcomes under a heading line.
fn group(status: Status, outs: Vec<Outcome>, heading: String) -> Outcome {
    let mut evidence: Vec<String> = outs
        .iter()
        .flat_map(|o| o.evidence.iter().cloned())
        .collect();
    evidence.sort();
    evidence.dedup();
    let missing = if status == Status::Met {
        Vec::new()
    } else {
        std::iter::once(heading)
            .chain(
                outs.into_iter()
                    .filter(|o| o.status != Status::Met)
                    .flat_map(|o| o.missing),
            )
            .collect()
    };
    Outcome {
        status,
        evidence: if status == Status::NotMet {
            Vec::new()
        } else {
            evidence
        },
        missing,
    }
}

fn field_of(item: &EvidenceItem, field: &Field) -> Option<Fact> {
    match field {
        Field::Date => item.date.map(Fact::Date),
        Field::Expires => item.expires.map(Fact::Date),
        Field::Named(name) => item.fields.get(&**name).cloned(),
    }
}

/// Three-valued evaluation: `None` when a fact it needs is missing.
fn eval_cond(cond: &Condition, get: &dyn Fn(&Field) -> Option<Fact>) -> Option<bool> {
    match cond {
        Condition::Or(parts) => {
            let vals: Vec<Option<bool>> = parts.iter().map(|p| eval_cond(p, get)).collect();
            if vals.contains(&Some(true)) {
                Some(true)
            } else if vals.contains(&None) {
                None
            } else {
                Some(false)
            }
        }
        Condition::And(parts) => {
            let vals: Vec<Option<bool>> = parts.iter().map(|p| eval_cond(p, get)).collect();
            if vals.contains(&Some(false)) {
                Some(false)
            } else if vals.contains(&None) {
                None
            } else {
                Some(true)
            }
        }
        Condition::Not(inner) => eval_cond(inner, get).map(|b| !b),
        Condition::Compare { field, op, value } => {
            let fact = get(field)?;
            Some(match op {
                Comparison::Eq => equal(&fact, value),
                Comparison::Ne => !equal(&fact, value),
                _ => {
                    let ord = order(&fact, value)?;
                    match op {
                        Comparison::Lt => ord.is_lt(),
                        Comparison::Le => ord.is_le(),
                        Comparison::Gt => ord.is_gt(),
                        _ => ord.is_ge(),
                    }
                }
            })
        }
        Condition::In { field, values } => {
            let fact = get(field)?;
            Some(values.iter().any(|v| equal(&fact, v)))
        }
        Condition::Contains { field, value } => {
            let fact = get(field)?;
            Some(match (&fact, value) {
                (Fact::List(items), _) => items.iter().any(|i| equal(i, value)),
                (Fact::Text(s), Value::Text(sub)) => s.contains(sub.as_str()),
                _ => false,
            })
        }
    }
}

fn equal(fact: &Fact, value: &Value) -> bool {
    match (fact, value) {
        (Fact::Text(a), Value::Text(b)) => a == b,
        (Fact::Number(a), Value::Number(b)) => a == b,
        (Fact::Date(a), Value::Date(b)) => a == b,
        // A date-shaped text in a profile compares with a date literal.
        (Fact::Date(a), Value::Text(b)) => a.to_string() == *b,
        (Fact::Bool(a), Value::Bool(b)) => a == b,
        (Fact::List(a), Value::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
        }
        _ => false,
    }
}

fn order(fact: &Fact, value: &Value) -> Option<std::cmp::Ordering> {
    match (fact, value) {
        (Fact::Number(a), Value::Number(b)) => a.partial_cmp(b),
        (Fact::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        _ => None,
    }
}
