//! The one checker: a raw inventory, whatever its format, to an
//! [`Inventory`], every problem of the file collected with its code and
//! place.
//!
//! A problem points at the key or value at fault when its text is borrowed
//! from the file (the address tells where), else at the item or mapping
//! holding it, else at the start of the file.

use std::collections::{BTreeMap, HashMap, HashSet};

mod assess;
mod profile;

use super::error::{codes, Problem};
use super::raw::{Entry, Top, TopValue, Value};
use super::{EvidenceItem, Fact, Inventory};
use crate::date::Date;
use crate::model::{closest, Rulebook, ValueType};
use crate::source::Span;
use crate::syntax::ast::FieldType;

/// Checks a raw inventory read from `text`: the inventory, and every
/// problem found (none when it may be used).
pub(crate) fn check<'t>(book: &Rulebook, text: &'t str, top: Top<'t>) -> (Inventory, Vec<Problem>) {
    let mut checker = Checker {
        book,
        text,
        problems: Vec::new(),
    };
    let inventory = checker.inventory(top);
    (inventory, checker.problems)
}

const TOP_KEYS: [&str; 5] = ["site", "as_of", "profile", "evidence", "assessments"];
const ITEM_KEYS: [&str; 6] = ["id", "type", "date", "expires", "fields", "ref"];
const ASSESSMENT_KEYS: [&str; 3] = ["clause", "status", "by"];

struct Checker<'b, 't> {
    book: &'b Rulebook,
    text: &'t str,
    problems: Vec<Problem>,
}

/// A problem before it is said: its code, place and span.
#[derive(Clone, Copy)]
struct Said<'p> {
    code: &'static str,
    place: &'p str,
    span: Span,
}

fn said<'p>(code: &'static str, place: &'p str, span: Span) -> Said<'p> {
    Said { code, place, span }
}

impl Checker<'_, '_> {
    fn problem(&mut self, at: Said<'_>, message: impl Into<String>, help: Option<String>) {
        self.problems.push(Problem {
            code: at.code,
            place: at.place.to_string(),
            message: message.into(),
            help,
            span: at.span,
        });
    }

    /// The span of `part` when it is borrowed from the file.
    fn span_of(&self, part: &str) -> Option<Span> {
        let start = part
            .as_ptr()
            .addr()
            .checked_sub(self.text.as_ptr().addr())?;
        let end = start.checked_add(part.len())?;
        (end <= self.text.len()).then(|| Span::new(start, end))
    }

    /// The span of a key, else `outer`.
    fn key_span(&self, key: &str, outer: Span) -> Span {
        self.span_of(key).unwrap_or(outer)
    }

    /// The span of a value: its text when borrowed, else `key` (the span
    /// of its key, or of the item holding it).
    fn value_span(&self, value: &Value<'_>, key: Span) -> Span {
        match value {
            Value::Text(s) => self.span_of(s).unwrap_or(key),
            _ => key,
        }
    }

