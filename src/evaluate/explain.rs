//! The report of an evaluation: counts, each clause's line with its
//! evidence, proof and what is missing, and the contradictions.

use super::rules::Context;
use super::setup::{Evaluator, Id};
use super::solve::{applicable_children, Scratch};
use super::state::{Cap, State};
use super::{AssessmentRef, Basis, ClauseResult, Contradiction, Detail, Report, Summary};
use crate::date::Date;
use crate::inventory::Inventory;
use crate::mapper::ClauseIdx;
use crate::model::{proof, Rulebook};
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
            detail,
        }
    }

    /// One clause's report line; `assessed_by` is who assessed it, if anyone.
    pub(super) fn clause_result(
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
