//! The `refmap` command line: parses arguments, asks the [`refmap::Engine`],
//! renders its answers, and turns the way a command ended into an exit code
//! (DESIGN §5): 0 success; 1 findings (lint errors, failed tests, rules with
//! errors); 2 usage or input error.

mod cli;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::FromArgMatches;
use serde::Serialize;

use cli::args::{Cli, Command, Format, RulesAction};
use cli::output::{emit, emit_each, emit_json, eprint_all};
use cli::reports::{CheckView, Writer};
use cli::timings::Timings;
use cli::Ending;
use refmap::report::{self, Style};
use refmap::{CheckOptions, Date, Engine, Input};

fn main() -> ExitCode {
    let parsed = cli::help::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let timings = cli.timings.then(Timings::install);
    let ctx = Context {
        color: cli.color.colored(std::io::stdout().is_terminal()),
        color_err: cli.color.colored(std::io::stderr().is_terminal()),
        cli: &cli,
        timings,
    };
    match ctx.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Ending::Findings) => ExitCode::from(1),
        Err(Ending::Input(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

struct Context<'a> {
    cli: &'a Cli,
    color: bool,
    color_err: bool,
    timings: Option<Timings>,
}

impl Context<'_> {
    fn run(&self) -> Result<(), Ending> {
        cli::help::check_format(&self.cli.command, self.cli.format)?;
        match &self.cli.command {
            Command::Fmt { check, files } => return cli::fmt::files(*check, files, self.color_err),
            Command::Rules {
                action: RulesAction::Export { dir, force },
            } => return cli::shipped::export(dir, *force),
            Command::Completions { shell } => {
                let mut script = Vec::new();
                clap_complete::generate(*shell, &mut cli::help::command(), "refmap", &mut script);
                emit(&String::from_utf8_lossy(&script));
                return Ok(());
            }
            Command::Man => {
                let mut page = Vec::new();
                clap_mangen::Man::new(cli::help::command()).render(&mut page)?;
                emit(&String::from_utf8_lossy(&page));
                return Ok(());
            }
            Command::Check {
                evidence, stray, ..
            } if evidence.is_empty() => return Err(no_evidence(stray)),
            Command::Import {
                what: cli::args::Import::Referential { id, title, sheet },
            } => return cli::exchange::referential(id, title, sheet),
            _ => {}
        }
        if let Command::Check { dest, .. }
        | Command::Coverage { dest, .. }
        | Command::Export { dest, .. } = &self.cli.command
        {
            cli::reports::refuse_mismatch(self.cli.format, dest)?;
        }
        let engine = if matches!(self.cli.command, Command::Lint) {
            self.load()?
        } else {
            self.engine()?
        };
        let ending = self.ask(&engine);
        // Freeing a large rulebook node by node just before exiting would
        // only cost time: the process ends here.
        std::mem::forget(engine);
        ending
    }

    fn ask(&self, engine: &Engine) -> Result<(), Ending> {
        let style = Style { color: self.color };
        match &self.cli.command {
            Command::Fmt { .. }
            | Command::Rules { .. }
            | Command::Completions { .. }
            | Command::Man => Ok(()),
            Command::Lint => self.lint(engine),
            Command::Clauses { referential } => {
                let trees = engine.clauses(referential.as_deref())?;
                self.answer(&trees, |t| report::clause_trees(t))
            }
            Command::Relate { a, b } => {
                let r = engine.relate(a, b);
                self.answer(&self.queried(r)?, report::relate)
            }
            Command::Equivalents { a, to } => {
                let r = engine.equivalents(a, to.as_deref());
                self.answer(&self.queried(r)?, report::equivalents)
            }
            Command::Coverage {
                from,
                to,
                profile,
                dest,
            } => {
                let site = match profile {
                    None => None,
                    Some(path) => Some(engine.site_profile(path).map_err(|e| match e {
                        refmap::CheckError::Inventory(e) => {
                            eprint_all(&[e.render(self.color_err)]);
                            Ending::Input(format!(
                                "`--profile {}`: the inventory has problems",
                                path.display()
                            ))
                        }
                        other => Ending::Input(format!("`--profile`: {other}")),
                    })?),
                };
                let r = engine.coverage_for(from, to, site.as_ref());
                self.writer(engine).coverage(&self.queried(r)?, dest)
            }
            Command::EvidenceTypes => {
                let types = engine.evidence_types();
                self.answer(&types, |t| cli::evidence_types::human(t))
            }
            Command::Export { derived, dest } => match self.cli.format {
                Format::Oscal | Format::Csv | Format::Xlsx => self.export(engine, *derived, dest),
                _ => self.writer(engine).export(&engine.export(), dest),
            },
            Command::Import { what } => cli::exchange::import(engine, what),
            Command::Check {
                evidence,
                as_of,
                referential,
                summary,
                fail_on,
                only,
                dest,
                ..
            } => {
                let view = CheckView {
                    summary: *summary,
                    fail_on: *fail_on,
                    only,
                    dest,
                    narrowed: !referential.is_empty(),
                };
                self.check(engine, evidence, as_of.as_deref(), referential, &view)
            }
            Command::Test => {
                let run = engine.test(Date::today());
                match self.cli.format {
                    Format::Json => emit_json(&run)?,
                    Format::Junit => emit(&report::tests_junit(&run.tests)),
                    _ => self.human(report::tests(&run.tests, style)),
                }
                if run.failed > 0 {
                    Err(Ending::Findings)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Writes reports in the format asked.
    fn writer<'e>(&'e self, engine: &'e Engine) -> Writer<'e> {
        Writer {
            engine,
            cli: self.cli,
            color: self.color,
        }
    }

    /// Loads the rules — shipped, shipped and `--add-rules`, or `--rules` —
    /// whatever their errors.
    fn load(&self) -> Result<Engine, Ending> {
        let builder = if self.cli.rules.is_empty() {
            Engine::builder().shipped().paths(&self.cli.add_rules)?
        } else {
            Engine::builder().paths(&self.cli.rules)?
        };
        let engine = builder.min_strength(self.cli.min_strength).build();
        if let Some(t) = &self.timings {
            let info = engine.rules_info();
            t.print_load(info.bytes, info.clauses, info.links);
        }
        Ok(engine)
    }

    /// Loads rules that must be free of errors to answer queries; errors are
    /// printed and end the command as findings (exit 1).
    fn engine(&self) -> Result<Engine, Ending> {
        let engine = self.load()?;
        if let Some(errors) = engine.rule_errors() {
            eprint_all(&errors.render(self.color_err));
            eprintln!("error: {errors}");
            return Err(Ending::Findings);
        }
        Ok(engine)
    }

    /// A query's answer, its time printed under `--timings`.
    fn queried<T>(&self, answer: Result<T, refmap::QueryError>) -> Result<T, Ending> {
        if let Some(t) = &self.timings {
            t.print_query();
        }
        Ok(answer?)
    }

    /// Prints an answer that has a human and a JSON rendering.
    fn answer<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce(&T) -> String,
    ) -> Result<(), Ending> {
        match self.cli.format {
            Format::Json => emit_json(value)?,
            _ => self.human(human(value)),
        }
        Ok(())
    }

    /// Prints human output; when it cites a shipped rules file (the binary's
    /// own, not on disk), says once how to get the files.
    fn human(&self, mut text: String) {
        cli::shipped::footer(self.cli, &mut text);
        emit(&text);
    }

    /// `export` in the exchange formats: OSCAL, and the crosswalk columns
    /// `import csv|xlsx` read back.
    fn export(
        &self,
        engine: &Engine,
        derived: bool,
        dest: &cli::args::Destination,
    ) -> Result<(), Ending> {
        let output = dest.output.as_deref();
        let text = match self.cli.format {
            Format::Oscal => {
                let doc = engine.export_oscal(derived, &Date::today().to_string());
                serde_json::to_string_pretty(&doc)? + "\n"
            }
            Format::Xlsx => {
                let bytes = engine.export_xlsx(derived).map_err(Ending::Input)?;
                return cli::exchange::deliver(output, &bytes, true);
            }
            _ if dest.csv_excel => cli::exchange::for_excel(&engine.export_csv(derived))?,
            _ => engine.export_csv(derived),
        };
        cli::exchange::deliver(output, text.as_bytes(), false)
    }

    fn lint(&self, engine: &Engine) -> Result<(), Ending> {
        let lint = engine.lint();
        if self.cli.format == Format::Json {
            emit_json(&lint)?;
        } else {
            let i = &lint.info;
            let summary = format!(
                "{} error(s), {} warning(s) in {} file(s); {} referential(s), {} clause(s), {} evidence type(s), {} link(s), {} test(s)\n",
                lint.errors, lint.warnings, i.files, i.referentials, i.clauses, i.evidence_types, i.links, i.tests,
            );
            emit_each(lint.render_each(self.color), &summary);
        }
        if lint.errors > 0 {
            Err(Ending::Findings)
        } else {
            Ok(())
        }
    }

    fn check(
        &self,
        engine: &Engine,
        files: &[PathBuf],
        as_of: Option<&str>,
        referentials: &[String],
        view: &CheckView<'_>,
    ) -> Result<(), Ending> {
        let summary = view.summary;
        let as_of = as_of
            .map(|text| {
                text.parse::<Date>()
                    .map_err(|e| Ending::Input(format!("`--as-of {text}`: {e}")))
            })
            .transpose()?;
        let options = CheckOptions {
            as_of,
            today: Date::today(),
            referentials: referentials.to_vec(),
            summary,
        };
        let checker = engine.checker(options)?;
        // `-` is standard input, read here; files are read by the workers.
        let inputs = files
            .iter()
            .map(|path| {
                if path.as_os_str() != "-" {
                    return Ok(Input::Path(path.clone()));
                }
                let text = Engine::read_inventory(path)
                    .map_err(|e| Ending::Input(format!("cannot read standard input: {e}")))?;
                Ok(Input::Text {
                    name: "<stdin>".to_string(),
                    text,
                })
            })
            .collect::<Result<Vec<Input>, Ending>>()?;
        let progress = files.len() >= 20 && std::io::stderr().is_terminal();
        let started = std::time::Instant::now();
        let outcomes = checker.check_all(&inputs, |done| {
            if progress {
                eprint!("\r{done}/{} sites evaluated", files.len());
            }
        });
        if progress {
            eprintln!();
        }
        if let Some(t) = &self.timings {
            t.print_check(outcomes.len(), started);
        }
        // A file that cannot be checked does not stop the others: each is
        // reported in its place, and the batch ends with exit 2.
        let failed = outcomes.iter().filter(|o| o.is_err()).count();
        if failed > 0 && self.cli.format == Format::Json {
            let items: Vec<serde_json::Value> = outcomes
                .iter()
                .map(|o| match o {
                    Ok(report) => serde_json::to_value(report),
                    Err(e) => serde_json::to_value(e.to_json()),
                })
                .collect::<Result<_, _>>()?;
            match items.as_slice() {
                [one] => emit_json(one)?,
                many => emit_json(&many)?,
            }
            return batch_ending(failed, files.len());
        }
        let drawn: Vec<String> = outcomes
            .iter()
            .filter_map(|o| o.as_ref().err().map(|e| e.render(self.color_err)))
            .collect();
        eprint_all(&drawn);
        let reports: Vec<refmap::Report> = outcomes.into_iter().filter_map(Result::ok).collect();
        if !reports.is_empty() {
            self.writer(engine).check(reports, view)?;
        }
        batch_ending(failed, files.len())
    }
}

/// How a batch ends: exit 2 when any file could not be checked.
fn batch_ending(failed: usize, total: usize) -> Result<(), Ending> {
    match (failed, total) {
        (0, _) => Ok(()),
        (1, 1) => Err(Ending::Input("the inventory could not be checked".into())),
        (f, t) if f == t => Err(Ending::Input(format!(
            "none of the {t} inventory files could be checked"
        ))),
        (f, t) => Err(Ending::Input(format!(
            "{f} of {t} inventory files could not be checked; the others were evaluated"
        ))),
    }
}

/// `check` without `--evidence`: how to give the inventories.
fn no_evidence(stray: &[PathBuf]) -> Ending {
    let files: Vec<String> = stray.iter().map(|p| p.display().to_string()).collect();
    Ending::Input(if files.is_empty() {
        "`check` needs the inventories to evaluate: `refmap check --evidence site.yaml [more.yaml ...]`"
            .to_string()
    } else {
        format!(
            "`check` takes inventories after `--evidence`: `refmap check --evidence {}`",
            files.join(" ")
        )
    })
}
