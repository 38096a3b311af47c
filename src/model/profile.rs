//! Declared types, resolved: of an evidence field (`field topic: text one
//! of [..]`) and of a fact of the site profile (`fact poct: bool`).

use serde::Serialize;

use crate::source::{FileId, Span};
use crate::syntax::ast;
use crate::vocab::FieldType;

/// What a declared field or fact accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueType {
    /// The type; [`FieldType::List`] for a list of text.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// `list of text`: every element is text.
    pub of_text: bool,
    /// `one of [..]`: the only texts allowed, as declared.
    pub one_of: Option<Vec<String>>,
}

impl ValueType {
    /// A type without restriction.
    pub fn plain(ty: FieldType) -> Self {
        ValueType {
            ty,
            of_text: false,
            one_of: None,
        }
    }

    /// The type as declared: `text`, `list of text`, …
    pub fn keyword(&self) -> &'static str {
        if self.of_text {
            "list of text"
        } else {
            self.ty.keyword()
        }
    }

    /// Whether `text` may stand where this type is declared (always,
    /// without a closed set).
    pub fn allows(&self, text: &str) -> bool {
        self.one_of
            .as_ref()
            .is_none_or(|set| set.iter().any(|v| v == text))
    }

    /// How to fix a text outside the closed set: the nearest allowed value,
    /// else the allowed values.
    pub fn allowed_help(&self, text: &str) -> String {
        let set = self.one_of.as_deref().unwrap_or(&[]);
        if let Some(s) = super::closest(text, set.iter().map(String::as_str)) {
            return format!("did you mean `{s}`?");
        }
        const SHOWN: usize = 12;
        let mut listed: Vec<String> = set.iter().take(SHOWN).map(|v| format!("`{v}`")).collect();
        if set.len() > SHOWN {
            listed.push(format!("… ({} in all)", set.len()));
        }
        format!("the allowed values are {}", listed.join(", "))
    }
}

impl From<&ast::ValueType> for ValueType {
    fn from(t: &ast::ValueType) -> Self {
        ValueType {
            ty: t.ty,
            of_text: t.of_text,
            one_of: t
                .one_of
                .as_ref()
                .map(|set| set.iter().map(|s| s.value.clone()).collect()),
        }
    }
}

/// A fact of the site profile that the rules declare.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileFact {
    /// Its name, the key under `profile:` in an inventory.
    pub name: String,
    /// Its type.
    #[serde(flatten)]
    pub ty: ValueType,
    /// Where it is declared.
    #[serde(skip)]
    pub file: FileId,
    /// Its span (the name).
    #[serde(skip)]
    pub span: Span,
}
