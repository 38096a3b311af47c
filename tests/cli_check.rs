//! `refmap check` and `refmap test` from the outside (DESIGN §5, issue 4):
//! a small rules folder and site inventories written by the test into a
//! temporary folder, the binary run there with `--rules`, and its output
//! (human and JSON) snapshotted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const EVIDENCE: &str = r#"
evidence maintenance_record "Preventive maintenance report of an imaging device" {
  valid 12 months
  field modality: text
}
evidence qc_internal "Internal quality control" { field modality: text }
evidence procedure "Written procedure" { field topic: text }
evidence survey "Patient satisfaction survey" { field respondents: number }
"#;

const LABELIX: &str = r#"
referential LABELIX "Label qualité en imagerie médicale" {
  publisher "FNMR / AFNOR"
  clause 4 "Équipements" {
    clause 4.2 "Maintenance et contrôle qualité des équipements" {
      requires all {
        evidence maintenance_record within 12 months
        evidence qc_internal
      }
    }
    clause 4.3 "IRM" {
      applies if modalities contains "MR"
      requires evidence procedure where topic == "mri_safety"
    }
  }
  clause 5 "Satisfaction des patients" { requires evidence survey where respondents >= 100 }
}
"#;

const ISO: &str = r#"
referential ISO "ISO 15189:2022" {
  clause 6.4 "Equipment" { requires evidence procedure where topic == "equipment" }
  clause 8.6 "Improvement" { requires evidence survey }
}
"#;

const MAP: &str = r#"mapping "LABELIX ↔ ISO 15189:2022" {
  source "test"
  LABELIX:4.2 subset-of ISO:6.4 { strength 8 rationale semantic }
  LABELIX:5 intersects ISO:8.6 { strength 4 }
}
"#;

const PASSING_TESTS: &str = r#"
test "ISO equipment procedure carries to LABELIX 4.2" {
  as-of 2026-11-01
  given evidence procedure { topic "equipment" }
  expect ISO:6.4 met
  expect LABELIX:4.2 met via ISO:6.4
  expect relation LABELIX:4.2 subset-of ISO:6.4
}
"#;

const FAILING_TEST: &str = r#"
test "a survey <alone> & \"nothing else\" meets LABELIX 5" {
  as-of 2026-11-01
  given evidence survey { respondents 40 }
  expect LABELIX:5 met
}
"#;

const PARC: &str = r#"site: "Centre d'imagerie du Parc"
as_of: 2026-11-01
profile: { modalities: [CT, MR] }
evidence:
  - { id: EV-001, type: maintenance_record, date: 2026-03-01, fields: { modality: CT } }
  - { id: EV-002, type: procedure, fields: { topic: equipment } }
  - { id: EV-003, type: survey, date: 2026-05-01, fields: { respondents: 412 } }
assessments:
  - { clause: "LABELIX:4.3", status: met, by: "Audit AFNOR 2026-05-12" }
"#;

const LILAS: &str = r#"site: "Cabinet des Lilas"
as_of: 2026-11-01
profile: { modalities: [US] }
evidence:
  - { id: L-1, type: maintenance_record, date: 2025-10-01, fields: { modality: US } }
  - { id: L-2, type: qc_internal, fields: { modality: US } }
  - { id: L-3, type: survey, fields: { respondents: 40 } }
"#;

const FINDING: &str = r#"site: "Centre des Tilleuls"
as_of: 2026-11-01
evidence:
  - { id: T-1, type: procedure, fields: { topic: equipment } }
assessments:
  - { clause: "LABELIX:4.2", status: not-met, by: "Audit AFNOR 2026-09-30" }
"#;

const BAD: &str = r#"site: "Centre mal saisi"
evidence:
  - { id: B-1, type: maintenance_recrod, date: 2026-01-01 }
"#;

/// A temporary folder with `rules/` and the inventories.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new(with_failing_test: bool) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace { dir };
        ws.write("rules/evidence.rules", EVIDENCE);
        ws.write("rules/labelix.rules", LABELIX);
        ws.write("rules/iso.rules", ISO);
        ws.write("rules/map.rules", MAP);
        ws.write("rules/tests/pass.rules", PASSING_TESTS);
        if with_failing_test {
            ws.write("rules/tests/fail.rules", FAILING_TEST);
        }
        ws.write("parc.yaml", PARC);
        ws.write("lilas.yaml", LILAS);
        ws.write("tilleuls.yaml", FINDING);
        ws.write("bad.yaml", BAD);
        ws
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `refmap --rules rules ARGS…` in the folder.
    fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_refmap"))
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .args(["--rules", "rules"])
            .args(args)
            .output()
            .unwrap();
        Run::from(output)
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8(o.stdout).unwrap(),
            stderr: String::from_utf8(o.stderr).unwrap(),
        }
    }
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stderr:\n{}\nstdout:\n{}",
            self.stderr, self.stdout
        );
        self
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

