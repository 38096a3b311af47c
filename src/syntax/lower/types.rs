//! Lowering of declared types (`field x: text one of [..]`) and of the
//! `profile` item that declares a site's facts.

use pest::iterators::Pair;

use super::super::ast::*;
use super::super::Rule;
use super::{children, Lowerer};

impl Lowerer {
    pub(super) fn profile(&mut self, pair: Pair<'_, Rule>) -> Profile {
        let span = self.span(&pair);
        let mut title = Str {
            value: String::new(),
            span,
        };
        let mut facts = Vec::new();
        for p in children(pair) {
            match p.as_rule() {
                Rule::string => title = self.string(p),
                Rule::fact => {
                    let fact_span = self.span(&p);
                    let mut inner = children(p);
                    match (inner.next(), inner.next()) {
                        (Some(n), Some(t)) => {
                            let name = self.name(n);
                            let ty = self.value_type(t);
                            facts.push(ProfileFact { name, ty });
                        }
                        _ => self.internal(fact_span, "`fact`"),
                    }
                }
                _ => self.internal(span, "a profile"),
            }
        }
        Profile { title, facts, span }
    }

    /// `text`, `list of text one of ["a", "b"]`, …
    pub(super) fn value_type(&mut self, pair: Pair<'_, Rule>) -> ValueType {
        let mut ty = ValueType::plain(FieldType::Text);
        ty.span = self.span(&pair);
        for p in children(pair) {
            match p.as_rule() {
                Rule::list_of_text => {
                    ty.ty = FieldType::List;
                    ty.of_text = true;
                }
                Rule::text_type => ty.ty = FieldType::Text,
                Rule::field_type => {
                    ty.ty = match p.as_str() {
                        "text" => FieldType::Text,
                        "number" => FieldType::Number,
                        "date" => FieldType::Date,
                        "bool" => FieldType::Bool,
                        _ => FieldType::List,
                    }
                }
                Rule::one_of => {
                    let values = children(p).map(|s| self.string(s)).collect();
                    ty.one_of = Some(values);
                }
                _ => {
                    let span = self.span(&p);
                    self.internal(span, "a type");
                }
            }
        }
        ty
    }
}
