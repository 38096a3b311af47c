//! Evidence inventories: a site's evidence items, profile and auditors'
//! assessments (DESIGN §4), loaded from YAML or JSON and checked against the
//! rulebook.
//!
//! Loading is strict, because a silently ignored typo would make a clause
//! look unmet (or met): duplicate keys, unknown evidence types or fields,
//! impossible dates and values of the wrong type are all errors, each naming
//! the file, the item (by index and id) and the field. All problems of a
//! file are reported together.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::mapper::ClauseIdx;
use crate::model::{closest, Rulebook};
use crate::syntax::ast::{FieldType, Status};

/// Largest inventory accepted, in bytes.
pub const MAX_INVENTORY_BYTES: usize = 64 * 1024 * 1024;

/// A site's inventory, checked against a rulebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Inventory {
    /// Site name.
    pub site: String,
    /// Evaluation date written in the file, if any.
    pub as_of: Option<Date>,
    /// Facts about the site, for `applies if`.
    pub profile: BTreeMap<String, Fact>,
    /// Evidence items in file order.
    pub evidence: Vec<EvidenceItem>,
    /// Auditors' verdicts in file order.
    pub assessments: Vec<Assessment>,
}

/// A value of a profile fact or an evidence field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Fact {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A date.
    Date(Date),
    /// A boolean.
    Bool(bool),
    /// A list.
    List(Vec<Fact>),
}

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceItem {
    /// Unique id within the inventory.
    pub id: String,
    /// Its declared evidence type.
    pub ty: String,
    /// When it was produced.
    pub date: Option<Date>,
    /// When it stops counting (first day it no longer counts).
    pub expires: Option<Date>,
    /// Declared fields.
    pub fields: BTreeMap<String, Fact>,
    /// Where the document is (free text).
    pub reference: Option<String>,
}

/// An auditor's verdict on a clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The clause.
    pub clause: ClauseIdx,
    /// The verdict.
    pub status: Status,
    /// Who said so (free text).
    pub by: Option<String>,
}

/// Problems of one inventory file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct InventoryError {
    /// File name as given.
    pub file: String,
    /// Each problem: where (item and field) and what.
    pub problems: Vec<Problem>,
}

/// One problem in an inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where, e.g. `evidence[3] (id EV-004), field \`date\``, or `line 4, column 7`.
    pub place: String,
    /// What is wrong, lowercase.
    pub message: String,
    /// How to fix it, if that helps.
    pub help: Option<String>,
}

impl InventoryError {
    fn render(&self) -> String {
        let mut out = String::new();
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("{}: {}: {}", self.file, p.place, p.message));
            if let Some(h) = &p.help {
                out.push_str(&format!("\n  help: {h}"));
            }
        }
        out
    }
}

impl miette::Diagnostic for InventoryError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("refmap::inventory::invalid"))
    }
}

/// A parsed document before interpretation: maps keep their order and
/// duplicate keys are refused while parsing.
#[derive(Debug, Clone, PartialEq)]
enum Doc {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    Seq(Vec<Doc>),
    Map(Vec<(String, Doc)>),
}

impl<'de> Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Doc, D::Error> {
        d.deserialize_any(DocVisitor { depth: 0 })
    }
}

/// Deepest nesting of an inventory document accepted.
const MAX_DOC_DEPTH: usize = 64;

struct DocVisitor {
    depth: usize,
}

struct DocSeed {
    depth: usize,
}

impl<'de> de::DeserializeSeed<'de> for DocSeed {
    type Value = Doc;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Doc, D::Error> {
        if self.depth > MAX_DOC_DEPTH {
            return Err(de::Error::custom(format!(
                "nesting deeper than {MAX_DOC_DEPTH} levels"
            )));
        }
        d.deserialize_any(DocVisitor { depth: self.depth })
    }
}

