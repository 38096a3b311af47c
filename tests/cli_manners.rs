//! The command line's manners (issue 14, point 8): completions, the manual
//! page, each command's help with its formats, an example and exit codes,
//! `--format` refused by name, comma lists, `fmt DIR`, suggestions for a
//! near-miss referential, a missing `--evidence` and a day-first date, and
//! "today" as the local calendar date.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const SITE: &str = "examples/centre-prive-labelix.yaml";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn refmap_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_refmap"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

fn refmap(args: &[&str]) -> Run {
    refmap_in(Path::new(env!("CARGO_MANIFEST_DIR")), &[], args)
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[test]
fn completions_for_each_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = refmap(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in ["evidence-types", "add-rules", "completions"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let run = refmap(&["completions", "tcsh"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bash"), "{}", run.stderr);
}

#[test]
fn the_manual_page_is_roff() {
    let run = refmap(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(".TH refmap 1"), "{}", run.stdout);
    assert!(run.stdout.contains("add\\-rules"), "{}", run.stdout);
    assert!(run.stdout.contains("evidence\\-types"), "{}", run.stdout);
}

#[test]
fn each_command_help_lists_its_own_formats_an_example_and_exit_codes() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["check", "--help"],
            "Formats (--format): human, json, csv, html, xlsx\n",
        ),
        (
            &["help", "check"],
            "Formats (--format): human, json, csv, html, xlsx\n",
        ),
        (
            &["export", "--help"],
            "Formats (--format): human, dot, mermaid, csv, json, oscal, xlsx\n",
        ),
        (&["test", "-h"], "Formats (--format): human, json, junit\n"),
        (&["rules", "export", "--help"], "Formats: none"),
    ];
    for (args, formats) in cases {
        let run = refmap(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stdout.contains(formats), "{args:?}:\n{}", run.stdout);
        assert!(
            run.stdout.contains("Example:\n  refmap "),
            "{args:?}:\n{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("Exit codes: 0 success"),
            "{args:?}:\n{}",
            run.stdout
        );
    }
    let check = refmap(&["check", "--help"]).stdout;
    for other in ["dot", "mermaid", "junit", "possible values: human"] {
        assert!(
            !check.contains(other),
            "`{other}` in check's help:\n{check}"
        );
    }
}

#[test]
fn a_format_the_command_does_not_write_is_refused_by_name_before_or_after() {
    let want =
        "error: `--format dot` is not a format of `check`; it takes human, json, csv, html, xlsx";
    for args in [
        &["--format", "dot", "check", "--evidence", SITE][..],
        &["check", "--evidence", SITE, "--format", "dot"][..],
    ] {
        let run = refmap(args);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains(want), "{}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    let run = refmap(&["fmt", "--format", "json", "rules/labelix.rules", "--check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`fmt` takes no `--format`"),
        "{}",
        run.stderr
    );
    assert_eq!(refmap(&["--format", "json", "clauses", "ACR-F"]).code, 0);
}

#[test]
fn referentials_may_be_a_comma_list_or_repeated() {
    let base = ["check", "--evidence", SITE, "--summary", "--format", "json"];
    let listed = refmap(&[&base[..], &["--referential", "LABELIX,ACR-F"]].concat());
    let repeated = refmap(
        &[
            &base[..],
            &["--referential", "LABELIX", "--referential", "ACR-F"],
        ]
        .concat(),
    );
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(listed.stdout, repeated.stdout);
    let refs: Vec<Value> = json(&listed)["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["referential"].clone())
        .collect();
    assert_eq!(refs, vec!["ACR-F", "LABELIX"]);
}

#[test]
fn fmt_of_a_folder_formats_every_rules_file_inside() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("site/tests");
    std::fs::create_dir_all(&nested).unwrap();
    let messy = "evidence   site_log   \"Site log\"\n";
    std::fs::write(dir.path().join("site/a.rules"), messy).unwrap();
    std::fs::write(nested.join("b.rules"), messy).unwrap();
    std::fs::write(nested.join("notes.txt"), "not rules  \n").unwrap();
    let run = refmap_in(dir.path(), &[], &["fmt", "--check", "site"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "site/a.rules\nsite/tests/b.rules\n");
    let run = refmap_in(dir.path(), &[], &["fmt", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tidy = "evidence site_log \"Site log\"\n";
    assert_eq!(
        std::fs::read_to_string(nested.join("b.rules")).unwrap(),
        tidy
    );
    assert_eq!(
        std::fs::read_to_string(nested.join("notes.txt")).unwrap(),
        "not rules  \n"
    );
    assert_eq!(
        refmap_in(dir.path(), &[], &["fmt", "--check", "site"]).code,
        0
    );
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let run = refmap_in(dir.path(), &[], &["fmt", "empty"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no `.rules` file in `empty`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_referential_named_by_a_prefix_or_near_miss_suggests_the_full_clause() {
    for (asked, meant) in [
        ("ISO15189:6.4", "ISO15189-2022:6.4"),
        ("ISO15189-202:6.4", "ISO15189-2022:6.4"),
        ("LABELX:ORGANISATION.3", "LABELIX:ORGANISATION.3"),
        ("labelix:ORGANISATION.3", "LABELIX:ORGANISATION.3"),
    ] {
        let run = refmap(&["relate", asked, "ACR-F:ENG"]);
        assert_eq!(run.code, 2);
        let want = format!("unknown clause `{asked}` (did you mean `{meant}`?)");
        assert!(run.stderr.contains(&want), "{}", run.stderr);
    }
}

#[test]
fn check_without_evidence_says_how() {
    let run = refmap(&["check", SITE]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(&format!("`refmap check --evidence {SITE}`")),
        "{}",
        run.stderr
    );
    let run = refmap(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("refmap check --evidence site.yaml"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_day_first_date_suggests_the_same_day_written_iso() {
    let run = refmap(&["check", "--evidence", SITE, "--as-of", "16/11/2026"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`--as-of 16/11/2026`: expected a date written `YYYY-MM-DD` (did you mean `2026-11-16`?)"),
        "{}",
        run.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        "site: \"S\"\nas_of: 16/11/2026\nevidence:\n  - { id: E1, type: maintenance_record, date: 01.03.2026 }\n",
    )
    .unwrap();
    let run = refmap_in(dir.path(), &[], &["check", "--evidence", "site.yaml"]);
    assert_eq!(run.code, 2);
    for want in [
        "(did you mean `2026-11-16`?)",
        "(did you mean `2026-03-01`?)",
        "site.yaml:2:",
    ] {
        assert!(run.stderr.contains(want), "{want}: {}", run.stderr);
    }
}

#[test]
fn today_is_the_local_calendar_date_and_as_of_overrides_it() {
    // UTC+14 and UTC-12 are 26 hours apart: never the same calendar day.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.yaml"), "site: \"S\"\n").unwrap();
    let as_of = |tz: &str, extra: &[&str]| {
        let args = [
            &[
                "check",
                "--evidence",
                "site.yaml",
                "--summary",
                "--format",
                "json",
            ][..],
            extra,
        ]
        .concat();
        let run = refmap_in(dir.path(), &[("TZ", tz)], &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        json(&run)["as_of"].as_str().unwrap().to_string()
    };
    let east = as_of("Pacific/Kiritimati", &[]);
    let west = as_of("Etc/GMT+12", &[]);
    assert!(east > west, "{east} should be after {west}");
    assert_eq!(
        as_of("Pacific/Kiritimati", &["--as-of", "2026-11-01"]),
        "2026-11-01"
    );
}
