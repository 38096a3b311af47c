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
//! entailed supersets and overlaps of each clause), so evaluating many
//! inventories against one rulebook pays for it once.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::date::Date;
use crate::inventory::{EvidenceItem, Fact, Inventory};
use crate::mapper::ClauseIdx;
use crate::model::Rulebook;
use crate::query::{proof, ProofStep};
use crate::syntax::ast::{
    CmpOp, Cond, CondKind, EvidenceRequirement, Expr, ExprKind, Status, Value, ValueKind,
};
use crate::syntax::format::cond_text;

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
    /// Entailed strict supersets of each clause (A ⊆ B, B ≠ A).
    supersets: Vec<Vec<ClauseIdx>>,
    /// For each X, the clauses having X among their supersets (where X's
    /// being met carries `met`).
    carried_met_to: Vec<Vec<ClauseIdx>>,
    /// For each X, the clauses having X among their overlaps (where X's
    /// being met carries `partial`).
    carried_partial_to: Vec<Vec<ClauseIdx>>,
    /// For each X, the clauses whose `requires` names `clause X`.
    referenced_by: Vec<Vec<ClauseIdx>>,
    /// Referentials sorted by id, each with its clauses in tree order.
    layout: Vec<(String, Vec<ClauseIdx>)>,
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Met => 2,
        Status::Partial => 1,
        Status::NotMet | Status::Unknown | Status::NotApplicable => 0,
    }
}

/// Sentinel for "no clause" in the compact `via` column.
const NO_CLAUSE: u32 = u32::MAX;

/// The not-met finding that capped a clause, with what would have met it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cap {
    finding: ClauseIdx,
    basis: Basis,
    via: u32,
}

/// Statuses of every clause, in compact columns (no strings): what the
/// fixpoint computes. Details (evidence ids, missing parts, proofs) are
/// derived afterwards, only for the clauses reported.
struct Solution {
    status: Vec<Status>,
    basis: Vec<Basis>,
    via: Vec<u32>,
    capped: Vec<Option<Cap>>,
    /// Best clause met on its own basis among each clause's entailed
    /// supersets, as (priority, index): assessment/evidence before
    /// sub-clauses, then lowest index. Pushed by the sources themselves.
    met_source: Vec<Option<(u8, u32)>>,
    /// The same among each clause's entailed overlaps.
    partial_source: Vec<Option<(u8, u32)>>,
}

