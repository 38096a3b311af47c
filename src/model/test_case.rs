//! Resolved `test` blocks: the clauses they name as ids, their literals as
//! model values, so running them needs no syntax tree.

use super::rule::Value;
use crate::date::Date;
use crate::source::{FileId, Span};
use crate::vocab::{ClauseIdx, Relation, Status};

/// A test block with the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    /// The file.
    pub file: FileId,
    /// Its name.
    pub name: String,
    /// The whole block.
    pub span: Span,
    /// Its items in source order (those naming no clause left out, but
    /// `expect` of a status).
    pub items: Vec<TestItem>,
}

/// An item of a test.
#[derive(Debug, Clone, PartialEq)]
pub enum TestItem {
    /// `as-of DATE`
    AsOf(Date),
    /// `profile NAME value`
    Profile(String, Value),
    /// `given evidence TYPE { key value … }`
    GivenEvidence {
        /// The evidence type's name.
        ty: String,
        /// Fields (`date` and `expires` are the item's dates).
        fields: Vec<(String, Value)>,
    },
    /// `given assessment REF:ID STATUS`
    GivenAssessment {
        /// The clause.
        clause: ClauseIdx,
        /// The verdict.
        status: Status,
    },
    /// `expect REF:ID STATUS (via REF:ID)?`
    ExpectStatus {
        /// The clause (`None` when it names none: the rulebook has errors).
        clause: Option<ClauseIdx>,
        /// The clause as written.
        written: String,
        /// The expected status.
        status: Status,
        /// The clause it must be carried from, as written.
        via: Option<String>,
        /// The whole item.
        span: Span,
    },
    /// `expect relation A R B`
    ExpectRelation {
        /// Left clause.
        a: ClauseIdx,
        /// The only relation expected to remain possible.
        relation: Relation,
        /// Right clause.
        b: ClauseIdx,
        /// The whole item.
        span: Span,
    },
}
