//! refmap: a rules engine for quality referentials.
//!
//! Quality engineers write referentials (clauses and the evidence each
//! requires), evidence types and mappings between clauses of different
//! referentials in `.rules` files. refmap checks them, reasons soundly over
//! the relations between clauses, and evaluates a site's evidence inventory.
//!
//! The stages, each a module, data flowing one way:
//! [`syntax`] (text → tree with spans, formatter) → [`model`] (resolution and
//! checks → [`model::Rulebook`]) → [`mapper`] (relation reasoning) →
//! [`query`] (relate, equivalents, coverage, export) and [`evaluate`]
//! ([`inventory`] of a site → statuses with proofs; [`batch`] for many
//! sites) → [`report`] (human renderings; JSON is serde on the answers).
//! [`load`] reads files and runs the front end; [`lint`] adds the checks only
//! `refmap lint` pays for; [`test_blocks`] runs the rules' `test` blocks.
//!
//! ```
//! let loaded = refmap::load::shipped(refmap::load::Options::default());
//! assert!(!loaded.has_errors());
//! let book = &loaded.rulebook;
//! let answer = refmap::query::relate(book, "LABELIX:ORGANISATION.3", "ISO15189-2022:6.4")?;
//! assert!(!answer.relations.is_empty());
//!
//! let inventory = refmap::inventory::load(
//!     book,
//!     "site.yaml",
//!     "site: \"Centre du Parc\"\nassessments:\n  - { clause: \"LABELIX:ORGANISATION.3\", status: met }\n",
//! )?;
//! let evaluator = refmap::evaluate::Evaluator::new(book);
//! let report = evaluator.evaluate(&inventory, "2026-11-01".parse()?);
//! assert_eq!(report.as_of.to_string(), "2026-11-01");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// pest is built without its `std` feature (see `Cargo.toml`), so the parser it
// generates names `alloc` from the crate root.
extern crate alloc;

pub mod batch;
pub mod date;
pub mod diagnostic;
pub mod evaluate;
pub mod inventory;
pub mod lint;
pub mod load;
pub mod mapper;
pub mod model;
pub mod query;
pub mod report;
pub mod source;
pub mod syntax;
pub mod test_blocks;
pub mod vocab;
