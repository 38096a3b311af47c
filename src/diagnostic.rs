//! Diagnostics: what refmap tells a quality engineer about their files.
//!
//! Every diagnostic has a stable code (`refmap::resolve::unknown-clause`), a
//! severity, a lowercase message in domain words, a primary place (file and
//! span) and optionally a help line and secondary places. Tools and tests key
//! on codes and spans, never on wording. Rendering goes through miette for
//! people and through serde for tools.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde::Serialize;

use crate::source::{FileId, SourceFile, SourceMap, Span};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks use of the rules; `lint` exits 1.
    Error,
    /// Worth fixing; does not change the exit code.
    Warning,
}

/// A place in a source file with what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The file.
    pub file: FileId,
    /// The bytes pointed at.
    pub span: Span,
    /// Text shown under the span (may be empty).
    pub message: String,
}

/// One finding about the user's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `refmap::syntax::unexpected`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// One lowercase sentence without final period.
    pub message: String,
    /// Where the problem is.
    pub primary: Label,
    /// Other places that explain it (the first declaration, the other link…).
    pub secondary: Vec<Label>,
    /// How to fix it, when that helps.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span` of `file`.
    pub fn error(code: &'static str, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label {
                file,
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    /// A warning at `span` of `file`.
    pub fn warning(
        code: &'static str,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    /// Sets the text under the primary span.
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary place.
    pub fn with_secondary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key giving a stable order: file, position, code.
    fn sort_key(&self) -> (FileId, usize, usize, &'static str, &str) {
        (
            self.primary.file,
            self.primary.span.start,
            self.primary.span.end,
            self.code,
            &self.message,
        )
    }

    /// Renders for a person: header with code, `file:line:col`, the source
    /// line with the span underlined, secondary places and help.
    pub fn render(&self, sources: &SourceMap, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_links(false);
        let mut out = String::new();
        let report = Rendered::new(self, sources);
        if handler.render_report(&mut out, &report).is_err() {
            out = format!("{}: {}", self.code, self.message);
        }
        out
    }

    /// The machine-readable form (see README, "Diagnostics JSON").
    pub fn to_json(&self, sources: &SourceMap) -> DiagnosticJson {
        let place = |label: &Label| {
            let (file, start, end) = match sources.get(label.file) {
                Some(f) => (
                    f.name().to_string(),
                    f.location(label.span.start),
                    f.location(label.span.end),
                ),
                None => (
                    String::new(),
                    crate::source::Location { line: 0, column: 0 },
                    crate::source::Location { line: 0, column: 0 },
                ),
            };
            PlaceJson {
                file,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                start: label.span.start,
                end: label.span.end,
                message: escape_controls(&label.message).into_owned(),
            }
        };
        DiagnosticJson {
            code: self.code,
            severity: self.severity,
            message: escape_controls(&self.message).into_owned(),
            location: place(&self.primary),
            related: self.secondary.iter().map(place).collect(),
            help: self
                .help
                .as_deref()
                .map(|h| escape_controls(h).into_owned()),
        }
    }
}

/// `text` with control characters and invisible format characters (a NUL,
/// an escape, a byte-order mark, bidirectional overrides) written as
/// `\u{0}`, so that a message quoting user input shows every character and
/// cannot drive the terminal. Line breaks and tabs stay.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
    };
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Sorts diagnostics into their stable reporting order and drops exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| {
        a.sort_key() == b.sort_key() && a.primary.span.start == b.primary.span.start
    });
}

/// JSON form of a diagnostic.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticJson {
    /// Stable code.
    pub code: &'static str,
    /// `error` or `warning`.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// The primary place.
    pub location: PlaceJson,
    /// Secondary places.
    pub related: Vec<PlaceJson>,
    /// Help line, or null.
    pub help: Option<String>,
}

/// JSON form of a place.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceJson {
    /// File name as given.
    pub file: String,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column (characters) of the start.
    pub column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based column of the end.
    pub end_column: usize,
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset of the end.
    pub end: usize,
    /// Label text (may be empty).
    pub message: String,
}

