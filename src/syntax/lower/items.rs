//! Lowering of the items: referentials and their clauses, evidence types,
//! mappings and their links, test blocks.

use pest::iterators::Pair;

use super::super::ast::*;
use super::super::{Rule, MAX_DEPTH};
use super::{children, Lowerer};

impl Lowerer {
    pub(super) fn referential(&mut self, pair: Pair<'_, Rule>) -> Referential {
        let span = self.span(&pair);
        let mut id = None;
        let mut title = None;
        let mut attrs = Vec::new();
        let mut clauses = Vec::new();
        for p in children(pair) {
            match p.as_rule() {
                Rule::ref_id => id = Some(self.name(p)),
                Rule::string => title = Some(self.string(p)),
                Rule::ref_attr => {
                    let mut inner = p.into_inner();
                    let key = match inner.next().map(|k| k.as_str()) {
                        Some("edition") => RefAttrKey::Edition,
                        Some("publisher") => RefAttrKey::Publisher,
                        Some("url") => RefAttrKey::Url,
                        Some("language") => RefAttrKey::Language,
                        Some("source") => RefAttrKey::Source,
                        _ => RefAttrKey::Note,
                    };
                    if let Some(v) = inner.next() {
                        attrs.push(RefAttr {
                            key,
                            value: self.string(v),
                        });
                    }
                }
                Rule::clause => clauses.push(self.clause(p, 1)),
                _ => self.internal(span, "a referential"),
            }
        }
        Referential {
            id: id.unwrap_or_else(|| Name {
                text: String::new(),
                span,
            }),
            title: title.unwrap_or(Str {
                value: String::new(),
                span,
            }),
            attrs,
            clauses,
            span,
        }
    }

