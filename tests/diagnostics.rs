//! Diagnostics of the front end, one input file per behaviour.
//!
//! Every file of `tests/inputs/errors/` must give at least one error and every
//! file of `tests/inputs/warnings/` at least one warning and no error; the
//! rendered diagnostics, with the code and `line:col` of each, are snapshotted.
//! A few cases are also matched explicitly by code and span text, so a change
//! of wording never hides a change of place.

// Test code fails by panicking; helpers outside `#[test]` functions too.
#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::path::Path;

use refmap::internal::diagnostic::{Diagnostic, Severity};
use refmap::internal::load::{self, Options};
use refmap::internal::model::{codes, Loaded};
use refmap::internal::source::SourceMap;
use refmap::internal::syntax;

/// Loads one text as a file named `name`, as `refmap lint --rules` would.
fn load_text(name: &str, text: &str) -> Loaded {
    let mut sources = SourceMap::new();
    sources.add(name, text);
    load::front_end(sources, Options::default())
}

/// Loads one text and adds the warnings only `lint` computes.
fn lint_text(name: &str, text: &str) -> Loaded {
    let mut loaded = load_text(name, text);
    refmap::internal::lint::add_redundancy_warnings(&mut loaded.diagnostics, &loaded.rulebook);
    loaded
}

fn read(path: &Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

/// `inputs/errors/x.rules` → `errors/x.rules`, a name stable across machines.
fn display_name(path: &Path) -> String {
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map_or(String::new(), |f| f.to_string_lossy().into_owned());
    let file = path
        .file_name()
        .map_or(String::new(), |f| f.to_string_lossy().into_owned());
    format!("{folder}/{file}")
}

/// The text under a diagnostic's primary span.
fn span_text<'a>(loaded: &'a Loaded, d: &Diagnostic) -> &'a str {
    loaded
        .rulebook
        .sources
        .get(d.primary.file)
        .map_or("", |f| f.slice(d.primary.span))
}

/// One line per diagnostic (severity, code, place, span text), then each
/// diagnostic rendered as a person reads it.
fn report(loaded: &Loaded) -> String {
    let sources = &loaded.rulebook.sources;
    let mut out = String::new();
    for d in &loaded.diagnostics {
        let place = sources.get(d.primary.file).map_or_else(String::new, |f| {
            f.location(d.primary.span.start).to_string()
        });
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let text: String = span_text(loaded, d).chars().take(60).collect();
        out.push_str(&format!(
            "{severity} {} at {place} `{}`\n",
            d.code,
            text.escape_debug()
        ));
    }
    for d in &loaded.diagnostics {
        out.push('\n');
        out.push_str(&d.render(sources, false));
    }
    out
}

#[test]
fn every_bad_input_is_reported() {
    insta::glob!("inputs/errors/*.rules", |path| {
        let loaded = load_text(&display_name(path), &read(path));
        assert!(
            loaded.diagnostics.iter().any(Diagnostic::is_error),
            "{}: no error reported",
            path.display()
        );
        insta::assert_snapshot!(report(&loaded));
    });
}

#[test]
fn every_warning_input_warns_without_errors() {
    insta::glob!("inputs/warnings/*.rules", |path| {
        let loaded = lint_text(&display_name(path), &read(path));
        assert!(
            !loaded.diagnostics.is_empty(),
            "{}: no diagnostic reported",
            path.display()
        );
        assert!(
            loaded.diagnostics.iter().all(|d| !d.is_error()),
            "{}: warnings-only input gave errors:\n{}",
            path.display(),
            report(&loaded)
        );
        insta::assert_snapshot!(report(&loaded));
    });
}

