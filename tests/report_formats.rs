//! `check` and `coverage` as CSV and xlsx, read back (the `csv` crate,
//! `calamine`) and compared with the JSON report of the same inventory;
//! formula neutralisation; `--output`; the gates (`--fail-on`), the focus
//! (`--only`) and the hint after a long listing (issue 14, points 5 and 6).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use serde_json::Value;

const RULES: &str = r#"
evidence procedure "Written procedure" { field topic: text }
evidence survey "Patient satisfaction survey" { field respondents: number }

referential LAB "Label" {
  clause 1 "Procédures d'équipement" { requires evidence procedure where topic == "equipment" }
  clause 2 "+ Satisfaction" {
    requires all {
      evidence survey
      evidence procedure where topic == "survey"
    }
  }
  clause 3 "Assessed only"
}

referential ISO "ISO" {
  clause 6 "Equipment" { requires evidence procedure where topic == "equipment" }
}

mapping "LAB ↔ ISO" {
  LAB:1 equals ISO:6
}
"#;

/// Every LAB clause with a rule met; LAB:3 stays unknown.
const MET: &str = r#"site: "=cmd|' /C calc'!A0"
as_of: 2026-11-01
evidence:
  - { id: "@SUM(1)", type: procedure, fields: { topic: equipment } }
  - { id: "-E2", type: survey, fields: { respondents: 100 } }
  - { id: E3, type: procedure, fields: { topic: survey } }
"#;

const PARTIAL: &str = r#"site: "Centre partiel"
as_of: 2026-11-01
evidence:
  - { id: P1, type: procedure, fields: { topic: equipment } }
  - { id: P2, type: survey, fields: { respondents: 100 } }
"#;

const NOT_MET: &str = r#"site: "Centre vide"
as_of: 2026-11-01
evidence:
  - { id: N1, type: procedure, fields: { topic: equipment } }
"#;

const CONTRADICTION: &str = r#"site: "Centre contredit"
as_of: 2026-11-01
evidence:
  - { id: C1, type: procedure, fields: { topic: equipment } }
  - { id: C2, type: survey, fields: { respondents: 100 } }
  - { id: C3, type: procedure, fields: { topic: survey } }
assessments:
  - { clause: "ISO:6", status: not-met, by: "Audit 2026-10-01" }
"#;

struct Workspace {
    dir: tempfile::TempDir,
}

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn text(&self) -> String {
        String::from_utf8(self.stdout.clone()).unwrap()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap()
    }
    fn ok(self) -> Run {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        self
    }
}

impl Workspace {
    fn new() -> Workspace {
        let ws = Workspace {
            dir: tempfile::tempdir().unwrap(),
        };
        ws.write("rules/site.rules", RULES);
        ws.write("met.yaml", MET);
        ws.write("partial.yaml", PARTIAL);
        ws.write("not-met.yaml", NOT_MET);
        ws.write("contradiction.yaml", CONTRADICTION);
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

    /// `refmap --rules rules ARGS…` in the folder.
    fn run(&self, args: &[&str]) -> Run {
        let o = Command::new(env!("CARGO_BIN_EXE_refmap"))
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .args(["--rules", "rules"])
            .args(args)
            .output()
            .unwrap();
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: o.stdout,
            stderr: String::from_utf8(o.stderr).unwrap(),
        }
    }
}

/// CSV rows as maps from header to cell.
fn csv_rows(text: &str, delimiter: u8) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

/// The JSON report's clauses of every site, as (site, clause, status, basis, evidence, via).
fn json_clauses(reports: &Value) -> Vec<[String; 6]> {
    let reports = match reports {
        Value::Array(all) => all.clone(),
        one => vec![one.clone()],
    };
    let mut out = Vec::new();
    for r in &reports {
        for c in r["clauses"].as_array().unwrap() {
            let evidence: Vec<&str> = c["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap())
                .collect();
            out.push([
                r["site"].as_str().unwrap().to_string(),
                c["clause"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                c["basis"].as_str().unwrap().to_string(),
                evidence.join(", "),
                c["via"].as_str().unwrap_or("").to_string(),
            ]);
        }
    }
    out
}

/// A cell as a spreadsheet user reads it once the `'` guard is removed.
fn unguarded(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => cell.to_string(),
    }
}

const SITES: [&str; 4] = [
    "met.yaml",
    "partial.yaml",
    "not-met.yaml",
    "contradiction.yaml",
];

fn check_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["check", "--evidence"];
    args.extend(SITES);
    args.extend(extra);
    args
}

