//! The typed syntax tree of a `.rules` file, with byte spans.
//!
//! Equality ignores spans (see [`Span`]), so a tree re-parsed from its
//! formatted text compares equal to the original. Items keep the order the
//! user wrote them in; the model layer, not the tree, decides meaning.

use std::fmt;

use crate::date::{Date, Duration};
use crate::source::Span;
pub use crate::vocab::{FieldType, Rationale, RefAttrKey, Relation, Status};

/// A name with its place: an evidence type, a field, a referential or clause id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    /// The text as written.
    pub text: String,
    /// Where it stands.
    pub span: Span,
}

/// A string literal, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    /// The value after unescaping.
    pub value: String,
    /// Where the literal (quotes included) stands.
    pub span: Span,
}

/// `REF_ID:CLAUSE_ID`, e.g. `ISO15189-2022:6.4.1`, kept as written in one
/// string: a rule file can hold millions of references, and the whole text
/// is also the key the model looks clauses up by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClauseRef {
    /// `REF_ID:CLAUSE_ID`.
    text: String,
    /// Where the `:` stands in `text`.
    colon: usize,
    /// Where the reference stands.
    pub span: Span,
}

impl ClauseRef {
    /// The reference to clause `clause` of referential `referential`.
    pub fn new(referential: &str, clause: &str, span: Span) -> Self {
        ClauseRef {
            text: format!("{referential}:{clause}"),
            colon: referential.len(),
            span,
        }
    }

    /// Parses `REF_ID:CLAUSE_ID` at its first `:`; a text without one is a
    /// referential id with an empty clause id.
    pub fn from_text(text: String, span: Span) -> Self {
        let colon = text.find(':').unwrap_or(text.len());
        ClauseRef { text, colon, span }
    }

    /// The referential id.
    pub fn referential(&self) -> &str {
        self.text.get(..self.colon).unwrap_or("")
    }

    /// The clause id within the referential.
    pub fn clause(&self) -> &str {
        self.text.get(self.colon + 1..).unwrap_or("")
    }

    /// `REF_ID:CLAUSE_ID`, the clause's key.
    pub fn key(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ClauseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A whole file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    /// Top-level items in source order.
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `referential …`
    Referential(Referential),
    /// `evidence …`
    Evidence(EvidenceType),
    /// `mapping …`
    Mapping(Mapping),
    /// `profile …`
    Profile(Profile),
    /// `test …`
    Test(Test),
}

/// `referential REF_ID "title" { attrs clauses }`
#[derive(Debug, Clone, PartialEq)]
pub struct Referential {
    /// Its id, e.g. `LABELIX`.
    pub id: Name,
    /// Its title.
    pub title: Str,
    /// `edition`, `publisher`, … in source order.
    pub attrs: Vec<RefAttr>,
    /// Top-level clauses.
    pub clauses: Vec<Clause>,
    /// The whole item.
    pub span: Span,
}

/// `edition "2022"` and the like.
#[derive(Debug, Clone, PartialEq)]
pub struct RefAttr {
    /// Which attribute.
    pub key: RefAttrKey,
    /// Its value.
    pub value: Str,
}

/// `clause ID "title" { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// The clause id as written (`4.2`).
    pub id: Name,
    /// Its title.
    pub title: Str,
    /// Body items in source order; `None` when written without braces.
    pub body: Option<Vec<ClauseItem>>,
    /// The whole clause.
    pub span: Span,
}

impl Clause {
    /// Body items (empty without a body).
    pub fn items(&self) -> &[ClauseItem] {
        self.body.as_deref().unwrap_or(&[])
    }
}

/// An item in a clause body.
#[derive(Debug, Clone, PartialEq)]
pub enum ClauseItem {
    /// `summary "…"`
    Summary(Str),
    /// `note "…"`
    Note(Str),
    /// `requires EXPR`
    Requires(Expr),
    /// `applies if COND`
    AppliesIf(Cond),
    /// A sub-clause.
    Clause(Clause),
}

/// `evidence IDENT "title" { valid …  field … }`
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceType {
    /// The type name.
    pub name: Name,
    /// Its title.
    pub title: Str,
    /// Body items; `None` when written without braces.
    pub body: Option<Vec<EvidenceItem>>,
    /// The whole item.
    pub span: Span,
}

impl EvidenceType {
    /// Body items (empty without a body).
    pub fn items(&self) -> &[EvidenceItem] {
        self.body.as_deref().unwrap_or(&[])
    }
}

/// An item in an evidence type body.
#[derive(Debug, Clone, PartialEq)]
pub enum EvidenceItem {
    /// `valid 12 months`
    Valid(Duration, Span),
    /// `field name: type`
    Field(Name, ValueType),
}

/// A declared type of an evidence field or a profile fact.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueType {
    /// The type; [`FieldType::List`] for `list of text`.
    pub ty: FieldType,
    /// `list of text`: every element is text.
    pub of_text: bool,
    /// `one of ["a", …]`: the only texts allowed (after `text` and
    /// `list of text` only).
    pub one_of: Option<Vec<Str>>,
    /// Where it stands.
    pub span: Span,
}

impl ValueType {
    /// A type without restriction.
    pub fn plain(ty: FieldType) -> Self {
        ValueType {
            ty,
            of_text: false,
            one_of: None,
            span: Span::default(),
        }
    }
}

/// `profile "title" { fact … }`: the facts about a site that `applies if`
/// conditions read.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Its title.
    pub title: Str,
    /// The declared facts in source order.
    pub facts: Vec<ProfileFact>,
    /// The whole item.
    pub span: Span,
}