/// Per-inventory facts the fixpoint reads.
struct Facts<'a> {
    ctx: Context<'a>,
    applicable: Vec<bool>,
    /// Each clause's assessment, if any (one per clause: the loader refuses two).
    assessed: Vec<Option<&'a crate::inventory::Assessment>>,
    cap: Vec<Option<ClauseIdx>>,
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
        let mut supersets = Vec::with_capacity(n);
        let mut carried_met_to = vec![Vec::new(); n];
        let mut carried_partial_to = vec![Vec::new(); n];
        let mut referenced_by = vec![Vec::new(); n];
        let carry_sets = book.network.all_supersets_and_overlaps();
        for (i, (sup, over)) in carry_sets.into_iter().enumerate() {
            let c = ClauseIdx(u32::try_from(i).unwrap_or(u32::MAX));
            for &b in &sup {
                if let Some(list) = carried_met_to.get_mut(b.0 as usize) {
                    list.push(c);
                }
            }
            for &b in &over {
                if let Some(list) = carried_partial_to.get_mut(b.0 as usize) {
                    list.push(c);
                }
            }
            supersets.push(sup);
            if let Some(expr) = book.clauses.get(i).and_then(|k| k.requires.as_ref()) {
                let mut named = Vec::new();
                clause_refs(book, expr, &mut named);
                for x in named {
                    if let Some(list) = referenced_by.get_mut(x.0 as usize) {
                        if !list.contains(&c) {
                            list.push(c);
                        }
                    }
                }
            }
        }
        Evaluator {
            book,
            post_order,
            supersets,
            carried_met_to,
            carried_partial_to,
            referenced_by,
            layout,
        }
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
        let facts = self.facts(inventory, as_of);
        let solution = self.solve(&facts);
        self.report(inventory, as_of, &facts, &solution, detail)
    }

    fn facts<'a>(&self, inventory: &'a Inventory, as_of: Date) -> Facts<'a>
    where
        'b: 'a,
    {
        let book = self.book;
        let n = book.clauses.len();
        // Applicability, top-down (a sub-clause of an inapplicable clause is inapplicable).
        let mut applicable = vec![true; n];
        for &c in self.post_order.iter().rev() {
            let Some(clause) = book.clause(c) else {
                continue;
            };
            let parent_ok = clause
                .parent
                .is_none_or(|p| applicable.get(p.0 as usize).copied().unwrap_or(true));
            let own = clause.applies.as_ref().is_none_or(|cond| {
                eval_cond(cond, &|f| inventory.profile.get(f).cloned()) != Some(false)
            });
            if let Some(a) = applicable.get_mut(c.0 as usize) {
                *a = parent_ok && own;
            }
        }
        let mut assessed: Vec<Option<&crate::inventory::Assessment>> = vec![None; n];
        for a in &inventory.assessments {
            if let Some(slot) = assessed.get_mut(a.clause.0 as usize) {
                *slot = Some(a);
            }
        }
        // Clauses containing a clause found not met may not be met; the
        // finding reported is the first by clause key, whatever the order
        // of files.
        let mut findings: Vec<ClauseIdx> = assessed
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_some_and(|a| a.status == Status::NotMet))
            .map(|(x, _)| ClauseIdx(u32::try_from(x).unwrap_or(u32::MAX)))
            .collect();
        findings.sort_by(|a, b| book.key(*a).cmp(book.key(*b)));
        let mut cap: Vec<Option<ClauseIdx>> = vec![None; n];
        for x in findings {
            for y in self.supersets.get(x.0 as usize).into_iter().flatten() {
                if let Some(slot) = cap.get_mut(y.0 as usize) {
                    if slot.is_none() {
                        *slot = Some(x);
                    }
                }
            }
        }
        Facts {
            ctx: Context::new(book, inventory, as_of),
            applicable,
            assessed,
            cap,
        }
    }

    /// The least fixpoint, by a worklist: a clause is recomputed when
    /// something it reads changes (a sub-clause, a clause its rule names, a
    /// clause that carries to it).
    fn solve(&self, facts: &Facts<'_>) -> Solution {
        let n = self.book.clauses.len();
        let mut sol = Solution {
            status: vec![Status::Unknown; n],
            basis: vec![Basis::None; n],
            via: vec![NO_CLAUSE; n],
            capped: vec![None; n],
            met_source: vec![None; n],
            partial_source: vec![None; n],
        };
        let mut queued = vec![true; n];
        let mut visited = vec![false; n];
        // INVARIANT: a clause's rank only rises, and its status changes at an
        // equal rank at most twice before it first rises, so the loop ends.
        let mut sideways = vec![0u8; n];
        // The queue is every clause in post-order, then the clauses woken
        // again, in the order woken.
        let mut initial = self.post_order.iter().copied();
        let mut queue: std::collections::VecDeque<ClauseIdx> = std::collections::VecDeque::new();
        while let Some(c) = initial.next().or_else(|| queue.pop_front()) {
            let i = c.0 as usize;
            if let Some(q) = queued.get_mut(i) {
                *q = false;
            }
            let (status, basis, via, capped) = self.step(c, facts, &sol);
            let old_status = sol.status.get(i).copied().unwrap_or(Status::Unknown);
            let old_basis = sol.basis.get(i).copied().unwrap_or(Basis::None);
            let first = !visited.get(i).copied().unwrap_or(true);
            if let Some(v) = visited.get_mut(i) {
                *v = true;
            }
            let rose = rank(status) > rank(old_status);
            // Sources are only clauses met on their own basis, so a carried
            // clause may switch to a better source without any cycle: that
            // is not a change its dependents see.
            if !first && !rose && (status, basis) == (old_status, old_basis) {
                if basis == Basis::Mapping {
                    if let Some(x) = sol.via.get_mut(i) {
                        *x = via;
                    }
                }
                if let Some(x) = sol.capped.get_mut(i) {
                    *x = capped;
                }
                continue;
            }
            let same_rank_change = rank(status) == rank(old_status);
            let sideways_ok = sideways.get(i).is_some_and(|&k| k < 2);
            if !(first || rose || (same_rank_change && sideways_ok)) {
                continue;
            }
            if same_rank_change && !first && !rose {
                if let Some(k) = sideways.get_mut(i) {
                    *k += 1;
                }
            }
            let status_changed = status != old_status;
            let became_source = status == Status::Met
                && basis != Basis::Mapping
                && (old_status != Status::Met || old_basis == Basis::Mapping);
            if let Some(x) = sol.status.get_mut(i) {
                *x = status;
            }
            if let Some(x) = sol.basis.get_mut(i) {
                *x = basis;
            }
            if let Some(x) = sol.via.get_mut(i) {
                *x = via;
            }
            if let Some(x) = sol.capped.get_mut(i) {
                *x = capped;
            }
            let mut wake = |d: ClauseIdx, queue: &mut std::collections::VecDeque<ClauseIdx>| {
                if let Some(q) = queued.get_mut(d.0 as usize) {
                    if !*q {
                        *q = true;
                        queue.push_back(d);
                    }
                }
            };
            if status_changed || first {
                if let Some(p) = self.book.clause(c).and_then(|k| k.parent) {
                    wake(p, &mut queue);
                }
                for &d in self.referenced_by.get(i).into_iter().flatten() {
                    wake(d, &mut queue);
                }
            }
            if became_source {
                let priority = u8::from(basis == Basis::SubClauses);
                // A clause met by its sub-clauses is met through them: it
                // justifies nothing below itself.
                let below_self = |d: ClauseIdx| priority == 1 && is_ancestor(self.book, c, d);
                let better = |best: Option<(u8, u32)>| {
                    best.is_none_or(|(p, x)| {
                        (priority, self.book.key(c)) < (p, self.book.key(ClauseIdx(x)))
                    })
                };
                for (targets, column) in [
                    (&self.carried_met_to, &mut sol.met_source),
                    (&self.carried_partial_to, &mut sol.partial_source),
                ] {
                    for &d in targets.get(i).into_iter().flatten() {
                        if below_self(d) {
                            continue;
                        }
                        if let Some(best) = column.get_mut(d.0 as usize) {
                            if better(*best) {
                                *best = Some((priority, c.0));
                            }
                        }
                        wake(d, &mut queue);
                    }
                }
            }
        }
        sol
    }

    /// One clause's status from the current solution: own basis, then
    /// carry-over, then the cap of a not-met finding.
    fn step(
        &self,
        c: ClauseIdx,
        facts: &Facts<'_>,
        sol: &Solution,
    ) -> (Status, Basis, u32, Option<Cap>) {
        let i = c.0 as usize;
        let Some(clause) = self.book.clause(c) else {
            return (Status::Unknown, Basis::None, NO_CLAUSE, None);
        };
        if !facts.applicable.get(i).copied().unwrap_or(true) {
            return (Status::NotApplicable, Basis::None, NO_CLAUSE, None);
        }
        if let Some(status) = facts.assessed.get(i).copied().flatten().map(|a| a.status) {
            return self.capped(c, facts, (status, Basis::Assessment, NO_CLAUSE));
        }
        let (mut status, mut basis) = if let Some(expr) = &clause.requires {
            (facts.ctx.status(expr, &sol.status), Basis::Evidence)
        } else if !clause.children.is_empty() {
            (
                aggregate_status(clause, &sol.status, &facts.applicable),
                Basis::SubClauses,
            )
        } else {
            (Status::Unknown, Basis::None)
        };
        let mut via = NO_CLAUSE;
        if status != Status::Met && status != Status::NotApplicable {
            // Sources are clauses met on their own basis: a clause met by
            // mapping from Z has Z among these candidates too (⊆ and overlap
            // compose with ⊆), so nothing is lost, and `via` never points at
            // a clause that is itself carried.
            if let Some((_, x)) = sol.met_source.get(i).copied().flatten() {
                (status, basis, via) = (Status::Met, Basis::Mapping, x);
            } else if rank(status) < 1 {
                if let Some((_, x)) = sol.partial_source.get(i).copied().flatten() {
                    (status, basis, via) = (Status::Partial, Basis::Mapping, x);
                }
            }
        }
        self.capped(c, facts, (status, basis, via))
    }

    fn capped(
        &self,
        c: ClauseIdx,
        facts: &Facts<'_>,
        (status, basis, via): (Status, Basis, u32),
    ) -> (Status, Basis, u32, Option<Cap>) {
        if status == Status::Met {
            if let Some(finding) = facts.cap.get(c.0 as usize).copied().flatten() {
                return (
                    Status::Partial,
                    basis,
                    via,
                    Some(Cap {
                        finding,
                        basis,
                        via,
                    }),
                );
            }
        }
        (status, basis, via, None)
    }

    fn report(
        &self,
        inventory: &Inventory,
        as_of: Date,
        facts: &Facts<'_>,
        sol: &Solution,
        detail: Detail,
    ) -> Report {
        let book = self.book;
        let mut summary = Vec::new();
        let mut clauses = Vec::new();
        let mut contradictions = Vec::new();
        let clause_of = |x: u32| (x != NO_CLAUSE).then_some(ClauseIdx(x));
        for (r, order) in &self.layout {
            let mut s = Summary {
                referential: r.clone(),
                ..Summary::default()
            };
            for &c in order {
                let i = c.0 as usize;
                let (Some(&status), Some(&basis), Some(&via)) =
                    (sol.status.get(i), sol.basis.get(i), sol.via.get(i))
                else {
                    continue;
                };
                let Some(clause) = book.clause(c) else {
                    continue;
                };
                match status {
                    Status::Met => s.met += 1,
                    Status::Partial => s.partial += 1,
                    Status::NotMet => s.not_met += 1,
                    Status::NotApplicable => s.not_applicable += 1,
                    Status::Unknown => s.unknown += 1,
                }
                let capped = sol.capped.get(i).copied().flatten();
                if let Some(cap) = capped {
                    let by = facts
                        .assessed
                        .get(cap.finding.0 as usize)
                        .copied()
                        .flatten()
                        .and_then(|a| a.by.clone());
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
                            by,
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
                clauses.push(self.clause_result(
                    c,
                    clause,
                    status,
                    basis,
                    clause_of(via),
                    capped,
                    facts,
                    sol,
                ));
            }
            summary.push(s);
        }
        Report {
            site: inventory.site.clone(),
            as_of,
            summary,
            clauses,
            contradictions,
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one clause's columns of the solution, kept apart on purpose"
    )]
    fn clause_result(
        &self,
        c: ClauseIdx,
        clause: &crate::model::Clause,
        status: Status,
        basis: Basis,
        via: Option<ClauseIdx>,
        capped: Option<Cap>,
        facts: &Facts<'_>,
        sol: &Solution,
    ) -> ClauseResult {
        let book = self.book;
        let (evidence, mut missing) = match basis {
            _ if capped.is_some() => (
                match (&clause.requires, basis) {
                    (Some(expr), Basis::Evidence) => facts.ctx.eval(expr, &sol.status, 0).evidence,
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
                    let out = facts.ctx.eval(expr, &sol.status, 0);
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
                aggregate_missing(book, clause, &sol.status, &facts.applicable),
            ),
            Basis::Mapping if status == Status::Met => (Vec::new(), Vec::new()),
            // A partial carry still shows what the clause's own basis misses.
            Basis::Mapping => match &clause.requires {
                Some(expr) => (Vec::new(), facts.ctx.eval(expr, &sol.status, 0).missing),
                None if !clause.children.is_empty() => (
                    Vec::new(),
                    aggregate_missing(book, clause, &sol.status, &facts.applicable),
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
            self.supersets
                .get(c.0 as usize)
                .into_iter()
                .flatten()
                .filter(|x| !is_ancestor(book, **x, c))
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
                facts
                    .assessed
                    .get(c.0 as usize)
                    .copied()
                    .flatten()
                    .and_then(|a| a.by.clone())
            } else {
                None
            },
            carriers,
        }
    }
}

/// The clauses a rule names with `clause X`.
fn clause_refs(book: &Rulebook, e: &Expr, out: &mut Vec<ClauseIdx>) {
    match &e.kind {
        ExprKind::All(l) | ExprKind::Any(l) | ExprKind::AtLeast { of: l, .. } => {
            for x in l {
                clause_refs(book, x, out);
            }
        }
        ExprKind::Not(x) => clause_refs(book, x, out),
        ExprKind::Clause(r) => {
            if let Some(c) = book.clause_by_key(&r.to_string()) {
                out.push(c);
            }
        }
        ExprKind::Evidence(_) | ExprKind::Attested => {}
    }
}

/// Whether `a` is `c` or encloses it in its referential's tree.
fn is_ancestor(book: &Rulebook, a: ClauseIdx, c: ClauseIdx) -> bool {
    let mut cur = Some(c);
    while let Some(x) = cur {
        if x == a {
            return true;
        }
        cur = book.clause(x).and_then(|k| k.parent);
    }
    false
}

/// The applicable sub-clauses of a clause.
fn applicable_children<'c>(
    clause: &'c crate::model::Clause,
    applicable: &'c [bool],
) -> impl Iterator<Item = ClauseIdx> + 'c {
    clause
        .children
        .iter()
        .copied()
        .filter(|k| applicable.get(k.0 as usize).copied().unwrap_or(true))
}

