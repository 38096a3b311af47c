//! Strict inventory loading (DESIGN §4): one bad inventory per kind of
//! mistake, under `tests/inputs/inventories/`. Each must be refused with an
//! error naming the file, the item (index and id) and the field, each
//! problem with its own code and the line and column it points at; the
//! error text, the codes with their places and the rendered diagnostics are
//! snapshotted. Good inventories, YAML and JSON, must load to the same
//! thing, and nothing may panic or overflow the stack.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;

use refmap::internal::inventory::{codes, load, Fact, InventoryError, Problem};
use refmap::internal::load::{front_end, Options};
use refmap::internal::model::Rulebook;
use refmap::internal::source::SourceMap;
use refmap::internal::syntax::ast::Status;

/// Rules declaring every field type, so each type mismatch can be tried.
const RULES: &str = r#"
evidence maintenance_record "Preventive maintenance report" {
  valid 12 months
  field modality: text
  field devices: number
  field signed: bool
  field checked_on: date
  field tags: list
}

evidence procedure "Written procedure" {
  field topic: text
}

referential LABELIX "Label qualité en imagerie médicale" {
  clause 4 "Équipements" {
    clause 4.2 "Maintenance" {
      requires all { evidence maintenance_record evidence procedure }
    }
  }
}
"#;

fn rulebook() -> Rulebook {
    let mut sources = SourceMap::new();
    sources.add("inventory.rules", RULES);
    let loaded = front_end(sources, Options::default());
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    loaded.rulebook
}

fn input(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inputs/inventories")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Loads an input that must be refused, named `inventories/NAME`.
fn refused(name: &str) -> InventoryError {
    let book = rulebook();
    let shown = format!("inventories/{name}");
    match load(&book, &shown, &input(name)) {
        Ok(inv) => panic!("{name} was accepted: {inv:?}"),
        Err(e) => e,
    }
}

/// Loads an inline text that must be refused.
fn refused_text(name: &str, text: &str) -> InventoryError {
    match load(&rulebook(), name, text) {
        Ok(inv) => panic!("{name} was accepted: {inv:?}"),
        Err(e) => e,
    }
}

/// The only problem of an error (fails when there are several).
fn only(e: &InventoryError) -> &Problem {
    assert_eq!(e.problems.len(), 1, "expected one problem:\n{e}");
    &e.problems[0]
}

/// The code and `line:column` of the only problem of an error.
fn coded(e: &InventoryError) -> (&'static str, String) {
    let p = only(e);
    (p.code, e.location(p).to_string())
}

/// Asserts that the rendered error names the file and every part given.
fn names(e: &InventoryError, file: &str, parts: &[&str]) {
    let text = e.to_string();
    assert_eq!(e.file, file);
    assert!(
        text.starts_with(&format!("{file}: ")),
        "file not named:\n{text}"
    );
    for part in parts {
        assert!(text.contains(part), "`{part}` not named:\n{text}");
    }
}

#[test]
fn every_bad_inventory_is_refused_and_snapshotted() {
    let book = rulebook();
    insta::glob!("inputs/inventories/*.*", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let shown = format!("inventories/{name}");
        let text = std::fs::read_to_string(path).unwrap();
        match load(&book, &shown, &text) {
            Ok(inv) => panic!("{name} was accepted: {inv:?}"),
            Err(e) => {
                assert!(!e.problems.is_empty());
                assert!(e.to_string().starts_with(&format!("{shown}: ")));
                let places: Vec<String> = e
                    .problems
                    .iter()
                    .map(|p| format!("{} at {}", p.code, e.location(p)))
                    .collect();
                insta::assert_snapshot!(format!(
                    "{e}\n\n{}\n\n{}",
                    places.join("\n"),
                    e.render(false)
                ));
            }
        }
    });
}

#[test]
fn malformed_yaml_names_the_line() {
    let e = refused("malformed_yaml.yaml");
    assert_eq!(coded(&e), (codes::MALFORMED, "5:4".into()), "{e}");
    names(&e, "inventories/malformed_yaml.yaml", &["line 5"]);
}

#[test]
fn duplicate_top_level_key_names_the_key_and_its_line() {
    let e = refused("duplicate_key_top.yaml");
    names(
        &e,
        "inventories/duplicate_key_top.yaml",
        &["duplicate key `site`"],
    );
    // The second `site` is on line 3; pointing at line 1 sends the reader
    // to the wrong place.
    assert_eq!(coded(&e), (codes::DUPLICATE_KEY, "3:1".into()), "{e}");
}