/// `fact name: type`
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileFact {
    /// The fact's name, the key of `profile:` in an inventory.
    pub name: Name,
    /// Its type.
    pub ty: ValueType,
}

/// `mapping "title" { source … note … links }`
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// Its title.
    pub title: Str,
    /// `source` and `note` attributes in source order.
    pub attrs: Vec<MappingAttr>,
    /// Its links.
    pub links: Vec<Link>,
    /// The whole item.
    pub span: Span,
}

/// A `source` or `note` attribute of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub enum MappingAttr {
    /// `source "…"`
    Source(Str),
    /// `note "…"`
    Note(Str),
}

/// `A RELATION B { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Left clause.
    pub a: ClauseRef,
    /// The declared relation of `a` to `b`.
    pub relation: Relation,
    /// Where the relation keyword stands.
    pub relation_span: Span,
    /// Right clause.
    pub b: ClauseRef,
    /// Attributes; `None` when written without braces.
    pub body: Option<Vec<LinkAttr>>,
    /// The whole link.
    pub span: Span,
}

impl Link {
    /// Attributes (empty without a body).
    pub fn attrs(&self) -> &[LinkAttr] {
        self.body.as_deref().unwrap_or(&[])
    }
}

/// A link attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkAttr {
    /// `strength N` (checked to be 1..=10 by the model).
    Strength(u64, Span),
    /// `rationale …`
    Rationale(Rationale, Span),
    /// `note "…"`
    Note(Str),
    /// `source "…"`
    Source(Str),
}

/// A requirement expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it says.
    pub kind: ExprKind,
    /// Where it stands.
    pub span: Span,
}

/// The forms of a requirement expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `all { … }`
    All(Vec<Expr>),
    /// `any { … }`
    Any(Vec<Expr>),
    /// `at least N of { … }`
    AtLeast {
        /// N.
        n: u64,
        /// Where N stands.
        n_span: Span,
        /// The alternatives.
        of: Vec<Expr>,
    },
    /// `not EXPR`
    Not(Box<Expr>),
    /// `evidence TYPE where … within … count >= N`
    Evidence(EvidenceRequirement),
    /// `clause REF:ID`
    Clause(ClauseRef),
    /// `attested`: only an assessment can meet it.
    Attested,
}

/// `evidence TYPE (where COND)? (within DURATION)? (count >= N)?`
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRequirement {
    /// The evidence type.
    pub ty: Name,
    /// Condition on fields.
    pub where_: Option<Cond>,
    /// Maximum age of the evidence, from its date.
    pub within: Option<(Duration, Span)>,
    /// Minimum number of matching items.
    pub count: Option<(u64, Span)>,
}

/// A condition over evidence fields or the site profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// What it says.
    pub kind: CondKind,
    /// Where it stands.
    pub span: Span,
}

/// The forms of a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum CondKind {
    /// `a or b or …` (two or more).
    Or(Vec<Cond>),
    /// `a and b and …` (two or more).
    And(Vec<Cond>),
    /// `not a`
    Not(Box<Cond>),
    /// `( a )`, kept so formatting preserves the user's grouping.
    Group(Box<Cond>),
    /// `field OP value`
    Compare {
        /// The field.
        field: Name,
        /// The operator.
        op: CmpOp,
        /// The value.
        value: Value,
    },
    /// `field in [v, …]`
    In {
        /// The field.
        field: Name,
        /// The values.
        values: Vec<Value>,
    },
    /// `field contains v`
    Contains {
        /// The field.
        field: Name,
        /// The value.
        value: Value,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
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

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Le => "<=",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Gt => ">",
        }
    }
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What it is.
    pub kind: ValueKind,
    /// Where it stands.
    pub span: Span,
}

/// The forms of a literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// `"text"`
    Str(String),
    /// `12`, `-1.5`
    Number(f64),
    /// `2026-11-01`
    Date(Date),
    /// `true` / `false`
    Bool(bool),
    /// `[a, b]`
    List(Vec<Value>),
}

/// `test "name" { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    /// Its name.
    pub name: Str,
    /// Items in source order.
    pub items: Vec<TestItem>,
    /// The whole item.
    pub span: Span,
}

/// An item of a test.
#[derive(Debug, Clone, PartialEq)]
pub enum TestItem {
    /// `as-of DATE`
    AsOf(Date, Span),
    /// `profile IDENT value`
    Profile(Name, Value),
    /// `given evidence TYPE { key value … }`
    GivenEvidence {
        /// The evidence type.
        ty: Name,
        /// Fields (`date` and `expires` are the item's dates); `None` without braces.
        fields: Option<Vec<(Name, Value)>>,
        /// The whole item.
        span: Span,
    },
    /// `given assessment REF:ID STATUS`
    GivenAssessment {
        /// The clause.
        clause: ClauseRef,
        /// The verdict.
        status: Status,
        /// The whole item.
        span: Span,
    },
    /// `expect REF:ID STATUS (via REF:ID)?`
    ExpectStatus {
        /// The clause.
        clause: ClauseRef,
        /// The expected status.
        status: Status,
        /// The clause it must be carried from.
        via: Option<ClauseRef>,
        /// The whole item.
        span: Span,
    },
    /// `expect relation A R B`
    ExpectRelation {
        /// Left clause.
        a: ClauseRef,
        /// The only relation expected to remain possible.
        relation: Relation,
        /// Right clause.
        b: ClauseRef,
        /// The whole item.
        span: Span,
    },
}
