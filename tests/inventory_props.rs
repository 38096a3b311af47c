//! The shortcut `inventory::load` takes for usual JSON inventories (their
//! assessments read straight into the model) against the reference route,
//! `inventory::load_reference`: on generated inventories, valid and broken
//! in every way an assessment list can be, both give the same inventory or
//! the same diagnostics.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;

use refmap::internal::inventory::{load, load_reference};
use refmap::internal::load::{front_end, Options};
use refmap::internal::model::Rulebook;
use refmap::internal::source::SourceMap;

const RULES: &str = r#"
evidence record "A record" {
  valid 12 months
  field n: number
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

/// Values a field of an assessment may take: mostly right, sometimes not.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            r#""LAB:4""#, r#""LAB:4.1""#, r#""LAB:4.2""#, r#""LAB:5""#, r#""ISO:6.4""#, r#""ISO:6.5""#,
        ]).prop_map(str::to_string),
        4 => prop::sample::select(vec![
            r#""met""#, r#""partial""#, r#""not-met""#, r#""not-applicable""#, r#""unknown""#,
        ]).prop_map(str::to_string),
        2 => prop::sample::select(vec![r#""auditor""#, r#""Dr. \u00c9lise""#, r#""a \"quoted\" name""#])
            .prop_map(str::to_string),
        1 => prop::sample::select(vec![
            r#""LAB:9""#, r#""lab:4""#, r#""LAB:4.2 ""#, r#""LAB:\u0034.1""#, r#""done""#, "null", "3",
            "true", "[]", "{}", r#"["LAB:4"]"#, r#""""#, "\"raw\ttab\"",
        ]).prop_map(str::to_string),
    ]
}

