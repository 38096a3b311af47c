//! One inventory, two formats: generated inventories (valid, and broken in
//! every way an item can be) are written as JSON and as YAML (block
//! mappings, flow items), and both texts must load to the same inventory or
//! to the same problems (codes, places, messages). The YAML route and the
//! JSON route share the raw form and the checker, so this checks that each
//! reader hands the checker the same thing; problems that name a value must
//! point at that value in either text.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;

use refmap::internal::inventory::{codes, load, InventoryError};
use refmap::internal::load::{front_end, Options};
use refmap::internal::model::Rulebook;
use refmap::internal::source::SourceMap;

const RULES: &str = r#"
evidence record "A record" {
  valid 12 months
  field n: number
  field tags: list
}

evidence note "A note" {
  field topic: text
}

referential LAB "Label" {
  clause 4 "Equipment" {
    clause 4.1 "Inventory"
    clause 4.2 "Maintenance" {
      requires evidence record
    }
  }
  clause 5 "Staff"
}

referential ISO "Standard" {
  clause 6.4 "Equipment"
  clause 6.5 "Calibration"
}
"#;

fn rulebook() -> Rulebook {
    let mut sources = SourceMap::new();
    sources.add("props.rules", RULES);
    let loaded = front_end(sources, Options::default());
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    loaded.rulebook
}

/// A document as generated: mappings may repeat keys, scalars are written
/// as they stand in both formats (JSON scalars are YAML flow scalars).
#[derive(Debug, Clone)]
enum Doc {
    Scalar(String),
    List(Vec<Doc>),
    Map(Vec<(String, Doc)>),
}

fn text(s: &str) -> Doc {
    Doc::Scalar(serde_json::to_string(s).unwrap())
}

