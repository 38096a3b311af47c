//! Spreadsheet crosswalks: tables read from CSV (`;` or `,`, UTF-8 or
//! Latin-1) and XLSX (first sheet), header names matched loosely, links
//! checked row by row; and the same columns written back as CSV or XLSX.
//! Rows are numbered as a spreadsheet shows them: the header is row 1.

use std::fmt::Write as _;

use super::{fold, neutralise, unneutralise, Clauses, ImportError, Imported, LinkRow};
use crate::query::NetworkExport;

/// A table: its header row and its data rows, each with its row number.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Header cells as written.
    pub headers: Vec<String>,
    /// Row number of the header.
    pub header_row: usize,
    /// Data rows (blank ones dropped) with their row numbers.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Text of a CSV file: UTF-8 (a BOM dropped), else Latin-1 as Excel writes it.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The separator of the header line: the most frequent of `;`, `,`, tab.
fn separator(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| first.chars().filter(|&x| x == c).count();
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|&c| (count(char::from(c)), c == b','))
        .unwrap_or(b',')
}

fn table(rows: Vec<(usize, Vec<String>)>) -> Table {
    let mut rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((header_row, headers)) = rows.next() else {
        return Table::default();
    };
    Table {
        headers,
        header_row,
        rows: rows.collect(),
    }
}

/// Reads a CSV file.
///
/// # Errors
/// A record the CSV reader refuses (an unclosed quote).
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<Table, ImportError> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            ImportError::one(
                "refmap::exchange::malformed",
                file,
                format!("row {}: {e}", i + 1),
            )
        })?;
        rows.push((
            i + 1,
            record.iter().map(|c| unneutralise(c).to_string()).collect(),
        ));
    }
    Ok(table(rows))
}

/// Reads the first sheet of an XLSX workbook.
///
/// # Errors
/// Not a readable workbook, or no sheet.
pub fn read_xlsx(file: &str, bytes: &[u8]) -> Result<Table, ImportError> {
    use calamine::Reader as _;
    let bad = |e: String| ImportError::one("refmap::exchange::malformed", file, e);
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .map_err(|e| bad(format!("not an XLSX workbook: {e}")))?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(bad("the workbook has no sheet".into()));
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| bad(format!("sheet `{name}`: {e}")))?;
    let first = range.start().map_or(0, |(r, _)| r as usize);
    let skip = range.start().map_or(0, |(_, c)| c as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = vec![String::new(); skip];
            row.extend(cells.iter().map(|c| c.to_string()));
            (first + i + 1, row)
        })
        .collect();
    Ok(table(rows))
}

/// The columns of a crosswalk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Source,
    Target,
    Relation,
    Strength,
    Rationale,
    Note,
    Mapping,
    Kind,
}

const FIELDS: [(Field, &str, &[&str]); 8] = [
    (
        Field::Source,
        "source",
        &[
            "source",
            "from",
            "de",
            "sourceclause",
            "clausesource",
            "exigencesource",
            "origine",
        ],
    ),
    (
        Field::Target,
        "target",
        &[
            "target",
            "to",
            "cible",
            "vers",
            "destination",
            "targetclause",
            "clausecible",
            "exigencecible",
        ],
    ),
    (
        Field::Relation,
        "relation",
        &[
            "relation",
            "relationship",
            "rel",
            "lien",
            "typederelation",
            "relationtype",
        ],
    ),
    (
        Field::Strength,
        "strength",
        &[
            "strength",
            "force",
            "confidence",
            "confidencescore",
            "confiance",
            "poids",
            "score",
        ],
    ),
    (
        Field::Rationale,
        "rationale",
        &[
            "rationale",
            "matchingrationale",
            "justification",
            "motif",
            "raison",
        ],
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
            "comments",
            "commentaire",
            "commentaires",
        ],
    ),
    (
        Field::Mapping,
        "mapping",
        &["mapping", "correspondance", "crosswalk", "table"],
    ),
    (Field::Kind, "kind", &["kind", "nature"]),
];