#[test]
fn csv_rows_are_the_json_clauses_with_formulas_neutralised() {
    let ws = Workspace::new();
    let json = ws.run(&check_args(&["--format", "json"])).ok().json();
    let csv = ws.run(&check_args(&["--format", "csv"])).ok().text();
    let rows = csv_rows(&csv, b',');
    let from_csv: Vec<[String; 6]> = rows
        .iter()
        .map(|r| ["site", "clause", "status", "basis", "evidence", "via"].map(|k| unguarded(&r[k])))
        .collect();
    assert_eq!(from_csv, json_clauses(&json));
    // Cells a spreadsheet would run are guarded; the rest are as in JSON.
    let first = &rows[0];
    assert_eq!(first["site"], "'=cmd|' /C calc'!A0");
    let lab1 = rows.iter().find(|r| r["clause"] == "LAB:1").unwrap();
    assert_eq!(lab1["evidence"], "'@SUM(1)");
    assert_eq!(lab1["referential"], "LAB");
    let lab2 = rows.iter().find(|r| r["clause"] == "LAB:2").unwrap();
    assert_eq!(lab2["title"], "'+ Satisfaction");
    assert_eq!(lab2["evidence"], "'-E2, E3");
    let missing = rows
        .iter()
        .find(|r| r["site"] == "Centre partiel" && r["clause"] == "LAB:2")
        .unwrap();
    assert!(
        missing["missing"].contains("topic == \"survey\""),
        "{missing:?}"
    );
    for row in &rows {
        for cell in row.values() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unguarded cell {cell:?}"
            );
        }
    }
}

#[test]
fn csv_for_excel_has_a_bom_semicolons_and_the_same_rows() {
    let ws = Workspace::new();
    let plain = ws.run(&check_args(&["--format", "csv"])).ok().text();
    let excel = ws
        .run(&check_args(&["--format", "csv", "--csv-excel"]))
        .ok()
        .text();
    let body = excel
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte order mark");
    assert!(body.starts_with("site;referential;clause;title;status;basis;evidence;via;missing"));
    assert!(body.contains("\r\n"));
    assert_eq!(csv_rows(body, b';'), csv_rows(&plain, b','));
    // Only CSV takes the option.
    let run = ws.run(&check_args(&["--format", "json", "--csv-excel"]));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--format csv"), "{}", run.stderr);
}

