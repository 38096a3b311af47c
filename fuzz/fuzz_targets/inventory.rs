//! Inventory loading must never panic, whatever the bytes: every input is
//! either an inventory or an error naming the file and place.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use refmap::evaluate::Evaluator;
use refmap::model::Loaded;

fn rules() -> &'static Loaded {
    static RULES: OnceLock<Loaded> = OnceLock::new();
    RULES.get_or_init(|| refmap::load::shipped(refmap::load::Options::default()))
}

fn evaluator() -> &'static Evaluator<'static> {
    static EVALUATOR: OnceLock<Evaluator<'static>> = OnceLock::new();
    EVALUATOR.get_or_init(|| Evaluator::new(&rules().rulebook))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let book = &rules().rulebook;
    match refmap::inventory::load(book, "fuzz.yaml", text) {
        Ok(inventory) => {
            let as_of = inventory.as_of.unwrap_or(refmap::date::Date::MAX);
            let report = evaluator().evaluate(&inventory, as_of);
            assert_eq!(report.clauses.len(), book.clauses.len());
        }
        Err(e) => assert!(!e.problems.is_empty()),
    }
});
