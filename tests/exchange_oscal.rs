//! OSCAL export and import (issue 15, point 1): exports of the shipped
//! rules validate against NIST's 1.0.3 mapping schema (read from
//! `../shared/oscal/`), UUIDs are stable, an import of the export gives
//! back the same links, and bad documents are refused with exit 2.

#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

fn refmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refmap"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `../shared/oscal/` seen from the repository (or a worktree below it);
/// on a checkout without it (a CI clone elsewhere), the copy of the same
/// NIST schema kept in `tests/inputs/oscal/` (see its SOURCES.md), said once.
fn shared_oscal() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    repo.ancestors()
        .skip(1)
        .map(|a| a.join("shared/oscal"))
        .find(|p| p.join("oscal_mapping_schema.json").is_file())
        .unwrap_or_else(|| {
            eprintln!("no ../shared/oscal above the repository: using tests/inputs/oscal");
            repo.join("tests/inputs/oscal")
        })
}

/// NIST's schema with its one self-contradictory node relaxed: the 1.0.3
/// `relationship` is declared an object *and* an enum of strings, so no
/// instance passes. The metaschema's meaning holds (SOURCES.md): a token,
/// one of OSCAL's six values.
fn schema() -> Value {
    let text = std::fs::read_to_string(shared_oscal().join("oscal_mapping_schema.json")).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    let node = &mut schema["definitions"]["oscal-mapping-oscal-mapping-common:map"]["properties"]
        ["relationship"];
    assert!(node.is_object(), "the relationship node moved");
    *node = json!({
        "type": "string",
        "enum": ["equivalent-to", "equal-to", "subset-of", "superset-of", "intersects-with", "no-relationship"]
    });
    schema
}