#[test]
fn duplicate_key_in_an_item_names_the_item_and_the_field() {
    let e = refused("duplicate_key_item.yaml");
    // The item is named by its id as everywhere else, and the place is the
    // second `date` (line 6), not the start of the item.
    names(
        &e,
        "inventories/duplicate_key_item.yaml",
        &[
            "evidence[0] (id EV-001), field `date`",
            "duplicate key `date`",
        ],
    );
    assert_eq!(coded(&e), (codes::DUPLICATE_KEY, "6:5".into()), "{e}");
}

#[test]
fn duplicate_key_in_json_is_refused() {
    let e = refused("json_duplicate_key.json");
    names(
        &e,
        "inventories/json_duplicate_key.json",
        &[
            "evidence[0] (id EV-001), field `type`",
            "duplicate key `type`",
        ],
    );
    assert_eq!(coded(&e), (codes::DUPLICATE_KEY, "4:76".into()), "{e}");
}

/// A repeated key is found in small and large mappings, and anywhere a
/// mapping is read.
#[test]
fn a_repeated_key_is_found_in_small_and_large_mappings() {
    let book = rulebook();
    for size in [3, 16, 17, 40, 100_000] {
        let keys: Vec<String> = (0..size).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!(
            "{{\"site\": \"s\", \"profile\": {{{}, \"k2\": 0, \"k0\": 1}}}}",
            keys.join(", ")
        );
        let e = load(&book, "t.json", &text).unwrap_err();
        let messages: Vec<&str> = e.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            ["duplicate key `k2`", "duplicate key `k0`"],
            "{size}"
        );
        assert!(e.problems.iter().all(|p| p.code == codes::DUPLICATE_KEY));
    }
    for text in [
        "site: s\nevidence:\n  - { id: A, type: procedure, fields: { topic: a, topic: b } }\n",
        "site: s\nassessments:\n  - { clause: \"LABELIX:4\", status: met, status: met }\n",
        "site: s\nassessments:\n  - { clause: \"LABELIX:4\", status: met, note: a, note: b }\n",
        "site: s\nprofile: { a: 1, a: 2 }\n",
    ] {
        let e = refused_text("dup.yaml", text);
        assert!(
            e.problems.iter().any(|p| p.code == codes::DUPLICATE_KEY),
            "{e}"
        );
    }
}

#[test]
fn duplicate_ids_name_both_items() {
    let e = refused("duplicate_id.yaml");
    assert_eq!(coded(&e), (codes::DUPLICATE_ID, "8:9".into()), "{e}");
    let p = only(&e);
    assert_eq!(p.place, "evidence[2] (id EV-001)");
    assert!(p.message.contains("duplicate id `EV-001`"), "{e}");
    assert!(p.message.contains("evidence[0]"), "{e}");
}

#[test]
fn unknown_evidence_type_suggests_the_close_one() {
    let e = refused("unknown_type.yaml");
    assert_eq!(coded(&e), (codes::UNKNOWN_TYPE, "4:11".into()), "{e}");
    let p = only(&e);
    assert_eq!(p.place, "evidence[0] (id EV-001), field `type`");
    assert!(p.message.contains("`maintenance_recrod`"), "{e}");
    assert_eq!(
        p.help.as_deref(),
        Some("did you mean `maintenance_record`?")
    );
}

#[test]
fn unknown_evidence_type_far_from_any_gets_no_guess() {
    let e = refused_text(
        "far.yaml",
        "site: s\nevidence:\n  - { id: X-1, type: zzzzzzzzzzzzzz }\n",
    );
    assert_eq!(coded(&e), (codes::UNKNOWN_TYPE, "3:22".into()), "{e}");
    let p = only(&e);
    assert_eq!(p.place, "evidence[0] (id X-1), field `type`");
    assert!(
        !p.help.as_deref().unwrap_or("").contains("did you mean"),
        "{e}"
    );
}

#[test]
fn missing_id_names_the_index() {
    let e = refused("missing_id.yaml");
    assert_eq!(coded(&e), (codes::MISSING_FIELD, "3:3".into()), "{e}");
    let p = only(&e);
    assert_eq!(p.place, "evidence[0]");
    assert!(p.message.contains("`id`"), "{e}");
}

#[test]
fn missing_type_names_the_item() {
    let e = refused("missing_type.yaml");
    assert_eq!(coded(&e), (codes::MISSING_FIELD, "3:3".into()), "{e}");
    let p = only(&e);
    assert_eq!(p.place, "evidence[0] (id EV-001)");
    assert!(p.message.contains("`type`"), "{e}");
}

