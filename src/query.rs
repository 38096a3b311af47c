//! Questions tools and people ask of a rulebook, with serializable answers:
//! the clause tree, the relation of two clauses with its proof, every clause
//! related to one, what one referential covers of another, and the network
//! itself for export.

use std::collections::HashMap;

use serde::Serialize;

use crate::mapper::{ClauseIdx, Relation, RelationSet, SHORT_PROOF};
use crate::model::Rulebook;
pub use crate::model::{proof, ProofStep};

/// A query that names something the rules do not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum QueryError {
    /// No referential with this id.
    #[error("unknown referential `{id}`{}; the rules have: {known}", did_you_mean(.suggestion))]
    #[diagnostic(code("refmap::query::unknown-referential"))]
    UnknownReferential {
        /// The id asked for.
        id: String,
        /// A close id, if any.
        suggestion: Option<String>,
        /// The ids the rules have, comma-separated.
        known: String,
    },
    /// No clause with this key, or a malformed key.
    #[error("unknown clause `{key}`{}", did_you_mean(.suggestion))]
    #[diagnostic(code("refmap::query::unknown-clause"))]
    UnknownClause {
        /// The key asked for.
        key: String,
        /// A close key, if any.
        suggestion: Option<String>,
    },
}

fn did_you_mean(s: &Option<String>) -> String {
    s.as_ref()
        .map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}

/// Resolves a referential id given by a user.
pub fn referential_id<'a>(book: &'a Rulebook, id: &str) -> Result<&'a str, QueryError> {
    match book.referential(id) {
        Some(r) => Ok(r.id.as_str()),
        None => Err(QueryError::UnknownReferential {
            id: id.to_string(),
            suggestion: crate::model::closest(id, book.referentials.iter().map(|r| r.id.as_str()))
                .map(str::to_string),
            known: {
                let mut ids: Vec<&str> = book.referentials.iter().map(|r| r.id.as_str()).collect();
                ids.sort_unstable();
                ids.join(", ")
            },
        }),
    }
}

/// Resolves a `REF:ID` given by a user.
pub fn clause(book: &Rulebook, key: &str) -> Result<ClauseIdx, QueryError> {
    book.clause_by_key(key)
        .ok_or_else(|| QueryError::UnknownClause {
            key: key.to_string(),
            suggestion: other_referential(book, key)
                .or_else(|| book.suggest_clause(key).map(str::to_string)),
        })
}

/// `ISO15189:6.4` names a referential by a prefix or a near-miss of its id:
/// the same clause in the referential meant (`ISO15189-2022:6.4`); of
/// several editions holding it, the last in id order (the newest).
fn other_referential(book: &Rulebook, key: &str) -> Option<String> {
    let (r, id) = key.split_once(':')?;
    if book.referential(r).is_some() {
        return None;
    }
    let lower = r.to_lowercase();
    let holding: Vec<&str> = book
        .referentials
        .iter()
        .map(|x| x.id.as_str())
        .filter(|rid| book.clause_by_key(&format!("{rid}:{id}")).is_some())
        .collect();
    let by_prefix = holding
        .iter()
        .filter(|rid| rid.to_lowercase().starts_with(&lower))
        .max()
        .copied();
    let near = || crate::model::closest(r, holding.iter().copied());
    by_prefix.or_else(near).map(|rid| format!("{rid}:{id}"))
}

/// A referential with its clause tree.
#[derive(Debug, Clone, Serialize)]
pub struct ReferentialTree {
    /// Id.
    pub referential: String,
    /// Title.
    pub title: String,
    /// Number of clauses at every level.
    pub clause_count: usize,
    /// Top-level clauses.
    pub clauses: Vec<ClauseTree>,
}

/// A clause with its sub-clauses.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseTree {
    /// Id within the referential.
    pub id: String,
    /// `REF:ID`.
    pub clause: String,
    /// Title.
    pub title: String,
    /// Summary, or null.
    pub summary: Option<String>,
    /// Sub-clauses.
    pub children: Vec<ClauseTree>,
}

/// The clause trees of one referential or of all, in load order.
pub fn clause_trees(
    book: &Rulebook,
    referential: Option<&str>,
) -> Result<Vec<ReferentialTree>, QueryError> {
    if let Some(id) = referential {
        referential_id(book, id)?;
    }
    Ok(book
        .referentials
        .iter()
        .filter(|r| referential.is_none_or(|id| id == r.id))
        .map(|r| ReferentialTree {
            referential: r.id.clone(),
            title: r.title.clone(),
            clause_count: book.clauses_of(&r.id).len(),
            clauses: r.clauses.iter().filter_map(|&c| tree(book, c)).collect(),
        })
        .collect())
}

