//! Exchange through the engine: OSCAL, CSV and XLSX exports of the network,
//! and imports that check clauses against the loaded rules and hand back
//! canonical rules text (run through the formatter).

use super::Engine;
use crate::exchange::{self, clauses, oscal, sheet, Clauses, ImportError, Imported};

pub use exchange::{ImportError as ExchangeError, Imported as ImportOutput};

/// A spreadsheet format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// Comma- or semicolon-separated text.
    Csv,
    /// An Excel workbook (first sheet).
    Xlsx,
}

impl Sheet {
    /// The format a file name implies: `.xlsx` is a workbook, anything else CSV.
    pub fn of_path(path: &str) -> Sheet {
        if path.to_ascii_lowercase().ends_with(".xlsx") {
            Sheet::Xlsx
        } else {
            Sheet::Csv
        }
    }

    fn table(self, file: &str, bytes: &[u8]) -> Result<sheet::Table, ImportError> {
        match self {
            Sheet::Csv => sheet::read_csv(file, bytes),
            Sheet::Xlsx => sheet::read_xlsx(file, bytes),
        }
    }
}

/// How an import treats its input.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Leave bad rows out (listed in [`Imported::skipped`]) instead of refusing all.
    pub skip_bad: bool,
    /// Title of the `mapping` block for rows that name none.
    pub title: Option<String>,
}

impl Clauses for Engine {
    fn check(&self, key: &str) -> Result<(), String> {
        if self.book().clause_by_key(key).is_some() {
            return Ok(());
        }
        Err(match self.book().suggest_clause(key) {
            Some(s) => format!("unknown clause `{key}`; did you mean `{s}`?"),
            None => format!("unknown clause `{key}`"),
        })
    }
}

/// Formats generated text; a failure is refmap's own fault.
fn canonical(file: &str, mut out: Imported) -> Result<Imported, ImportError> {
    match Engine::format(file, &out.text) {
        Ok(text) => {
            out.text = text;
            Ok(out)
        }
        Err(e) => Err(ImportError {
            code: "refmap::exchange::internal",
            file: file.to_string(),
            problems: e.render(false),
        }),
    }
}

impl Engine {
    /// The network as an OSCAL mapping collection (declared links; with
    /// `derived`, the exactly entailed relations too), dated `last_modified`.
    ///
    /// ```
    /// let doc = refmap::Engine::shipped().export_oscal(false, "2026-11-01");
    /// assert!(doc["mapping-collection"]["mappings"].as_array().is_some_and(|m| !m.is_empty()));
    /// ```
    pub fn export_oscal(&self, derived: bool, last_modified: &str) -> serde_json::Value {
        oscal::export(&self.export(), derived, last_modified)
    }

    /// The network as CSV with the columns `import csv` reads.
    pub fn export_csv(&self, derived: bool) -> String {
        sheet::write_csv(&self.export(), derived)
    }

    /// The network as an XLSX workbook with the columns `import xlsx` reads.
    ///
    /// # Errors
    /// The workbook writer failed.
    pub fn export_xlsx(&self, derived: bool) -> Result<Vec<u8>, String> {
        sheet::write_xlsx(&self.export(), derived)
    }

    /// Reads an OSCAL mapping collection into `mapping` blocks; every clause
    /// must be known to these rules.
    ///
    /// # Errors
    /// Malformed document, unknown clauses or relationships (all listed).
    pub fn import_oscal(&self, file: &str, text: &str) -> Result<Imported, ImportError> {
        canonical(file, oscal::import(file, text, self)?)
    }

    /// Reads a spreadsheet crosswalk into `mapping` blocks.
    ///
    /// ```
    /// let engine = refmap::Engine::shipped();
    /// let csv = "source;cible;relation\nLABELIX:ORGANISATION.3;ISO15189-2022:6.4;intersects\n";
    /// let out = engine.import_sheet("x.csv", csv.as_bytes(), refmap::Sheet::Csv, &Default::default())?;
    /// assert!(out.text.contains("LABELIX:ORGANISATION.3 intersects ISO15189-2022:6.4"));
    /// # Ok::<(), refmap::ExchangeError>(())
    /// ```
    ///
    /// # Errors
    /// Unreadable file, missing columns, or bad rows (each with its row and
    /// column) unless `skip_bad`.
    pub fn import_sheet(
        &self,
        file: &str,
        bytes: &[u8],
        format: Sheet,
        options: &ImportOptions,
    ) -> Result<Imported, ImportError> {
        let table = format.table(file, bytes)?;
        let title = options
            .title
            .clone()
            .unwrap_or_else(|| format!("Imported from {file}"));
        canonical(
            file,
            sheet::links(file, &table, self, options.skip_bad, &title)?,
        )
    }

    /// Reads a clause list into a `referential` block `id` titled `title`.
    ///
    /// ```
    /// let csv = "id,title\n1,One\n1.1,First part\n";
    /// let out = refmap::Engine::import_referential("l.csv", csv.as_bytes(), refmap::Sheet::Csv, "LX", "List", false)?;
    /// assert!(out.text.contains("clause 1.1 \"First part\""));
    /// # Ok::<(), refmap::ExchangeError>(())
    /// ```
    ///
    /// # Errors
    /// Unreadable file, missing columns, duplicate or orphan ids (with their
    /// rows) unless `skip_bad`.
    pub fn import_referential(
        file: &str,
        bytes: &[u8],
        format: Sheet,
        id: &str,
        title: &str,
        skip_bad: bool,
    ) -> Result<Imported, ImportError> {
        let table = format.table(file, bytes)?;
        canonical(file, clauses::import(file, &table, id, title, skip_bad)?)
    }
}