#[test]
fn bad_date_format_names_item_and_field() {
    let e = refused("bad_date_format.yaml");
    assert_eq!(coded(&e), (codes::INVALID_DATE, "5:11".into()), "{e}");
    names(
        &e,
        "inventories/bad_date_format.yaml",
        &[
            "evidence[0] (id EV-001), field `date`",
            "`01/03/2026`",
            "YYYY-MM-DD",
        ],
    );
    // The item has a date, badly written: saying it has none is an echo of
    // the first problem, and false.
    only(&e);
}

#[test]
fn impossible_date_is_refused() {
    let e = refused("impossible_date.yaml");
    assert_eq!(coded(&e), (codes::INVALID_DATE, "5:11".into()), "{e}");
    names(
        &e,
        "inventories/impossible_date.yaml",
        &[
            "evidence[0] (id EV-001), field `date`",
            "2026-02-30 is not a day of the calendar",
        ],
    );
    only(&e);
}

#[test]
fn impossible_dates_everywhere_are_refused() {
    let cases = [
        ("site: s\nas_of: 2026-13-01\n", "`as_of`"),
        ("site: s\nas_of: 2025-02-29\n", "`as_of`"),
        (
            "site: s\nevidence:\n  - { id: A, type: procedure, expires: 2026-04-31 }\n",
            "evidence[0] (id A), field `expires`",
        ),
        (
            "site: s\nevidence:\n  - { id: A, type: maintenance_record, date: 2026-01-01, fields: { checked_on: 2026-06-31 } }\n",
            "evidence[0] (id A), field `checked_on`",
        ),
    ];
    for (text, place) in cases {
        let e = refused_text("dates.yaml", text);
        assert_eq!(coded(&e).0, codes::INVALID_DATE, "{e}");
        assert_eq!(only(&e).place, place, "{e}");
        assert!(e.to_string().contains("not a day of the calendar"), "{e}");
    }
    // 2024 is a leap year.
    assert!(load(&rulebook(), "leap.yaml", "site: s\nas_of: 2024-02-29\n").is_ok());
}

#[test]
fn expiry_before_date_is_refused() {
    let e = refused("expires_before_date.yaml");
    assert_eq!(
        coded(&e),
        (codes::EXPIRES_BEFORE_DATE, "6:14".into()),
        "{e}"
    );
    let p = only(&e);
    assert_eq!(p.place, "evidence[0] (id EV-001), field `expires`");
    assert!(p.message.contains("2026-01-01"), "{e}");
    assert!(p.message.contains("2026-03-01"), "{e}");
}

#[test]
fn field_of_the_wrong_type_names_the_field_and_the_type() {
    let e = refused("field_wrong_type.yaml");
    assert_eq!(
        coded(&e),
        (codes::FIELD_TYPE_MISMATCH, "6:39".into()),
        "{e}"
    );
    let p = only(&e);
    assert_eq!(p.place, "evidence[0] (id EV-001), field `devices`");
    assert_eq!(p.message, "expected a number, found text");
}

#[test]
fn every_declared_type_checks_its_values() {
    let item = |fields: &str| {
        format!(
            "site: s\nevidence:\n  - {{ id: A-1, type: maintenance_record, date: 2026-01-01, fields: {{ {fields} }} }}\n"
        )
    };
    let cases = [
        ("modality: 12", "modality", "expected text, found a number"),
        (
            "devices: true",
            "devices",
            "expected a number, found a boolean",
        ),
        (
            "signed: \"yes\"",
            "signed",
            "expected `true` or `false`, found text",
        ),
        ("checked_on: 20260101", "checked_on", "expected a date"),
        ("checked_on: \"last week\"", "checked_on", "YYYY-MM-DD"),
        ("tags: annual", "tags", "expected a list, found text"),
        ("tags: { a: 1 }", "tags", "expected a list, found a mapping"),
    ];
    for (fields, field, message) in cases {
        let e = refused_text("types.yaml", &item(fields));
        let p = only(&e);
        let code = if message == "YYYY-MM-DD" {
            codes::INVALID_DATE
        } else {
            codes::FIELD_TYPE_MISMATCH
        };
        assert_eq!(p.code, code, "{e}");
        assert_eq!(e.location(p).line, 3, "{e}");
        assert_eq!(p.place, format!("evidence[0] (id A-1), field `{field}`"));
        assert!(p.message.contains(message), "{fields}: {e}");
    }
    // A number where text is declared: the help says to quote it.
    let e = refused_text("types.yaml", &item("modality: 12"));
    assert_eq!(
        only(&e).help.as_deref(),
        Some("quote the value to make it text")
    );
}