#[test]
fn every_diagnostic_carries_a_code_a_place_and_a_lowercase_message() {
    for folder in ["errors", "warnings"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/inputs")
            .join(folder);
        let mut entries: Vec<_> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => panic!("cannot list {}: {e}", dir.display()),
        };
        entries.sort();
        for path in entries {
            let loaded = lint_text(&display_name(&path), &read(&path));
            for d in &loaded.diagnostics {
                let name = path.display();
                assert!(d.code.starts_with("refmap::"), "{name}: code {}", d.code);
                assert!(
                    !d.message.ends_with('.'),
                    "{name}: message ends with a period: {}",
                    d.message
                );
                assert!(
                    !d.message.starts_with(|c: char| c.is_uppercase()),
                    "{name}: message starts with a capital: {}",
                    d.message
                );
                assert!(
                    !d.message.contains("internal"),
                    "{name}: internal error: {}",
                    d.message
                );
                assert!(
                    d.primary.span.end >= d.primary.span.start,
                    "{name}: inverted span"
                );
                let len = loaded
                    .rulebook
                    .sources
                    .get(d.primary.file)
                    .map_or(0, |f| f.text().len());
                assert!(d.primary.span.end <= len, "{name}: span past the end");
            }
        }
    }
}

/// Loads `inputs/<path>` (lint warnings included) and returns the
/// diagnostics as (code, span text).
fn codes_and_spans(path: &str) -> Vec<(&'static str, String)> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inputs")
        .join(path);
    let loaded = lint_text(path, &read(&full));
    loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, span_text(&loaded, d).to_string()))
        .collect()
}

fn assert_has(path: &str, code: &str, span: &str) {
    let found = codes_and_spans(path);
    assert!(
        found.iter().any(|(c, s)| *c == code && s == span),
        "{path}: expected {code} at `{span}`, found {found:#?}"
    );
}

#[test]
fn errors_are_matched_by_code_and_span_text() {
    let syntax = syntax::codes::UNEXPECTED;
    assert_has("errors/syntax_bad_relation.rules", syntax, "equal");
    assert_has("errors/syntax_bad_status.rules", syntax, "done");
    assert_has("errors/syntax_keyword_prefix.rules", syntax, "notes");
    assert_has(
        "errors/syntax_bad_duration_unit.rules",
        syntax,
        "fortnights",
    );
    assert_has(
        "errors/syntax_impossible_date.rules",
        syntax::codes::INVALID_DATE,
        "2026-02-30",
    );
    assert_has(
        "errors/syntax_impossible_date.rules",
        syntax::codes::INVALID_DATE,
        "2026-13-01",
    );
    assert_has(
        "errors/syntax_number_out_of_range.rules",
        syntax::codes::NUMBER_OUT_OF_RANGE,
        "99999999999999999999999",
    );
    assert_has(
        "errors/resolve_duplicate_referential.rules",
        codes::DUPLICATE_REFERENTIAL,
        "LABELIX",
    );
    assert_has(
        "errors/resolve_duplicate_clause.rules",
        codes::DUPLICATE_CLAUSE,
        "4.2",
    );
    assert_has(
        "errors/resolve_unknown_clause_suggestion.rules",
        codes::UNKNOWN_CLAUSE,
        "LABELIX:4.21",
    );
    assert_has(
        "errors/resolve_unknown_referential_suggestion.rules",
        codes::UNKNOWN_REFERENTIAL,
        "LABELX:4",
    );
    assert_has(
        "errors/resolve_unknown_evidence_suggestion.rules",
        codes::UNKNOWN_EVIDENCE,
        "maintenance_recrod",
    );
    assert_has(
        "errors/resolve_unknown_field_suggestion.rules",
        codes::UNKNOWN_FIELD,
        "modalty",
    );
    assert_has(
        "errors/resolve_field_type_mismatch.rules",
        codes::FIELD_TYPE_MISMATCH,
        "12",
    );
    assert_has(
        "errors/resolve_strength_zero.rules",
        codes::STRENGTH_RANGE,
        "0",
    );
    assert_has(
        "errors/resolve_strength_eleven.rules",
        codes::STRENGTH_RANGE,
        "11",
    );
    assert_has(
        "errors/resolve_at_least_too_large.rules",
        codes::AT_LEAST_TOO_LARGE,
        "3",
    );
    assert_has(
        "errors/resolve_clause_cycle_self.rules",
        codes::CLAUSE_CYCLE,
        "LABELIX:4",
    );
    assert_has(
        "errors/resolve_clause_cycle_three.rules",
        codes::CLAUSE_CYCLE,
        "LABELIX:1",
    );
    assert_has(
        "errors/resolve_duplicate_requires.rules",
        codes::DUPLICATE_RULE,
        "not attested",
    );
    assert_has(
        "errors/resolve_bad_test.rules",
        codes::BAD_TEST,
        "as-of 2026-12-01",
    );
    assert_has(
        "errors/resolve_inconsistent_subset_intersects.rules",
        codes::INCONSISTENT,
        "A:1 subset-of B:1 { strength 8 }",
    );
    assert_has(
        "warnings/warn_sub_clause_id.rules",
        codes::SUBCLAUSE_ID,
        "5.1",
    );
    assert_has(
        "warnings/warn_unused_evidence.rules",
        codes::UNUSED_EVIDENCE,
        "forgotten_record",
    );
    assert_has(
        "warnings/warn_redundant_link.rules",
        codes::REDUNDANT_LINK,
        "A:1 subset-of C:1",
    );
}

