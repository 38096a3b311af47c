//! Lowering of pest's parse tree into the typed syntax tree.
//!
//! The grammar guarantees the shape of every pair, so lowering mostly walks
//! children in order; where the shape could still surprise us (a grammar
//! change), it reports an internal diagnostic instead of panicking. Depth is
//! counted here: clauses and expressions nested deeper than [`MAX_DEPTH`] are
//! errors with the span of the first level too many.

use pest::iterators::{Pair, Pairs};

use super::ast::*;
use super::{codes, Rule, MAX_DEPTH};
use crate::date::{Date, Duration, DurationUnit};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::vocab::Relation;

/// Lowering state: the file, and the diagnostics collected so far.
struct Lowerer {
    file: FileId,
    /// Offset of the parsed text in its file (chunks of a large file are
    /// parsed apart).
    base: usize,
    diagnostics: Vec<Diagnostic>,
}

/// Lowers a parsed `file` pair sequence.
pub(super) fn lower_file(
    file: FileId,
    base: usize,
    mut pairs: Pairs<'_, Rule>,
) -> Result<File, Vec<Diagnostic>> {
    let mut lowerer = Lowerer {
        file,
        base,
        diagnostics: Vec::new(),
    };
    let mut items = Vec::new();
    if let Some(file_pair) = pairs.next() {
        for pair in file_pair.into_inner() {
            match pair.as_rule() {
                Rule::referential => items.push(Item::Referential(lowerer.referential(pair))),
                Rule::evidence_type => items.push(Item::Evidence(lowerer.evidence_type(pair))),
                Rule::mapping => items.push(Item::Mapping(lowerer.mapping(pair))),
                Rule::test => items.push(Item::Test(lowerer.test(pair))),
                _ => {}
            }
        }
    }
    if lowerer.diagnostics.is_empty() {
        Ok(File { items })
    } else {
        Err(lowerer.diagnostics)
    }
}

/// The span of a pair without the whitespace and comments pest lets a rule
/// swallow after its last token (it skips trivia before trying an optional
/// part that then turns out absent).
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.start() + content_len(s.as_str()))
}

fn content_len(text: &str) -> usize {
    let mut t = text.trim_end();
    loop {
        let line_start = t.rfind('\n').map_or(0, |i| i + 1);
        let line = t.get(line_start..).unwrap_or("");
        match comment_start(line) {
            Some(c) => t = t.get(..line_start + c).unwrap_or("").trim_end(),
            None => return t.len(),
        }
    }
}

/// Byte offset of a `//` comment in a line, outside strings.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Children of a pair, keywords left out: keywords carry no data.
fn children<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_referential
            | Rule::kw_clause
            | Rule::kw_summary
            | Rule::kw_note
            | Rule::kw_requires
            | Rule::kw_applies
            | Rule::kw_if
            | Rule::kw_evidence
            | Rule::kw_valid
            | Rule::kw_field
            | Rule::kw_mapping
            | Rule::kw_strength
            | Rule::kw_rationale
            | Rule::kw_source
            | Rule::kw_all
            | Rule::kw_any
            | Rule::kw_at
            | Rule::kw_least
            | Rule::kw_of
            | Rule::kw_not
            | Rule::kw_where
            | Rule::kw_within
            | Rule::kw_count
            | Rule::kw_or
            | Rule::kw_and
            | Rule::kw_in
            | Rule::kw_contains
            | Rule::kw_test
            | Rule::kw_as_of
            | Rule::kw_profile
            | Rule::kw_given
            | Rule::kw_assessment
            | Rule::kw_expect
            | Rule::kw_via
            | Rule::kw_relation
    )
}

