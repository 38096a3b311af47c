//! Properties of the syntax stage, checked on generated input.
//!
//! - A syntax tree of any shape the parser produces, printed with
//!   `syntax::format(&tree, "")`, parses back to the same tree, and
//!   formatting that text again changes nothing.
//! - Any text that parses formats to text that parses to the same tree, with
//!   the same comments, and formatting is idempotent.
//! - No text, however broken, panics `syntax::parse` or `load::front_end`.

// Test code fails by panicking; helpers outside `#[test]` functions too.
#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used
)]

use proptest::prelude::*;
use proptest::test_runner::Config;

use refmap::internal::date::{Date, Duration, DurationUnit};
use refmap::internal::load::{self, Options};
use refmap::internal::mapper::Relation;
use refmap::internal::source::{FileId, SourceMap, Span};
use refmap::internal::syntax::{self, ast::*};

// ── generators ─────────────────────────────────────────────────────────────

/// Every word the grammar reserves somewhere; generated names avoid them so
/// that a name never reads as a keyword where both could stand.
const KEYWORDS: &[&str] = &[
    "referential",
    "clause",
    "summary",
    "note",
    "requires",
    "applies",
    "if",
    "evidence",
    "valid",
    "field",
    "mapping",
    "strength",
    "rationale",
    "source",
    "all",
    "any",
    "at",
    "least",
    "of",
    "not",
    "where",
    "within",
    "count",
    "or",
    "and",
    "in",
    "contains",
    "test",
    "profile",
    "given",
    "assessment",
    "expect",
    "via",
    "relation",
    "attested",
    "true",
    "false",
    "edition",
    "publisher",
    "url",
    "language",
    "text",
    "number",
    "date",
    "bool",
    "list",
    "syntactic",
    "semantic",
    "functional",
    "met",
    "partial",
    "unknown",
    "equals",
    "intersects",
    "disjoint",
    "fact",
    "one",
];

fn sp() -> Span {
    Span::default()
}

/// `IDENT`: plain names, and names that merely start with a keyword
/// (`notes`, `all_x`, `in1`), which must stay names.
fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z_][A-Za-z0-9_]{0,7}".prop_filter("a keyword", |s| !KEYWORDS.contains(&s.as_str())),
        1 => (prop::sample::select(KEYWORDS), "[A-Za-z0-9_]{1,3}").prop_map(|(k, s)| format!("{k}{s}")),
    ]
}

fn name() -> impl Strategy<Value = Name> {
    ident().prop_map(|text| Name { text, span: sp() })
}

/// `REF_ID`, keywords included: a referential id never stands where a
/// keyword could.
fn ref_id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z][A-Za-z0-9_-]{0,8}",
        prop::sample::select(vec![
            "ISO15189-2022",
            "LABELIX",
            "ACR-F",
            "note",
            "source",
            "as-of",
            "relation",
            "via"
        ])
        .prop_map(str::to_string),
    ]
}

fn clause_id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{1,3}(\\.[A-Za-z0-9]{1,3}){0,3}"
}

fn clause_ref() -> impl Strategy<Value = ClauseRef> {
    (ref_id(), clause_id())
        .prop_map(|(referential, clause)| ClauseRef::new(&referential, &clause, sp()))
}

/// Any text: quotes, backslashes, line breaks, tabs, `//`, any Unicode.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 0..10).prop_map(|v| v.into_iter().collect()),
        prop::collection::vec(
            prop::sample::select(vec![
                "\"", "\\", "\n", "\t", "\r", "//", "a", " ", "é", "↔", "\\n", "{", "}"
            ]),
            0..8
        )
        .prop_map(|v| v.concat()),
    ]
}

fn str_lit() -> impl Strategy<Value = Str> {
    string().prop_map(|value| Str { value, span: sp() })
}

fn date() -> impl Strategy<Value = Date> {
    (1i32..=9999, 1u8..=12, 1u8..=31).prop_filter_map("not a day", |(y, m, d)| Date::new(y, m, d))
}

