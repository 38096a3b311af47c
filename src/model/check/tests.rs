//! The tests pass: each `test` block's clauses, evidence types and fields
//! checked, and the block resolved into a [`TestCase`].

use super::conditions::{check_value, declared, Names};
use super::rules::value_of;
use super::Resolver;
use crate::diagnostic::Diagnostic;
use crate::model::{codes, TestCase, TestItem};
use crate::syntax::ast;

impl Resolver {
    /// Fourth pass: test blocks refer to known clauses, types and fields.
    pub(in crate::model) fn resolve_tests(&mut self) {
        for (file, test) in std::mem::take(&mut self.test_blocks) {
            let mut as_of_seen = false;
            let mut items = Vec::with_capacity(test.items.len());
            for item in &test.items {
                match item {
                    ast::TestItem::AsOf(date, span) => {
                        if as_of_seen {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    codes::BAD_TEST,
                                    file,
                                    *span,
                                    "a test has more than one `as-of`",
                                )
                                .with_help("keep one date per test"),
                            );
                        }
                        as_of_seen = true;
                        items.push(TestItem::AsOf(*date));
                    }
                    ast::TestItem::Profile(name, value) => {
                        if !self.profile.is_empty() {
                            let names = Names::Facts(&self.profile);
                            let out = &mut self.diagnostics;
                            if let Some(vt) = declared(out, file, name, &names) {
                                check_value(out, file, value, &vt, &names, &name.text);
                            }
                        }
                        items.push(TestItem::Profile(name.text.clone(), value_of(value)));
                    }
                    ast::TestItem::GivenEvidence { ty, fields, .. } => {
                        items.push(TestItem::GivenEvidence {
                            ty: ty.text.clone(),
                            fields: fields
                                .iter()
                                .flatten()
                                .map(|(k, v)| (k.text.clone(), value_of(v)))
                                .collect(),
                        });
                        let Some(i) = self.lookup_evidence(file, ty) else {
                            continue;
                        };
                        let Some(t) = self.evidence_types.get(i) else {
                            continue;
                        };
                        let names = Names::Fields {
                            ty: &t.name,
                            fields: &t.fields,
                        };
                        let out = &mut self.diagnostics;
                        for (key, value) in fields.iter().flatten() {
                            if let Some(vt) = declared(out, file, key, &names) {
                                check_value(out, file, value, &vt, &names, &key.text);
                            }
                        }
                    }
                    ast::TestItem::GivenAssessment { clause, status, .. } => {
                        if let Some(clause) = self.lookup(file, clause) {
                            items.push(TestItem::GivenAssessment {
                                clause,
                                status: *status,
                            });
                        }
                    }
                    ast::TestItem::ExpectStatus {
                        clause,
                        status,
                        via,
                        span,
                    } => {
                        let idx = self.lookup(file, clause);
                        if let Some(v) = via {
                            self.lookup(file, v);
                        }
                        items.push(TestItem::ExpectStatus {
                            clause: idx,
                            written: clause.key().to_string(),
                            status: *status,
                            via: via.as_ref().map(|v| v.key().to_string()),
                            span: *span,
                        });
                    }
                    ast::TestItem::ExpectRelation {
                        a,
                        relation,
                        b,
                        span,
                    } => {
                        let (ia, ib) = (self.lookup(file, a), self.lookup(file, b));
                        if let (Some(a), Some(b)) = (ia, ib) {
                            items.push(TestItem::ExpectRelation {
                                a,
                                relation: *relation,
                                b,
                                span: *span,
                            });
                        }
                    }
                }
            }
            self.tests.push(TestCase {
                file,
                name: test.name.value.clone(),
                span: test.span,
                items,
            });
        }
    }
}
