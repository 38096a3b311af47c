//! Each command's page: the formats it writes, one example and its exit
//! codes. One table feeds `--help`, the check of `--format`, completions and
//! the manual page, so they cannot disagree.

use clap::CommandFactory;

use super::args::{Cli, Command, Format, RulesAction};
use super::Ending;

use Format::{Csv, Dot, Html, Human, Json, Junit, Mermaid, Oscal, Xlsx};

/// What a command's help adds after its options.
struct Page {
    /// The command as typed (`rules export` for a nested one).
    name: &'static str,
    /// The `--format` values it takes (none: it takes no `--format`).
    formats: &'static [Format],
    /// One example.
    example: &'static str,
    /// When it exits 1, if it ever does.
    findings: Option<&'static str>,
}

const PAGES: &[Page] = &[
    Page {
        name: "lint",
        formats: &[Human, Json],
        example: "refmap lint --add-rules site/",
        findings: Some("the rules have errors"),
    },
    Page {
        name: "fmt",
        formats: &[],
        example: "refmap fmt --check rules/",
        findings: Some("with --check, a file is not in canonical form"),
    },
    Page {
        name: "clauses",
        formats: &[Human, Json],
        example: "refmap clauses LABELIX",
        findings: Some("the rules have errors"),
    },
    Page {
        name: "relate",
        formats: &[Human, Json],
        example: "refmap relate LABELIX:ORGANISATION.3 ISO15189-2022:6.4",
        findings: Some("the rules have errors"),
    },
    Page {
        name: "equivalents",
        formats: &[Human, Json],
        example: "refmap equivalents ISO15189-2022:8.9 --to LABELIX",
        findings: Some("the rules have errors"),
    },
    Page {
        name: "coverage",
        formats: &[Human, Json, Csv, Html, Xlsx],
        example: "refmap coverage --from LABELIX --to ISO15189-2022",
        findings: Some("the rules have errors"),
    },
    Page {
        name: "export",
        formats: &[Human, Dot, Mermaid, Csv, Json, Oscal, Xlsx],
        example: "refmap export --format dot | dot -Tsvg > network.svg",
        findings: Some("the rules have errors"),
    },
    Page {
        name: "check",
        formats: &[Human, Json, Csv, Html, Xlsx],
        example: "refmap check --evidence site.yaml --referential LABELIX,ACR-F --as-of 2026-11-01",
        findings: Some("the rules have errors, or `--fail-on` found clauses at or below its level"),
    },
    Page {
        name: "test",
        formats: &[Human, Json, Junit],
        example: "refmap test --add-rules site-tests.rules",
        findings: Some("a test failed, or the rules have errors"),
    },
    Page {
        name: "evidence-types",
        formats: &[Human, Json],
        example: "refmap evidence-types --format json",
        findings: Some("the rules have errors"),
    },
    Page {
        name: "rules export",
        formats: &[],
        example: "refmap rules export rules",
        findings: None,
    },
    Page {
        name: "completions",
        formats: &[],
        example: "refmap completions bash > ~/.local/share/bash-completion/completions/refmap",
        findings: None,
    },
    Page {
        name: "man",
        formats: &[],
        example: "refmap man > refmap.1 && man ./refmap.1",
        findings: None,
    },
    Page {
        name: "import",
        formats: &[],
        example: "refmap import csv crosswalk.csv --output site/crosswalk.rules",
        findings: None,
    },
];

/// The command line's definition, each command's help completed from
/// [`PAGES`].
pub fn command() -> clap::Command {
    let mut root = Cli::command().after_help(
        "Exit codes: 0 success; 1 findings (rule errors, failed tests); 2 usage or input error.\n\
         `refmap help COMMAND` shows a command's formats, an example and its exit codes.",
    );
    for page in PAGES {
        let text = after_help(page);
        root = match page.name.split_once(' ') {
            Some((outer, inner)) => {
                root.mut_subcommand(outer, |c| c.mut_subcommand(inner, |c| c.after_help(text)))
            }
            None => root.mut_subcommand(page.name, |c| c.after_help(text)),
        };
    }
    root
}

fn after_help(page: &Page) -> String {
    let formats = if page.formats.is_empty() {
        "Formats: none (no `--format`)".to_string()
    } else {
        let names: Vec<String> = page.formats.iter().map(|f| f.name()).collect();
        format!("Formats (--format): {}", names.join(", "))
    };
    let findings = page
        .findings
        .map_or_else(String::new, |f| format!("; 1 {f}"));
    format!(
        "{formats}\n\nExample:\n  {}\n\nExit codes: 0 success{findings}; 2 usage or input error",
        page.example
    )
}

/// The command's name as typed, e.g. `rules export`.
pub fn name(command: &Command) -> &'static str {
    match command {
        Command::Lint => "lint",
        Command::Fmt { .. } => "fmt",
        Command::Clauses { .. } => "clauses",
        Command::Relate { .. } => "relate",
        Command::Equivalents { .. } => "equivalents",
        Command::Coverage { .. } => "coverage",
        Command::Export { .. } => "export",
        Command::Import { .. } => "import",
        Command::Check { .. } => "check",
        Command::Test => "test",
        Command::EvidenceTypes => "evidence-types",
        Command::Rules {
            action: RulesAction::Export { .. },
        } => "rules export",
        Command::Completions { .. } => "completions",
        Command::Man => "man",
    }
}

/// Refuses a `--format` the command does not write.
pub fn check_format(command: &Command, format: Format) -> Result<(), Ending> {
    let name = name(command);
    let formats = PAGES
        .iter()
        .find(|p| p.name == name)
        .map_or(&[Human][..], |p| p.formats);
    format.one_of(name, formats)
}
