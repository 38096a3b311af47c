//! Evidence inventories: a site's evidence items, profile and auditors'
//! assessments (DESIGN §4), loaded from YAML or JSON and checked against the
//! rulebook.
//!
//! Loading is strict, because a silently ignored typo would make a clause
//! look unmet (or met): duplicate keys, unknown evidence types or fields,
//! impossible dates and values of the wrong type are all errors, each naming
//! the file, the item (by index and id) and the field. All problems of a
//! file are reported together.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::mapper::ClauseIdx;
use crate::model::{closest, Rulebook};
use crate::syntax::ast::FieldType;
use crate::vocab::Status;

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
    /// Who said so (free text). Shared: a file names the same auditor
    /// for many clauses, and each is kept once.
    pub by: Option<Arc<str>>,
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
/// duplicate keys are refused while parsing. Text borrows from the input
/// where the parser allows it (JSON without escapes), so keys that are only
/// matched cost no allocation.
#[derive(Debug, Clone, PartialEq)]
enum Doc<'t> {
    Null,
    Bool(bool),
    Number(f64),
    Text(Cow<'t, str>),
    Seq(Vec<Doc<'t>>),
    Map(Vec<(Cow<'t, str>, Doc<'t>)>),
}

/// Parses JSON text. Besides the values, refuses (with the nesting error)
/// any container more than [`MAX_DOC_DEPTH`] deep, even an empty one: in
/// JSON every `[`/`{` outside strings opens a container.
fn json_doc(text: &str) -> Result<Doc<'_>, serde_json::Error> {
    json_doc_at(text, 0)
}

/// [`json_doc`] of a value found `depth` levels down a document.
fn json_doc_at(text: &str, depth: usize) -> Result<Doc<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let doc = de::DeserializeSeed::deserialize(DocSeed { depth, json: true }, &mut de)?;
    de.end()?;
    Ok(doc)
}

impl<'de> Deserialize<'de> for Doc<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Doc<'de>, D::Error> {
        d.deserialize_any(DocVisitor {
            depth: 0,
            json: false,
        })
    }
}

/// Deepest nesting of an inventory document accepted.
const MAX_DOC_DEPTH: usize = 64;

/// Mappings with more keys than this find repeated keys with a hash set;
/// smaller ones (every item of an inventory) by scanning the keys so far.
const LINEAR_KEY_SCAN: usize = 16;

struct DocVisitor {
    depth: usize,
    /// Also refuse containers deeper than the limit (see [`json_doc`]).
    json: bool,
}

struct DocSeed {
    depth: usize,
    json: bool,
}

fn too_deep_error<E: de::Error>() -> E {
    de::Error::custom(format!("nesting deeper than {MAX_DOC_DEPTH} levels"))
}

impl<'de> de::DeserializeSeed<'de> for DocSeed {
    type Value = Doc<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Doc<'de>, D::Error> {
        if self.depth > MAX_DOC_DEPTH {
            return Err(too_deep_error());
        }
        d.deserialize_any(DocVisitor {
            depth: self.depth,
            json: self.json,
        })
    }
}

