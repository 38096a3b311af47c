//! The shape of the code: stages only look down, the evaluation sees only the
//! resolved model, the command line only the façade, and no source file
//! grows past 1,000 lines. Read from the source text, so a new import that
//! runs up fails here before anyone has to find it by hand.

#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails by panicking; slices are cut at found positions"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each module of the library and its stage: a module may import only
/// modules of a lower stage (shared words at the bottom, the façade on top).
const STAGES: &[(&str, u8)] = &[
    ("vocab", 0),
    ("date", 0),
    ("source", 0),
    ("diagnostic", 1),
    ("syntax", 2),
    ("mapper", 2),
    ("model", 3),
    ("load", 4),
    ("lint", 4),
    ("inventory", 4),
    ("evaluate", 5),
    ("query", 5),
    ("batch", 6),
    ("test_blocks", 6),
    ("report", 7),
    ("exchange", 7),
    ("engine", 8),
];

/// Imports the stage order would allow but the design does not: the
/// evaluation and the tests run on resolved rules and build no proofs.
const FORBIDDEN: &[(&str, &str)] = &[
    ("evaluate", "syntax"),
    ("evaluate", "query"),
    ("test_blocks", "syntax"),
    ("test_blocks", "query"),
    ("mapper", "syntax"),
    ("mapper", "model"),
];

const MAX_LINES: usize = 1000;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display())
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The library module a file belongs to (`src/model/check.rs` → `model`);
/// `None` for the crate roots and the command line.
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (!matches!(name, "lib" | "main" | "cli")).then(|| name.to_string())
}

/// The crate modules a text names through `crate::…`, outside comments.
fn imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let name = part.trim().split("::").next().unwrap_or("").trim();
                    if !name.is_empty() {
                        found.insert(name.to_string());
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.insert(name);
            }
        }
    }
    found
}

fn stage(module: &str) -> Option<u8> {
    STAGES.iter().find(|(m, _)| *m == module).map(|(_, s)| *s)
}

#[test]
fn every_module_has_a_stage() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let unknown: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_of(f))
        .filter(|m| stage(m).is_none())
        .collect();
    assert!(
        unknown.is_empty(),
        "give these modules a stage: {unknown:?}"
    );
}

#[test]
fn stages_only_look_down() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let Some(module) = module_of(file) else {
            continue;
        };
        let Some(own) = stage(&module) else { continue };
        let text = std::fs::read_to_string(file).unwrap_or_default();
        // Unit tests sit at the end of their file and may load whatever they need.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for import in imports(code) {
            if import == module {
                continue;
            }
            let Some(theirs) = stage(&import) else {
                // `crate::alloc` and the like: not a stage.
                continue;
            };
            let name = file.strip_prefix(src()).unwrap_or(file).display();
            if theirs >= own {
                wrong.push(format!(
                    "{name}: {module} (stage {own}) imports {import} (stage {theirs})"
                ));
            }
            if FORBIDDEN.contains(&(module.as_str(), import.as_str())) {
                wrong.push(format!("{name}: {module} must not import {import}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that run up or across:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_command_line_uses_only_the_facade() {
    let mut files = vec![src().join("main.rs")];
    sources(&src().join("cli"), &mut files);
    let leaks: Vec<String> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f)
                .unwrap_or_default()
                .contains("refmap::internal")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        leaks.is_empty(),
        "the CLI reaches past the engine: {leaks:?}"
    );
}

#[test]
fn no_source_file_passes_the_line_limit() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f)
                .unwrap_or_default()
                .lines()
                .count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these along their seams: {long:?}");
}

#[test]
fn the_import_reader_sees_grouped_and_plain_imports() {
    let text = "use crate::{model::Rulebook, vocab};\nuse crate::syntax::ast;\n// crate::query in a comment\nlet x = crate::date::Date::today();";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["date", "model", "syntax", "vocab"]);
}