fn duration() -> impl Strategy<Value = Duration> {
    (
        prop_oneof![0u32..=400, any::<u32>()],
        prop::sample::select(vec![
            DurationUnit::Day,
            DurationUnit::Week,
            DurationUnit::Month,
            DurationUnit::Year,
        ]),
    )
        .prop_map(|(amount, unit)| Duration { amount, unit })
}

fn int() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..=20, any::<u64>()]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1000i32..1000).prop_map(f64::from),
        (-100_000i32..100_000).prop_map(|n| f64::from(n) / 100.0),
        any::<f64>().prop_filter("finite", |n| n.is_finite()),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        string().prop_map(ValueKind::Str),
        number().prop_map(ValueKind::Number),
        date().prop_map(ValueKind::Date),
        any::<bool>().prop_map(ValueKind::Bool),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop::collection::vec(inner.prop_map(|kind| Value { kind, span: sp() }), 0..4)
            .prop_map(ValueKind::List)
    })
    .prop_map(|kind| Value { kind, span: sp() })
}

fn cmp_op() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(vec![
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Le,
        CmpOp::Ge,
        CmpOp::Lt,
        CmpOp::Gt,
    ])
}

fn cond_of(kind: CondKind) -> Cond {
    Cond { kind, span: sp() }
}

fn compare_cond() -> impl Strategy<Value = Cond> {
    (name(), cmp_op(), value())
        .prop_map(|(field, op, value)| cond_of(CondKind::Compare { field, op, value }))
}

fn in_cond() -> impl Strategy<Value = Cond> {
    (name(), prop::collection::vec(value(), 1..4))
        .prop_map(|(field, values)| cond_of(CondKind::In { field, values }))
}

fn contains_cond() -> impl Strategy<Value = Cond> {
    (name(), value()).prop_map(|(field, value)| cond_of(CondKind::Contains { field, value }))
}

/// Conditions in the shapes the parser builds: `Or` of two or more
/// conjunctions or atoms, `And` of two or more atoms, `not` over an atom,
/// anything else only inside a `Group`.
fn cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![compare_cond(), in_cond(), contains_cond()];
    leaf.prop_recursive(4, 24, 4, |inner| {
        let group = inner.prop_map(|c| cond_of(CondKind::Group(Box::new(c))));
        let simple = prop_oneof![compare_cond(), in_cond(), contains_cond(), group];
        let atom = prop_oneof![
            2 => simple.clone(),
            1 => simple.clone().prop_map(|a| cond_of(CondKind::Not(Box::new(a)))),
            1 => simple.prop_map(|a| cond_of(CondKind::Not(Box::new(cond_of(CondKind::Not(Box::new(a))))))),
        ];
        let conj = prop::collection::vec(atom.clone(), 2..4).prop_map(|v| cond_of(CondKind::And(v)));
        let disjunct = prop_oneof![atom.clone(), conj.clone()];
        let disj = prop::collection::vec(disjunct, 2..4).prop_map(|v| cond_of(CondKind::Or(v)));
        prop_oneof![atom, conj, disj]
    })
}

fn expr_of(kind: ExprKind) -> Expr {
    Expr { kind, span: sp() }
}

fn expr() -> impl Strategy<Value = Expr> {
    let evidence = (
        name(),
        prop::option::of(cond()),
        prop::option::of(duration()),
        prop::option::of(int()),
    )
        .prop_map(|(ty, where_, within, count)| {
            expr_of(ExprKind::Evidence(EvidenceRequirement {
                ty,
                where_,
                within: within.map(|d| (d, sp())),
                count: count.map(|n| (n, sp())),
            }))
        });
    let leaf = prop_oneof![
        3 => evidence,
        1 => clause_ref().prop_map(|r| expr_of(ExprKind::Clause(r))),
        1 => Just(expr_of(ExprKind::Attested)),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| expr_of(ExprKind::All(v))),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| expr_of(ExprKind::Any(v))),
            (int(), prop::collection::vec(inner.clone(), 1..4)).prop_map(|(n, of)| expr_of(
                ExprKind::AtLeast {
                    n,
                    n_span: sp(),
                    of
                }
            )),
            inner.prop_map(|e| expr_of(ExprKind::Not(Box::new(e)))),
        ]
    })
}

