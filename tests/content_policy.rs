//! The content policies of `rules/README.md`, checked mechanically on the
//! shipped rules so that a later edit cannot quietly bring back what the
//! issue 13 review removed: over-claiming links onto reconstructed ids,
//! self-justifying links, empty status notes, and ASN or ACR-F clauses that
//! apply to sites they do not concern.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;

use refmap::internal::load::{self, Options};
use refmap::internal::model::{Condition, Field, Rule, Rulebook};
use refmap::internal::vocab::ClauseIdx;
use refmap::Relation;

/// The token a referential's `note` carries when its clause ids are refmap's
/// reconstruction rather than the official numbering.
const RECONSTRUCTED: &str = "[RECONSTRUCTED IDS]";
/// The token a link's note carries when it claims more than an overlap onto
/// a reconstructed id, followed by the evidence that shows the claim.
const RULE_CHECK: &str = "[RULE-CHECK]";

fn shipped() -> refmap::internal::model::Loaded {
    load::shipped(Options::default())
}

fn reconstructed(book: &Rulebook, idx: ClauseIdx) -> bool {
    let referential = book.referential(book.referential_of(idx)).unwrap();
    referential
        .attrs
        .iter()
        .any(|(_, v)| v.contains(RECONSTRUCTED))
}

/// Evidence types a rule reads, following `clause X` references.
fn rule_types(book: &Rulebook, rule: &Rule, out: &mut BTreeSet<u32>, seen: &mut BTreeSet<u32>) {
    match rule {
        Rule::All(parts) | Rule::Any(parts) | Rule::AtLeast { of: parts, .. } => {
            for p in parts {
                rule_types(book, p, out, seen);
            }
        }
        Rule::Not(inner) => rule_types(book, inner, out, seen),
        Rule::Evidence(e) => {
            if let Some(t) = e.ty {
                out.insert(t.0);
            }
        }
        Rule::Clause(c) => clause_types(book, *c, out, seen),
        Rule::UnknownClause(_) | Rule::Attested => {}
    }
}

/// Evidence types a clause and its sub-clauses require.
fn clause_types(
    book: &Rulebook,
    idx: ClauseIdx,
    out: &mut BTreeSet<u32>,
    seen: &mut BTreeSet<u32>,
) {
    if !seen.insert(idx.0) {
        return;
    }
    let clause = book.clause(idx).unwrap();
    if let Some(rule) = &clause.requires {
        rule_types(book, rule, out, seen);
    }
    for &child in &clause.children {
        clause_types(book, child, out, seen);
    }
}

fn types_of(book: &Rulebook, idx: ClauseIdx) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    clause_types(book, idx, &mut out, &mut BTreeSet::new());
    out
}

/// Evidence types `rule` needs that `have` lacks, taking the cheapest way
/// through `any` and `at least` (one alternative, or N, is enough).
fn uncovered(book: &Rulebook, rule: &Rule, have: &BTreeSet<u32>, depth: u8) -> BTreeSet<u32> {
    let cheapest = |parts: &[Rule], n: usize| {
        let mut gaps: Vec<BTreeSet<u32>> = parts
            .iter()
            .map(|p| uncovered(book, p, have, depth))
            .collect();
        gaps.sort_by_key(BTreeSet::len);
        gaps.into_iter().take(n).flatten().collect()
    };
    match rule {
        Rule::All(parts) => cheapest(parts, parts.len()),
        Rule::Any(parts) => cheapest(parts, 1),
        Rule::AtLeast { n, of } => cheapest(of, usize::try_from(*n).unwrap()),
        Rule::Evidence(e) => {
            e.ty.map(|t| t.0)
                .filter(|t| !have.contains(t))
                .into_iter()
                .collect()
        }
        Rule::Clause(c) if depth < 8 => clause_uncovered(book, *c, have, depth + 1),
        Rule::Not(_) | Rule::Clause(_) | Rule::UnknownClause(_) | Rule::Attested => BTreeSet::new(),
    }
}

/// What a clause and all its sub-clauses need that `have` lacks.
fn clause_uncovered(
    book: &Rulebook,
    idx: ClauseIdx,
    have: &BTreeSet<u32>,
    depth: u8,
) -> BTreeSet<u32> {
    let clause = book.clause(idx).unwrap();
    let mut gaps = clause
        .requires
        .as_ref()
        .map(|r| uncovered(book, r, have, depth))
        .unwrap_or_default();
    for &child in &clause.children {
        gaps.extend(clause_uncovered(book, child, have, depth));
    }
    gaps
}

