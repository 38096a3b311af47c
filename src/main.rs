//! The `refmap` command line: parses arguments, calls the library, prints.
//!
//! Exit codes (DESIGN §5): 0 success; 1 findings (lint errors, failed tests,
//! inconsistent network); 2 usage or input error.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use refmap::diagnostic::Diagnostic;
use refmap::load;
use refmap::model::{Loaded, Rulebook};
use refmap::source::SourceMap;
use refmap::syntax;

/// refmap — a rules engine for quality referentials.
#[derive(Debug, Parser)]
#[command(name = "refmap", version, about, long_about = None)]
struct Cli {
    /// Rules to use instead of the shipped ones (file or folder; repeatable).
    #[arg(long = "rules", global = true, value_name = "PATH")]
    rules: Vec<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Drop links rated below N before reasoning (unrated links stay).
    #[arg(long = "min-strength", global = true, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=10))]
    min_strength: Option<u8>,
    /// When to colour human output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Readable text (coloured on a terminal).
    Human,
    /// JSON for tools.
    Json,
    /// Graphviz DOT (`export` only).
    Dot,
    /// Mermaid flowchart (`export` only).
    Mermaid,
    /// CSV (`export` only).
    Csv,
    /// JUnit XML (`test` only).
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the rules; exit 1 on any error.
    Lint,
    /// Print files in canonical form, in place (atomically) or with --check.
    Fmt {
        /// Only check: list files that are not formatted, exit 1 if any.
        #[arg(long)]
        check: bool,
        /// Files to format; `-` reads standard input and writes standard output.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// The clause tree of one referential, or of all.
    Clauses {
        /// Referential id, e.g. `LABELIX`.
        referential: Option<String>,
    },
    /// The possible relations of clause A to clause B, with proof.
    Relate {
        /// Clause A, `REF:ID`.
        a: String,
        /// Clause B, `REF:ID`.
        b: String,
    },
    /// Every clause with an entailed relation to A.
    Equivalents {
        /// Clause A, `REF:ID`.
        a: String,
        /// Only clauses of this referential.
        #[arg(long, value_name = "REF_ID")]
        to: Option<String>,
    },
    /// What holding one referential covers of another.
    Coverage {
        /// The referential held.
        #[arg(long, value_name = "REF_ID")]
        from: String,
        /// The referential covered.
        #[arg(long, value_name = "REF_ID")]
        to: String,
    },
    /// The mapping network (declared and derived links) as dot, mermaid, csv or json.
    Export,
    /// Evaluate sites' evidence inventories (YAML or JSON).
    Check {
        /// Inventory files, one per site.
        #[arg(long = "evidence", value_name = "FILE", required = true, num_args = 1..)]
        evidence: Vec<PathBuf>,
        /// Evaluation date (overrides the inventory's `as_of`; default today).
        #[arg(long = "as-of", value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Only report these referentials (repeatable).
        #[arg(long = "referential", value_name = "REF_ID")]
        referential: Vec<String>,
        /// Counts per referential only.
        #[arg(long)]
        summary: bool,
    },
    /// Run the `test` blocks of the rules; the last line is `N passed, N failed`.
    Test,
}

/// A usage or input error: exit code 2.
#[derive(Debug)]
struct InputError(String);

impl<E: std::fmt::Display> From<E> for InputError {
    fn from(e: E) -> Self {
        InputError(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
        }
    };
    let ctx = Context { cli: &cli, color };
    match ctx.run() {
        Ok(code) => code,
        Err(InputError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs a query, printing its time (the query alone, before its answer is
/// formatted) under `REFMAP_TIMINGS`.
fn timed_query<T>(query: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let answer = query();
    if refmap::load::timings() {
        eprintln!(
            "refmap timings: query {:.1} µs",
            started.elapsed().as_secs_f64() * 1e6
        );
    }
    answer
}

/// The median of some durations, in microseconds (0 for none).
fn median_us(mut xs: Vec<std::time::Duration>) -> f64 {
    xs.sort_unstable();
    xs.get(xs.len() / 2).map_or(0.0, |d| d.as_secs_f64() * 1e6)
}

struct Context<'a> {
    cli: &'a Cli,
    color: bool,
}

impl Context<'_> {
    fn run(&self) -> Result<ExitCode, InputError> {
        match &self.cli.command {
            Command::Lint => self.lint(),
            Command::Fmt { check, files } => self.fmt(*check, files),
            Command::Clauses { referential } => self.clauses(referential.as_deref()),
            Command::Relate { a, b } => self.query(|book| {
                let r = timed_query(|| refmap::query::relate(book, a, b))?;
                Ok((refmap::report::relate(&r), serde_json::to_value(&r)?))
            }),
            Command::Equivalents { a, to } => self.query(|book| {
                let r = timed_query(|| refmap::query::equivalents(book, a, to.as_deref()))?;
                Ok((refmap::report::equivalents(&r), serde_json::to_value(&r)?))
            }),
            Command::Coverage { from, to } => self.query(|book| {
                let r = timed_query(|| refmap::query::coverage(book, from, to))?;
                Ok((refmap::report::coverage(&r), serde_json::to_value(&r)?))
            }),
            Command::Export => self.export(),
            Command::Check {
                evidence,
                as_of,
                referential,
                summary,
            } => self.check(evidence, as_of.as_deref(), referential, *summary),
            Command::Test => self.test(),
        }
    }

    fn options(&self) -> load::Options {
        load::Options {
            min_strength: self.cli.min_strength,
        }
    }

    /// Loads the rules without judging them (lint reports everything).
    fn load_any(&self) -> Result<Loaded, InputError> {
        if self.cli.rules.is_empty() {
            Ok(load::shipped(self.options()))
        } else {
            load::paths(&self.cli.rules, self.options()).map_err(|e| InputError(e.to_string()))
        }
    }

    /// Loads rules that must be free of errors to answer queries; errors are
    /// printed and give exit code 1 (findings in the rules). The rulebook
    /// lives until the process exits: freeing a million links one by one
    /// just before exiting would only cost time.
    fn load_clean(&self) -> Result<Result<&'static Rulebook, ExitCode>, InputError> {
        let loaded = self.load_any()?;
        if loaded.has_errors() {
            let errors: Vec<&Diagnostic> =
                loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
            let mut err = std::io::stderr().lock();
            for d in &errors {
                let _ = writeln!(
                    err,
                    "{}",
                    d.render(&loaded.rulebook.sources, self.color_err())
                );
            }
            let _ = writeln!(
                err,
                "error: the rules have {} error(s); run `refmap lint` for details",
                errors.len()
            );
            return Ok(Err(ExitCode::from(1)));
        }
        Ok(Ok(Box::leak(Box::new(loaded.rulebook))))
    }

    fn color_err(&self) -> bool {
        match self.cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
            }
        }
    }

