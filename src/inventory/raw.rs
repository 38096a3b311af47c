//! The raw inventory: what `serde_json` and the YAML crate both
//! deserialise a file into, before any checking.
//!
//! Text is borrowed from the file wherever the format allows (JSON strings
//! without escapes, YAML scalars written on one line), so a key that is
//! only compared costs no allocation, and the address of borrowed text
//! tells where in the file it stands: that is how problems get their line
//! and column in both formats. The raw form accepts any value anywhere and
//! keeps every key, repeated ones included, so that the checker can report
//! all problems of a file; only syntax errors and nesting deeper than
//! [`MAX_DEPTH`] stop the reading.
//!
//! The top level and each assessment have a typed form: assessments are
//! most of an audited site's file, and slots for `clause`, `status` and
//! `by` spare them a generic mapping each.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Deepest nesting of lists and mappings accepted.
pub(crate) const MAX_DEPTH: usize = 64;

/// The message of the nesting error (also matched by `parse`).
pub(crate) const TOO_DEEP_MESSAGE: &str = "nesting deeper than 64 levels";

/// Any value.
#[derive(Debug)]
pub(crate) enum Value<'t> {
    Null,
    Bool(bool),
    Number(f64),
    Text(Cow<'t, str>),
    List(Vec<Value<'t>>),
    Map(Vec<Entry<'t>>),
}

/// A key and its value, in a mapping.
#[derive(Debug)]
pub(crate) struct Entry<'t> {
    pub key: Cow<'t, str>,
    pub value: Value<'t>,
}

/// The whole document.
#[derive(Debug)]
pub(crate) enum Top<'t> {
    /// The usual mapping, its entries in file order.
    Map(Vec<TopEntry<'t>>),
    /// Anything else (an error).
    Other(Value<'t>),
}

/// One entry of the top-level mapping.
#[derive(Debug)]
pub(crate) struct TopEntry<'t> {
    pub key: Cow<'t, str>,
    pub value: TopValue<'t>,
}

/// A top-level value: the list under `assessments` is read item by item.
#[derive(Debug)]
pub(crate) enum TopValue<'t> {
    Value(Value<'t>),
    Assessments(Vec<Item<'t>>),
}

/// One item of the `assessments` list.
#[derive(Debug)]
pub(crate) enum Item<'t> {
    Assessment(RawAssessment<'t>),
    /// Not a mapping (an error).
    Other(Value<'t>),
}

/// One assessment mapping: the values of its three keys, and any other or
/// repeated key. The three keys themselves are not kept (a list of
/// thousands of items moves less): a problem with their value points at
/// the value, or at the item.
#[derive(Debug, Default)]
pub(crate) struct RawAssessment<'t> {
    /// The first key, when borrowed: where the item stands.
    pub first_key: Option<&'t str>,
    pub clause: Slot<'t>,
    pub status: Slot<'t>,
    pub by: Slot<'t>,
    /// Unknown keys, and known ones given again, in file order.
    pub extra: Vec<Entry<'t>>,
}

/// The value of a known key of an assessment: nearly always text borrowed
/// from the file, kept as a bare slice (nothing to drop, a small item);
/// anything else is boxed.
#[derive(Debug, Default)]
pub(crate) enum Slot<'t> {
    #[default]
    Missing,
    Text(&'t str),
    Other(Box<Value<'t>>),
}

impl<'t> Slot<'t> {
    /// The value given, if any: its text, or the value when not text.
    pub(crate) fn get(&self) -> Option<Result<&str, &Value<'t>>> {
        match self {
            Slot::Missing => None,
            Slot::Text(s) => Some(Ok(s)),
            Slot::Other(v) => Some(match &**v {
                Value::Text(s) => Ok(s),
                other => Err(other),
            }),
        }
    }

    fn into_value(self) -> Value<'t> {
        match self {
            Slot::Missing => Value::Null,
            Slot::Text(s) => Value::Text(Cow::Borrowed(s)),
            Slot::Other(v) => *v,
        }
    }
}

fn too_deep<E: de::Error>() -> E {
    de::Error::custom(TOO_DEEP_MESSAGE)
}

/// Refuses a list or mapping at `depth` (its items would be deeper).
fn container<E: de::Error>(depth: usize) -> Result<(), E> {
    if depth >= MAX_DEPTH {
        Err(too_deep())
    } else {
        Ok(())
    }
}

/// The scalar visits of every visitor here: each wraps a [`Value`]
/// (borrowed text apart, with `, text`: the hot visitors take it bare).
macro_rules! scalars {
    ($this:ident, $wrap:expr) => {
        scalars!($this, $wrap, text);
        fn visit_borrowed_str<E: de::Error>($this, v: &'de str) -> Result<Self::Value, E> {
            Ok($wrap(Value::Text(Cow::Borrowed(v))))
        }
    };
    ($this:ident, $wrap:expr, text) => {
        fn visit_unit<E: de::Error>($this) -> Result<Self::Value, E> {
            Ok($wrap(Value::Null))
        }
        fn visit_none<E: de::Error>($this) -> Result<Self::Value, E> {
            Ok($wrap(Value::Null))
        }
        fn visit_bool<E: de::Error>($this, v: bool) -> Result<Self::Value, E> {
            Ok($wrap(Value::Bool(v)))
        }
        fn visit_i64<E: de::Error>($this, v: i64) -> Result<Self::Value, E> {
            Ok($wrap(Value::Number(v as f64)))
        }
        fn visit_u64<E: de::Error>($this, v: u64) -> Result<Self::Value, E> {
            Ok($wrap(Value::Number(v as f64)))
        }
        fn visit_f64<E: de::Error>($this, v: f64) -> Result<Self::Value, E> {
            Ok($wrap(Value::Number(v)))
        }
        fn visit_str<E: de::Error>($this, v: &str) -> Result<Self::Value, E> {
            Ok($wrap(Value::Text(Cow::Owned(v.to_string()))))
        }
        fn visit_string<E: de::Error>($this, v: String) -> Result<Self::Value, E> {
            Ok($wrap(Value::Text(Cow::Owned(v))))
        }
    };
}

/// A [`Value`] found `depth` levels down.
#[derive(Clone, Copy)]
pub(crate) struct ValueSeed {
    pub depth: usize,
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value<'de>, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(too_deep());
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }
    scalars!(self, |v| v);
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value<'de>, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        container(self.depth)?;
        let inner = ValueSeed {
            depth: self.depth + 1,
        };
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            out.push(v);
        }
        Ok(Value::List(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        container(self.depth)?;
        let inner = ValueSeed {
            depth: self.depth + 1,
        };
        let mut out = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value_seed(inner)?;
            out.push(Entry { key, value });
        }
        Ok(Value::Map(out))
    }
}

