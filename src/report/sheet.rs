//! Reports as spreadsheet rows: CSV for `check`, `coverage` and `export`,
//! and the rows the workbook shares with it. Every text cell that a
//! spreadsheet would read as a formula is neutralised.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io;

use crate::evaluate::{Basis, ClauseResult, Report};
use crate::query::{Cover, Coverage, NetworkExport, ProofStep};

/// How CSV is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// For Excel set to French (and other) locales: `;` between fields,
    /// CRLF line ends and a UTF-8 byte order mark so that accents survive.
    pub excel: bool,
}

/// Whether a spreadsheet would take the cell for a formula (or a control
/// character that hides one): it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return.
pub fn formula_like(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The cell as a spreadsheet shows it without running it: a formula-like
/// text gets a leading `'` (OWASP's advice against CSV injection).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if formula_like(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The columns of a clause row (`check --format csv`, the workbook's
/// referential sheets).
pub const CLAUSE_COLUMNS: [&str; 11] = [
    "site",
    "referential",
    "clause",
    "title",
    "status",
    "basis",
    "evidence",
    "via",
    "missing",
    "assessed_by",
    "proof",
];

/// The columns of a coverage row.
pub const COVERAGE_COLUMNS: [&str; 7] =
    ["from", "to", "clause", "title", "coverage", "by", "proof"];

/// The keyword of a basis, as in JSON.
pub fn basis_word(b: Basis) -> &'static str {
    match b {
        Basis::Assessment => "assessment",
        Basis::Evidence => "evidence",
        Basis::SubClauses => "sub-clauses",
        Basis::Mapping => "mapping",
        Basis::None => "none",
    }
}

/// The keyword of a coverage, as in JSON.
pub fn cover_word(c: Cover) -> &'static str {
    match c {
        Cover::Full => "full",
        Cover::Partial => "partial",
        Cover::Disjoint => "disjoint",
        Cover::Unknown => "unknown",
        Cover::NotApplicable => "not-applicable",
    }
}

/// The referential of a `REF:ID` key.
pub fn referential_of(key: &str) -> &str {
    key.split_once(':').map_or(key, |(r, _)| r)
}

/// Items grouped by the referential `key` gives, each group in the order
/// given: one pass, however many referentials.
pub fn by_referential<'r, T>(
    items: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> &'r str,
) -> BTreeMap<&'r str, Vec<T>> {
    let mut groups: BTreeMap<&str, Vec<T>> = BTreeMap::new();
    for item in items {
        groups
            .entry(referential_of(key(&item)))
            .or_default()
            .push(item);
    }
    groups
}