    fn print_json<T: Serialize>(&self, value: &T) -> Result<(), InputError> {
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        emit(&text);
        Ok(())
    }

    fn lint(&self) -> Result<ExitCode, InputError> {
        self.formats(&[Format::Human, Format::Json])?;
        let mut loaded = self.load_any()?;
        refmap::lint::add_redundancy_warnings(&mut loaded);
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = loaded.diagnostics.len() - errors;
        let sources = &loaded.rulebook.sources;
        match self.cli.format {
            Format::Json => self.print_json(&LintJson {
                diagnostics: loaded
                    .diagnostics
                    .iter()
                    .map(|d| d.to_json(sources))
                    .collect(),
                errors,
                warnings,
                files: sources.iter().count(),
            })?,
            _ => {
                let mut out = String::new();
                for d in &loaded.diagnostics {
                    out.push_str(&d.render(sources, self.color));
                    out.push('\n');
                }
                let files = sources.iter().count();
                out.push_str(&format!(
                    "{errors} error(s), {warnings} warning(s) in {files} file(s); {} referential(s), {} clause(s), {} evidence type(s), {} link(s), {} test(s)\n",
                    loaded.rulebook.referentials.len(),
                    loaded.rulebook.clauses.len(),
                    loaded.rulebook.evidence_types.len(),
                    loaded.rulebook.links.len(),
                    loaded.rulebook.tests.len(),
                ));
                emit(&out);
            }
        }
        Ok(if errors > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    }

    fn fmt(&self, check: bool, files: &[PathBuf]) -> Result<ExitCode, InputError> {
        let mut unformatted = 0usize;
        for path in files {
            let (name, text) = if path == Path::new("-") {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| InputError(format!("cannot read standard input: {e}")))?;
                ("<stdin>".to_string(), text)
            } else {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| InputError(format!("cannot read `{}`: {e}", path.display())))?;
                (path.display().to_string(), text)
            };
            let mut sources = SourceMap::new();
            let id = sources.add(name.clone(), text.clone());
            let tree = match syntax::parse(id, &text) {
                Ok(tree) => tree,
                Err(errors) => {
                    let mut err = std::io::stderr().lock();
                    for d in &errors {
                        let _ = writeln!(err, "{}", d.render(&sources, self.color_err()));
                    }
                    return Err(InputError(format!(
                        "`{name}` has syntax errors; nothing was written"
                    )));
                }
            };
            let formatted = syntax::format(&tree, &text);
            if path == Path::new("-") {
                if check {
                    if formatted != text {
                        unformatted += 1;
                        emit("<stdin>\n");
                    }
                } else {
                    emit(&formatted);
                }
            } else if formatted != text {
                if check {
                    unformatted += 1;
                    emit(&format!("{name}\n"));
                } else {
                    write_atomically(path, &formatted)
                        .map_err(|e| InputError(format!("cannot write `{name}`: {e}")))?;
                }
            }
        }
        if check && unformatted > 0 {
            eprintln!("{unformatted} file(s) not in canonical form; run `refmap fmt FILE...`");
            return Ok(ExitCode::from(1));
        }
        Ok(ExitCode::SUCCESS)
    }

    /// Refuses a `--format` that the command does not produce.
    fn formats(&self, allowed: &[Format]) -> Result<(), InputError> {
        if allowed.contains(&self.cli.format) {
            Ok(())
        } else {
            let name = |f: &Format| {
                f.to_possible_value()
                    .map_or_else(String::new, |v| format!("`{}`", v.get_name()))
            };
            Err(InputError(format!(
                "this command does not write {}; use {}",
                name(&self.cli.format),
                allowed.iter().map(name).collect::<Vec<_>>().join(" or ")
            )))
        }
    }

    /// Runs a query that has a human and a JSON rendering.
    fn query(
        &self,
        answer: impl FnOnce(&Rulebook) -> Result<(String, serde_json::Value), InputError>,
    ) -> Result<ExitCode, InputError> {
        self.formats(&[Format::Human, Format::Json])?;
        let book = match self.load_clean()? {
            Ok(book) => book,
            Err(code) => return Ok(code),
        };
        let (human, json) = answer(book)?;
        match self.cli.format {
            Format::Json => self.print_json(&json)?,
            _ => emit(&human),
        }
        Ok(ExitCode::SUCCESS)
    }

    fn export(&self) -> Result<ExitCode, InputError> {
        self.formats(&[
            Format::Human,
            Format::Dot,
            Format::Mermaid,
            Format::Csv,
            Format::Json,
        ])?;
        let book = match self.load_clean()? {
            Ok(book) => book,
            Err(code) => return Ok(code),
        };
        let export = refmap::query::export(book);
        match self.cli.format {
            Format::Json => self.print_json(&export)?,
            Format::Mermaid => emit(&refmap::report::export_mermaid(&export)),
            Format::Csv => emit(&refmap::report::export_csv(&export)),
            _ => emit(&refmap::report::export_dot(&export)),
        }
        Ok(ExitCode::SUCCESS)
    }

    fn check(
        &self,
        files: &[PathBuf],
        as_of: Option<&str>,
        referentials: &[String],
        summary: bool,
    ) -> Result<ExitCode, InputError> {
        self.formats(&[Format::Human, Format::Json])?;
        let as_of = match as_of {
            Some(text) => Some(
                text.parse::<refmap::date::Date>()
                    .map_err(|e| InputError(format!("`--as-of {text}`: {e}")))?,
            ),
            None => None,
        };
        let book = match self.load_clean()? {
            Ok(book) => book,
            Err(code) => return Ok(code),
        };
        for r in referentials {
            refmap::query::referential_id(book, r).map_err(|e| InputError(e.to_string()))?;
        }
        // Restricted to the referentials reported: the others are
        // evaluated only as far as these need them.
        let evaluator = refmap::evaluate::Evaluator::for_referentials(book, referentials);
        let today = refmap::date::Date::today();
        let progress = files.len() >= 20 && std::io::stderr().is_terminal();
        let detail = if summary {
            refmap::evaluate::Detail::Summary
        } else {
            refmap::evaluate::Detail::Full
        };
        // Each file is read, loaded and evaluated on the core that takes
        // it, and its text dropped there: reading is spread over the cores
        // and a batch never holds every file at once.
        let started = std::time::Instant::now();
        let outcomes = refmap::batch::parallel_map_with(
            files,
            || evaluator.scratch(),
            |scratch, path| {
                let name = path.display().to_string();
                std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read `{name}`: {e}"))
                    .map(|text| {
                        refmap::batch::check_one_timed(
                            &evaluator, scratch, &name, &text, as_of, today, detail,
                        )
                    })
            },
            |done| {
                if progress {
                    eprint!("\r{done}/{} sites evaluated", files.len());
                }
            },
        );
        if progress {
            eprintln!();
        }
        // Unreadable files are reported alone, before any inventory's problems.
        let mut problems: Vec<String> = outcomes
            .iter()
            .filter_map(|o| o.as_ref().err().cloned())
            .collect();
        if !problems.is_empty() {
            return Err(InputError(problems.join("\n")));
        }
        let timed: Vec<_> = outcomes.into_iter().filter_map(Result::ok).collect();
        if refmap::load::timings() {
            eprintln!(
                "refmap timings: {} inventories in {:.3} s; per inventory (median): load {:.1} µs, evaluate {:.1} µs",
                timed.len(),
                started.elapsed().as_secs_f64(),
                median_us(timed.iter().map(|t| t.1[0]).collect()),
                median_us(timed.iter().map(|t| t.1[1]).collect()),
            );
        }
        let mut reports = Vec::with_capacity(timed.len());
        for (result, _) in timed {
            match result {
                Ok(report) => reports.push(report),
                Err(e) => problems.push(e.to_string()),
            }
        }
        if !problems.is_empty() {
            return Err(InputError(problems.join("\n")));
        }
        let style = refmap::report::Style { color: self.color };
        match self.cli.format {
            Format::Json => {
                let values: Vec<serde_json::Value> = reports
                    .iter()
                    .map(|r| {
                        let mut v = serde_json::to_value(r)?;
                        if summary {
                            if let Some(obj) = v.as_object_mut() {
                                obj.remove("clauses");
                            }
                        }
                        Ok(v)
                    })
                    .collect::<Result<_, serde_json::Error>>()?;
                if values.len() == 1 {
                    if let Some(v) = values.first() {
                        self.print_json(v)?;
                    }
                } else {
                    self.print_json(&values)?;
                }
            }
            _ => {
                let titles = |id: &str| {
                    book.referential(id)
                        .map_or_else(String::new, |r| r.title.clone())
                };
                let mut out = String::new();
                for (i, r) in reports.iter().enumerate() {
                    if summary {
                        out.push_str(&refmap::report::check_summary(r));
                    } else {
                        if i > 0 {
                            out.push('\n');
                        }
                        out.push_str(&refmap::report::check(r, &titles, style));
                    }
                }
                emit(&out);
            }
        }
        Ok(ExitCode::SUCCESS)
    }

    fn test(&self) -> Result<ExitCode, InputError> {
        self.formats(&[Format::Human, Format::Json, Format::Junit])?;
        let book = match self.load_clean()? {
            Ok(book) => book,
            Err(code) => return Ok(code),
        };
        let evaluator = refmap::evaluate::Evaluator::new(book);
        let outcomes = refmap::test_blocks::run(book, &evaluator, refmap::date::Date::today());
        let failed = outcomes.iter().filter(|t| !t.passed).count();
        match self.cli.format {
            Format::Json => self.print_json(&serde_json::json!({
                "tests": outcomes,
                "passed": outcomes.len() - failed,
                "failed": failed,
            }))?,
            Format::Junit => emit(&refmap::report::tests_junit(&outcomes)),
            _ => emit(&refmap::report::tests(
                &outcomes,
                refmap::report::Style { color: self.color },
            )),
        }
        Ok(if failed > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    }

    fn clauses(&self, referential: Option<&str>) -> Result<ExitCode, InputError> {
        self.formats(&[Format::Human, Format::Json])?;
        let book = match self.load_clean()? {
            Ok(book) => book,
            Err(code) => return Ok(code),
        };
        let trees = refmap::query::clause_trees(book, referential)
            .map_err(|e| InputError(e.to_string()))?;
        match self.cli.format {
            Format::Json => self.print_json(&trees)?,
            _ => emit(&refmap::report::clause_trees(&trees)),
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Writes to standard output; a closed pipe (`refmap … | head`) ends the
/// program quietly instead of panicking.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let result = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(2);
    }
}

/// JSON output of `lint`.
#[derive(Serialize)]
struct LintJson {
    diagnostics: Vec<refmap::diagnostic::DiagnosticJson>,
    errors: usize,
    warnings: usize,
    files: usize,
}

/// Replaces `path` with `text` through a temporary file in the same folder,
/// renamed over the original, keeping its permissions: the file is either
/// the old one or the new one, never half-written.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.as_file().set_permissions(permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