/// The spreadsheet name of a column (A, B, …, AA).
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// Which column holds which field, from loosely matched headers; unknown
/// headers are ignored.
///
/// # Errors
/// A required column missing, or a field named twice.
pub fn columns<F: Copy + PartialEq>(
    file: &str,
    table: &Table,
    fields: &[(F, &str, &[&str])],
    required: &[F],
) -> Result<Vec<(F, usize)>, ImportError> {
    let mut found: Vec<(F, usize)> = Vec::new();
    let mut problems = Vec::new();
    for (i, header) in table.headers.iter().enumerate() {
        let folded = fold(header);
        let Some((field, name, _)) = fields
            .iter()
            .find(|(_, _, names)| names.contains(&folded.as_str()))
        else {
            continue;
        };
        if let Some((_, j)) = found.iter().find(|(f, _)| f == field) {
            problems.push(format!(
                "row {}, column {}: `{header}` names the {name} column again (already column {})",
                table.header_row,
                column_letter(i),
                column_letter(*j)
            ));
        } else {
            found.push((*field, i));
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .filter(|req| !found.iter().any(|(f, _)| f == *req))
        .filter_map(|req| fields.iter().find(|(f, _, _)| f == req).map(|f| f.1))
        .collect();
    if !missing.is_empty() {
        let seen = if table.headers.is_empty() {
            "no header row".to_string()
        } else {
            format!("headers found: {}", table.headers.join(", "))
        };
        problems.push(format!(
            "row {}: no {} column ({seen}); the columns are {}",
            table.header_row.max(1),
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", "),
            fields.iter().map(|f| f.1).collect::<Vec<_>>().join(", ")
        ));
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(ImportError {
            code: "refmap::exchange::missing-column",
            file: file.to_string(),
            problems,
        })
    }
}

/// The cell of `field` in a row (empty when absent).
pub fn cell<'a, F: PartialEq>(
    row: &'a [String],
    cols: &[(F, usize)],
    field: F,
) -> (&'a str, usize) {
    let i = cols
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(usize::MAX, |c| c.1);
    (row.get(i).map_or("", |c| c.trim()), i)
}

