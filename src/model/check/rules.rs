//! The rules pass: every `requires` rule and `applies if` condition
//! checked and resolved into a [`Rule`] or [`Condition`] of typed ids, and
//! the cycles of `clause` requirements found.

use std::collections::HashSet;

use super::conditions::{check_cond, Names};
use super::Resolver;
use crate::diagnostic::Diagnostic;
use crate::mapper::ClauseIdx;
use crate::model::codes;
use crate::model::rule::{
    Comparison, Condition, EvidenceRule, EvidenceTypeIdx, Field, Rule, Value,
};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, CondKind, ExprKind, ValueKind};
use crate::syntax::format::cond_text;

impl Resolver {
    /// Third pass: `requires` rules and `applies if` conditions.
    pub(in crate::model) fn resolve_rules(&mut self) {
        let mut edges: Vec<Vec<(ClauseIdx, Span)>> = vec![Vec::new(); self.clauses.len()];
        for (idx, requires, applies) in std::mem::take(&mut self.rules) {
            let Some(file) = self.clauses.get(idx.0 as usize).map(|c| c.file) else {
                continue;
            };
            let mut out = Vec::new();
            let rule = requires.map(|e| self.resolve_expr(file, &e, &mut out));
            if let Some(c) = applies.as_ref().filter(|_| !self.profile.is_empty()) {
                check_cond(&mut self.diagnostics, file, c, &Names::Facts(&self.profile));
            }
            let applies = applies.map(|c| Box::new(condition(&c, false)));
            if let Some(clause) = self.clauses.get_mut(idx.0 as usize) {
                clause.requires = rule;
                clause.applies = applies;
            }
            if let Some(slot) = edges.get_mut(idx.0 as usize) {
                *slot = out;
            }
        }
        self.check_cycles(&edges);
    }

    fn resolve_expr(
        &mut self,
        file: FileId,
        e: &ast::Expr,
        edges: &mut Vec<(ClauseIdx, Span)>,
    ) -> Rule {
        match &e.kind {
            ExprKind::All(list) => Rule::All(self.resolve_list(file, list, edges)),
            ExprKind::Any(list) => Rule::Any(self.resolve_list(file, list, edges)),
            ExprKind::AtLeast { n, n_span, of } => {
                if *n > of.len() as u64 {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::AT_LEAST_TOO_LARGE,
                            file,
                            *n_span,
                            format!("`at least {n}` of a list of {}", of.len()),
                        )
                        .with_label("can never be met")
                        .with_help(format!(
                            "lower it to at most {}, or add alternatives",
                            of.len()
                        )),
                    );
                }
                Rule::AtLeast {
                    n: *n,
                    of: self.resolve_list(file, of, edges),
                }
            }
            ExprKind::Not(inner) => Rule::Not(Box::new(self.resolve_expr(file, inner, edges))),
            ExprKind::Evidence(req) => {
                self.used_evidence.insert(req.ty.text.clone());
                let ty = self.lookup_evidence(file, &req.ty);
                if let (Some(t), Some(cond)) =
                    (ty.and_then(|i| self.evidence_types.get(i)), &req.where_)
                {
                    let names = Names::Fields {
                        ty: &t.name,
                        fields: &t.fields,
                    };
                    check_cond(&mut self.diagnostics, file, cond, &names);
                }
                Rule::Evidence(Box::new(EvidenceRule {
                    ty: ty.map(|i| EvidenceTypeIdx(u32::try_from(i).unwrap_or(u32::MAX))),
                    where_: req.where_.as_ref().map(|c| condition(c, true)),
                    within: req.within.map(|(d, _)| d),
                    count: req.count.map_or(1, |(n, _)| n),
                    text: requirement_text(req).into(),
                    where_text: req
                        .where_
                        .as_ref()
                        .map(cond_text)
                        .unwrap_or_default()
                        .into(),
                }))
            }
            ExprKind::Clause(r) => match self.lookup(file, r) {
                Some(idx) => {
                    edges.push((idx, r.span));
                    Rule::Clause(idx)
                }
                None => Rule::UnknownClause(r.key().into()),
            },
            ExprKind::Attested => Rule::Attested,
        }
    }

    fn resolve_list(
        &mut self,
        file: FileId,
        list: &[ast::Expr],
        edges: &mut Vec<(ClauseIdx, Span)>,
    ) -> Vec<Rule> {
        list.iter()
            .map(|x| self.resolve_expr(file, x, edges))
            .collect()
    }

    fn check_cycles(&mut self, edges: &[Vec<(ClauseIdx, Span)>]) {
        // Iterative DFS with colours; each back edge closes one cycle,
        // reported once at the reference that closes it.
        let n = edges.len();
        let mut colour = vec![0u8; n];
        let mut reported: HashSet<Vec<u32>> = HashSet::new();
        for start in 0..n {
            if colour.get(start) != Some(&0) {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            if let Some(c) = colour.get_mut(start) {
                *c = 1;
            }
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let out = edges.get(node).map_or(&[][..], Vec::as_slice);
                if let Some(&(target, span)) = out.get(*next) {
                    *next += 1;
                    let t = target.0 as usize;
                    match colour.get(t) {
                        Some(0) => {
                            if let Some(c) = colour.get_mut(t) {
                                *c = 1;
                            }
                            stack.push((t, 0));
                        }
                        Some(1) => {
                            let pos = stack.iter().position(|&(x, _)| x == t).unwrap_or(0);
                            let members: Vec<usize> = stack
                                .get(pos..)
                                .unwrap_or(&[])
                                .iter()
                                .map(|&(x, _)| x)
                                .collect();
                            let mut key: Vec<u32> = members.iter().map(|&x| x as u32).collect();
                            key.sort_unstable();
                            if reported.insert(key) {
                                self.report_cycle(&members, node, span);
                            }
                        }
                        _ => {}
                    }
                } else {
                    if let Some(c) = colour.get_mut(node) {
                        *c = 2;
                    }
                    stack.pop();
                }
            }
        }
    }

    fn report_cycle(&mut self, members: &[usize], closing: usize, span: Span) {
        let keys: Vec<String> = members
            .iter()
            .filter_map(|&m| self.clauses.get(m).map(|c| format!("`{}`", c.key)))
            .collect();
        let Some(clause) = self.clauses.get(closing) else {
            return;
        };
        let mut d = Diagnostic::error(
            codes::CLAUSE_CYCLE,
            clause.file,
            span,
            if keys.len() == 1 {
                format!("clause {} requires itself", keys.join(""))
            } else {
                format!(
                    "clauses require each other in a cycle: {} → {}",
                    keys.join(" → "),
                    keys.first().cloned().unwrap_or_default()
                )
            },
        )
        .with_label("closes the cycle")
        .with_help(
            "a clause cannot be met through itself; break the cycle with an evidence requirement",
        );
        for &m in members {
            if m != closing {
                if let Some(c) = self.clauses.get(m) {
                    d = d.with_secondary(c.file, c.span, format!("`{}` is in the cycle", c.key));
                }
            }
        }
        self.diagnostics.push(d);
    }
}

