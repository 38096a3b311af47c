//! Syntax trees → a resolved, checked [`Rulebook`].
//!
//! Resolution gathers the referentials, clauses, evidence types, mappings and
//! tests of every file, resolves every name, and reports every problem of
//! every file together (DESIGN §2): duplicates, unknown references with a
//! "did you mean", field mismatches, strengths out of range, `at least N`
//! larger than its list, cycles of `clause` requirements, and the consistency
//! of the mapping network (through the mapper). The rulebook is built even
//! when there are errors, so `lint` can report them all; callers that need
//! sound answers check [`Loaded::has_errors`] first.

mod check;
mod profile;
mod proof;
mod rule;
mod suggest;
mod test_case;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::date::Duration;
use crate::diagnostic::Diagnostic;
use crate::mapper::{ClauseIdx, LinkId, LinkInput, Network, NetworkInput, Relation};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast;
use crate::vocab::{Rationale, RefAttrKey};

/// A map keyed by names (`REF:ID`, referential ids, evidence types). Lookups
/// run once per link end, two million times for a million links, so the hash
/// is foldhash's rather than SipHash. Its seed is fixed: nothing iterates
/// these maps into output, and a fixed seed keeps it that way reproducibly.
pub(crate) type NameMap<V> = HashMap<String, V, foldhash::fast::FixedState>;

pub use profile::{ProfileFact, ValueType};
pub use proof::{citation, proof, ProofStep};
pub use rule::{Comparison, Condition, EvidenceRule, EvidenceTypeIdx, Field, Rule, Value};
pub use suggest::closest;
pub use test_case::{TestCase, TestItem};

/// Stable diagnostic codes of this stage.
pub mod codes {
    /// Two referentials with one id.
    pub const DUPLICATE_REFERENTIAL: &str = "refmap::resolve::duplicate-referential";
    /// Two clauses with one id in a referential.
    pub const DUPLICATE_CLAUSE: &str = "refmap::resolve::duplicate-clause";
    /// Two evidence types with one name.
    pub const DUPLICATE_EVIDENCE: &str = "refmap::resolve::duplicate-evidence";
    /// Two fields with one name in an evidence type.
    pub const DUPLICATE_FIELD: &str = "refmap::resolve::duplicate-field";
    /// A declared field named like an item's built-in dates.
    pub const BUILT_IN_FIELD: &str = "refmap::resolve::built-in-field";
    /// An attribute given twice where one is allowed.
    pub const DUPLICATE_ATTRIBUTE: &str = "refmap::resolve::duplicate-attribute";
    /// A clause reference to a referential that does not exist.
    pub const UNKNOWN_REFERENTIAL: &str = "refmap::resolve::unknown-referential";
    /// A clause reference to a clause that does not exist.
    pub const UNKNOWN_CLAUSE: &str = "refmap::resolve::unknown-clause";
    /// An evidence type that is not declared.
    pub const UNKNOWN_EVIDENCE: &str = "refmap::resolve::unknown-evidence";
    /// A field that the evidence type does not declare.
    pub const UNKNOWN_FIELD: &str = "refmap::resolve::unknown-field";
    /// A value of the wrong type for its field.
    pub const FIELD_TYPE_MISMATCH: &str = "refmap::resolve::field-type-mismatch";
    /// `strength` outside 1..=10.
    pub const STRENGTH_RANGE: &str = "refmap::resolve::strength-out-of-range";
    /// `at least N of` with fewer than N alternatives.
    pub const AT_LEAST_TOO_LARGE: &str = "refmap::resolve::at-least-too-large";
    /// Clauses that require each other in a cycle.
    pub const CLAUSE_CYCLE: &str = "refmap::resolve::clause-cycle";
    /// More than one `requires` or `applies if` in a clause.
    pub const DUPLICATE_RULE: &str = "refmap::resolve::duplicate-rule";
    /// A test item that cannot be evaluated (e.g. two `as-of`).
    pub const BAD_TEST: &str = "refmap::resolve::bad-test";
    /// Two profile facts with one name.
    pub const DUPLICATE_FACT: &str = "refmap::resolve::duplicate-fact";
    /// A value of the wrong type for its profile fact.
    pub const FACT_TYPE_MISMATCH: &str = "refmap::resolve::fact-type-mismatch";
    /// A text outside the closed set (`one of [..]`) of its field or fact.
    pub const VALUE_NOT_ALLOWED: &str = "refmap::resolve::value-not-allowed";
    /// Warning: a condition or test reads a profile fact no `profile`
    /// declares, while others are declared.
    pub const UNDECLARED_FACT: &str = "refmap::resolve::undeclared-fact";
    /// The mapping network admits no set model.
    pub const INCONSISTENT: &str = "refmap::mapper::inconsistent";
    /// Warning: a sub-clause id that does not extend its parent's.
    pub const SUBCLAUSE_ID: &str = "refmap::resolve::sub-clause-id";
    /// Warning: an evidence type no rule requires.
    pub const UNUSED_EVIDENCE: &str = "refmap::resolve::unused-evidence";
    /// Warning: a link already implied by the others.
    pub const REDUNDANT_LINK: &str = "refmap::mapper::redundant-link";
}

