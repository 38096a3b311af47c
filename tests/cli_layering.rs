//! Rules layered on the shipped ones (`--add-rules`), the shipped files
//! written out (`refmap rules export`), batches that go on past a bad file,
//! and `refmap evidence-types` (issue 14, points 2, 3 and 7), run as a user
//! runs the binary, in a temporary folder.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A site's own reading: the CHU's management commitment to the ACR-F
/// programme is part of its LABELIX quality policy.
const SITE_MAPPING: &str = r#"mapping "CHU Val-de-Loire: lecture locale" {
  source "cellule qualité du pôle imagerie"
  LABELIX:POLITIQUE.1 subset-of ACR-F:ENG { strength 6 rationale functional }
}
"#;

const CHU: &str = "examples/chu-imagerie-acrf.yaml";
const LABELIX_SITE: &str = "examples/centre-prive-labelix.yaml";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary from the crate's root (so `examples/` resolves).
fn refmap(args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_refmap"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn status(report: &Value, key: &str) -> Value {
    let c = report["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause"] == key)
        .unwrap_or_else(|| panic!("no {key}"));
    c["status"].clone()
}

fn site_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("local-map.rules"), SITE_MAPPING).unwrap();
    (dir, site)
}

#[test]
fn a_site_mapping_added_to_the_shipped_rules_changes_a_status() {
    let args = ["check", "--evidence", CHU, "--referential", "LABELIX"];
    let before = refmap(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(before.code, 0, "{}", before.stderr);
    assert_eq!(status(&json(&before), "LABELIX:POLITIQUE.1"), "not-met");

    let (_dir, site) = site_folder();
    let site = site.to_str().unwrap();
    for add in [site.to_string(), format!("{site}/local-map.rules")] {
        let after = refmap(&[&args[..], &["--format", "json", "--add-rules", &add]].concat());
        assert_eq!(after.code, 0, "{}", after.stderr);
        let report = json(&after);
        assert_eq!(status(&report, "LABELIX:POLITIQUE.1"), "met");
        let c = report["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clause"] == "LABELIX:POLITIQUE.1")
            .unwrap();
        assert_eq!(c["via"], "ACR-F:ENG");
        assert!(c["proof"][0]["source"]
            .as_str()
            .unwrap()
            .ends_with("local-map.rules:3"));
    }
    // Before the subcommand as well, and the rules still lint clean.
    let lint = refmap(&["--add-rules", site, "lint"]);
    assert_eq!(lint.code, 0, "{}", lint.stdout);
    let files = format!("in {} file(s)", refmap::Engine::shipped_files().len() + 1);
    assert!(lint.stdout.contains(&files), "{}", lint.stdout);
}

