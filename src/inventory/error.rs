//! What is wrong with an inventory: one [`Problem`] per mistake, each with
//! its stable code and place, gathered in one [`InventoryError`] per file.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{escape_controls, Diagnostic};
use crate::source::{FileId, Location, SourceFile, SourceMap, Span};

/// Stable codes of inventory problems, one per kind of mistake.
pub mod codes {
    /// The file is larger than [`MAX_INVENTORY_BYTES`](super::super::MAX_INVENTORY_BYTES).
    pub const TOO_LARGE: &str = "refmap::inventory::too-large";
    /// Lists or mappings nested deeper than 64 levels.
    pub const TOO_DEEP: &str = "refmap::inventory::too-deep";
    /// Not YAML or JSON at all (a syntax error).
    pub const MALFORMED: &str = "refmap::inventory::malformed";
    /// A key given twice in one mapping.
    pub const DUPLICATE_KEY: &str = "refmap::inventory::duplicate-key";
    /// A key the inventory does not know (top level, item or assessment).
    pub const UNKNOWN_KEY: &str = "refmap::inventory::unknown-key";
    /// A required key left out (`site`, `id`, `type`, `clause`, `status`).
    pub const MISSING_FIELD: &str = "refmap::inventory::missing-field";
    /// A value of the wrong kind where the inventory's layout says what it
    /// is (a list of items, a mapping, text).
    pub const UNEXPECTED_VALUE: &str = "refmap::inventory::unexpected-value";
    /// Two evidence items with one id.
    pub const DUPLICATE_ID: &str = "refmap::inventory::duplicate-id";
    /// An evidence type the rules do not declare.
    pub const UNKNOWN_TYPE: &str = "refmap::inventory::unknown-type";
    /// A field the item's evidence type does not declare.
    pub const UNKNOWN_FIELD: &str = "refmap::inventory::unknown-field";
    /// A field value of another type than the one declared.
    pub const FIELD_TYPE_MISMATCH: &str = "refmap::inventory::field-type-mismatch";
    /// A date that is not `YYYY-MM-DD` or not a day of the calendar.
    pub const INVALID_DATE: &str = "refmap::inventory::invalid-date";
    /// An item without `date` whose evidence type is valid for a time.
    pub const MISSING_DATE: &str = "refmap::inventory::missing-date";
    /// An item that expires before its date.
    pub const EXPIRES_BEFORE_DATE: &str = "refmap::inventory::expires-before-date";
    /// An assessment of a clause the rules do not have.
    pub const UNKNOWN_CLAUSE: &str = "refmap::inventory::unknown-clause";
    /// An assessment status that is not one of the five.
    pub const UNKNOWN_STATUS: &str = "refmap::inventory::unknown-status";
    /// A clause assessed twice.
    pub const DUPLICATE_ASSESSMENT: &str = "refmap::inventory::duplicate-assessment";
    /// A profile key that is not one of the facts the rules declare.
    pub const UNKNOWN_PROFILE_FACT: &str = "refmap::inventory::unknown-profile-fact";
    /// A profile value of another type than its fact's declared one.
    pub const FACT_TYPE_MISMATCH: &str = "refmap::inventory::fact-type-mismatch";
    /// A text outside the closed set (`one of [..]`) of its field or fact.
    pub const VALUE_NOT_ALLOWED: &str = "refmap::inventory::value-not-allowed";
}

/// One problem in an inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable code, one of [`codes`].
    pub code: &'static str,
    /// Where, in words, e.g. `evidence[3] (id EV-004), field \`date\``, or
    /// `line 4, column 7`.
    pub place: String,
    /// What is wrong, lowercase.
    pub message: String,
    /// How to fix it, if that helps.
    pub help: Option<String>,
    /// The bytes of the file pointed at: the key or value at fault where
    /// the reader could tell, else the item or mapping holding it. Like
    /// every span, it takes no part in equality: a JSON inventory and the
    /// same inventory as YAML have equal problems.
    #[serde(skip)]
    pub span: Span,
}

/// Problems of one inventory file.
///
/// Its `Display` is the plain text `file: place: message` (and
/// `  help: …`), one problem after the other; [`InventoryError::diagnostics`]
/// gives each problem as a [`Diagnostic`] with its code and span, and
/// [`InventoryError::render`] draws them with the source snippet, as rule
/// diagnostics are drawn.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.text())]
pub struct InventoryError {
    /// File name as given.
    pub file: String,
    /// Each problem, in the order found.
    pub problems: Vec<Problem>,
    /// The file, for positions and snippets.
    origin: Arc<SourceFile>,
}

impl PartialEq for InventoryError {
    fn eq(&self, other: &Self) -> bool {
        self.file == other.file && self.problems == other.problems
    }
}

impl Eq for InventoryError {}

impl InventoryError {
    pub(super) fn new(name: &str, text: &str, problems: Vec<Problem>) -> Self {
        InventoryError {
            file: name.to_string(),
            problems,
            origin: Arc::new(SourceFile::new(name, text)),
        }
    }

    /// Line and column (1-based, in characters) where a problem points.
    pub fn location(&self, problem: &Problem) -> Location {
        self.origin.location(problem.span.start)
    }

    /// The problems as diagnostics over a source map holding the one file
    /// (its id is `FileId(0)`), ready for [`Diagnostic::render`] or
    /// [`Diagnostic::to_json`].
    pub fn diagnostics(&self) -> (SourceMap, Vec<Diagnostic>) {
        let mut sources = SourceMap::new();
        let file: FileId = sources.add(self.origin.name(), self.origin.text());
        let diagnostics = self
            .problems
            .iter()
            .map(|p| {
                // A syntax error's place in words is its line and column,
                // which the snippet shows already.
                let label = match p.code {
                    codes::MALFORMED | codes::TOO_DEEP | codes::TOO_LARGE => "here",
                    _ => &p.place,
                };
                let d =
                    Diagnostic::error(p.code, file, p.span, p.message.clone()).with_label(label);
                match &p.help {
                    Some(h) => d.with_help(h.clone()),
                    None => d,
                }
            })
            .collect();
        (sources, diagnostics)
    }

    /// Every problem drawn with its code, `file:line:col` and the source
    /// line, one after the other.
    pub fn render(&self, color: bool) -> String {
        let (sources, diagnostics) = self.diagnostics();
        diagnostics
            .iter()
            .map(|d| d.render(&sources, color))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let line = format!("{}: {}: {}", self.file, p.place, p.message);
            out.push_str(&escape_controls(&line));
            if let Some(h) = &p.help {
                out.push_str(&format!("\n  help: {}", escape_controls(h)));
            }
        }
        out
    }
}

/// As a miette diagnostic, the error carries the code of its first problem
/// (each problem's own code is in [`InventoryError::diagnostics`]).
impl miette::Diagnostic for InventoryError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.problems
            .first()
            .map(|p| Box::new(p.code) as Box<dyn fmt::Display>)
    }
}
