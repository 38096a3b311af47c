//! The shared words of every stage: relations, statuses and the dense ids
//! of clauses and links. A leaf: it imports nothing of the crate, so any
//! stage may use it without looking up.

mod keywords;
mod relation;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use keywords::{FieldType, Rationale, RefAttrKey};
pub use relation::{Relation, RelationSet, UnknownRelation};

/// A clause, as a dense index `0..clause_count` given by the model layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClauseIdx(pub u32);

/// A declared link, as its index in the declared links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinkId(pub u32);

/// A clause status, as written in tests and reported by evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every obligation is shown to be fulfilled.
    Met,
    /// Some obligations are shown to be fulfilled.
    Partial,
    /// Shown not to be fulfilled.
    NotMet,
    /// The clause does not apply to this site.
    NotApplicable,
    /// Nothing shows either way.
    Unknown,
}

impl Status {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Partial => "partial",
            Status::NotMet => "not-met",
            Status::NotApplicable => "not-applicable",
            Status::Unknown => "unknown",
        }
    }

    /// Parses a keyword.
    pub fn from_keyword(s: &str) -> Option<Status> {
        Some(match s {
            "met" => Status::Met,
            "partial" => Status::Partial,
            "not-met" => Status::NotMet,
            "not-applicable" => Status::NotApplicable,
            "unknown" => Status::Unknown,
            _ => return None,
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}