/// A mapping key: text as written; a number, boolean or null as spelled
/// back (YAML allows them as keys).
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    scalars!(
        self,
        |v: Value<'de>| match v {
            Value::Text(s) => s,
            Value::Number(n) => Cow::Owned(format!("{n}")),
            Value::Bool(b) => Cow::Owned(b.to_string()),
            Value::Null | Value::List(_) | Value::Map(_) => Cow::Borrowed("null"),
        },
        text
    );
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Cow<'de, str>, A::Error> {
        Err(de::Error::custom("a key must be a plain value"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Cow<'de, str>, A::Error> {
        Err(de::Error::custom("a key must be a plain value"))
    }
}

/// Reads a whole document of `len` bytes.
pub(crate) struct TopSeed {
    pub len: usize,
}

/// Room made for the assessments of a document of `len` bytes before
/// reading them (neither reader tells the length of a list): an item takes
/// at least about 48 bytes of JSON, and growing a list of thousands of
/// items step by step costs as much as reading them.
fn assessments_room(len: usize) -> usize {
    (len / 48).min(1 << 20)
}

impl<'de> DeserializeSeed<'de> for TopSeed {
    type Value = Top<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Top<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed {
    type Value = Top<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an inventory")
    }
    scalars!(self, Top::Other);
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Top<'de>, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Top<'de>, A::Error> {
        ValueSeed { depth: 0 }.visit_seq(seq).map(Top::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = if key == "assessments" {
                map.next_value_seed(AssessmentsSeed {
                    room: assessments_room(self.len),
                })?
            } else {
                TopValue::Value(map.next_value_seed(ValueSeed { depth: 1 })?)
            };
            out.push(TopEntry { key, value });
        }
        Ok(Top::Map(out))
    }
}

/// The value of `assessments` (one level down).
struct AssessmentsSeed {
    room: usize,
}

impl<'de> DeserializeSeed<'de> for AssessmentsSeed {
    type Value = TopValue<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TopValue<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AssessmentsSeed {
    type Value = TopValue<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of assessments")
    }
    scalars!(self, TopValue::Value);
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<TopValue<'de>, D::Error> {
        self.deserialize(d)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TopValue<'de>, A::Error> {
        ValueSeed { depth: 1 }.visit_map(map).map(TopValue::Value)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopValue<'de>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(self.room));
        while seq.next_element_seed(ItemSeed { out: &mut out })?.is_some() {}
        Ok(TopValue::Assessments(out))
    }
}

/// One item of `assessments` (two levels down), read straight into the
/// list: the items are built in place rather than moved out of the reader.
struct ItemSeed<'a, 'de> {
    out: &'a mut Vec<Item<'de>>,
}

impl<'de> DeserializeSeed<'de> for ItemSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an assessment")
    }
    scalars!(self, |v| self.out.push(Item::Other(v)));
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let v = ValueSeed { depth: 2 }.visit_seq(seq)?;
        self.out.push(Item::Other(v));
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.out.push(Item::Assessment(RawAssessment::default()));
        let Some(Item::Assessment(a)) = self.out.last_mut() else {
            return Ok(());
        };
        let inner = SlotSeed { depth: 3 };
        let mut first = true;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if std::mem::take(&mut first) {
                if let Cow::Borrowed(k) = key {
                    a.first_key = Some(k);
                }
            }
            let value = map.next_value_seed(inner)?;
            let slot = match &*key {
                "clause" => &mut a.clause,
                "status" => &mut a.status,
                "by" => &mut a.by,
                _ => {
                    let value = value.into_value();
                    a.extra.push(Entry { key, value });
                    continue;
                }
            };
            if let Slot::Missing = slot {
                *slot = value;
            } else {
                let value = value.into_value();
                a.extra.push(Entry { key, value });
            }
        }
        Ok(())
    }
}

/// The value of a key of an assessment (three levels down): borrowed text
/// straight into a [`Slot`], anything else read as a [`Value`].
#[derive(Clone, Copy)]
struct SlotSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for SlotSeed {
    type Value = Slot<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Slot<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

fn boxed(v: Value<'_>) -> Slot<'_> {
    Slot::Other(Box::new(v))
}

impl<'de> Visitor<'de> for SlotSeed {
    type Value = Slot<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }
    scalars!(self, boxed, text);
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Slot<'de>, E> {
        Ok(Slot::Text(v))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Slot<'de>, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Slot<'de>, A::Error> {
        ValueSeed { depth: self.depth }.visit_seq(seq).map(boxed)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Slot<'de>, A::Error> {
        ValueSeed { depth: self.depth }.visit_map(map).map(boxed)
    }
}

impl Value<'_> {
    /// The kind of value, as messages name it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "empty",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::Text(_) => "text",
            Value::List(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}
