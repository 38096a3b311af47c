//! Proofs as shown to auditors: the mapper's steps (link ids, clause
//! indices) rendered with the clauses' keys and the links' places.

use std::collections::HashSet;

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

/// A step that cites the proof shown for `owner` in the same answer:
/// long chains cite the answers they pass through instead of repeating
/// their proofs, which keeps answers linear in the network.
pub fn citation(from: &str, relation: &str, to: &str, owner: &str) -> ProofStep {
    ProofStep {
        kind: "citation",
        from: from.to_string(),
        relation: relation.to_string(),
        to: to.to_string(),
        source: format!("the proof for {owner}"),
    }
}

/// Renders mapper proof steps for people and tools; a link used in both
/// directions is shown once, as declared.
pub fn proof(book: &Rulebook, steps: &[Step]) -> Vec<ProofStep> {
    let mut out: Vec<ProofStep> = Vec::with_capacity(steps.len());
    // A set, not `out.contains`: proofs along a chain of 10⁵ links exist.
    let mut shown: HashSet<Step> = HashSet::with_capacity(steps.len());
    let undirected = |step: Step| match step {
        Step::Link { link, .. } => Step::Link {
            link,
            reversed: false,
        },
        hierarchy => hierarchy,
    };
    for step in steps
        .iter()
        .filter(|&&step| shown.insert(undirected(step)))
        .filter_map(|step| match *step {
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
            Step::Cited { from, to } => {
                Some(citation(book.key(from), "see", book.key(to), book.key(to)))
            }
        })
    {
        out.push(step);
    }
    out
}