/// Sub-clause aggregation: met when every applicable sub-clause is met,
/// partial when some is met or partial, else unknown; not applicable when
/// none applies.
fn aggregate_status(
    clause: &crate::model::Clause,
    status: &[Status],
    applicable: &[bool],
) -> Status {
    let mut any = false;
    let mut all_met = true;
    let mut some = false;
    for k in applicable_children(clause, applicable) {
        any = true;
        let s = status.get(k.0 as usize).copied().unwrap_or(Status::Unknown);
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

fn aggregate_missing(
    book: &Rulebook,
    clause: &crate::model::Clause,
    status: &[Status],
    applicable: &[bool],
) -> Vec<String> {
    applicable_children(clause, applicable)
        .filter_map(|k| {
            let s = status.get(k.0 as usize).copied().unwrap_or(Status::Unknown);
            (s != Status::Met).then(|| format!("sub-clause `{}` is {s}", book.key(k)))
        })
        .collect()
}

/// Evidence grouped by type, and the evaluation date.
struct Context<'a> {
    book: &'a Rulebook,
    by_type: BTreeMap<&'a str, Vec<&'a EvidenceItem>>,
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
fn referenced(
    book: &Rulebook,
    r: &crate::syntax::ast::ClauseRef,
    status: &[Status],
) -> (Status, Status) {
    let st = book
        .clause_by_key(&r.to_string())
        .and_then(|c| status.get(c.0 as usize).copied())
        .unwrap_or(Status::Unknown);
    let requirement = if st == Status::NotApplicable {
        Status::Met
    } else {
        st
    };
    (requirement, st)
}

impl<'a> Context<'a> {
    fn new(book: &'a Rulebook, inventory: &'a Inventory, as_of: Date) -> Self {
        let mut by_type: BTreeMap<&str, Vec<&EvidenceItem>> = BTreeMap::new();
        for e in &inventory.evidence {
            by_type.entry(e.ty.as_str()).or_default().push(e);
        }
        for items in by_type.values_mut() {
            items.sort_by(|a, b| a.id.cmp(&b.id));
        }
        Context {
            book,
            by_type,
            as_of,
        }
    }

    /// The status of a rule, without building explanations (the fixpoint's
    /// inner loop).
    fn status(&self, e: &Expr, status: &[Status]) -> Status {
        match &e.kind {
            ExprKind::All(list) => combine_all(list.iter().map(|x| self.status(x, status))),
            ExprKind::Any(list) => combine_any(list.iter().map(|x| self.status(x, status))),
            ExprKind::AtLeast { n, of, .. } => {
                combine_at_least(*n, of.iter().map(|x| self.status(x, status))).0
            }
            ExprKind::Not(inner) => negate(self.status(inner, status)),
            ExprKind::Evidence(req) => {
                let needed = req.count.map_or(1, |(n, _)| n);
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
            ExprKind::Clause(r) => referenced(self.book, r, status).0,
            ExprKind::Attested => Status::Unknown,
        }
    }

    /// The items of a requirement's type, each with its verdict.
    fn items<'r>(
        &'r self,
        req: &'r EvidenceRequirement,
    ) -> impl Iterator<Item = (&'a EvidenceItem, Verdict)> + 'r {
        let ty = req.ty.text.as_str();
        let valid = self.book.evidence_type(ty).and_then(|t| t.valid);
        let within = req.within.map(|(d, _)| d);
        self.by_type
            .get(ty)
            .into_iter()
            .flatten()
            .map(move |item| (*item, self.judge(item, req, valid, within)))
    }

    fn judge(
        &self,
        item: &EvidenceItem,
        req: &EvidenceRequirement,
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
    fn eval(&self, e: &Expr, status: &[Status], depth: usize) -> Outcome {
        let indent = "  ".repeat(depth);
        match &e.kind {
            ExprKind::All(list) => {
                let outs: Vec<Outcome> = list
                    .iter()
                    .map(|x| self.eval(x, status, depth + 1))
                    .collect();
                let st = combine_all(outs.iter().map(|o| o.status));
                group(st, outs, format!("{indent}all of:"))
            }
            ExprKind::Any(list) => {
                let outs: Vec<Outcome> = list
                    .iter()
                    .map(|x| self.eval(x, status, depth + 1))
                    .collect();
                let st = combine_any(outs.iter().map(|o| o.status));
                group(st, outs, format!("{indent}any of:"))
            }
            ExprKind::AtLeast { n, of, .. } => {
                let outs: Vec<Outcome> =
                    of.iter().map(|x| self.eval(x, status, depth + 1)).collect();
                let (st, met) = combine_at_least(*n, outs.iter().map(|o| o.status));
                group(st, outs, format!("{indent}at least {n} of ({met} met):"))
            }
            ExprKind::Not(inner) => {
                let o = self.eval(inner, status, depth + 1);
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
            ExprKind::Evidence(req) => self.evidence(req, &indent),
            ExprKind::Clause(r) => {
                let (st, raw) = referenced(self.book, r, status);
                Outcome {
                    status: st,
                    evidence: Vec::new(),
                    missing: if st == Status::Met {
                        Vec::new()
                    } else {
                        vec![format!("{indent}clause `{r}` is {raw}")]
                    },
                }
            }
            ExprKind::Attested => Outcome {
                status: Status::Unknown,
                evidence: Vec::new(),
                missing: vec![format!(
                    "{indent}an auditor's assessment (the rule says `attested`)"
                )],
            },
        }
    }

    fn evidence(&self, req: &EvidenceRequirement, indent: &str) -> Outcome {
        let needed = req.count.map_or(1, |(n, _)| n);
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
                    req.within.map(|(w, _)| w.to_string()).unwrap_or_default()
                )),
                Verdict::NoDate => rejected.push(format!("{id} has no date")),
                Verdict::NoMatch => rejected.push(format!(
                    "{id} does not match `{}`",
                    req.where_.as_ref().map(cond_text).unwrap_or_default()
                )),
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
            let mut text = format!("{indent}{}", requirement_text(req));
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

/// `evidence T where … within … count >= N` as written.
fn requirement_text(req: &EvidenceRequirement) -> String {
    let mut text = format!("evidence {}", req.ty.text);
    if let Some(c) = &req.where_ {
        text.push_str(&format!(" where {}", cond_text(c)));
    }
    if let Some((d, _)) = &req.within {
        text.push_str(&format!(" within {d}"));
    }
    if let Some((n, _)) = &req.count {
        text.push_str(&format!(" count >= {n}"));
    }
    text
}

fn field_of(item: &EvidenceItem, field: &str) -> Option<Fact> {
    match field {
        "date" => item.date.map(Fact::Date),
        "expires" => item.expires.map(Fact::Date),
        _ => item.fields.get(field).cloned(),
    }
}

/// Three-valued evaluation: `None` when a fact it needs is missing.
fn eval_cond(cond: &Cond, get: &dyn Fn(&str) -> Option<Fact>) -> Option<bool> {
    match &cond.kind {
        CondKind::Or(parts) => {
            let vals: Vec<Option<bool>> = parts.iter().map(|p| eval_cond(p, get)).collect();
            if vals.contains(&Some(true)) {
                Some(true)
            } else if vals.contains(&None) {
                None
            } else {
                Some(false)
            }
        }
        CondKind::And(parts) => {
            let vals: Vec<Option<bool>> = parts.iter().map(|p| eval_cond(p, get)).collect();
            if vals.contains(&Some(false)) {
                Some(false)
            } else if vals.contains(&None) {
                None
            } else {
                Some(true)
            }
        }
        CondKind::Not(inner) => eval_cond(inner, get).map(|b| !b),
        CondKind::Group(inner) => eval_cond(inner, get),
        CondKind::Compare { field, op, value } => {
            let fact = get(&field.text)?;
            Some(match op {
                CmpOp::Eq => equal(&fact, value),
                CmpOp::Ne => !equal(&fact, value),
                _ => {
                    let ord = order(&fact, value)?;
                    match op {
                        CmpOp::Lt => ord.is_lt(),
                        CmpOp::Le => ord.is_le(),
                        CmpOp::Gt => ord.is_gt(),
                        _ => ord.is_ge(),
                    }
                }
            })
        }
        CondKind::In { field, values } => {
            let fact = get(&field.text)?;
            Some(values.iter().any(|v| equal(&fact, v)))
        }
        CondKind::Contains { field, value } => {
            let fact = get(&field.text)?;
            Some(match (&fact, &value.kind) {
                (Fact::List(items), _) => items.iter().any(|i| equal(i, value)),
                (Fact::Text(s), ValueKind::Str(sub)) => s.contains(sub.as_str()),
                _ => false,
            })
        }
    }
}

fn equal(fact: &Fact, value: &Value) -> bool {
    match (fact, &value.kind) {
        (Fact::Text(a), ValueKind::Str(b)) => a == b,
        (Fact::Number(a), ValueKind::Number(b)) => a == b,
        (Fact::Date(a), ValueKind::Date(b)) => a == b,
        // A date-shaped text in a profile compares with a date literal.
        (Fact::Date(a), ValueKind::Str(b)) => a.to_string() == *b,
        (Fact::Bool(a), ValueKind::Bool(b)) => a == b,
        (Fact::List(a), ValueKind::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
        }
        _ => false,
    }
}

fn order(fact: &Fact, value: &Value) -> Option<std::cmp::Ordering> {
    match (fact, &value.kind) {
        (Fact::Number(a), ValueKind::Number(b)) => a.partial_cmp(b),
        (Fact::Date(a), ValueKind::Date(b)) => Some(a.cmp(b)),
        _ => None,
    }
}
