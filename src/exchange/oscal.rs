//! OSCAL mapping collections (NIST IR 8477): export of the declared links
//! (and, on request, the derived relations) and import into `mapping` text.
//!
//! The 1.0.3 JSON schema has no `matching-rationale` or `confidence-score`
//! on a map and allows only `marking` as a property name, so refmap's own
//! facts travel as `marking` properties in refmap's namespace, told apart
//! by their `class`. UUIDs are version 5 from a fixed namespace and the
//! clause pair, so a re-export diffs cleanly.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::{referential_of, Clauses, ImportError, Imported, LinkRow};
use crate::query::NetworkExport;
use crate::vocab::Relation;

/// Namespace of refmap's properties on a map.
pub const NS: &str = "urn:refmap:oscal";
/// The OSCAL namespace a relationship may name.
const OSCAL_NS: &str = "http://csrc.nist.gov/ns/oscal";
/// Prefix of a resource href naming a referential.
pub const HREF_PREFIX: &str = "urn:refmap:referential:";

/// The fixed namespace of every UUID refmap writes.
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:refmap:oscal")
}

fn uuid_of(parts: &[&str]) -> String {
    Uuid::new_v5(&namespace(), parts.join("\u{1f}").as_bytes()).to_string()
}

/// The OSCAL word for a relation.
pub fn relationship(r: Relation) -> &'static str {
    match r {
        Relation::Equals => "equal-to",
        Relation::SubsetOf => "subset-of",
        Relation::SupersetOf => "superset-of",
        Relation::Intersects => "intersects-with",
        Relation::Disjoint => "no-relationship",
    }
}

fn prop(class: &str, value: &str) -> Value {
    json!({"name": "marking", "ns": NS, "class": class, "value": value})
}

fn item(key: &str) -> Value {
    let id = key.rsplit_once(':').map_or(key, |(_, id)| id);
    json!([{"type": "control", "id-ref": id}])
}

fn map_uuid(from: &str, to: &str, nth: usize) -> String {
    if nth == 0 {
        uuid_of(&["map", from, to])
    } else {
        uuid_of(&["map", from, to, &nth.to_string()])
    }
}

/// A map with the clause pair it is sorted by.
type Entry = (String, String, Value);

/// The mapping collection of the network; `last_modified` is the
/// `YYYY-MM-DD` the metadata carries (midnight UTC).
pub fn export(net: &NetworkExport, derived: bool, last_modified: &str) -> Value {
    // (source referential, target referential) → maps, sorted by clause pair.
    let mut groups: BTreeMap<(String, String), Vec<Entry>> = BTreeMap::new();
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut uuids: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for l in &net.links {
        let nth = seen.entry((l.from.clone(), l.to.clone())).or_insert(0);
        let uuid = map_uuid(&l.from, &l.to, *nth);
        *nth += 1;
        uuids.insert(
            (
                l.from.clone(),
                l.relation.keyword().to_string(),
                l.to.clone(),
            ),
            uuid.clone(),
        );
        let mut props = Vec::new();
        if let Some(r) = l.rationale {
            props.push(prop("matching-rationale", r));
        }
        if let Some(s) = l.strength {
            props.push(prop("confidence-score", &s.to_string()));
        }
        if !l.mapping.trim().is_empty() {
            props.push(prop("mapping", l.mapping.trim()));
        }
        let mut map = Map::new();
        map.insert("uuid".into(), json!(uuid));
        if !props.is_empty() {
            map.insert("props".into(), Value::Array(props));
        }
        map.insert("relationship".into(), json!(relationship(l.relation)));
        map.insert("sources".into(), item(&l.from));
        map.insert("targets".into(), item(&l.to));
        if let Some(note) = l.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            map.insert("remarks".into(), json!(note));
        }
        let key = (
            referential_of(&l.from).to_string(),
            referential_of(&l.to).to_string(),
        );
        groups
            .entry(key)
            .or_default()
            .push((l.from.clone(), l.to.clone(), Value::Object(map)));
    }
    if derived {
        for d in &net.derived {
            // OSCAL names one relationship: only exactly entailed ones go.
            let [relation] = d.relations.as_slice() else {
                continue;
            };
            let mut links = Vec::new();
            let mut steps = Vec::new();
            for s in &d.proof {
                steps.push(format!("{} {} {} ({})", s.from, s.relation, s.to, s.source));
                if let Some(u) = uuids.get(&(s.from.clone(), s.relation.clone(), s.to.clone())) {
                    let href = format!("#{u}");
                    let link = json!({"href": href, "rel": "proved-by"});
                    if !links.contains(&link) {
                        links.push(link);
                    }
                }
            }
            let mut map = Map::new();
            map.insert("uuid".into(), json!(uuid_of(&["derived", &d.from, &d.to])));
            map.insert("props".into(), json!([prop("derived", "entailed")]));
            if !links.is_empty() {
                map.insert("links".into(), Value::Array(links));
            }
            map.insert("relationship".into(), json!(relationship(*relation)));
            map.insert("sources".into(), item(&d.from));
            map.insert("targets".into(), item(&d.to));
            map.insert(
                "remarks".into(),
                json!(format!("Derived by refmap from: {}", steps.join("; "))),
            );
            let key = (
                referential_of(&d.from).to_string(),
                referential_of(&d.to).to_string(),
            );
            groups
                .entry(key)
                .or_default()
                .push((d.from.clone(), d.to.clone(), Value::Object(map)));
        }
    }
    let mappings: Vec<Value> = groups
        .into_iter()
        .map(|((a, b), mut maps)| {
            maps.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
            json!({
                "uuid": uuid_of(&["mapping", &a, &b]),
                "source-resource": {"type": "catalog", "href": format!("{HREF_PREFIX}{a}")},
                "target-resource": {"type": "catalog", "href": format!("{HREF_PREFIX}{b}")},
                "maps": maps.into_iter().map(|m| m.2).collect::<Vec<_>>(),
            })
        })
        .collect();
    let content = serde_json::to_string(&mappings).unwrap_or_default();
    json!({"mapping-collection": {
        "uuid": uuid_of(&["collection", &content]),
        "metadata": {
            "title": "refmap crosswalks",
            "last-modified": format!("{last_modified}T00:00:00Z"),
            "version": env!("CARGO_PKG_VERSION"),
            "oscal-version": "1.0.3",
        },
        "mappings": mappings,
    }})
}

