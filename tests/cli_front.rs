//! The front-end commands as users run them: `lint`, `fmt` and `clauses`,
//! through the built binary, checking exit codes (0 success, 1 findings,
//! 2 usage or input error), output shapes and files on disk.
//!
//! Only the existence of the shipped referential `LABELIX` is assumed about
//! the shipped rules.

// Test code fails by panicking; helpers outside `#[test]` functions too.
#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BAD: &str = "referential X \"x\" {\n  clause 1 \"one\" { requires clause X:2 }\n}\n";
const UNFORMATTED: &str = "evidence   x \"X\"{valid 1 year}\nreferential X \"x\" { clause 1 \"one\" { requires evidence x } }\n";
const FORMATTED: &str = "evidence x \"X\" {\n  valid 1 year\n}\n\nreferential X \"x\" {\n  clause 1 \"one\" {\n    requires evidence x\n  }\n}\n";
const SYNTAX_ERROR: &str = "referential X \"x\" {\n  clause 1 \"one\" { requires all { } }\n}\n";

fn refmap() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_refmap"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn run(args: &[&str]) -> Output {
    match refmap().args(args).output() {
        Ok(out) => out,
        Err(e) => panic!("cannot run refmap {args:?}: {e}"),
    }
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = match refmap()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!("cannot run refmap {args:?}: {e}"),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    match child.wait_with_output() {
        Ok(out) => out,
        Err(e) => panic!("refmap {args:?}: {e}"),
    }
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn explain(out: &Output) -> String {
    format!(
        "exit {}\n--- stdout\n{}\n--- stderr\n{}",
        code(out),
        stdout(out),
        stderr(out)
    )
}

fn json(out: &Output) -> Value {
    match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => panic!("stdout is not JSON ({e}):\n{}", explain(out)),
    }
}

/// A temporary folder holding `files`.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("no temp dir: {e}"),
    };
    for (name, text) in files {
        if let Err(e) = std::fs::write(dir.path().join(name), text) {
            panic!("cannot write {name}: {e}");
        }
    }
    dir
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

// ── lint ───────────────────────────────────────────────────────────────────

