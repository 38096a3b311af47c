//! The keywords of attributes the model keeps as typed values: a
//! referential attribute's key, an evidence field's type, a link's
//! rationale.

use serde::Serialize;

/// The key of a referential attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefAttrKey {
    /// `edition`
    Edition,
    /// `publisher`
    Publisher,
    /// `url`
    Url,
    /// `language`
    Language,
    /// `source`
    Source,
    /// `note`
    Note,
}

impl RefAttrKey {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            RefAttrKey::Edition => "edition",
            RefAttrKey::Publisher => "publisher",
            RefAttrKey::Url => "url",
            RefAttrKey::Language => "language",
            RefAttrKey::Source => "source",
            RefAttrKey::Note => "note",
        }
    }
}

/// The declared type of an evidence field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Free text.
    Text,
    /// A number.
    Number,
    /// A date.
    Date,
    /// `true` / `false`.
    Bool,
    /// A list of values.
    List,
}

impl FieldType {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::Bool => "bool",
            FieldType::List => "list",
        }
    }
}

/// How a link's relation was established (NIST IR 8477 rationale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rationale {
    /// Same words.
    Syntactic,
    /// Same meaning.
    Semantic,
    /// Same effect in practice.
    Functional,
}

impl Rationale {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Rationale::Syntactic => "syntactic",
            Rationale::Semantic => "semantic",
            Rationale::Functional => "functional",
        }
    }
}