fn tree(book: &Rulebook, idx: ClauseIdx) -> Option<ClauseTree> {
    let c = book.clause(idx)?;
    Some(ClauseTree {
        id: c.id.clone(),
        clause: c.key.clone(),
        title: c.title.clone(),
        summary: c.summary.clone(),
        // INVARIANT: recursion depth is bounded by the parser's MAX_DEPTH.
        children: c.children.iter().filter_map(|&k| tree(book, k)).collect(),
    })
}

/// The answer of `relate A B`.
#[derive(Debug, Clone, Serialize)]
pub struct Relate {
    /// A as `REF:ID`.
    pub a: String,
    /// B as `REF:ID`.
    pub b: String,
    /// The base relations still possible, in the order `equals, subset-of,
    /// superset-of, intersects, disjoint`.
    pub relations: Vec<Relation>,
    /// Whether A ⊆ B is entailed (evidence for B carries to A).
    pub a_within_b: bool,
    /// Whether B ⊆ A is entailed (evidence for A carries to B).
    pub b_within_a: bool,
    /// Whether A and B are entailed to share obligations.
    pub overlap: bool,
    /// The declared links and hierarchy steps that rule out the others.
    pub proof: Vec<ProofStep>,
}

/// The relation of two clauses with its proof.
pub fn relate(book: &Rulebook, a: &str, b: &str) -> Result<Relate, QueryError> {
    let ia = clause(book, a)?;
    let ib = clause(book, b)?;
    let answer = book.network.relation(ia, ib);
    let within = RelationSet::single(Relation::Equals).with(Relation::SubsetOf);
    let relations: Vec<Relation> = answer.relations.iter().collect();
    Ok(Relate {
        a: book.key(ia).to_string(),
        b: book.key(ib).to_string(),
        a_within_b: !answer.relations.is_empty() && answer.relations.is_subset(within),
        b_within_a: !answer.relations.is_empty() && answer.relations.is_subset(within.converse()),
        overlap: !answer.relations.is_empty() && !answer.relations.contains(Relation::Disjoint),
        relations,
        proof: proof(book, &answer.proof),
    })
}

/// How a clause relates to the one asked about, from that clause's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kinship {
    /// Same obligations.
    Equals,
    /// The asked clause is within this one (A ⊆ B).
    SubsetOf,
    /// This clause is within the asked one (A ⊇ B).
    SupersetOf,
    /// They are entailed to share obligations.
    Overlaps,
    /// They are entailed to share none.
    Disjoint,
    /// Some relation is ruled out, none of the above is entailed.
    Constrained,
}

impl Kinship {
    /// The word for it, as in JSON.
    pub fn word(self) -> &'static str {
        match self {
            Kinship::Equals => "equals",
            Kinship::SubsetOf => "subset-of",
            Kinship::SupersetOf => "superset-of",
            Kinship::Overlaps => "overlaps",
            Kinship::Disjoint => "disjoint",
            Kinship::Constrained => "constrained",
        }
    }

    /// Classifies a relation set of A to B.
    pub fn of(relations: RelationSet) -> Kinship {
        let eq = RelationSet::single(Relation::Equals);
        if relations == eq {
            Kinship::Equals
        } else if relations.is_subset(eq.with(Relation::SubsetOf)) {
            Kinship::SubsetOf
        } else if relations.is_subset(eq.with(Relation::SupersetOf)) {
            Kinship::SupersetOf
        } else if !relations.contains(Relation::Disjoint) {
            Kinship::Overlaps
        } else if relations == RelationSet::single(Relation::Disjoint) {
            Kinship::Disjoint
        } else {
            Kinship::Constrained
        }
    }
}

/// One clause related to the asked one.
#[derive(Debug, Clone, Serialize)]
pub struct Equivalent {
    /// The clause, `REF:ID`.
    pub clause: String,
    /// Its title.
    pub title: String,
    /// How the asked clause relates to it.
    pub kinship: Kinship,
    /// The base relations of the asked clause to it still possible.
    pub relations: Vec<Relation>,
    /// The proof.
    pub proof: Vec<ProofStep>,
}

