//! Inputs of odd shape through the built binary (issue 12): folder link
//! loops, byte-order marks, control characters, old Mac line endings,
//! FIFOs and devices, standard input. Every run is bounded in time, so a
//! hang fails the test instead of stalling the suite.

#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BOM: &str = "\u{feff}";
const CLEAN: &str = "evidence x \"X\" {\n  valid 1 year\n}\n\nreferential X \"x\" {\n  clause 1 \"one\" {\n    requires evidence x\n  }\n}\n";
const SITE: &str =
    "site: \"Site\"\nas_of: 2026-11-01\nevidence:\n  - { id: E1, type: x, date: 2026-06-01 }\n";

/// Runs refmap with `args` (and `input` on standard input), killed after
/// 30 s: no input may make it hang.
fn run(args: &[&str], input: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_refmap"))
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run refmap {args:?}: {e}"));
    // Written beside the wait, so that a refmap that stops reading early
    // (at its size limit) cannot block the test.
    let writer = match (input, child.stdin.take()) {
        (Some(bytes), Some(mut stdin)) => {
            let bytes = bytes.to_vec();
            Some(std::thread::spawn(move || {
                let _ = stdin.write_all(&bytes);
            }))
        }
        _ => None,
    };
    let started = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("refmap {args:?} still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("refmap {args:?}: {e}"))
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn explain(out: &Output) -> String {
    format!(
        "exit {}\n--- stdout\n{}\n--- stderr\n{}",
        code(out),
        text(&out.stdout),
        text(&out.stderr)
    )
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", explain(out)))
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"))
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("cannot write {path:?}: {e}"));
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

/// The diagnostics of `lint --format json` with `code`.
fn with_code<'a>(lint: &'a Value, code: &str) -> Vec<&'a Value> {
    lint["diagnostics"]
        .as_array()
        .map(|ds| ds.iter().filter(|d| d["code"] == code).collect())
        .unwrap_or_default()
}

// ── folder links ─────────────────────────────────────────────────────────────

#[cfg(unix)]
#[test]
fn each_folder_link_back_into_the_walk_is_one_warning_naming_it() {
    for links in [&["self"][..], &["again", "once-more"][..]] {
        let dir = temp();
        write(&dir.path().join("a.rules"), CLEAN.as_bytes());
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for name in links {
            std::os::unix::fs::symlink(".", dir.path().join(name)).unwrap();
        }
        // A link deeper down, back to the top: a loop of two folders.
        std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
        let out = run(
            &["--rules", s(dir.path()), "lint", "--format", "json"],
            None,
        );
        assert_eq!(code(&out), 0, "{}", explain(&out));
        let lint = json(&out);
        assert_eq!(lint["files"], 1, "{lint}");
        assert_eq!(lint["errors"], 0, "{lint}");
        let loops = with_code(&lint, "refmap::load::symlink-loop");
        assert_eq!(loops.len(), links.len() + 1, "{lint}");
        for (warning, name) in loops.iter().zip(links.iter().copied().chain(["sub/up"])) {
            let link = dir.path().join(name);
            assert_eq!(warning["severity"], "warning");
            assert_eq!(warning["location"]["file"], s(&link), "{warning}");
            let message = warning["message"].as_str().unwrap_or_default();
            assert!(message.contains(&format!("`{}`", s(&link))), "{message}");
            assert!(
                message.contains(&format!("`{}`", s(dir.path()))),
                "{message}"
            );
        }
        // In words too, once per link, without a snippet of an empty file.
        let out = run(&["--rules", s(dir.path()), "lint"], None);
        let shown = text(&out.stdout);
        assert_eq!(
            shown.matches("leads back to").count(),
            links.len() + 1,
            "{shown}"
        );
        assert!(shown.contains(&format!("{} warning(s) in 1 file(s)", links.len() + 1)));
    }
}

// ── byte-order marks ─────────────────────────────────────────────────────────

#[test]
fn rules_starting_with_a_byte_order_mark_lint_clean() {
    let dir = temp();
    let file = dir.path().join("bom.rules");
    write(&file, format!("{BOM}{CLEAN}").as_bytes());
    let out = run(&["--rules", s(&file), "lint"], None);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert!(text(&out.stdout).contains("0 error(s), 0 warning(s)"));
    // Columns of the first line do not count the mark.
    write(
        &file,
        format!("{BOM}referential X \"x\" {{ clause 1 \"one\" {{ requires clause X:2 }} }}\n")
            .as_bytes(),
    );
    let out = run(&["--rules", s(&file), "lint", "--format", "json"], None);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    let lint = json(&out);
    let unknown = with_code(&lint, "refmap::resolve::unknown-clause");
    assert_eq!(unknown.len(), 1, "{lint}");
    assert_eq!(unknown[0]["location"]["line"], 1);
    assert_eq!(unknown[0]["location"]["column"], 54);
}