/// `evidence T where … within … count >= N` as written.
fn requirement_text(req: &ast::EvidenceRequirement) -> String {
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

/// A condition resolved: on an evidence item (`item`), `date` and
/// `expires` name the item's dates; on a profile, every name is a fact.
fn condition(cond: &ast::Cond, item: bool) -> Condition {
    let field = |name: &ast::Name| match name.text.as_str() {
        "date" if item => Field::Date,
        "expires" if item => Field::Expires,
        other => Field::Named(other.into()),
    };
    match &cond.kind {
        CondKind::Or(parts) => Condition::Or(parts.iter().map(|p| condition(p, item)).collect()),
        CondKind::And(parts) => Condition::And(parts.iter().map(|p| condition(p, item)).collect()),
        CondKind::Not(inner) => Condition::Not(Box::new(condition(inner, item))),
        CondKind::Group(inner) => condition(inner, item),
        CondKind::Compare {
            field: f,
            op,
            value,
        } => Condition::Compare {
            field: field(f),
            op: match op {
                ast::CmpOp::Eq => Comparison::Eq,
                ast::CmpOp::Ne => Comparison::Ne,
                ast::CmpOp::Le => Comparison::Le,
                ast::CmpOp::Ge => Comparison::Ge,
                ast::CmpOp::Lt => Comparison::Lt,
                ast::CmpOp::Gt => Comparison::Gt,
            },
            value: value_of(value),
        },
        CondKind::In { field: f, values } => Condition::In {
            field: field(f),
            values: values.iter().map(value_of).collect(),
        },
        CondKind::Contains { field: f, value } => Condition::Contains {
            field: field(f),
            value: value_of(value),
        },
    }
}

/// A literal resolved.
pub(super) fn value_of(value: &ast::Value) -> Value {
    match &value.kind {
        ValueKind::Str(s) => Value::Text(s.clone()),
        ValueKind::Number(n) => Value::Number(*n),
        ValueKind::Date(d) => Value::Date(*d),
        ValueKind::Bool(b) => Value::Bool(*b),
        ValueKind::List(items) => Value::List(items.iter().map(value_of).collect()),
    }
}