fn clause() -> impl Strategy<Value = Clause> {
    let item = prop_oneof![
        str_lit().prop_map(ClauseItem::Summary),
        str_lit().prop_map(ClauseItem::Note),
        expr().prop_map(ClauseItem::Requires),
        cond().prop_map(ClauseItem::AppliesIf),
    ];
    let leaf = (
        clause_id(),
        str_lit(),
        prop::option::of(prop::collection::vec(item.clone(), 0..4)),
    )
        .prop_map(|(id, title, body)| Clause {
            id: Name {
                text: id,
                span: sp(),
            },
            title,
            body,
            span: sp(),
        });
    leaf.prop_recursive(3, 12, 3, move |inner| {
        let item = prop_oneof![item.clone(), inner.prop_map(ClauseItem::Clause)];
        (clause_id(), str_lit(), prop::collection::vec(item, 0..4)).prop_map(
            |(id, title, items)| Clause {
                id: Name {
                    text: id,
                    span: sp(),
                },
                title,
                body: Some(items),
                span: sp(),
            },
        )
    })
}

fn referential() -> impl Strategy<Value = Referential> {
    let key = prop::sample::select(vec![
        RefAttrKey::Edition,
        RefAttrKey::Publisher,
        RefAttrKey::Url,
        RefAttrKey::Language,
        RefAttrKey::Source,
        RefAttrKey::Note,
    ]);
    (
        ref_id(),
        str_lit(),
        prop::collection::vec(
            (key, str_lit()).prop_map(|(key, value)| RefAttr { key, value }),
            0..4,
        ),
        prop::collection::vec(clause(), 0..3),
    )
        .prop_map(|(id, title, attrs, clauses)| Referential {
            id: Name {
                text: id,
                span: sp(),
            },
            title,
            attrs,
            clauses,
            span: sp(),
        })
}

fn field_type() -> impl Strategy<Value = FieldType> {
    prop::sample::select(vec![
        FieldType::Text,
        FieldType::Number,
        FieldType::Date,
        FieldType::Bool,
        FieldType::List,
    ])
}

/// A declared type: plain, or text / list of text with a closed set.
fn value_type() -> impl Strategy<Value = ValueType> {
    let set = || prop::option::of(prop::collection::vec(str_lit(), 1..4));
    prop_oneof![
        field_type().prop_map(ValueType::plain),
        set().prop_map(|one_of| ValueType {
            ty: FieldType::Text,
            of_text: false,
            one_of,
            span: sp(),
        }),
        set().prop_map(|one_of| ValueType {
            ty: FieldType::List,
            of_text: true,
            one_of,
            span: sp(),
        }),
    ]
}

fn profile() -> impl Strategy<Value = Profile> {
    let fact = (name(), value_type()).prop_map(|(name, ty)| ProfileFact { name, ty });
    (str_lit(), prop::collection::vec(fact, 0..4)).prop_map(|(title, facts)| Profile {
        title,
        facts,
        span: sp(),
    })
}

fn evidence_type() -> impl Strategy<Value = EvidenceType> {
    let item = prop_oneof![
        duration().prop_map(|d| EvidenceItem::Valid(d, sp())),
        (name(), value_type()).prop_map(|(n, t)| EvidenceItem::Field(n, t)),
    ];
    (
        name(),
        str_lit(),
        prop::option::of(prop::collection::vec(item, 0..4)),
    )
        .prop_map(|(name, title, body)| EvidenceType {
            name,
            title,
            body,
            span: sp(),
        })
}

fn relation() -> impl Strategy<Value = Relation> {
    prop::sample::select(vec![
        Relation::Equals,
        Relation::SubsetOf,
        Relation::SupersetOf,
        Relation::Intersects,
        Relation::Disjoint,
    ])
}