/// The refmap relation of an OSCAL relationship (a string, or an object
/// with `type` and an optional `ns`).
fn relation_of(node: Option<&Value>) -> Result<Relation, String> {
    let (word, ns) = match node {
        Some(Value::String(s)) => (s.as_str(), None),
        Some(Value::Object(o)) => (
            o.get("type").and_then(Value::as_str).unwrap_or(""),
            o.get("ns").and_then(Value::as_str),
        ),
        _ => return Err("no `relationship`".into()),
    };
    if let Some(ns) = ns.filter(|ns| ns.trim_end_matches('/') != OSCAL_NS) {
        return Err(format!(
            "relationship `{word}` in namespace `{ns}` is unknown to refmap; use one of OSCAL's"
        ));
    }
    Ok(match word {
        "equal-to" => Relation::Equals,
        "subset-of" => Relation::SubsetOf,
        "superset-of" => Relation::SupersetOf,
        "intersects-with" => Relation::Intersects,
        "no-relationship" => Relation::Disjoint,
        "equivalent-to" => {
            return Err("relationship `equivalent-to` (similar, not identical) has no exact refmap relation; make it `equal-to` or `intersects-with`".into())
        }
        other => {
            return Err(format!(
                "unknown relationship `{other}`; use equal-to, subset-of, superset-of, intersects-with or no-relationship"
            ))
        }
    })
}

/// A refmap property of a map, by class.
fn refmap_prop<'a>(map: &'a Value, class: &str) -> Option<&'a str> {
    map.get("props")?.as_array()?.iter().find_map(|p| {
        (p.get("ns").and_then(Value::as_str) == Some(NS)
            && p.get("class").and_then(Value::as_str) == Some(class))
        .then(|| p.get("value").and_then(Value::as_str))
        .flatten()
    })
}