fn flow(d: &Doc) -> String {
    match d {
        Doc::Scalar(s) => s.clone(),
        Doc::List(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Doc::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{}: {}", serde_json::to_string(k).unwrap(), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// JSON: the whole document in flow style.
fn json(d: &Doc) -> String {
    flow(d)
}

/// YAML: the top-level mapping in block style, lists of items as block
/// sequences of flow mappings, the rest in flow style.
fn yaml(d: &Doc) -> String {
    let Doc::Map(entries) = d else {
        return format!("# not a mapping\n{}\n", flow(d));
    };
    if entries.is_empty() {
        return "# an empty inventory\n{}\n".to_string();
    }
    let mut out = String::from("# an inventory\n");
    for (k, v) in entries {
        let key = serde_json::to_string(k).unwrap();
        match v {
            Doc::List(items) if !items.is_empty() => {
                out.push_str(&format!("{key}:\n"));
                for item in items {
                    out.push_str(&format!("  - {}\n", flow(item)));
                }
            }
            Doc::Map(facts) if !facts.is_empty() => {
                out.push_str(&format!("{key}:\n"));
                for (fk, fv) in facts {
                    let fk = serde_json::to_string(fk).unwrap();
                    out.push_str(&format!("  {fk}: {}\n", flow(fv)));
                }
            }
            _ => out.push_str(&format!("{key}: {}\n", flow(v))),
        }
    }
    out
}

fn pick(values: &[&'static str]) -> impl Strategy<Value = Doc> {
    prop::sample::select(values.to_vec()).prop_map(|s| Doc::Scalar(s.to_string()))
}

/// Scalars and values an item may hold: mostly right, sometimes not.
fn odd_value() -> impl Strategy<Value = Doc> {
    prop_oneof![
        pick(&["null", "3", "true", "2.5", r#""""#, r#""x""#]),
        Just(Doc::List(vec![])),
        Just(Doc::Map(vec![])),
        Just(Doc::List(vec![text("LAB:4")])),
    ]
}

fn clause() -> impl Strategy<Value = Doc> {
    prop_oneof![
        8 => pick(&[
            r#""LAB:4""#, r#""LAB:4.1""#, r#""LAB:4.2""#, r#""LAB:5""#, r#""ISO:6.4""#,
            r#""ISO:6.5""#, r#""LAB:\u0034.1""#,
        ]),
        1 => pick(&[r#""LAB:9""#, r#""lab:4""#, r#""LAB:4.2 ""#, r#""ISO:6.6""#]),
        1 => odd_value(),
    ]
}

fn status() -> impl Strategy<Value = Doc> {
    prop_oneof![
        8 => pick(&[r#""met""#, r#""partial""#, r#""not-met""#, r#""not-applicable""#, r#""unknown""#, r#""m\u0065t""#]),
        1 => pick(&[r#""done""#, r#""Met""#]),
        1 => odd_value(),
    ]
}

fn key(usual: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        12 => prop::sample::select(usual.to_vec()).prop_map(str::to_string),
        1 => prop::sample::select(vec!["Clause", "note", "stat\u{e9}", ""]).prop_map(str::to_string),
    ]
}

/// One assessment: the usual keys (sometimes one left out, repeated or
/// unknown), in any order; now and then not a mapping.
fn assessment() -> impl Strategy<Value = Doc> {
    let usual = (
        clause(),
        status(),
        prop::option::of(pick(&[r#""auditor""#, r#""Dr. \u00c9lise""#, "7"])),
    )
        .prop_map(|(c, s, b)| {
            let mut entries = vec![("clause".to_string(), c), ("status".to_string(), s)];
            if let Some(b) = b {
                entries.push(("by".to_string(), b));
            }
            entries
        });
    let odd = prop::collection::vec(
        (
            key(&["clause", "status", "by"]),
            prop_oneof![clause(), status()],
        ),
        0..4,
    );
    (
        prop_oneof![6 => usual, 2 => odd],
        any::<bool>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(mut entries, reversed, at)| {
            if reversed {
                entries.reverse();
            }
            if !entries.is_empty() && at.index(10) == 0 {
                let again = entries[at.index(entries.len())].clone();
                entries.push(again);
            }
            Doc::Map(entries)
        })
}

fn date() -> impl Strategy<Value = Doc> {
    prop_oneof![
        6 => pick(&[r#""2025-06-01""#, r#""2026-01-15""#, r#""2024-02-29""#]),
        1 => pick(&[r#""2026-02-30""#, r#""01/03/2026""#, "20260101", "null"]),
    ]
}

/// One evidence item: the usual keys, sometimes wrong.
fn evidence() -> impl Strategy<Value = Doc> {
    let id =
        prop_oneof![4 => pick(&[r#""R1""#, r#""R2""#, r#""N1""#]), 1 => pick(&["7", "null", "[]"])];
    let ty =
        prop_oneof![6 => pick(&[r#""record""#, r#""note""#]), 1 => pick(&[r#""recrod""#, "3"])];
    let field = prop_oneof![
        pick(&["2", "2.5", r#""two""#, "true"]).prop_map(|v| ("n".to_string(), v)),
        pick(&[r#""CT""#, "4"]).prop_map(|v| ("topic".to_string(), v)),
        Just((
            "tags".to_string(),
            Doc::List(vec![text("a"), Doc::Scalar("1".into())])
        )),
        pick(&[r#""x""#]).prop_map(|v| ("colour".to_string(), v)),
    ];
    let fields = prop::collection::vec(field, 0..3).prop_map(Doc::Map);
    (
        prop::option::of(id),
        prop::option::of(ty),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(fields),
        key(&["ref"]),
    )
        .prop_map(|(id, ty, date, expires, fields, extra)| {
            let mut entries = Vec::new();
            let named = [
                ("id", id),
                ("type", ty),
                ("date", date),
                ("expires", expires),
                ("fields", fields),
            ];
            for (k, v) in named {
                if let Some(v) = v {
                    entries.push((k.to_string(), v));
                }
            }
            entries.push((extra, text("GED/x.pdf")));
            Doc::Map(entries)
        })
}

/// A whole inventory: its top-level entries in any order, sometimes
/// repeated, missing or wrong.
fn inventory() -> impl Strategy<Value = Doc> {
    let entry = prop_oneof![
        3 => prop::collection::vec(assessment(), 0..8).prop_map(|a| ("assessments".to_string(), Doc::List(a))),
        2 => prop::collection::vec(evidence(), 0..4).prop_map(|e| ("evidence".to_string(), Doc::List(e))),
        1 => date().prop_map(|d| ("as_of".to_string(), d)),
        1 => prop_oneof![
            Just(Doc::Map(vec![("modalities".into(), Doc::List(vec![text("CT")]))])),
            Just(Doc::Map(vec![("teleradiology".into(), Doc::Scalar("true".into()))])),
            pick(&["null", "3"]),
        ].prop_map(|p| ("profile".to_string(), p)),
        1 => odd_value().prop_map(|v| ("sites".to_string(), v)),
        1 => odd_value().prop_map(|v| ("assessments".to_string(), v)),
    ];
    (
        prop::collection::vec(entry, 0..5),
        prop::option::of(pick(&[r#""Site""#, r#""Caf\u00e9""#, "4"])),
    )
        .prop_map(|(mut entries, site)| {
            if let Some(site) = site {
                entries.insert(0, ("site".to_string(), site));
            }
            Doc::Map(entries)
        })
}

/// A valid inventory: each clause assessed once, unique ids, dated
/// records, entries in any order.
fn clean() -> impl Strategy<Value = Doc> {
    let clauses = prop::sample::subsequence(
        vec![
            r#""LAB:4""#,
            r#""LAB:4.1""#,
            r#""LAB:\u0034.2""#,
            r#""LAB:5""#,
            r#""ISO:6.4""#,
            r#""ISO:6.5""#,
        ],
        0..=6,
    );
    let statuses = prop::collection::vec(
        (
            pick(&[
                r#""met""#,
                r#""partial""#,
                r#""not-met""#,
                r#""not-applicable""#,
                r#""unknown""#,
                r#""m\u0065t""#,
            ]),
            prop::option::of(pick(&[r#""auditor""#, r#""Dr. \u00c9lise""#])),
            any::<bool>(),
        ),
        6,
    );
    let assessments = (clauses, statuses).prop_map(|(clauses, statuses)| {
        let items = clauses
            .into_iter()
            .zip(statuses)
            .map(|(c, (s, by, reversed))| {
                let mut entries = vec![
                    ("clause".to_string(), Doc::Scalar(c.to_string())),
                    ("status".to_string(), s),
                ];
                if let Some(by) = by {
                    entries.push(("by".to_string(), by));
                }
                if reversed {
                    entries.reverse();
                }
                Doc::Map(entries)
            })
            .collect();
        ("assessments".to_string(), Doc::List(items))
    });
    let items = prop::collection::vec(
        (
            any::<bool>(),
            pick(&[r#""2025-06-01""#, r#""2026-01-15""#]),
            pick(&["2", "2.5"]),
        ),
        0..4,
    )
    .prop_map(|items| {
        let items = items
            .into_iter()
            .enumerate()
            .map(|(i, (record, date, n))| {
                let mut entries = vec![("id".to_string(), text(&format!("E{i}")))];
                if record {
                    entries.push(("type".into(), text("record")));
                    entries.push(("date".into(), date));
                    entries.push((
                        "fields".into(),
                        Doc::Map(vec![
                            ("n".into(), n),
                            ("tags".into(), Doc::List(vec![text("a")])),
                        ]),
                    ));
                } else {
                    entries.push(("type".into(), text("note")));
                    entries.push((
                        "fields".into(),
                        Doc::Map(vec![("topic".into(), text("CT"))]),
                    ));
                }
                Doc::Map(entries)
            })
            .collect();
        ("evidence".to_string(), Doc::List(items))
    });
    let profile = Just((
        "profile".to_string(),
        Doc::Map(vec![(
            "modalities".into(),
            Doc::List(vec![text("CT"), text("MR")]),
        )]),
    ));
    (assessments, items, profile, any::<prop::sample::Index>()).prop_map(|(a, e, p, at)| {
        let mut entries = vec![a, e, p, ("as_of".to_string(), text("2026-06-01"))];
        let i = at.index(entries.len() + 1);
        entries.insert(i, ("site".to_string(), text("Site")));
        Doc::Map(entries)
    })
}

/// Checks that problems naming a clause point at it in `text`.
fn points_at_values(text: &str, e: &InventoryError) -> Result<(), TestCaseError> {
    for p in &e.problems {
        prop_assert!(
            p.span.start <= p.span.end && p.span.end <= text.len(),
            "{p:?}"
        );
        if p.code == codes::UNKNOWN_CLAUSE {
            let named = p.message.split('`').nth(1).unwrap_or("");
            let under = text.get(p.span.start..p.span.end).unwrap_or("");
            // Text with escapes is not borrowed from the file: the
            // problem then points at the item.
            prop_assert!(
                under == named || under.starts_with(['{', '-']),
                "`{}` under the span of {:?} in\n{}",
                under,
                p,
                text
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn json_and_yaml_load_alike(doc in prop_oneof![inventory(), clean()]) {
        let book = rulebook();
        let (j, y) = (json(&doc), yaml(&doc));
        let from_json = load(&book, "site", &j);
        let from_yaml = load(&book, "site", &y);
        prop_assert_eq!(&from_json, &from_yaml, "JSON:\n{}\nYAML:\n{}", j, y);
        if let (Err(ej), Err(ey)) = (&from_json, &from_yaml) {
            points_at_values(&j, ej)?;
            points_at_values(&y, ey)?;
        }
    }
}

/// The generated inventories reach both outcomes often, with assessments,
/// evidence and many codes, so the property above compares loaded
/// inventories and problems of many kinds.
#[test]
fn generated_inventories_load_and_fail() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let book = rulebook();
    let mut runner = TestRunner::deterministic();
    let (mut ok, mut failed, mut assessed, mut with_evidence) = (0, 0, 0, 0);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..1000 {
        let doc = prop_oneof![inventory(), clean()]
            .new_tree(&mut runner)
            .unwrap()
            .current();
        match load(&book, "site", &json(&doc)) {
            Ok(inv) => {
                ok += 1;
                assessed += usize::from(!inv.assessments.is_empty());
                with_evidence += usize::from(!inv.evidence.is_empty());
            }
            Err(e) => {
                failed += 1;
                seen.extend(e.problems.iter().map(|p| p.code));
            }
        }
    }
    assert!(
        ok >= 100 && failed >= 100 && assessed >= 50 && with_evidence >= 20,
        "ok {ok}, failed {failed}, with assessments {assessed}, with evidence {with_evidence}"
    );
    assert!(seen.len() >= 12, "{seen:?}");
}
