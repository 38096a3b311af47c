//! The façade as a library user meets it: layering rules, rules with errors,
//! queries, checks of one and many inventories, formatting and tests, with
//! the JSON shapes the command line prints.

#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking, on answers whose length they check"
)]

use refmap::{CheckError, CheckOptions, Engine, Input, QueryError, Relation, Status};

const SITE_RULES: &str = r#"mapping "site crosswalk" {
  source "the site's own reading"
  LABELIX:ORGANISATION.3 intersects ISO15189-2022:6.4
}
"#;

fn as_of() -> refmap::Date {
    match "2026-11-01".parse() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn site_rules_are_layered_on_the_shipped_ones() {
    let shipped = Engine::shipped();
    let layered = Engine::builder()
        .shipped()
        .source("site.rules", SITE_RULES)
        .build();
    assert!(!layered.has_errors(), "{:?}", layered.diagnostics());
    assert_eq!(layered.rules_info().files, shipped.rules_info().files + 1);
    assert_eq!(layered.rules_info().links, shipped.rules_info().links + 1);
    let lint = layered.lint();
    // The site's link repeats a shipped one: lint says so, at the site's line.
    let redundant: Vec<_> = lint
        .diagnostics
        .iter()
        .filter(|d| d.code == "refmap::mapper::redundant-link")
        .collect();
    assert_eq!(redundant.len(), 1, "{:?}", lint.render(false));
    assert!(lint.render(false).join("").contains("site.rules:3:3"));
    let json = serde_json::to_value(&lint).unwrap_or_default();
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 1);
    assert_eq!(json["files"], layered.rules_info().files);
    assert!(json["diagnostics"][0]["location"]["line"]
        .as_u64()
        .is_some());
}

#[test]
fn rules_with_errors_report_them_and_name_the_place() {
    let engine = Engine::builder()
        .source(
            "broken.rules",
            "referential X \"x\" {\n  clause 1 \"one\" { requires clause X:2 }\n}\n",
        )
        .build();
    assert!(engine.has_errors());
    let Some(errors) = engine.rule_errors() else {
        panic!("no rule errors")
    };
    assert_eq!(errors.errors.len(), 1);
    assert_eq!(errors.errors[0].code, "refmap::resolve::unknown-clause");
    let rendered = errors.render(false).join("\n");
    assert!(rendered.contains("broken.rules:2:"), "{rendered}");
    assert_eq!(
        errors.to_string(),
        "the rules have 1 error(s); run `refmap lint` for details"
    );
}

#[test]
fn a_missing_rules_path_is_a_load_error() {
    let err = Engine::builder()
        .path("no/such/rules")
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.starts_with("cannot read `no/such/rules`")),
        "{err:?}"
    );
}