/// The referential a resource reference names (`urn:refmap:referential:R`,
/// or the last segment of any other href, without its extension).
fn resource_referential(resource: Option<&Value>) -> String {
    let href = resource
        .and_then(|r| r.get("href"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if let Some(id) = href.strip_prefix(HREF_PREFIX) {
        return id.to_string();
    }
    let last = href.rsplit(['/', '#', ':']).next().unwrap_or(href);
    last.split_once('.')
        .map_or(last, |(stem, _)| stem)
        .to_string()
}

/// The single clause of a map's `sources` or `targets`.
fn clause_of(
    map: &Value,
    side: &str,
    referential: &str,
    clauses: &dyn Clauses,
) -> Result<String, String> {
    let items = match map.get(side) {
        Some(Value::Array(items)) => items.as_slice(),
        _ => return Err(format!("no `{side}`")),
    };
    let [one] = items else {
        return Err(format!(
            "{} {side}; refmap links one clause to one clause, so split the map",
            items.len()
        ));
    };
    let id = one
        .get("id-ref")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    if id.is_empty() {
        return Err(format!("a `{side}` item has no `id-ref`"));
    }
    let key = if id.contains(':') && clauses.check(id).is_ok() {
        id.to_string()
    } else {
        format!("{referential}:{id}")
    };
    clauses.check(&key).map(|()| key)
}

/// One map read into a link; `Ok(None)` for a map refmap derived itself.
fn link_of(
    map: &Value,
    from_ref: &str,
    to_ref: &str,
    title: &str,
    clauses: &dyn Clauses,
) -> Result<Option<LinkRow>, Vec<String>> {
    if refmap_prop(map, "derived").is_some() {
        return Ok(None);
    }
    let relation = relation_of(map.get("relationship"));
    let from = clause_of(map, "sources", from_ref, clauses);
    let to = clause_of(map, "targets", to_ref, clauses);
    let rationale = refmap_prop(map, "matching-rationale")
        .or_else(|| map.get("matching-rationale").and_then(Value::as_str))
        .map(|r| {
            super::rationale_word(r).ok_or_else(|| {
                format!("unknown matching-rationale `{r}`; use syntactic, semantic or functional")
            })
        })
        .transpose();
    let strength = refmap_prop(map, "confidence-score")
        .map(|s| super::strength_word(s).map_err(|e| format!("confidence-score: {e}")))
        .transpose()
        .map(Option::flatten);
    match (relation, from, to, rationale, strength) {
        (Ok(relation), Ok(from), Ok(to), Ok(rationale), Ok(strength)) => Ok(Some(LinkRow {
            from,
            relation,
            to,
            strength,
            rationale,
            note: map
                .get("remarks")
                .and_then(Value::as_str)
                .map(str::to_string),
            mapping: Some(refmap_prop(map, "mapping").unwrap_or(title).to_string()),
        })),
        (r, f, t, ra, s) => Err([r.err(), f.err(), t.err(), ra.err(), s.err()]
            .into_iter()
            .flatten()
            .collect()),
    }
}

/// Reads a mapping collection into links, checking every clause; every
/// problem is reported, each naming its mapping and map (1-based).
pub fn import(file: &str, text: &str, clauses: &dyn Clauses) -> Result<Imported, ImportError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::one(
            "refmap::exchange::malformed",
            file,
            format!("not JSON: {e}"),
        )
    })?;
    let Some(collection) = doc.get("mapping-collection") else {
        return Err(ImportError::one(
            "refmap::exchange::malformed",
            file,
            "no `mapping-collection` at the top: is this an OSCAL mapping document?",
        ));
    };
    let title = collection
        .pointer("/metadata/title")
        .and_then(Value::as_str)
        .unwrap_or("Imported OSCAL mappings")
        .to_string();
    let mappings: Vec<&Value> = match collection.get("mappings") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => {
            return Err(ImportError::one(
                "refmap::exchange::malformed",
                file,
                "`mapping-collection` has no `mappings`",
            ))
        }
    };
    let mut links = Vec::new();
    let mut problems = Vec::new();
    let mut derived = 0usize;
    for (i, mapping) in mappings.iter().enumerate() {
        let from_ref = resource_referential(mapping.get("source-resource"));
        let to_ref = resource_referential(mapping.get("target-resource"));
        let Some(maps) = mapping.get("maps").and_then(Value::as_array) else {
            problems.push(format!("mapping {}: no `maps`", i + 1));
            continue;
        };
        for (j, map) in maps.iter().enumerate() {
            let place = match map.get("uuid").and_then(Value::as_str) {
                Some(u) => format!("mapping {}, map {} ({u})", i + 1, j + 1),
                None => format!("mapping {}, map {}", i + 1, j + 1),
            };
            match link_of(map, &from_ref, &to_ref, &title, clauses) {
                Ok(Some(link)) => links.push(link),
                Ok(None) => derived += 1,
                Err(errs) => problems.extend(errs.into_iter().map(|e| format!("{place}: {e}"))),
            }
        }
    }
    if !problems.is_empty() {
        let code = if problems.iter().any(|p| p.contains("relationship `")) {
            "refmap::exchange::unknown-relation"
        } else if problems.iter().any(|p| p.contains("unknown clause")) {
            "refmap::exchange::unknown-clause"
        } else {
            "refmap::exchange::malformed"
        };
        return Err(ImportError {
            code,
            file: file.to_string(),
            problems,
        });
    }
    let skipped = (derived > 0)
        .then(|| format!("{derived} map(s) marked derived by refmap (entailed, not declared)"))
        .into_iter()
        .collect();
    Ok(Imported {
        text: super::render_mappings(&title, &links),
        skipped,
    })
}