#[test]
fn unknown_field_suggests_the_declared_one() {
    let e = refused("unknown_field.yaml");
    assert_eq!(coded(&e), (codes::UNKNOWN_FIELD, "6:15".into()), "{e}");
    let p = only(&e);
    assert_eq!(p.place, "evidence[0] (id EV-001), field `modalty`");
    assert!(p.message.contains("has no field `modalty`"), "{e}");
    assert_eq!(p.help.as_deref(), Some("did you mean `modality`?"));
}

#[test]
fn unknown_item_key_suggests_the_close_one() {
    let e = refused("unknown_item_key.yaml");
    let found: Vec<(&str, String)> = e
        .problems
        .iter()
        .map(|p| (p.code, e.location(p).to_string()))
        .collect();
    assert_eq!(
        found,
        [
            (codes::UNKNOWN_KEY, "5:5".to_string()),
            (codes::MISSING_DATE, "3:3".to_string())
        ]
    );
    let p = &e.problems[0];
    assert_eq!(p.place, "evidence[0] (id EV-001), field `dates`");
    assert_eq!(p.help.as_deref(), Some("did you mean `date`?"));
}

#[test]
fn unknown_top_level_key_and_missing_site() {
    let e = refused_text("top.yaml", "sites: s\n");
    let text = e.to_string();
    assert!(text.contains("unknown key `sites`"), "{text}");
    assert!(text.contains("did you mean `site`?"), "{text}");
    assert!(text.contains("missing `site`"), "{text}");
    assert_eq!(e.problems.len(), 2, "{text}");
    let found: Vec<&str> = e.problems.iter().map(|p| p.code).collect();
    assert_eq!(found, [codes::UNKNOWN_KEY, codes::MISSING_FIELD]);
}

#[test]
fn unknown_clause_in_an_assessment_suggests_the_close_one() {
    let e = refused("unknown_clause.yaml");
    assert_eq!(coded(&e), (codes::UNKNOWN_CLAUSE, "3:16".into()), "{e}");
    let p = only(&e);
    assert_eq!(p.place, "assessments[0], field `clause`");
    assert!(p.message.contains("`LABELIX:4.3`"), "{e}");
    assert_eq!(p.help.as_deref(), Some("did you mean `LABELIX:4.2`?"));
}

#[test]
fn bad_status_lists_the_statuses() {
    let e = refused("bad_status.yaml");
    let p = only(&e);
    assert_eq!(coded(&e), (codes::UNKNOWN_STATUS, "3:38".into()), "{e}");
    assert_eq!(p.place, "assessments[0], field `status`");
    assert!(p.message.contains("`done`"), "{e}");
    assert!(p.help.as_deref().unwrap_or("").contains("not-met"), "{e}");
}

#[test]
fn assessment_without_clause_or_status_is_refused() {
    let e = refused_text("a.yaml", "site: s\nassessments:\n  - { by: auditor }\n");
    let text = e.to_string();
    assert!(text.contains("assessments[0]: missing `clause`"), "{text}");
    assert!(text.contains("assessments[0]: missing `status`"), "{text}");
    for p in &e.problems {
        // The item: its opening brace.
        assert_eq!(
            (p.code, e.location(p).to_string()),
            (codes::MISSING_FIELD, "3:5".into())
        );
    }
}

#[test]
fn documents_and_items_that_are_not_mappings() {
    let e = refused("not_a_mapping.yaml");
    assert_eq!(coded(&e), (codes::UNEXPECTED_VALUE, "1:1".into()), "{e}");
    assert_eq!(only(&e).place, "document");
    assert!(only(&e).message.contains("found a list"), "{e}");
    let e = refused("item_not_a_mapping.yaml");
    assert_eq!(coded(&e), (codes::UNEXPECTED_VALUE, "3:5".into()), "{e}");
    assert_eq!(only(&e).place, "evidence[0]");
    assert!(
        only(&e).message.contains("expected a mapping, found text"),
        "{e}"
    );
    let e = refused_text("scalar.yaml", "just text\n");
    assert_eq!(only(&e).place, "document");
    let e = refused_text("list.yaml", "site: s\nevidence: { id: A }\n");
    assert_eq!(only(&e).place, "`evidence`");
}

