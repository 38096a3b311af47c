//! Resolved rules: `requires` trees, `applies if` and `where` conditions,
//! with every name turned into a typed id once, at load. The evaluation
//! reads only these; the texts its messages quote are rendered here, once.

use crate::date::{Date, Duration};
use crate::vocab::ClauseIdx;

/// An evidence type, as its index in [`super::Rulebook::evidence_types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EvidenceTypeIdx(pub u32);

/// A resolved `requires` rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// `all { … }`: met when every part is.
    All(Vec<Rule>),
    /// `any { … }`: met when one part is.
    Any(Vec<Rule>),
    /// `at least N of { … }`.
    AtLeast {
        /// N.
        n: u64,
        /// The alternatives.
        of: Vec<Rule>,
    },
    /// `not …`: swaps met and not met.
    Not(Box<Rule>),
    /// `evidence T where … within … count >= N`.
    Evidence(Box<EvidenceRule>),
    /// `clause X`: met when X is met or does not apply.
    Clause(ClauseIdx),
    /// `clause X` naming no clause (the rulebook has errors): unknown.
    UnknownClause(Box<str>),
    /// `attested`: only an assessment decides.
    Attested,
}

/// An evidence requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRule {
    /// The type; `None` when it names no type (the rulebook has errors),
    /// and then no item counts.
    pub ty: Option<EvidenceTypeIdx>,
    /// `where`: what each item must match.
    pub where_: Option<Condition>,
    /// `within`: how recent each item must be.
    pub within: Option<Duration>,
    /// `count >= N` (1 without it).
    pub count: u64,
    /// The requirement as written (`evidence T where … count >= N`).
    pub text: Box<str>,
    /// The `where` condition as written (empty without one).
    pub where_text: Box<str>,
}

/// A resolved condition (`applies if` over the site's profile, `where`
/// over an evidence item's fields).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `a or b`.
    Or(Vec<Condition>),
    /// `a and b`.
    And(Vec<Condition>),
    /// `not a`.
    Not(Box<Condition>),
    /// `field OP value`.
    Compare {
        /// The field.
        field: Field,
        /// The comparison.
        op: Comparison,
        /// The value.
        value: Value,
    },
    /// `field in [values]`.
    In {
        /// The field.
        field: Field,
        /// The values.
        values: Vec<Value>,
    },
    /// `field contains value`.
    Contains {
        /// The field.
        field: Field,
        /// The value.
        value: Value,
    },
}

/// What a condition reads: an item's dates, or a named field or fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// An evidence item's `date`.
    Date,
    /// An evidence item's `expires`.
    Expires,
    /// A declared field of the item's type, or a fact of the profile.
    Named(Box<str>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `>`
    Gt,
}

/// A literal value of a rule or a test.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A date.
    Date(Date),
    /// A boolean.
    Bool(bool),
    /// A list.
    List(Vec<Value>),
}

impl Rule {
    /// The clauses the rule names with `clause X`, in order.
    pub fn named_clauses(&self, out: &mut Vec<ClauseIdx>) {
        match self {
            Rule::All(l) | Rule::Any(l) | Rule::AtLeast { of: l, .. } => {
                for x in l {
                    x.named_clauses(out);
                }
            }
            Rule::Not(x) => x.named_clauses(out),
            Rule::Clause(c) => out.push(*c),
            Rule::Evidence(_) | Rule::UnknownClause(_) | Rule::Attested => {}
        }
    }
}
