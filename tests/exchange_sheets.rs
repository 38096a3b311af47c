//! Spreadsheet crosswalks and clause lists (issue 15, points 2 and 3):
//! export → import is the identity for CSV and XLSX, bad rows are reported
//! with their row and column and nothing is written, French headers with
//! `;` are read, and clause lists with duplicate or orphan ids are refused.

#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use refmap::{Engine, ImportOptions, Sheet};

fn refmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refmap"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The shipped rules without their crosswalks, plus `extra`.
fn without_mappings(extra: &Path) -> Engine {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&shipped)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .filter(|p| !std::fs::read_to_string(p).unwrap().contains("\nmapping \""))
        .collect();
    paths.sort();
    paths.push(extra.to_path_buf());
    Engine::builder().paths(&paths).unwrap().build()
}

fn round_trip(format: &str) {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join(format!("links.{format}"));
    let out = refmap(&[
        "export",
        "--format",
        format,
        "--output",
        sheet.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rules = dir.path().join("links.rules");
    let out = refmap(&[
        "import",
        format,
        sheet.to_str().unwrap(),
        "--output",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&rules).unwrap();
    assert_eq!(
        Engine::format("x.rules", &text).unwrap(),
        text,
        "not canonical"
    );
    let engine = without_mappings(&rules);
    assert_eq!(engine.lint().errors, 0, "{:?}", engine.lint().render(false));
    // Same links, in the same order, with the same attributes and mappings.
    let key = |e: &Engine| -> Vec<_> {
        e.export()
            .links
            .into_iter()
            .map(|l| {
                (
                    l.from,
                    l.relation,
                    l.to,
                    l.strength,
                    l.rationale,
                    l.note,
                    l.mapping,
                )
            })
            .collect()
    };
    let before = key(&Engine::shipped());
    assert!(!before.is_empty());
    assert_eq!(key(&engine), before);
    // And exporting again writes the same sheet.
    let again = dir.path().join(format!("again.{format}"));
    let ours = match format {
        "csv" => engine.export_csv(false).into_bytes(),
        _ => engine.export_xlsx(false).unwrap(),
    };
    std::fs::write(&again, &ours).unwrap();
    let shipped = match format {
        "csv" => Engine::shipped().export_csv(false).into_bytes(),
        _ => Engine::shipped().export_xlsx(false).unwrap(),
    };
    if format == "csv" {
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(shipped).unwrap()
        );
    } else {
        assert_eq!(ours, shipped, "xlsx exports differ byte for byte");
    }
}

#[test]
fn csv_export_then_import_is_the_identity() {
    round_trip("csv");
}

#[test]
fn xlsx_export_then_import_is_the_identity() {
    round_trip("xlsx");
}

#[test]
fn xlsx_needs_an_output_file() {
    let out = refmap(&["export", "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--output"));
}

fn import_csv(text: &str, skip_bad: bool) -> Result<refmap::ImportOutput, refmap::ExchangeError> {
    let options = ImportOptions {
        skip_bad,
        title: Some("Site".into()),
    };
    Engine::shipped().import_sheet("site.csv", text.as_bytes(), Sheet::Csv, &options)
}

#[test]
fn french_headers_with_semicolons() {
    let csv = "Source;Cible;Relation;Force;Justification;Remarque\n\
               LABELIX:ORGANISATION.3;ISO15189-2022:6.4;inclus dans;7;sémantique;« Lu par le site »\n\
               ;;;;;\n\
               LABELIX:ORGANISATION.3;ISO15189-2022:6.2;chevauche;;;\n";
    let out = import_csv(csv, false).unwrap();
    assert_eq!(
        out.text,
        "mapping \"Site\" {\n  LABELIX:ORGANISATION.3 subset-of ISO15189-2022:6.4 {\n    strength 7\n    rationale semantic\n    note \"« Lu par le site »\"\n  }\n  LABELIX:ORGANISATION.3 intersects ISO15189-2022:6.2\n}\n"
    );
    // Headers with accents, case, spaces and underscores.
    let csv = "SOURCE_CLAUSE,Target Clause,relationship,Strength,matching_rationale,Notes\n\
               LABELIX:ORGANISATION.3,ISO15189-2022:6.4,subset-of,,,\n";
    assert!(import_csv(csv, false)
        .unwrap()
        .text
        .contains("subset-of ISO15189-2022:6.4\n"));
}

#[test]
fn bad_rows_are_reported_with_row_and_column() {
    let csv = "source,target,relation,strength\n\
               LABELIX:ORGANISATION.3,ISO15189-2022:6.4,subset-of,7\n\
               LABELIX:NOPE.1,ISO15189-2022:6.4,subset-of,7\n\
               LABELIX:ORGANISATION.3,ISO15189-2022:6.4,sort-of,7\n\
               LABELIX:ORGANISATION.3,ISO15189-2022:6.4,equals,12\n";
    let err = import_csv(csv, false).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("row 3, column A `source`: unknown clause `LABELIX:NOPE.1`"),
        "{text}"
    );
    assert!(
        text.contains("row 4, column C `relation`: unknown relation `sort-of`"),
        "{text}"
    );
    assert!(
        text.contains("row 5, column D `strength`: strength `12`"),
        "{text}"
    );
    assert_eq!(err.problems.len(), 3);
    // With --skip-bad the good row is kept and the others listed.
    let out = import_csv(csv, true).unwrap();
    assert_eq!(out.skipped.len(), 3);
    assert_eq!(out.text.matches("LABELIX:").count(), 1);
    // Nothing is written without --skip-bad.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.csv");
    std::fs::write(&input, csv).unwrap();
    let output = dir.path().join("out.rules");
    let out = refmap(&[
        "import",
        "csv",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("row 4"));
    assert!(!output.exists());
    let out = refmap(&[
        "import",
        "csv",
        input.to_str().unwrap(),
        "--skip-bad",
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("skipped: row 3"));
    assert!(output.exists());
}

#[test]
fn missing_columns_and_malformed_files() {
    let err = import_csv("from;relation\nLABELIX:ORGANISATION.3;equals\n", false).unwrap_err();
    assert_eq!(err.code, "refmap::exchange::missing-column");
    assert!(err.to_string().contains("no `target` column"), "{err}");
    let err = import_csv("source,target,relation\n\"LABELIX:X,b,c\n", false).unwrap_err();
    assert!(err.to_string().contains("site.csv"), "{err}");
    let err = Engine::shipped()
        .import_sheet(
            "x.xlsx",
            b"not a zip",
            Sheet::Xlsx,
            &ImportOptions::default(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("not an XLSX workbook"), "{err}");
}

#[test]
fn formula_like_cells_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("x.rules");
    std::fs::write(
        &rules,
        "referential A \"a\" {\n  clause 1 \"one\"\n}\nreferential B \"b\" {\n  clause 1 \"one\"\n}\nmapping \"=cmd\" {\n  A:1 equals B:1 {\n    note \"@SUM(1)\"\n  }\n}\n",
    )
    .unwrap();
    let out = refmap(&[
        "--rules",
        rules.to_str().unwrap(),
        "export",
        "--format",
        "csv",
    ]);
    let text = stdout(&out);
    assert!(text.contains(",'@SUM(1),'=cmd,"), "{text}");
    let sheet = dir.path().join("x.csv");
    std::fs::write(&sheet, &text).unwrap();
    let out = refmap(&[
        "--rules",
        rules.to_str().unwrap(),
        "import",
        "csv",
        sheet.to_str().unwrap(),
    ]);
    assert!(
        stdout(&out).contains("mapping \"=cmd\""),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("note \"@SUM(1)\""));
}

fn import_list(text: &str, skip_bad: bool) -> Result<refmap::ImportOutput, refmap::ExchangeError> {
    Engine::import_referential(
        "list.csv",
        text.as_bytes(),
        Sheet::Csv,
        "LABELIX",
        "LABELIX (official list)",
        skip_bad,
    )
}

#[test]
fn clause_lists_with_numbering_or_parents() {
    let out = import_list(
        "Identifiant;Titre;Résumé\nORGANISATION;Organisation;\nORGANISATION.1;Pilotage;Le pilotage qualité\nORGANISATION.2;Personnel;\n",
        false,
    )
    .unwrap();
    let text = &out.text;
    assert!(text.starts_with("referential LABELIX \"LABELIX (official list)\" {\n  clause ORGANISATION \"Organisation\" {\n"), "{text}");
    assert!(text.contains("    clause ORGANISATION.1 \"Pilotage\" {\n      summary \"Le pilotage qualité\"\n    }\n"), "{text}");
    assert!(
        text.contains("    clause ORGANISATION.2 \"Personnel\"\n"),
        "{text}"
    );
    assert_eq!(Engine::format("x.rules", text).unwrap(), *text);
    let engine = Engine::builder().source("list.rules", text.clone()).build();
    assert_eq!(engine.lint().errors, 0);
    let out = import_list("id,title,parent\nA1,First,\nB2,Second,A1\n", false).unwrap();
    assert!(
        out.text
            .contains("clause A1 \"First\" {\n    clause B2 \"Second\"\n  }"),
        "{}",
        out.text
    );
    let engine = Engine::builder().source("list.rules", out.text).build();
    assert_eq!(engine.lint().errors, 0);
}

#[test]
fn duplicate_and_orphan_ids_are_reported() {
    let list = "id,title\n1,One\n1.1,First\n1.1,Again\n2.3,Orphan\n3,\nbad id,Bad\n";
    let err = import_list(list, false).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("row 4, column A `id`: duplicate id `1.1` (first at row 3)"),
        "{text}"
    );
    assert!(text.contains("row 5, column A `id`: orphan: the parent its numbering implies, `2`, is not in the list"), "{text}");
    assert!(
        text.contains("row 6, column B `title`: empty title"),
        "{text}"
    );
    assert!(
        text.contains("row 7, column A `id`: `bad id` is not a clause id"),
        "{text}"
    );
    let out = import_list(list, true).unwrap();
    assert_eq!(out.skipped.len(), 4);
    assert!(out.text.contains("clause 1.1 \"First\""));
    let err = import_list("id,title,parent\nA,a,B\nB,b,A\n", false).unwrap_err();
    assert!(err.to_string().contains("cycle"), "{err}");
    let err = import_list("id,title,parent\nA,a,Z\n", false).unwrap_err();
    assert!(
        err.to_string()
            .contains("row 2, column C `parent`: orphan: its parent, `Z`"),
        "{err}"
    );
    // The CLI: exit 2, nothing printed.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.csv");
    std::fs::write(&path, list).unwrap();
    let out = refmap(&[
        "import",
        "referential",
        "--id",
        "LABELIX",
        "--title",
        "L",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("row 4"));
}

#[test]
fn snapshot_of_a_small_network() {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/queries/sample.rules");
    let engine = Engine::builder().path(&rules).unwrap().build();
    insta::assert_snapshot!(engine.export_csv(true));
}