/// The answer of `equivalents A`.
#[derive(Debug, Clone, Serialize)]
pub struct Equivalents {
    /// The asked clause.
    pub clause: String,
    /// Related clauses: equals first, then subset/superset, overlaps,
    /// disjoint, others; by clause within each group.
    pub related: Vec<Equivalent>,
}

/// Every clause with an entailed relation to `key`, optionally only those of
/// referential `to`.
pub fn equivalents(
    book: &Rulebook,
    key: &str,
    to: Option<&str>,
) -> Result<Equivalents, QueryError> {
    let a = clause(book, key)?;
    if let Some(r) = to {
        referential_id(book, r)?;
    }
    let shown = |b: ClauseIdx| to.is_none_or(|r| book.referential_of(b) == r);
    let answers: Vec<(ClauseIdx, crate::mapper::Answer)> = book
        .network
        .related_citing(a, &shown)
        .into_iter()
        .filter(|(b, _)| shown(*b))
        .collect();
    // A citation names the cited answer's kinship, as listed.
    let kinships: HashMap<&str, Kinship> = answers
        .iter()
        .map(|(b, answer)| (book.key(*b), Kinship::of(answer.relations)))
        .collect();
    let mut related: Vec<Equivalent> = answers
        .iter()
        .filter_map(|(b, answer)| {
            let c = book.clause(*b)?;
            let mut steps = proof(book, &answer.proof);
            for step in steps.iter_mut().filter(|s| s.kind == "citation") {
                if let Some(k) = kinships.get(step.to.as_str()) {
                    step.relation = k.word().to_string();
                }
            }
            Some(Equivalent {
                clause: c.key.clone(),
                title: c.title.clone(),
                kinship: Kinship::of(answer.relations),
                relations: answer.relations.iter().collect(),
                proof: steps,
            })
        })
        .collect();
    related.sort_by(|x, y| {
        x.kinship
            .cmp(&y.kinship)
            .then_with(|| x.clause.cmp(&y.clause))
    });
    Ok(Equivalents {
        clause: book.key(a).to_string(),
        related,
    })
}

/// How much of a clause holding a referential covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cover {
    /// Entailed to lie within a clause of the holding referential.
    Full,
    /// Entailed to share obligations with a clause of it.
    Partial,
    /// Entailed to share nothing with any top-level clause of it.
    Disjoint,
    /// Does not apply to the site whose profile was given.
    NotApplicable,
    /// Nothing is entailed: no claim either way.
    Unknown,
}

/// One clause of the covered referential.
#[derive(Debug, Clone, Serialize)]
pub struct CoveredClause {
    /// The clause, `REF:ID`.
    pub clause: String,
    /// Its title.
    pub title: String,
    /// How it is covered.
    pub coverage: Cover,
    /// The clause of the holding referential that covers it, if any.
    pub by: Option<String>,
    /// The proof.
    pub proof: Vec<ProofStep>,
}

/// Counts and percentages of a coverage answer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CoverCounts {
    /// Fully covered clauses.
    pub full: usize,
    /// Partially covered clauses.
    pub partial: usize,
    /// Disjoint clauses.
    pub disjoint: usize,
    /// Clauses that do not apply to the given site profile (0 without one).
    pub not_applicable: usize,
    /// Clauses about which nothing is entailed.
    pub unknown: usize,
    /// All clauses of the covered referential.
    pub total: usize,
    /// `full / (total - not_applicable)`, in percent, one decimal.
    pub full_percent: f64,
    /// `(full + partial) / (total - not_applicable)`, in percent, one decimal.
    pub any_percent: f64,
}

/// The answer of `coverage --from R1 --to R2`.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The referential held.
    pub from: String,
    /// The referential covered.
    pub to: String,
    /// Each clause of `to`, in tree order.
    pub clauses: Vec<CoveredClause>,
    /// Counts.
    pub counts: CoverCounts,
}

/// What holding every clause of `from` covers of each clause of `to`.
pub fn coverage(book: &Rulebook, from: &str, to: &str) -> Result<Coverage, QueryError> {
    coverage_where(book, from, to, &|_| false)
}