#[test]
fn fmt_keeps_a_byte_order_mark_in_place_and_in_check() {
    let dir = temp();
    let file = dir.path().join("bom.rules");
    write(&file, format!("{BOM}{CLEAN}").as_bytes());
    let out = run(&["fmt", "--check", s(&file)], None);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    write(
        &file,
        format!("{BOM}evidence   x \"X\"{{valid 1 year}}\nreferential X \"x\" {{ clause 1 \"one\" {{ requires evidence x }} }}\n").as_bytes(),
    );
    let out = run(&["fmt", "--check", s(&file)], None);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    let out = run(&["fmt", s(&file)], None);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{BOM}{CLEAN}")
    );
    let out = run(&["fmt", "-"], Some(format!("{BOM}{CLEAN}").as_bytes()));
    assert_eq!(
        text(&out.stdout),
        "",
        "already canonical: {}",
        explain(&out)
    );
}

#[test]
fn inventories_starting_with_a_byte_order_mark_are_checked() {
    let dir = temp();
    let rules = dir.path().join("r.rules");
    write(&rules, CLEAN.as_bytes());
    let yaml = dir.path().join("site.yaml");
    write(&yaml, format!("{BOM}{SITE}").as_bytes());
    let json_file = dir.path().join("site.json");
    write(
        &json_file,
        format!("{BOM}{{\"site\": \"Site\", \"as_of\": \"2026-11-01\", \"evidence\": [{{\"id\": \"E1\", \"type\": \"x\", \"date\": \"2026-06-01\"}}]}}").as_bytes(),
    );
    for file in [&yaml, &json_file] {
        let out = run(
            &[
                "--rules",
                s(&rules),
                "check",
                "--format",
                "json",
                "--evidence",
                s(file),
            ],
            None,
        );
        assert_eq!(code(&out), 0, "{}", explain(&out));
        let report = json(&out);
        assert_eq!(report["site"], "Site");
        assert_eq!(report["clauses"][0]["status"], "met", "{report}");
    }
}

// ── control characters and line endings ─────────────────────────────────────