#[test]
fn rules_and_add_rules_together_are_a_usage_error() {
    let (_dir, site) = site_folder();
    let site = site.to_str().unwrap();
    let run = refmap(&["--rules", site, "--add-rules", site, "lint"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--add-rules"), "{}", run.stderr);
    let run = refmap(&["lint", "--add-rules", "no/such/folder"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/folder"), "{}", run.stderr);
}

#[test]
fn a_site_file_that_breaks_the_rules_is_reported_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.rules");
    std::fs::write(
        &bad,
        "mapping \"x\" {\n  LABELIX:4.2 subset-of ISO15189:6.4\n}\n",
    )
    .unwrap();
    let run = refmap(&[
        "relate",
        "LABELIX:4",
        "ACR-F:ENG",
        "--add-rules",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("bad.rules:2:"), "{}", run.stderr);
}

#[test]
fn human_proofs_citing_shipped_files_say_how_to_open_them() {
    let footer = "rules/… are the shipped rules: `refmap rules export rules` writes them out";
    let run = refmap(&["relate", "LABELIX:ORGANISATION.3", "ISO15189-2022:6.4"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("(rules/map-iso15189-labelix.rules:"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches(footer).count(), 1, "{}", run.stdout);
    // Not in JSON, and not when nothing shipped is cited.
    let run = refmap(&[
        "relate",
        "LABELIX:ORGANISATION.3",
        "ISO15189-2022:6.4",
        "--format",
        "json",
    ]);
    assert!(!run.stdout.contains(footer));
    let run = refmap(&["clauses", "ACR-F"]);
    assert!(!run.stdout.contains(footer), "{}", run.stdout);
}

#[test]
fn rules_export_writes_the_shipped_files_and_keeps_differing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rules");
    let out_s = out.to_str().unwrap();
    let run = refmap(&["rules", "export", out_s]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let labelix = out.join("labelix.rules");
    assert_eq!(
        std::fs::read_to_string(&labelix).unwrap(),
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/labelix.rules"))
            .unwrap()
    );
    assert!(out.join("tests").is_dir());
    // The exported files are the shipped rules: loading them instead gives
    // the same proofs, so `rules/x.rules:89` opens at the right line.
    let shipped = refmap(&[
        "relate",
        "LABELIX:ORGANISATION.3",
        "ISO15189-2022:6.4",
        "--format",
        "json",
    ]);
    let exported = refmap(&[
        "relate",
        "LABELIX:ORGANISATION.3",
        "ISO15189-2022:6.4",
        "--format",
        "json",
        "--rules",
        out_s,
    ]);
    let line = |r: &Run| {
        json(r)["proof"][0]["source"]
            .as_str()
            .unwrap()
            .rsplit(':')
            .next()
            .map(str::to_string)
    };
    assert_eq!(line(&shipped), line(&exported));

    // Again: nothing to do.
    let run = refmap(&["rules", "export", out_s]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("0 written"), "{}", run.stdout);

    // A file changed by the user is kept unless --force.
    std::fs::write(&labelix, "// mine\n").unwrap();
    let run = refmap(&["rules", "export", out_s]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("labelix.rules"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&labelix).unwrap(), "// mine\n");
    let run = refmap(&["rules", "export", out_s, "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read_to_string(&labelix)
        .unwrap()
        .contains("referential LABELIX"));
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn a_batch_goes_on_past_a_file_that_cannot_be_checked() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "site: \"Mal saisi\"\nevidence:\n  - { id: B-1, type: maintenance_recrod }\n",
    )
    .unwrap();
    let bad = bad.to_str().unwrap();
    let args = [
        "check",
        "--summary",
        "--evidence",
        LABELIX_SITE,
        bad,
        "missing.yaml",
        CHU,
    ];
    let run = refmap(&args);
    assert_eq!(run.code, 2);
    // The two good sites are reported, in order.
    assert!(run.stdout.contains("Tilleuls"), "{}", run.stdout);
    assert!(run.stdout.contains("CHU de Val-de-Loire"), "{}", run.stdout);
    assert!(run.stdout.find("Tilleuls") < run.stdout.find("CHU de Val-de-Loire"));
    // Each bad file with its place and reason, then the count.
    assert!(run.stderr.contains("bad.yaml:3:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("refmap::inventory::unknown-type"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("cannot read `missing.yaml`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("2 of 4 inventory files could not be checked; the others were evaluated"),
        "{}",
        run.stderr
    );

    // JSON: an array in the order given, each failed file in its place.
    let run = refmap(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(run.code, 2);
    let v = json(&run);
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert!(items[0]["site"].as_str().unwrap().contains("Tilleuls"));
    assert_eq!(items[1]["file"], bad);
    assert_eq!(
        items[1]["errors"][0]["code"],
        "refmap::inventory::unknown-type"
    );
    assert_eq!(items[1]["errors"][0]["location"]["line"], 3);
    assert!(items[1]["errors"][0]["help"]
        .as_str()
        .unwrap()
        .contains("maintenance_record"));
    assert_eq!(items[2]["file"], "missing.yaml");
    assert_eq!(items[2]["errors"][0]["code"], "refmap::check::unreadable");
    assert!(items[3]["site"].as_str().unwrap().contains("CHU"));
    assert!(items[3]["summary"].is_array());

    // One failed file alone: one object, exit 2.
    let run = refmap(&["check", "--evidence", "missing.yaml", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(json(&run)["file"], "missing.yaml");
}

#[test]
fn evidence_types_lists_fields_validity_and_the_clauses_requiring_each() {
    let run = refmap(&["evidence-types", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run);
    let types = v.as_array().unwrap();
    let names: Vec<&str> = types.iter().map(|t| t["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    let m = types
        .iter()
        .find(|t| t["name"] == "maintenance_record")
        .unwrap();
    assert_eq!(m["valid"], "12 months");
    assert!(m["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "modality" && f["type"] == "text"));
    assert!(m["required_by"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c.as_str().unwrap().starts_with("LABELIX:")));
    assert!(m["source"]
        .as_str()
        .unwrap()
        .starts_with("rules/evidence.rules:"));
    let human = refmap(&["evidence-types"]);
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.contains("maintenance_record — "),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("  valid: 12 months"),
        "{}",
        human.stdout
    );
    assert!(refmap(&["evidence-types", "--format", "dot"]).code == 2);
}
