//! Formatter golden files: every `tests/inputs/format/X.rules` formats to
//! `X.expected`; formatting the expected text changes nothing; and both parse
//! to the same syntax tree (spans aside). Every case is run and every failure
//! reported together.

// Test code fails by panicking; helpers outside `#[test]` functions too.
#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::path::{Path, PathBuf};

use refmap::internal::source::FileId;
use refmap::internal::syntax::{self, ast};

fn parse(name: &str, text: &str) -> Result<ast::File, String> {
    syntax::parse(FileId(0), text).map_err(|errors| {
        let messages: Vec<String> = errors
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        format!("{name} does not parse: {}", messages.join("; "))
    })
}

fn read(path: &Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect(),
        Err(e) => panic!("cannot list {}: {e}", dir.display()),
    };
    out.sort();
    out
}

/// The `//` comments of a text, strings skipped, trimmed.
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek().is_some_and(|&(_, c)| c == '/') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                out.push(text[i..end].trim_end().to_string());
                while chars.peek().is_some_and(|&(j, _)| j < end) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out
}

/// Both texts in full, numbered, for a readable failure.
fn diff(expected: &str, actual: &str) -> String {
    let number = |text: &str| -> String {
        text.lines()
            .enumerate()
            .map(|(i, l)| format!("    {:>3} | {l}\n", i + 1))
            .collect()
    };
    format!(
        "  expected:\n{}  actual:\n{}",
        number(expected),
        number(actual)
    )
}

/// Checks one input against its expected output; returns what went wrong.
fn check_case(input_path: &Path) -> Vec<String> {
    let name = input_path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let input = read(input_path);
    let expected_path = input_path.with_extension("expected");
    if !expected_path.exists() {
        return vec![format!("{name}: missing {}", expected_path.display())];
    }
    let expected = read(&expected_path);
    let mut problems = Vec::new();
    let tree = match parse(&name, &input) {
        Ok(t) => t,
        Err(e) => return vec![e],
    };
    let formatted = syntax::format(&tree, &input);
    if formatted != expected {
        problems.push(format!(
            "{name}: output differs from the golden file\n{}",
            diff(&expected, &formatted)
        ));
    }
    match parse(&format!("{name} (expected)"), &expected) {
        Ok(expected_tree) => {
            if expected_tree != tree {
                problems.push(format!(
                    "{name}: the expected text parses to a different tree"
                ));
            }
            let again = syntax::format(&expected_tree, &expected);
            if again != expected {
                problems.push(format!(
                    "{name}: formatting the expected text changes it\n{}",
                    diff(&expected, &again)
                ));
            }
        }
        Err(e) => problems.push(e),
    }
    match parse(&format!("{name} (formatted)"), &formatted) {
        Ok(formatted_tree) => {
            if formatted_tree != tree {
                problems.push(format!(
                    "{name}: the formatted text parses to a different tree"
                ));
            }
            let again = syntax::format(&formatted_tree, &formatted);
            if again != formatted {
                problems.push(format!(
                    "{name}: formatting is not idempotent\n{}",
                    diff(&formatted, &again)
                ));
            }
        }
        Err(e) => problems.push(e),
    }
    if comments(&formatted) != comments(&input) {
        problems.push(format!(
            "{name}: comments lost or reordered: {:?} became {:?}",
            comments(&input),
            comments(&formatted)
        ));
    }
    problems
}

#[test]
fn golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/format");
    let inputs = files_in(&dir, "rules");
    assert!(
        inputs.len() >= 8,
        "too few formatter cases: {}",
        inputs.len()
    );
    for expected in files_in(&dir, "expected") {
        assert!(
            expected.with_extension("rules").exists(),
            "{} has no input",
            expected.display()
        );
    }
    let problems: Vec<String> = inputs.iter().flat_map(|p| check_case(p)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn canonical_text_is_left_alone() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/format/canonical.rules");
    let text = read(&path);
    let tree = parse("canonical.rules", &text).unwrap_or_default();
    assert_eq!(syntax::format(&tree, &text), text);
}

#[test]
fn shipped_rules_round_trip() {
    // Whatever the shipped rules say, formatting keeps their meaning and is
    // a fixed point.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut problems = Vec::new();
    for path in files_in(&dir, "rules") {
        let name = path.display().to_string();
        let text = read(&path);
        let tree = match parse(&name, &text) {
            Ok(t) => t,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let once = syntax::format(&tree, &text);
        match parse(&name, &once) {
            Ok(t) if t == tree => {}
            Ok(_) => problems.push(format!("{name}: formatting changes the tree")),
            Err(e) => problems.push(e),
        }
        let twice = match parse(&name, &once) {
            Ok(t) => syntax::format(&t, &once),
            Err(_) => continue,
        };
        if twice != once {
            problems.push(format!("{name}: not idempotent\n{}", diff(&once, &twice)));
        }
        if comments(&once) != comments(&text) {
            problems.push(format!("{name}: comments lost or reordered"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_tree_built_in_code_formats_without_source() {
    // `format(tree, "")` is how tools print trees they built.
    let text = "evidence x \"X\" {\n  valid 2 weeks\n}\n";
    let tree = parse("x.rules", text).unwrap_or_default();
    assert_eq!(syntax::format(&tree, ""), text);
    assert_eq!(syntax::format(&ast::File::default(), ""), "");
}
