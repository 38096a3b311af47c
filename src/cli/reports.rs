//! Writing `check`, `coverage` and `export` answers in the format asked
//! (human, JSON, CSV, HTML, xlsx), to standard output or `--output FILE`,
//! and `check`'s gate (`--fail-on`) and focus (`--only`). The renderings
//! themselves are `refmap::report`'s.

use std::io::IsTerminal;

use refmap::report::{self, About, CsvOptions, FailOn, Style};
use refmap::{Coverage, Date, Engine, NetworkExport, Report, Status};

use super::args::{Cli, Destination, FailLevel, Format, StatusArg};
use super::output::{emit_bytes, emit_json, write_atomically};
use super::Ending;

/// Human output longer than this ends with a hint toward shorter views.
const SCREEN_LINES: usize = 60;

/// How `check` was asked to list and gate.
pub struct CheckView<'a> {
    /// `--summary`.
    pub summary: bool,
    /// `--fail-on`.
    pub fail_on: Option<FailLevel>,
    /// `--only`.
    pub only: &'a [StatusArg],
    /// `--output`, `--csv-excel`.
    pub dest: &'a Destination,
    /// Whether `--referential` narrowed the report already.
    pub narrowed: bool,
}

/// What `--output` and the format need from the command line.
pub struct Writer<'a> {
    /// The engine that answered.
    pub engine: &'a Engine,
    /// The command line.
    pub cli: &'a Cli,
    /// Whether standard output is coloured.
    pub color: bool,
}

enum Body {
    Text(String),
    Binary(Vec<u8>),
}

fn status(s: StatusArg) -> Status {
    match s {
        StatusArg::Met => Status::Met,
        StatusArg::Partial => Status::Partial,
        StatusArg::NotMet => Status::NotMet,
        StatusArg::NotApplicable => Status::NotApplicable,
        StatusArg::Unknown => Status::Unknown,
    }
}

fn level(l: FailLevel) -> FailOn {
    match l {
        FailLevel::NotMet => FailOn::NotMet,
        FailLevel::Partial => FailOn::Partial,
        FailLevel::Contradiction => FailOn::Contradiction,
    }
}

/// Refuses flags that the format does not use, before any work.
pub fn refuse_mismatch(format: Format, dest: &Destination) -> Result<(), Ending> {
    if dest.csv_excel && format != Format::Csv {
        return Err(Ending::Input(
            "`--csv-excel` shapes CSV output: add `--format csv`".into(),
        ));
    }
    if format == Format::Xlsx && dest.output.is_none() && std::io::stdout().is_terminal() {
        return Err(Ending::Input(
            "an xlsx workbook is binary and would garble the terminal: write it with `--output FILE` (or redirect standard output)".into(),
        ));
    }
    Ok(())
}

