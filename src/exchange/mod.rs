//! Exchange with the tools crosswalks already live in: OSCAL mapping
//! collections, spreadsheets (CSV, XLSX) and clause lists. Exports read the
//! engine's [`NetworkExport`]; imports turn rows into `mapping` and
//! `referential` text that the engine then formats and checks.

pub mod clauses;
pub mod oscal;
pub mod sheet;

use std::fmt::Write as _;

use crate::query::NetworkExport;
use crate::vocab::Relation;

/// A link read from an imported file, ready to be written as rules text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    /// Left clause, `REF:ID`.
    pub from: String,
    /// Declared relation.
    pub relation: Relation,
    /// Right clause, `REF:ID`.
    pub to: String,
    /// Strength 1..10.
    pub strength: Option<u8>,
    /// `syntactic`, `semantic` or `functional`.
    pub rationale: Option<&'static str>,
    /// Free text.
    pub note: Option<String>,
    /// Title of the `mapping` block it goes to (`None`: the default title).
    pub mapping: Option<String>,
}

/// Why an import was refused: every problem found, each naming its place
/// (row and column, or the OSCAL map), so one run shows them all.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}: {} problem(s); nothing was written\n{}", problems.len(), problems.join("\n"))]
pub struct ImportError {
    /// Stable code, `refmap::exchange::…`.
    pub code: &'static str,
    /// The file read.
    pub file: String,
    /// One line per problem.
    pub problems: Vec<String>,
}

impl miette::Diagnostic for ImportError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
}

impl ImportError {
    /// One problem of kind `code` in `file`.
    pub fn one(code: &'static str, file: &str, problem: impl Into<String>) -> ImportError {
        ImportError {
            code,
            file: file.to_string(),
            problems: vec![problem.into()],
        }
    }
}

/// What an import produced: rules text, and the problems skipped under
/// `--skip-bad`.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// Rules text (canonical once the engine has formatted it).
    pub text: String,
    /// Problems of the rows left out.
    pub skipped: Vec<String>,
}

/// Whether clauses are known; imports reject links to anything else.
pub trait Clauses {
    /// `Ok` for a known `REF:ID`, else a message (with a suggestion).
    fn check(&self, key: &str) -> Result<(), String>;
}

/// A rules string literal.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `mapping` blocks for the links, grouped by their mapping title in order
/// of first appearance (`default_title` for links without one).
pub fn render_mappings(default_title: &str, links: &[LinkRow]) -> String {
    let mut titles: Vec<&str> = Vec::new();
    for l in links {
        let t = l.mapping.as_deref().unwrap_or(default_title);
        if !titles.contains(&t) {
            titles.push(t);
        }
    }
    let mut out = String::new();
    for title in titles {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "mapping {} {{", quote(title));
        for l in links
            .iter()
            .filter(|l| l.mapping.as_deref().unwrap_or(default_title) == title)
        {
            let _ = write!(out, "  {} {} {}", l.from, l.relation.keyword(), l.to);
            if l.strength.is_none() && l.rationale.is_none() && l.note.is_none() {
                out.push('\n');
                continue;
            }
            out.push_str(" {\n");
            if let Some(s) = l.strength {
                let _ = writeln!(out, "    strength {s}");
            }
            if let Some(r) = l.rationale {
                let _ = writeln!(out, "    rationale {r}");
            }
            if let Some(n) = &l.note {
                let _ = writeln!(out, "    note {}", quote(n));
            }
            out.push_str("  }\n");
        }
        out.push_str("}\n");
    }
    out
}

/// A header or value folded for loose matching: lower case, accents
/// dropped, spaces, underscores, dashes and dots removed.
pub fn fold(text: &str) -> String {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'î' | 'ï' | 'í' => Some('i'),
            'ô' | 'ö' | 'ó' => Some('o'),
            'ù' | 'û' | 'ü' | 'ú' => Some('u'),
            'ç' => Some('c'),
            ' ' | '_' | '-' | '.' | '\u{a0}' | '(' | ')' | '\'' => None,
            c => Some(c),
        })
        .collect()
}

/// A relation word as people write it in a crosswalk (English, French,
/// OSCAL, symbols).
pub fn relation_word(text: &str) -> Option<Relation> {
    Some(match fold(text).as_str() {
        "equals" | "equal" | "equalto" | "=" | "egal" | "egale" | "identique" => Relation::Equals,
        "subsetof" | "subset" | "⊂" | "inclusdans" | "inclus" | "incluse" | "sousensemblede" => {
            Relation::SubsetOf
        }
        "supersetof" | "superset" | "⊃" | "contient" | "inclut" | "surensemblede" => {
            Relation::SupersetOf
        }
        "intersects" | "intersectswith" | "overlaps" | "chevauche" | "recoupe" | "intersecte" => {
            Relation::Intersects
        }
        "disjoint" | "disjointe" | "norelationship" | "sansrapport" => Relation::Disjoint,
        _ => return None,
    })
}

/// A rationale word (English or French).
pub fn rationale_word(text: &str) -> Option<&'static str> {
    Some(match fold(text).as_str() {
        "syntactic" | "syntaxique" => "syntactic",
        "semantic" | "semantique" => "semantic",
        "functional" | "fonctionnel" | "fonctionnelle" => "functional",
        _ => return None,
    })
}

/// A strength cell: an integer 1..10 (`7.0` from a spreadsheet too).
pub fn strength_word(text: &str) -> Result<Option<u8>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let t = t.strip_suffix(".0").unwrap_or(t);
    match t.parse::<u8>() {
        Ok(n @ 1..=10) => Ok(Some(n)),
        _ => Err(format!(
            "strength `{text}` is not a whole number from 1 to 10"
        )),
    }
}

/// A CSV cell made safe for spreadsheets: one that starts with `=`, `+`,
/// `-` or `@` would be run as a formula, so it gets a leading `'`.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes [`neutralise`] on import.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

/// The declared links of an export as rows (what csv and xlsx write).
pub fn declared_rows(net: &NetworkExport) -> Vec<LinkRow> {
    net.links
        .iter()
        .map(|l| LinkRow {
            from: l.from.clone(),
            relation: l.relation,
            to: l.to.clone(),
            strength: l.strength,
            rationale: l.rationale,
            note: l.note.clone(),
            mapping: Some(l.mapping.clone()),
        })
        .collect()
}

/// The referential of a `REF:ID` key.
pub fn referential_of(key: &str) -> &str {
    key.rsplit_once(':').map_or(key, |(r, _)| r)
}