/// Adapter that lets miette draw one diagnostic; labels in other files become
/// related reports, each with its own source.
struct Rendered {
    code: &'static str,
    severity: Severity,
    message: String,
    source: Option<FileSource>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<Rendered>,
}

impl Rendered {
    fn new(d: &Diagnostic, sources: &SourceMap) -> Self {
        // A place without text (a folder link) is named by the message alone.
        let primary_file = sources.get(d.primary.file).filter(|f| !f.is_place());
        let mut labels: Vec<LabeledSpan> = primary_file
            .map(|file| labeled(&d.primary, Some(file), true))
            .into_iter()
            .collect();
        let mut related = Vec::new();
        for label in &d.secondary {
            if label.file == d.primary.file {
                labels.push(labeled(label, primary_file, false));
            } else {
                let file = sources.get(label.file);
                related.push(Rendered {
                    code: "",
                    severity: Severity::Warning,
                    message: if label.message.is_empty() {
                        "see also".to_string()
                    } else {
                        escape_controls(&label.message).into_owned()
                    },
                    source: file.map(named),
                    labels: vec![labeled(label, file, true)],
                    help: None,
                    related: Vec::new(),
                });
            }
        }
        Rendered {
            code: d.code,
            severity: d.severity,
            message: escape_controls(&d.message).into_owned(),
            source: primary_file.map(named),
            labels,
            help: d.help.as_deref().map(|h| escape_controls(h).into_owned()),
            related,
        }
    }
}

fn named(file: &Arc<SourceFile>) -> FileSource {
    FileSource {
        file: Arc::clone(file),
        masked: std::sync::OnceLock::new(),
    }
}

/// A source file as miette reads it: context windows come from the file's
/// line table (miette's own reader rescans the text from its start for
/// every span, which made thousands of diagnostics on a large file
/// quadratic), and columns count characters, as `file:line:col` does
/// everywhere else in refmap.
struct FileSource {
    file: Arc<SourceFile>,
    /// The text with control bytes masked, made when a snippet holds one.
    masked: std::sync::OnceLock<Vec<u8>>,
}

/// A control byte other than tab and line breaks: shown as `?` in snippets,
/// so that they keep their width and cannot drive the terminal (the
/// message quotes the character escaped).
fn masked_byte(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f
}

impl miette::SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let f = &self.file;
        let text = f.text();
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let start_line = f.line_index(start);
        let end_line = f.line_index(end.saturating_sub(1).max(start));
        let first_line = start_line.saturating_sub(before);
        let last_line = (end_line + after).min(f.line_count().saturating_sub(1));
        let (data_start, column) = if before == 0 {
            let line_start = f.line_start(start_line);
            let column = text.get(line_start..start).map_or(0, |s| s.chars().count());
            (start, column)
        } else {
            (f.line_start(first_line), 0)
        };
        let data_end = f.line_start(last_line + 1).min(text.len()).max(data_start);
        let mut data = text.as_bytes().get(data_start..data_end).unwrap_or(&[]);
        if data.iter().copied().any(masked_byte) {
            let masked = self.masked.get_or_init(|| {
                let mut bytes = text.as_bytes().to_vec();
                bytes
                    .iter_mut()
                    .filter(|b| masked_byte(**b))
                    .for_each(|b| *b = b'?');
                bytes
            });
            data = masked.get(data_start..data_end).unwrap_or(&[]);
        }
        Ok(Box::new(miette::MietteSpanContents::new_named(
            f.name().to_string(),
            data,
            (data_start, data_end - data_start).into(),
            first_line,
            column,
            last_line + 1,
        )))
    }
}

fn labeled(label: &Label, file: Option<&Arc<SourceFile>>, primary: bool) -> LabeledSpan {
    let len = file.map_or(0, |f| f.text().len());
    let start = label.span.start.min(len);
    let end = label.span.end.clamp(start, len);
    let text = (!label.message.is_empty()).then(|| escape_controls(&label.message).into_owned());
    if primary {
        LabeledSpan::new_primary_with_span(text, start..end)
    } else {
        LabeledSpan::new_with_span(text, start..end)
    }
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning if self.code.is_empty() => miette::Severity::Advice,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}
