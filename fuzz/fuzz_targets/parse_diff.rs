//! Fuzz target `parse_diff`: `syntax::parse` (the hand-written reader of
//! plain referentials and mappings, pest for the rest, chunks for large
//! files) and `syntax::parse_reference` (pest alone) give the same tree,
//! spans included, or the same diagnostics, on any UTF-8 text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use refmap::internal::source::FileId;
use refmap::internal::syntax;

fuzz_target!(|text: &str| {
    let fast = format!("{:?}", syntax::parse(FileId(0), text));
    let reference = format!("{:?}", syntax::parse_reference(FileId(0), text));
    assert_eq!(
        fast, reference,
        "the fast path and pest disagree on:\n{text}"
    );
});