#[test]
fn queries_answer_with_proofs_and_suggest_close_names() {
    let engine = Engine::shipped();
    let relate = engine
        .relate("LABELIX:ORGANISATION.3", "ISO15189-2022:6.4")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(relate.relations, vec![Relation::Intersects]);
    assert!(relate.proof.iter().all(|s| s.source.contains(".rules:")));
    match engine.relate("LABELIX:ORGANISATION.33", "ISO15189-2022:6.4") {
        Err(e @ QueryError::UnknownClause { .. }) => {
            assert!(e.to_string().contains("did you mean"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    match engine.coverage("LABELIKS", "ISO15189-2022") {
        Err(QueryError::UnknownReferential { suggestion, .. }) => {
            assert_eq!(suggestion.as_deref(), Some("LABELIX"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_inventory_is_checked_and_a_summary_serializes_without_clauses() {
    let engine = Engine::shipped();
    let text = "site: \"Centre du Parc\"\nassessments:\n  - { clause: \"LABELIX:ORGANISATION.3\", status: met, by: \"audit\" }\n";
    let full = engine
        .checker(CheckOptions {
            as_of: Some(as_of()),
            ..CheckOptions::default()
        })
        .map(|c| c.check("site.yaml", text))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let organisation = full
        .clauses
        .iter()
        .find(|c| c.clause == "LABELIX:ORGANISATION.3");
    assert_eq!(organisation.map(|c| c.status), Some(Status::Met));
    let json = serde_json::to_value(&full).unwrap_or_default();
    assert_eq!(json["as_of"], "2026-11-01");
    assert!(json["clauses"].is_array());

    let summary = engine
        .checker(CheckOptions {
            as_of: Some(as_of()),
            summary: true,
            referentials: vec!["LABELIX".to_string()],
            ..CheckOptions::default()
        })
        .unwrap_or_else(|e| panic!("{e}"))
        .check("site.yaml", text)
        .unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_value(&summary).unwrap_or_default();
    assert!(json.get("clauses").is_none(), "{json}");
    assert_eq!(json["summary"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["summary"][0]["referential"], "LABELIX");
}

#[test]
fn an_unknown_referential_is_refused_before_any_inventory() {
    let engine = Engine::shipped();
    let err = engine
        .checker(CheckOptions {
            referentials: vec!["ACRF".to_string()],
            ..CheckOptions::default()
        })
        .err();
    assert!(
        matches!(&err, Some(QueryError::UnknownReferential { suggestion: Some(s), .. }) if s == "ACR-F"),
        "{err:?}"
    );
}

#[test]
fn many_inventories_give_one_result_each_in_order() {
    let engine = Engine::shipped();
    let checker = engine
        .checker(CheckOptions {
            as_of: Some(as_of()),
            summary: true,
            ..CheckOptions::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let inputs: Vec<Input> = (0..6)
        .map(|i| Input::Text {
            name: format!("site-{i}.yaml"),
            text: format!("site: \"site {i}\"\n"),
        })
        .chain([
            Input::Path("no/such/site.yaml".into()),
            Input::Text {
                name: "bad.yaml".to_string(),
                text: "site: [unclosed\n".to_string(),
            },
        ])
        .collect();
    let results = checker.check_all(&inputs, |_| {});
    assert_eq!(results.len(), 8);
    for (i, r) in results.iter().take(6).enumerate() {
        let site = r.as_ref().map(|r| r.site.clone()).unwrap_or_default();
        assert_eq!(site, format!("site {i}"));
    }
    assert!(matches!(results[6], Err(CheckError::Unreadable { .. })));
    assert!(matches!(results[7], Err(CheckError::Inventory(_))));
}

#[test]
fn formatting_gives_the_canonical_form_or_the_syntax_errors() {
    let formatted = Engine::format(
        "a.rules",
        "evidence   audit_report \"Internal audit report\"\n",
    );
    assert_eq!(
        formatted.ok().as_deref(),
        Some("evidence audit_report \"Internal audit report\"\n")
    );
    let err = Engine::format("b.rules", "evidence {\n").err();
    let Some(err) = err else {
        panic!("a syntax error was formatted")
    };
    assert_eq!(err.diagnostics[0].code, "refmap::syntax::unexpected");
    assert!(err.render(false).join("").contains("b.rules:1:"));
}

#[test]
fn the_shipped_tests_pass_through_the_engine() {
    let run = Engine::shipped().test(as_of());
    assert!(run.passed > 0);
    assert_eq!(
        run.failed,
        0,
        "{:#?}",
        run.tests.iter().filter(|t| !t.passed).collect::<Vec<_>>()
    );
    let json = serde_json::to_value(&run).unwrap_or_default();
    assert_eq!(json["passed"], run.passed);
    assert!(json["tests"][0]["name"].is_string());
}

#[test]
fn an_engine_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>(_: &T) {}
    let engine = Engine::shipped();
    shared(&engine);
    let answers: Vec<usize> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    engine
                        .equivalents("ISO15189-2022:8.9", None)
                        .map(|e| e.related.len())
                        .unwrap_or(0)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).collect()
    });
    assert!(answers[0] > 0);
    assert_eq!(answers[0], answers[1]);
}

fn checker_of(engine: &Engine) -> refmap::Checker<'_> {
    engine
        .checker(CheckOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn unreadable_message(result: &Result<refmap::Report, CheckError>) -> String {
    match result {
        Err(e @ CheckError::Unreadable { .. }) => e.to_string(),
        other => panic!("expected an unreadable input, got {other:?}"),
    }
}

#[test]
fn devices_fifos_and_huge_files_are_refused_without_reading_them() {
    let engine = Engine::shipped();
    let checker = checker_of(&engine);
    let dir = std::env::temp_dir().join(format!("refmap-engine-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    // A sparse file past the 64 MiB inventory limit: refused from its size.
    let huge = dir.join("huge.yaml");
    let file = std::fs::File::create(&huge).unwrap_or_else(|e| panic!("{e}"));
    file.set_len(65 * 1024 * 1024)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut inputs = vec![Input::Path("/dev/zero".into()), Input::Path(huge)];
    // A FIFO without a writer would block a plain read forever.
    let fifo = dir.join("fifo.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        inputs.push(Input::Path(fifo));
    } else {
        eprintln!("skipping the FIFO case: `mkfifo` is not available here");
    }
    let results = checker.check_all(&inputs, |_| {});
    assert!(unreadable_message(&results[0]).contains("not a regular file"));
    assert!(unreadable_message(&results[1]).contains("larger than the limit of 64 MiB"));
    if let Some(r) = results.get(2) {
        assert!(unreadable_message(r).contains("not a regular file"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_rules_folder_linked_into_itself_is_read_once() {
    let dir = std::env::temp_dir().join(format!("refmap-loop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join("a.rules"),
        "evidence audit_report \"Internal audit report\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // Two links back to the folder: without care, 2^depth paths to walk.
    for name in ["again", "once-more"] {
        let link = dir.join(name);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&dir, &link).unwrap_or_else(|e| panic!("{e}"));
    }
    let engine = Engine::builder()
        .path(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .build();
    assert_eq!(engine.rules_info().files, 1);
    assert!(
        !engine.diagnostics().iter().any(|d| d.is_error()),
        "{:?}",
        engine.diagnostics()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