fn xlsx_sheets(bytes: &[u8]) -> BTreeMap<String, Vec<Vec<Data>>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range.rows().map(<[Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

#[test]
fn xlsx_read_back_matches_the_json_report() {
    let ws = Workspace::new();
    let json = ws.run(&check_args(&["--format", "json"])).ok().json();
    let out = ws.path().join("sites.xlsx");
    let run = ws
        .run(&check_args(&[
            "--format",
            "xlsx",
            "--output",
            out.to_str().unwrap(),
        ]))
        .ok();
    assert!(run.stdout.is_empty());
    let sheets = xlsx_sheets(&std::fs::read(&out).unwrap());
    let names: Vec<&str> = sheets.keys().map(String::as_str).collect();
    assert_eq!(names, ["About", "Contradictions", "ISO", "LAB", "Summary"]);

    // Summary: one row per site × referential, counts as in JSON.
    let summary = &sheets["Summary"];
    let header: Vec<String> = summary[0].iter().map(text).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut expected = Vec::new();
    for r in json.as_array().unwrap() {
        for s in r["summary"].as_array().unwrap() {
            expected.push(vec![
                r["site"].as_str().unwrap().to_string(),
                s["referential"].as_str().unwrap().to_string(),
                s["met"].to_string(),
                s["partial"].to_string(),
                s["not_met"].to_string(),
                s["not_applicable"].to_string(),
                s["unknown"].to_string(),
            ]);
        }
    }
    let found: Vec<Vec<String>> = summary[1..]
        .iter()
        .map(|row| {
            [
                "site",
                "referential",
                "met",
                "partial",
                "not-met",
                "not-applicable",
                "unknown",
            ]
            .iter()
            .map(|k| text(&row[col(k)]))
            .collect()
        })
        .collect();
    assert_eq!(found, expected);

    // One sheet per referential: every clause of every site, as in JSON.
    let mut from_sheets = Vec::new();
    for name in ["ISO", "LAB"] {
        let rows = &sheets[name];
        let header: Vec<String> = rows[0].iter().map(text).collect();
        let col = |k: &str| header.iter().position(|h| h == k).unwrap();
        for row in &rows[1..] {
            from_sheets.push(
                ["site", "clause", "status", "basis", "evidence", "via"]
                    .map(|k| text(&row[col(k)])),
            );
        }
    }
    let mut from_json = json_clauses(&json);
    from_sheets.sort();
    from_json.sort();
    assert_eq!(from_sheets, from_json);
    // Formula-like text is kept as text (with Excel's quote prefix), never a formula.
    assert!(sheets["LAB"]
        .iter()
        .any(|r| text(&r[0]) == "=cmd|' /C calc'!A0"));
    let contradiction = &sheets["Contradictions"][1];
    assert_eq!(text(&contradiction[0]), "Centre contredit");
    assert_eq!(text(&contradiction[1]), "LAB:1");
}

#[test]
fn xlsx_on_a_pipe_is_written_and_the_same_twice() {
    let ws = Workspace::new();
    let a = ws
        .run(&["check", "--evidence", "met.yaml", "--format", "xlsx"])
        .ok();
    let b = ws
        .run(&["check", "--evidence", "met.yaml", "--format", "xlsx"])
        .ok();
    assert!(a.stdout.starts_with(b"PK"), "a zip file");
    assert_eq!(a.stdout, b.stdout, "the workbook is deterministic");
}

#[test]
fn output_writes_a_file_atomically_and_reports_a_bad_place() {
    let ws = Workspace::new();
    let out = ws.path().join("report.csv");
    std::fs::write(&out, "old").unwrap();
    let run = ws
        .run(&[
            "check",
            "--evidence",
            "met.yaml",
            "--format",
            "csv",
            "-o",
            "report.csv",
        ])
        .ok();
    assert!(run.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("site,referential,clause"));
    let leftovers: Vec<_> = std::fs::read_dir(ws.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("refmap-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A device is written into, not replaced.
    let run = ws
        .run(&[
            "check",
            "--evidence",
            "met.yaml",
            "--format",
            "csv",
            "-o",
            "/dev/stdout",
        ])
        .ok();
    assert!(run.text().starts_with("site,referential,clause"));
    let run = ws.run(&[
        "check",
        "--evidence",
        "met.yaml",
        "--format",
        "html",
        "-o",
        "no/such/dir/r.html",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot write `no/such/dir/r.html`"),
        "{}",
        run.stderr
    );
}

#[test]
fn coverage_as_csv_and_xlsx_matches_json() {
    let ws = Workspace::new();
    let args = ["coverage", "--from", "ISO", "--to", "LAB"];
    let json = ws
        .run(&[&args[..], &["--format", "json"]].concat())
        .ok()
        .json();
    let csv = ws
        .run(&[&args[..], &["--format", "csv"]].concat())
        .ok()
        .text();
    let rows = csv_rows(&csv, b',');
    let clauses = json["clauses"].as_array().unwrap();
    assert_eq!(rows.len(), clauses.len());
    for (row, c) in rows.iter().zip(clauses) {
        assert_eq!(row["clause"], c["clause"].as_str().unwrap());
        assert_eq!(row["coverage"], c["coverage"].as_str().unwrap());
        assert_eq!(row["by"], c["by"].as_str().unwrap_or(""));
    }
    let out = ws.path().join("cov.xlsx");
    ws.run(
        &[
            &args[..],
            &["--format", "xlsx", "-o", out.to_str().unwrap()],
        ]
        .concat(),
    )
    .ok();
    let sheets = xlsx_sheets(&std::fs::read(&out).unwrap());
    let summary = &sheets["Summary"];
    assert_eq!(text(&summary[1][2]), json["counts"]["full"].to_string());
    assert_eq!(text(&summary[1][6]), json["counts"]["total"].to_string());
    assert_eq!(sheets["LAB"].len(), clauses.len() + 1);
}

#[test]
fn export_csv_neutralises_and_takes_the_excel_option() {
    let ws = Workspace::new();
    let text = ws
        .run(&["export", "--format", "csv", "--csv-excel"])
        .ok()
        .text();
    let body = text.strip_prefix('\u{feff}').unwrap();
    assert!(body.starts_with("source;target;relation;strength"));
    assert!(body.contains("\r\n"));
    let rows = csv_rows(body, b';');
    assert!(rows
        .iter()
        .any(|r| r["source"] == "LAB:1" && r["relation"] == "equals"));
}

fn code(ws: &Workspace, site: &str, level: &str) -> (i32, String) {
    let run = ws.run(&["check", "--evidence", site, "--fail-on", level, "--summary"]);
    (run.code, run.stderr)
}

#[test]
fn fail_on_exits_1_at_or_below_the_level() {
    let ws = Workspace::new();
    // LAB:3 stays unknown in every site: unknown never fails a gate.
    for level in ["not-met", "partial", "contradiction"] {
        assert_eq!(
            code(&ws, "met.yaml", level).0,
            0,
            "met.yaml --fail-on {level}"
        );
    }
    assert_eq!(code(&ws, "partial.yaml", "not-met").0, 0);
    let (c, err) = code(&ws, "partial.yaml", "partial");
    assert_eq!(c, 1);
    assert!(err.contains("1 clause(s) at or below `partial`"), "{err}");
    assert_eq!(code(&ws, "partial.yaml", "contradiction").0, 0);
    assert_eq!(code(&ws, "not-met.yaml", "not-met").0, 1);
    assert_eq!(code(&ws, "not-met.yaml", "partial").0, 1);
    let (c, err) = code(&ws, "contradiction.yaml", "contradiction");
    assert_eq!(c, 1);
    assert!(err.contains("1 contradiction(s)"), "{err}");
    // The gate reads only the referentials reported.
    let run = ws.run(&[
        "check",
        "--evidence",
        "not-met.yaml",
        "--referential",
        "ISO",
        "--fail-on",
        "not-met",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Several sites: any failing site fails the batch, after the output.
    let run = ws.run(&check_args(&["--fail-on", "not-met", "--format", "json"]));
    assert_eq!(run.code, 1);
    assert_eq!(run.json().as_array().unwrap().len(), 4);
    let run = ws.run(&["check", "--evidence", "met.yaml", "--fail-on", "worse"]);
    assert_eq!(run.code, 2);
}

#[test]
fn only_filters_the_listing_but_not_the_counts() {
    let ws = Workspace::new();
    let human = ws
        .run(&check_args(&["--only", "not-met,partial"]))
        .ok()
        .text();
    assert!(human.contains("not-met        LAB:2"), "{human}");
    assert!(human.contains("partial        LAB:2"), "{human}");
    assert!(!human.contains("met            LAB:1"), "{human}");
    assert!(!human.contains("unknown        LAB:3"), "{human}");
    // Counts stay whole: the met site's LAB clauses are all counted.
    assert!(
        human.contains("2 met, 0 partial, 0 not-met, 0 not-applicable, 1 unknown"),
        "{human}"
    );
    let csv = ws
        .run(&check_args(&["--only", "unknown", "--format", "csv"]))
        .ok()
        .text();
    let rows = csv_rows(&csv, b',');
    assert_eq!(rows.len(), 4);
    assert!(rows
        .iter()
        .all(|r| r["clause"] == "LAB:3" && r["status"] == "unknown"));
    let run = ws.run(&check_args(&["--only", "great"]));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not-met"), "{}", run.stderr);
}

#[test]
fn a_listing_longer_than_a_screen_ends_with_a_hint() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chu-imagerie-acrf.yaml");
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_refmap"))
            .env("NO_COLOR", "1")
            .args(["check", "--evidence", examples.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8(o.stdout).unwrap()
    };
    let long = run(&[]);
    let last = long.lines().last().unwrap();
    assert!(last.starts_with("hint: "), "{last}");
    assert!(
        last.contains("--summary") && last.contains("--referential"),
        "{last}"
    );
    assert!(!run(&["--summary"]).contains("hint:"));
    assert!(!run(&["--referential", "ACR-F"]).contains("hint:"));
}

#[test]
fn xlsx_is_refused_on_a_terminal() {
    // `script` (util-linux) gives the command a terminal; without it there is
    // no terminal to test with.
    let Some(script) = ["/usr/bin/script", "/bin/script"]
        .iter()
        .map(Path::new)
        .find(|p| p.is_file())
    else {
        eprintln!("skipped: no `script` to give refmap a terminal");
        return;
    };
    let ws = Workspace::new();
    let command = format!(
        "{} --rules rules check --evidence met.yaml --format xlsx; echo \"exit $?\"",
        env!("CARGO_BIN_EXE_refmap")
    );
    let o = Command::new(script)
        .current_dir(ws.path())
        .args(["-qec", &command, "/dev/null"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("--output FILE"), "{out}");
    assert!(out.contains("exit 2"), "{out}");
}

#[test]
fn summary_csv_has_the_json_counts() {
    let ws = Workspace::new();
    let json = ws
        .run(&check_args(&["--format", "json", "--summary"]))
        .ok()
        .json();
    let csv = ws
        .run(&check_args(&["--format", "csv", "--summary"]))
        .ok()
        .text();
    let rows = csv_rows(&csv, b',');
    let mut expected = Vec::new();
    for r in json.as_array().unwrap() {
        for s in r["summary"].as_array().unwrap() {
            expected.push(
                ["met", "partial", "not_met", "not_applicable", "unknown"]
                    .map(|k| s[k].to_string()),
            );
        }
    }
    let found: Vec<[String; 5]> = rows
        .iter()
        .map(|r| ["met", "partial", "not_met", "not_applicable", "unknown"].map(|k| r[k].clone()))
        .collect();
    assert_eq!(found, expected);
    let contradicted = rows
        .iter()
        .find(|r| r["site"] == "Centre contredit" && r["referential"] == "LAB")
        .unwrap();
    assert_eq!(contradicted["contradictions"], "1");
}
