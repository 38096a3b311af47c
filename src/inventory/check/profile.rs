//! The `profile` mapping: facts about the site. Once the rules declare
//! profile facts, each key must be one of them and each value of its
//! declared type and within its closed set; rules that declare none take
//! any plain value, as before.

use std::collections::BTreeMap;

use super::{said, Checker, Said};
use crate::inventory::error::codes;
use crate::inventory::raw::{Entry, Value};
use crate::inventory::Fact;
use crate::model::{closest, ValueType};
use crate::source::Span;

impl Checker<'_, '_> {
    /// The facts of a `profile:` mapping whose key stands at `key_span`.
    pub(super) fn profile(
        &mut self,
        facts: Vec<Entry<'_>>,
        key_span: Span,
    ) -> BTreeMap<String, Fact> {
        let mut out = BTreeMap::new();
        let repeated = self.repeated_keys(&facts, |k| format!("profile `{k}`"), key_span);
        let facts = facts.into_iter().zip(repeated).filter(|(_, r)| !r);
        for (Entry { key, value }, _) in facts {
            let place = format!("profile `{key}`");
            let name_span = self.key_span(&key, key_span);
            let span = self.value_span(&value, name_span);
            let fact = if self.book.profile.is_empty() {
                self.fact(&said(codes::UNEXPECTED_VALUE, &place, span), &value)
            } else if let Some(declared) = self.book.profile_fact(&key) {
                let at = said(codes::FACT_TYPE_MISMATCH, &place, span);
                self.typed(at, &value, &declared.ty, ("profile fact", &key))
            } else {
                self.unknown_fact(&key, &place, name_span);
                None
            };
            if let Some(f) = fact {
                out.insert(key.into_owned(), f);
            }
        }
        out
    }

    fn unknown_fact(&mut self, key: &str, place: &str, span: Span) {
        let known = self.book.profile.iter().map(|f| f.name.as_str());
        let help = match closest(key, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "the rules declare the facts {}",
                self.book
                    .profile
                    .iter()
                    .map(|f| format!("`{}`", f.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.problem(
            Said {
                code: codes::UNKNOWN_PROFILE_FACT,
                place,
                span,
            },
            format!("unknown profile fact `{key}`"),
            Some(help),
        );
    }

    /// Each text of a value checked against a closed set; the value kept
    /// only when every text is allowed.
    pub(super) fn allowed(
        &mut self,
        at: Said<'_>,
        value: &Value<'_>,
        allows: &ValueType,
        (what, name): (&str, &str),
    ) -> bool {
        let texts: Vec<&Value<'_>> = match value {
            Value::List(items) => items.iter().collect(),
            other => vec![other],
        };
        let mut ok = true;
        for v in texts {
            let Value::Text(s) = v else { continue };
            if allows.allows(s) {
                continue;
            }
            ok = false;
            let span = self.value_span(v, at.span);
            self.problem(
                Said {
                    code: codes::VALUE_NOT_ALLOWED,
                    span,
                    ..at
                },
                format!("`{s}` is not an allowed value of {what} `{name}`"),
                Some(allows.allowed_help(s)),
            );
        }
        ok
    }
}
