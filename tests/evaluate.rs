//! Evaluation semantics (DESIGN §4), one small rulebook written inline per
//! behaviour: applicability, assessments, `requires` (validity windows in
//! calendar months, `within`, `count`, `where`), combinators, sub-clause
//! aggregation, carry-over along entailments with proofs, the least
//! fixpoint of `clause` references, contradictions between findings and
//! mappings, and `--min-strength`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use refmap::internal::date::Date;
use refmap::internal::evaluate::{Basis, ClauseResult, Evaluator, Report};
use refmap::internal::load::{front_end, Options};
use refmap::internal::model::Rulebook;
use refmap::internal::source::SourceMap;
use refmap::internal::syntax::ast::Status;

fn book_with(files: &[(&str, &str)], options: Options) -> Rulebook {
    let mut sources = SourceMap::new();
    for (name, text) in files {
        sources.add(*name, *text);
    }
    let loaded = front_end(sources, options);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render(&loaded.rulebook.sources, false))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    loaded.rulebook
}

fn book(files: &[(&str, &str)]) -> Rulebook {
    book_with(files, Options::default())
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// Evaluates a YAML inventory as of a date.
fn eval(book: &Rulebook, inventory: &str, as_of: &str) -> Report {
    let inv = refmap::internal::inventory::load(book, "site.yaml", inventory)
        .unwrap_or_else(|e| panic!("inventory refused:\n{e}"));
    Evaluator::new(book).evaluate(&inv, date(as_of))
}

fn clause<'r>(report: &'r Report, key: &str) -> &'r ClauseResult {
    report
        .clauses
        .iter()
        .find(|c| c.clause == key)
        .unwrap_or_else(|| panic!("no clause {key}"))
}

fn status(report: &Report, key: &str) -> Status {
    clause(report, key).status
}

/// 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not in text"))
}

const NO_EVIDENCE: &str = "site: s\n";

// ------------------------------------------------------------ applicability

const APPLICABILITY: &str = r#"
evidence mri_safety "MRI safety procedure" { field topic: text }
evidence procedure "Procedure" { field topic: text }
referential LAB "Label" {
  clause 1 "MRI" {
    applies if modalities contains "MR"
    clause 1.1 "MRI safety" { requires evidence mri_safety }
    clause 1.2 "MRI zoning" { requires evidence procedure where topic == "zoning" }
  }
  clause 2 "Multi-site" {
    applies if sites >= 2 and not (teleradiology == true)
    requires evidence procedure
  }
  clause 3 "Parts" {
    clause 3.1 "Always" { requires evidence procedure }
    clause 3.2 "Only with MG" { applies if modalities contains "MG" requires evidence mri_safety }
  }
}
"#;

#[test]
fn a_false_applies_if_makes_the_clause_and_its_sub_clauses_not_applicable() {
    let b = book(&[("app.rules", APPLICABILITY)]);
    let inv = "site: s
profile: { modalities: [CT, US], sites: 1 }
evidence:
  - { id: E1, type: mri_safety }
  - { id: E2, type: procedure, fields: { topic: zoning } }
";
    let r = eval(&b, inv, "2026-06-01");
    for key in ["LAB:1", "LAB:1.1", "LAB:1.2", "LAB:2", "LAB:3.2"] {
        assert_eq!(status(&r, key), Status::NotApplicable, "{key}");
        assert!(clause(&r, key).evidence.is_empty(), "{key}");
    }
    // 3.2 is not applicable: 3 is met by its one applicable sub-clause.
    assert_eq!(status(&r, "LAB:3.1"), Status::Met);
    assert_eq!(status(&r, "LAB:3"), Status::Met);
    assert_eq!(clause(&r, "LAB:3").basis, Basis::SubClauses);
    let s = &r.summary[0];
    assert_eq!((s.met, s.not_applicable), (2, 5));
}

#[test]
fn a_true_applies_if_evaluates_the_rule() {
    let b = book(&[("app.rules", APPLICABILITY)]);
    let inv = "site: s
profile: { modalities: [MR, MG], sites: 3, teleradiology: false }
evidence:
  - { id: E1, type: mri_safety }
";
    let r = eval(&b, inv, "2026-06-01");
    assert_eq!(status(&r, "LAB:1.1"), Status::Met);
    assert_eq!(status(&r, "LAB:1.2"), Status::NotMet);
    assert_eq!(status(&r, "LAB:1"), Status::Partial);
    assert_eq!(status(&r, "LAB:2"), Status::NotMet);
    assert_eq!(status(&r, "LAB:3.2"), Status::Met);
    assert_eq!(status(&r, "LAB:3"), Status::Partial);
}

#[test]
fn a_profile_without_the_fact_leaves_the_clause_applicable() {
    let b = book(&[("app.rules", APPLICABILITY)]);
    let r = eval(&b, NO_EVIDENCE, "2026-06-01");
    assert_eq!(status(&r, "LAB:1.1"), Status::NotMet);
    assert_eq!(status(&r, "LAB:2"), Status::NotMet);
}

