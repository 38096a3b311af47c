//! refmap: a rules engine for quality referentials.
//!
//! Quality engineers write referentials (clauses and the evidence each
//! requires), evidence types and mappings between clauses of different
//! referentials in `.rules` files. refmap checks them, reasons soundly over
//! the relations between clauses, and evaluates a site's evidence inventory.
//!
//! [`Engine`] is the one way in: load rules (shipped, files, texts,
//! layered), then ask. Every answer is `serde::Serialize` in the JSON shape
//! the command line prints; [`report`] renders them for people.
//!
//! ```
//! use refmap::{CheckOptions, Engine, Status};
//!
//! let engine = Engine::shipped();
//! assert!(!engine.has_errors());
//! let answer = engine.relate("LABELIX:ORGANISATION.3", "ISO15189-2022:6.4")?;
//! assert!(!answer.relations.is_empty());
//!
//! let checker = engine.checker(CheckOptions::default())?;
//! let report = checker.check(
//!     "site.yaml",
//!     "site: \"Centre du Parc\"\nas_of: 2026-11-01\nassessments:\n  - { clause: \"LABELIX:ORGANISATION.3\", status: met }\n",
//! )?;
//! assert_eq!(report.as_of.to_string(), "2026-11-01");
//! assert!(report.clauses.iter().any(|c| c.status == Status::Met));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Inside, the stages only look down: `vocab` (shared words) → `syntax`
//! (text → tree with spans; formatter) → `model` (resolution and checks →
//! rulebook; the `mapper` reasons over its network of dense ids) →
//! `evaluate` / `query` → [`report`] → [`Engine`].

// pest is built without its `std` feature (see `Cargo.toml`), so the parser it
// generates names `alloc` from the crate root.
extern crate alloc;

mod batch;
mod date;
mod diagnostic;
mod engine;
mod evaluate;
mod exchange;
mod inventory;
mod lint;
mod load;
mod mapper;
mod model;
mod query;
pub mod report;
mod source;
mod syntax;
mod test_blocks;
mod vocab;

pub use date::{Date, DateError};
pub use diagnostic::{Diagnostic, DiagnosticJson, Label, PlaceJson, Severity};
pub use engine::{
    CheckError, CheckOptions, Checker, Engine, EngineBuilder, EvidenceTypeInfo, ExchangeError,
    FailedInput, FieldInfo, FormatError, ImportOptions, ImportOutput, Input, Lint, RuleErrors,
    RulesInfo, Sheet, ShippedFile, SiteProfile, TestRun,
};
pub use evaluate::{AssessmentRef, Basis, ClauseResult, Contradiction, Report, Summary};
pub use inventory::{InventoryError, Problem};
pub use load::LoadError;
pub use query::{
    ClauseTree, Cover, CoverCounts, Coverage, CoveredClause, DerivedLink, Equivalent, Equivalents,
    ExportClause, ExportLink, Kinship, NetworkExport, ProofStep, QueryError, ReferentialTree,
    Relate,
};
pub use source::{FileId, Location, SourceMap, Span};
pub use test_blocks::{Failure, TestOutcome};
pub use vocab::{Relation, RelationSet, Status};

/// The stages themselves, for benchmarks, fuzz targets and property tests
/// that check one stage against another. Not a stable interface: use
/// [`Engine`].
#[doc(hidden)]
pub mod internal {
    /// Evaluating many inventories on every core.
    pub mod batch {
        pub use crate::batch::*;
    }
    /// Dates and durations.
    pub mod date {
        pub use crate::date::*;
    }
    /// Diagnostics.
    pub mod diagnostic {
        pub use crate::diagnostic::*;
    }
    /// Evaluation of inventories.
    pub mod evaluate {
        pub use crate::evaluate::*;
    }
    /// OSCAL, spreadsheets and clause lists.
    pub mod exchange {
        pub use crate::exchange::*;
    }
    /// Evidence inventories.
    pub mod inventory {
        pub use crate::inventory::*;
    }
    /// Checks only lint pays for.
    pub mod lint {
        pub use crate::lint::*;
    }
    /// Reading rule files.
    pub mod load {
        pub use crate::load::*;
    }
    /// Relation reasoning.
    pub mod mapper {
        pub use crate::mapper::*;
    }
    /// The resolved rulebook.
    pub mod model {
        pub use crate::model::*;
    }
    /// Queries of a rulebook.
    pub mod query {
        pub use crate::query::*;
    }
    /// Source files and spans.
    pub mod source {
        pub use crate::source::*;
    }
    /// Text to syntax tree; the formatter.
    pub mod syntax {
        pub use crate::syntax::*;
    }
    /// Running `test` blocks.
    pub mod test_blocks {
        pub use crate::test_blocks::*;
    }
    /// Shared words.
    pub mod vocab {
        pub use crate::vocab::*;
    }
}