fn validate(doc: &Value) {
    let validator = jsonschema::draft7::new(&schema()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
}

fn export(extra: &[&str]) -> Value {
    let mut args = vec!["export", "--format", "oscal"];
    args.extend_from_slice(extra);
    let out = refmap(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn maps(doc: &Value) -> Vec<Value> {
    doc["mapping-collection"]["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["maps"].as_array().unwrap().clone())
        .collect()
}

#[test]
fn export_of_the_shipped_rules_validates() {
    let declared = export(&[]);
    validate(&declared);
    let derived = export(&["--derived"]);
    validate(&derived);
    // The validator does bite: a property name outside the schema fails.
    let mut bad = declared.clone();
    bad["mapping-collection"]["mappings"][0]["maps"][0]["props"] =
        json!([{"name": "confidence", "value": "7"}]);
    let validator = jsonschema::draft7::new(&schema()).unwrap();
    assert!(!validator.is_valid(&bad));
    let links = refmap::Engine::shipped().export().links.len();
    assert_eq!(maps(&declared).len(), links);
    let extra: Vec<Value> = maps(&derived)
        .into_iter()
        .filter(|m| {
            m["props"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["class"] == "derived"))
        })
        .collect();
    assert!(!extra.is_empty());
    // Each derived map names the declared maps that prove it.
    let uuids: Vec<String> = maps(&declared)
        .iter()
        .map(|m| m["uuid"].as_str().unwrap().to_string())
        .collect();
    for m in &extra {
        for l in m["links"].as_array().into_iter().flatten() {
            let href = l["href"].as_str().unwrap().trim_start_matches('#');
            assert!(uuids.iter().any(|u| u == href), "{href} is no declared map");
        }
    }
    // Relationship words follow NIST IR 8477.
    let words: std::collections::BTreeSet<String> = maps(&declared)
        .iter()
        .map(|m| m["relationship"].as_str().unwrap().to_string())
        .collect();
    assert!(words.iter().all(|w| [
        "equal-to",
        "subset-of",
        "superset-of",
        "intersects-with",
        "no-relationship"
    ]
    .contains(&w.as_str())));
}

#[test]
fn uuids_are_stable_across_runs_and_file_order() {
    let a = refmap::Engine::shipped().export_oscal(true, "2026-01-01");
    let b = refmap::Engine::shipped().export_oscal(true, "2026-01-01");
    assert_eq!(a, b);
    // The same rules read in another order: same UUIDs, same document.
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&rules)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    files.reverse();
    let engine = refmap::Engine::builder().paths(&files).unwrap().build();
    let c = engine.export_oscal(true, "2026-01-01");
    let ids = |d: &Value| -> Vec<String> {
        maps(d)
            .iter()
            .map(|m| m["uuid"].as_str().unwrap().to_string())
            .collect()
    };
    let (mut x, mut y) = (ids(&a), ids(&c));
    x.sort();
    y.sort();
    assert_eq!(x, y);
    assert_eq!(
        a["mapping-collection"]["mappings"][0]["uuid"],
        c["mapping-collection"]["mappings"][0]["uuid"]
    );
}

#[test]
fn export_then_import_gives_the_same_links() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("map.json");
    let out = refmap(&[
        "export",
        "--format",
        "oscal",
        "--derived",
        "--output",
        doc.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rules = dir.path().join("imported.rules");
    let out = refmap(&[
        "import",
        "oscal",
        doc.to_str().unwrap(),
        "--output",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("marked derived by refmap"));
    let text = std::fs::read_to_string(&rules).unwrap();
    // Canonical: the formatter leaves it as it is.
    assert_eq!(refmap::Engine::format("x.rules", &text).unwrap(), text);
    // The imported mappings replace the shipped ones: lint clean, same export.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&shipped)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .filter(|p| !std::fs::read_to_string(p).unwrap().contains("\nmapping \""))
        .collect();
    paths.push(rules.clone());
    let engine = refmap::Engine::builder().paths(&paths).unwrap().build();
    assert_eq!(engine.lint().errors, 0, "{:?}", engine.lint().render(false));
    let again = engine.export_oscal(false, "2026-01-01");
    let first = refmap::Engine::shipped().export_oscal(false, "2026-01-01");
    assert_eq!(
        again["mapping-collection"]["mappings"],
        first["mapping-collection"]["mappings"]
    );
}

fn import_doc(doc: &Value) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.json");
    std::fs::write(&path, serde_json::to_string(doc).unwrap()).unwrap();
    refmap(&["import", "oscal", path.to_str().unwrap()])
}

fn one_map(relationship: Value, source: &str, target: &str) -> Value {
    json!({"mapping-collection": {
        "uuid": "6b8f8f0e-0000-4000-8000-000000000000",
        "metadata": {"title": "Site crosswalk", "last-modified": "2026-01-01T00:00:00Z", "version": "1", "oscal-version": "1.0.3"},
        "mappings": [{
            "uuid": "6b8f8f0e-0000-4000-8000-000000000001",
            "source-resource": {"type": "catalog", "href": "https://example.org/LABELIX.json"},
            "target-resource": {"type": "catalog", "href": "urn:refmap:referential:ISO15189-2022"},
            "maps": [{
                "uuid": "6b8f8f0e-0000-4000-8000-000000000002",
                "relationship": relationship,
                "sources": [{"type": "control", "id-ref": source}],
                "targets": [{"type": "control", "id-ref": target}],
                "remarks": "A site's reading."
            }]
        }]
    }})
}

#[test]
fn a_foreign_document_imports() {
    let out = import_doc(&one_map(
        json!({"type": "subset-of"}),
        "ORGANISATION.3",
        "6.4",
    ));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "mapping \"Site crosswalk\" {\n  LABELIX:ORGANISATION.3 subset-of ISO15189-2022:6.4 {\n    note \"A site's reading.\"\n  }\n}\n"
    );
}

#[test]
fn unknown_clause_and_relationship_are_refused() {
    let out = import_doc(&one_map(json!("subset-of"), "ORGANISATION.99", "6.4"));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("unknown clause `LABELIX:ORGANISATION.99`"),
        "{err}"
    );
    assert!(err.contains("mapping 1, map 1"), "{err}");
    assert!(err.contains("refmap::exchange::unknown-clause"), "{err}");
    assert!(stdout(&out).is_empty());

    let out = import_doc(&one_map(json!("overlaps-a-bit"), "ORGANISATION.3", "6.4"));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("unknown relationship `overlaps-a-bit`"),
        "{err}"
    );
    assert!(err.contains("refmap::exchange::unknown-relation"), "{err}");

    let out = import_doc(&one_map(json!("equivalent-to"), "ORGANISATION.3", "6.4"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no exact refmap relation"));

    let out = import_doc(&one_map(
        json!({"type": "subset-of", "ns": "https://example.org/ns"}),
        "ORGANISATION.3",
        "6.4",
    ));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("namespace `https://example.org/ns`"));

    let out = import_doc(&json!({"catalog": {}}));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no `mapping-collection`"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, "{ not json").unwrap();
    let out = refmap(&["import", "oscal", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not JSON"));
}

#[test]
fn snapshot_of_a_small_network() {
    // By its text under a relative name: the snapshot must not depend on
    // where the repository is checked out.
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/queries/sample.rules");
    let text = std::fs::read_to_string(&rules).unwrap();
    let engine = refmap::Engine::builder()
        .source("tests/inputs/queries/sample.rules", text)
        .build();
    let doc = engine.export_oscal(true, "2026-01-01");
    validate(&doc);
    insta::assert_json_snapshot!(doc);
}
