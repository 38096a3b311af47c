//! An inventory of a batch that could not be checked, told the way the
//! checked ones are: drawn for a person, or as JSON in their place.

use serde::Serialize;

use super::CheckError;
use crate::diagnostic::{Diagnostic, DiagnosticJson};
use crate::source::{SourceMap, Span};

/// A file of a batch that could not be checked, as JSON: it stands in the
/// batch's array where its report would be.
///
/// Serializes as `{"file": "...", "errors": [diagnostic, ...]}`, each
/// diagnostic as `refmap lint --format json` writes them.
#[derive(Debug, Clone, Serialize)]
pub struct FailedInput {
    /// The file as given.
    pub file: String,
    /// Its problems.
    pub errors: Vec<DiagnosticJson>,
}

impl CheckError {
    /// The file that could not be checked, as given.
    pub fn file(&self) -> &str {
        match self {
            CheckError::Unreadable { path, .. } => path,
            CheckError::Inventory(e) => &e.file,
        }
    }

    /// The problems as diagnostics over a source map holding the one file.
    fn diagnostics(&self) -> (SourceMap, Vec<Diagnostic>) {
        match self {
            CheckError::Inventory(e) => e.diagnostics(),
            CheckError::Unreadable { path, .. } => {
                let mut sources = SourceMap::new();
                let file = sources.add(path.clone(), "");
                let d = Diagnostic::error(
                    "refmap::check::unreadable",
                    file,
                    Span::default(),
                    self.to_string(),
                )
                .with_help("check the path given to `--evidence`");
                (sources, vec![d])
            }
        }
    }

    /// Every problem drawn for a person, with its code and place.
    ///
    /// ```
    /// let engine = refmap::Engine::shipped();
    /// let checker = engine.checker(refmap::CheckOptions::default())?;
    /// let results = checker.check_all(&[refmap::Input::Path("nowhere.yaml".into())], |_| {});
    /// let drawn = results[0].as_ref().err().map(|e| e.render(false)).unwrap_or_default();
    /// assert!(drawn.contains("cannot read `nowhere.yaml`"));
    /// # Ok::<(), refmap::QueryError>(())
    /// ```
    pub fn render(&self, color: bool) -> String {
        match self {
            CheckError::Inventory(e) => e.render(color),
            CheckError::Unreadable { .. } => format!("error: {self}"),
        }
    }

    /// The problems as JSON, to stand in place of the report.
    ///
    /// ```
    /// let engine = refmap::Engine::shipped();
    /// let checker = engine.checker(refmap::CheckOptions::default())?;
    /// let results = checker.check_all(&[refmap::Input::Path("nowhere.yaml".into())], |_| {});
    /// let failed = results[0].as_ref().err().map(|e| e.to_json());
    /// assert_eq!(failed.map(|f| f.errors[0].code), Some("refmap::check::unreadable"));
    /// # Ok::<(), refmap::QueryError>(())
    /// ```
    pub fn to_json(&self) -> FailedInput {
        let (sources, diagnostics) = self.diagnostics();
        FailedInput {
            file: self.file().to_string(),
            errors: diagnostics.iter().map(|d| d.to_json(&sources)).collect(),
        }
    }
}