/// A referential: its id, title and attributes, and its top-level clauses.
#[derive(Debug, Clone, Serialize)]
pub struct Referential {
    /// Id, e.g. `LABELIX`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Attributes (`edition`, `publisher`, …) in source order.
    pub attrs: Vec<(RefAttrKey, String)>,
    /// Top-level clauses in source order.
    pub clauses: Vec<ClauseIdx>,
    /// Where it is declared.
    #[serde(skip)]
    pub file: FileId,
    /// Its span.
    #[serde(skip)]
    pub span: Span,
}

/// A resolved clause.
#[derive(Debug, Clone)]
pub struct Clause {
    /// Index of its referential in [`Rulebook::referentials`].
    pub referential: usize,
    /// Its id within the referential.
    pub id: String,
    /// `REF:ID`.
    pub key: String,
    /// Title.
    pub title: String,
    /// `summary`, if any.
    pub summary: Option<String>,
    /// `note`s.
    pub notes: Vec<String>,
    /// `requires`, if any.
    pub requires: Option<Rule>,
    /// `applies if`, if any (boxed: most clauses have none).
    pub applies: Option<Box<Condition>>,
    /// The enclosing clause.
    pub parent: Option<ClauseIdx>,
    /// Sub-clauses in source order.
    pub children: Vec<ClauseIdx>,
    /// Where it is declared.
    pub file: FileId,
    /// Its span (the id).
    pub span: Span,
}

/// A resolved evidence type.
#[derive(Debug, Clone)]
pub struct EvidenceType {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// How long one item stays valid after its date.
    pub valid: Option<Duration>,
    /// Declared fields.
    pub fields: BTreeMap<String, ValueType>,
    /// Where it is declared.
    pub file: FileId,
    /// Its span (the name).
    pub span: Span,
}

/// A mapping: a titled group of links.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// Title.
    pub title: String,
    /// `source` attributes.
    pub sources: Vec<String>,
    /// `note` attributes.
    pub notes: Vec<String>,
    /// Its links.
    pub links: Vec<LinkId>,
    /// Where it is declared.
    pub file: FileId,
}

/// A declared link between two clauses.
#[derive(Debug, Clone)]
pub struct Link {
    /// Left clause.
    pub a: ClauseIdx,
    /// Declared relation of `a` to `b`.
    pub relation: Relation,
    /// Right clause.
    pub b: ClauseIdx,
    /// `strength`, if rated.
    pub strength: Option<u8>,
    /// `rationale`, if given.
    pub rationale: Option<Rationale>,
    /// `note`s.
    pub notes: Vec<String>,
    /// `source`s.
    pub sources: Vec<String>,
    /// Index of its mapping.
    pub mapping: usize,
    /// Where it is declared.
    pub file: FileId,
    /// Its span.
    pub span: Span,
}

/// Options of resolution.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveOptions {
    /// Drop links rated below this strength before reasoning.
    pub min_strength: Option<u8>,
}

/// Everything the rules say, resolved: the input of reasoning and evaluation.
#[derive(Debug)]
pub struct Rulebook {
    /// The source files.
    pub sources: SourceMap,
    /// Referentials in load order.
    pub referentials: Vec<Referential>,
    /// Every clause; [`ClauseIdx`] indexes this.
    pub clauses: Vec<Clause>,
    /// Evidence types.
    pub evidence_types: Vec<EvidenceType>,
    /// Mappings.
    pub mappings: Vec<Mapping>,
    /// Every declared link; [`LinkId`] indexes this.
    pub links: Vec<Link>,
    /// Test blocks.
    pub tests: Vec<TestCase>,
    /// The declared facts of a site's profile, in declaration order; when
    /// there are none, profiles are not checked.
    pub profile: Vec<ProfileFact>,
    /// The reasoning network over clauses and links.
    pub network: Network,
    clause_index: NameMap<ClauseIdx>,
    referential_index: NameMap<usize>,
    evidence_index: NameMap<usize>,
}

/// A rulebook with the diagnostics found while building it.
#[derive(Debug)]
pub struct Loaded {
    /// The rulebook (built even when there are errors).
    pub rulebook: Rulebook,
    /// Errors and warnings, in stable order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

impl Rulebook {
    /// What the mapper's network was built from: the clause hierarchy and
    /// every link, for rebuilding it (with another `--min-strength`, or to
    /// time the mapper alone).
    pub fn network_input(&self) -> NetworkInput {
        network_input(&self.clauses, &self.links)
    }

    /// The clause with key `REF:ID`.
    pub fn clause_by_key(&self, key: &str) -> Option<ClauseIdx> {
        self.clause_index.get(key).copied()
    }

    /// The clause at an index.
    pub fn clause(&self, idx: ClauseIdx) -> Option<&Clause> {
        self.clauses.get(idx.0 as usize)
    }

    /// `REF:ID` of a clause (empty for an invalid index).
    pub fn key(&self, idx: ClauseIdx) -> &str {
        self.clause(idx).map_or("", |c| c.key.as_str())
    }

