//! Reports as Excel workbooks (`--format xlsx`, written by `rust_xlsxwriter`):
//! a summary sheet, one sheet per referential, statuses coloured as Excel's
//! own Good / Neutral / Bad styles, every table with a filter and a frozen
//! header. Text cells that look like formulas are stored as text with
//! Excel's quote prefix, so editing them never runs them.

use std::io;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::sheet::{
    by_referential, clause_cells, coverage_cells, formula_like, referential_of, CLAUSE_COLUMNS,
    COVERAGE_COLUMNS,
};
use super::About;
use crate::date::Date;
use crate::evaluate::{Detail, Report};
use crate::query::Coverage;

/// The formats of one workbook.
struct Look {
    header: Format,
    text: Format,
    quoted: Format,
    wrapped: Format,
    number: Format,
    percent: Format,
}

impl Look {
    fn new() -> Look {
        let text = Format::new().set_align(FormatAlign::Top);
        Look {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x1F_3A_5F))
                .set_font_color(Color::White)
                .set_border_bottom(FormatBorder::Thin),
            quoted: text.clone().set_quote_prefix(),
            wrapped: text.clone().set_text_wrap(),
            number: text.clone(),
            percent: text.clone().set_num_format("0%"),
            text,
        }
    }

    /// Excel's Good / Neutral / Bad fills, grey for what does not apply,
    /// italic for what nothing decides: readable without colour too, since
    /// the cell holds the word.
    fn status(word: &str) -> Format {
        let (fill, font) = match word {
            "met" | "full" => (0xC6_EF_CE, 0x00_61_00),
            "partial" => (0xFF_EB_9C, 0x9C_57_00),
            "not-met" | "disjoint" => (0xFF_C7_CE, 0x9C_00_06),
            "not-applicable" => (0xED_ED_ED, 0x59_59_59),
            _ => (0xFF_FF_FF, 0x59_59_59),
        };
        let f = Format::new()
            .set_align(FormatAlign::Top)
            .set_bold()
            .set_background_color(Color::RGB(fill))
            .set_font_color(Color::RGB(font));
        if word == "unknown" {
            f.set_italic()
        } else {
            f
        }
    }
}

/// Text wider than this many characters wraps.
const WRAP: usize = 60;

/// A table on a sheet: header, rows of text cells, filter, frozen header,
/// column widths.
fn table<R, C>(
    ws: &mut Worksheet,
    look: &Look,
    header: &[&str],
    rows: R,
    status_col: Option<usize>,
) -> Result<(), XlsxError>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count() + 4).collect();
    for (col, name) in (0u16..).zip(header) {
        ws.write_string_with_format(0, col, *name, &look.header)?;
    }
    let mut last_row = 0u32;
    for (row, cells) in (1u32..).zip(rows) {
        last_row = row;
        let mut height = 1;
        for ((col, cell), width) in (0u16..).zip(cells).zip(widths.iter_mut()) {
            let longest = cell.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            *width = (*width).max(longest.min(WRAP));
            // Viewers do not grow rows for wrapped text on their own.
            let lines: usize = cell
                .lines()
                .map(|l| l.chars().count().max(1).div_ceil(WRAP))
                .sum();
            height = height.max(lines.min(12));
            let format = if status_col == Some(usize::from(col)) {
                &Look::status(&cell)
            } else if formula_like(&cell) {
                &look.quoted
            } else if lines > 1 {
                &look.wrapped
            } else {
                &look.text
            };
            ws.write_string_with_format(row, col, cell, format)?;
        }
        if height > 1 {
            ws.set_row_height(row, 15.0 * height as f64)?;
        }
    }
    for (col, width) in (0u16..).zip(&widths) {
        ws.set_column_width(col, *width as f64 + 2.0)?;
    }
    let last_col = u16::try_from(header.len().saturating_sub(1)).unwrap_or(0);
    ws.autofilter(0, 0, last_row, last_col)?;
    finish(ws)?;
    Ok(())
}

/// What every table sheet shares: a frozen header, and pages that print
/// landscape on A4, one page wide, the header repeated, numbered.
fn finish(ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_freeze_panes(1, 0)?;
    ws.set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_footer("&L&A&RPage &P / &N");
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// A sheet name Excel accepts (31 characters, none of `[]:*?/\`),
/// different from those already taken.
fn sheet_name(wanted: &str, taken: &mut Vec<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let clean = clean.trim_matches('\'').to_string();
    let mut name = if clean.is_empty() {
        "Sheet".to_string()
    } else {
        clean
    };
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        let suffix = format!(" ({n})");
        let keep = 31usize.saturating_sub(suffix.chars().count());
        name = wanted.chars().take(keep).collect::<String>() + &suffix;
        n += 1;
    }
    taken.push(name.clone());
    name
}