/// Evidence types the smaller clause needs that the larger one never asks for.
fn missing(book: &Rulebook, small: ClauseIdx, large: ClauseIdx) -> BTreeSet<u32> {
    clause_uncovered(book, small, &types_of(book, large), 0)
}

fn type_names(book: &Rulebook, types: &BTreeSet<u32>) -> Vec<String> {
    types
        .iter()
        .map(|&t| book.evidence_types[t as usize].name.clone())
        .collect()
}

/// `(smaller, larger)` pairs a link claims: A ⊆ B for each.
fn containments(a: ClauseIdx, relation: Relation, b: ClauseIdx) -> Vec<(ClauseIdx, ClauseIdx)> {
    match relation {
        Relation::SubsetOf => vec![(a, b)],
        Relation::SupersetOf => vec![(b, a)],
        Relation::Equals => vec![(a, b), (b, a)],
        Relation::Intersects | Relation::Disjoint => vec![],
    }
}

#[test]
fn links_onto_reconstructed_ids_claim_no_more_than_they_show() {
    let loaded = shipped();
    let book = &loaded.rulebook;
    let mut problems = Vec::new();
    for (i, l) in book.links.iter().enumerate() {
        let place = book.link_location(refmap::internal::mapper::LinkId(i as u32));
        if !(reconstructed(book, l.a) || reconstructed(book, l.b)) {
            continue;
        }
        let what = format!(
            "{place}: {} {} {}",
            book.key(l.a),
            l.relation,
            book.key(l.b)
        );
        if l.strength.is_none_or(|s| s > 6) {
            problems.push(format!("{what}: strength above 6 on a reconstructed id"));
        }
        let claims = containments(l.a, l.relation, l.b);
        if claims.is_empty() {
            continue;
        }
        let note = l.notes.join(" ");
        if !note.contains(RULE_CHECK) {
            problems.push(format!(
                "{what}: claims more than `intersects` onto a reconstructed id without `{RULE_CHECK}`"
            ));
            continue;
        }
        for (small, large) in claims {
            let missing = missing(book, small, large);
            if !missing.is_empty() {
                problems.push(format!(
                    "{what}: `{}` does not require {:?}, which `{}` requires",
                    book.key(large),
                    type_names(book, &missing),
                    book.key(small)
                ));
            }
            let large_notes = book.clause(large).unwrap().notes.join(" ").to_lowercase();
            if large_notes.contains("placeholder") && !note.to_lowercase().contains("placeholder") {
                problems.push(format!(
                    "{what}: `{}`'s rule is a placeholder and the note does not say so",
                    book.key(large)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_rule_check_note_names_the_evidence_and_holds() {
    // A `[RULE-CHECK]` claim is checked above; here: it is never used on an
    // overlap, where it would mean nothing.
    let loaded = shipped();
    let book = &loaded.rulebook;
    for (i, l) in book.links.iter().enumerate() {
        let note = l.notes.join(" ");
        if note.contains(RULE_CHECK) {
            let place = book.link_location(refmap::internal::mapper::LinkId(i as u32));
            assert!(
                !containments(l.a, l.relation, l.b).is_empty(),
                "{place}: `{RULE_CHECK}` on a link that claims no containment"
            );
            let after = note.split(RULE_CHECK).nth(1).unwrap_or("");
            assert!(
                after.trim().len() >= 20,
                "{place}: `{RULE_CHECK}` says nothing"
            );
        }
    }
}

#[test]
fn rules_follow_links_between_referentials_with_rules() {
    // README "Rules follow links": when A ⊆ B is declared and both sides
    // have rules, B requires at least the evidence types A requires, so a
    // verdict carried by evidence never shows more than the evidence does.
    let loaded = shipped();
    let book = &loaded.rulebook;
    let mut problems = Vec::new();
    for (i, l) in book.links.iter().enumerate() {
        for (small, large) in containments(l.a, l.relation, l.b) {
            if types_of(book, small).is_empty() || types_of(book, large).is_empty() {
                continue; // a side without rules (ISO 15189:2012) carries only verdicts
            }
            let missing = missing(book, small, large);
            if !missing.is_empty() {
                let place = book.link_location(refmap::internal::mapper::LinkId(i as u32));
                problems.push(format!(
                    "{place}: {} ⊆ {} but the latter does not require {:?}",
                    book.key(small),
                    book.key(large),
                    type_names(book, &missing)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

fn fields(cond: &Condition, out: &mut BTreeSet<String>) {
    match cond {
        Condition::Or(parts) | Condition::And(parts) => {
            for p in parts {
                fields(p, out);
            }
        }
        Condition::Not(inner) => fields(inner, out),
        Condition::Compare { field, .. }
        | Condition::In { field, .. }
        | Condition::Contains { field, .. } => {
            if let Field::Named(name) = field {
                out.insert(name.to_string());
            }
        }
    }
}

fn applies_fields(book: &Rulebook, idx: ClauseIdx) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(cond) = &book.clause(idx).unwrap().applies {
        fields(cond, &mut out);
    }
    out
}

/// Every clause of `referential` carries an `applies if` on `facts`, is not
/// applicable to the site `outside` describes, and (top-level clauses at
/// least) applies to the site `inside` describes.
fn assert_scoped(referential: &str, facts: &[&str], outside: &str, inside: &str) {
    use refmap::internal::{evaluate::applies, inventory};
    let loaded = shipped();
    let book = &loaded.rulebook;
    let outside = inventory::load(book, "outside.yaml", outside).unwrap();
    let inside = inventory::load(book, "inside.yaml", inside).unwrap();
    for idx in book.clauses_of(referential) {
        let f = applies_fields(book, idx);
        let key = book.key(idx);
        assert!(
            facts.iter().all(|x| f.contains(*x)),
            "`{key}` must carry an `applies if` on {facts:?}, has {f:?}"
        );
        assert!(
            !applies(book, idx, &outside),
            "`{key}` applies outside its scope"
        );
        if book.clause(idx).unwrap().parent.is_none() {
            assert!(
                applies(book, idx, &inside),
                "`{key}` does not apply inside its scope"
            );
        }
    }
}

#[test]
fn every_asn_clause_applies_only_with_ionising_radiation() {
    assert_scoped(
        "ASN-2019-DC-0660",
        &["ionising_radiation", "modalities"],
        "site: \"IRM\"\nprofile: { modalities: [MR, US] }\n",
        "site: \"Scanner\"\nprofile: { modalities: [CT] }\n",
    );
    assert_scoped(
        "ASN-2019-DC-0660",
        &["ionising_radiation"],
        "site: \"Sans RI\"\nprofile: { ionising_radiation: false }\n",
        "site: \"Rien\"\n",
    );
}

#[test]
fn every_acr_f_clause_applies_only_to_interventional_radiology() {
    assert_scoped(
        "ACR-F",
        &["modalities"],
        "site: \"Cabinet\"\nprofile: { modalities: [XR, CT, MR] }\n",
        "site: \"Bloc\"\nprofile: { modalities: [IR] }\n",
    );
}

#[test]
fn status_notes_say_something() {
    // A note that is only a status marker ("[REC].", "FR title [REC].")
    // tells the reader nothing: say what is uncertain, or drop it.
    let loaded = shipped();
    let book = &loaded.rulebook;
    let empty = |n: &str| {
        let rest = n
            .replace("[SRC-2]", "")
            .replace("[SRC]", "")
            .replace("[REC]", "")
            .replace("FR title", "")
            .replace("Title", "");
        rest.chars().filter(|c| c.is_alphanumeric()).count() < 3
    };
    for c in &book.clauses {
        for n in &c.notes {
            assert!(!empty(n), "`{}`: note {n:?} only states a status", c.key);
        }
    }
    for (i, l) in book.links.iter().enumerate() {
        for n in &l.notes {
            let place = book.link_location(refmap::internal::mapper::LinkId(i as u32));
            assert!(!empty(n), "{place}: note {n:?} only states a status");
        }
    }
}

#[test]
fn the_asn_article_map_is_the_rebuilt_one() {
    let loaded = shipped();
    let book = &loaded.rulebook;
    let title = |k: &str| {
        book.clause(book.clause_by_key(k).unwrap())
            .unwrap()
            .title
            .clone()
    };
    assert!(title("ASN-2019-DC-0660:7.6").contains("Information"));
    assert!(title("ASN-2019-DC-0660:7.7").contains("comptes rendus"));
    assert!(title("ASN-2019-DC-0660:8").contains("Formation"));
    assert!(title("ASN-2019-DC-0660:9").contains("Habilitation"));
    assert!(!title("ASN-2019-DC-0660:9").contains("Formation"));
    assert!(book.clause_by_key("ASN-2019-DC-0660:9.1").is_none());
    assert!(book.clause_by_key("ASN-2019-DC-0660:8.3").is_none());
}

#[test]
fn labelix_does_not_claim_afnor_approved_auditors() {
    let loaded = shipped();
    let labelix = loaded.rulebook.referential("LABELIX").unwrap();
    for (_, v) in &labelix.attrs {
        assert!(!v.contains("AFNOR-approved"), "{v}");
    }
    let text = std::fs::read_to_string("rules/labelix.rules").unwrap();
    assert!(!text.contains("audited with AFNOR-approved bodies"));
}
