//! Typed site profiles (issue 14, point 1) from the outside: the rules
//! declare the profile facts they read and may close the values of text
//! fields and facts; an inventory that strays from them is refused at load
//! (exit 2, with the place and the nearest declared name), `lint` checks the
//! conditions against them, and rules that declare nothing behave as before.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The shipped example inventory the typos are made in.
fn example() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/centre-prive-labelix.yaml");
    std::fs::read_to_string(path).unwrap()
}

/// `example()` with `from` replaced by `to` (which must occur once).
fn edited(from: &str, to: &str) -> String {
    let text = example();
    assert_eq!(text.matches(from).count(), 1, "`{from}` should occur once");
    text.replace(from, to)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() + 1
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A temporary folder holding files, where the binary runs.
struct Dir(tempfile::TempDir);

impl Dir {
    fn new(files: &[(&str, &str)]) -> Dir {
        let dir = Dir(tempfile::tempdir().unwrap());
        for (name, text) in files {
            let path = dir.0.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn run(&self, args: &[&str]) -> Run {
        let o = Command::new(env!("CARGO_BIN_EXE_refmap"))
            .current_dir(self.0.path())
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
}

/// Asserts that the error output holds `needle`.
fn says(run: &Run, needle: &str) {
    assert!(
        run.stderr.contains(needle),
        "no `{needle}` in:\n{}",
        run.stderr
    );
}

/// Checks `site.yaml` against the shipped rules.
fn check_shipped(site: &str, extra: &[&str]) -> Run {
    let dir = Dir::new(&[("site.yaml", site)]);
    let mut args = vec!["check", "--evidence", "site.yaml"];
    args.extend_from_slice(extra);
    dir.run(&args)
}

#[test]
fn a_misspelt_profile_fact_is_refused_with_its_line_and_the_right_name() {
    let site = edited("team_accreditation: false", "team_acreditation: false");
    let run = check_shipped(&site, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    says(&run, "refmap::inventory::unknown-profile-fact");
    says(&run, "unknown profile fact `team_acreditation`");
    says(&run, "did you mean `team_accreditation`?");
    let line = line_of(&site, "team_acreditation");
    says(&run, &format!("site.yaml:{line}:3"));
}

#[test]
fn a_profile_value_of_the_wrong_type_is_refused() {
    let site = edited("poct: false", "poct: \"no\"");
    let run = check_shipped(&site, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    says(&run, "refmap::inventory::fact-type-mismatch");
    says(&run, "expected `true` or `false`, found text");
    says(&run, "write `true` or `false`, without quotes");
    let line = line_of(&site, "poct:");
    says(&run, &format!("site.yaml:{line}:"));
    // A number where a list of text is declared.
    let run = check_shipped(
        &edited("modalities: [XR, CT, MR, US, MG]", "modalities: 3"),
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    says(&run, "expected a list, found a number");
}

#[test]
fn a_value_outside_a_closed_set_is_refused_with_the_nearest_one() {
    let site = edited(
        "modalities: [XR, CT, MR, US, MG]",
        "modalities: [XR, CT, MRI, US, MG]",
    );
    let run = check_shipped(&site, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    says(&run, "refmap::inventory::value-not-allowed");
    says(
        &run,
        "`MRI` is not an allowed value of profile fact `modalities`",
    );
    says(&run, "did you mean `MR`?");
    let line = line_of(&site, "MRI");
    says(&run, &format!("site.yaml:{line}:24"));
}

#[test]
fn a_closed_evidence_field_catches_a_typo_once_at_load() {
    let site = "site: \"Centre\"\nas_of: 2026-11-01\nevidence:\n  - { id: P-1, type: procedure, fields: { topic: document_contrl } }\n";
    let run = check_shipped(site, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("refmap::inventory::").count(),
        1,
        "{}",
        run.stderr
    );
    says(&run, "refmap::inventory::value-not-allowed");
    says(&run, "did you mean `document_control`?");
    says(&run, "evidence[0] (id P-1), field `topic`");
    says(&run, "site.yaml:4:");
}

#[test]
fn json_check_reports_profile_problems_with_their_codes_and_exit_2() {
    let site = edited("team_accreditation: false", "team_acreditation: false");
    let run = check_shipped(&site, &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.trim().is_empty() || run.stdout.contains("unknown-profile-fact"));
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("refmap::inventory::unknown-profile-fact"),
        "{all}"
    );
    assert!(all.contains("did you mean `team_accreditation`?"), "{all}");
}

#[test]
fn the_shipped_examples_match_the_shipped_declarations() {
    for name in [
        "centre-prive-labelix.yaml",
        "centre-preparation-iso15189.yaml",
        "chu-imagerie-acrf.yaml",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        let dir = Dir::new(&[("site.yaml", &std::fs::read_to_string(path).unwrap())]);
        let run = dir.run(&["check", "--evidence", "site.yaml", "--summary"]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    }
    // The facts the shipped rules read, and the one the radiation
    // protection rules will read, are declared.
    let dir = Dir::new(&[]);
    let run = dir.run(&["lint", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lint: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(lint["warnings"], 0, "{}", run.stdout);
}

const RULES: &str = r#"
evidence procedure "Written procedure" {
  field topic: text one of ["equipment", "document_control"]
}
evidence survey "Survey" { field respondents: number }

referential LAB "Label" {
  clause 1 "MRI" {
    applies if modalities contains "MR"
    requires evidence procedure where topic == "equipment"
  }
  clause 2 "Point of care" {
    applies if poct == true
    requires evidence survey
  }
}
"#;

const PROFILE: &str = r#"
profile "Site" {
  fact modalities: list of text one of ["CT", "MR", "US"]
  fact poct: bool
}
"#;

const SITE: &str = "site: \"Parc\"\nas_of: 2026-11-01\nprofile: { modalities: [CT, MRI], pocct: \"no\" }\nevidence:\n  - { id: S-1, type: survey, fields: { respondents: 3 } }\n";

#[test]
fn rules_without_declarations_keep_their_old_behaviour() {
    let dir = Dir::new(&[("rules/rules.rules", RULES), ("site.yaml", SITE)]);
    // `pocct` is not `poct`: the clause stays applicable, as before.
    assert_eq!(statuses(&dir, "site.yaml"), ["not-applicable", "met"]);
    let lint = dir.run(&["--rules", "rules", "lint", "--format", "json"]);
    assert_eq!(lint.code, 0, "{}", lint.stderr);
    assert!(!lint.stdout.contains("undeclared-fact"), "{}", lint.stdout);
}

#[test]
fn declared_rules_refuse_every_profile_problem_of_a_file_together() {
    let dir = Dir::new(&[
        ("rules/rules.rules", RULES),
        ("rules/profile.rules", PROFILE),
        ("site.yaml", SITE),
    ]);
    let run = dir.run(&["--rules", "rules", "check", "--evidence", "site.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    says(&run, "did you mean `MR`?");
    says(&run, "unknown profile fact `pocct`");
    says(&run, "did you mean `poct`?");
    let good = SITE
        .replace("MRI", "MR")
        .replace("pocct: \"no\"", "poct: false");
    dir_write(&dir, "good.yaml", &good);
    // MR is operated now, and the site has no point-of-care testing.
    assert_eq!(statuses(&dir, "good.yaml"), ["not-met", "not-applicable"]);
}

/// The statuses of `LAB:1` and `LAB:2` when `site` is checked (exit 0).
fn statuses(dir: &Dir, site: &str) -> Vec<String> {
    let run = dir.run(&[
        "--rules",
        "rules",
        "check",
        "--evidence",
        site,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    ["LAB:1", "LAB:2"]
        .iter()
        .map(|c| {
            let clause = report["clauses"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["clause"] == *c);
            clause.unwrap()["status"].as_str().unwrap().to_string()
        })
        .collect()
}

fn dir_write(dir: &Dir, name: &str, text: &str) {
    std::fs::write(dir.0.path().join(name), text).unwrap();
}

/// `lint --format json` over `rules/` holding `files`: the diagnostics'
/// (code, severity, line, help) and the exit code.
fn lint(files: &[(&str, &str)]) -> (Vec<(String, String, u64, String)>, i32) {
    let dir = Dir::new(files);
    let run = dir.run(&["--rules", "rules", "lint", "--format", "json"]);
    let json: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{}", run.stderr));
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["location"]["line"].as_u64().unwrap(),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (found, run.code)
}

#[test]
fn lint_warns_of_a_condition_on_an_undeclared_fact() {
    let rules = RULES.replace("applies if poct == true", "applies if pocct == true");
    let (found, code) = lint(&[
        ("rules/rules.rules", &rules),
        ("rules/profile.rules", PROFILE),
    ]);
    assert_eq!(code, 0, "{found:?}");
    let line = line_of(&rules, "pocct") as u64;
    assert_eq!(
        found,
        vec![(
            "refmap::resolve::undeclared-fact".to_string(),
            "warning".to_string(),
            line,
            "did you mean `poct`?".to_string()
        )]
    );
    // Without any declaration, nothing to warn of.
    let (found, code) = lint(&[("rules/rules.rules", &rules)]);
    assert_eq!((found, code), (Vec::new(), 0));
}

#[test]
fn lint_refuses_conditions_outside_a_closed_set_or_of_the_wrong_type() {
    let rules = RULES
        .replace("contains \"MR\"", "contains \"MRI\"")
        .replace("topic == \"equipment\"", "topic == \"equipement\"")
        .replace("poct == true", "poct == \"yes\"");
    let (found, code) = lint(&[
        ("rules/rules.rules", &rules),
        ("rules/profile.rules", PROFILE),
    ]);
    assert_eq!(code, 1, "{found:?}");
    let codes: Vec<(&str, u64, &str)> = found
        .iter()
        .map(|(c, _, l, h)| (c.as_str(), *l, h.as_str()))
        .collect();
    assert_eq!(
        codes,
        vec![
            (
                "refmap::resolve::value-not-allowed",
                line_of(&rules, "contains \"MRI\"") as u64,
                "did you mean `MR`?",
            ),
            (
                "refmap::resolve::value-not-allowed",
                line_of(&rules, "equipement") as u64,
                "did you mean `equipment`?"
            ),
            (
                "refmap::resolve::fact-type-mismatch",
                line_of(&rules, "\"yes\"") as u64,
                ""
            ),
        ]
    );
}

#[test]
fn tests_blocks_and_declarations_are_checked_too() {
    let tests = r#"
test "t" {
  as-of 2026-11-01
  profile modalities ["MRI"]
  profile pocct true
  given evidence procedure { topic "equipement" }
  expect LAB:1 met
}
"#;
    let twice = "profile \"Again\" { fact poct: bool }\n";
    let (found, code) = lint(&[
        ("rules/rules.rules", RULES),
        ("rules/profile.rules", PROFILE),
        ("rules/tests.rules", tests),
        ("rules/twice.rules", twice),
    ]);
    assert_eq!(code, 1, "{found:?}");
    let codes: Vec<&str> = found.iter().map(|(c, _, _, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        vec![
            "refmap::resolve::value-not-allowed",
            "refmap::resolve::undeclared-fact",
            "refmap::resolve::value-not-allowed",
            "refmap::resolve::duplicate-fact",
        ]
    );
}

#[test]
fn profiles_format_canonically_and_round_trip() {
    let messy = "profile   \"Site\"{fact modalities :list   of text one of[\"CT\",\"MR\"]\n// poct\nfact poct:bool}\nevidence p \"P\" { field topic : text one of [\"a\"] field tags: list of text }\n";
    let dir = Dir::new(&[("p.rules", messy)]);
    let run = dir.run(&["fmt", "p.rules"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let formatted = std::fs::read_to_string(dir.0.path().join("p.rules")).unwrap();
    assert_eq!(
        formatted,
        "profile \"Site\" {\n  fact modalities: list of text one of [\"CT\", \"MR\"]\n  // poct\n  fact poct: bool\n}\n\nevidence p \"P\" {\n  field topic: text one of [\"a\"]\n  field tags: list of text\n}\n"
    );
    assert_eq!(dir.run(&["fmt", "--check", "p.rules"]).code, 0);
    // `one of` stands only after `text` and `list of text`.
    let dir = Dir::new(&[(
        "bad.rules",
        "profile \"S\" { fact n: number one of [\"1\"] }\n",
    )]);
    let run = dir.run(&["--rules", "bad.rules", "lint"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("refmap::syntax::unexpected")
            || run.stderr.contains("refmap::syntax::unexpected")
    );
}
