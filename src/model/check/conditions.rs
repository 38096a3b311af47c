//! The names and values of conditions checked against their declarations:
//! a `where` against the fields of its evidence type, an `applies if` (and
//! a test's `profile`) against the declared facts of the site profile.

use std::collections::BTreeMap;

use super::ITEM_DATE_FIELDS;
use crate::diagnostic::Diagnostic;
use crate::model::{closest, codes, ProfileFact, ValueType};
use crate::source::FileId;
use crate::syntax::ast::{self, CondKind, FieldType, ValueKind};

/// What the names of a condition refer to.
pub(super) enum Names<'a> {
    /// The fields of an evidence type (in a `where`).
    Fields {
        /// The evidence type.
        ty: &'a str,
        /// Its declared fields.
        fields: &'a BTreeMap<String, ValueType>,
    },
    /// The declared facts of the profile (in an `applies if`).
    Facts(&'a [ProfileFact]),
}

impl Names<'_> {
    fn what(&self) -> &'static str {
        match self {
            Names::Fields { .. } => "field",
            Names::Facts(_) => "profile fact",
        }
    }

    fn mismatch(&self) -> &'static str {
        match self {
            Names::Fields { .. } => codes::FIELD_TYPE_MISMATCH,
            Names::Facts(_) => codes::FACT_TYPE_MISMATCH,
        }
    }
}

/// Checks that a condition names declared fields or facts, with values of
/// their declared type and within their closed sets.
pub(super) fn check_cond(
    out: &mut Vec<Diagnostic>,
    file: FileId,
    cond: &ast::Cond,
    names: &Names<'_>,
) {
    match &cond.kind {
        CondKind::Or(parts) | CondKind::And(parts) => {
            for p in parts {
                check_cond(out, file, p, names);
            }
        }
        CondKind::Not(inner) | CondKind::Group(inner) => check_cond(out, file, inner, names),
        CondKind::Compare { field, op, value } => {
            let Some(vt) = declared(out, file, field, names) else {
                return;
            };
            let ordered = !matches!(op, ast::CmpOp::Eq | ast::CmpOp::Ne);
            if ordered && !matches!(vt.ty, FieldType::Number | FieldType::Date) {
                out.push(
                    Diagnostic::error(
                        names.mismatch(),
                        file,
                        cond.span,
                        format!(
                            "`{}` compares {} `{}` of type {}",
                            op.symbol(),
                            names.what(),
                            field.text,
                            vt.keyword()
                        ),
                    )
                    .with_help(format!(
                        "order comparisons apply to number and date {}s; use `==`, `in` or `contains`",
                        names.what()
                    )),
                );
            } else {
                check_value(out, file, value, &vt, names, &field.text);
            }
        }
        CondKind::In { field, values } => {
            if let Some(vt) = declared(out, file, field, names) {
                for v in values {
                    check_value(out, file, v, &vt, names, &field.text);
                }
            }
        }
        CondKind::Contains { field, value } => {
            let Some(vt) = declared(out, file, field, names) else {
                return;
            };
            match vt.ty {
                FieldType::List => {
                    if vt.of_text {
                        let element = ValueType {
                            ty: FieldType::Text,
                            of_text: false,
                            one_of: vt.one_of.clone(),
                        };
                        check_value(out, file, value, &element, names, &field.text);
                    }
                }
                // A substring: the closed set says nothing of it.
                FieldType::Text => check_value(
                    out,
                    file,
                    value,
                    &ValueType::plain(FieldType::Text),
                    names,
                    &field.text,
                ),
                other => out.push(
                    Diagnostic::error(
                        names.mismatch(),
                        file,
                        cond.span,
                        format!(
                            "`contains` on {} `{}` of type {}",
                            names.what(),
                            field.text,
                            other.keyword()
                        ),
                    )
                    .with_help(format!(
                        "`contains` applies to list and text {}s",
                        names.what()
                    )),
                ),
            }
        }
    }
}