fn mapping() -> impl Strategy<Value = Mapping> {
    let attr = prop_oneof![
        str_lit().prop_map(MappingAttr::Source),
        str_lit().prop_map(MappingAttr::Note)
    ];
    let link_attr = prop_oneof![
        int().prop_map(|n| LinkAttr::Strength(n, sp())),
        prop::sample::select(vec![
            Rationale::Syntactic,
            Rationale::Semantic,
            Rationale::Functional
        ])
        .prop_map(|r| LinkAttr::Rationale(r, sp())),
        str_lit().prop_map(LinkAttr::Note),
        str_lit().prop_map(LinkAttr::Source),
    ];
    let link = (
        clause_ref(),
        relation(),
        clause_ref(),
        prop::option::of(prop::collection::vec(link_attr, 0..4)),
    )
        .prop_map(|(a, relation, b, body)| Link {
            a,
            relation,
            relation_span: sp(),
            b,
            body,
            span: sp(),
        });
    (
        str_lit(),
        prop::collection::vec(attr, 0..3),
        prop::collection::vec(link, 0..4),
    )
        .prop_map(|(title, attrs, links)| Mapping {
            title,
            attrs,
            links,
            span: sp(),
        })
}

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(vec![
        Status::Met,
        Status::Partial,
        Status::NotMet,
        Status::NotApplicable,
        Status::Unknown,
    ])
}

fn test_block() -> impl Strategy<Value = Test> {
    let item = prop_oneof![
        date().prop_map(|d| TestItem::AsOf(d, sp())),
        (name(), value()).prop_map(|(n, v)| TestItem::Profile(n, v)),
        (
            name(),
            prop::option::of(prop::collection::vec((name(), value()), 0..3))
        )
            .prop_map(|(ty, fields)| TestItem::GivenEvidence {
                ty,
                fields,
                span: sp()
            }),
        (clause_ref(), status()).prop_map(|(clause, status)| TestItem::GivenAssessment {
            clause,
            status,
            span: sp()
        }),
        (clause_ref(), status(), prop::option::of(clause_ref())).prop_map(
            |(clause, status, via)| {
                TestItem::ExpectStatus {
                    clause,
                    status,
                    via,
                    span: sp(),
                }
            }
        ),
        (clause_ref(), relation(), clause_ref()).prop_map(|(a, relation, b)| {
            TestItem::ExpectRelation {
                a,
                relation,
                b,
                span: sp(),
            }
        }),
    ];
    (str_lit(), prop::collection::vec(item, 0..6)).prop_map(|(name, items)| Test {
        name,
        items,
        span: sp(),
    })
}

fn file() -> impl Strategy<Value = File> {
    let item = prop_oneof![
        referential().prop_map(Item::Referential),
        evidence_type().prop_map(Item::Evidence),
        mapping().prop_map(Item::Mapping),
        profile().prop_map(Item::Profile),
        test_block().prop_map(Item::Test),
    ];
    prop::collection::vec(item, 0..4).prop_map(|items| File { items })
}

// ── helpers ────────────────────────────────────────────────────────────────

