//! Proofs as shown to auditors: the mapper's steps (link ids, clause
//! indices) rendered with the clauses' keys and the links' places.

use serde::Serialize;

use crate::mapper::Step;

use super::Rulebook;

/// One step of a proof as shown to auditors: a declared link (as written in
/// its file) or a clause's place in its referential's tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProofStep {
    /// `link` or `hierarchy`.
    pub kind: &'static str,
    /// Left clause as declared (the sub-clause for hierarchy steps).
    pub from: String,
    /// The declared relation, or `sub-clause-of`.
    pub relation: String,
    /// Right clause as declared (the parent for hierarchy steps).
    pub to: String,
    /// `file:line` of the declaration.
    pub source: String,
}

/// Renders mapper proof steps for people and tools; a link used in both
/// directions is shown once, as declared.
pub fn proof(book: &Rulebook, steps: &[Step]) -> Vec<ProofStep> {
    let mut out: Vec<ProofStep> = Vec::with_capacity(steps.len());
    for step in steps.iter().filter_map(|step| match *step {
        Step::Link { link, .. } => {
            let l = book.link(link)?;
            Some(ProofStep {
                kind: "link",
                from: book.key(l.a).to_string(),
                relation: l.relation.to_string(),
                to: book.key(l.b).to_string(),
                source: book.link_location(link),
            })
        }
        Step::Hierarchy { child, parent } => Some(ProofStep {
            kind: "hierarchy",
            from: book.key(child).to_string(),
            relation: "sub-clause-of".to_string(),
            to: book.key(parent).to_string(),
            source: book.clause_location(child),
        }),
    }) {
        if !out.contains(&step) {
            out.push(step);
        }
    }
    out
}