/// Turns a table into links, checking every row; all problems are
/// reported unless `skip_bad`, which leaves bad rows out and lists them.
///
/// # Errors
/// Missing columns, or bad rows without `skip_bad`.
pub fn links(
    file: &str,
    table: &Table,
    clauses: &dyn Clauses,
    skip_bad: bool,
    title: &str,
) -> Result<Imported, ImportError> {
    use Field::*;
    let cols = columns(file, table, &FIELDS, &[Source, Target, Relation])?;
    let header = |i: usize| {
        let name = table.headers.get(i).map_or("", |h| h.trim());
        format!("column {} `{name}`", column_letter(i))
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (n, row) in &table.rows {
        let get = |f| cell(row, &cols, f);
        if fold(get(Kind).0) == "derived" {
            continue;
        }
        let mut bad = Vec::new();
        let mut clause = |f| {
            let (text, i) = get(f);
            if text.is_empty() {
                bad.push(format!(
                    "row {n}, {}: empty; give a clause as REF:ID",
                    header(i)
                ));
                return String::new();
            }
            if let Err(e) = clauses.check(text) {
                bad.push(format!("row {n}, {}: {e}", header(i)));
            }
            text.to_string()
        };
        let from = clause(Source);
        let to = clause(Target);
        let (rel, i) = get(Relation);
        let relation = super::relation_word(rel);
        if relation.is_none() {
            bad.push(format!(
                "row {n}, {}: unknown relation `{rel}`; use equals, subset-of, superset-of, intersects or disjoint",
                header(i)
            ));
        }
        let (s, i) = get(Strength);
        let strength = super::strength_word(s).unwrap_or_else(|e| {
            bad.push(format!("row {n}, {}: {e}", header(i)));
            None
        });
        let (r, i) = get(Rationale);
        let rationale = super::rationale_word(r);
        if rationale.is_none() && !r.is_empty() {
            bad.push(format!(
                "row {n}, {}: unknown rationale `{r}`; use syntactic, semantic or functional",
                header(i)
            ));
        }
        let note = Some(get(Note).0)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        let mapping = Some(get(Mapping).0)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        match relation {
            Some(relation) if bad.is_empty() => out.push(LinkRow {
                from,
                relation,
                to,
                strength,
                rationale,
                note,
                mapping: mapping.or_else(|| Some(title.to_string())),
            }),
            _ => problems.extend(bad),
        }
    }
    if !problems.is_empty() && !skip_bad {
        let code = if problems.iter().any(|p| p.contains("unknown clause")) {
            "refmap::exchange::unknown-clause"
        } else {
            "refmap::exchange::bad-row"
        };
        return Err(ImportError {
            code,
            file: file.to_string(),
            problems,
        });
    }
    Ok(Imported {
        text: super::render_mappings(title, &out),
        skipped: problems,
    })
}

/// The header of an exported crosswalk.
pub const HEADER: [&str; 8] = [
    "source",
    "target",
    "relation",
    "strength",
    "rationale",
    "note",
    "mapping",
    "kind",
];

/// The rows of an export: declared links, then (with `derived`) derived
/// relations, marked `derived` in the `kind` column.
fn export_rows(net: &NetworkExport, derived: bool) -> Vec<[String; 8]> {
    let mut rows: Vec<[String; 8]> = net
        .links
        .iter()
        .map(|l| {
            [
                l.from.clone(),
                l.relation.keyword().to_string(),
                l.to.clone(),
                l.strength.map_or_else(String::new, |s| s.to_string()),
                l.rationale.unwrap_or("").to_string(),
                l.note.clone().unwrap_or_default(),
                l.mapping.clone(),
                "declared".to_string(),
            ]
        })
        .map(|[a, r, b, s, ra, n, m, k]| [a, b, r, s, ra, n, m, k])
        .collect();
    if derived {
        rows.extend(net.derived.iter().map(|d| {
            let rels: Vec<&str> = d.relations.iter().map(|r| r.keyword()).collect();
            [
                d.from.clone(),
                d.to.clone(),
                rels.join("|"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "derived".to_string(),
            ]
        }));
    }
    rows
}

/// The crosswalk as CSV (`,`, RFC 4180 quoting, formula-like cells
/// neutralised with a leading `'`).
pub fn write_csv(net: &NetworkExport, derived: bool) -> String {
    let field = |s: &str| {
        let s = neutralise(s);
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let mut out = HEADER.join(",");
    out.push('\n');
    for row in export_rows(net, derived) {
        let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
        let _ = writeln!(out, "{}", cells.join(","));
    }
    out
}

/// The crosswalk as an XLSX workbook (one sheet, `links`); strengths are
/// numbers, everything else text (never a formula).
///
/// # Errors
/// The XLSX writer failed.
pub fn write_xlsx(net: &NetworkExport, derived: bool) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    // A fixed creation date keeps two exports byte for byte equal.
    let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("links").map_err(err)?;
    for (c, h) in (0u16..).zip(HEADER) {
        sheet
            .write_string_with_format(0, c, h, &bold)
            .map_err(err)?;
    }
    for (r, row) in (1u32..).zip(export_rows(net, derived)) {
        for (c, text) in (0u16..).zip(row.iter()) {
            if text.is_empty() {
                continue;
            }
            match (c, text.parse::<u8>()) {
                (3, Ok(n)) => sheet.write_number(r, c, f64::from(n)).map_err(err)?,
                _ => sheet.write_string(r, c, text).map_err(err)?,
            };
        }
    }
    book.save_to_buffer().map_err(err)
}