#[test]
fn did_you_mean_is_offered_only_for_near_names() {
    let help = |path: &str, code: &str| -> Option<String> {
        let full = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/inputs")
            .join(path);
        let loaded = load_text(path, &read(&full));
        loaded
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .and_then(|d| d.help.clone())
    };
    let with = [
        (
            "errors/resolve_unknown_referential_suggestion.rules",
            codes::UNKNOWN_REFERENTIAL,
            "`LABELIX`",
        ),
        (
            "errors/resolve_unknown_clause_suggestion.rules",
            codes::UNKNOWN_CLAUSE,
            "`LABELIX:4.2`",
        ),
        (
            "errors/resolve_unknown_evidence_suggestion.rules",
            codes::UNKNOWN_EVIDENCE,
            "`maintenance_record`",
        ),
        (
            "errors/resolve_unknown_field_suggestion.rules",
            codes::UNKNOWN_FIELD,
            "`modality`",
        ),
    ];
    for (path, code, name) in with {
        let help = help(path, code).unwrap_or_default();
        assert!(
            help.contains("did you mean") && help.contains(name),
            "{path}: help `{help}` should suggest {name}"
        );
    }
    let without = [
        (
            "errors/resolve_unknown_referential_no_suggestion.rules",
            codes::UNKNOWN_REFERENTIAL,
        ),
        (
            "errors/resolve_unknown_clause_no_suggestion.rules",
            codes::UNKNOWN_CLAUSE,
        ),
        (
            "errors/resolve_unknown_evidence_no_suggestion.rules",
            codes::UNKNOWN_EVIDENCE,
        ),
        (
            "errors/resolve_unknown_field_no_suggestion.rules",
            codes::UNKNOWN_FIELD,
        ),
    ];
    for (path, code) in without {
        let help = help(path, code).unwrap_or_default();
        assert!(
            !help.contains("did you mean"),
            "{path}: help `{help}` suggests a far name"
        );
    }
}

/// `referential R { clause 1 { requires <levels> } }` with `levels` nested
/// `all {` around one evidence requirement.
fn nested_all(levels: usize) -> String {
    format!(
        "evidence x \"x\"\nreferential R \"r\" {{ clause 1 \"c\" {{ requires {} evidence x {} }} }}\n",
        "all { ".repeat(levels),
        "} ".repeat(levels)
    )
}

