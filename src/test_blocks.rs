//! Running the `test` blocks of the rules (`refmap test`): each block builds
//! an inventory from its `given` items, evaluates it, and checks its
//! `expect` items.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::date::Date;
use crate::evaluate::{Basis, ClauseResult, Evaluator};
use crate::inventory::{Assessment, EvidenceItem, Fact, Inventory};
use crate::model::{proof, ProofStep, Rulebook, TestCase, TestItem, Value};

use crate::vocab::RelationSet;

/// The result of one `test` block.
#[derive(Debug, Clone, Serialize)]
pub struct TestOutcome {
    /// The test's name.
    pub name: String,
    /// `file:line` of the block.
    pub source: String,
    /// True when every expectation held.
    pub passed: bool,
    /// The expectations that did not hold.
    pub failures: Vec<Failure>,
}

/// One expectation that did not hold.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// `file:line` of the `expect` item.
    pub source: String,
    /// What was expected, as written.
    pub expected: String,
    /// What was found.
    pub found: String,
    /// Basis of the clause found, for status expectations.
    pub basis: Option<Basis>,
    /// The clause it was carried from, if any.
    pub via: Option<String>,
    /// The proof behind what was found.
    pub proof: Vec<ProofStep>,
    /// What the clause is missing, for status expectations.
    pub missing: Vec<String>,
}

/// Converts a literal of the language into a fact.
pub fn fact_of(value: &Value) -> Fact {
    match value {
        Value::Text(s) => Fact::Text(s.clone()),
        Value::Number(n) => Fact::Number(*n),
        Value::Date(d) => Fact::Date(*d),
        Value::Bool(b) => Fact::Bool(*b),
        Value::List(items) => Fact::List(items.iter().map(fact_of).collect()),
    }
}

/// Runs every test block, in the order loaded.
pub fn run(book: &Rulebook, evaluator: &Evaluator<'_>, today: Date) -> Vec<TestOutcome> {
    book.tests
        .iter()
        .map(|case| run_one(book, evaluator, case, today))
        .collect()
}

fn place(book: &Rulebook, case: &TestCase, offset: usize) -> String {
    book.sources.describe_line(case.file, offset)
}

fn run_one(
    book: &Rulebook,
    evaluator: &Evaluator<'_>,
    case: &TestCase,
    today: Date,
) -> TestOutcome {
    let mut inventory = Inventory {
        site: format!("test \"{}\"", case.name),
        as_of: None,
        profile: BTreeMap::new(),
        evidence: Vec::new(),
        assessments: Vec::new(),
    };
    for item in &case.items {
        match item {
            TestItem::AsOf(d) => inventory.as_of = Some(*d),
            TestItem::Profile(name, value) => {
                inventory.profile.insert(name.clone(), fact_of(value));
            }
            TestItem::GivenEvidence { ty, fields } => {
                let mut item = EvidenceItem {
                    id: format!("given-{}", inventory.evidence.len() + 1),
                    ty: ty.clone(),
                    date: None,
                    expires: None,
                    fields: BTreeMap::new(),
                    reference: None,
                };
                for (key, value) in fields {
                    match (key.as_str(), value) {
                        ("date", Value::Date(d)) => item.date = Some(*d),
                        ("expires", Value::Date(d)) => item.expires = Some(*d),
                        _ => {
                            item.fields.insert(key.clone(), fact_of(value));
                        }
                    }
                }
                inventory.evidence.push(item);
            }
            TestItem::GivenAssessment { clause, status } => {
                inventory.assessments.push(Assessment {
                    clause: *clause,
                    status: *status,
                    by: Some("test".into()),
                });
            }
            TestItem::ExpectStatus { .. } | TestItem::ExpectRelation { .. } => {}
        }
    }
    let as_of = inventory.as_of.unwrap_or(today);
    let report = evaluator.evaluate(&inventory, as_of);
    let results: BTreeMap<&str, &ClauseResult> = report
        .clauses
        .iter()
        .map(|c| (c.clause.as_str(), c))
        .collect();
    let mut failures = Vec::new();
    for item in &case.items {
        match item {
            TestItem::ExpectStatus {
                clause,
                written,
                status,
                via,
                span,
            } => {
                let key = written;
                let found = clause.and_then(|c| results.get(book.key(c)));
                let Some(found) = found else {
                    failures.push(Failure {
                        source: place(book, case, span.start),
                        expected: format!("{key} {status}"),
                        found: "no such clause".into(),
                        basis: None,
                        via: None,
                        proof: Vec::new(),
                        missing: Vec::new(),
                    });
                    continue;
                };
                let via_ok = via
                    .as_ref()
                    .is_none_or(|v| found.via.as_deref() == Some(v.as_str()));
                if found.status != *status || !via_ok {
                    let expected = match via {
                        Some(v) => format!("{key} {status} via {v}"),
                        None => format!("{key} {status}"),
                    };
                    let mut text = format!("{} (basis {})", found.status, basis_word(found.basis));
                    if let Some(v) = &found.via {
                        text.push_str(&format!(", via {v}"));
                    }
                    failures.push(Failure {
                        source: place(book, case, span.start),
                        expected,
                        found: text,
                        basis: Some(found.basis),
                        via: found.via.clone(),
                        proof: found.proof.clone(),
                        missing: found.missing.clone(),
                    });
                }
            }
            TestItem::ExpectRelation {
                a,
                relation,
                b,
                span,
            } => {
                let answer = book.network.relation(*a, *b);
                if answer.relations != RelationSet::single(*relation) {
                    let found = if answer.relations.is_empty() {
                        "no relation (inconsistent network)".to_string()
                    } else {
                        answer
                            .relations
                            .iter()
                            .map(|r| r.keyword())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    };
                    failures.push(Failure {
                        source: place(book, case, span.start),
                        expected: format!("relation {} {relation} {}", book.key(*a), book.key(*b)),
                        found: format!("possible relations: {found}"),
                        basis: None,
                        via: None,
                        proof: proof(book, &answer.proof),
                        missing: Vec::new(),
                    });
                }
            }
            _ => {}
        }
    }
    TestOutcome {
        name: case.name.clone(),
        source: place(book, case, case.span.start),
        passed: failures.is_empty(),
        failures,
    }
}

/// The JSON word of a basis.
pub fn basis_word(b: Basis) -> &'static str {
    match b {
        Basis::Assessment => "assessment",
        Basis::Evidence => "evidence",
        Basis::SubClauses => "sub-clauses",
        Basis::Mapping => "mapping",
        Basis::None => "none",
    }
}
