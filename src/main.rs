//! The `refmap` command line: parses arguments, asks the [`refmap::Engine`],
//! renders its answers, and turns the way a command ended into an exit code
//! (DESIGN §5): 0 success; 1 findings (lint errors, failed tests, rules with
//! errors); 2 usage or input error.

mod cli;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use serde::Serialize;

use cli::args::{Cli, Command, Format};
use cli::output::{emit, emit_json, eprint_all};
use cli::timings::Timings;
use cli::Ending;
use refmap::report::{self, Style};
use refmap::{CheckOptions, Date, Engine, Input};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
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
        use Format::{Csv, Dot, Human, Json, Junit, Mermaid, Oscal, Xlsx};
        let formats: &[Format] = match &self.cli.command {
            Command::Fmt { check, files } => return cli::fmt::files(*check, files, self.color_err),
            Command::Export { .. } => &[Human, Dot, Mermaid, Csv, Json, Oscal, Xlsx],
            Command::Import { what } => {
                self.cli.format.one_of(&[Human])?;
                if let cli::args::Import::Referential { id, title, sheet } = what {
                    return cli::exchange::referential(id, title, sheet);
                }
                &[Human]
            }
            Command::Test => &[Human, Json, Junit],
            _ => &[Human, Json],
        };
        self.cli.format.one_of(formats)?;
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
            Command::Fmt { .. } => Ok(()),
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
            Command::Coverage { from, to } => {
                let r = engine.coverage(from, to);
                self.answer(&self.queried(r)?, report::coverage)
            }
            Command::Export { derived, output } => self.export(engine, *derived, output.as_deref()),
            Command::Import { what } => cli::exchange::import(engine, what),
            Command::Check {
                evidence,
                as_of,
                referential,
                summary,
            } => self.check(engine, evidence, as_of.as_deref(), referential, *summary),
            Command::Test => {
                let run = engine.test(Date::today());
                match self.cli.format {
                    Format::Json => emit_json(&run)?,
                    Format::Junit => emit(&report::tests_junit(&run.tests)),
                    _ => emit(&report::tests(&run.tests, style)),
                }
                if run.failed > 0 {
                    Err(Ending::Findings)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Loads the rules, shipped or `--rules`, whatever their errors.
    fn load(&self) -> Result<Engine, Ending> {
        let builder = if self.cli.rules.is_empty() {
            Engine::builder().shipped()
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
            _ => emit(&human(value)),
        }
        Ok(())
    }

    fn export(
        &self,
        engine: &Engine,
        derived: bool,
        output: Option<&std::path::Path>,
    ) -> Result<(), Ending> {
        let text = match self.cli.format {
            Format::Oscal => {
                let doc = engine.export_oscal(derived, &Date::today().to_string());
                serde_json::to_string_pretty(&doc)? + "\n"
            }
            Format::Csv => engine.export_csv(derived),
            Format::Xlsx => {
                let bytes = engine.export_xlsx(derived).map_err(Ending::Input)?;
                return cli::exchange::deliver(output, &bytes, true);
            }
            Format::Json => serde_json::to_string_pretty(&engine.export())? + "\n",
            Format::Mermaid => report::export_mermaid(&engine.export()),
            _ => report::export_dot(&engine.export()),
        };
        cli::exchange::deliver(output, text.as_bytes(), false)
    }

    fn lint(&self, engine: &Engine) -> Result<(), Ending> {
        let lint = engine.lint();
        if self.cli.format == Format::Json {
            emit_json(&lint)?;
        } else {
            let mut out: String = lint
                .render(self.color)
                .iter()
                .map(|d| format!("{d}\n"))
                .collect();
            let i = &lint.info;
            out.push_str(&format!(
                "{} error(s), {} warning(s) in {} file(s); {} referential(s), {} clause(s), {} evidence type(s), {} link(s), {} test(s)\n",
                lint.errors, lint.warnings, i.files, i.referentials, i.clauses, i.evidence_types, i.links, i.tests,
            ));
            emit(&out);
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
        summary: bool,
    ) -> Result<(), Ending> {
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
        let inputs: Vec<Input> = files.iter().cloned().map(Input::Path).collect();
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
        // Unreadable files are reported alone, before any inventory's problems.
        let (unreadable, rest): (Vec<_>, Vec<_>) = outcomes
            .into_iter()
            .partition(|o| matches!(o, Err(refmap::CheckError::Unreadable { .. })));
        let problems = |errs: Vec<String>| Ending::Input(errs.join("\n"));
        if !unreadable.is_empty() {
            return Err(problems(
                unreadable
                    .into_iter()
                    .filter_map(|o| o.err().map(|e| e.to_string()))
                    .collect(),
            ));
        }
        let (reports, failed): (Vec<_>, Vec<_>) = rest.into_iter().partition(Result::is_ok);
        if !failed.is_empty() {
            // Each problem drawn with its code, place and source line.
            let drawn: Vec<String> = failed
                .iter()
                .filter_map(|o| o.as_ref().err())
                .map(|e| match e {
                    refmap::CheckError::Inventory(e) => e.render(self.color_err),
                    other => other.to_string(),
                })
                .collect();
            eprint_all(&drawn);
            return Err(Ending::Input(format!(
                "{} inventory file(s) have problems; nothing was evaluated",
                failed.len()
            )));
        }
        let reports: Vec<refmap::Report> = reports.into_iter().filter_map(Result::ok).collect();
        if self.cli.format == Format::Json {
            match reports.as_slice() {
                [one] => emit_json(one)?,
                many => emit_json(&many)?,
            }
            return Ok(());
        }
        let titles = |id: &str| engine.referential_title(id).to_string();
        let style = Style { color: self.color };
        let mut out = String::new();
        for (i, r) in reports.iter().enumerate() {
            if summary {
                out.push_str(&report::check_summary(r));
            } else {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&report::check(r, &titles, style));
            }
        }
        emit(&out);
        Ok(())
    }
}
