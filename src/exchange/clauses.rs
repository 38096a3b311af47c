//! Clause lists: a table of ids, titles, parents (or a numbering that
//! implies them), summaries and notes, turned into a `referential` block.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::sheet::{cell, column_letter, columns, Table};
use super::{quote, ImportError, Imported};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Title,
    Parent,
    Summary,
    Note,
}

const FIELDS: [(Field, &str, &[&str]); 5] = [
    (
        Field::Id,
        "id",
        &[
            "id",
            "identifiant",
            "clause",
            "clauseid",
            "numero",
            "number",
            "no",
            "ref",
            "reference",
            "code",
            "article",
        ],
    ),
    (
        Field::Title,
        "title",
        &[
            "title", "titre", "intitule", "libelle", "name", "nom", "heading",
        ],
    ),
    (
        Field::Parent,
        "parent",
        &[
            "parent",
            "parentid",
            "parentclause",
            "clauseparente",
            "parente",
        ],
    ),
    (
        Field::Summary,
        "summary",
        &["summary", "resume", "description", "objet"],
    ),
    (
        Field::Note,
        "note",
        &[
            "note",
            "notes",
            "remarks",
            "remarque",
            "remarques",
            "comment",
            "commentaire",
            "commentaires",
        ],
    ),
];

/// A clause id as the grammar takes it: alphanumeric parts joined by dots.
fn valid_clause_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A referential id as the grammar takes it: a letter, then letters,
/// digits, `-` or `_`.
pub fn valid_referential_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Deepest nesting written: the grammar refuses more than 64 levels.
const MAX_DEPTH: usize = 60;

struct Row {
    line: usize,
    id: String,
    title: String,
    parent: Option<String>,
    summary: String,
    note: String,
}