impl<'de> Visitor<'de> for DocVisitor {
    type Value = Doc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }
    fn visit_unit<E>(self) -> Result<Doc, E> {
        Ok(Doc::Null)
    }
    fn visit_none<E>(self) -> Result<Doc, E> {
        Ok(Doc::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Doc, D::Error> {
        de::DeserializeSeed::deserialize(DocSeed { depth: self.depth }, d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Doc, E> {
        Ok(Doc::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Doc, E> {
        Ok(Doc::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Doc, E> {
        Ok(Doc::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Doc, E> {
        Ok(Doc::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Doc, E> {
        Ok(Doc::Text(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Doc, E> {
        Ok(Doc::Text(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(DocSeed {
            depth: self.depth + 1,
        })? {
            out.push(v);
        }
        Ok(Doc::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
        let mut out: Vec<(String, Doc)> = Vec::new();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key_seed(DocSeed {
            depth: self.depth + 1,
        })? {
            let key = match key {
                Doc::Text(s) => s,
                Doc::Number(n) => format!("{n}"),
                Doc::Bool(b) => b.to_string(),
                Doc::Null => "null".to_string(),
                Doc::Seq(_) | Doc::Map(_) => {
                    return Err(de::Error::custom("a key must be a plain value"))
                }
            };
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let value = map.next_value_seed(DocSeed {
                depth: self.depth + 1,
            })?;
            out.push((key, value));
        }
        Ok(Doc::Map(out))
    }
}

impl Doc {
    fn kind(&self) -> &'static str {
        match self {
            Doc::Null => "empty",
            Doc::Bool(_) => "a boolean",
            Doc::Number(_) => "a number",
            Doc::Text(_) => "text",
            Doc::Seq(_) => "a list",
            Doc::Map(_) => "a mapping",
        }
    }
}

/// Parses and checks an inventory. `name` is the file name shown in errors;
/// text starting with `{` or `[` is read as JSON, anything else as YAML.
pub fn load(book: &Rulebook, name: &str, text: &str) -> Result<Inventory, InventoryError> {
    let fail = |place: String, message: String, help: Option<String>| InventoryError {
        file: name.to_string(),
        problems: vec![Problem {
            place,
            message,
            help,
        }],
    };
    if text.len() > MAX_INVENTORY_BYTES {
        return Err(fail(
            "file".into(),
            format!(
                "inventory is larger than {} MiB",
                MAX_INVENTORY_BYTES / (1024 * 1024)
            ),
            Some("split it into one file per site".into()),
        ));
    }
    if let Some((line, column)) = too_deep(text) {
        return Err(fail(
            format!("line {line}, column {column}"),
            format!("nesting deeper than {MAX_DOC_DEPTH} levels"),
            Some("an inventory is a flat list of items; flatten the nested lists".into()),
        ));
    }
    let trimmed = text.trim_start();
    let json = trimmed.starts_with('{') || trimmed.starts_with('[');
    let doc: Result<Doc, (String, String)> = if json {
        serde_json::from_str::<Doc>(text).map_err(|e| {
            (
                format!("line {}, column {}", e.line(), e.column()),
                json_message(&e),
            )
        })
    } else {
        serde_yaml::from_str::<Doc>(text).map_err(|e| {
            let mut message = yaml_message(&e);
            // A duplicate key is found when its mapping ends: point at the
            // repeated key itself rather than at the mapping's start, and
            // name the item by its id as everywhere else.
            let duplicate = message
                .split_once("duplicate key `")
                .and_then(|(_, rest)| rest.split_once('`'))
                .map(|(key, _)| key.to_string())
                .and_then(|key| duplicate_line(text, &key, e.location().map_or(1, |l| l.line())));
            if let Some((line, _)) = duplicate {
                if let (Some(id), Some((path, rest))) =
                    (item_id_near(text, line), message.split_once(": "))
                {
                    message = format!("{path} (id {id}): {rest}");
                }
            }
            let place = duplicate
                .or_else(|| e.location().map(|l| (l.line(), l.column())))
                .map_or_else(
                    || "document".to_string(),
                    |(line, column)| format!("line {line}, column {column}"),
                );
            (place, message)
        })
    };
    let doc = doc.map_err(|(place, message)| {
        let help = if json {
            "check the JSON syntax (quotes, commas, braces)"
        } else {
            "check the YAML syntax (indentation, quotes, `key: value`)"
        };
        fail(place, message, Some(help.into()))
    })?;
    let mut checker = Checker {
        book,
        problems: Vec::new(),
    };
    let inventory = checker.inventory(doc);
    if checker.problems.is_empty() {
        Ok(inventory)
    } else {
        Err(InventoryError {
            file: name.to_string(),
            problems: checker.problems,
        })
    }
}

/// Line and column of the first place where `[`/`{` nest deeper than
/// [`MAX_DOC_DEPTH`] (quoted text skipped). Checked before parsing because
/// the YAML parser's time grows with the square of flow nesting.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let (mut line, mut column) = (1usize, 0usize);
    let mut escaped = false;
    for c in text.chars() {
        column += 1;
        if c == '\n' {
            line += 1;
            column = 0;
        }
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q || c == '\n' {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_DOC_DEPTH {
                        return Some((line, column));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    None
}

/// The line and column of the second `key:` at the same indentation at or
/// after line `from` (1-based): where a repeated key stands.
fn duplicate_line(text: &str, key: &str, from: usize) -> Option<(usize, usize)> {
    let mut seen: Vec<usize> = Vec::new();
    for (i, raw) in text.lines().enumerate().skip(from.saturating_sub(1)) {
        let trimmed = raw.trim_start();
        let body = trimmed.strip_prefix("- ").unwrap_or(trimmed).trim_start();
        let indent = raw.len() - body.len();
        let bare = body
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        let quoted = body
            .strip_prefix('"')
            .and_then(|b| b.strip_prefix(key))
            .is_some_and(|rest| rest.starts_with("\":"));
        if bare || quoted {
            if seen.contains(&indent) {
                return Some((i + 1, indent + 1));
            }
            seen.push(indent);
        }
    }
    None
}

/// The `id:` of the list item that holds 1-based `line`, if written in block style.
fn item_id_near(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = line.checked_sub(1)?;
    while !lines.get(start)?.trim_start().starts_with("- ") {
        start = start.checked_sub(1)?;
    }
    for raw in lines.get(start..)?.iter().take(64) {
        let body = raw.trim_start();
        let body = body.strip_prefix("- ").unwrap_or(body).trim_start();
        if let Some(id) = body.strip_prefix("id:") {
            return Some(id.trim().trim_matches('"').to_string());
        }
    }
    None
}

fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json appends " at line L column C"; the place is shown apart.
    match text.find(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    }
}

fn yaml_message(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    }
}

struct Checker<'a> {
    book: &'a Rulebook,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn problem(
        &mut self,
        place: impl Into<String>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.problems.push(Problem {
            place: place.into(),
            message: message.into(),
            help,
        });
    }

    fn inventory(&mut self, doc: Doc) -> Inventory {
        let mut inv = Inventory {
            site: String::new(),
            as_of: None,
            profile: BTreeMap::new(),
            evidence: Vec::new(),
            assessments: Vec::new(),
        };
        let Doc::Map(entries) = doc else {
            self.problem(
                "document",
                format!(
                    "expected a mapping with `site`, `evidence`, …, found {}",
                    doc.kind()
                ),
                None,
            );
            return inv;
        };
        for (key, value) in entries {
            match key.as_str() {
                "site" => match value {
                    Doc::Text(s) => inv.site = s,
                    other => self.problem(
                        "`site`",
                        format!("expected text, found {}", other.kind()),
                        None,
                    ),
                },
                "as_of" => inv.as_of = self.date("`as_of`", &value),
                "profile" => match value {
                    Doc::Map(facts) => {
                        for (k, v) in facts {
                            if let Some(f) = self.fact(&format!("profile `{k}`"), &v) {
                                inv.profile.insert(k, f);
                            }
                        }
                    }
                    Doc::Null => {}
                    other => self.problem(
                        "`profile`",
                        format!("expected a mapping of facts, found {}", other.kind()),
                        None,
                    ),
                },
                "evidence" => {
                    match value {
                        Doc::Seq(items) => {
                            let mut ids: HashMap<String, usize> = HashMap::new();
                            for (i, item) in items.into_iter().enumerate() {
                                if let Some(e) = self.evidence(i, item) {
                                    if let Some(first) = ids.insert(e.id.clone(), i) {
                                        self.problem(
                                        format!("evidence[{i}] (id {})", e.id),
                                        format!("duplicate id `{}`, first used by evidence[{first}]", e.id),
                                        Some("give every evidence item its own id".into()),
                                    );
                                    }
                                    inv.evidence.push(e);
                                }
                            }
                        }
                        Doc::Null => {}
                        other => self.problem(
                            "`evidence`",
                            format!("expected a list of items, found {}", other.kind()),
                            None,
                        ),
                    }
                }
                "assessments" => match value {
                    Doc::Seq(items) => {
                        let mut first: HashMap<ClauseIdx, usize> = HashMap::new();
                        for (i, item) in items.into_iter().enumerate() {
                            if let Some(a) = self.assessment(i, item) {
                                // Two verdicts on one clause would let one hide
                                // the other (a finding could vanish).
                                if let Some(j) = first.insert(a.clause, i) {
                                    let key = self.book.key(a.clause).to_string();
                                    self.problem(
                                        format!("assessments[{i}], field `clause`"),
                                        format!("clause `{key}` is already assessed by assessments[{j}]"),
                                        Some("keep one assessment per clause: the latest audit's verdict".into()),
                                    );
                                }
                                inv.assessments.push(a);
                            }
                        }
                    }
                    Doc::Null => {}
                    other => self.problem(
                        "`assessments`",
                        format!("expected a list, found {}", other.kind()),
                        None,
                    ),
                },
                other => {
                    let known = ["site", "as_of", "profile", "evidence", "assessments"];
                    self.problem(
                        format!("`{other}`"),
                        format!("unknown key `{other}`"),
                        Some(match closest(other, known) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => {
                                "the keys are `site`, `as_of`, `profile`, `evidence`, `assessments`"
                                    .into()
                            }
                        }),
                    );
                }
            }
        }
        if inv.site.is_empty() {
            self.problem(
                "document",
                "missing `site`",
                Some("name the site: `site: \"Centre …\"`".into()),
            );
        }
        inv
    }

    fn date(&mut self, place: &str, value: &Doc) -> Option<Date> {
        match value {
            Doc::Text(s) => match s.parse::<Date>() {
                Ok(d) => Some(d),
                Err(e) => {
                    self.problem(
                        place,
                        format!("`{s}`: {e}"),
                        Some("write dates `YYYY-MM-DD`".into()),
                    );
                    None
                }
            },
            other => {
                self.problem(
                    place,
                    format!("expected a date `YYYY-MM-DD`, found {}", other.kind()),
                    None,
                );
                None
            }
        }
    }

    fn fact(&mut self, place: &str, value: &Doc) -> Option<Fact> {
        Some(match value {
            Doc::Text(s) => match s.parse::<Date>() {
                Ok(d) if s.len() == 10 => Fact::Date(d),
                _ => Fact::Text(s.clone()),
            },
            Doc::Number(n) => Fact::Number(*n),
            Doc::Bool(b) => Fact::Bool(*b),
            Doc::Seq(items) => {
                Fact::List(items.iter().filter_map(|v| self.fact(place, v)).collect())
            }
            Doc::Null | Doc::Map(_) => {
                self.problem(
                    place,
                    format!("expected a plain value or a list, found {}", value.kind()),
                    None,
                );
                return None;
            }
        })
    }

    fn evidence(&mut self, index: usize, item: Doc) -> Option<EvidenceItem> {
        let Doc::Map(entries) = item else {
            self.problem(
                format!("evidence[{index}]"),
                format!("expected a mapping, found {}", item.kind()),
                None,
            );
            return None;
        };
        let id = entries.iter().find_map(|(k, v)| match (k.as_str(), v) {
            ("id", Doc::Text(s)) => Some(s.clone()),
            ("id", Doc::Number(n)) => Some(format!("{n}")),
            _ => None,
        });
        let place = match &id {
            Some(id) => format!("evidence[{index}] (id {id})"),
            None => format!("evidence[{index}]"),
        };
        let Some(id) = id else {
            self.problem(
                &place,
                "missing `id`",
                Some("give every evidence item a unique `id`".into()),
            );
            return None;
        };
        let mut ty = None;
        let mut date = None;
        let mut date_given = false;
        let mut expires = None;
        let mut raw_fields = None;
        let mut reference = None;
        for (key, value) in &entries {
            match key.as_str() {
                "id" => {}
                "type" => match value {
                    Doc::Text(s) => ty = Some(s.clone()),
                    other => self.problem(
                        format!("{place}, field `type`"),
                        format!("expected text, found {}", other.kind()),
                        None,
                    ),
                },
                "date" => {
                    date_given = true;
                    date = self.date(&format!("{place}, field `date`"), value);
                }
                "expires" => expires = self.date(&format!("{place}, field `expires`"), value),
                "fields" => match value {
                    Doc::Map(f) => raw_fields = Some(f.clone()),
                    Doc::Null => {}
                    other => self.problem(
                        format!("{place}, field `fields`"),
                        format!("expected a mapping, found {}", other.kind()),
                        None,
                    ),
                },
                "ref" => match value {
                    Doc::Text(s) => reference = Some(s.clone()),
                    other => self.problem(
                        format!("{place}, field `ref`"),
                        format!("expected text, found {}", other.kind()),
                        None,
                    ),
                },
                other => {
                    let known = ["id", "type", "date", "expires", "fields", "ref"];
                    self.problem(
                        format!("{place}, field `{other}`"),
                        format!("unknown key `{other}`"),
                        Some(match closest(other, known) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "declared fields go under `fields:`".into(),
                        }),
                    );
                }
            }
        }
        let Some(ty) = ty else {
            self.problem(
                &place,
                "missing `type`",
                Some("name its evidence type, e.g. `type: maintenance_record`".into()),
            );
            return None;
        };
        let Some(declared) = self.book.evidence_type(&ty) else {
            let help = match closest(
                &ty,
                self.book.evidence_types.iter().map(|t| t.name.as_str()),
            ) {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    "`refmap clauses` and the rules' `evidence` items list the known types".into()
                }
            };
            self.problem(
                format!("{place}, field `type`"),
                format!("unknown evidence type `{ty}`"),
                Some(help),
            );
            return None;
        };
        if declared.valid.is_some() && !date_given {
            self.problem(
                format!("{place}, field `date`"),
                format!("evidence type `{ty}` is valid for {} after its date, but the item has no `date`", declared.valid.map(|v| v.to_string()).unwrap_or_default()),
                Some("add `date: YYYY-MM-DD`".into()),
            );
        }
        if let (Some(d), Some(e)) = (date, expires) {
            if e < d {
                self.problem(
                    format!("{place}, field `expires`"),
                    format!("expires {e} before its date {d}"),
                    None,
                );
            }
        }
        let mut fields = BTreeMap::new();
        for (key, value) in raw_fields.unwrap_or_default() {
            let fplace = format!("{place}, field `{key}`");
            let Some(ft) = declared.fields.get(&key) else {
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
                    fplace,
                    format!("evidence type `{ty}` has no field `{key}`"),
                    Some(help),
                );
                continue;
            };
            if let Some(v) = self.typed(&fplace, &value, *ft) {
                fields.insert(key, v);
            }
        }
        Some(EvidenceItem {
            id,
            ty,
            date,
            expires,
            fields,
            reference,
        })
    }

    /// A field value of its declared type.
    fn typed(&mut self, place: &str, value: &Doc, ft: FieldType) -> Option<Fact> {
        let wrong = |s: &mut Self| {
            s.problem(
                place,
                format!("expected {}, found {}", type_phrase(ft), value.kind()),
                matches!(
                    (ft, value),
                    (FieldType::Text, Doc::Number(_) | Doc::Bool(_))
                )
                .then(|| "quote the value to make it text".to_string()),
            );
            None
        };
        match (ft, value) {
            (FieldType::Text, Doc::Text(s)) => Some(Fact::Text(s.clone())),
            (FieldType::Number, Doc::Number(n)) => Some(Fact::Number(*n)),
            (FieldType::Bool, Doc::Bool(b)) => Some(Fact::Bool(*b)),
            (FieldType::Date, Doc::Text(_)) => self.date(place, value).map(Fact::Date),
            (FieldType::List, Doc::Seq(items)) => Some(Fact::List(
                items.iter().filter_map(|v| self.fact(place, v)).collect(),
            )),
            _ => wrong(self),
        }
    }

    fn assessment(&mut self, index: usize, item: Doc) -> Option<Assessment> {
        let place = format!("assessments[{index}]");
        let Doc::Map(entries) = item else {
            self.problem(
                &place,
                format!("expected a mapping, found {}", item.kind()),
                None,
            );
            return None;
        };
        let mut clause = None;
        let mut status = None;
        let mut by = None;
        let given = |k: &str| entries.iter().any(|(key, _)| key == k);
        let (has_clause, has_status) = (given("clause"), given("status"));
        for (key, value) in entries {
            match (key.as_str(), value) {
                ("clause", Doc::Text(s)) => match self.book.clause_by_key(&s) {
                    Some(c) => clause = Some(c),
                    None => {
                        let help = self
                            .book
                            .suggest_clause(&s)
                            .map(|k| format!("did you mean `{k}`?"));
                        self.problem(
                            format!("{place}, field `clause`"),
                            format!("unknown clause `{s}`"),
                            help,
                        );
                    }
                },
                ("status", Doc::Text(s)) => match Status::from_keyword(&s) {
                    Some(st) => status = Some(st),
                    None => self.problem(
                        format!("{place}, field `status`"),
                        format!("unknown status `{s}`"),
                        Some(
                            "use `met`, `partial`, `not-met`, `not-applicable` or `unknown`".into(),
                        ),
                    ),
                },
                ("by", Doc::Text(s)) => by = Some(s),
                (k @ ("clause" | "status" | "by"), v) => {
                    self.problem(
                        format!("{place}, field `{k}`"),
                        format!("expected text, found {}", v.kind()),
                        None,
                    );
                }
                (other, _) => self.problem(
                    format!("{place}, field `{other}`"),
                    format!("unknown key `{other}`"),
                    Some("an assessment has `clause`, `status` and `by`".into()),
                ),
            }
        }
        if !has_clause {
            self.problem(
                &place,
                "missing `clause`",
                Some("name the clause assessed: `clause: \"LABELIX:4.2\"`".into()),
            );
        }
        if !has_status {
            self.problem(
                &place,
                "missing `status`",
                Some("give the verdict: `status: met`".into()),
            );
        }
        Some(Assessment {
            clause: clause?,
            status: status?,
            by,
        })
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