    fn clause(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Clause {
        let span = self.span(&pair);
        let mut id = Name {
            text: String::new(),
            span,
        };
        let mut title = Str {
            value: String::new(),
            span,
        };
        let mut body = None;
        for p in children(pair) {
            match p.as_rule() {
                Rule::clause_id => id = self.name(p),
                Rule::string => title = self.string(p),
                Rule::clause_body => {
                    let mut items = Vec::new();
                    for item in p.into_inner() {
                        let item_span = self.span(&item);
                        match item.as_rule() {
                            Rule::summary => {
                                if let Some(s) = children(item).next() {
                                    items.push(ClauseItem::Summary(self.string(s)));
                                }
                            }
                            Rule::note => {
                                if let Some(s) = children(item).next() {
                                    items.push(ClauseItem::Note(self.string(s)));
                                }
                            }
                            Rule::requires => match children(item).next() {
                                Some(e) => items.push(ClauseItem::Requires(self.expr(e, 1))),
                                None => self.internal(item_span, "`requires`"),
                            },
                            Rule::applies => match children(item).next() {
                                Some(c) => items.push(ClauseItem::AppliesIf(self.cond(c, 1))),
                                None => self.internal(item_span, "`applies if`"),
                            },
                            Rule::clause => {
                                if depth >= MAX_DEPTH {
                                    self.too_deep(item_span, "clauses");
                                } else {
                                    items.push(ClauseItem::Clause(self.clause(item, depth + 1)));
                                }
                            }
                            _ => self.internal(item_span, "a clause body"),
                        }
                    }
                    // Bodies hold two or three items of a large enum: a
                    // vector grown to four would waste half its room.
                    items.shrink_to_fit();
                    body = Some(items);
                }
                _ => self.internal(span, "a clause"),
            }
        }
        Clause {
            id,
            title,
            body,
            span,
        }
    }

    pub(super) fn evidence_type(&mut self, pair: Pair<'_, Rule>) -> EvidenceType {
        let span = self.span(&pair);
        let mut name = Name {
            text: String::new(),
            span,
        };
        let mut title = Str {
            value: String::new(),
            span,
        };
        let mut body = None;
        for p in children(pair) {
            match p.as_rule() {
                Rule::ident => name = self.name(p),
                Rule::string => title = self.string(p),
                Rule::evidence_body => {
                    let mut items = Vec::new();
                    for item in p.into_inner() {
                        let item_span = self.span(&item);
                        match item.as_rule() {
                            Rule::valid => match children(item).next() {
                                Some(d) => {
                                    if let Some(duration) = self.duration(d) {
                                        items.push(EvidenceItem::Valid(duration, item_span));
                                    }
                                }
                                None => self.internal(item_span, "`valid`"),
                            },
                            Rule::field => {
                                let mut inner = children(item);
                                match (inner.next(), inner.next()) {
                                    (Some(n), Some(t)) => {
                                        let name = self.name(n);
                                        let ty = self.value_type(t);
                                        items.push(EvidenceItem::Field(name, ty));
                                    }
                                    _ => self.internal(item_span, "`field`"),
                                }
                            }
                            _ => self.internal(item_span, "an evidence body"),
                        }
                    }
                    body = Some(items);
                }
                _ => self.internal(span, "an evidence type"),
            }
        }
        EvidenceType {
            name,
            title,
            body,
            span,
        }
    }

    pub(super) fn mapping(&mut self, pair: Pair<'_, Rule>) -> Mapping {
        let span = self.span(&pair);
        let mut title = Str {
            value: String::new(),
            span,
        };
        let mut attrs = Vec::new();
        let mut links = Vec::new();
        for p in children(pair) {
            match p.as_rule() {
                Rule::string => title = self.string(p),
                Rule::mapping_attr => {
                    let mut inner = p.into_inner();
                    let key = inner.next().map(|k| k.as_str() == "source");
                    if let Some(v) = inner.next() {
                        let value = self.string(v);
                        attrs.push(if key == Some(true) {
                            MappingAttr::Source(value)
                        } else {
                            MappingAttr::Note(value)
                        });
                    }
                }
                Rule::link => links.push(self.link(p)),
                _ => self.internal(span, "a mapping"),
            }
        }
        Mapping {
            title,
            attrs,
            links,
            span,
        }
    }

    fn link(&mut self, pair: Pair<'_, Rule>) -> Link {
        let span = self.span(&pair);
        let mut refs = Vec::new();
        let mut relation = Relation::Intersects;
        let mut relation_span = span;
        let mut body = None;
        for p in children(pair) {
            match p.as_rule() {
                Rule::clause_ref => refs.push(self.clause_ref(p)),
                Rule::relation => {
                    relation = self.relation(&p);
                    relation_span = self.span(&p);
                }
                Rule::link_body => {
                    let mut attrs = Vec::new();
                    for a in p.into_inner() {
                        let a_span = self.span(&a);
                        let rule = a.as_rule();
                        let Some(v) = children(a).next() else {
                            self.internal(a_span, "a link attribute");
                            continue;
                        };
                        match rule {
                            Rule::strength => {
                                let (n, s) = self.int(v);
                                attrs.push(LinkAttr::Strength(n, s));
                            }
                            Rule::rationale => {
                                let r = match v.as_str() {
                                    "syntactic" => Rationale::Syntactic,
                                    "semantic" => Rationale::Semantic,
                                    _ => Rationale::Functional,
                                };
                                attrs.push(LinkAttr::Rationale(r, self.span(&v)));
                            }
                            Rule::note => attrs.push(LinkAttr::Note(self.string(v))),
                            Rule::source => attrs.push(LinkAttr::Source(self.string(v))),
                            _ => self.internal(a_span, "a link attribute"),
                        }
                    }
                    body = Some(attrs);
                }
                _ => self.internal(span, "a link"),
            }
        }
        let mut refs = refs.into_iter();
        let empty = || ClauseRef::new("", "", span);
        Link {
            a: refs.next().unwrap_or_else(empty),
            relation,
            relation_span,
            b: refs.next().unwrap_or_else(empty),
            body,
            span,
        }
    }

    pub(super) fn test(&mut self, pair: Pair<'_, Rule>) -> Test {
        let span = self.span(&pair);
        let mut name = Str {
            value: String::new(),
            span,
        };
        let mut items = Vec::new();
        for p in children(pair) {
            let p_span = self.span(&p);
            match p.as_rule() {
                Rule::string => name = self.string(p),
                Rule::as_of => {
                    if let Some(d) = children(p).next() {
                        let date = self.date(d);
                        items.push(TestItem::AsOf(date, p_span));
                    }
                }
                Rule::profile => {
                    let mut it = children(p);
                    if let (Some(n), Some(v)) = (it.next(), it.next()) {
                        let name = self.name(n);
                        let value = self.value(v, 1);
                        items.push(TestItem::Profile(name, value));
                    }
                }
                Rule::given_evidence => {
                    let mut ty = None;
                    let mut fields = None;
                    for q in children(p) {
                        match q.as_rule() {
                            Rule::ident => ty = Some(self.name(q)),
                            Rule::given_body => {
                                let mut list = Vec::new();
                                for f in q.into_inner() {
                                    let mut it = f.into_inner();
                                    if let (Some(n), Some(v)) = (it.next(), it.next()) {
                                        let key = self.name(n);
                                        let value = self.value(v, 1);
                                        list.push((key, value));
                                    }
                                }
                                fields = Some(list);
                            }
                            _ => self.internal(p_span, "`given evidence`"),
                        }
                    }
                    match ty {
                        Some(ty) => items.push(TestItem::GivenEvidence {
                            ty,
                            fields,
                            span: p_span,
                        }),
                        None => self.internal(p_span, "`given evidence`"),
                    }
                }
                Rule::given_assessment => {
                    let mut it = children(p);
                    match (it.next(), it.next()) {
                        (Some(c), Some(s)) => {
                            let clause = self.clause_ref(c);
                            let status =
                                Status::from_keyword(s.as_str()).unwrap_or(Status::Unknown);
                            items.push(TestItem::GivenAssessment {
                                clause,
                                status,
                                span: p_span,
                            });
                        }
                        _ => self.internal(p_span, "`given assessment`"),
                    }
                }
                Rule::expect_status => {
                    let mut it = children(p);
                    match (it.next(), it.next()) {
                        (Some(c), Some(s)) => {
                            let clause = self.clause_ref(c);
                            let status =
                                Status::from_keyword(s.as_str()).unwrap_or(Status::Unknown);
                            let via = it
                                .next()
                                .and_then(|v| children(v).next())
                                .map(|r| self.clause_ref(r));
                            items.push(TestItem::ExpectStatus {
                                clause,
                                status,
                                via,
                                span: p_span,
                            });
                        }
                        _ => self.internal(p_span, "`expect`"),
                    }
                }
                Rule::expect_relation => {
                    let mut it = children(p);
                    match (it.next(), it.next(), it.next()) {
                        (Some(a), Some(r), Some(b)) => {
                            let relation = self.relation(&r);
                            let a = self.clause_ref(a);
                            let b = self.clause_ref(b);
                            items.push(TestItem::ExpectRelation {
                                a,
                                relation,
                                b,
                                span: p_span,
                            });
                        }
                        _ => self.internal(p_span, "`expect relation`"),
                    }
                }
                _ => self.internal(p_span, "a test"),
            }
        }
        Test { name, items, span }
    }
}