/// `levels` clauses, each inside the previous one.
fn nested_clauses(levels: usize) -> String {
    let mut text = String::from("referential R \"r\" {\n");
    let mut id = String::from("1");
    for _ in 0..levels {
        text.push_str(&format!("clause {id} \"c\" {{\n"));
        id.push_str(".1");
    }
    text.push_str(&"}\n".repeat(levels + 1));
    text
}

fn only_codes(loaded: &Loaded) -> Vec<&'static str> {
    loaded.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn a_hundred_thousand_nested_alls_are_a_diagnostic_not_a_crash() {
    let text = nested_all(100_000);
    let loaded = load_text("deep.rules", &text);
    assert_eq!(only_codes(&loaded), vec![syntax::codes::TOO_DEEP]);
    let d = &loaded.diagnostics[0];
    // Points into the nest, not at the start of the file.
    assert!(d.primary.span.start > text.find("all {").unwrap_or(0));
    assert!(d
        .render(&loaded.rulebook.sources, false)
        .contains("deeper than 64"));
    // Unbalanced too: only openings.
    let open = format!(
        "referential R \"r\" {{ clause 1 \"c\" {{ requires {}",
        "all { ".repeat(100_000)
    );
    let loaded = load_text("open.rules", &open);
    assert!(loaded.has_errors());
    // And the same depth of `not`, of `(` in a condition, of `[` in a value.
    for text in [
        format!(
            "referential R \"r\" {{ clause 1 \"c\" {{ requires {} attested }} }}",
            "not ".repeat(100_000)
        ),
        format!(
            "referential R \"r\" {{ clause 1 \"c\" {{ applies if {}a == 1{} }} }}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
        format!(
            "referential R \"r\" {{ clause 1 \"c\" {{ applies if a == {}1{} }} }}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
        format!(
            "referential R \"r\" {{ clause 1 \"c\" {{ applies if {}a == 1 }} }}",
            "not ".repeat(100_000)
        ),
    ] {
        let loaded = load_text("deep.rules", &text);
        assert_eq!(only_codes(&loaded), vec![syntax::codes::TOO_DEEP]);
    }
}

#[test]
fn depth_limit_is_sixty_four_levels() {
    // 64 nested clauses are fine, 65 are one too many.
    assert!(!load_text("ok.rules", &nested_clauses(64)).has_errors());
    let loaded = load_text("deep.rules", &nested_clauses(65));
    assert_eq!(only_codes(&loaded), vec![syntax::codes::TOO_DEEP]);
    // 64 levels of requirement: 63 `all` groups around one requirement.
    let loaded = load_text("ok.rules", &nested_all(63));
    assert!(!loaded.has_errors(), "{}", report(&loaded));
    let loaded = load_text("deep.rules", &nested_all(65));
    assert_eq!(only_codes(&loaded), vec![syntax::codes::TOO_DEEP]);
    // `not` chains count like groups.
    let nots = |n: usize| {
        format!(
            "referential R \"r\" {{ clause 1 \"c\" {{ requires {}attested }} }}",
            "not ".repeat(n)
        )
    };
    assert!(!load_text("ok.rules", &nots(63)).has_errors());
    assert!(load_text("deep.rules", &nots(65)).has_errors());
}

#[test]
fn errors_of_every_file_are_reported_together() {
    let mut sources = SourceMap::new();
    sources.add(
        "a.rules",
        "referential A \"A\" { clause 1 \"one\" { requires clause B:2 } }\n",
    );
    sources.add("b.rules", "referential B \"B\" { clause 1 \"one\" { requires attested } }\nmapping \"m\" { A:1 equals B:1 { strength 0 } }\n");
    sources.add(
        "c.rules",
        "evidence x \"x\" { field a: text field a: text }\n",
    );
    let loaded = load::front_end(sources, Options::default());
    let found = only_codes(&loaded);
    assert!(found.contains(&codes::UNKNOWN_CLAUSE), "{found:?}");
    assert!(found.contains(&codes::STRENGTH_RANGE), "{found:?}");
    assert!(found.contains(&codes::DUPLICATE_FIELD), "{found:?}");
    // The unknown clause is looked up across files: `B:1` is in b.rules.
    let unknown: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == codes::UNKNOWN_CLAUSE)
        .collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].help.as_deref(), Some("did you mean `B:1`?"));
    // Diagnostics come in file order.
    let files: Vec<u32> = loaded
        .diagnostics
        .iter()
        .map(|d| d.primary.file.0)
        .collect();
    let mut sorted = files.clone();
    sorted.sort_unstable();
    assert_eq!(files, sorted);

    // A syntax error in one file and resolution errors in another.
    let mut sources = SourceMap::new();
    sources.add("a.rules", "evidence x \"x\" { valid 3 eons }\n");
    sources.add("b.rules", "referential B \"B\" { clause 1 \"one\" { requires attested } clause 2 \"two\" { requires at least 2 of { attested } } }\n");
    let found = only_codes(&load::front_end(sources, Options::default()));
    assert_eq!(
        found,
        vec![syntax::codes::UNEXPECTED, codes::AT_LEAST_TOO_LARGE]
    );
}

