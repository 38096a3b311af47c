//! Fuzz target `parse`: any UTF-8 text goes through the parser and the whole
//! front end without panicking; text that parses formats to text that parses
//! to the same tree, and formatting that text again changes nothing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use refmap::internal::load::{self, Options};
use refmap::internal::source::{FileId, SourceMap};
use refmap::internal::syntax;

fuzz_target!(|text: &str| {
    let parsed = syntax::parse(FileId(0), text);

    let mut sources = SourceMap::new();
    sources.add("fuzz.rules", text);
    let loaded = load::front_end(sources, Options::default());
    for d in &loaded.diagnostics {
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