impl<'de> Visitor<'de> for DocVisitor {
    type Value = Doc<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }
    fn visit_unit<E>(self) -> Result<Doc<'de>, E> {
        Ok(Doc::Null)
    }
    fn visit_none<E>(self) -> Result<Doc<'de>, E> {
        Ok(Doc::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Doc<'de>, D::Error> {
        de::DeserializeSeed::deserialize(
            DocSeed {
                depth: self.depth,
                json: self.json,
            },
            d,
        )
    }
    fn visit_bool<E>(self, v: bool) -> Result<Doc<'de>, E> {
        Ok(Doc::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Doc<'de>, E> {
        Ok(Doc::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Doc<'de>, E> {
        Ok(Doc::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Doc<'de>, E> {
        Ok(Doc::Number(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Doc<'de>, E> {
        Ok(Doc::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Doc<'de>, E> {
        Ok(Doc::Text(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Doc<'de>, E> {
        Ok(Doc::Text(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc<'de>, A::Error> {
        if self.json && self.depth >= MAX_DOC_DEPTH {
            return Err(too_deep_error());
        }
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(DocSeed {
            depth: self.depth + 1,
            json: self.json,
        })? {
            out.push(v);
        }
        Ok(Doc::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc<'de>, A::Error> {
        if self.json && self.depth >= MAX_DOC_DEPTH {
            return Err(too_deep_error());
        }
        let mut out: Vec<(Cow<'de, str>, Doc<'de>)> = Vec::new();
        // Filled only once the mapping outgrows a linear scan.
        let mut seen: HashSet<Cow<'de, str>> = HashSet::new();
        while let Some(key) = map.next_key_seed(DocSeed {
            depth: self.depth + 1,
            json: self.json,
        })? {
            let key = match key {
                Doc::Text(s) => s,
                Doc::Number(n) => Cow::Owned(format!("{n}")),
                Doc::Bool(b) => Cow::Owned(b.to_string()),
                Doc::Null => Cow::Borrowed("null"),
                Doc::Seq(_) | Doc::Map(_) => {
                    return Err(de::Error::custom("a key must be a plain value"))
                }
            };
            let repeated = if out.len() < LINEAR_KEY_SCAN {
                out.iter().any(|(k, _)| *k == key)
            } else {
                if seen.is_empty() {
                    seen.extend(out.iter().map(|(k, _)| k.clone()));
                }
                !seen.insert(key.clone())
            };
            if repeated {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let value = map.next_value_seed(DocSeed {
                depth: self.depth + 1,
                json: self.json,
            })?;
            out.push((key, value));
        }
        Ok(Doc::Map(out))
    }
}

impl Doc<'_> {
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
    if text.len() <= MAX_INVENTORY_BYTES && text.trim_start().starts_with('{') {
        if let Some(inventory) = json_fast(book, text) {
            return Ok(inventory);
        }
    }
    load_reference(book, name, text)
}

/// [`load`] without its shortcut for JSON files (see [`json_fast`]): the
/// one route that gives diagnostics, which the shortcut is checked against
/// (`tests/inventory_props.rs`).
#[doc(hidden)]
pub fn load_reference(
    book: &Rulebook,
    name: &str,
    text: &str,
) -> Result<Inventory, InventoryError> {
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
    let nesting_error = |(line, column): (usize, usize)| {
        fail(
            format!("line {line}, column {column}"),
            format!("nesting deeper than {MAX_DOC_DEPTH} levels"),
            Some("an inventory is a flat list of items; flatten the nested lists".into()),
        )
    };
    let trimmed = text.trim_start();
    let json = trimmed.starts_with('{') || trimmed.starts_with('[');
    // JSON is parsed before its nesting is scanned: in text that parses,
    // `[`/`{` outside strings are exactly the containers, and the parse
    // refuses containers too deep, so the scan is only needed when the parse
    // fails, and then gives the same answer as scanning first.
    if !json {
        if let Some(place) = too_deep(text) {
            return Err(nesting_error(place));
        }
    }
    let doc: Result<Doc<'_>, (String, String)> = if json {
        let parsed = json_doc(text);
        if parsed.is_err() {
            if let Some(place) = too_deep(text) {
                return Err(nesting_error(place));
            }
        }
        parsed.map_err(|e| {
            (
                format!("line {}, column {}", e.line(), e.column()),
                json_message(&e),
            )
        })
    } else {
        serde_yaml::from_str::<Doc<'_>>(text).map_err(|e| {
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

/// The shortcut of [`load`] for the usual JSON inventory: its top-level
/// mapping is read as [`load_reference`] reads it, except `assessments` —
/// most of an audited site's file — whose items go straight into
/// [`Assessment`]s instead of through the generic document tree. It gives
/// up (`None`, and `load` takes the reference route, which then gives the
/// same inventory or the diagnostics) at anything else than a list of
/// `{clause, status, by}` items of text naming a known clause and a known
/// status, each clause once, or when the rest of the file has a problem.
fn json_fast(book: &Rulebook, text: &str) -> Option<Inventory> {
    let (entries, assessments) = match scan_top(book, text) {
        Some(parts) => parts,
        None => {
            let mut de = serde_json::Deserializer::from_str(text);
            let parts = de::DeserializeSeed::deserialize(FastTop { book }, &mut de).ok()?;
            de.end().ok()?;
            parts
        }
    };
    let mut checker = Checker {
        book,
        problems: Vec::new(),
    };
    let mut inventory = checker.inventory(Doc::Map(entries));
    if !checker.problems.is_empty() {
        return None;
    }
    let mut seen = vec![0u64; book.clauses.len().div_ceil(64)];
    for a in &assessments {
        let i = a.clause.0 as usize;
        let word = seen.get_mut(i / 64)?;
        let bit = 1u64 << (i % 64);
        if *word & bit != 0 {
            return None;
        }
        *word |= bit;
    }
    inventory.assessments = assessments;
    Some(inventory)
}

/// Gives up the shortcut (the message is never shown).
fn give_up<E: de::Error>() -> E {
    de::Error::custom("not the usual shape")
}

/// The top-level mapping for [`json_fast`]: the entries other than
/// `assessments` as [`json_doc`] reads them, and the assessments.
struct FastTop<'b> {
    book: &'b Rulebook,
}

type FastParts<'t> = (Vec<(Cow<'t, str>, Doc<'t>)>, Vec<Assessment>);

impl<'de> de::DeserializeSeed<'de> for FastTop<'_> {
    type Value = FastParts<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<FastParts<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FastTop<'_> {
    type Value = FastParts<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an inventory mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastParts<'de>, A::Error> {
        let mut entries: Vec<(Cow<'de, str>, Doc<'de>)> = Vec::new();
        let mut assessments = None;
        while let Some(key) = map.next_key_seed(TextSeed)? {
            if key == "assessments" {
                if assessments.is_some() {
                    return Err(give_up());
                }
                assessments = Some(map.next_value_seed(FastAssessments { book: self.book })?);
            } else {
                if entries.iter().any(|(k, _)| *k == key) {
                    return Err(give_up());
                }
                let value = map.next_value_seed(DocSeed {
                    depth: 1,
                    json: true,
                })?;
                entries.push((key, value));
            }
        }
        Ok((entries, assessments.unwrap_or_default()))
    }
}

/// Text, borrowed where the parser allows it; anything else gives up.
struct TextSeed;

impl<'de> de::DeserializeSeed<'de> for TextSeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

/// The `assessments` value for [`json_fast`]: `null` or a list.
struct FastAssessments<'b> {
    book: &'b Rulebook,
}

impl<'de> de::DeserializeSeed<'de> for FastAssessments<'_> {
    type Value = Vec<Assessment>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Assessment>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FastAssessments<'_> {
    type Value = Vec<Assessment>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of assessments")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<Assessment>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Assessment>, A::Error> {
        let mut out: Vec<Assessment> = Vec::new();
        loop {
            // Files list clauses in the rulebook's order more often than
            // not: the clauses just after the last one are tried first,
            // which reads their keys, side by side in memory, instead of
            // probing the index of every clause.
            let last = out.last();
            match seq.next_element_seed(FastAssessment {
                book: self.book,
                next: last.map(|a| ClauseIdx(a.clause.0.saturating_add(1))),
                last_by: last.and_then(|a| a.by.clone()),
            })? {
                Some(a) => out.push(a),
                None => return Ok(out),
            }
        }
    }
}

/// How many clauses after the last one assessed are tried before the
/// index of every clause.
const LOOKAHEAD: u32 = 8;

/// The clause of key `key`, tried first among the few clauses from `next`
/// on: a file that assesses most clauses in the rulebook's order skips a
/// few, and their keys lie side by side in memory, where the index of
/// every clause costs cache misses.
fn find_clause(book: &Rulebook, next: Option<ClauseIdx>, key: &str) -> Option<ClauseIdx> {
    next.and_then(|next| {
        (next.0..next.0.saturating_add(LOOKAHEAD))
            .map(ClauseIdx)
            .find(|&c| book.clause(c).is_some_and(|k| k.key == key))
    })
    .or_else(|| book.clause_by_key(key))
}

/// `text` as an assessor's name, shared with `last` when the same.
fn share(last: Option<&Arc<str>>, text: &str) -> Arc<str> {
    match last {
        Some(last) if **last == *text => Arc::clone(last),
        _ => Arc::from(text),
    }
}

/// The `assessments` list of [`scan_top`] read straight from its JSON text
/// at `scan`: `null`, or a list of objects whose members are all strings
/// without escapes, `clause`, `status` and `by` at most once each with the
/// first two given, naming a known clause and status. `None` at anything
/// else.
fn scan_assessments(book: &Rulebook, scan: &mut Scan<'_>) -> Option<Vec<Assessment>> {
    if scan.rest().starts_with("null") {
        scan.at += 4;
        return Some(Vec::new());
    }
    scan.byte(b'[')?;
    let mut out: Vec<Assessment> = Vec::new();
    scan.space();
    if scan.byte(b']').is_none() {
        loop {
            scan.space();
            scan.byte(b'{')?;
            let last = out.last();
            let (mut clause, mut status, mut by) = (None, None, None);
            loop {
                let key = scan.key()?;
                let value = scan.string()?;
                match key {
                    "clause" if clause.is_none() => {
                        let next = last.map(|a| ClauseIdx(a.clause.0.saturating_add(1)));
                        clause = Some(find_clause(book, next, value)?);
                    }
                    "status" if status.is_none() => status = Some(Status::from_keyword(value)?),
                    "by" if by.is_none() => {
                        by = Some(share(last.and_then(|a| a.by.as_ref()), value));
                    }
                    _ => return None,
                }
                scan.space();
                if scan.byte(b',').is_none() {
                    scan.byte(b'}')?;
                    break;
                }
            }
            out.push(Assessment {
                clause: clause?,
                status: status?,
                by,
            });
            scan.space();
            if scan.byte(b',').is_none() {
                scan.byte(b']')?;
                break;
            }
        }
    }
    Some(out)
}

/// The top-level mapping of [`json_fast`] read by hand, so that serde_json
/// never scans the assessments: keys without escapes, each once; the
/// `assessments` value as [`scan_assessments`] reads it; every other value
/// cut out by [`Scan::value`] and parsed by serde_json as [`json_doc`]
/// parses a nested value. `None` at anything else, and the serde reader
/// takes the file. Text it accepts is valid JSON: every piece is checked,
/// the values by serde_json itself.
fn scan_top<'t>(book: &Rulebook, text: &'t str) -> Option<FastParts<'t>> {
    let mut scan = Scan { text, at: 0 };
    let mut entries: Vec<(Cow<'t, str>, Doc<'t>)> = Vec::new();
    let mut assessments = None;
    scan.space();
    scan.byte(b'{')?;
    scan.space();
    if scan.byte(b'}').is_none() {
        loop {
            let key = scan.key()?;
            if key == "assessments" {
                if assessments.is_some() {
                    return None;
                }
                assessments = Some(scan_assessments(book, &mut scan)?);
            } else {
                let start = scan.at;
                scan.value()?;
                let value = text.get(start..scan.at)?;
                if entries.iter().any(|(k, _)| k == key) {
                    return None;
                }
                entries.push((Cow::Borrowed(key), json_doc_at(value, 1).ok()?));
            }
            scan.space();
            if scan.byte(b',').is_none() {
                scan.byte(b'}')?;
                break;
            }
        }
    }
    scan.space();
    scan.rest()
        .is_empty()
        .then(|| (entries, assessments.unwrap_or_default()))
}

/// A cursor over JSON text for [`scan_assessments`] and [`scan_top`].
struct Scan<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Scan<'t> {
    fn rest(&self) -> &'t str {
        self.text.get(self.at..).unwrap_or("")
    }

    /// Skips JSON white space.
    fn space(&mut self) {
        let skipped = self
            .rest()
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        self.at += skipped;
    }

    /// Takes `b`, if next.
    fn byte(&mut self, b: u8) -> Option<()> {
        (self.rest().as_bytes().first() == Some(&b)).then(|| self.at += 1)
    }

    /// A member's key and its colon, with the white space around them.
    fn key(&mut self) -> Option<&'t str> {
        self.space();
        let key = self.string()?;
        self.space();
        self.byte(b':')?;
        self.space();
        Some(key)
    }

    /// Moves past one JSON value, or what would be one: a string (escapes
    /// skipped), a bracketed run balanced outside strings, or a bare word
    /// up to the next `,`, `}`, `]` or white space. What it passes over is
    /// checked by whoever reads it.
    fn value(&mut self) -> Option<()> {
        let bytes = self.rest().as_bytes();
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        for (i, &b) in bytes.iter().enumerate() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                    if depth == 0 {
                        self.at += i + 1;
                        return Some(());
                    }
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth > 0 => {
                    depth -= 1;
                    if depth == 0 {
                        self.at += i + 1;
                        return Some(());
                    }
                }
                b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => {
                    self.at += i;
                    return (i > 0).then_some(());
                }
                _ => {}
            }
        }
        (depth == 0 && !in_string && !bytes.is_empty()).then(|| self.at += bytes.len())
    }

    /// A string without escapes or control characters, its content
    /// borrowed.
    fn string(&mut self) -> Option<&'t str> {
        self.byte(b'"')?;
        let rest = self.rest();
        // The strings read here are a few bytes long: a plain loop beats
        // a vectorised search's set-up. It stops at the closing quote, an
        // escape, or a control character JSON does not allow raw.
        let end = rest
            .bytes()
            .position(|b| b == b'"' || b == b'\\' || b < 0x20)?;
        if rest.as_bytes().get(end) != Some(&b'"') {
            return None;
        }
        self.at += end + 1;
        rest.get(..end)
    }
}

