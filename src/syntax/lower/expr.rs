//! Lowering of requirement expressions, conditions and values, with their
//! depth counted against [`MAX_DEPTH`].

use pest::iterators::Pair;

use super::super::ast::*;
use super::super::{Rule, MAX_DEPTH};
use super::{children, Lowerer};

impl Lowerer {
    pub(super) fn expr(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Expr {
        let span = self.span(&pair);
        if depth > MAX_DEPTH {
            self.too_deep(span, "requirements");
            return Expr {
                kind: ExprKind::Attested,
                span,
            };
        }
        let Some(inner) = pair.into_inner().next() else {
            self.internal(span, "a requirement");
            return Expr {
                kind: ExprKind::Attested,
                span,
            };
        };
        let rule = inner.as_rule();
        let kind = match rule {
            Rule::all_expr | Rule::any_expr => {
                let list = children(inner).map(|e| self.expr(e, depth + 1)).collect();
                if rule == Rule::all_expr {
                    ExprKind::All(list)
                } else {
                    ExprKind::Any(list)
                }
            }
            Rule::at_least_expr => {
                let mut it = children(inner);
                let (n, n_span) = match it.next() {
                    Some(p) => self.int(p),
                    None => (0, span),
                };
                let of = it.map(|e| self.expr(e, depth + 1)).collect();
                ExprKind::AtLeast { n, n_span, of }
            }
            Rule::not_expr => match children(inner).next() {
                Some(e) => ExprKind::Not(Box::new(self.expr(e, depth + 1))),
                None => {
                    self.internal(span, "`not`");
                    ExprKind::Attested
                }
            },
            Rule::evidence_expr => {
                let mut ty = Name {
                    text: String::new(),
                    span,
                };
                let mut req = None::<Cond>;
                let mut within = None;
                let mut count = None;
                for p in children(inner) {
                    let p_span = self.span(&p);
                    match p.as_rule() {
                        Rule::ident => ty = self.name(p),
                        Rule::where_part => {
                            if let Some(c) = children(p).next() {
                                req = Some(self.cond(c, depth + 1));
                            }
                        }
                        Rule::within_part => {
                            if let Some(d) = children(p).next() {
                                within = self.duration(d).map(|d| (d, p_span));
                            }
                        }
                        Rule::count_part => {
                            if let Some(n) = children(p).next() {
                                count = Some(self.int(n));
                            }
                        }
                        _ => self.internal(p_span, "`evidence`"),
                    }
                }
                ExprKind::Evidence(EvidenceRequirement {
                    ty,
                    where_: req,
                    within,
                    count,
                })
            }
            Rule::clause_expr => match children(inner).next() {
                Some(r) => ExprKind::Clause(self.clause_ref(r)),
                None => {
                    self.internal(span, "`clause`");
                    ExprKind::Attested
                }
            },
            Rule::attested => ExprKind::Attested,
            _ => {
                self.internal(span, "a requirement");
                ExprKind::Attested
            }
        };
        Expr { kind, span }
    }

    pub(super) fn cond(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Cond {
        let span = self.span(&pair);
        if depth > MAX_DEPTH {
            self.too_deep(span, "conditions");
            return Cond {
                kind: CondKind::And(Vec::new()),
                span,
            };
        }
        match pair.as_rule() {
            Rule::cond | Rule::conj => {
                let is_or = pair.as_rule() == Rule::cond;
                let mut parts: Vec<Cond> = children(pair).map(|c| self.cond(c, depth)).collect();
                if parts.len() == 1 {
                    if let Some(only) = parts.pop() {
                        return only;
                    }
                }
                let kind = if is_or {
                    CondKind::Or(parts)
                } else {
                    CondKind::And(parts)
                };
                Cond { kind, span }
            }
            Rule::group => match children(pair).next() {
                Some(c) => Cond {
                    kind: CondKind::Group(Box::new(self.cond(c, depth + 1))),
                    span,
                },
                None => {
                    self.internal(span, "a condition");
                    Cond {
                        kind: CondKind::And(Vec::new()),
                        span,
                    }
                }
            },
            Rule::not_atom => match children(pair).next() {
                Some(c) => Cond {
                    kind: CondKind::Not(Box::new(self.cond(c, depth + 1))),
                    span,
                },
                None => {
                    self.internal(span, "`not`");
                    Cond {
                        kind: CondKind::And(Vec::new()),
                        span,
                    }
                }
            },
            Rule::compare => {
                let mut it = children(pair);
                match (it.next(), it.next(), it.next()) {
                    (Some(f), Some(op), Some(v)) => {
                        let op = match op.as_str() {
                            "==" => CmpOp::Eq,
                            "!=" => CmpOp::Ne,
                            "<=" => CmpOp::Le,
                            ">=" => CmpOp::Ge,
                            "<" => CmpOp::Lt,
                            _ => CmpOp::Gt,
                        };
                        let field = self.name(f);
                        let value = self.value(v, depth + 1);
                        Cond {
                            kind: CondKind::Compare { field, op, value },
                            span,
                        }
                    }
                    _ => {
                        self.internal(span, "a comparison");
                        Cond {
                            kind: CondKind::And(Vec::new()),
                            span,
                        }
                    }
                }
            }
            Rule::in_atom | Rule::contains_atom => {
                let is_in = pair.as_rule() == Rule::in_atom;
                let mut it = children(pair);
                let field = match it.next() {
                    Some(f) => self.name(f),
                    None => Name {
                        text: String::new(),
                        span,
                    },
                };
                let mut values: Vec<Value> = it.map(|v| self.value(v, depth + 1)).collect();
                let kind = if is_in {
                    CondKind::In { field, values }
                } else {
                    match values.pop() {
                        Some(value) => CondKind::Contains { field, value },
                        None => {
                            self.internal(span, "`contains`");
                            CondKind::And(Vec::new())
                        }
                    }
                };
                Cond { kind, span }
            }
            _ => {
                self.internal(span, "a condition");
                Cond {
                    kind: CondKind::And(Vec::new()),
                    span,
                }
            }
        }
    }

    pub(super) fn value(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Value {
        let span = self.span(&pair);
        if depth > MAX_DEPTH {
            self.too_deep(span, "values");
            return Value {
                kind: ValueKind::Bool(false),
                span,
            };
        }
        let inner = match pair.as_rule() {
            Rule::value => pair.into_inner().next(),
            _ => Some(pair),
        };
        let Some(inner) = inner else {
            self.internal(span, "a value");
            return Value {
                kind: ValueKind::Bool(false),
                span,
            };
        };
        let kind = match inner.as_rule() {
            Rule::string => ValueKind::Str(self.string(inner).value),
            Rule::date => ValueKind::Date(self.date(inner)),
            Rule::number => match inner.as_str().parse::<f64>() {
                Ok(n) if n.is_finite() => ValueKind::Number(n),
                _ => {
                    self.number_out_of_range(span, u64::MAX);
                    ValueKind::Number(0.0)
                }
            },
            Rule::boolean => ValueKind::Bool(inner.as_str() == "true"),
            Rule::list => ValueKind::List(
                inner
                    .into_inner()
                    .map(|v| self.value(v, depth + 1))
                    .collect(),
            ),
            _ => {
                self.internal(span, "a value");
                ValueKind::Bool(false)
            }
        };
        Value { kind, span }
    }
}