/// The object of a clause in a JSON report.
fn clause<'v>(report: &'v Value, key: &str) -> &'v Value {
    report["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause"] == key)
        .unwrap_or_else(|| panic!("no clause {key} in {report}"))
}

fn summary<'v>(report: &'v Value, referential: &str) -> &'v Value {
    report["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["referential"] == referential)
        .unwrap_or_else(|| panic!("no summary of {referential}"))
}

#[test]
fn check_human_output() {
    let ws = Workspace::new(false);
    let run = ws.run(&["check", "--evidence", "lilas.yaml"]).ok();
    let out = &run.stdout;
    assert!(
        out.starts_with("Cabinet des Lilas — as of 2026-11-01\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "\nISO ISO 15189:2022\n  1 met, 0 partial, 1 not-met, 0 not-applicable, 0 unknown\n"
        ),
        "{out}"
    );
    assert!(out.contains("\nLABELIX Label qualité en imagerie médicale\n  0 met, 3 partial, 0 not-met, 1 not-applicable, 0 unknown\n"), "{out}");
    assert!(out.contains("L-1 expired 2026-10-01"), "{out}");
    assert!(
        out.contains("proof: LABELIX:5 intersects ISO:8.6  (rules/map.rules:4)"),
        "{out}"
    );
    assert!(!out.contains('\x1b'), "colour codes in plain output");
    insta::assert_snapshot!("check_human_lilas", out);
    let run = ws.run(&["check", "--evidence", "parc.yaml"]).ok();
    assert!(run.stdout.contains("[via ISO:6.4]"), "{}", run.stdout);
    assert!(
        run.stdout.contains("[assessed: Audit AFNOR 2026-05-12]"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("check_human_parc", run.stdout);
}

#[test]
fn check_human_output_lists_contradictions() {
    let ws = Workspace::new(false);
    let run = ws.run(&["check", "--evidence", "tilleuls.yaml"]).ok();
    let out = &run.stdout;
    assert!(out.contains("\ncontradictions\n"), "{out}");
    assert!(
        out.contains("`ISO:6.4`") && out.contains("`LABELIX:4.2`"),
        "{out}"
    );
    assert!(out.contains("Audit AFNOR 2026-09-30"), "{out}");
    insta::assert_snapshot!("check_human_contradiction", out);
}

#[test]
fn check_json_has_the_shape_of_design_5() {
    let ws = Workspace::new(false);
    let run = ws
        .run(&["check", "--evidence", "parc.yaml", "--format", "json"])
        .ok();
    let v = run.json();
    assert!(v.is_object(), "one file gives one object");
    assert_eq!(v["site"], "Centre d'imagerie du Parc");
    assert_eq!(v["as_of"], "2026-11-01");
    for s in v["summary"].as_array().unwrap() {
        for field in ["met", "partial", "not_met", "not_applicable", "unknown"] {
            assert!(s[field].is_u64(), "summary.{field} in {s}");
        }
        assert!(s["referential"].is_string());
    }
    let ids: Vec<&str> = v["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["referential"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ISO", "LABELIX"]);
    for c in v["clauses"].as_array().unwrap() {
        assert!(c["clause"].as_str().unwrap().contains(':'));
        let status = c["status"].as_str().unwrap();
        assert!(
            ["met", "partial", "not-met", "not-applicable", "unknown"].contains(&status),
            "{status}"
        );
        let basis = c["basis"].as_str().unwrap();
        assert!(
            ["assessment", "evidence", "sub-clauses", "mapping", "none"].contains(&basis),
            "{basis}"
        );
        assert!(c["evidence"].is_array());
        assert!(c["via"].is_null() || c["via"].is_string());
        assert!(c["proof"].is_array());
        assert!(c["missing"].is_array());
    }
    assert!(v["contradictions"].as_array().unwrap().is_empty());
    let carried = clause(&v, "LABELIX:4.2");
    assert_eq!(carried["status"], "met");
    assert_eq!(carried["basis"], "mapping");
    assert_eq!(carried["via"], "ISO:6.4");
    let step = &carried["proof"][0];
    assert_eq!(step["from"], "LABELIX:4.2");
    assert_eq!(step["relation"], "subset-of");
    assert_eq!(step["to"], "ISO:6.4");
    assert_eq!(step["source"], "rules/map.rules:3");
    assert_eq!(
        clause(&v, "ISO:6.4")["evidence"],
        serde_json::json!(["EV-002"])
    );
    assert_eq!(clause(&v, "LABELIX:4.3")["basis"], "assessment");
    insta::assert_snapshot!("check_json_parc", run.stdout);
}

#[test]
fn check_json_reports_contradictions() {
    let ws = Workspace::new(false);
    let v = ws
        .run(&["check", "--evidence", "tilleuls.yaml", "--format", "json"])
        .ok()
        .json();
    let list = v["contradictions"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{v}");
    let c = &list[0];
    assert_eq!(c["assessment"]["clause"], "LABELIX:4.2");
    assert_eq!(c["assessment"]["status"], "not-met");
    assert_eq!(c["assessment"]["by"], "Audit AFNOR 2026-09-30");
    assert_eq!(c["clause"], "ISO:6.4");
    assert_eq!(c["basis"], "evidence");
    assert_eq!(c["proof"][0]["source"], "rules/map.rules:3");
    assert_eq!(clause(&v, "ISO:6.4")["status"], "partial");
    insta::assert_snapshot!(
        "check_json_contradiction",
        serde_json::to_string_pretty(&v).unwrap()
    );
}

#[test]
fn several_files_give_an_array_in_the_order_given() {
    let ws = Workspace::new(false);
    let run = ws
        .run(&[
            "check",
            "--evidence",
            "lilas.yaml",
            "parc.yaml",
            "tilleuls.yaml",
            "--format",
            "json",
        ])
        .ok();
    let v = run.json();
    let sites: Vec<&str> = v
        .as_array()
        .expect("several files give an array")
        .iter()
        .map(|r| r["site"].as_str().unwrap())
        .collect();
    assert_eq!(
        sites,
        [
            "Cabinet des Lilas",
            "Centre d'imagerie du Parc",
            "Centre des Tilleuls"
        ]
    );
    // `--evidence` repeated works the same.
    let again = ws
        .run(&[
            "check",
            "--evidence",
            "parc.yaml",
            "--evidence",
            "lilas.yaml",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(again[0]["site"], "Centre d'imagerie du Parc");
    assert_eq!(again[1]["site"], "Cabinet des Lilas");
}

#[test]
fn summary_keeps_only_the_counts() {
    let ws = Workspace::new(false);
    let v = ws
        .run(&[
            "check",
            "--evidence",
            "parc.yaml",
            "lilas.yaml",
            "--summary",
            "--format",
            "json",
        ])
        .ok()
        .json();
    for r in v.as_array().unwrap() {
        assert!(r.get("clauses").is_none(), "{r}");
        assert!(r["summary"].is_array());
        assert!(r["site"].is_string() && r["as_of"].is_string());
    }
    let lilas = &v[1];
    let s = summary(lilas, "LABELIX");
    assert_eq!(
        (
            s["met"].as_u64(),
            s["partial"].as_u64(),
            s["not_applicable"].as_u64()
        ),
        (Some(0), Some(3), Some(1))
    );
    let one = ws
        .run(&[
            "check",
            "--evidence",
            "parc.yaml",
            "--summary",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert!(one.is_object() && one.get("clauses").is_none(), "{one}");

    let run = ws
        .run(&[
            "check",
            "--evidence",
            "parc.yaml",
            "lilas.yaml",
            "--summary",
        ])
        .ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        4,
        "one line per site and referential:\n{}",
        run.stdout
    );
    assert!(
        lines[0].starts_with("Centre d'imagerie du Parc\t2026-11-01\tISO\t"),
        "{}",
        lines[0]
    );
    assert!(
        lines[3].starts_with("Cabinet des Lilas\t2026-11-01\tLABELIX\t"),
        "{}",
        lines[3]
    );
    insta::assert_snapshot!("check_summary_human", run.stdout);
}

#[test]
fn as_of_overrides_the_inventory_date() {
    let ws = Workspace::new(false);
    let v = ws
        .run(&["check", "--evidence", "parc.yaml", "--format", "json"])
        .ok()
        .json();
    assert_eq!(v["as_of"], "2026-11-01");
    assert_eq!(summary(&v, "LABELIX")["met"], 4);
    // On 2027-03-01 the maintenance report of 2026-03-01 has expired, so
    // LABELIX 4.2's own rule fails — but it is still carried from ISO 6.4.
    let v = ws
        .run(&[
            "check",
            "--evidence",
            "parc.yaml",
            "--as-of",
            "2027-03-01",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(v["as_of"], "2027-03-01");
    assert_eq!(clause(&v, "LABELIX:4.2")["basis"], "mapping");
    // Before the survey was made, LABELIX 5 and ISO 8.6 lack it.
    let v = ws
        .run(&[
            "check",
            "--evidence",
            "parc.yaml",
            "--as-of",
            "2026-04-30",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(v["as_of"], "2026-04-30");
    assert_eq!(clause(&v, "ISO:8.6")["status"], "not-met");
    assert_eq!(clause(&v, "LABELIX:5")["status"], "not-met");
    // Without `as_of` in the file and without `--as-of`: today.
    ws.write("undated.yaml", "site: \"Sans date\"\n");
    let v = ws
        .run(&["check", "--evidence", "undated.yaml", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        v["as_of"],
        refmap::internal::date::Date::today().to_string()
    );
}

#[test]
fn a_bad_as_of_is_a_usage_error() {
    let ws = Workspace::new(false);
    let run = ws.run(&["check", "--evidence", "parc.yaml", "--as-of", "2026-02-30"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("2026-02-30"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn a_bad_inventory_exits_2_naming_the_file_and_the_item() {
    let ws = Workspace::new(false);
    let run = ws.run(&["check", "--evidence", "parc.yaml", "bad.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // The good inventory is still evaluated (issue 14, point 7).
    assert!(
        run.stdout.contains("Centre d'imagerie du Parc"),
        "{}",
        run.stdout
    );
    // Drawn as rule diagnostics are: code, file:line:col, the line, the place.
    for part in [
        "refmap::inventory::unknown-type",
        "[bad.yaml:3:22]",
        "evidence[0] (id B-1), field `type`",
        "1 of 2 inventory files could not be checked; the others were evaluated",
    ] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
    assert!(
        run.stderr.contains("did you mean `maintenance_record`?"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("parc.yaml"), "{}", run.stderr);
    let run = ws.run(&["check", "--evidence", "missing.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.yaml"), "{}", run.stderr);
    ws.write("broken.yaml", "site: [unclosed\n");
    let run = ws.run(&["check", "--evidence", "broken.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("refmap::inventory::malformed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[broken.yaml:2:1]"), "{}", run.stderr);
}

#[test]
fn referential_filter_keeps_the_referentials_asked_for() {
    let ws = Workspace::new(false);
    let v = ws
        .run(&[
            "check",
            "--evidence",
            "parc.yaml",
            "--referential",
            "LABELIX",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(v["summary"].as_array().unwrap().len(), 1);
    assert_eq!(v["summary"][0]["referential"], "LABELIX");
    assert!(v["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["clause"].as_str().unwrap().starts_with("LABELIX:")));
    // Carry-over still comes from the referentials left out.
    assert_eq!(clause(&v, "LABELIX:4.2")["via"], "ISO:6.4");
    let both = ws
        .run(&[
            "check",
            "--evidence",
            "parc.yaml",
            "--referential",
            "LABELIX",
            "--referential",
            "ISO",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(both["summary"].as_array().unwrap().len(), 2);
    let run = ws.run(&[
        "check",
        "--evidence",
        "parc.yaml",
        "--referential",
        "LABELIXX",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("LABELIXX"), "{}", run.stderr);
    let human = ws
        .run(&["check", "--evidence", "parc.yaml", "--referential", "ISO"])
        .ok();
    assert!(!human.stdout.contains("LABELIX"), "{}", human.stdout);
}

#[test]
fn min_strength_is_global_and_drops_weak_carry_over() {
    let ws = Workspace::new(false);
    let v = ws
        .run(&["check", "--evidence", "lilas.yaml", "--format", "json"])
        .ok()
        .json();
    assert_eq!(clause(&v, "LABELIX:5")["basis"], "mapping");
    // `LABELIX:5 intersects ISO:8.6` has strength 4.
    let v = ws
        .run(&[
            "check",
            "--evidence",
            "lilas.yaml",
            "--format",
            "json",
            "--min-strength",
            "5",
        ])
        .ok()
        .json();
    assert_eq!(clause(&v, "LABELIX:5")["status"], "not-met");
    assert_eq!(clause(&v, "LABELIX:5")["basis"], "evidence");
}

#[test]
fn refmap_test_passes_with_exit_0() {
    let ws = Workspace::new(false);
    let run = ws.run(&["test"]).ok();
    assert_eq!(
        run.stdout.lines().last(),
        Some("1 passed, 0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn refmap_test_fails_with_exit_1_and_says_why() {
    let ws = Workspace::new(true);
    let run = ws.run(&["test"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert_eq!(out.lines().last(), Some("1 passed, 1 failed"), "{out}");
    assert!(out.contains("expected: LABELIX:5 met"), "{out}");
    assert!(
        out.contains("found:    partial (basis mapping), via ISO:8.6"),
        "{out}"
    );
    assert!(out.contains("rules/tests/fail.rules:5"), "{out}");
    insta::assert_snapshot!("test_human_failure", out);
}

#[test]
fn refmap_test_json() {
    let ws = Workspace::new(true);
    let run = ws.run(&["test", "--format", "json"]);
    assert_eq!(run.code, 1);
    let v = run.json();
    assert_eq!(v["passed"], 1);
    assert_eq!(v["failed"], 1);
    assert_eq!(v["tests"].as_array().unwrap().len(), 2);
}

#[test]
fn refmap_test_junit_is_well_formed_xml_with_a_failure() {
    let ws = Workspace::new(true);
    let run = ws.run(&["test", "--format", "junit"]);
    assert_eq!(run.code, 1);
    let xml = &run.stdout;
    let elements = check_xml(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(elements.first().map(String::as_str), Some("testsuites"));
    assert_eq!(elements.iter().filter(|e| *e == "testcase").count(), 2);
    assert_eq!(elements.iter().filter(|e| *e == "failure").count(), 1);
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
    // The test name holds `<`, `&` and quotes: escaped, not raw.
    assert!(
        xml.contains("a survey &lt;alone&gt; &amp; &quot;nothing else&quot; meets LABELIX 5"),
        "{xml}"
    );
    insta::assert_snapshot!("test_junit", xml);
    let pass = Workspace::new(false)
        .run(&["test", "--format", "junit"])
        .ok();
    check_xml(&pass.stdout).unwrap();
    assert!(!pass.stdout.contains("<failure"));
}

/// A small well-formedness check of XML 1.0 as `tests_junit` writes it:
/// one root, properly nested elements, quoted attributes, known entities,
/// no raw `<` or `&` in text. Returns the element names in document order.
fn check_xml(xml: &str) -> Result<Vec<String>, String> {
    let entity_ok = |rest: &str| {
        ["amp;", "lt;", "gt;", "quot;", "apos;"]
            .iter()
            .any(|e| rest.starts_with(e))
            || rest.starts_with('#')
    };
    let text_ok = |text: &str| -> Result<(), String> {
        for (i, ch) in text.char_indices() {
            if ch == '&' && !entity_ok(&text[i + 1..]) {
                return Err(format!("raw `&` in `{text}`"));
            }
            if (ch as u32) < 0x20 && !matches!(ch, '\n' | '\r' | '\t') {
                return Err(format!("control character in `{text}`"));
            }
        }
        Ok(())
    };
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .ok_or("no XML declaration")?;
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut roots = 0;
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: `{text}`"));
        }
        text_ok(text)?;
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(top) if top == name.trim() => {}
                other => return Err(format!("`</{name}>` closes {other:?}")),
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!("bad element name in `<{tag}>`"));
        }
        // Attributes: name="value" pairs with no raw `<` or `"` inside.
        let mut attrs = tag[name.len()..].trim();
        while !attrs.is_empty() {
            let eq = attrs
                .find("=\"")
                .ok_or_else(|| format!("bad attribute in `<{tag}>`"))?;
            let value_end = attrs[eq + 2..].find('"').ok_or("unterminated attribute")? + eq + 2;
            let value = &attrs[eq + 2..value_end];
            if value.contains('<') {
                return Err(format!("raw `<` in attribute `{value}`"));
            }
            text_ok(value)?;
            attrs = attrs[value_end + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
        }
        names.push(name.clone());
        if !self_closing {
            stack.push(name);
        }
    }
    if !rest.trim().is_empty() {
        return Err(format!("trailing text `{rest}`"));
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(names)
}

#[test]
fn the_xml_check_catches_broken_xml() {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    assert!(check_xml(&format!("{decl}<a><b></a></b>")).is_err());
    assert!(check_xml(&format!("{decl}<a>x & y</a>")).is_err());
    assert!(check_xml(&format!("{decl}<a x=\"1\"/><b/>")).is_err());
    assert!(check_xml(&format!("{decl}<a x=\"&lt;\">&amp;</a>")).is_ok());
}