/// Proof steps as one text, a step a line.
pub fn proof_text(proof: &[ProofStep]) -> String {
    proof
        .iter()
        .map(|p| format!("{} {} {} ({})", p.from, p.relation, p.to, p.source))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One clause of one site as cells, in [`CLAUSE_COLUMNS`] order (not yet
/// neutralised).
pub fn clause_cells(site: &str, c: &ClauseResult) -> [String; 11] {
    [
        site.to_string(),
        referential_of(&c.clause).to_string(),
        c.clause.clone(),
        c.title.clone(),
        c.status.keyword().to_string(),
        basis_word(c.basis).to_string(),
        c.evidence.join(", "),
        c.via.clone().unwrap_or_default(),
        c.missing.join("\n"),
        c.assessed_by.clone().unwrap_or_default(),
        proof_text(&c.proof),
    ]
}

/// One clause of a coverage as cells, in [`COVERAGE_COLUMNS`] order.
pub fn coverage_cells(c: &Coverage) -> impl Iterator<Item = [String; 7]> + '_ {
    c.clauses.iter().map(|k| {
        [
            c.from.clone(),
            c.to.clone(),
            k.clause.clone(),
            k.title.clone(),
            cover_word(k.coverage).to_string(),
            k.by.clone().unwrap_or_default(),
            proof_text(&k.proof),
        ]
    })
}

/// CSV text of a header and rows, every cell neutralised.
fn csv_text<R, C>(header: &[&str], rows: R, options: CsvOptions) -> io::Result<String>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator,
    C::Item: AsRef<str>,
{
    let mut builder = csv::WriterBuilder::new();
    if options.excel {
        builder.delimiter(b';').terminator(csv::Terminator::CRLF);
    }
    let mut out = Vec::new();
    if options.excel {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = builder.from_writer(out);
    w.write_record(header)?;
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|cell| neutralise(cell.as_ref()).into_owned())
            .collect();
        w.write_record(&cells)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

/// `check --format csv`: one row per site × clause ([`CLAUSE_COLUMNS`]).
///
/// # Errors
/// None in practice: the text is written in memory.
pub fn check_csv(reports: &[Report], options: CsvOptions) -> io::Result<String> {
    let rows = reports
        .iter()
        .flat_map(|r| r.clauses.iter().map(|c| clause_cells(&r.site, c)));
    csv_text(&CLAUSE_COLUMNS, rows, options)
}

/// `check --summary --format csv`: one row per site × referential with the
/// counts, named as in JSON.
///
/// # Errors
/// None in practice: the text is written in memory.
pub fn check_summary_csv(reports: &[Report], options: CsvOptions) -> io::Result<String> {
    let rows = reports.iter().flat_map(|r| {
        r.summary.iter().map(|s| {
            [
                r.site.clone(),
                r.as_of.to_string(),
                s.referential.clone(),
                s.met.to_string(),
                s.partial.to_string(),
                s.not_met.to_string(),
                s.not_applicable.to_string(),
                s.unknown.to_string(),
                r.contradictions
                    .iter()
                    .filter(|c| referential_of(&c.clause) == s.referential)
                    .count()
                    .to_string(),
            ]
        })
    });
    let header = [
        "site",
        "as_of",
        "referential",
        "met",
        "partial",
        "not_met",
        "not_applicable",
        "unknown",
        "contradictions",
    ];
    csv_text(&header, rows, options)
}

/// `coverage --format csv`: one row per clause of the covered referential.
///
/// # Errors
/// None in practice: the text is written in memory.
pub fn coverage_csv(c: &Coverage, options: CsvOptions) -> io::Result<String> {
    csv_text(&COVERAGE_COLUMNS, coverage_cells(c), options)
}

/// `export --format csv`: one row per declared or derived link.
///
/// # Errors
/// None in practice: the text is written in memory.
pub fn export_csv(e: &NetworkExport, options: CsvOptions) -> io::Result<String> {
    let declared = e.links.iter().map(|l| {
        [
            l.from.clone(),
            l.relation.keyword().to_string(),
            l.to.clone(),
            if l.active {
                "declared"
            } else {
                "declared-inactive"
            }
            .to_string(),
            l.strength.map_or_else(String::new, |s| s.to_string()),
            l.rationale.unwrap_or("").to_string(),
            l.mapping.clone(),
            l.source.clone(),
            l.note.clone().unwrap_or_default(),
        ]
    });
    let derived = e.derived.iter().map(|d| {
        let relations: Vec<&str> = d.relations.iter().map(|r| r.keyword()).collect();
        [
            d.from.clone(),
            relations.join("|"),
            d.to.clone(),
            "derived".to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]
    });
    csv_text(
        &[
            "from",
            "relation",
            "to",
            "kind",
            "strength",
            "rationale",
            "mapping",
            "source",
            "note",
        ],
        declared.chain(derived),
        options,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_neutralised() {
        for cell in ["=1+1", "+33 1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["LABELIX:4.2", "", "a=b", "met"] {
            assert_eq!(neutralise(cell), cell);
        }
    }

    #[test]
    fn clauses_group_by_referential_in_order() {
        let keys = ["B:1", "A:2", "B:1.1", "A:1", "C"];
        let groups = by_referential(keys, |k| k);
        let flat: Vec<(&str, Vec<&str>)> = groups.into_iter().collect();
        assert_eq!(
            flat,
            [
                ("A", vec!["A:2", "A:1"]),
                ("B", vec!["B:1", "B:1.1"]),
                ("C", vec!["C"])
            ]
        );
    }

    #[test]
    fn excel_csv_has_a_bom_semicolons_and_crlf() -> io::Result<()> {
        let text = csv_text(&["a", "b"], [["x;y", "=cmd"]], CsvOptions { excel: true })?;
        assert_eq!(text, "\u{feff}a;b\r\n\"x;y\";'=cmd\r\n");
        let text = csv_text(&["a", "b"], [["x;y", "1,2"]], CsvOptions::default())?;
        assert_eq!(text, "a,b\nx;y,\"1,2\"\n");
        Ok(())
    }
}