/// The rendered header `[file:line:col]` of a diagnostic with one label.
fn rendered_place(loaded: &Loaded, d: &Diagnostic) -> String {
    let rendered = d.render(&loaded.rulebook.sources, false);
    rendered
        .split_once("╭─[")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map_or_else(String::new, |(place, _)| place.to_string())
}

#[test]
fn rendered_places_count_columns_in_characters_like_json() {
    // `é` and `ô` are two bytes each: the column is counted in characters,
    // as `SourceMap::describe` and the JSON output do.
    let loaded = load_text(
        "accents.rules",
        "referential LABELIX \"Label\" {\n  clause 4 \"Équipements\" {\n    clause 4.3 \"Contrôle qualité\" { requires clause LABELIX:4.21 }\n  }\n}\n",
    );
    let d = &loaded.diagnostics[0];
    assert_eq!(d.code, codes::UNKNOWN_CLAUSE);
    let expected = loaded
        .rulebook
        .sources
        .describe(d.primary.file, d.primary.span.start);
    assert_eq!(expected, "accents.rules:3:53");
    let json = d.to_json(&loaded.rulebook.sources);
    assert_eq!((json.location.line, json.location.column), (3, 53));
    assert_eq!(rendered_place(&loaded, d), expected);
}

#[test]
fn spans_end_where_the_construct_ends() {
    // A link or requirement without a body must not underline the line
    // break and indentation after it.
    let loaded = lint_text(
        "spans.rules",
        "evidence x \"x\"\nreferential A \"A\" {\n  clause 1 \"one\" {\n    requires evidence x\n    requires evidence x within 1 year\n  }\n}\nreferential B \"B\" {\n  clause 1 \"one\" {}\n}\nmapping \"m\" {\n  A:1 subset-of B:1\n  A:1 intersects B:1\n}\n",
    );
    let spans: Vec<(&str, String)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, span_text(&loaded, d).to_string()))
        .collect();
    assert!(
        spans.contains(&(
            codes::DUPLICATE_RULE,
            "evidence x within 1 year".to_string()
        )),
        "{spans:#?}"
    );
    assert!(
        spans.contains(&(codes::INCONSISTENT, "A:1 subset-of B:1".to_string())),
        "{spans:#?}"
    );
    for d in &loaded.diagnostics {
        for label in std::iter::once(&d.primary).chain(&d.secondary) {
            let text = loaded
                .rulebook
                .sources
                .get(label.file)
                .map_or("", |f| f.slice(label.span));
            assert_eq!(text, text.trim_end(), "{}: span ends in whitespace", d.code);
        }
    }
}

