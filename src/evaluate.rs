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

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::date::Date;
use crate::inventory::{EvidenceItem, Fact, Inventory};
use crate::mapper::{ClauseIdx, Relation};
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
    /// Clauses entailed to overlap each clause without containing it.
    overlaps: Vec<Vec<ClauseIdx>>,
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

#[derive(Debug, Clone)]
struct State {
    status: Status,
    basis: Basis,
    evidence: Vec<String>,
    via: Option<ClauseIdx>,
    missing: Vec<String>,
    /// The not-met finding that capped this clause, with the would-be basis.
    capped: Option<(ClauseIdx, Basis, Option<ClauseIdx>)>,
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
        let within = crate::mapper::RelationSet::single(Relation::Equals).with(Relation::SubsetOf);
        let mut supersets = Vec::with_capacity(n);
        let mut overlaps = Vec::with_capacity(n);
        for i in 0..n {
            let c = ClauseIdx(u32::try_from(i).unwrap_or(u32::MAX));
            let mut sup = Vec::new();
            let mut over = Vec::new();
            for (b, answer) in book.network.related(c) {
                if answer.relations.is_empty() {
                    continue;
                }
                if answer.relations.is_subset(within) {
                    sup.push(b);
                } else if !answer.relations.contains(Relation::Disjoint) {
                    over.push(b);
                }
            }
            supersets.push(sup);
            overlaps.push(over);
        }
        Evaluator {
            book,
            post_order,
            supersets,
            overlaps,
            layout,
        }
    }

    /// Evaluates one inventory as of `as_of`.
    pub fn evaluate(&self, inventory: &Inventory, as_of: Date) -> Report {
        let book = self.book;
        let n = book.clauses.len();
        let ctx = Context::new(book, inventory, as_of);

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
        let mut assessed: HashMap<ClauseIdx, (Status, Option<String>)> = HashMap::new();
        for a in &inventory.assessments {
            assessed.insert(a.clause, (a.status, a.by.clone()));
        }
        // Clauses containing a clause found not met may not be met.
        let mut cap: Vec<Option<ClauseIdx>> = vec![None; n];
        let mut findings: Vec<ClauseIdx> = assessed
            .iter()
            .filter(|(_, (s, _))| *s == Status::NotMet)
            .map(|(c, _)| *c)
            .collect();
        findings.sort_unstable();
        for x in &findings {
            for y in self.supersets.get(x.0 as usize).into_iter().flatten() {
                if let Some(slot) = cap.get_mut(y.0 as usize) {
                    if slot.is_none() {
                        *slot = Some(*x);
                    }
                }
            }
        }

        let mut state: Vec<State> = (0..n)
            .map(|_| State {
                status: Status::Unknown,
                basis: Basis::None,
                evidence: Vec::new(),
                via: None,
                missing: Vec::new(),
                capped: None,
            })
            .collect();
        // INVARIANT: each round either raises some rank or ends the loop;
        // ranks are bounded, so at most 2n + 1 rounds run.
        for _round in 0..=(2 * n + 1) {
            let mut raised = false;
            for &c in &self.post_order {
                let i = c.0 as usize;
                let Some(clause) = book.clause(c) else {
                    continue;
                };
                let old_rank = state.get(i).map_or(0, |s| rank(s.status));
                let mut next = if !applicable.get(i).copied().unwrap_or(true) {
                    State {
                        status: Status::NotApplicable,
                        basis: Basis::None,
                        evidence: Vec::new(),
                        via: None,
                        missing: Vec::new(),
                        capped: None,
                    }
                } else if let Some((status, _)) = assessed.get(&c) {
                    State {
                        status: *status,
                        basis: Basis::Assessment,
                        evidence: Vec::new(),
                        via: None,
                        missing: if *status == Status::Met {
                            Vec::new()
                        } else {
                            vec![format!("an auditor found it {status}")]
                        },
                        capped: None,
                    }
                } else if let Some(expr) = &clause.requires {
                    let out = ctx.eval(expr, &state, 0);
                    State {
                        status: out.status,
                        basis: Basis::Evidence,
                        evidence: out.evidence,
                        via: None,
                        missing: if out.status == Status::Met {
                            Vec::new()
                        } else {
                            out.missing
                        },
                        capped: None,
                    }
                } else if !clause.children.is_empty() {
                    aggregate(book, clause, &state, &applicable)
                } else {
                    State {
                        status: Status::Unknown,
                        basis: Basis::None,
                        evidence: Vec::new(),
                        via: None,
                        missing: vec![
                            "no rule: only an assessment or a mapping can decide it".into()
                        ],
                        capped: None,
                    }
                };
                // Carry-over, never over an assessment or inapplicability.
                if next.basis != Basis::Assessment
                    && next.status != Status::NotApplicable
                    && next.status != Status::Met
                {
                    // Sources are clauses met on their own basis: a clause met by
                    // mapping from Z has Z among these candidates too (⊆ and
                    // overlap compose with ⊆), so nothing is lost, and `via`
                    // never points at a clause that is itself carried.
                    let source = |candidates: Option<&Vec<ClauseIdx>>| {
                        candidates
                            .into_iter()
                            .flatten()
                            .filter_map(|x| {
                                let s = state.get(x.0 as usize)?;
                                let priority = match (s.status, s.basis) {
                                    (Status::Met, Basis::Assessment | Basis::Evidence) => 0,
                                    (Status::Met, Basis::SubClauses) => 1,
                                    _ => return None,
                                };
                                Some((priority, *x))
                            })
                            .min()
                            .map(|(_, x)| x)
                    };
                    if let Some(x) = source(self.supersets.get(i)) {
                        next.status = Status::Met;
                        next.basis = Basis::Mapping;
                        next.via = Some(x);
                        next.evidence = Vec::new();
                        next.missing = Vec::new();
                    } else if rank(next.status) < 1 {
                        if let Some(x) = source(self.overlaps.get(i)) {
                            next.status = Status::Partial;
                            next.basis = Basis::Mapping;
                            next.via = Some(x);
                        }
                    }
                }
                if next.status == Status::Met {
                    if let Some(x) = cap.get(i).copied().flatten() {
                        next.capped = Some((x, next.basis, next.via));
                        next.status = Status::Partial;
                        next.missing = vec![format!(
                            "an auditor found `{}` not met, and it is within this clause",
                            book.key(x)
                        )];
                    }
                }
                let Some(slot) = state.get_mut(i) else {
                    continue;
                };
                let new_rank = rank(next.status);
                if new_rank > old_rank {
                    raised = true;
                }
                // A carry keeps the source it was first justified by, so the
                // chain of `via` always leads back to an own basis.
                let keep_carry = new_rank == old_rank
                    && slot.basis == Basis::Mapping
                    && next.basis == Basis::Mapping;
                if new_rank >= old_rank && !keep_carry {
                    *slot = next;
                }
            }
            if !raised {
                break;
            }
        }
        self.report(inventory, as_of, &state, &assessed)
    }

    fn report(
        &self,
        inventory: &Inventory,
        as_of: Date,
        state: &[State],
        assessed: &HashMap<ClauseIdx, (Status, Option<String>)>,
    ) -> Report {
        let book = self.book;
        let mut summary = Vec::new();
        let mut clauses = Vec::new();
        let mut contradictions = Vec::new();
        for (r, order) in &self.layout {
            let mut s = Summary {
                referential: r.clone(),
                ..Summary::default()
            };
            for &c in order {
                let Some(st) = state.get(c.0 as usize) else {
                    continue;
                };
                let Some(clause) = book.clause(c) else {
                    continue;
                };
                match st.status {
                    Status::Met => s.met += 1,
                    Status::Partial => s.partial += 1,
                    Status::NotMet => s.not_met += 1,
                    Status::NotApplicable => s.not_applicable += 1,
                    Status::Unknown => s.unknown += 1,
                }
                let steps = match (st.basis, st.via) {
                    (Basis::Mapping, Some(x)) => book
                        .network
                        .entails_subset(c, x)
                        .or_else(|| book.network.entails_overlap(c, x))
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                let mut missing = st.missing.clone();
                // Its own ancestors are left out: they are met through it, not for it.
                let carriers: Vec<String> = if st.status == Status::Met {
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
                if st.status != Status::Met
                    && st.status != Status::NotApplicable
                    && !carriers.is_empty()
                    && st.capped.is_none()
                {
                    missing.push(format!(
                        "or any of these met, carried by mapping: {}",
                        carriers.join(", ")
                    ));
                }
                clauses.push(ClauseResult {
                    clause: clause.key.clone(),
                    title: clause.title.clone(),
                    status: st.status,
                    basis: st.basis,
                    evidence: st.evidence.clone(),
                    via: st.via.map(|x| book.key(x).to_string()),
                    proof: proof(book, &steps),
                    missing,
                    assessed_by: if st.basis == Basis::Assessment {
                        assessed.get(&c).and_then(|(_, by)| by.clone())
                    } else {
                        None
                    },
                    carriers,
                });
                if let Some((x, basis, via)) = st.capped {
                    let by = assessed.get(&x).and_then(|(_, by)| by.clone());
                    let steps = book.network.entails_subset(x, c).unwrap_or_default();
                    let why = match (basis, via) {
                        (Basis::Mapping, Some(v)) => {
                            format!("carried from `{}` by mapping", book.key(v))
                        }
                        (Basis::Assessment, _) => "assessed met".to_string(),
                        (Basis::SubClauses, _) => "met by its sub-clauses".to_string(),
                        _ => "met by its own evidence".to_string(),
                    };
                    contradictions.push(Contradiction {
                        assessment: AssessmentRef {
                            clause: book.key(x).to_string(),
                            status: Status::NotMet,
                            by,
                        },
                        clause: clause.key.clone(),
                        basis,
                        via: via.map(|v| book.key(v).to_string()),
                        proof: proof(book, &steps),
                        message: format!(
                            "`{}` would be met ({why}), but it contains `{}`, which an auditor found not met: a mapping or an assessment is wrong",
                            clause.key,
                            book.key(x)
                        ),
                    });
                }
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

fn aggregate(
    book: &Rulebook,
    clause: &crate::model::Clause,
    state: &[State],
    applicable: &[bool],
) -> State {
    let kids: Vec<ClauseIdx> = clause
        .children
        .iter()
        .copied()
        .filter(|k| applicable.get(k.0 as usize).copied().unwrap_or(true))
        .collect();
    let status_of = |k: &ClauseIdx| {
        state
            .get(k.0 as usize)
            .map_or(Status::Unknown, |s| s.status)
    };
    let (status, missing) = if kids.is_empty() {
        (Status::NotApplicable, Vec::new())
    } else if kids.iter().all(|k| status_of(k) == Status::Met) {
        (Status::Met, Vec::new())
    } else {
        let missing = kids
            .iter()
            .filter(|k| status_of(k) != Status::Met)
            .map(|k| format!("sub-clause `{}` is {}", book.key(*k), status_of(k)))
            .collect();
        if kids.iter().any(|k| rank(status_of(k)) > 0) {
            (Status::Partial, missing)
        } else {
            (Status::Unknown, missing)
        }
    };
    State {
        status,
        basis: Basis::SubClauses,
        evidence: Vec::new(),
        via: None,
        missing,
        capped: None,
    }
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

    fn eval(&self, e: &Expr, state: &[State], depth: usize) -> Outcome {
        let indent = "  ".repeat(depth);
        match &e.kind {
            ExprKind::All(list) => {
                let outs: Vec<Outcome> = list
                    .iter()
                    .map(|x| self.eval(x, state, depth + 1))
                    .collect();
                let status = if outs.iter().all(|o| o.status == Status::Met) {
                    Status::Met
                } else if outs.iter().any(|o| rank(o.status) > 0) {
                    Status::Partial
                } else if outs.iter().any(|o| o.status == Status::Unknown) {
                    Status::Unknown
                } else {
                    Status::NotMet
                };
                group(status, outs, format!("{indent}all of:"))
            }
            ExprKind::Any(list) => {
                let outs: Vec<Outcome> = list
                    .iter()
                    .map(|x| self.eval(x, state, depth + 1))
                    .collect();
                let status = best(&outs);
                group(status, outs, format!("{indent}any of:"))
            }
            ExprKind::AtLeast { n, of, .. } => {
                let outs: Vec<Outcome> =
                    of.iter().map(|x| self.eval(x, state, depth + 1)).collect();
                let met = outs.iter().filter(|o| o.status == Status::Met).count() as u64;
                let status = if met >= *n {
                    Status::Met
                } else if outs.iter().any(|o| rank(o.status) > 0) {
                    Status::Partial
                } else if outs.iter().any(|o| o.status == Status::Unknown) {
                    Status::Unknown
                } else {
                    Status::NotMet
                };
                group(
                    status,
                    outs,
                    format!("{indent}at least {n} of ({met} met):"),
                )
            }
            ExprKind::Not(inner) => {
                let o = self.eval(inner, state, depth + 1);
                let status = match o.status {
                    Status::Met => Status::NotMet,
                    Status::NotMet => Status::Met,
                    other => other,
                };
                let missing = if status == Status::Met {
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
                    status,
                    evidence: Vec::new(),
                    missing,
                }
            }
            ExprKind::Evidence(req) => self.evidence(req, &indent),
            ExprKind::Clause(r) => {
                let idx = self.book.clause_by_key(&r.to_string());
                let st = idx
                    .and_then(|c| state.get(c.0 as usize))
                    .map_or(Status::Unknown, |s| s.status);
                let status = if st == Status::NotApplicable {
                    Status::Met
                } else {
                    st
                };
                Outcome {
                    status,
                    evidence: Vec::new(),
                    missing: if status == Status::Met {
                        Vec::new()
                    } else {
                        vec![format!("{indent}clause `{r}` is {st}")]
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
        let ty = req.ty.text.as_str();
        let valid = self.book.evidence_type(ty).and_then(|t| t.valid);
        let needed = req.count.map_or(1, |(n, _)| n);
        let oldest = req.within.map(|(d, _)| self.as_of.minus(d));
        let mut used = Vec::new();
        let mut rejected = Vec::new();
        for item in self.by_type.get(ty).into_iter().flatten() {
            if let Some(d) = item.date {
                if d > self.as_of {
                    rejected.push(format!("{} is dated {d}, after {}", item.id, self.as_of));
                    continue;
                }
            }
            let until = item
                .expires
                .or_else(|| valid.and_then(|v| item.date.map(|d| d.plus(v))));
            if let Some(u) = until {
                if u <= self.as_of {
                    rejected.push(format!("{} expired {u}", item.id));
                    continue;
                }
            }
            if let (Some(limit), Some((d, _))) = (oldest, req.within) {
                match item.date {
                    Some(date) if date >= limit => {}
                    Some(date) => {
                        rejected.push(format!("{} is dated {date}, older than {d}", item.id));
                        continue;
                    }
                    None => {
                        rejected.push(format!("{} has no date", item.id));
                        continue;
                    }
                }
            }
            if let Some(cond) = &req.where_ {
                let get = |f: &str| field_of(item, f);
                if eval_cond(cond, &get) != Some(true) {
                    rejected.push(format!("{} does not match `{}`", item.id, cond_text(cond)));
                    continue;
                }
            }
            used.push(item.id.clone());
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

fn best(outs: &[Outcome]) -> Status {
    if outs.iter().any(|o| o.status == Status::Met) {
        Status::Met
    } else if outs.iter().any(|o| o.status == Status::Partial) {
        Status::Partial
    } else if outs.iter().any(|o| o.status == Status::Unknown) {
        Status::Unknown
    } else {
        Status::NotMet
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