#[test]
fn not_applicable_wins_over_an_assessment() {
    let b = book(&[("app.rules", APPLICABILITY)]);
    let inv = "site: s
profile: { modalities: [CT] }
assessments:
  - { clause: \"LAB:1.1\", status: met, by: auditor }
";
    let r = eval(&b, inv, "2026-06-01");
    assert_eq!(status(&r, "LAB:1.1"), Status::NotApplicable);
}

// ---------------------------------------------------------------- assessments

const SIMPLE: &str = r#"
evidence procedure "Procedure" { field topic: text }
referential LAB "Label" {
  clause 1 "Procedures" { requires evidence procedure }
  clause 2 "No rule"
}
"#;

#[test]
fn an_assessment_decides_over_the_evidence() {
    let b = book(&[("simple.rules", SIMPLE)]);
    let inv = "site: s
evidence:
  - { id: E1, type: procedure }
assessments:
  - { clause: \"LAB:1\", status: not-met, by: \"Audit AFNOR 2026-05-12\" }
  - { clause: \"LAB:2\", status: met, by: \"Audit AFNOR 2026-05-12\" }
";
    let r = eval(&b, inv, "2026-06-01");
    let c1 = clause(&r, "LAB:1");
    assert_eq!(c1.status, Status::NotMet);
    assert_eq!(c1.basis, Basis::Assessment);
    assert!(c1.evidence.is_empty());
    assert_eq!(c1.assessed_by.as_deref(), Some("Audit AFNOR 2026-05-12"));
    assert!(
        c1.missing.iter().any(|m| m.contains("auditor")),
        "{:?}",
        c1.missing
    );
    let c2 = clause(&r, "LAB:2");
    assert_eq!((c2.status, c2.basis), (Status::Met, Basis::Assessment));
    assert!(c2.missing.is_empty());
}

#[test]
fn a_clause_without_rule_or_assessment_is_unknown() {
    let b = book(&[("simple.rules", SIMPLE)]);
    let r = eval(&b, NO_EVIDENCE, "2026-06-01");
    let c = clause(&r, "LAB:2");
    assert_eq!((c.status, c.basis), (Status::Unknown, Basis::None));
    assert!(!c.missing.is_empty());
}

// -------------------------------------------------------- validity windows

const WINDOWS: &str = r#"
evidence monthly_check "Monthly check" { valid 1 month }
evidence maintenance_record "Maintenance" { valid 12 months field modality: text }
evidence audit_report "Audit report" { field scope: text }
referential LAB "Label" {
  clause 1 "Monthly" { requires evidence monthly_check }
  clause 2 "Maintenance" { requires evidence maintenance_record }
  clause 3 "Recent audit" { requires evidence audit_report within 6 months }
  clause 4 "Weekly window" { requires evidence audit_report within 2 weeks }
}
"#;

#[test]
fn validity_is_counted_in_calendar_months() {
    let b = book(&[("w.rules", WINDOWS)]);
    let inv = "site: s\nevidence:\n  - { id: M1, type: monthly_check, date: 2026-01-31 }\n";
    // 2026-01-31 + 1 month = 2026-02-28 (day clamped): the item counts up to
    // the day before.
    let r = eval(&b, inv, "2026-02-27");
    assert_eq!(status(&r, "LAB:1"), Status::Met);
    assert_eq!(clause(&r, "LAB:1").evidence, ["M1"]);
    let r = eval(&b, inv, "2026-02-28");
    let c = clause(&r, "LAB:1");
    assert_eq!(c.status, Status::NotMet);
    assert!(c.evidence.is_empty());
    assert!(
        c.missing
            .iter()
            .any(|m| m.contains("M1 expired 2026-02-28")),
        "{:?}",
        c.missing
    );
}

#[test]
fn twelve_months_after_a_date_is_the_same_day_next_year() {
    let b = book(&[("w.rules", WINDOWS)]);
    let inv = "site: s\nevidence:\n  - { id: R1, type: maintenance_record, date: 2025-11-01 }\n";
    assert_eq!(status(&eval(&b, inv, "2026-10-31"), "LAB:2"), Status::Met);
    let r = eval(&b, inv, "2026-11-01");
    assert_eq!(status(&r, "LAB:2"), Status::NotMet);
    assert!(clause(&r, "LAB:2")
        .missing
        .iter()
        .any(|m| m.contains("R1 expired 2026-11-01")));
    // A leap day: 2024-02-29 + 12 months = 2025-02-28.
    let inv = "site: s\nevidence:\n  - { id: R2, type: maintenance_record, date: 2024-02-29 }\n";
    assert_eq!(status(&eval(&b, inv, "2025-02-27"), "LAB:2"), Status::Met);
    assert_eq!(
        status(&eval(&b, inv, "2025-02-28"), "LAB:2"),
        Status::NotMet
    );
}

#[test]
fn an_explicit_expiry_replaces_the_validity_period() {
    let b = book(&[("w.rules", WINDOWS)]);
    let inv = "site: s
evidence:
  - { id: R1, type: maintenance_record, date: 2026-01-10, expires: 2026-03-01 }
  - { id: A1, type: audit_report, date: 2026-01-10, expires: 2026-02-01 }
";
    let r = eval(&b, inv, "2026-02-28");
    assert_eq!(status(&r, "LAB:2"), Status::Met);
    let r = eval(&b, inv, "2026-03-01");
    assert_eq!(status(&r, "LAB:2"), Status::NotMet);
    assert!(clause(&r, "LAB:2")
        .missing
        .iter()
        .any(|m| m.contains("R1 expired 2026-03-01")));
    // An expiry on a type without `valid` counts too.
    assert_eq!(status(&eval(&b, inv, "2026-01-31"), "LAB:3"), Status::Met);
    assert_eq!(
        status(&eval(&b, inv, "2026-02-01"), "LAB:3"),
        Status::NotMet
    );
    // An expiry later than the validity period keeps the item counting.
    let inv = "site: s\nevidence:\n  - { id: R1, type: maintenance_record, date: 2026-01-10, expires: 2028-01-10 }\n";
    assert_eq!(status(&eval(&b, inv, "2027-06-01"), "LAB:2"), Status::Met);
}

#[test]
fn within_counts_back_from_the_evaluation_date() {
    // Same convention as validity: an item counts while as_of < date + window.
    let b = book(&[("w.rules", WINDOWS)]);
    let inv = "site: s
evidence:
  - { id: A1, type: audit_report, date: 2026-05-01 }
";
    assert_eq!(status(&eval(&b, inv, "2026-10-31"), "LAB:3"), Status::Met);
    let r = eval(&b, inv, "2026-11-01");
    let c = clause(&r, "LAB:3");
    assert_eq!(c.status, Status::NotMet);
    assert!(
        c.missing
            .iter()
            .any(|m| m.contains("evidence audit_report within 6 months")
                && m.contains("A1 is dated 2026-05-01, older than 6 months")),
        "{:?}",
        c.missing
    );
    // Calendar months clamp the day: 2026-08-31 + 6 months = 2027-02-28.
    let inv = "site: s\nevidence:\n  - { id: A2, type: audit_report, date: 2026-08-31 }\n";
    assert_eq!(status(&eval(&b, inv, "2027-02-27"), "LAB:3"), Status::Met);
    assert_eq!(
        status(&eval(&b, inv, "2027-02-28"), "LAB:3"),
        Status::NotMet
    );
    // Weeks are seven days.
    let inv = "site: s\nevidence:\n  - { id: A4, type: audit_report, date: 2026-10-18 }\n";
    assert_eq!(status(&eval(&b, inv, "2026-10-31"), "LAB:4"), Status::Met);
    assert_eq!(
        status(&eval(&b, inv, "2026-11-01"), "LAB:4"),
        Status::NotMet
    );
}

#[test]
fn within_needs_a_date() {
    let b = book(&[("w.rules", WINDOWS)]);
    let inv = "site: s\nevidence:\n  - { id: A1, type: audit_report }\n";
    let r = eval(&b, inv, "2026-11-01");
    let c = clause(&r, "LAB:3");
    assert_eq!(c.status, Status::NotMet);
    assert!(
        c.missing.iter().any(|m| m.contains("A1 has no date")),
        "{:?}",
        c.missing
    );
}

#[test]
fn future_dated_evidence_does_not_count() {
    let b = book(&[("w.rules", WINDOWS)]);
    let inv = "site: s
evidence:
  - { id: R1, type: maintenance_record, date: 2026-11-02 }
  - { id: A1, type: audit_report, date: 2026-11-02 }
";
    let r = eval(&b, inv, "2026-11-01");
    for key in ["LAB:2", "LAB:3"] {
        let c = clause(&r, key);
        assert_eq!(c.status, Status::NotMet, "{key}");
        assert!(
            c.missing
                .iter()
                .any(|m| m.contains("dated 2026-11-02, after 2026-11-01")),
            "{:?}",
            c.missing
        );
    }
    // Dated on the evaluation day: it counts.
    let r = eval(&b, inv, "2026-11-02");
    assert_eq!(status(&r, "LAB:2"), Status::Met);
    assert_eq!(status(&r, "LAB:3"), Status::Met);
}

// ------------------------------------------------------- count and where

const WHERE: &str = r#"
evidence eias_declaration "Adverse-event declaration" {
  field targeted: bool
  field severity: number
  field modality: text
  field tags: list
  field reviewed_on: date
}
referential ACR "ACR-F" {
  clause 1 "Three declarations" { requires evidence eias_declaration count >= 3 }
  clause 2 "Targeted" { requires evidence eias_declaration where targeted == true }
  clause 3 "Heavy imaging" { requires evidence eias_declaration where modality in ["CT", "MR"] }
  clause 4 "Tagged" { requires evidence eias_declaration where tags contains "radiation" }
  clause 5 "Serious" { requires evidence eias_declaration where severity >= 3 and severity < 5 }
  clause 6 "Reviewed lately" { requires evidence eias_declaration where reviewed_on >= 2026-06-01 }
  clause 7 "Text contains" { requires evidence eias_declaration where modality contains "R" }
  clause 8 "Either" { requires evidence eias_declaration where not (modality == "US") or severity > 4 }
  clause 9 "Dated lately" { requires evidence eias_declaration where date >= 2026-03-01 }
  clause 10 "Two recent targeted" {
    requires evidence eias_declaration where targeted == true within 12 months count >= 2
  }
}
"#;

fn declarations(items: &[&str]) -> String {
    let mut text = String::from("site: s\nevidence:\n");
    for (i, fields) in items.iter().enumerate() {
        text.push_str(&format!(
            "  - {{ id: D{}, type: eias_declaration, date: 2026-0{}-01, fields: {{ {fields} }} }}\n",
            i + 1,
            i + 2
        ));
    }
    text
}

#[test]
fn count_below_n_is_partial() {
    let b = book(&[("w.rules", WHERE)]);
    let two = declarations(&["", ""]);
    let r = eval(&b, &two, "2026-11-01");
    let c = clause(&r, "ACR:1");
    assert_eq!(c.status, Status::Partial);
    assert_eq!(c.evidence, ["D1", "D2"]);
    assert!(
        c.missing.iter().any(|m| m.contains("2 of 3")),
        "{:?}",
        c.missing
    );
    let three = declarations(&["", "", ""]);
    let r = eval(&b, &three, "2026-11-01");
    assert_eq!(status(&r, "ACR:1"), Status::Met);
    assert_eq!(clause(&r, "ACR:1").evidence, ["D1", "D2", "D3"]);
    assert_eq!(
        status(&eval(&b, NO_EVIDENCE, "2026-11-01"), "ACR:1"),
        Status::NotMet
    );
}

#[test]
fn where_conditions_select_the_items() {
    let b = book(&[("w.rules", WHERE)]);
    let inv = declarations(&[
        "targeted: false, modality: US, severity: 5, tags: [hygiene], reviewed_on: 2026-05-31",
        "targeted: true, modality: CT, severity: 3, tags: [radiation, dose], reviewed_on: 2026-06-01",
    ]);
    let r = eval(&b, &inv, "2026-11-01");
    let used = |key: &str| clause(&r, key).evidence.clone();
    assert_eq!(used("ACR:2"), ["D2"]);
    assert_eq!(used("ACR:3"), ["D2"]);
    assert_eq!(used("ACR:4"), ["D2"]);
    assert_eq!(used("ACR:5"), ["D2"]);
    assert_eq!(used("ACR:6"), ["D2"]);
    assert_eq!(used("ACR:8"), ["D1", "D2"]);
    assert_eq!(used("ACR:9"), ["D2"]);
    assert_eq!(status(&r, "ACR:7"), Status::NotMet);
    let c = clause(&r, "ACR:7");
    assert!(
        c.missing.iter().any(|m| m.contains("D1 does not match")),
        "{:?}",
        c.missing
    );
}

#[test]
fn where_on_a_missing_field_does_not_match() {
    let b = book(&[("w.rules", WHERE)]);
    let inv = declarations(&["modality: US"]);
    let r = eval(&b, &inv, "2026-11-01");
    for key in ["ACR:2", "ACR:4", "ACR:5", "ACR:6"] {
        assert_eq!(status(&r, key), Status::NotMet, "{key}");
    }
    // `not (modality == "US") or severity > 4`: false or unknown.
    assert_eq!(status(&r, "ACR:8"), Status::NotMet);
}

#[test]
fn where_within_and_count_combine() {
    let b = book(&[("w.rules", WHERE)]);
    // D1 2026-02-01 targeted, D2 2026-03-01 not, D3 2026-04-01 targeted.
    let inv = declarations(&["targeted: true", "targeted: false", "targeted: true"]);
    let r = eval(&b, &inv, "2026-11-01");
    assert_eq!(status(&r, "ACR:10"), Status::Met);
    assert_eq!(clause(&r, "ACR:10").evidence, ["D1", "D3"]);
    // A year later only D3 is within 12 months: one of two.
    let r = eval(&b, &inv, "2027-03-15");
    let c = clause(&r, "ACR:10");
    assert_eq!(c.status, Status::Partial);
    assert_eq!(c.evidence, ["D3"]);
}

// ----------------------------------------------------------- combinators

const COMBINATORS: &str = r#"
evidence a "A" {}
evidence b "B" {}
evidence c "C" {}
referential LAB "Label" {
  clause 1 "All" { requires all { evidence a evidence b evidence c } }
  clause 2 "Any" { requires any { evidence a evidence b } }
  clause 3 "Two of three" { requires at least 2 of { evidence a evidence b evidence c } }
  clause 4 "Not" { requires not evidence c }
  clause 5 "Attested" { requires attested }
  clause 6 "Nested" { requires all { evidence a any { evidence b all { evidence c evidence a } } } }
}
"#;

fn items(types: &[&str]) -> String {
    let mut text = String::from("site: s\nevidence:\n");
    for (i, t) in types.iter().enumerate() {
        text.push_str(&format!(
            "  - {{ id: {}{i}, type: {t} }}\n",
            t.to_uppercase()
        ));
    }
    if types.is_empty() {
        text.push_str("  []\n");
    }
    text
}

#[test]
fn all_with_some_met_is_partial() {
    let b = book(&[("c.rules", COMBINATORS)]);
    let r = eval(&b, &items(&["a"]), "2026-01-01");
    let c = clause(&r, "LAB:1");
    assert_eq!((c.status, c.basis), (Status::Partial, Basis::Evidence));
    assert_eq!(c.evidence, ["A0"]);
    assert_eq!(c.missing[0], "all of:");
    assert!(
        c.missing
            .contains(&"  evidence b: none on file".to_string()),
        "{:?}",
        c.missing
    );
    assert!(
        c.missing
            .contains(&"  evidence c: none on file".to_string()),
        "{:?}",
        c.missing
    );
    assert!(
        !c.missing.iter().any(|m| m.contains("evidence a")),
        "{:?}",
        c.missing
    );
    let r = eval(&b, &items(&["a", "b", "c"]), "2026-01-01");
    let c = clause(&r, "LAB:1");
    assert_eq!(c.status, Status::Met);
    assert_eq!(c.evidence, ["A0", "B1", "C2"]);
    assert!(c.missing.is_empty());
    assert_eq!(
        status(&eval(&b, &items(&[]), "2026-01-01"), "LAB:1"),
        Status::NotMet
    );
}

#[test]
fn any_is_met_by_one() {
    let b = book(&[("c.rules", COMBINATORS)]);
    let r = eval(&b, &items(&["b"]), "2026-01-01");
    assert_eq!(status(&r, "LAB:2"), Status::Met);
    assert_eq!(clause(&r, "LAB:2").evidence, ["B0"]);
    assert_eq!(
        status(&eval(&b, &items(&["c"]), "2026-01-01"), "LAB:2"),
        Status::NotMet
    );
}

#[test]
fn at_least_counts_met_alternatives() {
    let b = book(&[("c.rules", COMBINATORS)]);
    let r = eval(&b, &items(&["c"]), "2026-01-01");
    let c = clause(&r, "LAB:3");
    assert_eq!(c.status, Status::Partial);
    assert!(
        c.missing[0].contains("at least 2 of (1 met)"),
        "{:?}",
        c.missing
    );
    assert_eq!(
        status(&eval(&b, &items(&["a", "c"]), "2026-01-01"), "LAB:3"),
        Status::Met
    );
    assert_eq!(
        status(&eval(&b, &items(&[]), "2026-01-01"), "LAB:3"),
        Status::NotMet
    );
}

#[test]
fn not_inverts_met_and_not_met() {
    let b = book(&[("c.rules", COMBINATORS)]);
    assert_eq!(
        status(&eval(&b, &items(&[]), "2026-01-01"), "LAB:4"),
        Status::Met
    );
    let r = eval(&b, &items(&["c"]), "2026-01-01");
    let c = clause(&r, "LAB:4");
    assert_eq!(c.status, Status::NotMet);
    assert!(
        c.missing.iter().any(|m| m.contains("C0")),
        "{:?}",
        c.missing
    );
}

#[test]
fn attested_needs_an_assessment() {
    let b = book(&[("c.rules", COMBINATORS)]);
    let r = eval(&b, &items(&["a", "b", "c"]), "2026-01-01");
    let c = clause(&r, "LAB:5");
    assert_eq!(c.status, Status::Unknown);
    assert!(
        c.missing.iter().any(|m| m.contains("assessment")),
        "{:?}",
        c.missing
    );
    let inv = "site: s\nassessments:\n  - { clause: \"LAB:5\", status: met }\n";
    assert_eq!(status(&eval(&b, inv, "2026-01-01"), "LAB:5"), Status::Met);
}

#[test]
fn nested_combinators() {
    let b = book(&[("c.rules", COMBINATORS)]);
    let r = |t: &[&str]| status(&eval(&b, &items(t), "2026-01-01"), "LAB:6");
    assert_eq!(r(&["a", "b"]), Status::Met);
    assert_eq!(r(&["a", "c"]), Status::Met);
    assert_eq!(r(&["a"]), Status::Partial);
    assert_eq!(r(&["c"]), Status::Partial);
    assert_eq!(r(&[]), Status::NotMet);
}

// ------------------------------------------------------- sub-clauses

const TREE: &str = r#"
evidence a "A" {}
evidence b "B" {}
referential LAB "Label" {
  clause 1 "Parent" {
    clause 1.1 "First" { requires evidence a }
    clause 1.2 "Second" { requires evidence b }
  }
  clause 2 "Own rule wins" {
    requires evidence a
    clause 2.1 "Child" { requires evidence b }
  }
}
"#;

#[test]
fn sub_clauses_aggregate() {
    let b = book(&[("t.rules", TREE)]);
    let r = eval(&b, &items(&["a", "b"]), "2026-01-01");
    let c = clause(&r, "LAB:1");
    assert_eq!((c.status, c.basis), (Status::Met, Basis::SubClauses));
    let r = eval(&b, &items(&["a"]), "2026-01-01");
    let c = clause(&r, "LAB:1");
    assert_eq!((c.status, c.basis), (Status::Partial, Basis::SubClauses));
    assert!(
        c.missing
            .iter()
            .any(|m| m.contains("sub-clause `LAB:1.2` is not-met")),
        "{:?}",
        c.missing
    );
    let r = eval(&b, &items(&[]), "2026-01-01");
    assert_eq!(status(&r, "LAB:1"), Status::Unknown);
    // A clause with its own rule is decided by it, not by its sub-clauses;
    // and being met, it carries `met` down to its sub-clauses (⊆ parent).
    let r = eval(&b, &items(&["a"]), "2026-01-01");
    assert_eq!(status(&r, "LAB:2"), Status::Met);
    assert_eq!(clause(&r, "LAB:2").basis, Basis::Evidence);
    let c = clause(&r, "LAB:2.1");
    assert_eq!((c.status, c.basis), (Status::Met, Basis::Mapping));
    assert_eq!(c.via.as_deref(), Some("LAB:2"));
    let r = eval(&b, &items(&["b"]), "2026-01-01");
    // …and a met sub-clause shares obligations with its parent: partial.
    let c = clause(&r, "LAB:2");
    assert_eq!((c.status, c.basis), (Status::Partial, Basis::Mapping));
    assert_eq!(c.via.as_deref(), Some("LAB:2.1"));
    assert_eq!(status(&r, "LAB:2.1"), Status::Met);
}

#[test]
fn a_parent_assessed_met_carries_to_its_sub_clauses() {
    // A sub-clause is within its parent (DESIGN §3), so the parent met
    // carries `met` down, with a hierarchy step as proof.
    let b = book(&[("t.rules", TREE)]);
    let inv = "site: s\nassessments:\n  - { clause: \"LAB:1\", status: met }\n";
    let r = eval(&b, inv, "2026-01-01");
    let c = clause(&r, "LAB:1.1");
    assert_eq!((c.status, c.basis), (Status::Met, Basis::Mapping));
    assert_eq!(c.via.as_deref(), Some("LAB:1"));
    assert_eq!(c.proof.len(), 1);
    assert_eq!(c.proof[0].kind, "hierarchy");
    assert_eq!(c.proof[0].from, "LAB:1.1");
    assert_eq!(c.proof[0].to, "LAB:1");
    assert_eq!(
        c.proof[0].source,
        format!("t.rules:{}", line_of(TREE, "clause 1.1"))
    );
}

// ---------------------------------------------------------- carry-over

const ISO: &str = r#"
evidence maintenance_record "Maintenance" { valid 12 months }
evidence procedure "Procedure" { field topic: text }
evidence survey "Survey" {}
referential ISO "ISO 15189" {
  clause 6 "Resources" {
    clause 6.4 "Equipment" { requires all { evidence maintenance_record evidence procedure } }
    clause 6.5 "Calibration" { requires evidence procedure where topic == "calibration" }
  }
  clause 8 "Management" { requires evidence survey }
}
referential LAB "Label" {
  clause 4 "Equipment" {
    clause 4.2 "Maintenance" { requires evidence maintenance_record }
    clause 4.3 "Calibration"
  }
  clause 5 "Satisfaction" { requires evidence survey }
  clause 6 "Disjoint"
  clause 7 "Contains ISO 6.5"
}
"#;

const MAP: &str = r#"mapping "LABELIX ↔ ISO" {
  source "test"
  LAB:4.2 subset-of ISO:6.4 { strength 8 rationale semantic }
  ISO:6.5 equals LAB:4.3 { strength 3 }
  LAB:5 intersects ISO:8 { strength 6 }
  LAB:6 disjoint ISO:6.4
  LAB:7 superset-of ISO:6.5
}
"#;

fn iso() -> Rulebook {
    book(&[("ref.rules", ISO), ("map.rules", MAP)])
}

#[test]
fn a_met_superset_carries_met_with_its_proof() {
    let b = iso();
    let inv = "site: s
evidence:
  - { id: M1, type: maintenance_record, date: 2026-01-10 }
  - { id: P1, type: procedure, fields: { topic: maintenance } }
";
    // LAB:4.2 is met by its own evidence; take it away from LAB's view by
    // asking at a date where only ISO's rule decides: use an assessment
    // instead to make the carry-over visible.
    let r = eval(&b, inv, "2026-06-01");
    assert_eq!(status(&r, "ISO:6.4"), Status::Met);
    assert_eq!(clause(&r, "LAB:4.2").basis, Basis::Evidence);

    let inv = "site: s\nassessments:\n  - { clause: \"ISO:6.4\", status: met, by: COFRAC }\n";
    let r = eval(&b, inv, "2026-06-01");
    let c = clause(&r, "LAB:4.2");
    assert_eq!((c.status, c.basis), (Status::Met, Basis::Mapping));
    assert_eq!(c.via.as_deref(), Some("ISO:6.4"));
    assert!(c.evidence.is_empty());
    assert!(c.missing.is_empty());
    assert_eq!(c.proof.len(), 1);
    let step = &c.proof[0];
    assert_eq!(step.kind, "link");
    assert_eq!(
        (step.from.as_str(), step.relation.as_str(), step.to.as_str()),
        ("LAB:4.2", "subset-of", "ISO:6.4")
    );
    assert_eq!(
        step.source,
        format!("map.rules:{}", line_of(MAP, "LAB:4.2 subset-of"))
    );
    // The parent aggregates the carried status.
    assert_eq!(status(&r, "LAB:4"), Status::Partial);
}

#[test]
fn own_partial_is_raised_to_met_by_carry_over() {
    let b = book(&[
        ("ref.rules", ISO),
        (
            "map.rules",
            "mapping \"m\" { LAB:4.2 subset-of ISO:6.4 ISO:6.4 subset-of ISO:8 }",
        ),
    ]);
    // LAB:4.2 own: expired maintenance record → not met; ISO:8 met by survey.
    let inv = "site: s
evidence:
  - { id: S1, type: survey }
";
    let r = eval(&b, inv, "2026-06-01");
    let c = clause(&r, "LAB:4.2");
    assert_eq!((c.status, c.basis), (Status::Met, Basis::Mapping));
    // Carried through ISO:6.4 (itself carried) or straight from ISO:8: the
    // proof must lead from LAB:4.2 to the clause named in `via`.
    let via = c.via.clone().unwrap();
    assert!(via == "ISO:6.4" || via == "ISO:8", "{via}");
    assert_eq!(c.proof.first().unwrap().from, "LAB:4.2");
    assert_eq!(c.proof.last().unwrap().to, via);
    assert_eq!(status(&r, "ISO:6.4"), Status::Met);
    assert_eq!(clause(&r, "ISO:6.4").via.as_deref(), Some("ISO:8"));
}

#[test]
fn equals_carries_both_ways() {
    let b = iso();
    let inv =
        "site: s\nevidence:\n  - { id: P1, type: procedure, fields: { topic: calibration } }\n";
    let r = eval(&b, inv, "2026-06-01");
    let c = clause(&r, "LAB:4.3");
    assert_eq!((c.status, c.basis), (Status::Met, Basis::Mapping));
    assert_eq!(c.via.as_deref(), Some("ISO:6.5"));
    assert_eq!(c.proof[0].relation, "equals");
    assert_eq!(
        c.proof[0].source,
        format!("map.rules:{}", line_of(MAP, "ISO:6.5 equals"))
    );
    let inv = "site: s\nassessments:\n  - { clause: \"LAB:4.3\", status: met }\n";
    let r = eval(&b, inv, "2026-06-01");
    assert_eq!(status(&r, "ISO:6.5"), Status::Met);
    assert_eq!(clause(&r, "ISO:6.5").via.as_deref(), Some("LAB:4.3"));
}

#[test]
fn overlap_carries_partial_only() {
    let b = iso();
    let inv = "site: s\nassessments:\n  - { clause: \"ISO:8\", status: met }\n";
    let r = eval(&b, inv, "2026-06-01");
    let c = clause(&r, "LAB:5");
    assert_eq!((c.status, c.basis), (Status::Partial, Basis::Mapping));
    assert_eq!(c.via.as_deref(), Some("ISO:8"));
    assert_eq!(c.proof[0].relation, "intersects");
    // A superset of a met clause shares obligations with it: partial.
    let inv = "site: s\nassessments:\n  - { clause: \"ISO:6.5\", status: met }\n";
    let r = eval(&b, inv, "2026-06-01");
    let c = clause(&r, "LAB:7");
    assert_eq!((c.status, c.basis), (Status::Partial, Basis::Mapping));
    assert_eq!(c.via.as_deref(), Some("ISO:6.5"));
    // A met subset does not carry met upwards.
    assert_ne!(status(&r, "LAB:7"), Status::Met);
}

#[test]
fn disjoint_carries_nothing() {
    let b = iso();
    let inv = "site: s\nassessments:\n  - { clause: \"ISO:6.4\", status: met }\n";
    let r = eval(&b, inv, "2026-06-01");
    let c = clause(&r, "LAB:6");
    assert_eq!((c.status, c.basis), (Status::Unknown, Basis::None));
    assert!(c.carriers.is_empty());
}

#[test]
fn carry_over_never_overrides_an_assessment() {
    let b = iso();
    let inv = "site: s
assessments:
  - { clause: \"ISO:6.4\", status: met }
  - { clause: \"LAB:4.2\", status: partial, by: auditor }
  - { clause: \"LAB:5\", status: unknown }
  - { clause: \"ISO:8\", status: met }
";
    let r = eval(&b, inv, "2026-06-01");
    let c = clause(&r, "LAB:4.2");
    assert_eq!((c.status, c.basis), (Status::Partial, Basis::Assessment));
    assert!(c.via.is_none());
    let c = clause(&r, "LAB:5");
    assert_eq!((c.status, c.basis), (Status::Unknown, Basis::Assessment));
}

#[test]
fn own_partial_is_kept_over_an_overlap() {
    let rules = r#"
evidence a "A" {}
evidence b "B" {}
referential LAB "Label" { clause 1 "Two" { requires all { evidence a evidence b } } }
referential ISO "ISO" { clause 1 "One" { requires evidence a } }
mapping "m" { LAB:1 intersects ISO:1 }
"#;
    let b = book(&[("r.rules", rules)]);
    let r = eval(&b, &items(&["a"]), "2026-01-01");
    let c = clause(&r, "LAB:1");
    assert_eq!((c.status, c.basis), (Status::Partial, Basis::Evidence));
    assert_eq!(c.evidence, ["A0"]);
}

#[test]
fn the_missing_part_names_the_carriers() {
    let b = iso();
    let r = eval(&b, NO_EVIDENCE, "2026-06-01");
    let c = clause(&r, "LAB:4.2");
    assert_eq!(c.status, Status::NotMet);
    assert!(
        c.carriers.contains(&"ISO:6.4".to_string()),
        "{:?}",
        c.carriers
    );
    assert!(
        c.missing.iter().any(
            |m| m.starts_with("or any of these met, carried by mapping:") && m.contains("ISO:6.4")
        ),
        "{:?}",
        c.missing
    );
}

// ---------------------------------------------------- fixpoint of `clause`

#[test]
fn clause_references_use_carried_statuses() {
    // AAA comes first in the evaluation order; its rule needs a BBB clause
    // that is only met by carry-over from CCC, evaluated last.
    let rules = r#"
evidence survey "Survey" {}
evidence other "Other" {}
referential AAA "A" {
  clause 1 "Needs B" { requires clause BBB:1 }
  clause 2 "Parent" {
    clause 2.1 "Carried" { requires evidence other }
    clause 2.2 "Own" { requires evidence survey }
  }
}
referential BBB "B" { clause 1 "Carried" { requires evidence other } }
referential CCC "C" {
  clause 1 "Met" { requires evidence survey }
  clause 2 "Needs A" { requires all { clause AAA:1 clause AAA:2 } }
}
mapping "m" {
  BBB:1 subset-of CCC:1
  AAA:2.1 equals BBB:1
}
"#;
    let b = book(&[("r.rules", rules)]);
    let r = eval(&b, &items(&["survey"]), "2026-01-01");
    assert_eq!(clause(&r, "BBB:1").basis, Basis::Mapping);
    assert_eq!(status(&r, "BBB:1"), Status::Met);
    let c = clause(&r, "AAA:1");
    assert_eq!((c.status, c.basis), (Status::Met, Basis::Evidence));
    assert_eq!(status(&r, "AAA:2.1"), Status::Met);
    let c = clause(&r, "AAA:2");
    assert_eq!((c.status, c.basis), (Status::Met, Basis::SubClauses));
    assert_eq!(status(&r, "CCC:2"), Status::Met);
}

/// Renames the referential `AAA` so that it sorts after `BBB`, which changes
/// the order in which clauses are evaluated but not what the rules mean.
fn both_orders(rules: &str, inventory: &str, as_of: &str) -> (Report, Report) {
    let first = book(&[("r.rules", rules)]);
    let renamed = rules.replace("AAA", "ZZZ");
    let second = book(&[("r.rules", &renamed)]);
    (
        eval(&first, inventory, as_of),
        eval(&second, inventory, as_of),
    )
}

#[test]
fn a_reference_to_a_not_applicable_clause_does_not_depend_on_names() {
    // Statuses are a least fixpoint (DESIGN §4): they may not depend on the
    // order in which referentials happen to be evaluated.
    let rules = r#"
evidence doc "Doc" {}
referential AAA "A" {
  clause 1 "Needs B:1" { requires clause BBB:1 }
  clause 2 "Needs B:2" { requires clause BBB:2 }
}
referential BBB "B" {
  clause 1 "MR only" { applies if modality == "MR" requires evidence doc }
  clause 2 "Doc" { requires evidence doc }
}
"#;
    let inv = "site: s\nprofile: { modality: CT }\n";
    let (first, second) = both_orders(rules, inv, "2026-01-01");
    assert_eq!(status(&first, "BBB:1"), Status::NotApplicable);
    assert_eq!(
        status(&first, "AAA:1"),
        status(&second, "ZZZ:1"),
        "`requires clause BBB:1` (not applicable) depends on the referential's name"
    );
    assert_eq!(
        status(&first, "AAA:2"),
        status(&second, "ZZZ:2"),
        "`requires clause BBB:2` (not met) depends on the referential's name"
    );
}

// ------------------------------------------------------- contradictions

#[test]
fn a_not_met_finding_caps_a_superset_met_by_evidence() {
    let b = iso();
    let inv = "site: s
evidence:
  - { id: M1, type: maintenance_record, date: 2026-01-10 }
  - { id: P1, type: procedure, fields: { topic: maintenance } }
assessments:
  - { clause: \"LAB:4.2\", status: not-met, by: \"Audit AFNOR 2026-05-12\" }
";
    let r = eval(&b, inv, "2026-06-01");
    let y = clause(&r, "ISO:6.4");
    assert_eq!(y.status, Status::Partial);
    assert!(
        y.missing.iter().any(|m| m.contains("LAB:4.2")),
        "{:?}",
        y.missing
    );
    assert_eq!(r.contradictions.len(), 1, "{:?}", r.contradictions);
    let c = &r.contradictions[0];
    assert_eq!(c.assessment.clause, "LAB:4.2");
    assert_eq!(c.assessment.status, Status::NotMet);
    assert_eq!(c.assessment.by.as_deref(), Some("Audit AFNOR 2026-05-12"));
    assert_eq!(c.clause, "ISO:6.4");
    assert_eq!(c.basis, Basis::Evidence);
    assert!(c.via.is_none());
    assert_eq!(c.proof.len(), 1);
    assert_eq!(
        (
            c.proof[0].from.as_str(),
            c.proof[0].relation.as_str(),
            c.proof[0].to.as_str()
        ),
        ("LAB:4.2", "subset-of", "ISO:6.4")
    );
    assert_eq!(
        c.proof[0].source,
        format!("map.rules:{}", line_of(MAP, "LAB:4.2 subset-of"))
    );
    assert!(
        c.message.contains("`ISO:6.4`") && c.message.contains("`LAB:4.2`"),
        "{}",
        c.message
    );
    // The finding itself stands.
    assert_eq!(status(&r, "LAB:4.2"), Status::NotMet);
    assert_eq!(clause(&r, "LAB:4.2").basis, Basis::Assessment);
}

#[test]
fn a_not_met_finding_caps_a_superset_assessed_met() {
    let b = iso();
    let inv = "site: s
assessments:
  - { clause: \"LAB:4.2\", status: not-met, by: AFNOR }
  - { clause: \"ISO:6.4\", status: met, by: COFRAC }
";
    let r = eval(&b, inv, "2026-06-01");
    assert_eq!(status(&r, "ISO:6.4"), Status::Partial);
    assert_eq!(r.contradictions.len(), 1);
    let c = &r.contradictions[0];
    assert_eq!(c.basis, Basis::Assessment);
    assert_eq!(c.assessment.by.as_deref(), Some("AFNOR"));
}

#[test]
fn a_not_met_finding_caps_the_parent_through_the_hierarchy() {
    let rules = r#"
evidence doc "Doc" {}
referential LAB "Label" {
  clause 1 "Parent" {
    requires evidence doc
    clause 1.1 "Child" { requires evidence doc }
  }
}
"#;
    let b = book(&[("r.rules", rules)]);
    let inv = "site: s
evidence:
  - { id: D1, type: doc }
assessments:
  - { clause: \"LAB:1.1\", status: not-met, by: auditor }
";
    let r = eval(&b, inv, "2026-01-01");
    assert_eq!(status(&r, "LAB:1"), Status::Partial);
    assert_eq!(r.contradictions.len(), 1);
    let c = &r.contradictions[0];
    assert_eq!(c.clause, "LAB:1");
    assert_eq!(c.proof[0].kind, "hierarchy");
    assert_eq!(
        c.proof[0].source,
        format!("r.rules:{}", line_of(rules, "clause 1.1"))
    );
}

#[test]
fn a_not_met_finding_says_nothing_of_subsets_or_unrelated_clauses() {
    let b = iso();
    let inv = "site: s
evidence:
  - { id: M1, type: maintenance_record, date: 2026-01-10 }
  - { id: S1, type: survey }
assessments:
  - { clause: \"ISO:6.4\", status: not-met, by: auditor }
";
    let r = eval(&b, inv, "2026-06-01");
    // LAB:4.2 ⊆ ISO:6.4: a failed superset does not make the part fail.
    assert_eq!(status(&r, "LAB:4.2"), Status::Met);
    assert_eq!(clause(&r, "LAB:4.2").basis, Basis::Evidence);
    assert_eq!(status(&r, "ISO:8"), Status::Met);
    assert!(r.contradictions.is_empty(), "{:?}", r.contradictions);
}

#[test]
fn no_contradiction_when_the_superset_is_not_met_anyway() {
    let b = iso();
    let inv = "site: s\nassessments:\n  - { clause: \"LAB:4.2\", status: not-met }\n";
    let r = eval(&b, inv, "2026-06-01");
    assert!(r.contradictions.is_empty());
    assert_eq!(status(&r, "ISO:6.4"), Status::NotMet);
}

// ----------------------------------------------------------- min-strength

#[test]
fn min_strength_drops_weak_links_and_their_carry_over() {
    let inv = "site: s\nassessments:\n  - { clause: \"ISO:6.5\", status: met }\n  - { clause: \"ISO:6.4\", status: met }\n";
    let files = [("ref.rules", ISO), ("map.rules", MAP)];
    // `ISO:6.5 equals LAB:4.3` has strength 3; `LAB:4.2 subset-of ISO:6.4` 8.
    let all = book_with(&files, Options { min_strength: None });
    let r = eval(&all, inv, "2026-06-01");
    assert_eq!(status(&r, "LAB:4.3"), Status::Met);
    assert_eq!(status(&r, "LAB:4.2"), Status::Met);
    let strong = book_with(
        &files,
        Options {
            min_strength: Some(4),
        },
    );
    let r = eval(&strong, inv, "2026-06-01");
    let c = clause(&r, "LAB:4.3");
    assert_eq!((c.status, c.basis), (Status::Unknown, Basis::None));
    assert!(
        !c.carriers.contains(&"ISO:6.5".to_string()),
        "{:?}",
        c.carriers
    );
    assert_eq!(status(&r, "LAB:4.2"), Status::Met);
    let strongest = book_with(
        &files,
        Options {
            min_strength: Some(9),
        },
    );
    let r = eval(&strongest, inv, "2026-06-01");
    assert_eq!(status(&r, "LAB:4.2"), Status::NotMet);
    // Unrated links stay: `LAB:7 superset-of ISO:6.5`.
    assert_eq!(status(&r, "LAB:7"), Status::Partial);
}

// -------------------------------------------------------------- report

#[test]
fn summaries_count_per_referential_in_id_order() {
    let b = iso();
    let inv = "site: Centre\nassessments:\n  - { clause: \"ISO:6.4\", status: met }\n";
    let mut r = eval(&b, inv, "2026-06-01");
    assert_eq!(r.site, "Centre");
    assert_eq!(r.as_of, date("2026-06-01"));
    let ids: Vec<&str> = r.summary.iter().map(|s| s.referential.as_str()).collect();
    assert_eq!(ids, ["ISO", "LAB"]);
    for s in &r.summary {
        let n = r
            .clauses
            .iter()
            .filter(|c| c.clause.starts_with(&format!("{}:", s.referential)))
            .count();
        assert_eq!(
            s.met + s.partial + s.not_met + s.not_applicable + s.unknown,
            n
        );
    }
    let keys: Vec<&str> = r.clauses.iter().map(|c| c.clause.as_str()).collect();
    assert_eq!(
        keys,
        [
            "ISO:6", "ISO:6.4", "ISO:6.5", "ISO:8", "LAB:4", "LAB:4.2", "LAB:4.3", "LAB:5",
            "LAB:6", "LAB:7"
        ]
    );
    r.keep_referentials(&["LAB".to_string()]);
    assert_eq!(r.summary.len(), 1);
    assert!(r.clauses.iter().all(|c| c.clause.starts_with("LAB:")));
}

#[test]
fn an_assessed_clause_names_no_carriers() {
    // Carry-over never overrides an assessment, so "or any of these met,
    // carried by mapping" is not a way for an assessed clause to be met.
    let b = iso();
    let inv = "site: s\nassessments:\n  - { clause: \"LAB:4.2\", status: not-met, by: auditor }\n";
    let r = eval(&b, inv, "2026-06-01");
    let c = clause(&r, "LAB:4.2");
    assert_eq!(c.basis, Basis::Assessment);
    assert!(
        !c.missing.iter().any(|m| m.contains("carried by mapping")),
        "{:?}",
        c.missing
    );
}
