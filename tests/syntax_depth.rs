//! The nesting bound of the parser: every recursive construct of the
//! grammar, nested past 64 levels, gives only the `too-deep` diagnostic
//! without overflowing a 2 MiB thread (what spawned threads get: test
//! threads, `batch` workers) or the CLI's main thread. The library parses
//! on the caller's stack: this is what lets it.

// Test code fails by panicking.
#![allow(clippy::panic, clippy::indexing_slicing, clippy::unwrap_used)]

use refmap::internal::source::FileId;
use refmap::internal::syntax;

// ── nesting bounds ─────────────────────────────────────────────────────────

/// Every recursive construct of the grammar, as `(name, before, open, inside,
/// close, after)`: `n` levels read `before + open×n + inside + close×n + after`.
const NESTS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "all",
        "referential R \"r\" { clause 1 \"c\" { requires ",
        "all { ",
        "attested ",
        "} ",
        "} }",
    ),
    (
        "any",
        "referential R \"r\" { clause 1 \"c\" { requires ",
        "any { ",
        "attested ",
        "} ",
        "} }",
    ),
    (
        "at least",
        "referential R \"r\" { clause 1 \"c\" { requires ",
        "at least 1 of { ",
        "attested ",
        "} ",
        "} }",
    ),
    (
        "all{any{not",
        "referential R \"r\" { clause 1 \"c\" { requires ",
        "all { any { not ",
        "attested ",
        "} } ",
        "} }",
    ),
    (
        "not",
        "referential R \"r\" { clause 1 \"c\" { requires ",
        "not ",
        "attested ",
        "",
        "} }",
    ),
    (
        "where (",
        "referential R \"r\" { clause 1 \"c\" { requires evidence x where ",
        "(",
        "a == 1",
        ")",
        " } }",
    ),
    (
        "applies if (",
        "referential R \"r\" { clause 1 \"c\" { applies if ",
        "(",
        "a == 1",
        ")",
        " } }",
    ),
    (
        "applies if not",
        "referential R \"r\" { clause 1 \"c\" { applies if ",
        "not ",
        "a == 1",
        "",
        " } }",
    ),
    (
        "applies if not (",
        "referential R \"r\" { clause 1 \"c\" { applies if ",
        "not (",
        "a == 1",
        ")",
        " } }",
    ),
    (
        "list",
        "referential R \"r\" { clause 1 \"c\" { applies if a == ",
        "[",
        "1",
        "]",
        " } }",
    ),
    (
        "in list",
        "referential R \"r\" { clause 1 \"c\" { applies if a in [",
        "[",
        "1",
        "]",
        "] } }",
    ),
    (
        "given list",
        "test \"t\" { given evidence x { f ",
        "[",
        "1",
        "]",
        " } }",
    ),
    (
        "clause",
        "referential R \"r\" { ",
        "clause 1 \"c\" { ",
        "",
        "} ",
        "}",
    ),
    (
        "not all",
        "referential R \"r\" { clause 1 \"c\" { requires ",
        "not all { ",
        "attested ",
        "} ",
        "} }",
    ),
    (
        "not at least",
        "referential R \"r\" { clause 1 \"c\" { requires ",
        "not at least 1 of { ",
        "attested ",
        "} ",
        "} }",
    ),
    (
        "all where (",
        "referential R \"r\" { clause 1 \"c\" { requires ",
        "all { ",
        "evidence x where (((((((((a == 1)))))))))",
        "} ",
        "} }",
    ),
];

fn nest(
    n: usize,
    (_, before, open, inside, close, after): (&str, &str, &str, &str, &str, &str),
) -> String {
    format!(
        "{before}{}{inside}{}{after}",
        open.repeat(n),
        close.repeat(n)
    )
}

fn named(
    name: &str,
) -> (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
) {
    NESTS.iter().copied().find(|c| c.0 == name).unwrap()
}

/// Whether the parse of `text` was refused by the pre-scan, before pest.
fn refused_by_prescan(text: &str) -> bool {
    matches!(syntax::parse(FileId(0), text), Err(d) if d[0].primary.message == "too deep from here")
}

/// Stack of the thread the nesting tests parse on: what a spawned thread
/// gets by default (test threads, `batch` workers). The deepest texts the
/// pre-scan lets through took at most 947 KiB of it in a debug build (groups
/// `(` in a condition, 134 levels; `all` 426 KiB, nested clauses 479 KiB).
const SPAWNED_STACK: usize = 2 * 1024 * 1024;

/// The `too-deep` diagnostics of a parse, or what else it gave.
fn too_deep(text: &str) -> Result<(), String> {
    match syntax::parse(FileId(0), text) {
        Err(d) if !d.is_empty() && d.iter().all(|d| d.code == syntax::codes::TOO_DEEP) => Ok(()),
        other => Err(format!("{:?}", other.map(|f| f.items.len()))),
    }
}

#[test]
fn every_nesting_is_too_deep_past_64_levels_on_a_2_mib_stack() {
    let run = || {
        for &c in NESTS {
            let name = c.0;
            // Beyond 64 levels (each construct nests at least one level a step).
            assert_eq!(too_deep(&nest(65, c)), Ok(()), "{name} × 65");
            // The deepest text pest is given: one step short of the pre-scan's refusal.
            let deepest = (65..)
                .find(|&n| refused_by_prescan(&nest(n + 1, c)))
                .unwrap_or(0);
            assert!(!refused_by_prescan(&nest(deepest, c)));
            assert_eq!(too_deep(&nest(deepest, c)), Ok(()), "{name} × {deepest}");
            assert_eq!(too_deep(&nest(100_000, c)), Ok(()), "{name} × 100000");
        }
        // 64 levels are accepted: 64 clauses, 63 groups around one requirement.
        assert!(syntax::parse(FileId(0), &nest(64, named("clause"))).is_ok());
        assert!(syntax::parse(FileId(0), &nest(63, named("all"))).is_ok());
    };
    std::thread::Builder::new()
        .stack_size(SPAWNED_STACK)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn the_deepest_text_pest_sees_is_a_diagnostic_on_the_cli_main_thread() {
    // The CLI parses on its main thread (8 MiB by default) and `batch`
    // workers on spawned ones: no stack size is forced here.
    let c = named("applies if (");
    let deepest = (65..)
        .find(|&n| refused_by_prescan(&nest(n + 1, c)))
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("refmap-deep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("deep.rules");
    std::fs::write(&file, nest(deepest, c)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_refmap"))
        .arg("lint")
        .arg("--rules")
        .arg(&file)
        .env_remove("RUST_MIN_STACK")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Rule errors are findings (exit 1); a stack overflow would be a signal.
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("refmap::syntax::too-deep"), "{said}");
}
