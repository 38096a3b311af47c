//! Checks that only `lint` runs: they cost more than loading needs.

use crate::diagnostic::{self, Diagnostic};
use crate::model::{codes, Loaded};

/// Adds a warning for every link already implied by the others. Skipped when
/// the rules have errors: redundancy means nothing in a broken network.
pub fn add_redundancy_warnings(loaded: &mut Loaded) {
    if loaded.has_errors() {
        return;
    }
    let book = &loaded.rulebook;
    for id in book.network.redundant_links() {
        let Some(link) = book.link(id) else { continue };
        let a = book.key(link.a);
        let b = book.key(link.b);
        loaded.diagnostics.push(
            Diagnostic::warning(
                codes::REDUNDANT_LINK,
                link.file,
                link.span,
                format!("link `{a} {} {b}` is already implied by the other links", link.relation),
            )
            .with_label("redundant")
            .with_help(format!("`refmap relate {a} {b}` shows the proof without it; remove it or keep it as documentation")),
        );
    }
    diagnostic::sort(&mut loaded.diagnostics);
}