#[test]
fn empty_inputs_are_refused_without_panic() {
    for text in [
        "",
        "\n",
        "~",
        "null",
        "---\n",
        "{}",
        "[]",
        "{\"site\": null}",
    ] {
        let e = refused_text("empty.yaml", text);
        assert!(!e.problems.is_empty(), "{text:?}");
    }
}

#[test]
fn malformed_json_names_the_line_and_does_not_talk_of_yaml() {
    let e = refused("bad_json.json");
    assert_eq!(coded(&e), (codes::MALFORMED, "4:75".into()), "{e}");
    let p = only(&e);
    assert!(p.place.contains("line 4"), "{e}");
    assert!(p.message.contains("trailing comma"), "{e}");
    // The file is JSON: a help asking to check the YAML syntax misleads.
    assert!(!p.help.as_deref().unwrap_or("").contains("YAML"), "{e}");
}

#[test]
fn wrong_type_in_json_is_refused() {
    let e = refused("json_wrong_type.json");
    assert_eq!(
        coded(&e),
        (codes::FIELD_TYPE_MISMATCH, "4:99".into()),
        "{e}"
    );
    assert_eq!(only(&e).place, "evidence[0] (id EV-001), field `devices`");
}

#[test]
fn good_json_and_yaml_inventories_load_alike() {
    let book = rulebook();
    let yaml = load(&book, "good.yaml", &input("good/good.yaml")).unwrap();
    let json = load(&book, "good.json", &input("good/good.json")).unwrap();
    assert_eq!(yaml, json);
    assert_eq!(yaml.site, "Centre du Parc");
    assert_eq!(
        yaml.as_of.map(|d| d.to_string()).as_deref(),
        Some("2026-11-01")
    );
    assert_eq!(yaml.evidence.len(), 2);
    let ev = &yaml.evidence[0];
    assert_eq!(ev.id, "EV-001");
    assert_eq!(ev.ty, "maintenance_record");
    assert_eq!(
        ev.date.map(|d| d.to_string()).as_deref(),
        Some("2026-03-01")
    );
    assert_eq!(ev.fields.get("devices"), Some(&Fact::Number(3.0)));
    assert_eq!(ev.fields.get("signed"), Some(&Fact::Bool(true)));
    assert!(matches!(ev.fields.get("checked_on"), Some(Fact::Date(_))));
    assert_eq!(
        ev.fields.get("tags"),
        Some(&Fact::List(vec![Fact::Text("annual".into())]))
    );
    assert_eq!(
        ev.reference.as_deref(),
        Some("GED/maintenance/ct-2026-03.pdf")
    );
    assert_eq!(yaml.assessments.len(), 1);
    assert_eq!(yaml.assessments[0].status, Status::Partial);
    assert_eq!(
        yaml.profile.get("modalities"),
        Some(&Fact::List(vec![
            Fact::Text("CT".into()),
            Fact::Text("MR".into())
        ]))
    );
}