    /// The span of a mapping from its opening `{` (or YAML's `- `) to the
    /// end of its first key, else `outer`.
    fn map_span<'k>(&self, mut keys: impl Iterator<Item = &'k str>, outer: Span) -> Span {
        let Some(first) = keys.find_map(|k| self.span_of(k)) else {
            return outer;
        };
        let before = self.text.get(..first.start).unwrap_or("");
        let before = before
            .strip_suffix(['"', '\''])
            .unwrap_or(before)
            .trim_end();
        // A quoted key: its closing quote too.
        let after = self.text.get(first.end..first.end + 1);
        let end = first.end + usize::from(matches!(after, Some("\"" | "'")));
        if before.ends_with(['{', '-']) {
            Span::new(before.len() - 1, end)
        } else {
            Span::new(first.start, end)
        }
    }

    /// Reports every key of `entries` given before under the same name;
    /// for each entry, whether it was.
    fn repeated_keys(
        &mut self,
        entries: &[Entry<'_>],
        place: impl Fn(&str) -> String,
        outer: Span,
    ) -> Vec<bool> {
        let repeated = repeats(entries.iter().map(|e| &*e.key));
        for (e, _) in entries.iter().zip(&repeated).filter(|(_, &r)| r) {
            self.duplicate_key(&e.key, &place(&e.key), outer);
        }
        repeated
    }

    fn duplicate_key(&mut self, key: &str, place: &str, outer: Span) {
        let span = self.key_span(key, outer);
        self.problem(
            said(codes::DUPLICATE_KEY, place, span),
            format!("duplicate key `{key}`"),
            Some(format!(
                "give `{key}` once: a repeated key would hide the first value"
            )),
        );
    }

    fn inventory(&mut self, top: Top<'_>) -> Inventory {
        let mut inv = Inventory {
            site: String::new(),
            as_of: None,
            profile: BTreeMap::new(),
            evidence: Vec::new(),
            assessments: Vec::new(),
        };
        let whole = Span::new(0, 0);
        let entries = match top {
            Top::Map(entries) => entries,
            Top::Other(value) => {
                let span = self.value_span(&value, whole);
                self.problem(
                    said(codes::UNEXPECTED_VALUE, "document", span),
                    format!(
                        "expected a mapping with `site`, `evidence`, …, found {}",
                        value.kind()
                    ),
                    None,
                );
                return inv;
            }
        };
        let repeated = repeats(entries.iter().map(|e| &*e.key));
        for (entry, repeated) in entries.into_iter().zip(repeated) {
            let key = entry.key;
            let key_span = self.key_span(&key, whole);
            let place = format!("`{key}`");
            if repeated {
                self.duplicate_key(&key, &place, whole);
                continue;
            }
            let value = match entry.value {
                TopValue::Assessments(items) => {
                    inv.assessments = self.assessments(items, key_span);
                    continue;
                }
                TopValue::Value(value) => value,
            };
            let span = self.value_span(&value, key_span);
            let at = |code| said(code, &place, span);
            match &*key {
                "site" => match value {
                    Value::Text(s) => inv.site = s.into_owned(),
                    ref other => self.problem(
                        at(codes::UNEXPECTED_VALUE),
                        format!("expected text, found {}", other.kind()),
                        None,
                    ),
                },
                "as_of" => inv.as_of = self.date(at(codes::INVALID_DATE), &value),
                "profile" => match value {
                    Value::Map(facts) => inv.profile = self.profile(facts, key_span),
                    Value::Null => {}
                    ref other => self.problem(
                        at(codes::UNEXPECTED_VALUE),
                        format!("expected a mapping of facts, found {}", other.kind()),
                        None,
                    ),
                },
                "evidence" => match value {
                    Value::List(items) => inv.evidence = self.evidence_list(items, key_span),
                    Value::Null => {}
                    ref other => self.problem(
                        at(codes::UNEXPECTED_VALUE),
                        format!("expected a list of items, found {}", other.kind()),
                        None,
                    ),
                },
                "assessments" => match value {
                    Value::Null => {}
                    ref other => self.problem(
                        at(codes::UNEXPECTED_VALUE),
                        format!("expected a list, found {}", other.kind()),
                        None,
                    ),
                },
                other => self.problem(
                    said(codes::UNKNOWN_KEY, &place, key_span),
                    format!("unknown key `{other}`"),
                    Some(match closest(other, TOP_KEYS) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => {
                            "the keys are `site`, `as_of`, `profile`, `evidence`, `assessments`"
                                .into()
                        }
                    }),
                ),
            }
        }
        if inv.site.is_empty() {
            self.problem(
                said(codes::MISSING_FIELD, "document", whole),
                "missing `site`",
                Some("name the site: `site: \"Centre …\"`".into()),
            );
        }
        inv
    }

    fn evidence_list(&mut self, items: Vec<Value<'_>>, list: Span) -> Vec<EvidenceItem> {
        let mut out = Vec::with_capacity(items.len());
        let mut ids: HashMap<String, usize> = HashMap::new();
        for (i, item) in items.into_iter().enumerate() {
            let Some((e, id_span)) = self.evidence(i, item, list) else {
                continue;
            };
            if let Some(first) = ids.insert(e.id.clone(), i) {
                self.problem(
                    Said {
                        code: codes::DUPLICATE_ID,
                        place: &format!("evidence[{i}] (id {})", e.id),
                        span: id_span,
                    },
                    format!("duplicate id `{}`, first used by evidence[{first}]", e.id),
                    Some("give every evidence item its own id".into()),
                );
            }
            out.push(e);
        }
        out
    }

    fn date(&mut self, at: Said<'_>, value: &Value<'_>) -> Option<Date> {
        match value {
            Value::Text(s) => match s.parse::<Date>() {
                Ok(d) => Some(d),
                Err(e) => {
                    self.problem(
                        at,
                        format!("`{s}`: {e}"),
                        Some("write dates `YYYY-MM-DD`".into()),
                    );
                    None
                }
            },
            other => {
                let message = format!("expected a date `YYYY-MM-DD`, found {}", other.kind());
                self.problem(at, message, None);
                None
            }
        }
    }

    /// A profile fact or a list item: any plain value or list.
    fn fact(&mut self, at: &Said<'_>, value: &Value<'_>) -> Option<Fact> {
        Some(match value {
            Value::Text(s) => match s.parse::<Date>() {
                Ok(d) if s.len() == 10 => Fact::Date(d),
                _ => Fact::Text(s.to_string()),
            },
            Value::Number(n) => Fact::Number(*n),
            Value::Bool(b) => Fact::Bool(*b),
            Value::List(items) => {
                Fact::List(items.iter().filter_map(|v| self.fact(at, v)).collect())
            }
            Value::Null | Value::Map(_) => {
                self.problem(
                    *at,
                    format!("expected a plain value or a list, found {}", value.kind()),
                    None,
                );
                return None;
            }
        })
    }

    /// An evidence item, and the span of its id.
    fn evidence(
        &mut self,
        index: usize,
        item: Value<'_>,
        list: Span,
    ) -> Option<(EvidenceItem, Span)> {
        let entries = match item {
            Value::Map(entries) => entries,
            other => {
                let span = self.value_span(&other, list);
                self.problem(
                    said(codes::UNEXPECTED_VALUE, &format!("evidence[{index}]"), span),
                    format!("expected a mapping, found {}", other.kind()),
                    None,
                );
                return None;
            }
        };
        let item_span = self.map_span(entries.iter().map(|e| &*e.key), list);
        let id_entry = entries
            .iter()
            .find(|e| e.key == "id" && matches!(e.value, Value::Text(_) | Value::Number(_)));
        let id = id_entry.and_then(|e| match &e.value {
            Value::Text(s) => Some(s.to_string()),
            Value::Number(n) => Some(format!("{n}")),
            _ => None,
        });
        let id_span = id_entry.map_or(item_span, |e| {
            self.value_span(&e.value, self.key_span(&e.key, item_span))
        });
        let place = match &id {
            Some(id) => format!("evidence[{index}] (id {id})"),
            None => format!("evidence[{index}]"),
        };
        let repeated = self.repeated_keys(&entries, |k| format!("{place}, field `{k}`"), item_span);
        let Some(id) = id else {
            self.problem(
                said(codes::MISSING_FIELD, &place, item_span),
                "missing `id`",
                Some("give every evidence item a unique `id`".into()),
            );
            return None;
        };
        let mut ty: Option<(String, Span)> = None;
        let mut date = None;
        let mut date_given = false;
        let mut expires: Option<(Date, Span)> = None;
        let mut raw_fields: Option<(Vec<Entry<'_>>, Span)> = None;
        let mut reference = None;
        for (Entry { key, value }, repeated) in entries.into_iter().zip(repeated) {
            if repeated {
                continue;
            }
            let key_span = self.key_span(&key, item_span);
            let field_place = format!("{place}, field `{key}`");
            let span = self.value_span(&value, key_span);
            let at = |code| said(code, &field_place, span);
            match &*key {
                "id" => {}
                "type" => match value {
                    Value::Text(s) => ty = Some((s.into_owned(), span)),
                    ref other => self.problem(
                        at(codes::UNEXPECTED_VALUE),
                        format!("expected text, found {}", other.kind()),
                        None,
                    ),
                },
                "date" => {
                    date_given = true;
                    date = self.date(at(codes::INVALID_DATE), &value);
                }
                "expires" => {
                    expires = self
                        .date(at(codes::INVALID_DATE), &value)
                        .map(|d| (d, span));
                }
                "fields" => match value {
                    Value::Map(f) => raw_fields = Some((f, key_span)),
                    Value::Null => {}
                    ref other => self.problem(
                        at(codes::UNEXPECTED_VALUE),
                        format!("expected a mapping, found {}", other.kind()),
                        None,
                    ),
                },
                "ref" => match value {
                    Value::Text(s) => reference = Some(s.into_owned()),
                    ref other => self.problem(
                        at(codes::UNEXPECTED_VALUE),
                        format!("expected text, found {}", other.kind()),
                        None,
                    ),
                },
                other => self.problem(
                    said(codes::UNKNOWN_KEY, &field_place, key_span),
                    format!("unknown key `{other}`"),
                    Some(match closest(other, ITEM_KEYS) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "declared fields go under `fields:`".into(),
                    }),
                ),
            }
        }
        let Some((ty, ty_span)) = ty else {
            self.problem(
                said(codes::MISSING_FIELD, &place, item_span),
                "missing `type`",
                Some("name its evidence type, e.g. `type: maintenance_record`".into()),
            );
            return None;
        };
        let Some(declared) = self.book.evidence_type(&ty) else {
            let known = self.book.evidence_types.iter().map(|t| t.name.as_str());
            let help = match closest(&ty, known) {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    "`refmap clauses` and the rules' `evidence` items list the known types".into()
                }
            };
            self.problem(
                Said {
                    code: codes::UNKNOWN_TYPE,
                    place: &format!("{place}, field `type`"),
                    span: ty_span,
                },
                format!("unknown evidence type `{ty}`"),
                Some(help),
            );
            return None;
        };
        if let Some(valid) = declared.valid.filter(|_| !date_given) {
            self.problem(
                Said {
                    code: codes::MISSING_DATE,
                    place: &format!("{place}, field `date`"),
                    span: item_span,
                },
                format!("evidence type `{ty}` is valid for {valid} after its date, but the item has no `date`"),
                Some("add `date: YYYY-MM-DD`".into()),
            );
        }
        if let (Some(d), Some((e, e_span))) = (date, expires) {
            if e < d {
                self.problem(
                    Said {
                        code: codes::EXPIRES_BEFORE_DATE,
                        place: &format!("{place}, field `expires`"),
                        span: e_span,
                    },
                    format!("expires {e} before its date {d}"),
                    None,
                );
            }
        }
        let mut fields = BTreeMap::new();
        let (raw_fields, fields_span) = raw_fields.unwrap_or((Vec::new(), item_span));
        let repeated = self.repeated_keys(
            &raw_fields,
            |k| format!("{place}, field `{k}`"),
            fields_span,
        );
        let raw_fields = raw_fields.into_iter().zip(repeated).filter(|(_, r)| !r);
        for (Entry { key, value }, _) in raw_fields {
            let fplace = format!("{place}, field `{key}`");
            let key_span = self.key_span(&key, fields_span);
            let Some(ft) = declared.fields.get(&*key) else {
                let help = match closest(&key, declared.fields.keys().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if declared.fields.is_empty() => {
                        format!("evidence type `{ty}` declares no fields")
                    }
                    None => format!(
                        "declared fields of `{ty}`: {}",
                        declared
                            .fields
                            .keys()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                self.problem(
                    said(codes::UNKNOWN_FIELD, &fplace, key_span),
                    format!("evidence type `{ty}` has no field `{key}`"),
                    Some(help),
                );
                continue;
            };
            let said = Said {
                code: codes::FIELD_TYPE_MISMATCH,
                place: &fplace,
                span: self.value_span(&value, key_span),
            };
            if let Some(v) = self.typed(said, &value, ft, ("field", &key)) {
                fields.insert(key.into_owned(), v);
            }
        }
        let item = EvidenceItem {
            id,
            ty,
            date,
            expires: expires.map(|(e, _)| e),
            fields,
            reference,
        };
        Some((item, id_span))
    }

    /// A field or fact value of its declared type, within its closed set;
    /// `subject` names it (`("field", "topic")`).
    fn typed(
        &mut self,
        at: Said<'_>,
        value: &Value<'_>,
        vt: &ValueType,
        subject: (&str, &str),
    ) -> Option<Fact> {
        let ft = vt.ty;
        if vt.one_of.is_some() && !self.allowed(at, value, vt, subject) {
            return None;
        }
        match (ft, value) {
            (FieldType::Text, Value::Text(s)) => Some(Fact::Text(s.to_string())),
            (FieldType::List, Value::List(items)) if vt.of_text => {
                let mut texts = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::Text(s) => texts.push(Fact::Text(s.to_string())),
                        other => {
                            let span = self.value_span(other, at.span);
                            self.problem(
                                Said { span, ..at },
                                format!("expected a list of text, found {} in it", other.kind()),
                                Some("quote the value to make it text".into()),
                            );
                            return None;
                        }
                    }
                }
                Some(Fact::List(texts))
            }
            (FieldType::Number, Value::Number(n)) => Some(Fact::Number(*n)),
            (FieldType::Bool, Value::Bool(b)) => Some(Fact::Bool(*b)),
            (FieldType::Date, Value::Text(_)) => self
                .date(
                    Said {
                        code: codes::INVALID_DATE,
                        ..at
                    },
                    value,
                )
                .map(Fact::Date),
            (FieldType::List, Value::List(items)) => Some(Fact::List(
                items.iter().filter_map(|v| self.fact(&at, v)).collect(),
            )),
            _ => {
                let help = match (ft, value) {
                    (FieldType::Text, Value::Number(_) | Value::Bool(_)) => {
                        Some("quote the value to make it text".to_string())
                    }
                    (FieldType::Bool, Value::Text(_)) => {
                        Some("write `true` or `false`, without quotes".to_string())
                    }
                    _ => None,
                };
                self.problem(
                    at,
                    format!("expected {}, found {}", type_phrase(ft), value.kind()),
                    help,
                );
                None
            }
        }
    }

    fn not_text(&mut self, place: &str, key: &str, value: &Value<'_>, span: Span) {
        self.problem(
            Said {
                code: codes::UNEXPECTED_VALUE,
                place: &format!("{place}, field `{key}`"),
                span,
            },
            format!("expected text, found {}", value.kind()),
            None,
        );
    }
}

/// Mappings with more keys than this find repeated keys with a hash set;
/// smaller ones (every item of an inventory) by scanning the keys so far.
const LINEAR_KEY_SCAN: usize = 16;

/// For each key, whether an earlier one has the same name (a mapping of
/// many keys must not cost their square).
fn repeats<'k>(keys: impl Iterator<Item = &'k str>) -> Vec<bool> {
    let keys: Vec<&str> = keys.collect();
    if keys.len() <= LINEAR_KEY_SCAN {
        let before = |i: usize| keys.get(..i).unwrap_or(&[]);
        (0..keys.len())
            .map(|i| keys.get(i).is_some_and(|k| before(i).contains(k)))
            .collect()
    } else {
        let mut seen = HashSet::with_capacity(keys.len());
        keys.iter().map(|k| !seen.insert(*k)).collect()
    }
}

fn type_phrase(ft: FieldType) -> &'static str {
    match ft {
        FieldType::Text => "text",
        FieldType::Number => "a number",
        FieldType::Date => "a date",
        FieldType::Bool => "`true` or `false`",
        FieldType::List => "a list",
    }
}