fn parse(text: &str) -> Result<File, String> {
    syntax::parse(FileId(0), text).map_err(|errors| {
        errors
            .iter()
            .map(|d| {
                format!(
                    "{} at {}..{}: {}",
                    d.code, d.primary.span.start, d.primary.span.end, d.message
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    })
}

fn front_end(text: &str) -> refmap::internal::model::Loaded {
    let mut sources = SourceMap::new();
    sources.add("fuzz.rules", text);
    load::front_end(sources, Options::default())
}

/// The `//` comments of a text, strings skipped, trimmed.
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek().is_some_and(|&(_, c)| c == '/') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                out.push(text[i..end].trim_end().to_string());
                while chars.peek().is_some_and(|&(j, _)| j < end) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out
}

/// Pieces of the language to splice into texts.
const TOKENS: &[&str] = &[
    "referential",
    "clause",
    "evidence",
    "mapping",
    "test",
    "requires",
    "applies",
    "if",
    "all",
    "any",
    "at",
    "least",
    "of",
    "not",
    "where",
    "within",
    "count",
    ">=",
    "==",
    "<",
    "or",
    "and",
    "in",
    "contains",
    "valid",
    "field",
    ":",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    "\"",
    "\"s\"",
    "\\",
    "\\r",
    "\\q",
    "\\n",
    "\\\"",
    "\r",
    "\t",
    "//",
    "// c\n",
    "\n",
    " ",
    "12",
    "-1.5",
    "2026-02-30",
    "2026-01-01",
    "months",
    "days",
    "LABELIX:4.2",
    "A:1",
    "subset-of",
    "equals",
    "disjoint",
    "met",
    "via",
    "as-of",
    "given",
    "expect",
    "relation",
    "strength",
    "0",
    "11",
    "99999999999999999999999",
    "attested",
    "notes",
    "x",
    "é",
    "true",
    "[]",
    "profile \"p\" {",
    "fact",
    "one of",
    "list of text",
    ": text one of [\"a\", \"b\"]",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|v| v.join(" "))
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, &'static str),
    Duplicate(usize, usize),
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let m = prop_oneof![
        (any::<usize>(), 0usize..8).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (any::<usize>(), 0usize..30).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
    ];
    prop::collection::vec(m, 1..4)
}

/// Applies mutations at char boundaries.
fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut s = text.to_string();
    let boundary = |s: &str, at: usize| -> usize {
        if s.is_empty() {
            return 0;
        }
        let mut i = at % (s.len() + 1);
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    for m in mutations {
        match *m {
            Mutation::Delete(at, n) => {
                let a = boundary(&s, at);
                let b = boundary(&s, a.saturating_add(n).min(s.len()));
                s.replace_range(a..b.max(a), "");
            }
            Mutation::Insert(at, t) => {
                let a = boundary(&s, at);
                s.insert_str(a, t);
            }
            Mutation::Duplicate(at, n) => {
                let a = boundary(&s, at);
                let b = boundary(&s, a.saturating_add(n).min(s.len())).max(a);
                let piece = s[a..b].to_string();
                s.insert_str(b, &piece);
            }
        }
    }
    s
}

/// A hand-written file touching every construct, comments included.
const SEED: &str = r#"// seed
evidence maintenance_record "Preventive maintenance" { // trailing
  valid 12 months
  field modality: text one of ["CT", "MR"] // closed
  field dose: number
  field scopes: list of text
}
profile "Site" {
  // a fact
  fact modalities: list of text one of ["CT", "MR", "US"]
  fact poct: bool
}
referential LABELIX "Label \"qualité\"\n" {
  publisher "FNMR" note "n"
  clause 4 "Équipements" {
    summary "s" note "n"
    applies if modality in ["CT", "MR"] or not (dose > 1 and dose <= 2.5)
    requires all {
      evidence maintenance_record where modality == "CT" within 12 months count >= 2
      any { clause LABELIX:4.2 attested } // trailing
      at least 1 of { not attested }
    }
    clause 4.2 "Maintenance" {}
  }
}
mapping "m" { source "s"
  LABELIX:4.2 subset-of LABELIX:4 { strength 8 rationale semantic note "n" source "s" }
  LABELIX:4 equals LABELIX:4
}
test "t" {
  as-of 2026-11-01
  profile modalities ["CT"]
  given evidence maintenance_record { date 2026-03-01 modality "CT" }
  given assessment LABELIX:4 met
  expect LABELIX:4.2 met via LABELIX:4
  expect relation LABELIX:4.2 subset-of LABELIX:4
}
"#;

/// Referentials and mappings in the subset the hand-written reader takes
/// (titles, summaries, notes, sub-clauses, links with bodies), trivia in
/// every place it may stand, and one referential it hands to pest.
const FAST_SEED: &str = "// fast\r
referential FW-1 \"Framework \\\"one\\\"\" { edition \"2022\" publisher \"p\"
  url \"u\" language \"fr\" source \"s\" note \"n\"// c
  clause 1 \"Un\" { summary \"s\" note \"a\\tb\\n\"
    clause 1.a \"Sous\" {} clause 1.b \"Sous 2\"
  }
  clause 2.1.X \"Deux\"//c
}
referential R2 \"r\" {clause 9 \"n\" { requires attested }}
mapping \"FW-1 <-> R2\" { source \"gen\" note \"n\"
  FW-1:1 intersects R2:9
  FW-1:1.a subset-of R2:9 { strength 10 rationale functional note \"x\" source \"y\" }
  FW-1:2.1.X\tdisjoint//c
  R2:9 {}
  source:1 equals note:2 { rationale syntactic }
}
mapping \"m\"{}
";