    /// The referential with an id.
    pub fn referential(&self, id: &str) -> Option<&Referential> {
        self.referential_index
            .get(id)
            .and_then(|&i| self.referentials.get(i))
    }

    /// Id of the referential of a clause.
    pub fn referential_of(&self, idx: ClauseIdx) -> &str {
        self.clause(idx)
            .and_then(|c| self.referentials.get(c.referential))
            .map_or("", |r| r.id.as_str())
    }

    /// The evidence type with a name.
    pub fn evidence_type(&self, name: &str) -> Option<&EvidenceType> {
        self.evidence_index
            .get(name)
            .and_then(|&i| self.evidence_types.get(i))
    }

    /// The index of the evidence type with a name.
    pub fn evidence_type_idx(&self, name: &str) -> Option<EvidenceTypeIdx> {
        self.evidence_index
            .get(name)
            .and_then(|&i| u32::try_from(i).ok())
            .map(EvidenceTypeIdx)
    }

    /// The declared profile fact with a name.
    pub fn profile_fact(&self, name: &str) -> Option<&ProfileFact> {
        self.profile.iter().find(|f| f.name == name)
    }

    /// The link with an id.
    pub fn link(&self, id: LinkId) -> Option<&Link> {
        self.links.get(id.0 as usize)
    }

    /// `file:line` of a link, as shown in proofs.
    pub fn link_location(&self, id: LinkId) -> String {
        self.link(id).map_or_else(String::new, |l| {
            self.sources.describe_line(l.file, l.span.start)
        })
    }

    /// `file:line` of a clause declaration.
    pub fn clause_location(&self, idx: ClauseIdx) -> String {
        self.clause(idx).map_or_else(String::new, |c| {
            self.sources.describe_line(c.file, c.span.start)
        })
    }

    /// Clauses of a referential in tree order (pre-order).
    pub fn clauses_of(&self, referential: &str) -> Vec<ClauseIdx> {
        let mut out = Vec::new();
        if let Some(r) = self.referential(referential) {
            let mut stack: Vec<ClauseIdx> = r.clauses.iter().rev().copied().collect();
            while let Some(c) = stack.pop() {
                out.push(c);
                if let Some(clause) = self.clause(c) {
                    stack.extend(clause.children.iter().rev().copied());
                }
            }
        }
        out
    }

    /// Ids of clauses close to `key`, for "did you mean".
    pub fn suggest_clause(&self, key: &str) -> Option<&str> {
        match key.split_once(':') {
            Some((r, id)) if self.referential(r).is_some() => {
                let prefix = format!("{r}:");
                let ids = self
                    .clauses
                    .iter()
                    .filter_map(|c| c.key.strip_prefix(&prefix));
                let best = closest(id, ids)?;
                self.clauses
                    .iter()
                    .map(|c| c.key.as_str())
                    .find(|k| k.strip_prefix(&prefix) == Some(best))
            }
            _ => closest(key, self.clauses.iter().map(|c| c.key.as_str())),
        }
    }
}

/// Resolves parsed files into a rulebook. `files` pairs each tree with its file.
pub fn resolve(
    sources: SourceMap,
    mut files: Vec<(FileId, ast::File)>,
    options: ResolveOptions,
) -> Loaded {
    let mut r = check::Resolver::new();
    tracing::info_span!("declare names").in_scope(|| r.declare(&mut files));
    tracing::info_span!("resolve links").in_scope(|| r.resolve_links(&mut files));
    tracing::info_span!("resolve rules and tests").in_scope(|| {
        r.resolve_rules();
        r.resolve_tests();
    });
    // The trees are no longer needed: free them before the network is built.
    tracing::info_span!("free syntax trees").in_scope(|| drop(files));
    let loaded =
        tracing::info_span!("build and check the network").in_scope(|| r.finish(sources, options));
    loaded
}

/// Builds the mapper input from resolved clauses and links.
fn network_input(clauses: &[Clause], links: &[Link]) -> NetworkInput {
    let hierarchy = clauses
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            c.parent
                .map(|p| (ClauseIdx(u32::try_from(i).unwrap_or(u32::MAX)), p))
        })
        .collect();
    // Ranks by key: the mapper tries edges in this order, so that proofs
    // do not depend on the order the files were read in.
    let mut by_key: Vec<u32> = (0..u32::try_from(clauses.len()).unwrap_or(u32::MAX)).collect();
    by_key.sort_by(|&x, &y| {
        let key = |c: u32| clauses.get(c as usize).map(|c| c.key.as_str());
        key(x).cmp(&key(y))
    });
    let mut order = vec![0u32; clauses.len()];
    for (rank, &c) in (0u32..).zip(&by_key) {
        if let Some(slot) = order.get_mut(c as usize) {
            *slot = rank;
        }
    }
    NetworkInput {
        order,
        clause_count: clauses.len(),
        hierarchy,
        links: links
            .iter()
            .map(|l| LinkInput {
                a: l.a,
                relation: l.relation,
                b: l.b,
                strength: l.strength,
            })
            .collect(),
    }
}
