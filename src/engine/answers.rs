//! The engine's answers that are not queries of the network: lint results,
//! rule errors, formatting errors, test runs and what is loaded.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::diagnostic::Diagnostic;
use crate::model::{Loaded, Rulebook};
use crate::source::SourceMap;
use crate::test_blocks::TestOutcome;

/// The diagnostics of `refmap lint`, with the files they point into.
///
/// Serializes as `{"diagnostics": [...], "errors", "warnings", "files"}`.
#[derive(Debug, Clone)]
pub struct Lint {
    /// Errors and warnings, in stable order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
    /// What was loaded.
    pub info: RulesInfo,
    sources: SourceMap,
}

impl Lint {
    pub(super) fn new(diagnostics: Vec<Diagnostic>, book: &Rulebook) -> Lint {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Lint {
            warnings: diagnostics.len() - errors,
            errors,
            diagnostics,
            info: RulesInfo::of(book),
            sources: book.sources.clone(),
        }
    }

    /// Renders every diagnostic for a person (source line, underline, help).
    pub fn render(&self, color: bool) -> Vec<String> {
        render_all(&self.diagnostics, &self.sources, color)
    }

    /// The renderings of [`Lint::render`], one at a time as they are asked
    /// for: a large network's lint has a million warnings.
    pub fn render_each(&self, color: bool) -> impl Iterator<Item = String> + '_ {
        self.diagnostics
            .iter()
            .map(move |d| d.render(&self.sources, color))
    }
}

impl Serialize for Lint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // one diagnostic at a time: a million warnings would otherwise be
        // held twice
        let diagnostics = AsJson(&self.diagnostics, &self.sources);
        let mut s = serializer.serialize_struct("Lint", 4)?;
        s.serialize_field("diagnostics", &diagnostics)?;
        s.serialize_field("errors", &self.errors)?;
        s.serialize_field("warnings", &self.warnings)?;
        s.serialize_field("files", &self.info.files)?;
        s.end()
    }
}

/// Diagnostics serialized in their JSON form as they are written.
struct AsJson<'a>(&'a [Diagnostic], &'a SourceMap);

impl Serialize for AsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|d| d.to_json(self.1)))
    }
}

/// What an engine has loaded.
#[derive(Debug, Clone, Serialize)]
pub struct RulesInfo {
    /// Source files.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: usize,
    /// Referentials.
    pub referentials: usize,
    /// Clauses.
    pub clauses: usize,
    /// Evidence types.
    pub evidence_types: usize,
    /// Declared links.
    pub links: usize,
    /// Test blocks.
    pub tests: usize,
}

impl RulesInfo {
    pub(super) fn of(book: &Rulebook) -> RulesInfo {
        RulesInfo {
            files: book.sources.iter().count(),
            bytes: book.sources.iter().map(|(_, f)| f.text().len()).sum(),
            referentials: book.referentials.len(),
            clauses: book.clauses.len(),
            evidence_types: book.evidence_types.len(),
            links: book.links.len(),
            tests: book.tests.len(),
        }
    }
}

/// The errors of rules that cannot answer queries.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the rules have {} error(s); run `refmap lint` for details", .errors.len())]
pub struct RuleErrors {
    /// The errors, in stable order.
    pub errors: Vec<Diagnostic>,
    sources: SourceMap,
}

impl RuleErrors {
    pub(super) fn of(loaded: &Loaded) -> Option<RuleErrors> {
        let errors: Vec<Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        (!errors.is_empty()).then(|| RuleErrors {
            errors,
            sources: loaded.rulebook.sources.clone(),
        })
    }

    /// Renders every error for a person.
    pub fn render(&self, color: bool) -> Vec<String> {
        render_all(&self.errors, &self.sources, color)
    }
}

/// A text that cannot be formatted: it has syntax errors.
#[derive(Debug, Clone, thiserror::Error)]
#[error("`{name}` has syntax errors; nothing was written")]
pub struct FormatError {
    /// The name the text was given.
    pub name: String,
    /// The syntax errors.
    pub diagnostics: Vec<Diagnostic>,
    sources: SourceMap,
}

impl FormatError {
    pub(super) fn new(name: &str, sources: SourceMap, diagnostics: Vec<Diagnostic>) -> Self {
        FormatError {
            name: name.to_string(),
            diagnostics,
            sources,
        }
    }

    /// Renders every syntax error for a person.
    pub fn render(&self, color: bool) -> Vec<String> {
        render_all(&self.diagnostics, &self.sources, color)
    }

    /// The renderings of [`Lint::render`], one at a time as they are asked
    /// for: a large network's lint has a million warnings.
    pub fn render_each(&self, color: bool) -> impl Iterator<Item = String> + '_ {
        self.diagnostics
            .iter()
            .map(move |d| d.render(&self.sources, color))
    }
}

/// The outcome of the rules' `test` blocks.
#[derive(Debug, Clone, Serialize)]
pub struct TestRun {
    /// Every block, in the order loaded.
    pub tests: Vec<TestOutcome>,
    /// Blocks whose every expectation held.
    pub passed: usize,
    /// The others.
    pub failed: usize,
}

impl TestRun {
    pub(super) fn new(tests: Vec<TestOutcome>) -> TestRun {
        let failed = tests.iter().filter(|t| !t.passed).count();
        TestRun {
            passed: tests.len() - failed,
            failed,
            tests,
        }
    }
}

/// Each diagnostic drawn for a person, from the files it points into.
fn render_all(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d.render(sources, color))
        .collect()
}
