//! Checks that only `lint` runs: they cost more than loading needs.

use crate::diagnostic::Diagnostic;
use crate::model::{codes, Rulebook};

/// A warning for every link already implied by the others.
fn redundancy_warnings(book: &Rulebook) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for id in book.network.redundant_links() {
        let Some(link) = book.link(id) else { continue };
        let a = book.key(link.a);
        let b = book.key(link.b);
        out.push(
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
    out
}

/// Adds the redundant-link warnings to the diagnostics of `book`, in
/// stable order, unless they hold an error: redundancy means nothing in a
/// broken network.
pub fn add_redundancy_warnings(diagnostics: &mut Vec<Diagnostic>, book: &Rulebook) {
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    diagnostics.extend(redundancy_warnings(book));
    crate::diagnostic::sort(diagnostics);
}