/// [`coverage`], where a clause for which `inapplicable` holds is reported
/// `not-applicable` and left out of the percentages.
pub fn coverage_where(
    book: &Rulebook,
    from: &str,
    to: &str,
    inapplicable: &dyn Fn(ClauseIdx) -> bool,
) -> Result<Coverage, QueryError> {
    let from = referential_id(book, from)?.to_string();
    let to = referential_id(book, to)?.to_string();
    let from_tops: Vec<ClauseIdx> = book
        .referential(&from)
        .map(|r| r.clauses.clone())
        .unwrap_or_default();
    let mut counts = CoverCounts::default();
    let mut clauses = Vec::new();
    for y in book.clauses_of(&to) {
        let Some(c) = book.clause(y) else { continue };
        if inapplicable(y) {
            counts.not_applicable += 1;
            clauses.push(CoveredClause {
                clause: c.key.clone(),
                title: c.title.clone(),
                coverage: Cover::NotApplicable,
                by: None,
                proof: Vec::new(),
            });
            continue;
        }
        // The nearest clauses of `from` only: asking every superset in turn
        // is quadratic on a long chain of links.
        let of_from = |x: ClauseIdx| book.referential_of(x) == from;
        let full = book
            .network
            .nearest(y, true, &of_from)
            .into_iter()
            .min_by_key(|(x, p)| (p.len(), book.key(*x).to_string()));
        let (coverage, by, steps) = if let Some((x, p)) = full {
            (Cover::Full, Some(x), p)
        } else {
            let partial = book
                .network
                .nearest(y, false, &of_from)
                .into_iter()
                .min_by_key(|(x, p)| (p.len(), book.key(*x).to_string()))
                .map(|(x, p)| {
                    // the proof as `relate` would spell it, when short
                    let short = book.network.entails_overlap_within(y, x, SHORT_PROOF);
                    (x, short.unwrap_or(p))
                });
            match partial {
                Some((x, p)) => (Cover::Partial, Some(x), p),
                None => {
                    let disjoint = !from_tops.is_empty()
                        && from_tops.iter().all(|t| {
                            book.network.relation(y, *t).relations
                                == RelationSet::single(Relation::Disjoint)
                        });
                    if disjoint {
                        let mut steps = Vec::new();
                        for t in &from_tops {
                            for s in book.network.relation(y, *t).proof {
                                if !steps.contains(&s) {
                                    steps.push(s);
                                }
                            }
                        }
                        (Cover::Disjoint, None, steps)
                    } else {
                        (Cover::Unknown, None, Vec::new())
                    }
                }
            }
        };
        match coverage {
            Cover::Full => counts.full += 1,
            Cover::Partial => counts.partial += 1,
            Cover::Disjoint => counts.disjoint += 1,
            Cover::NotApplicable => counts.not_applicable += 1,
            Cover::Unknown => counts.unknown += 1,
        }
        clauses.push(CoveredClause {
            clause: c.key.clone(),
            title: c.title.clone(),
            coverage,
            by: by.map(|x| book.key(x).to_string()),
            proof: proof(book, &steps),
        });
    }
    counts.total = clauses.len();
    let applicable = counts.total - counts.not_applicable;
    if applicable > 0 {
        let pct = |n: usize| (n as f64 * 1000.0 / applicable as f64).round() / 10.0;
        counts.full_percent = pct(counts.full);
        counts.any_percent = pct(counts.full + counts.partial);
    }
    Ok(Coverage {
        from,
        to,
        clauses,
        counts,
    })
}

/// A declared link in an export.
#[derive(Debug, Clone, Serialize)]
pub struct ExportLink {
    /// Left clause.
    pub from: String,
    /// Declared relation.
    pub relation: Relation,
    /// Right clause.
    pub to: String,
    /// Strength, if rated.
    pub strength: Option<u8>,
    /// Rationale, if given.
    pub rationale: Option<&'static str>,
    /// Notes joined by a blank line.
    pub note: Option<String>,
    /// Title of its mapping.
    pub mapping: String,
    /// `file:line`.
    pub source: String,
    /// Whether `--min-strength` kept it.
    pub active: bool,
}

/// A relation derived by the mapper between clauses of two referentials
/// that no link declares.
#[derive(Debug, Clone, Serialize)]
pub struct DerivedLink {
    /// Left clause.
    pub from: String,
    /// The possible relations of `from` to `to`.
    pub relations: Vec<Relation>,
    /// How `from` relates to `to`.
    pub kinship: Kinship,
    /// Right clause.
    pub to: String,
    /// The proof.
    pub proof: Vec<ProofStep>,
}