impl Writer<'_> {
    fn about_texts(&self) -> (String, String, String) {
        let files = self.engine.rules_info().files;
        let rules = if self.cli.rules.is_empty() {
            format!("shipped rules, {files} files")
        } else {
            let paths: Vec<String> = self
                .cli
                .rules
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            format!("{} ({files} files)", paths.join(", "))
        };
        (
            format!("refmap {}", env!("CARGO_PKG_VERSION")),
            rules,
            self.engine.rules_digest(),
        )
    }

    fn style(&self, dest: &Destination) -> Style {
        Style {
            color: match dest.output {
                Some(_) => self.cli.color == super::args::ColorChoice::Always,
                None => self.color,
            },
        }
    }

    fn deliver(&self, dest: &Destination, body: Body) -> Result<(), Ending> {
        let bytes = match &body {
            Body::Text(t) => t.as_bytes(),
            Body::Binary(b) => b.as_slice(),
        };
        match &dest.output {
            Some(path) => write_atomically(path, bytes)
                .map_err(|e| Ending::Input(format!("cannot write `{}`: {e}", path.display()))),
            None => {
                emit_bytes(bytes);
                Ok(())
            }
        }
    }

    fn json<T: serde::Serialize>(&self, dest: &Destination, value: &T) -> Result<(), Ending> {
        if dest.output.is_none() {
            return Ok(emit_json(value)?);
        }
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        self.deliver(dest, Body::Text(text))
    }

    /// Writes `check`'s reports, then applies the gate.
    pub fn check(&self, mut reports: Vec<Report>, view: &CheckView<'_>) -> Result<(), Ending> {
        let only: Vec<Status> = view.only.iter().copied().map(status).collect();
        let dest = view.dest;
        let titles = |id: &str| self.engine.referential_title(id).to_string();
        let (generator, rules, digest) = self.about_texts();
        let about = About {
            generator: &generator,
            rules: &rules,
            digest: &digest,
        };
        // The page keeps whole reports for its bars and matrix; every other
        // format lists only what `--only` keeps.
        if self.cli.format == Format::Html {
            let page = report::check_html(&reports, &titles, &about, &only);
            self.deliver(dest, Body::Text(page))?;
        } else {
            for r in &mut reports {
                report::keep_statuses(r, &only);
            }
            let csv = CsvOptions {
                excel: dest.csv_excel,
            };
            match self.cli.format {
                Format::Json => match reports.as_slice() {
                    [one] => self.json(dest, one)?,
                    many => self.json(dest, &many)?,
                },
                Format::Csv if view.summary => {
                    let text = report::check_summary_csv(&reports, csv)?;
                    self.deliver(dest, Body::Text(text))?;
                }
                Format::Csv => self.deliver(dest, Body::Text(report::check_csv(&reports, csv)?))?,
                Format::Xlsx => {
                    let book = report::check_xlsx(&reports, &titles, &about)?;
                    self.deliver(dest, Body::Binary(book))?;
                }
                _ => self.deliver(dest, Body::Text(self.check_human(&reports, view)))?,
            }
        }
        let Some(fail_on) = view.fail_on.map(level) else {
            return Ok(());
        };
        let failing: usize = reports.iter().map(|r| report::failures(r, fail_on)).sum();
        if failing == 0 {
            return Ok(());
        }
        let what = match fail_on {
            FailOn::Contradiction => format!("{failing} contradiction(s)"),
            other => format!("{failing} clause(s) at or below `{}`", other.keyword()),
        };
        eprintln!("refmap: {what} (`--fail-on {}`)", fail_on.keyword());
        Err(Ending::Findings)
    }

    fn check_human(&self, reports: &[Report], view: &CheckView<'_>) -> String {
        let titles = |id: &str| self.engine.referential_title(id).to_string();
        let style = self.style(view.dest);
        let mut out = String::new();
        for (i, r) in reports.iter().enumerate() {
            if view.summary {
                out.push_str(&report::check_summary(r));
            } else {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&report::check(r, &titles, style));
            }
        }
        super::shipped::footer(self.cli, &mut out);
        let lines = out.lines().count();
        if !view.summary && view.dest.output.is_none() && lines > SCREEN_LINES {
            let one = if view.narrowed {
                ""
            } else {
                ", `--referential R` one referential"
            };
            out.push_str(&format!(
                "\nhint: {lines} lines; `--summary` gives the counts per referential{one}, `--only not-met,partial` the gaps\n"
            ));
        }
        out
    }

    /// Writes `coverage`'s answer.
    pub fn coverage(&self, c: &Coverage, dest: &Destination) -> Result<(), Ending> {
        let (generator, rules, digest) = self.about_texts();
        let about = About {
            generator: &generator,
            rules: &rules,
            digest: &digest,
        };
        let titles = |id: &str| self.engine.referential_title(id).to_string();
        let csv = CsvOptions {
            excel: dest.csv_excel,
        };
        let body = match self.cli.format {
            Format::Json => return self.json(dest, c),
            Format::Csv => Body::Text(report::coverage_csv(c, csv)?),
            Format::Html => Body::Text(report::coverage_html(c, &titles, &about)),
            Format::Xlsx => Body::Binary(report::coverage_xlsx(c, &about, Date::today())?),
            _ => Body::Text(report::coverage(c)),
        };
        self.deliver(dest, body)
    }

    /// Writes `export`'s answer.
    pub fn export(&self, e: &NetworkExport, dest: &Destination) -> Result<(), Ending> {
        let csv = CsvOptions {
            excel: dest.csv_excel,
        };
        let body = match self.cli.format {
            Format::Json => return self.json(dest, e),
            Format::Mermaid => report::export_mermaid(e),
            Format::Csv => report::export_csv(e, csv)?,
            _ => report::export_dot(e),
        };
        self.deliver(dest, Body::Text(body))
    }
}
