//! The shipped rules as files (for `refmap rules export` and for telling a
//! reader where a proof's `rules/…` comes from when rules are layered), and
//! the evidence types a site collects (`refmap evidence-types`).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Engine;
use crate::load::LoadError;
use crate::model::{EvidenceTypeIdx, Rule};

/// One rules file shipped in the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShippedFile {
    /// Its name in diagnostics and proofs, e.g. `rules/labelix.rules`.
    pub name: &'static str,
    /// Its text.
    pub text: &'static str,
}

impl ShippedFile {
    /// Its path below the shipped `rules/` folder, e.g. `labelix.rules` or
    /// `tests/acrf.rules`: where `refmap rules export DIR` writes it in DIR.
    pub fn relative_path(&self) -> &'static str {
        self.name.strip_prefix("rules/").unwrap_or(self.name)
    }
}

/// An evidence type, what it holds and which clauses require it.
///
/// Serializes as `{"name", "title", "valid", "fields": [{"name", "type"}],
/// "required_by": ["REF:ID", ...], "source": "file:line"}`; `valid` is a
/// duration such as `"12 months"`, or `null` when items do not expire.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceTypeInfo {
    /// Its name, as inventories write it in `type`.
    pub name: String,
    /// Its title.
    pub title: String,
    /// How long an item stays valid after its date (`valid`), if it expires.
    pub valid: Option<String>,
    /// Its declared fields, by name.
    pub fields: Vec<FieldInfo>,
    /// The clauses whose own `requires` names it, in rule order.
    pub required_by: Vec<String>,
    /// Where it is declared, `file:line`.
    pub source: String,
}

/// A declared field of an evidence type.
#[derive(Debug, Clone, Serialize)]
pub struct FieldInfo {
    /// Its name.
    pub name: String,
    /// `text`, `number`, `date`, `bool` or `list`.
    #[serde(rename = "type")]
    pub ty: &'static str,
}

impl Engine {
    /// The rules shipped in the binary, sorted by name, whatever this engine
    /// loaded.
    ///
    /// ```
    /// let files = refmap::Engine::shipped_files();
    /// assert!(files.iter().any(|f| f.name == "rules/labelix.rules"));
    /// assert_eq!(files[0].relative_path(), files[0].name.trim_start_matches("rules/"));
    /// ```
    pub fn shipped_files() -> Vec<ShippedFile> {
        crate::load::SHIPPED_RULES
            .iter()
            .map(|&(name, text)| ShippedFile { name, text })
            .collect()
    }

    /// The file `path`, or every `*.rules` file under the folder `path`
    /// (recursively, in path order; a folder linked into itself is walked
    /// once): the files [`EngineBuilder::path`](super::EngineBuilder::path)
    /// loads and `refmap fmt DIR` formats.
    ///
    /// # Errors
    /// The path cannot be read, or a folder holds no `.rules` file.
    pub fn rules_files(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
        crate::load::rules_files(path)
    }

    /// Every evidence type, by name, with its fields, validity and the
    /// clauses that require it.
    ///
    /// ```
    /// let types = refmap::Engine::shipped().evidence_types();
    /// let m = types.iter().find(|t| t.name == "maintenance_record");
    /// assert!(m.is_some_and(|m| !m.required_by.is_empty()));
    /// ```
    pub fn evidence_types(&self) -> Vec<EvidenceTypeInfo> {
        let book = self.book();
        let mut required_by: Vec<Vec<String>> = vec![Vec::new(); book.evidence_types.len()];
        for clause in &book.clauses {
            let mut named = Vec::new();
            if let Some(rule) = &clause.requires {
                evidence_named(rule, &mut named);
            }
            named.sort_unstable();
            named.dedup();
            for EvidenceTypeIdx(i) in named {
                if let Some(list) = usize::try_from(i).ok().and_then(|i| required_by.get_mut(i)) {
                    list.push(clause.key.clone());
                }
            }
        }
        let mut types: Vec<EvidenceTypeInfo> = book
            .evidence_types
            .iter()
            .zip(required_by)
            .map(|(t, required_by)| EvidenceTypeInfo {
                name: t.name.clone(),
                title: t.title.clone(),
                valid: t.valid.map(|d| d.to_string()),
                fields: t
                    .fields
                    .iter()
                    .map(|(name, ty)| FieldInfo {
                        name: name.clone(),
                        ty: ty.keyword(),
                    })
                    .collect(),
                required_by,
                source: book.sources.describe_line(t.file, t.span.start),
            })
            .collect();
        types.sort_by(|a, b| a.name.cmp(&b.name));
        types
    }
}

/// The evidence types a rule names, in any branch.
fn evidence_named(rule: &Rule, out: &mut Vec<EvidenceTypeIdx>) {
    match rule {
        Rule::All(parts) | Rule::Any(parts) | Rule::AtLeast { of: parts, .. } => {
            parts.iter().for_each(|p| evidence_named(p, out));
        }
        Rule::Not(inner) => evidence_named(inner, out),
        Rule::Evidence(e) => out.extend(e.ty),
        Rule::Clause(_) | Rule::UnknownClause(_) | Rule::Attested => {}
    }
}