impl Lowerer {
    /// The span of a pair in its file.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = span_of(pair);
        Span::new(s.start + self.base, s.end + self.base)
    }

    fn internal(&mut self, span: Span, what: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::UNEXPECTED,
                self.file,
                span,
                format!("internal: unexpected syntax shape in {what}"),
            )
            .with_help("this is a bug in refmap; please report it with the file"),
        );
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn string(&self, pair: Pair<'_, Rule>) -> Str {
        let span = self.span(&pair);
        // INVARIANT: the grammar's `string` starts and ends with `"`.
        let text = pair.as_str();
        let raw = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
        Str {
            value: unescape(raw),
            span,
        }
    }

    fn referential(&mut self, pair: Pair<'_, Rule>) -> Referential {
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

    fn too_deep(&mut self, span: Span, what: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::TOO_DEEP,
                self.file,
                span,
                format!("{what} nest deeper than {MAX_DEPTH} levels"),
            )
            .with_label(format!("level {} starts here", MAX_DEPTH + 1))
            .with_help("flatten the structure: split deep groups or sub-clauses"),
        );
    }

    fn evidence_type(&mut self, pair: Pair<'_, Rule>) -> EvidenceType {
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
                                        let ty = match t.as_str() {
                                            "text" => FieldType::Text,
                                            "number" => FieldType::Number,
                                            "date" => FieldType::Date,
                                            "bool" => FieldType::Bool,
                                            _ => FieldType::List,
                                        };
                                        items.push(EvidenceItem::Field(self.name(n), ty));
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

    fn duration(&mut self, pair: Pair<'_, Rule>) -> Option<Duration> {
        let mut inner = pair.into_inner();
        let amount = inner.next()?;
        let unit = inner.next()?;
        let amount = match amount.as_str().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                self.number_out_of_range(self.span(&amount), u64::from(u32::MAX));
                return None;
            }
        };
        let unit = match unit.as_str().trim_end_matches('s') {
            "day" => DurationUnit::Day,
            "week" => DurationUnit::Week,
            "month" => DurationUnit::Month,
            _ => DurationUnit::Year,
        };
        Some(Duration { amount, unit })
    }

    fn number_out_of_range(&mut self, span: Span, max: u64) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::NUMBER_OUT_OF_RANGE,
                self.file,
                span,
                format!("number too large (the largest accepted here is {max})"),
            )
            .with_label("too large"),
        );
    }

    fn int(&mut self, pair: Pair<'_, Rule>) -> (u64, Span) {
        let span = self.span(&pair);
        match pair.as_str().parse::<u64>() {
            Ok(n) => (n, span),
            Err(_) => {
                self.number_out_of_range(span, u64::MAX);
                (u64::MAX, span)
            }
        }
    }

    fn date(&mut self, pair: Pair<'_, Rule>) -> Date {
        let span = self.span(&pair);
        match pair.as_str().parse::<Date>() {
            Ok(d) => d,
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::INVALID_DATE,
                        self.file,
                        span,
                        format!("`{}` is not a valid date", pair.as_str()),
                    )
                    .with_label(e.to_string())
                    .with_help("dates are written `YYYY-MM-DD` and must exist in the calendar"),
                );
                Date::MIN
            }
        }
    }

    fn clause_ref(&self, pair: Pair<'_, Rule>) -> ClauseRef {
        // INVARIANT: the grammar's `clause_ref` is `REF_ID:CLAUSE_ID`, and
        // neither part can hold a `:`.
        ClauseRef::from_text(pair.as_str().to_string(), self.span(&pair))
    }

    fn relation(&mut self, pair: &Pair<'_, Rule>) -> Relation {
        match pair.as_str().parse::<Relation>() {
            Ok(r) => r,
            Err(_) => {
                let span = self.span(pair);
                self.internal(span, "a relation");
                Relation::Intersects
            }
        }
    }

    fn mapping(&mut self, pair: Pair<'_, Rule>) -> Mapping {
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

    fn expr(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Expr {
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

    fn cond(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Cond {
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

    fn value(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Value {
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

    fn test(&mut self, pair: Pair<'_, Rule>) -> Test {
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

/// Resolves the escapes the grammar admits: `\"`, `\\`, `\n`, `\t`.
pub(super) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}