#[test]
fn all_problems_of_a_file_are_reported_together() {
    let text = "site: s
evidence:
  - { id: A, type: procedur }
  - { id: B, type: maintenance_record, date: 2026-02-30 }
  - { id: A, type: procedure, fields: { topik: x } }
assessments:
  - { clause: \"LABELIX:9\", status: met }
";
    let e = refused_text("many.yaml", text);
    let places: Vec<&str> = e.problems.iter().map(|p| p.place.as_str()).collect();
    for place in [
        "evidence[0] (id A), field `type`",
        "evidence[1] (id B), field `date`",
        "evidence[2] (id A), field `topik`",
        "assessments[0], field `clause`",
    ] {
        assert!(places.contains(&place), "{place} missing from {places:?}");
    }
}

#[test]
fn numeric_ids_keep_their_spelling() {
    // `id: 007` is a number to YAML; an id shown as `7` in the report (or
    // colliding with another item `7`) is not what the site wrote. Either
    // keep the spelling or refuse it with a hint to quote it.
    let book = rulebook();
    match load(
        &book,
        "ids.yaml",
        "site: s\nevidence:\n  - { id: 007, type: procedure }\n",
    ) {
        Ok(inv) => assert_eq!(inv.evidence[0].id, "007"),
        Err(e) => assert!(e.to_string().contains("evidence[0]"), "{e}"),
    }
}

#[test]
fn huge_nesting_is_refused_without_overflow() {
    let book = rulebook();
    let open_close = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let texts = [
        format!("site: s\nprofile: {{ deep: {} }}\n", open_close(65)),
        format!("site: s\nprofile: {{ deep: {} }}\n", open_close(5_000)),
        format!(
            "{{\"site\": \"s\", \"profile\": {{\"deep\": {} }} }}",
            open_close(100_000)
        ),
        format!(
            "site: s\nprofile:\n{}",
            (0..300)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect::<String>()
        ),
        format!(
            "site: s\nevidence:\n  - {{ id: A, type: maintenance_record, date: 2026-01-01, fields: {{ tags: {} }} }}\n",
            open_close(1_000)
        ),
    ];
    for text in &texts {
        let e = match load(&book, "deep.yaml", text) {
            Ok(_) => panic!("accepted {} bytes of nesting", text.len()),
            Err(e) => e,
        };
        assert!(
            e.to_string().contains("nesting deeper than 64 levels"),
            "{}",
            e.to_string().chars().take(300).collect::<String>()
        );
        assert_eq!(coded(&e).0, codes::TOO_DEEP);
    }
    // 64 levels are fine.
    let ok = format!("site: s\nprofile: {{ deep: {} }}\n", open_close(62));
    assert!(load(&book, "ok.yaml", &ok).is_ok());
}

#[test]
fn the_error_has_a_stable_code() {
    use miette::Diagnostic;
    let e = refused("bad_status.yaml");
    assert_eq!(
        e.code().map(|c| c.to_string()).as_deref(),
        Some("refmap::inventory::unknown-status")
    );
}

#[test]
fn a_clause_assessed_twice_points_at_the_second() {
    let e = refused("duplicate_assessment.yaml");
    let p = only(&e);
    assert_eq!(p.place, "assessments[2], field `clause`");
    assert!(p.message.contains("assessments[0]"), "{e}");
    assert_eq!(
        coded(&e),
        (codes::DUPLICATE_ASSESSMENT, "5:16".into()),
        "{e}"
    );
}

#[test]
fn json_problems_have_their_line_and_column() {
    let e = refused("json_unknown_clause.json");
    let found: Vec<(&str, String)> = e
        .problems
        .iter()
        .map(|p| (p.code, e.location(p).to_string()))
        .collect();
    assert_eq!(
        found,
        [
            (codes::UNKNOWN_CLAUSE, "5:17".to_string()),
            (codes::UNEXPECTED_VALUE, "5:5".to_string())
        ],
        "{e}"
    );
    let e = refused("json_too_deep.json");
    assert_eq!(coded(&e).0, codes::TOO_DEEP);
    assert_eq!(e.location(only(&e)).line, 2);
}

#[test]
fn too_large_a_file_is_refused_before_reading() {
    let text = format!("site: s\nnote: \"{}\"\n", "x".repeat(64 * 1024 * 1024));
    let e = refused_text("big.yaml", &text);
    assert_eq!(coded(&e), (codes::TOO_LARGE, "1:1".into()));
}

/// Every code is given by some input here, and every code is spelled
/// `refmap::internal::inventory::` and kebab-case.
#[test]
fn every_code_is_reached() {
    let all = [
        codes::TOO_LARGE,
        codes::TOO_DEEP,
        codes::MALFORMED,
        codes::DUPLICATE_KEY,
        codes::UNKNOWN_KEY,
        codes::MISSING_FIELD,
        codes::UNEXPECTED_VALUE,
        codes::DUPLICATE_ID,
        codes::UNKNOWN_TYPE,
        codes::UNKNOWN_FIELD,
        codes::FIELD_TYPE_MISMATCH,
        codes::INVALID_DATE,
        codes::MISSING_DATE,
        codes::EXPIRES_BEFORE_DATE,
        codes::UNKNOWN_CLAUSE,
        codes::UNKNOWN_STATUS,
        codes::DUPLICATE_ASSESSMENT,
    ];
    let book = rulebook();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/inventories");
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let text = std::fs::read_to_string(&path).unwrap();
            if let Err(e) = load(&book, "x", &text) {
                seen.extend(e.problems.iter().map(|p| p.code));
            }
        }
    }
    seen.insert(codes::TOO_LARGE); // too_large_a_file_is_refused_before_reading
    for code in all {
        assert!(seen.contains(code), "no input gives {code}");
        let name = code.strip_prefix("refmap::inventory::").unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{code}"
        );
    }
    assert_eq!(seen.len(), all.len(), "{seen:?}");
}
