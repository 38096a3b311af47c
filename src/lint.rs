//! Checks that only `lint` runs: they cost more than loading needs.

use crate::diagnostic::Diagnostic;
use crate::model::{codes, Rulebook};

/// A warning for every link already implied by the others. Meaningful only
/// on rules without errors: redundancy means nothing in a broken network.
pub fn redundancy_warnings(book: &Rulebook) -> Vec<Diagnostic> {
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

/// Adds [`redundancy_warnings`] to a loaded rulebook without errors, in
/// stable order.
pub fn add_redundancy_warnings(loaded: &mut crate::model::Loaded) {
    if loaded.has_errors() {
        return;
    }
    let warnings = redundancy_warnings(&loaded.rulebook);
    loaded.diagnostics.extend(warnings);
    crate::diagnostic::sort(&mut loaded.diagnostics);
}
