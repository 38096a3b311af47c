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
//! [`query`] (relate, equivalents, coverage, export). [`load`] is the
//! entry point that reads files and runs the front end:
//!
//! ```
//! let loaded = refmap::load::shipped(refmap::load::Options::default());
//! assert!(!loaded.has_errors());
//! let book = &loaded.rulebook;
//! assert!(book.referential("LABELIX").is_some());
//! ```

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
