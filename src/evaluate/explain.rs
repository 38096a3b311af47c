//! The report of an evaluation: counts, each clause's line with its
//! evidence, proof and what is missing, and the contradictions.

use super::rules::Context;
use super::setup::{Evaluator, Id};
use super::solve::{applicable_children, Scratch};
use super::state::{Cap, State};
use super::{AssessmentRef, Basis, ClauseResult, Contradiction, Detail, Report, Summary};
use crate::date::Date;
use crate::inventory::Inventory;
use std::collections::HashSet;

use crate::mapper::{ClauseIdx, SHORT_PROOF};
use crate::model::{citation, proof, Rulebook};
use crate::vocab::Status;

impl<'b> Evaluator<'b> {
    pub(super) fn report(
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
        let mut pending = Vec::new();
        let mut listed = Vec::new();
        let clause_of = |x: Option<Id>| x.map(Id::clause);
        let assessor = |x: ClauseIdx| {
            s.state(x)
                .and_then(|st| st.assessed)
                .and_then(|k| inventory.assessments.get(k.index()))
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
                let (result, long) = self.clause_result(
                    c,
                    clause,
                    (st.status, st.basis, clause_of(st.via), capped),
                    ctx,
                    &s.states,
                    assessor(c),
                );
                if long {
                    if let Some(x) = clause_of(st.via) {
                        pending.push((clauses.len(), c, x));
                    }
                }
                clauses.push(result);
                listed.push(c);
            }
        }
        if !pending.is_empty() {
            let listed: HashSet<ClauseIdx> = listed.into_iter().collect();
            self.long_proofs(&mut clauses, pending, &listed, s);
        }
        Report {
            site: inventory.site.clone(),
            as_of,
            summary,
            clauses,
            contradictions,
            detail,
        }
    }

    /// One clause's report line; `assessed_by` is who assessed it, if
    /// anyone. True beside it when its proof is too long to find here.
    pub(super) fn clause_result(
        &self,
        c: ClauseIdx,
        clause: &crate::model::Clause,
        (status, basis, via, capped): (Status, Basis, Option<ClauseIdx>, Option<Cap>),
        ctx: &Context<'_>,
        states: &[State],
        assessed_by: Option<String>,
    ) -> (ClauseResult, bool) {
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
        // Short proofs whole; a longer one is left to `long_proofs`, which
        // proves all those from one clause with one search.
        let (steps, long) = match (basis, via) {
            (Basis::Mapping, Some(x)) => match book
                .network
                .entails_subset_within(c, x, SHORT_PROOF)
                .or_else(|| book.network.entails_overlap_within(c, x, SHORT_PROOF))
            {
                Some(steps) => (steps, false),
                None => (Vec::new(), true),
            },
            _ => (Vec::new(), false),
        };
        // Its own ancestors are left out: they are met through it, not for
        // it. Carry-over never overrides an assessment: none for those.
        let (mut carriers, complete) = if status == Status::Met
            || basis == Basis::Assessment
            || status == Status::NotApplicable
        {
            (Vec::new(), true)
        } else {
            let (supersets, complete) = book.network.supersets_within(c, MAX_CARRIERS);
            let keys: Vec<String> = supersets
                .into_iter()
                .filter(|x| !self.is_ancestor(*x, c))
                .map(|x| book.key(x).to_string())
                .collect();
            (keys, complete)
        };
        carriers.sort();
        if status != Status::Met
            && status != Status::NotApplicable
            && !carriers.is_empty()
            && capped.is_none()
        {
            let more = if complete {
                String::new()
            } else {
                format!(" and more (`refmap equivalents {}` lists them)", clause.key)
            };
            missing.push(format!(
                "or any of these met, carried by mapping: {}{more}",
                carriers.join(", ")
            ));
        }
        let result = ClauseResult {
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
            carriers_truncated: !complete,
        };
        (result, long)
    }

    /// Fills in the proofs `clause_result` left out as long (`pending`:
    /// the position in `clauses` and the clause), one search per clause
    /// carried from: each proof cites the nearest clause on its way that
    /// was carried from the same clause, whose own proof shows the rest.
    fn long_proofs(
        &self,
        clauses: &mut [ClauseResult],
        mut pending: Vec<(usize, ClauseIdx, ClauseIdx)>,
        reported: &HashSet<ClauseIdx>,
        s: &Scratch,
    ) {
        let book = self.book;
        pending.sort_by_key(|&(at, _, x)| (x, at));
        for group in pending.chunk_by(|p, q| p.2 == q.2) {
            let Some(&(_, _, x)) = group.first() else {
                continue;
            };
            let tree = book.network.carry_proofs(x);
            for &(at, c, _) in group {
                let inside = s.state(c).is_some_and(|st| st.status == Status::Met);
                let carried_from_x = |p: ClauseIdx, met_only: bool| {
                    reported.contains(&p)
                        && s.state(p).is_some_and(|st| {
                            st.basis == Basis::Mapping
                                && st.via.map(Id::clause) == Some(x)
                                && (!met_only || st.status == Status::Met)
                        })
                };
                let found = tree
                    .proof(c, inside, |p| carried_from_x(p, inside))
                    .or_else(|| tree.proof(c, false, |p| carried_from_x(p, false)));
                let (Some(found), Some(result)) = (found, clauses.get_mut(at)) else {
                    continue;
                };
                let mut shown = proof(book, &found.steps);
                if let Some(p) = found.cites {
                    let relation = if inside { "within" } else { "overlaps" };
                    let p = book.key(p);
                    shown.push(citation(p, relation, book.key(x), p));
                }
                result.proof = shown;
            }
        }
    }
}

/// The most carriers listed for one clause (see `Network::supersets_within`).
const MAX_CARRIERS: usize = 16;

pub(super) fn aggregate_missing(
    book: &Rulebook,
    children: &[ClauseIdx],
    states: &[State],
) -> Vec<String> {
    applicable_children(children, states)
        .filter(|&(_, s)| s != Status::Met)
        .map(|(k, s)| format!("sub-clause `{}` is {s}", book.key(k)))
        .collect()
}