#[test]
fn lint_of_the_shipped_rules_succeeds() {
    let out = run(&["lint"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert!(stdout(&out).contains("0 error(s)"), "{}", explain(&out));
}

#[test]
fn lint_of_a_bad_file_exits_1_with_the_diagnostic() {
    let dir = folder(&[("bad.rules", BAD)]);
    let file = dir.path().join("bad.rules");
    // `--rules` is global: before or after the subcommand.
    for args in [
        vec!["--rules", path_str(&file), "lint"],
        vec!["lint", "--rules", path_str(&file)],
    ] {
        let out = run(&args);
        assert_eq!(code(&out), 1, "{args:?}\n{}", explain(&out));
        let text = stdout(&out);
        assert!(
            text.contains("refmap::resolve::unknown-clause"),
            "{}",
            explain(&out)
        );
        assert!(text.contains("bad.rules:2:36"), "{}", explain(&out));
        assert!(text.contains("did you mean `X:1`?"), "{}", explain(&out));
        assert!(text.contains("1 error(s)"), "{}", explain(&out));
        assert!(!text.contains('\u{1b}'), "colour with NO_COLOR:\n{text}");
    }
}

#[test]
fn lint_of_a_folder_reads_every_rules_file() {
    let dir = folder(&[
        (
            "a.rules",
            "referential A \"A\" { clause 1 \"one\" { requires clause B:1 } }\n",
        ),
        (
            "b.rules",
            "referential B \"B\" { clause 1 \"one\" { requires attested } }\n",
        ),
        ("notes.txt", "not a rules file {"),
    ]);
    let out = run(&["lint", "--rules", path_str(dir.path()), "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert_eq!(json(&out)["files"], 2);
}

#[test]
fn lint_of_a_missing_path_exits_2_naming_it() {
    let dir = folder(&[]);
    let missing = dir.path().join("missing.rules");
    let out = run(&["lint", "--rules", path_str(&missing)]);
    assert_eq!(code(&out), 2, "{}", explain(&out));
    assert!(stderr(&out).contains("missing.rules"), "{}", explain(&out));
}

#[test]
fn lint_json_has_the_documented_shape() {
    let dir = folder(&[("bad.rules", BAD)]);
    let file = dir.path().join("bad.rules");
    for args in [
        vec!["lint", "--format", "json", "--rules", path_str(&file)],
        vec!["--format", "json", "--rules", path_str(&file), "lint"],
    ] {
        let out = run(&args);
        assert_eq!(code(&out), 1, "{}", explain(&out));
        let v = json(&out);
        assert_eq!(v["errors"], 1, "{v:#}");
        assert_eq!(v["warnings"], 0, "{v:#}");
        assert_eq!(v["files"], 1, "{v:#}");
        let diagnostics = v["diagnostics"].as_array().cloned().unwrap_or_default();
        assert_eq!(diagnostics.len(), 1, "{v:#}");
        let d = &diagnostics[0];
        assert_eq!(d["code"], "refmap::resolve::unknown-clause");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["message"], "unknown clause `X:2`");
        assert!(d["location"]["file"]
            .as_str()
            .unwrap_or_default()
            .ends_with("bad.rules"));
        assert_eq!(d["location"]["line"], 2);
        assert_eq!(d["location"]["column"], 36);
        assert!(d["related"].is_array());
        assert_eq!(d["help"], "did you mean `X:1`?");
    }
}

#[test]
fn lint_json_of_clean_rules_is_empty() {
    let out = run(&["lint", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let v = json(&out);
    assert_eq!(v["errors"], 0);
    assert!(v["diagnostics"].is_array());
    assert!(v["files"].as_u64().unwrap_or(0) >= 1);
}

#[test]
fn lint_colours_only_when_asked() {
    let dir = folder(&[("bad.rules", BAD)]);
    let file = dir.path().join("bad.rules");
    let out = match refmap()
        .env_remove("NO_COLOR")
        .args(["lint", "--color", "always", "--rules", path_str(&file)])
        .output()
    {
        Ok(out) => out,
        Err(e) => panic!("{e}"),
    };
    assert!(stdout(&out).contains('\u{1b}'), "{}", explain(&out));
    let out = run(&["lint", "--color", "never", "--rules", path_str(&file)]);
    assert!(!stdout(&out).contains('\u{1b}'), "{}", explain(&out));
}

// ── fmt ────────────────────────────────────────────────────────────────────

#[test]
fn fmt_check_reports_unformatted_files_and_touches_nothing() {
    let dir = folder(&[("messy.rules", UNFORMATTED), ("tidy.rules", FORMATTED)]);
    let messy = dir.path().join("messy.rules");
    let tidy = dir.path().join("tidy.rules");
    let out = run(&["fmt", "--check", path_str(&messy), path_str(&tidy)]);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    assert!(stdout(&out).contains("messy.rules"), "{}", explain(&out));
    assert!(!stdout(&out).contains("tidy.rules"), "{}", explain(&out));
    assert_eq!(read(&messy), UNFORMATTED);
    let out = run(&["fmt", "--check", path_str(&tidy)]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
}

#[test]
fn fmt_rewrites_files_in_place() {
    let dir = folder(&[("messy.rules", UNFORMATTED), ("tidy.rules", FORMATTED)]);
    let messy = dir.path().join("messy.rules");
    let tidy = dir.path().join("tidy.rules");
    let out = run(&["fmt", path_str(&messy), path_str(&tidy)]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert_eq!(read(&messy), FORMATTED);
    assert_eq!(read(&tidy), FORMATTED);
    // No temporary file left behind.
    let left: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    assert_eq!(left.len(), 2, "{left:?}");
    let out = run(&["fmt", "--check", path_str(&messy)]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
}

#[cfg(unix)]
#[test]
fn fmt_keeps_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder(&[("messy.rules", UNFORMATTED)]);
    let messy = dir.path().join("messy.rules");
    let _ = std::fs::set_permissions(&messy, std::fs::Permissions::from_mode(0o640));
    let out = run(&["fmt", path_str(&messy)]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let mode = std::fs::metadata(&messy)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0);
    assert_eq!(mode, 0o640);
}

#[test]
fn fmt_dash_reads_stdin_and_writes_stdout() {
    let out = run_stdin(&["fmt", "-"], UNFORMATTED);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert_eq!(stdout(&out), FORMATTED);
    let out = run_stdin(&["fmt", "--check", "-"], UNFORMATTED);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    let out = run_stdin(&["fmt", "--check", "-"], FORMATTED);
    assert_eq!(code(&out), 0, "{}", explain(&out));
}

#[test]
fn fmt_refuses_a_file_with_a_syntax_error() {
    let dir = folder(&[("broken.rules", SYNTAX_ERROR)]);
    let broken = dir.path().join("broken.rules");
    let out = run(&["fmt", path_str(&broken)]);
    assert_eq!(code(&out), 2, "{}", explain(&out));
    assert_eq!(read(&broken), SYNTAX_ERROR, "the file was changed");
    let err = stderr(&out);
    assert!(
        err.contains("refmap::syntax::unexpected"),
        "{}",
        explain(&out)
    );
    assert!(err.contains("broken.rules:2:35"), "{}", explain(&out));
    let out = run_stdin(&["fmt", "-"], SYNTAX_ERROR);
    assert_eq!(code(&out), 2, "{}", explain(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn fmt_of_a_missing_file_exits_2() {
    let dir = folder(&[]);
    let out = run(&["fmt", path_str(&dir.path().join("nope.rules"))]);
    assert_eq!(code(&out), 2, "{}", explain(&out));
    assert!(stderr(&out).contains("nope.rules"), "{}", explain(&out));
}

#[test]
fn fmt_without_files_is_a_usage_error() {
    let out = run(&["fmt"]);
    assert_eq!(code(&out), 2, "{}", explain(&out));
}

// ── clauses ────────────────────────────────────────────────────────────────

#[test]
fn clauses_prints_the_tree_of_a_referential() {
    let out = run(&["clauses", "LABELIX"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let text = stdout(&out);
    assert!(text.starts_with("LABELIX"), "{}", explain(&out));
    assert!(text.lines().count() > 1, "{}", explain(&out));
}

#[test]
fn clauses_json_lists_the_tree() {
    for args in [
        vec!["clauses", "LABELIX", "--format", "json"],
        vec!["--format", "json", "clauses", "LABELIX"],
    ] {
        let out = run(&args);
        assert_eq!(code(&out), 0, "{}", explain(&out));
        let v = json(&out);
        let trees = v.as_array().cloned().unwrap_or_default();
        assert_eq!(trees.len(), 1, "{v:#}");
        assert_eq!(trees[0]["referential"], "LABELIX");
        let clauses = trees[0]["clauses"].as_array().cloned().unwrap_or_default();
        assert!(!clauses.is_empty(), "{v:#}");
        let first = &clauses[0];
        assert!(first["clause"]
            .as_str()
            .unwrap_or_default()
            .starts_with("LABELIX:"));
        assert!(first["title"].is_string());
        assert!(first["children"].is_array());
    }
    // Without an id: every referential.
    let out = run(&["clauses", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let all = json(&out).as_array().cloned().unwrap_or_default();
    assert!(all.iter().any(|t| t["referential"] == "LABELIX"));
}

#[test]
fn clauses_of_an_unknown_referential_exits_2() {
    let out = run(&["clauses", "NOPE"]);
    assert_eq!(code(&out), 2, "{}", explain(&out));
    assert!(stderr(&out).contains("`NOPE`"), "{}", explain(&out));
    assert_eq!(stdout(&out), "");
    let out = run(&["clauses", "LABELX"]);
    assert_eq!(code(&out), 2, "{}", explain(&out));
    assert!(
        stderr(&out).contains("did you mean `LABELIX`?"),
        "{}",
        explain(&out)
    );
}

#[test]
fn clauses_of_broken_rules_exits_1() {
    let dir = folder(&[("bad.rules", BAD)]);
    let out = run(&[
        "clauses",
        "--rules",
        path_str(&dir.path().join("bad.rules")),
    ]);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    assert!(
        stderr(&out).contains("refmap::resolve::unknown-clause"),
        "{}",
        explain(&out)
    );
}

#[test]
fn clauses_of_given_rules_replace_the_shipped_ones() {
    let dir = folder(&[(
        "r.rules",
        "referential MINE \"Mine\" { clause 1 \"one\" { clause 1.1 \"sub\" } }\n",
    )]);
    let out = run(&[
        "--rules",
        path_str(dir.path()),
        "clauses",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let v = json(&out);
    let trees = v.as_array().cloned().unwrap_or_default();
    assert_eq!(trees.len(), 1, "{v:#}");
    assert_eq!(trees[0]["referential"], "MINE");
    assert_eq!(trees[0]["clauses"][0]["children"][0]["clause"], "MINE:1.1");
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    // `refmap clauses --format json | head -1`: the reader goes away early.
    let mut child = match refmap()
        .args(["clauses", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    if let Some(mut out) = child.stdout.take() {
        let mut first = [0u8; 1];
        let _ = out.read(&mut first);
        drop(out);
    }
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let _ = child.wait();
    assert!(
        !err.contains("panicked"),
        "refmap panicked on a closed pipe:\n{err}"
    );
}

#[cfg(unix)]
#[test]
fn fmt_keeps_symbolic_and_hard_links_and_leaves_no_temporary_file() {
    use std::os::unix::fs::MetadataExt;
    let dir = folder(&[("real.rules", UNFORMATTED), ("twin.rules", UNFORMATTED)]);
    let real = dir.path().join("real.rules");
    let link = dir.path().join("link.rules");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let twin = dir.path().join("twin.rules");
    let hard = dir.path().join("hard.rules");
    std::fs::hard_link(&twin, &hard).unwrap();

    let out = run(&["fmt", path_str(&link), path_str(&hard)]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    // The link is still a link, and its target is formatted.
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(read(&real), FORMATTED);
    // Both names of the hard-linked file see the new text: still one file.
    assert_eq!(read(&twin), FORMATTED);
    assert_eq!(std::fs::metadata(&twin).unwrap().nlink(), 2);
    assert_eq!(
        std::fs::metadata(&twin).unwrap().ino(),
        std::fs::metadata(&hard).unwrap().ino()
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["hard.rules", "link.rules", "real.rules", "twin.rules"]
    );
}
