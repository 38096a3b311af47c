//! Fuzz target `parse_chunks`: the chunked parser of large files (cut at
//! lines that start a top-level item, chunks parsed on several threads, trees
//! joined) gives the tree of one whole-file pest parse, spans included, or
//! gives nothing and lets `parse` fall back to that whole-file parse.
//!
//! `parse` takes this route only from 2 MiB on, which fuzz inputs never
//! reach. Rather than repeat a fuzzed block past 2 MiB (a 2 MiB parse per
//! input: tens of executions a second, and cuts that always fall between
//! copies of the same block), the target calls the route itself through the
//! `syntax::parse_chunked` hook: the same function, with the same cutting
//! (up to `4 × workers` chunks, so an input of a few items is cut between
//! most of them), on inputs of any size.

#![no_main]

use libfuzzer_sys::fuzz_target;
use refmap::internal::source::FileId;
use refmap::internal::syntax;

fuzz_target!(|text: &str| {
    // 2 to 4 workers: the number of chunks, and so where the cuts fall.
    let workers = 2 + text.len() % 3;
    let Some(chunked) = syntax::parse_chunked(FileId(0), text, workers) else {
        return;
    };
    match syntax::parse_reference(FileId(0), text) {
        // Span equality is structural only: compare positions through Debug.
        Ok(whole) => assert_eq!(
            format!("{chunked:?}"),
            format!("{whole:?}"),
            "chunks and the whole-file parse disagree on:\n{text}"
        ),
        Err(errors) => {
            panic!("chunks accept what the whole-file parse refuses: {errors:?}\n{text}")
        }
    }
});
