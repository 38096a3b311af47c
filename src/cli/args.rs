//! The command line's arguments (DESIGN §5).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::Ending;

/// refmap — a rules engine for quality referentials.
#[derive(Debug, Parser)]
#[command(name = "refmap", version, about, long_about = None)]
pub struct Cli {
    /// Rules to use instead of the shipped ones (file or folder; repeatable).
    #[arg(long = "rules", global = true, value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Rules to load on top of the shipped ones: a site's mapping,
    /// referential or tests (file or folder; repeatable).
    #[arg(
        long = "add-rules",
        global = true,
        value_name = "PATH",
        conflicts_with = "rules"
    )]
    pub add_rules: Vec<PathBuf>,
    /// Output format; each command's help lists the formats it takes.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = Format::Human,
        hide_possible_values = true
    )]
    pub format: Format,
    /// Drop links rated below N before reasoning (unrated links stay).
    #[arg(long = "min-strength", global = true, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=10))]
    pub min_strength: Option<u8>,
    /// Print the time of each stage to standard error (as `REFMAP_TIMINGS=1` does).
    #[arg(long, global = true, env = "REFMAP_TIMINGS", value_parser = clap::builder::FalseyValueParser::new())]
    pub timings: bool,
    /// When to colour human output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text (coloured on a terminal).
    Human,
    /// JSON for tools.
    Json,
    /// Graphviz DOT (`export` only).
    Dot,
    /// Mermaid flowchart (`export` only).
    Mermaid,
    /// CSV (`check`, `coverage`; `export`: the crosswalk columns `import csv` reads).
    Csv,
    /// OSCAL mapping collection JSON (`export` only).
    Oscal,
    /// JUnit XML (`test` only).
    Junit,
    /// One self-contained HTML page (`check`, `coverage`).
    Html,
    /// An Excel workbook (`check`, `coverage`, `export`; binary: use `--output`).
    Xlsx,
}

/// Where a report goes, and how CSV is written.
#[derive(Debug, Args)]
pub struct Destination {
    /// Write to FILE (replaced atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// CSV for Excel in French and other locales: `;` separator, UTF-8 byte order mark.
    #[arg(long = "csv-excel")]
    pub csv_excel: bool,
}

/// The level at or below which a clause fails `check --fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailLevel {
    /// Any clause not met.
    NotMet,
    /// Any clause partial or not met.
    Partial,
    /// Any contradiction between a finding and the mappings.
    Contradiction,
}

/// A clause status, as `--only` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Met,
    Partial,
    NotMet,
    NotApplicable,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the rules; exit 1 on any error.
    Lint,
    /// Print files in canonical form, in place (atomically) or with --check.
    Fmt {
        /// Only check: list files that are not formatted, exit 1 if any.
        #[arg(long)]
        check: bool,
        /// Files or folders (every `*.rules` inside) to format; `-` reads
        /// standard input and writes standard output.
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
        /// A site's inventory: clauses that do not apply to its `profile`
        /// are reported `not-applicable` instead of `unknown`.
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
        #[command(flatten)]
        dest: Destination,
    },
    /// The mapping network (declared and derived links) as dot, mermaid, csv, json, oscal or xlsx.
    Export {
        /// With oscal, csv and xlsx: the derived relations too.
        #[arg(long)]
        derived: bool,
        #[command(flatten)]
        dest: Destination,
    },
    /// Turn other tools' files into rules text (`mapping` or `referential` blocks).
    Import {
        #[command(subcommand)]
        what: Import,
    },
    /// Evaluate sites' evidence inventories (YAML or JSON).
    Check {
        /// Inventory files, one per site.
        #[arg(long = "evidence", value_name = "FILE", num_args = 1..)]
        evidence: Vec<PathBuf>,
        /// Files given without `--evidence`: refused with the right command.
        #[arg(hide = true, value_name = "FILE")]
        stray: Vec<PathBuf>,
        /// Evaluation date (overrides the inventory's `as_of`; default today).
        #[arg(long = "as-of", value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Only report these referentials (repeatable, or comma-separated).
        #[arg(long = "referential", value_name = "REF_ID", value_delimiter = ',')]
        referential: Vec<String>,
        /// Counts per referential only.
        #[arg(long)]
        summary: bool,
        /// Exit 1 when a reported clause is at or below LEVEL (`unknown` and
        /// `not-applicable` never fail).
        #[arg(long = "fail-on", value_enum, value_name = "LEVEL")]
        fail_on: Option<FailLevel>,
        /// List only clauses with these statuses, e.g. `not-met,partial` (counts stay whole).
        #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS,...")]
        only: Vec<StatusArg>,
        #[command(flatten)]
        dest: Destination,
    },
    /// Run the `test` blocks of the rules; the last line is `N passed, N failed`.
    Test,
    /// The evidence types: fields, validity and the clauses that require each.
    EvidenceTypes,
    /// The shipped rules as files.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// A shell completion script, printed to standard output.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// The manual page (roff), printed to standard output.
    Man,
}

/// What `refmap rules` does.
#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Write the shipped rules files into DIR (atomically), so that a proof's
    /// `rules/x.rules:89` can be opened there.
    Export {
        /// The folder to write into (created if missing).
        dir: PathBuf,
        /// Overwrite files that differ from the shipped ones.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum Import {
    /// An OSCAL mapping collection (JSON) into `mapping` blocks.
    Oscal {
        /// The OSCAL document.
        file: PathBuf,
        /// Write to FILE (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// A CSV crosswalk (source, target, relation, strength, rationale, note) into a `mapping` block.
    Csv(SheetArgs),
    /// An XLSX crosswalk (first sheet, same columns as csv) into a `mapping` block.
    Xlsx(SheetArgs),
    /// A clause list (id, title, parent, summary, note; CSV or XLSX) into a `referential` block.
    Referential {
        /// Id of the referential.
        #[arg(long, value_name = "REF_ID")]
        id: String,
        /// Title of the referential.
        #[arg(long, value_name = "TITLE")]
        title: String,
        #[command(flatten)]
        sheet: SheetArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct SheetArgs {
    /// The spreadsheet (`.xlsx` is read as a workbook, anything else as CSV).
    pub file: PathBuf,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Leave bad rows out (listed on standard error) instead of refusing the file.
    #[arg(long = "skip-bad")]
    pub skip_bad: bool,
    /// Title of the `mapping` block for rows without a mapping column.
    #[arg(long = "mapping-title", value_name = "TITLE")]
    pub mapping_title: Option<String>,
}

impl Format {
    /// The value as written after `--format`.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string())
    }

    /// Refuses a `--format` that the command `command` does not produce.
    pub fn one_of(self, command: &str, allowed: &[Format]) -> Result<(), Ending> {
        if allowed.contains(&self) || (allowed.is_empty() && self == Format::Human) {
            return Ok(());
        }
        let names: Vec<String> = allowed.iter().map(|f| f.name()).collect();
        Err(Ending::Input(if names.is_empty() {
            format!(
                "`--format {}`: `{command}` takes no `--format`",
                self.name()
            )
        } else {
            format!(
                "`--format {}` is not a format of `{command}`; it takes {}",
                self.name(),
                names.join(", ")
            )
        }))
    }
}

impl ColorChoice {
    /// Whether to colour an output that is (or is not) a terminal.
    pub fn colored(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && terminal,
        }
    }
}
