//! Fuzz target `parse`: any UTF-8 text goes through the parser and the whole
//! front end without panicking; text that parses formats to text that parses
//! to the same tree, and formatting that text again changes nothing.
//!
//! The text is parsed once and its tree handed to resolution, as
//! `load::front_end` does: parsing it a second time through `front_end`
//! doubled the cost of every input for no new coverage.

#![no_main]

use libfuzzer_sys::fuzz_target;
use refmap::internal::model::{self, ResolveOptions};
use refmap::internal::source::{FileId, SourceMap};
use refmap::internal::syntax;

fuzz_target!(|text: &str| {
    let mut sources = SourceMap::new();
    let file = sources.add("fuzz.rules", text);
    let parsed = syntax::parse(file, text);

    let (trees, errors) = match &parsed {
        Ok(tree) => (vec![(file, tree.clone())], Vec::new()),
        Err(errors) => (Vec::new(), errors.clone()),
    };
    let loaded = model::resolve(sources, trees, ResolveOptions::default());
    // A few diagnostics show any rendering fault; drawing them all cost an
    // eighth of each execution on inputs with dozens.
    for d in errors.iter().chain(&loaded.diagnostics).take(4) {
        let _ = d.render(&loaded.rulebook.sources, false);
    }

    if let Ok(tree) = parsed {
        let once = syntax::format(&tree, text);
        let again = match syntax::parse(FileId(0), &once) {
            Ok(t) => t,
            Err(e) => panic!("formatted text does not parse: {e:?}\n{once}"),
        };
        assert_eq!(again, tree, "formatting changed the tree:\n{once}");
        let twice = syntax::format(&again, &once);
        assert_eq!(twice, once, "formatting is not idempotent");
    }
});