/// One `{clause, status, by}` item for [`json_fast`].
struct FastAssessment<'b> {
    book: &'b Rulebook,
    /// The clause this item most likely names.
    next: Option<ClauseIdx>,
    /// Who assessed the item before, most likely who assessed this one.
    last_by: Option<Arc<str>>,
}

impl<'de> de::DeserializeSeed<'de> for FastAssessment<'_> {
    type Value = Assessment;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Assessment, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FastAssessment<'_> {
    type Value = Assessment;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an assessment")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Assessment, A::Error> {
        let (mut clause, mut status, mut by) = (None, None, None);
        while let Some(key) = map.next_key_seed(TextSeed)? {
            let value = map.next_value_seed(TextSeed)?;
            match &*key {
                "clause" if clause.is_none() => {
                    clause = Some(find_clause(self.book, self.next, &value).ok_or_else(give_up)?);
                }
                "status" if status.is_none() => {
                    status = Some(Status::from_keyword(&value).ok_or_else(give_up)?);
                }
                "by" if by.is_none() => by = Some(share(self.last_by.as_ref(), &value)),
                _ => return Err(give_up()),
            }
        }
        Ok(Assessment {
            clause: clause.ok_or_else(give_up)?,
            status: status.ok_or_else(give_up)?,
            by,
        })
    }
}