#[test]
fn a_nul_byte_is_shown_escaped() {
    let dir = temp();
    let file = dir.path().join("nul.rules");
    write(
        &file,
        b"referential X \"x\" {\n  clause 1 \"one\" \0{ }\n}\n",
    );
    let out = run(&["--rules", s(&file), "lint"], None);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    let shown = text(&out.stdout);
    assert!(shown.contains("found `\\u{0}`"), "{shown}");
    assert!(shown.contains(":2:18"), "{shown}");
    assert!(!shown.contains('\0'), "a raw NUL printed: {shown:?}");
    let out = run(&["--rules", s(&file), "lint", "--format", "json"], None);
    let lint = json(&out);
    let message = lint["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("`\\u{0}`"), "{message}");
    // In an inventory value quoted by a message.
    let rules = dir.path().join("r.rules");
    write(&rules, CLEAN.as_bytes());
    let site = dir.path().join("site.yaml");
    write(
        &site,
        b"site: \"S\"\nevidence:\n  - { id: \"E\\0\", type: nosuch }\n",
    );
    let out = run(
        &["--rules", s(&rules), "check", "--evidence", s(&site)],
        None,
    );
    assert_eq!(code(&out), 2, "{}", explain(&out));
    let shown = text(&out.stderr);
    assert!(shown.contains("(id E\\u{0})"), "{shown}");
    assert!(!shown.contains('\0'), "a raw NUL printed: {shown:?}");
}

#[test]
fn old_mac_line_endings_are_read_as_lines() {
    let dir = temp();
    let file = dir.path().join("cr.rules");
    let cr = |t: &str| t.replace('\n', "\r");
    write(&file, cr(&format!("// a comment\n{CLEAN}")).as_bytes());
    let out = run(&["--rules", s(&file), "lint", "--format", "json"], None);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert_eq!(json(&out)["diagnostics"], Value::Array(Vec::new()));
    let out = run(
        &["--rules", s(&file), "clauses", "X", "--format", "json"],
        None,
    );
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert!(text(&out.stdout).contains("\"one\""), "{}", explain(&out));
    // Places count the lines.
    write(
        &file,
        cr("// a comment\nreferential X \"x\" {\n  clause 1 \"one\" {\n    requires clause X:2\n  }\n}\n").as_bytes(),
    );
    let out = run(&["--rules", s(&file), "lint", "--format", "json"], None);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    let lint = json(&out);
    let unknown = with_code(&lint, "refmap::resolve::unknown-clause");
    assert_eq!(unknown.len(), 1, "{lint}");
    assert_eq!(unknown[0]["location"]["line"], 4);
    assert_eq!(unknown[0]["location"]["column"], 21);
    // And in an inventory.
    let rules = dir.path().join("r.rules");
    write(&rules, CLEAN.as_bytes());
    let site = dir.path().join("site.yaml");
    write(
        &site,
        cr("site: \"S\"\nevidence:\n  - id: E1\n    type: nosuch\n").as_bytes(),
    );
    let out = run(
        &["--rules", s(&rules), "check", "--evidence", s(&site)],
        None,
    );
    assert_eq!(code(&out), 2, "{}", explain(&out));
    assert!(
        text(&out.stderr).contains("site.yaml:4:11"),
        "{}",
        explain(&out)
    );
}

// ── FIFOs, devices, standard input ──────────────────────────────────────────

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_at_once() {
    let dir = temp();
    let rules = dir.path().join("r.rules");
    write(&rules, CLEAN.as_bytes());
    let fifo = dir.path().join("pipe.rules");
    match Command::new("mkfifo").arg(&fifo).status() {
        Ok(status) if status.success() => {}
        _ => {
            eprintln!("skipping the FIFO cases: `mkfifo` is not available here");
            return;
        }
    }
    let cases: [&[&str]; 5] = [
        &["--rules", s(&fifo), "lint"],
        &["--rules", s(&rules), "check", "--evidence", s(&fifo)],
        &["--rules", s(&rules), "check", "--evidence", "/dev/zero"],
        &["fmt", s(&fifo)],
        &["fmt", "--check", "/dev/zero"],
    ];
    for args in cases {
        let out = run(args, None);
        assert_eq!(code(&out), 2, "{args:?}: {}", explain(&out));
        let shown = text(&out.stderr);
        assert!(shown.contains("not a regular file"), "{args:?}: {shown}");
        assert!(
            shown.contains(s(&fifo)) || shown.contains("/dev/zero"),
            "{args:?}: {shown}"
        );
    }
}

#[test]
fn an_inventory_on_standard_input_is_checked() {
    let dir = temp();
    let rules = dir.path().join("r.rules");
    write(&rules, CLEAN.as_bytes());
    let out = run(
        &[
            "--rules",
            s(&rules),
            "check",
            "--format",
            "json",
            "--evidence",
            "-",
        ],
        Some(SITE.as_bytes()),
    );
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert_eq!(json(&out)["clauses"][0]["status"], "met");
    // Too large: refused at the limit, not read to the end.
    let huge = vec![b' '; 65 * 1024 * 1024];
    let out = run(
        &["--rules", s(&rules), "check", "--evidence", "-"],
        Some(&huge),
    );
    assert_eq!(code(&out), 2, "{}", explain(&out));
    assert!(text(&out.stderr).contains("64 MiB"), "{}", explain(&out));
}

// ── batches ─────────────────────────────────────────────────────────────────

#[test]
fn a_batch_mixing_large_and_small_inventories_answers_in_order() {
    use refmap::{CheckOptions, Engine, Input};
    let engine = Engine::builder().source("r.rules", CLEAN).build();
    let checker = engine
        .checker(CheckOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    // A large inventory (over 8 MiB, checked on the calling thread) between
    // small ones (checked by the workers).
    let padding = "# padding\n".repeat(900 * 1024);
    let site = |name: &str, pad: &str| Input::Text {
        name: format!("{name}.yaml"),
        text: format!("site: \"{name}\"\n{pad}"),
    };
    let inputs = [
        site("a", ""),
        site("big", &padding),
        site("b", ""),
        site("c", ""),
        site("d", ""),
        site("e", ""),
    ];
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results = checker.check_all(&inputs, |_| {
        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    let sites: Vec<String> = results
        .iter()
        .map(|r| r.as_ref().map(|r| r.site.clone()).unwrap_or_default())
        .collect();
    assert_eq!(sites, ["a", "big", "b", "c", "d", "e"]);
    assert_eq!(done.into_inner(), inputs.len());
}