fn properties(title: &str, about: &About, created: Date) -> DocProperties {
    let mut p = DocProperties::new()
        .set_title(title)
        .set_author(about.generator)
        .set_comment(format!("rules: {} · sha256 {}", about.rules, about.digest));
    let date = u16::try_from(created.year())
        .ok()
        .and_then(|y| ExcelDateTime::from_ymd(y, created.month(), created.day()).ok());
    // A fixed creation date keeps the file the same from one run to the next.
    if let Some(d) = date {
        p = p.set_creation_datetime(&d);
    }
    p
}

fn about_sheet(
    wb: &mut Workbook,
    look: &Look,
    about: &About,
    sites: &[(&str, Date)],
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("About")?;
    let mut rows = vec![
        ["generated by".to_string(), about.generator.to_string()],
        ["rules".to_string(), about.rules.to_string()],
        ["rules sha256".to_string(), about.digest.to_string()],
    ];
    for (site, as_of) in sites {
        rows.push(["site".to_string(), format!("{site} — as of {as_of}")]);
    }
    table(ws, look, &["what", "value"], rows, None)
}

/// `check --format xlsx`: a Summary sheet (a row per site × referential:
/// counts and share met), a sheet per referential with every clause of
/// every site, a Contradictions sheet when there are any, and an About
/// sheet (generator, rules, digest).
///
/// # Errors
/// None in practice: the workbook is written in memory.
pub fn check_xlsx(
    reports: &[Report],
    titles: &dyn Fn(&str) -> String,
    about: &About,
) -> io::Result<Vec<u8>> {
    check_book(reports, titles, about).map_err(io::Error::other)
}

fn check_book(
    reports: &[Report],
    titles: &dyn Fn(&str) -> String,
    about: &About,
) -> Result<Vec<u8>, XlsxError> {
    let look = Look::new();
    let mut wb = Workbook::new();
    let created = reports.first().map_or(Date::today(), |r| r.as_of);
    let title = match reports {
        [one] => format!("refmap check — {}", one.site),
        many => format!("refmap check — {} sites", many.len()),
    };
    wb.set_properties(&properties(&title, about, created));
    let mut taken = vec![
        "Summary".to_string(),
        "About".to_string(),
        "Contradictions".to_string(),
    ];
    let ws = wb.add_worksheet();
    ws.set_name("Summary")?;
    let header = [
        "site",
        "as_of",
        "referential",
        "title",
        "met",
        "partial",
        "not-met",
        "not-applicable",
        "unknown",
        "total",
        "met share",
        "contradictions",
    ];
    for (col, name) in (0u16..).zip(header) {
        ws.write_string_with_format(0, col, name, &look.header)?;
    }
    let mut row = 0u32;
    for r in reports {
        for s in &r.summary {
            row += 1;
            let texts = [
                r.site.clone(),
                r.as_of.to_string(),
                s.referential.clone(),
                titles(&s.referential),
            ];
            for (col, t) in (0u16..).zip(texts) {
                let f = if formula_like(&t) {
                    &look.quoted
                } else {
                    &look.text
                };
                ws.write_string_with_format(row, col, t, f)?;
            }
            let total = s.met + s.partial + s.not_met + s.not_applicable + s.unknown;
            let contradictions = r
                .contradictions
                .iter()
                .filter(|c| referential_of(&c.clause) == s.referential)
                .count();
            let numbers = [
                s.met,
                s.partial,
                s.not_met,
                s.not_applicable,
                s.unknown,
                total,
            ];
            for (col, n) in (4u16..).zip(numbers) {
                ws.write_number_with_format(row, col, n as f64, &look.number)?;
            }
            let applicable = total - s.not_applicable;
            let share = if applicable == 0 {
                0.0
            } else {
                s.met as f64 / applicable as f64
            };
            ws.write_number_with_format(row, 10, share, &look.percent)?;
            ws.write_number_with_format(row, 11, contradictions as f64, &look.number)?;
        }
    }
    for (col, width) in (0u16..).zip([40.0, 11.0, 20.0, 50.0]) {
        ws.set_column_width(col, width)?;
    }
    for col in 4u16..12 {
        ws.set_column_width(col, 13.0)?;
    }
    ws.autofilter(0, 0, row, 11)?;
    finish(ws)?;
    let mut referentials: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.summary.iter().map(|s| s.referential.as_str()))
        .collect();
    referentials.sort_unstable();
    referentials.dedup();
    let status_col = CLAUSE_COLUMNS.iter().position(|c| *c == "status");
    // `--summary` reports have no clauses: no empty sheets for them.
    if reports.iter().all(|r| r.detail == Detail::Summary) {
        referentials.clear();
    }
    let mut groups = by_referential(
        reports
            .iter()
            .flat_map(|r| r.clauses.iter().map(move |c| (r.site.as_str(), c))),
        |(_, c)| &c.clause,
    );
    for id in referentials {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(id, &mut taken))?;
        let rows = groups.remove(id).unwrap_or_default();
        let rows = rows.into_iter().map(|(site, c)| clause_cells(site, c));
        table(ws, &look, &CLAUSE_COLUMNS, rows, status_col)?;
    }
    if reports.iter().any(|r| !r.contradictions.is_empty()) {
        let ws = wb.add_worksheet();
        ws.set_name("Contradictions")?;
        let rows = reports.iter().flat_map(|r| {
            r.contradictions.iter().map(|c| {
                [
                    r.site.clone(),
                    c.clause.clone(),
                    c.assessment.clause.clone(),
                    c.assessment.by.clone().unwrap_or_default(),
                    c.message.clone(),
                    super::sheet::proof_text(&c.proof),
                ]
            })
        });
        let header = [
            "site",
            "clause",
            "assessed not-met",
            "by",
            "message",
            "proof",
        ];
        table(ws, &look, &header, rows, None)?;
    }
    let sites: Vec<(&str, Date)> = reports.iter().map(|r| (r.site.as_str(), r.as_of)).collect();
    about_sheet(&mut wb, &look, about, &sites)?;
    wb.save_to_buffer()
}

