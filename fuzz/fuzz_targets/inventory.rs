//! Inventory loading must never panic, whatever the bytes: every input is
//! either an inventory or an error naming the file and place, each problem
//! pointing inside the text. A JSON input and the same document written as
//! YAML must load alike (the two readers feed one checker), and an
//! evaluation restricted to one referential must report what the whole
//! evaluation reports of it.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use refmap::internal::evaluate::Evaluator;
use refmap::internal::inventory::codes;
use refmap::internal::model::Loaded;

fn rules() -> &'static Loaded {
    static RULES: OnceLock<Loaded> = OnceLock::new();
    RULES
        .get_or_init(|| refmap::internal::load::shipped(refmap::internal::load::Options::default()))
}

fn evaluator() -> &'static Evaluator<'static> {
    static EVALUATOR: OnceLock<Evaluator<'static>> = OnceLock::new();
    EVALUATOR.get_or_init(|| Evaluator::new(&rules().rulebook))
}

/// The first referential by id, and an evaluator restricted to it.
fn scoped() -> &'static (Vec<String>, Evaluator<'static>) {
    static SCOPED: OnceLock<(Vec<String>, Evaluator<'static>)> = OnceLock::new();
    SCOPED.get_or_init(|| {
        let book = &rules().rulebook;
        let first = book.referentials.iter().map(|r| r.id.clone()).min();
        let ids: Vec<String> = first.into_iter().collect();
        let evaluator = Evaluator::for_referentials(book, &ids);
        (ids, evaluator)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let book = &rules().rulebook;
    let loaded = refmap::internal::inventory::load(book, "fuzz", text);
    // The same document as YAML, when the text is JSON: a repeated key
    // (which the JSON value keeps once), nesting and syntax errors aside.
    let comparable = match &loaded {
        Ok(_) => true,
        Err(e) => e.problems.iter().all(|p| {
            ![
                codes::DUPLICATE_KEY,
                codes::TOO_DEEP,
                codes::MALFORMED,
                codes::TOO_LARGE,
            ]
            .contains(&p.code)
        }),
    };
    if comparable && text.trim_start().starts_with(['{', '[']) {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            if let Ok(yaml) = serde_yaml::to_string(&value) {
                let again = refmap::internal::inventory::load(book, "fuzz", &yaml);
                // YAML nesting is bounded before parsing by counting every
                // `[`/`{` outside quotes, so a plain scalar holding 65 of
                // them (which the YAML writer leaves unquoted) is refused
                // as too deep: conservative by design, not a difference.
                let refused_deep = again
                    .as_ref()
                    .is_err_and(|e| e.problems.iter().any(|p| p.code == codes::TOO_DEEP));
                if !refused_deep {
                    assert_eq!(loaded, again, "{yaml}");
                }
            }
        }
    }
    match loaded {
        Ok(inventory) => {
            let as_of = inventory.as_of.unwrap_or(refmap::internal::date::Date::MAX);
            let mut report = evaluator().evaluate(&inventory, as_of);
            assert_eq!(report.clauses.len(), book.clauses.len());
            let (ids, restricted) = scoped();
            report.keep_referentials(ids);
            let part = restricted.evaluate(&inventory, as_of);
            assert_eq!(
                serde_json::to_string(&report).ok(),
                serde_json::to_string(&part).ok()
            );
        }
        Err(e) => {
            assert!(!e.problems.is_empty());
            for p in &e.problems {
                assert!(p.span.start <= p.span.end && p.span.end <= text.len());
                assert!(text.is_char_boundary(p.span.start) && text.is_char_boundary(p.span.end));
                assert!(e.location(p).line >= 1);
            }
        }
    }
});