/// Builds the `referential` block; duplicate ids, orphans (a parent that is
/// not in the list), cycles and bad ids are reported with their rows.
///
/// # Errors
/// Missing columns, a bad referential id, or bad rows without `skip_bad`.
pub fn import(
    file: &str,
    table: &Table,
    id: &str,
    title: &str,
    skip_bad: bool,
) -> Result<Imported, ImportError> {
    use Field::*;
    if !valid_referential_id(id) {
        return Err(ImportError::one(
            "refmap::exchange::bad-row",
            file,
            format!(
                "`--id {id}` is not a referential id: a letter, then letters, digits, `-` or `_`"
            ),
        ));
    }
    let cols = columns(file, table, &FIELDS, &[Id, Title])?;
    let has_parent = cols.iter().any(|(f, _)| *f == Parent);
    let col = |i: usize| {
        let name = table.headers.get(i).map_or("", |h| h.trim());
        format!("column {} `{name}`", column_letter(i))
    };
    let mut problems = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (n, cells) in &table.rows {
        let get = |f| cell(cells, &cols, f);
        let (cid, i) = get(Id);
        let (ctitle, ti) = get(Title);
        let mut bad = false;
        if !valid_clause_id(cid) {
            problems.push(format!(
                "row {n}, {}: `{cid}` is not a clause id (letters and digits, parts joined by dots)",
                col(i)
            ));
            bad = true;
        } else if let Some(first) = first_row.get(cid) {
            problems.push(format!(
                "row {n}, {}: duplicate id `{cid}` (first at row {first})",
                col(i)
            ));
            bad = true;
        }
        if ctitle.is_empty() {
            problems.push(format!("row {n}, {}: empty title", col(ti)));
            bad = true;
        }
        if bad {
            continue;
        }
        first_row.insert(cid.to_string(), *n);
        let parent = if has_parent {
            Some(get(Parent).0.to_string()).filter(|p| !p.is_empty())
        } else {
            cid.rsplit_once('.').map(|(p, _)| p.to_string())
        };
        rows.push(Row {
            line: *n,
            id: cid.to_string(),
            title: ctitle.to_string(),
            parent,
            summary: get(Summary).0.to_string(),
            note: get(Note).0.to_string(),
        });
    }
    // Orphans and cycles, found once every id is known.
    let parent_col = cols
        .iter()
        .find(|(f, _)| *f == Parent)
        .map_or_else(|| col(cols.first().map_or(0, |c| c.1)), |c| col(c.1));
    let index: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut keep = vec![true; rows.len()];
    for (i, r) in rows.iter().enumerate() {
        let Some(p) = &r.parent else { continue };
        if !index.contains_key(p.as_str()) {
            let how = if has_parent {
                "its parent"
            } else {
                "the parent its numbering implies"
            };
            problems.push(format!(
                "row {}, {parent_col}: orphan: {how}, `{p}`, is not in the list",
                r.line
            ));
            if let Some(k) = keep.get_mut(i) {
                *k = false;
            }
            continue;
        }
        let mut at = Some(p.as_str());
        let mut steps = 0;
        while let Some(q) = at {
            steps += 1;
            if steps > MAX_DEPTH && q != r.id {
                problems.push(format!(
                    "row {}, {parent_col}: `{}` is nested more than {MAX_DEPTH} levels deep",
                    r.line, r.id
                ));
                if let Some(k) = keep.get_mut(i) {
                    *k = false;
                }
                break;
            }
            if q == r.id || steps > rows.len() {
                problems.push(format!(
                    "row {}, {parent_col}: `{}` is its own ancestor (a cycle of parents)",
                    r.line, r.id
                ));
                if let Some(k) = keep.get_mut(i) {
                    *k = false;
                }
                break;
            }
            at = index
                .get(q)
                .and_then(|&j| rows.get(j))
                .and_then(|row| row.parent.as_deref());
        }
    }
    if !problems.is_empty() && !skip_bad {
        return Err(ImportError {
            code: "refmap::exchange::bad-row",
            file: file.to_string(),
            problems,
        });
    }
    // Under --skip-bad, a row whose ancestor was left out goes too.
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..rows.len() {
            let parent_gone = rows
                .get(i)
                .and_then(|r| r.parent.as_deref())
                .and_then(|p| index.get(p))
                .is_some_and(|&j| !keep.get(j).copied().unwrap_or(true));
            if parent_gone && keep.get(i).copied().unwrap_or(false) {
                if let Some(k) = keep.get_mut(i) {
                    *k = false;
                }
                changed = true;
            }
        }
    }
    let rows: Vec<&Row> = rows
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(r, _)| r)
        .collect();
    let mut children: HashMap<Option<&str>, Vec<&Row>> = HashMap::new();
    for r in &rows {
        children.entry(r.parent.as_deref()).or_default().push(r);
    }
    let mut out = format!("referential {id} {} {{\n", quote(title));
    write_children(&mut out, &children, None, 1);
    out.push_str("}\n");
    Ok(Imported {
        text: out,
        skipped: problems,
    })
}

fn write_children(
    out: &mut String,
    children: &HashMap<Option<&str>, Vec<&Row>>,
    parent: Option<&str>,
    depth: usize,
) {
    let pad = "  ".repeat(depth);
    for r in children.get(&parent).map_or(&[][..], Vec::as_slice) {
        let _ = write!(out, "{pad}clause {} {}", r.id, quote(&r.title));
        let has_kids = children.contains_key(&Some(r.id.as_str()));
        if r.summary.is_empty() && r.note.is_empty() && !has_kids {
            out.push('\n');
            continue;
        }
        out.push_str(" {\n");
        if !r.summary.is_empty() {
            let _ = writeln!(out, "{pad}  summary {}", quote(&r.summary));
        }
        if !r.note.is_empty() {
            let _ = writeln!(out, "{pad}  note {}", quote(&r.note));
        }
        write_children(out, children, Some(r.id.as_str()), depth + 1);
        let _ = writeln!(out, "{pad}}}");
    }
}