/// The declared type of a field or fact, else a diagnostic: an error for
/// an evidence field, a warning for a profile fact (rules may read facts
/// the profile declarations leave out; the inventory then cannot give it).
pub(super) fn declared(
    out: &mut Vec<Diagnostic>,
    file: FileId,
    name: &ast::Name,
    names: &Names<'_>,
) -> Option<ValueType> {
    match names {
        Names::Fields { ty, fields } => {
            if ITEM_DATE_FIELDS.contains(&name.text.as_str()) {
                return Some(ValueType::plain(FieldType::Date));
            }
            if let Some(vt) = fields.get(&name.text) {
                return Some(vt.clone());
            }
            let mut d = Diagnostic::error(
                codes::UNKNOWN_FIELD,
                file,
                name.span,
                format!("evidence type `{ty}` has no field `{}`", name.text),
            )
            .with_label("not declared");
            let known = fields.keys().map(String::as_str).chain(ITEM_DATE_FIELDS);
            d = match closest(&name.text, known) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None if fields.is_empty() => d.with_help(format!(
                    "declare it in `evidence {ty}`: `field {}: text`",
                    name.text
                )),
                None => d.with_help(format!(
                    "declared fields: {}",
                    fields
                        .keys()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            out.push(d);
            None
        }
        Names::Facts(facts) => {
            if let Some(f) = facts.iter().find(|f| f.name == name.text) {
                return Some(f.ty.clone());
            }
            let mut d = Diagnostic::warning(
                codes::UNDECLARED_FACT,
                file,
                name.span,
                format!("profile fact `{}` is not declared", name.text),
            )
            .with_label("no `fact` declares it");
            d = match closest(&name.text, facts.iter().map(|f| f.name.as_str())) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!(
                    "declare it in a `profile` item (e.g. `fact {}: bool`), so that inventories are checked for it",
                    name.text
                )),
            };
            out.push(d);
            None
        }
    }
}

/// Checks a literal against a declared type: its kind, and each text
/// against the closed set.
pub(super) fn check_value(
    out: &mut Vec<Diagnostic>,
    file: FileId,
    value: &ast::Value,
    vt: &ValueType,
    names: &Names<'_>,
    field: &str,
) {
    if !value_fits(&value.kind, vt.ty) {
        out.push(
            Diagnostic::error(
                names.mismatch(),
                file,
                value.span,
                format!(
                    "{} `{field}` is declared {} but this value is {}",
                    names.what(),
                    vt.keyword(),
                    kind_name(&value.kind)
                ),
            )
            .with_label(format!("expected {}", vt.keyword())),
        );
        return;
    }
    let texts: Vec<&ast::Value> = match &value.kind {
        ValueKind::List(items) if vt.of_text => items.iter().collect(),
        ValueKind::Str(_) => vec![value],
        _ => Vec::new(),
    };
    for v in texts {
        match &v.kind {
            ValueKind::Str(s) if !vt.allows(s) => out.push(
                Diagnostic::error(
                    codes::VALUE_NOT_ALLOWED,
                    file,
                    v.span,
                    format!(
                        "`{s}` is not an allowed value of {} `{field}`",
                        names.what()
                    ),
                )
                .with_label("not in its `one of` list")
                .with_help(vt.allowed_help(s)),
            ),
            ValueKind::Str(_) => {}
            other => out.push(
                Diagnostic::error(
                    names.mismatch(),
                    file,
                    v.span,
                    format!(
                        "{} `{field}` is declared list of text but this element is {}",
                        names.what(),
                        kind_name(other)
                    ),
                )
                .with_label("expected text"),
            ),
        }
    }
}

fn value_fits(kind: &ValueKind, ft: FieldType) -> bool {
    matches!(
        (kind, ft),
        (ValueKind::Str(_), FieldType::Text)
            | (ValueKind::Number(_), FieldType::Number)
            | (ValueKind::Date(_), FieldType::Date)
            | (ValueKind::Bool(_), FieldType::Bool)
            | (ValueKind::List(_), FieldType::List)
    )
}

fn kind_name(kind: &ValueKind) -> &'static str {
    match kind {
        ValueKind::Str(_) => "text",
        ValueKind::Number(_) => "a number",
        ValueKind::Date(_) => "a date",
        ValueKind::Bool(_) => "a bool",
        ValueKind::List(_) => "a list",
    }
}