/// A clause in an export.
#[derive(Debug, Clone, Serialize)]
pub struct ExportClause {
    /// `REF:ID`.
    pub clause: String,
    /// Referential id.
    pub referential: String,
    /// Title.
    pub title: String,
    /// Parent `REF:ID`, if a sub-clause.
    pub parent: Option<String>,
}

/// The mapping network: clauses that take part in links, declared links, and
/// the cross-referential relations derived from them.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkExport {
    /// Clauses that are an end of a declared or derived link.
    pub clauses: Vec<ExportClause>,
    /// Declared links in declaration order.
    pub links: Vec<ExportLink>,
    /// Derived relations (equals, subset, superset, overlap, disjoint) between
    /// clauses of different referentials that no link states, by clause.
    pub derived: Vec<DerivedLink>,
}

/// Builds the export of the whole network.
pub fn export(book: &Rulebook) -> NetworkExport {
    use std::collections::{BTreeSet, HashSet};
    let mut declared: HashSet<(ClauseIdx, ClauseIdx)> = HashSet::new();
    let mut ends: BTreeSet<u32> = BTreeSet::new();
    let links: Vec<ExportLink> = book
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            declared.insert((l.a, l.b));
            declared.insert((l.b, l.a));
            ends.insert(l.a.0);
            ends.insert(l.b.0);
            let id = crate::mapper::LinkId(u32::try_from(i).unwrap_or(u32::MAX));
            ExportLink {
                from: book.key(l.a).to_string(),
                relation: l.relation,
                to: book.key(l.b).to_string(),
                strength: l.strength,
                rationale: l.rationale.map(|r| r.keyword()),
                note: (!l.notes.is_empty()).then(|| l.notes.join("\n\n")),
                mapping: book
                    .mappings
                    .get(l.mapping)
                    .map_or_else(String::new, |m| m.title.clone()),
                source: book.link_location(id),
                active: book.network.is_active(id),
            }
        })
        .collect();
    let mut derived: Vec<DerivedLink> = Vec::new();
    if book.network.is_consistent() {
        // Derived relations start from clauses near a link: others relate
        // only through their own tree.
        let starts: Vec<ClauseIdx> = ends.iter().map(|&i| ClauseIdx(i)).collect();
        // Each pair is found from both ends: the shorter proof is kept, and
        // of two as short the one from the clause with the smaller key, so
        // that neither the order of the files nor that of the search decides.
        let mut seen: HashMap<(ClauseIdx, ClauseIdx), usize> = HashMap::new();
        for a in starts {
            for (b, answer) in book.network.related(a) {
                if book.referential_of(a) == book.referential_of(b) || declared.contains(&(a, b)) {
                    continue;
                }
                let kinship = Kinship::of(answer.relations);
                if kinship == Kinship::Constrained {
                    continue;
                }
                let (x, y, rels) = if book.key(a) <= book.key(b) {
                    (a, b, answer.relations)
                } else {
                    (b, a, answer.relations.converse())
                };
                if let Some(&at) = seen.get(&(x, y)) {
                    if let Some(known) = derived.get_mut(at) {
                        let shown = proof(book, &answer.proof);
                        let better = shown.len() < known.proof.len()
                            || (shown.len() == known.proof.len() && a == x);
                        if better {
                            known.proof = shown;
                        }
                    }
                    continue;
                }
                seen.insert((x, y), derived.len());
                ends.insert(b.0);
                derived.push(DerivedLink {
                    from: book.key(x).to_string(),
                    relations: rels.iter().collect(),
                    kinship: Kinship::of(rels),
                    to: book.key(y).to_string(),
                    proof: proof(book, &answer.proof),
                });
            }
        }
    }
    derived.sort_by(|p, q| (&p.from, &p.to).cmp(&(&q.from, &q.to)));
    let mut clauses: Vec<ExportClause> = ends
        .iter()
        .filter_map(|&i| {
            let c = book.clause(ClauseIdx(i))?;
            Some(ExportClause {
                clause: c.key.clone(),
                referential: book.referential_of(ClauseIdx(i)).to_string(),
                title: c.title.clone(),
                parent: c.parent.map(|p| book.key(p).to_string()),
            })
        })
        .collect();
    clauses.sort_by(|p, q| p.clause.cmp(&q.clause));
    NetworkExport {
        clauses,
        links,
        derived,
    }
}
