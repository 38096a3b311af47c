//! Evidence inventories: a site's evidence items, profile and auditors'
//! assessments (DESIGN §4), loaded from YAML or JSON and checked against the
//! rulebook.
//!
//! Loading is strict, because a silently ignored typo would make a clause
//! look unmet (or met): duplicate keys, unknown evidence types or fields,
//! impossible dates and values of the wrong type are all errors, each with
//! its own code (see [`codes`]), naming the file, the item (by index and id)
//! and the field, and pointing at the line and column of the item, key or
//! value. All problems of a file are reported together.
//!
//! One route per format: `serde_json` or the YAML crate deserialise the text
//! into one borrowed raw form (`raw`), and one checker turns it into an
//! [`Inventory`] (`check`). Positions come from the raw form itself: text it
//! borrows points into the file.

mod check;
mod error;
mod parse;
mod raw;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::date::Date;
use crate::mapper::ClauseIdx;
use crate::model::Rulebook;
use crate::vocab::Status;

pub use error::{codes, InventoryError, Problem};

/// Largest inventory accepted, in bytes.
pub const MAX_INVENTORY_BYTES: usize = 64 * 1024 * 1024;

/// A site's inventory, checked against a rulebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Inventory {
    /// Site name.
    pub site: String,
    /// Evaluation date written in the file, if any.
    pub as_of: Option<Date>,
    /// Facts about the site, for `applies if`.
    pub profile: BTreeMap<String, Fact>,
    /// Evidence items in file order.
    pub evidence: Vec<EvidenceItem>,
    /// Auditors' verdicts in file order.
    pub assessments: Vec<Assessment>,
}

/// A value of a profile fact or an evidence field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Fact {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A date.
    Date(Date),
    /// A boolean.
    Bool(bool),
    /// A list.
    List(Vec<Fact>),
}

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceItem {
    /// Unique id within the inventory.
    pub id: String,
    /// Its declared evidence type.
    pub ty: String,
    /// When it was produced.
    pub date: Option<Date>,
    /// When it stops counting (first day it no longer counts).
    pub expires: Option<Date>,
    /// Declared fields.
    pub fields: BTreeMap<String, Fact>,
    /// Where the document is (free text).
    pub reference: Option<String>,
}

/// An auditor's verdict on a clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The clause.
    pub clause: ClauseIdx,
    /// The verdict.
    pub status: Status,
    /// Who said so (free text). Shared: a file names the same auditor
    /// for many clauses, and each is kept once.
    pub by: Option<Arc<str>>,
}

/// Parses and checks an inventory. `name` is the file name shown in errors;
/// text starting with `{` or `[` is read as JSON, anything else as YAML. A
/// leading byte-order mark is skipped.
pub fn load(book: &Rulebook, name: &str, text: &str) -> Result<Inventory, InventoryError> {
    // A byte-order mark is not part of the text: lines and columns count
    // from after it, as an editor shows them.
    let text = text.strip_prefix(crate::source::BOM).unwrap_or(text);
    let problems = match parse::parse(text) {
        Ok(raw) => {
            let (inventory, problems) = check::check(book, text, raw);
            if problems.is_empty() {
                return Ok(inventory);
            }
            problems
        }
        Err(problem) => vec![problem],
    };
    Err(InventoryError::new(name, text, problems))
}