/// `syntax::parse` (fast path, chunks) and pest alone give the same tree,
/// spans included, or the same diagnostics.
fn check_same_as_reference(text: &str) -> Result<(), TestCaseError> {
    let fast = format!("{:?}", syntax::parse(FileId(0), text));
    let reference = format!("{:?}", syntax::parse_reference(FileId(0), text));
    prop_assert_eq!(fast, reference, "text:\n{}", text);
    Ok(())
}

/// For a text that parses: formatting keeps the tree and the comments and
/// is a fixed point.
fn check_format_round_trip(text: &str) -> Result<(), TestCaseError> {
    let Ok(tree) = parse(text) else { return Ok(()) };
    let once = syntax::format(&tree, text);
    let again = parse(&once)
        .map_err(|e| TestCaseError::fail(format!("formatted text does not parse: {e}\n{once}")))?;
    prop_assert_eq!(&again, &tree, "formatting changed the tree:\n{}", once);
    let twice = syntax::format(&again, &once);
    prop_assert_eq!(&twice, &once, "formatting is not idempotent");
    prop_assert_eq!(
        comments(&once),
        comments(text),
        "comments lost or reordered:\n{}",
        once
    );
    Ok(())
}

// ── properties ─────────────────────────────────────────────────────────────

proptest! {
    #![proptest_config(Config { cases: 1000, ..Config::default() })]

    #[test]
    fn generated_trees_print_and_parse_back(tree in file()) {
        let text = syntax::format(&tree, "");
        let parsed = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&parsed, &tree, "text:\n{}", text);
        check_same_as_reference(&text)?;
        prop_assert_eq!(syntax::format(&parsed, &text), text);
    }

    #[test]
    fn mutated_fast_path_files_parse_as_pest_does(muts in mutations()) {
        check_same_as_reference(&mutate(FAST_SEED, &muts))?;
    }

    #[test]
    fn fast_path_pieces_parse_as_pest_does(
        holes in prop::collection::vec(
            prop_oneof![8 => Just(String::new()), 1 => "[a\\\\\"rnt0-9.:_ {}/\n-]{1,4}"],
            12,
        )
    ) {
        // Every token of the subset, with random text in and around it.
        let h = |i: usize| holes[i].as_str();
        let text = format!(
            "referential R{} \"{}\" {{ note{} \"x\" clause 1{} \"{}\"{} {{ summary \"{}\" \
             clause 1.2{} \"t\" }} }}\nmapping \"{}\" {{ R:1{} equals{} R:2 {{ strength 7{} \
             rationale semantic{} note \"{}\" }} }}",
            h(0), h(1), h(2), h(3), h(4), h(5), h(6), h(7), h(8), h(9), h(10), h(11), h(0), h(1),
        );
        check_same_as_reference(&text)?;
        if holes.iter().all(String::is_empty) {
            prop_assert!(parse(&text).is_ok(), "the template itself must parse: {}", text);
        }
    }

    #[test]
    fn mutated_files_never_panic_and_round_trip(muts in mutations()) {
        let text = mutate(SEED, &muts);
        let _ = front_end(&text);
        check_format_round_trip(&text)?;
    }
}

proptest! {
    #![proptest_config(Config { cases: 400, ..Config::default() })]

    #[test]
    fn mutated_generated_files_never_panic(tree in file(), muts in mutations()) {
        let text = mutate(&syntax::format(&tree, ""), &muts);
        let _ = front_end(&text);
        check_format_round_trip(&text)?;
        check_same_as_reference(&text)?;
    }
}

proptest! {
    #![proptest_config(Config { cases: 3000, ..Config::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = syntax::parse(FileId(0), &text);
        let _ = front_end(&text);
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        let _ = front_end(&text);
        check_format_round_trip(&text)?;
        check_same_as_reference(&text)?;
    }
}

#[test]
fn the_fast_seed_parses_as_pest_does() {
    let tree = parse(FAST_SEED).unwrap();
    assert_eq!(tree.items.len(), 4);
    check_same_as_reference(FAST_SEED).unwrap();
}

#[test]
fn the_seed_parses() {
    // The mutation properties are only worth something if the seed is valid.
    assert!(parse(SEED).is_ok(), "{:?}", parse(SEED).err());
    assert!(!front_end(SEED).has_errors());
}