/// One assessment item: the usual keys, or odd ones, in any order.
fn item() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        8 => prop::sample::select(vec!["clause", "status", "by"]),
        1 => prop::sample::select(vec!["Clause", "note", "stat\\u0075s", ""]),
    ];
    let usual = (value(), value(), value()).prop_map(|(c, s, b)| {
        let clause = if c.starts_with("\"LAB") || c.starts_with("\"ISO") {
            c
        } else {
            r#""LAB:5""#.into()
        };
        let status = if s.starts_with("\"m")
            || s.starts_with("\"p")
            || s.starts_with("\"n")
            || s.starts_with("\"u")
        {
            s
        } else {
            r#""met""#.into()
        };
        format!(r#"{{"clause": {clause}, "status": {status}, "by": {b}}}"#)
    });
    let odd = prop::collection::vec((key, value()), 0..5).prop_map(|kv| {
        let fields: Vec<String> = kv.iter().map(|(k, v)| format!(r#""{k}": {v}"#)).collect();
        format!("{{{}}}", fields.join(", "))
    });
    prop_oneof![
        6 => usual,
        3 => odd,
        1 => prop::sample::select(vec!["null", "3", r#""LAB:4""#, "[]"]).prop_map(str::to_string),
    ]
}

/// A whole inventory: its top-level entries in any order, sometimes
/// repeated, missing or wrong.
fn inventory() -> impl Strategy<Value = String> {
    let assessments = prop_oneof![
        8 => prop::collection::vec(item(), 0..8).prop_map(|items| format!("[{}]", items.join(", "))),
        1 => prop::sample::select(vec!["null", "{}", r#""none""#, "3"]).prop_map(str::to_string),
    ];
    let entry = prop_oneof![
        3 => assessments.prop_map(|a| format!(r#""assessments": {a}"#)),
        2 => prop::sample::select(vec![r#""site": "Site A""#, r#""site": "Caf\u00e9""#, r#""site": 4"#])
            .prop_map(str::to_string),
        1 => prop::sample::select(vec![r#""as_of": "2026-01-01""#, r#""as_of": "2026-02-30""#])
            .prop_map(str::to_string),
        1 => prop::sample::select(vec![
            r#""evidence": []"#,
            r#""evidence": [{"id": "R1", "type": "record", "date": "2025-06-01", "fields": {"n": 2}}]"#,
            r#""evidence": [{"id": "R1", "type": "recrod"}]"#,
            r#""evidence": null"#,
        ]).prop_map(str::to_string),
        1 => prop::sample::select(vec![r#""profile": {"modalities": ["CT"]}"#, r#""sites": 1"#])
            .prop_map(str::to_string),
    ];
    (prop::collection::vec(entry, 0..6), any::<bool>()).prop_map(|(entries, site_first)| {
        let mut all = entries;
        if site_first {
            all.insert(0, r#""site": "Site""#.to_string());
        }
        format!("{{{}}}", all.join(",\n "))
    })
}

/// A valid inventory: each clause at most once, any key order, `by`
/// sometimes left out, text sometimes escaped.
fn clean() -> impl Strategy<Value = String> {
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
    let status = prop::sample::select(vec![
        r#""met""#,
        r#""partial""#,
        r#""not-met""#,
        r#""not-applicable""#,
        r#""unknown""#,
        r#""m\u0065t""#,
    ]);
    let by = prop::option::of(prop::sample::select(vec![
        r#""auditor""#,
        r#""Dr. \u00c9lise""#,
        "\"raw\ttab\"",
    ]));
    // Now and then one item repeats one of its keys (then the file is refused).
    let repeat = prop::option::weighted(
        0.15,
        (
            0..6usize,
            prop::sample::select(vec!["clause", "status", "by"]),
        ),
    );
    (clauses, prop::collection::vec((status, by, any::<bool>()), 6), any::<bool>(), repeat).prop_map(
        |(clauses, details, evidence_first, repeat)| {
            let items: Vec<String> = clauses
                .iter()
                .zip(&details)
                .enumerate()
                .map(|(i, (c, (s, b, reversed)))| {
                    let mut fields = vec![format!(r#""clause": {c}"#), format!(r#""status": {s}"#)];
                    if let Some(b) = b {
                        fields.push(format!(r#""by": {b}"#));
                    }
                    match repeat {
                        Some((j, "clause")) if j == i => fields.push(format!(r#""clause": {c}"#)),
                        Some((j, "status")) if j == i => fields.push(format!(r#""status": {s}"#)),
                        Some((j, _)) if j == i => fields.push(r#""by": "again""#.to_string()),
                        _ => {}
                    }
                    if *reversed {
                        fields.reverse();
                    }
                    format!("{{{}}}", fields.join(", "))
                })
                .collect();
            let evidence = r#""evidence": [{"id": "R1", "type": "record", "date": "2025-06-01", "fields": {"n": 2}}]"#;
            let assessments = format!(r#""assessments" :[ {} ]"#, items.join(" ,\r\n\t"));
            if evidence_first {
                format!(r#"{{"site": "Site", {evidence}, {assessments}}}"#)
            } else {
                format!(r#"{{{assessments}, "as_of": "2026-01-01", "site": "Site"}}"#)
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_json_shortcut_loads_what_the_reference_loads(text in prop_oneof![inventory(), clean()]) {
        let book = rulebook();
        let fast = load(&book, "site.json", &text);
        let reference = load_reference(&book, "site.json", &text);
        prop_assert_eq!(fast, reference, "{}", text);
    }
}

/// The generated inventories reach both outcomes often, so the property
/// above compares loaded inventories and not only errors.
#[test]
fn generated_inventories_load_and_fail() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let book = rulebook();
    let mut runner = TestRunner::deterministic();
    let (mut ok, mut failed, mut assessed) = (0, 0, 0);
    for _ in 0..500 {
        let text = prop_oneof![inventory(), clean()]
            .new_tree(&mut runner)
            .unwrap()
            .current();
        match load_reference(&book, "site.json", &text) {
            Ok(inv) => {
                ok += 1;
                assessed += usize::from(!inv.assessments.is_empty());
            }
            Err(_) => failed += 1,
        }
    }
    assert!(
        ok >= 100 && failed >= 100 && assessed >= 100,
        "ok {ok}, failed {failed}, with assessments {assessed}"
    );
}
