//! `relate`, `equivalents`, `coverage` and `export` through the CLI, on a
//! small fixed network (tests/inputs/queries/sample.rules), so the snapshots
//! do not move when the shipped rules change.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::process::Command;

const RULES: &str = "tests/inputs/queries/sample.rules";

fn refmap(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_refmap"))
        .args(["--rules", RULES])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run refmap");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (code, stdout, stderr) = refmap(&all);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("valid JSON")
}

#[test]
fn relate_json_has_the_shape_of_the_design() {
    let v = json(&["relate", "LAB:4.2", "ISO:6.4"]);
    assert_eq!(v["a"], "LAB:4.2");
    assert_eq!(v["b"], "ISO:6.4");
    assert_eq!(v["relations"], serde_json::json!(["subset-of"]));
    let proof = v["proof"].as_array().unwrap();
    assert!(!proof.is_empty());
    for step in proof {
        for key in ["from", "relation", "to", "source"] {
            assert!(step[key].is_string(), "{key} missing in {step}");
        }
        assert!(step["source"]
            .as_str()
            .unwrap()
            .starts_with("tests/inputs/queries/sample.rules:"));
    }
    // The declared link that makes LAB:4 part of ISO:6.4 is cited with its line.
    assert!(proof.iter().any(|s| s["from"] == "LAB:4"
        && s["relation"] == "subset-of"
        && s["to"] == "ISO:6.4"
        && s["source"] == "tests/inputs/queries/sample.rules:50"));
}

#[test]
fn relations_are_listed_in_canonical_order_and_unknown_pairs_give_all_five() {
    let v = json(&["relate", "LAB:4.1", "LAB:5.1"]);
    assert_eq!(v["relations"], serde_json::json!(["disjoint"]));
    let v = json(&["relate", "REG:9", "LAB:5"]);
    assert_eq!(
        v["relations"],
        serde_json::json!([
            "equals",
            "subset-of",
            "superset-of",
            "intersects",
            "disjoint"
        ])
    );
    assert_eq!(v["proof"], serde_json::json!([]));
    // REG:7 shares obligations with ISO:6.4, which LAB:5 is disjoint from:
    // REG:7 cannot lie within LAB:5.
    let v = json(&["relate", "REG:7", "LAB:5"]);
    assert_eq!(
        v["relations"],
        serde_json::json!(["superset-of", "intersects", "disjoint"])
    );
    let v = json(&["relate", "LAB:4.2", "REG:7"]);
    assert_eq!(
        v["relations"],
        serde_json::json!(["subset-of", "intersects", "disjoint"])
    );
}

#[test]
fn global_flags_stand_before_or_after_the_subcommand() {
    let out = Command::new(env!("CARGO_BIN_EXE_refmap"))
        .args([
            "relate",
            "LAB:4.2",
            "ISO:6.4.2",
            "--format",
            "json",
            "--rules",
            RULES,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["relations"], serde_json::json!(["equals"]));
}

#[test]
fn min_strength_drops_weak_links_before_reasoning() {
    // REG:9 disjoint ISO:6.4 is rated 3: below 4 it no longer counts.
    let v = json(&["relate", "LAB:4.1", "REG:9"]);
    assert_eq!(v["relations"], serde_json::json!(["disjoint"]));
    let v = json(&["relate", "LAB:4.1", "REG:9", "--min-strength", "4"]);
    assert_eq!(v["relations"].as_array().unwrap().len(), 5);
}

#[test]
fn unknown_clause_is_a_usage_error_with_a_suggestion() {
    let (code, _, stderr) = refmap(&["relate", "LAB:4.3", "ISO:6.4"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown clause `LAB:4.3`"), "{stderr}");
    assert!(stderr.contains("did you mean"), "{stderr}");
    let (code, _, stderr) = refmap(&["coverage", "--from", "LABX", "--to", "ISO"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown referential `LABX`"), "{stderr}");
}

#[test]
fn wrong_format_for_a_command_is_a_usage_error() {
    let (code, _, stderr) = refmap(&["relate", "LAB:4.2", "ISO:6.4", "--format", "dot"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn equivalents_orders_equals_then_containment_then_overlap() {
    let v = json(&["equivalents", "LAB:4.2"]);
    let kinds: Vec<&str> = v["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kinship"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"equals"));
    let mut sorted = kinds.clone();
    let rank = |k: &str| {
        [
            "equals",
            "subset-of",
            "superset-of",
            "overlaps",
            "disjoint",
            "constrained",
        ]
        .iter()
        .position(|x| *x == k)
    };
    sorted.sort_by_key(|k| rank(k));
    assert_eq!(kinds, sorted);
    let v = json(&["equivalents", "LAB:4.2", "--to", "REG"]);
    for r in v["related"].as_array().unwrap() {
        assert!(r["clause"].as_str().unwrap().starts_with("REG:"));
    }
}

#[test]
fn coverage_counts_full_partial_and_never_infers_from_absence() {
    let v = json(&["coverage", "--from", "ISO", "--to", "LAB"]);
    assert_eq!(v["counts"]["full"], 3);
    assert_eq!(v["counts"]["partial"], 2);
    assert_eq!(v["counts"]["total"], 5);
    let v = json(&["coverage", "--from", "REG", "--to", "LAB"]);
    // REG:7 only intersects ISO:6.4: no overlap, containment or
    // disjointness with LAB is entailed, so every clause stays unknown.
    assert_eq!(v["counts"]["full"], 0);
    assert_eq!(v["counts"]["unknown"], 5);
}

#[test]
fn snapshots_of_human_answers() {
    let mut all = String::new();
    for args in [
        vec!["relate", "LAB:4.2", "ISO:6.4"],
        vec!["relate", "LAB:5.1", "ISO:6.4.2"],
        vec!["equivalents", "ISO:6.4.2"],
        vec!["coverage", "--from", "ISO", "--to", "LAB"],
        vec!["coverage", "--from", "LAB", "--to", "REG"],
        vec!["export", "--format", "csv"],
        vec!["export", "--format", "mermaid"],
        vec!["export", "--format", "dot"],
    ] {
        let (code, stdout, stderr) = refmap(&args);
        assert_eq!(code, 0, "{stderr}");
        all.push_str(&format!("$ refmap {}\n{stdout}\n", args.join(" ")));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn snapshot_of_export_json() {
    insta::assert_json_snapshot!(json(&["export"]));
}

#[test]
fn inconsistent_rules_make_queries_exit_1() {
    let dir = std::env::temp_dir().join(format!("refmap-inconsistent-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.rules");
    std::fs::write(
        &file,
        "referential A \"a\" { clause 1 \"x\" }\nreferential B \"b\" { clause 1 \"y\" }\nmapping \"m\" {\n  A:1 subset-of B:1\n  A:1 intersects B:1\n}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_refmap"))
        .args(["relate", "A:1", "B:1", "--rules"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refmap::mapper::inconsistent"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_refmap"))
        .args(["lint", "--format", "json", "--rules"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "refmap::mapper::inconsistent");
    // Both conflicting links are named: one primary, the other related.
    assert_eq!(
        d["location"]["line"].as_u64().unwrap() + d["related"][0]["line"].as_u64().unwrap(),
        9
    );
    std::fs::remove_dir_all(&dir).ok();
}