/// Line and column of the first place where `[`/`{` nest deeper than
/// [`MAX_DOC_DEPTH`] (quoted text skipped). Checked before parsing because
/// the YAML parser's time grows with the square of flow nesting.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    // Byte by byte: every character that matters is ASCII, and the bytes of
    // other characters never equal an ASCII one. The column (in characters)
    // is counted only for the answer.
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let (mut line, mut line_start) = (1usize, 0usize);
    let mut escaped = false;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if b == b'\n' {
            line += 1;
            line_start = i + 1;
        }
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if b == b'\\' && q == b'"' {
                    escaped = true;
                } else if b == q || b == b'\n' {
                    quote = None;
                }
            }
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DOC_DEPTH {
                        let column = text.get(line_start..=i).map_or(0, |l| l.chars().count());
                        return Some((line, column));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
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

    fn inventory(&mut self, doc: Doc<'_>) -> Inventory {
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
            match &*key {
                "site" => match value {
                    Doc::Text(s) => inv.site = s.into_owned(),
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
                                inv.profile.insert(k.into_owned(), f);
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
                        // The latest assessment of each clause so far, by
                        // clause index (`usize::MAX`: none).
                        let mut first: Vec<usize> = vec![usize::MAX; self.book.clauses.len()];
                        for (i, item) in items.into_iter().enumerate() {
                            if let Some(a) = self.assessment(i, item) {
                                // Two verdicts on one clause would let one hide
                                // the other (a finding could vanish).
                                let earlier = first
                                    .get_mut(a.clause.0 as usize)
                                    .map(|slot| std::mem::replace(slot, i))
                                    .filter(|&j| j != usize::MAX);
                                if let Some(j) = earlier {
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

    fn date(&mut self, place: &str, value: &Doc<'_>) -> Option<Date> {
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

    fn fact(&mut self, place: &str, value: &Doc<'_>) -> Option<Fact> {
        Some(match value {
            Doc::Text(s) => match s.parse::<Date>() {
                Ok(d) if s.len() == 10 => Fact::Date(d),
                _ => Fact::Text(s.to_string()),
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

    fn evidence(&mut self, index: usize, item: Doc<'_>) -> Option<EvidenceItem> {
        let Doc::Map(entries) = item else {
            self.problem(
                format!("evidence[{index}]"),
                format!("expected a mapping, found {}", item.kind()),
                None,
            );
            return None;
        };
        let id = entries.iter().find_map(|(k, v)| match (&**k, v) {
            ("id", Doc::Text(s)) => Some(s.to_string()),
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
        for (key, value) in entries {
            match &*key {
                "id" => {}
                "type" => match value {
                    Doc::Text(s) => ty = Some(s.into_owned()),
                    other => self.problem(
                        format!("{place}, field `type`"),
                        format!("expected text, found {}", other.kind()),
                        None,
                    ),
                },
                "date" => {
                    date_given = true;
                    date = self.date(&format!("{place}, field `date`"), &value);
                }
                "expires" => expires = self.date(&format!("{place}, field `expires`"), &value),
                "fields" => match value {
                    Doc::Map(f) => raw_fields = Some(f),
                    Doc::Null => {}
                    other => self.problem(
                        format!("{place}, field `fields`"),
                        format!("expected a mapping, found {}", other.kind()),
                        None,
                    ),
                },
                "ref" => match value {
                    Doc::Text(s) => reference = Some(s.into_owned()),
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
                    fplace,
                    format!("evidence type `{ty}` has no field `{key}`"),
                    Some(help),
                );
                continue;
            };
            if let Some(v) = self.typed(&fplace, &value, *ft) {
                fields.insert(key.into_owned(), v);
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
    fn typed(&mut self, place: &str, value: &Doc<'_>, ft: FieldType) -> Option<Fact> {
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
            (FieldType::Text, Doc::Text(s)) => Some(Fact::Text(s.to_string())),
            (FieldType::Number, Doc::Number(n)) => Some(Fact::Number(*n)),
            (FieldType::Bool, Doc::Bool(b)) => Some(Fact::Bool(*b)),
            (FieldType::Date, Doc::Text(_)) => self.date(place, value).map(Fact::Date),
            (FieldType::List, Doc::Seq(items)) => Some(Fact::List(
                items.iter().filter_map(|v| self.fact(place, v)).collect(),
            )),
            _ => wrong(self),
        }
    }

    fn assessment(&mut self, index: usize, item: Doc<'_>) -> Option<Assessment> {
        // Spelled out only for a problem: most assessments have none.
        let place = || format!("assessments[{index}]");
        let Doc::Map(entries) = item else {
            self.problem(
                place(),
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
            match (&*key, value) {
                ("clause", Doc::Text(s)) => match self.book.clause_by_key(&s) {
                    Some(c) => clause = Some(c),
                    None => {
                        let help = self
                            .book
                            .suggest_clause(&s)
                            .map(|k| format!("did you mean `{k}`?"));
                        self.problem(
                            format!("{}, field `clause`", place()),
                            format!("unknown clause `{s}`"),
                            help,
                        );
                    }
                },
                ("status", Doc::Text(s)) => match Status::from_keyword(&s) {
                    Some(st) => status = Some(st),
                    None => self.problem(
                        format!("{}, field `status`", place()),
                        format!("unknown status `{s}`"),
                        Some(
                            "use `met`, `partial`, `not-met`, `not-applicable` or `unknown`".into(),
                        ),
                    ),
                },
                ("by", Doc::Text(s)) => by = Some(Arc::from(&*s)),
                (k @ ("clause" | "status" | "by"), v) => {
                    self.problem(
                        format!("{}, field `{k}`", place()),
                        format!("expected text, found {}", v.kind()),
                        None,
                    );
                }
                (other, _) => self.problem(
                    format!("{}, field `{other}`", place()),
                    format!("unknown key `{other}`"),
                    Some("an assessment has `clause`, `status` and `by`".into()),
                ),
            }
        }
        if !has_clause {
            self.problem(
                place(),
                "missing `clause`",
                Some("name the clause assessed: `clause: \"LABELIX:4.2\"`".into()),
            );
        }
        if !has_status {
            self.problem(
                place(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan as first written, character by character: the reference
    /// for the byte scan.
    fn too_deep_by_chars(text: &str) -> Option<(usize, usize)> {
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

    fn nested(n: usize) -> String {
        format!("{}{}", "[".repeat(n), "]".repeat(n))
    }

    fn texts() -> Vec<String> {
        vec![
            format!(
                "{{\"site\": \"s\", \"profile\": {{\"deep\": {}}}}}",
                nested(62)
            ),
            format!(
                "{{\"site\": \"s\", \"profile\": {{\"deep\": {}}}}}",
                nested(63)
            ),
            format!(
                "{{\"site\": \"s\", \"profile\": {{\"deep\": {}}}}}",
                nested(64)
            ),
            format!(
                "{{\"site\": \"s\",\n \"profile\": {{\"dé€p\": {}}}}}",
                nested(63)
            ),
            format!(
                "{{\"site\": \"s\", \"profile\": {{\"deep\": {}",
                "[".repeat(70)
            ),
            format!(
                "{{\"site\": \"a\\\"{}\", \"x\": {}}}",
                "[".repeat(80),
                nested(70)
            ),
            format!("{{\"site\": \"{}\"}}", "[".repeat(100)),
            format!(
                "{{\"site\": \"s\", \"profile\": {{\"deep\": [[[1], {}]]}}}}",
                nested(61)
            ),
            format!("site: 'é[' \nprofile: {{ dé: {} }}\n", nested(65)),
            format!("site: \"é\\\"[\n\"\nprofile: {{ d: {} }}\n", nested(66)),
            format!("site: s\nprofile:\n  d: {}\n", nested(40)),
        ]
    }

    #[test]
    fn the_byte_scan_finds_what_the_character_scan_finds() {
        for text in texts() {
            assert_eq!(too_deep(&text), too_deep_by_chars(&text), "{text}");
        }
    }

    /// JSON is parsed before it is scanned: the answer must be the one of
    /// scanning first.
    #[test]
    fn json_nesting_errors_are_those_of_scanning_first() {
        let loaded = crate::load::shipped(crate::load::Options::default());
        let book = &loaded.rulebook;
        let mut deep = 0;
        for text in texts() {
            let result = load(book, "t.json", &text);
            match too_deep_by_chars(&text) {
                Some((line, column)) => {
                    deep += 1;
                    let e = result.err().map(|e| e.problems);
                    assert_eq!(
                        e,
                        Some(vec![Problem {
                            place: format!("line {line}, column {column}"),
                            message: format!("nesting deeper than {MAX_DOC_DEPTH} levels"),
                            help: Some(
                                "an inventory is a flat list of items; flatten the nested lists"
                                    .into()
                            ),
                        }]),
                        "{text}"
                    );
                }
                None => {
                    if let Err(e) = result {
                        assert!(!e.to_string().contains("nesting deeper"), "{text}: {e}");
                    }
                }
            }
        }
        assert!(deep >= 5);
    }

    #[test]
    fn a_repeated_key_is_found_in_small_and_large_mappings() {
        let loaded = crate::load::shipped(crate::load::Options::default());
        let book = &loaded.rulebook;
        for size in [3, LINEAR_KEY_SCAN, LINEAR_KEY_SCAN + 1, 40] {
            let keys: Vec<String> = (0..size).map(|i| format!("\"k{i}\": {i}")).collect();
            let text = format!(
                "{{\"site\": \"s\", \"profile\": {{{}, \"k2\": 0, \"k0\": 1}}}}",
                keys.join(", ")
            );
            let e = load(book, "t.json", &text).err().map(|e| e.problems);
            let message = e
                .as_ref()
                .and_then(|p| p.first())
                .map(|p| p.message.clone());
            assert_eq!(message.as_deref(), Some("duplicate key `k2`"), "{size}");
        }
    }
}