/// `coverage --format xlsx`: a Summary sheet (the counts), a sheet of the
/// covered referential's clauses with their coverage coloured, and an
/// About sheet. `created` dates the file.
///
/// # Errors
/// None in practice: the workbook is written in memory.
pub fn coverage_xlsx(c: &Coverage, about: &About, created: Date) -> io::Result<Vec<u8>> {
    coverage_book(c, about, created).map_err(io::Error::other)
}

fn coverage_book(c: &Coverage, about: &About, created: Date) -> Result<Vec<u8>, XlsxError> {
    let look = Look::new();
    let mut wb = Workbook::new();
    wb.set_properties(&properties(
        &format!("refmap coverage — {} → {}", c.from, c.to),
        about,
        created,
    ));
    let ws = wb.add_worksheet();
    ws.set_name("Summary")?;
    let n = &c.counts;
    let header = [
        "from", "to", "full", "partial", "disjoint", "unknown", "total", "full %", "any %",
    ];
    for (col, name) in (0u16..).zip(header) {
        ws.write_string_with_format(0, col, name, &look.header)?;
    }
    ws.write_string_with_format(1, 0, &c.from, &look.text)?;
    ws.write_string_with_format(1, 1, &c.to, &look.text)?;
    let numbers = [n.full, n.partial, n.disjoint, n.unknown, n.total];
    for (col, v) in (2u16..).zip(numbers) {
        ws.write_number_with_format(1, col, v as f64, &look.number)?;
    }
    ws.write_number_with_format(1, 7, n.full_percent, &look.number)?;
    ws.write_number_with_format(1, 8, n.any_percent, &look.number)?;
    ws.set_column_width(0, 20.0)?;
    ws.set_column_width(1, 20.0)?;
    ws.autofilter(0, 0, 1, 8)?;
    finish(ws)?;
    let mut taken = vec!["Summary".to_string(), "About".to_string()];
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&c.to, &mut taken))?;
    let status_col = COVERAGE_COLUMNS.iter().position(|k| *k == "coverage");
    table(ws, &look, &COVERAGE_COLUMNS, coverage_cells(c), status_col)?;
    about_sheet(&mut wb, &look, about, &[])?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_distinct() {
        let mut taken = vec!["Summary".to_string()];
        assert_eq!(sheet_name("summary", &mut taken), "summary (2)");
        assert_eq!(sheet_name("A/B:C", &mut taken), "A_B_C");
        let long = "X".repeat(40);
        assert_eq!(sheet_name(&long, &mut taken).chars().count(), 31);
        assert_eq!(sheet_name(&long, &mut taken).chars().count(), 31);
        assert_eq!(taken.len(), 5);
    }
}