#[test]
fn syntax_errors_speak_of_tokens_not_characters() {
    // "expected `-`, `0..9`, `:`, `A..Z`, `_` or `a..z`" is the grammar's
    // inside; the user wrote a date or a clause reference and should read
    // what those look like.
    let cases = [
        (
            "errors/syntax_bad_date_format.rules",
            "a date (`YYYY-MM-DD`)",
        ),
        (
            "errors/syntax_clause_ref_missing_colon.rules",
            "`REF_ID:CLAUSE_ID`",
        ),
    ];
    for (path, wanted) in cases {
        let full = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/inputs")
            .join(path);
        let loaded = load_text(path, &read(&full));
        let d = &loaded.diagnostics[0];
        assert_eq!(d.code, syntax::codes::UNEXPECTED);
        let text = format!("{} {}", d.message, d.help.clone().unwrap_or_default());
        for internal in ["`0..9`", "`A..Z`", "`a..z`"] {
            assert!(
                !text.contains(internal),
                "{path}: `{text}` names characters"
            );
        }
        assert!(
            text.contains(wanted),
            "{path}: `{text}` should mention {wanted}"
        );
    }
}

#[test]
fn syntax_errors_never_expect_what_they_found() {
    // "expected a string, found a string" tells the user nothing.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/errors");
    let mut entries: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => panic!("cannot list {}: {e}", dir.display()),
    };
    entries.sort();
    let mut bad = Vec::new();
    for path in entries {
        let loaded = load_text(&display_name(&path), &read(&path));
        for d in loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == syntax::codes::UNEXPECTED)
        {
            if let Some((expected, found)) = d.message.split_once(", found ") {
                if expected.contains(found) {
                    bad.push(format!("{}: {}", display_name(&path), d.message));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "self-contradicting messages:\n{}",
        bad.join("\n")
    );
}

#[test]
fn references_across_files_resolve() {
    let mut sources = SourceMap::new();
    sources.add("evidence.rules", "evidence x \"x\" { field m: text }\n");
    sources.add(
        "a.rules",
        "referential A \"A\" { clause 1 \"one\" { requires evidence x where m == \"CT\" } }\n",
    );
    sources.add(
        "b.rules",
        "referential B \"B\" { clause 1 \"one\" { requires clause A:1 } }\nmapping \"m\" { B:1 subset-of A:1 }\n",
    );
    let loaded = load::front_end(sources, Options::default());
    assert!(loaded.diagnostics.is_empty(), "{}", report(&loaded));
    assert!(loaded.rulebook.clause_by_key("B:1").is_some());
}

#[test]
fn a_syntax_error_does_not_echo_as_unknown_names() {
    // b.rules fails to parse, so a.rules's reference to it is not reported.
    let mut sources = SourceMap::new();
    sources.add(
        "a.rules",
        "referential A \"A\" { clause 1 \"one\" { requires clause B:1 } }\n",
    );
    sources.add(
        "b.rules",
        "referential B \"B\" { clause 1 \"one\" { requires } }\n",
    );
    let loaded = load::front_end(sources, Options::default());
    assert_eq!(only_codes(&loaded), vec![syntax::codes::UNEXPECTED]);
}

#[test]
fn the_shipped_rules_are_clean() {
    let loaded = load::shipped(Options::default());
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{}", report(&loaded));
}

#[test]
fn diagnostics_json_has_the_documented_shape() {
    let loaded = load_text(
        "bad.rules",
        "referential A \"A\" {\n  clause 1 \"one\" { requires clause A:2 }\n}\n",
    );
    let d = &loaded.diagnostics[0];
    let json = match serde_json::to_value(d.to_json(&loaded.rulebook.sources)) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(json["code"], codes::UNKNOWN_CLAUSE);
    assert_eq!(json["severity"], "error");
    assert_eq!(json["location"]["file"], "bad.rules");
    assert_eq!(json["location"]["line"], 2);
    assert_eq!(json["location"]["column"], 36);
    assert!(json["related"].is_array());
    assert!(json.get("help").is_some());
}
