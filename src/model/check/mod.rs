//! The resolver: declares every name, resolves every reference, and collects
//! every diagnostic of every file before building the [`Rulebook`]. Its
//! passes: names and links here, rules in `rules`, test blocks in `tests`.

mod conditions;
mod profile;
mod rules;
mod tests;

use std::collections::{BTreeMap, HashSet};

use super::{
    codes, network_input, Clause, EvidenceType, Link, Loaded, Mapping, NameMap, ProfileFact,
    Referential, ResolveOptions, Rulebook, TestCase, ValueType,
};
use crate::diagnostic::{self, Diagnostic};
use crate::mapper::{ClauseIdx, Conflict, LinkId, Network, NetworkInput, Step};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast;

/// Names of the item dates every evidence item has besides its declared fields.
pub(crate) const ITEM_DATE_FIELDS: [&str; 2] = ["date", "expires"];

/// A clause's `requires` and `applies if` as written.
type RuleAsWritten = (ClauseIdx, Option<Box<ast::Expr>>, Option<Box<ast::Cond>>);

pub(super) struct Resolver {
    diagnostics: Vec<Diagnostic>,
    referentials: Vec<Referential>,
    referential_index: NameMap<usize>,
    clauses: Vec<Clause>,
    clause_index: NameMap<ClauseIdx>,
    evidence_types: Vec<EvidenceType>,
    evidence_index: NameMap<usize>,
    mappings: Vec<Mapping>,
    links: Vec<Link>,
    tests: Vec<TestCase>,
    profile: Vec<ProfileFact>,
    used_evidence: HashSet<String>,
    /// Each clause's `requires` and `applies if` as written, until the
    /// rules pass resolves them; boxed, as most clauses have one of the two.
    rules: Vec<RuleAsWritten>,
    /// The test blocks as written, until the tests pass resolves them.
    test_blocks: Vec<(FileId, ast::Test)>,
}

impl Resolver {
    pub(super) fn new() -> Self {
        Resolver {
            diagnostics: Vec::new(),
            referentials: Vec::new(),
            referential_index: NameMap::default(),
            clauses: Vec::new(),
            clause_index: NameMap::default(),
            evidence_types: Vec::new(),
            evidence_index: NameMap::default(),
            mappings: Vec::new(),
            links: Vec::new(),
            tests: Vec::new(),
            profile: Vec::new(),
            used_evidence: HashSet::new(),
            rules: Vec::new(),
            test_blocks: Vec::new(),
        }
    }

    /// First pass: every referential, clause and evidence type gets its name.
    /// Takes the clauses and test blocks out of the trees: their text moves
    /// into the rulebook instead of being copied, and each syntax clause is
    /// freed as soon as it is declared, so the two never all stand in
    /// memory at once.
    pub(super) fn declare(&mut self, files: &mut [(FileId, ast::File)]) {
        fn count(clauses: &[ast::Clause]) -> usize {
            clauses
                .iter()
                .map(|c| {
                    1 + c
                        .items()
                        .iter()
                        .map(|item| match item {
                            ast::ClauseItem::Clause(sub) => count(std::slice::from_ref(sub)),
                            _ => 0,
                        })
                        .sum::<usize>()
                })
                .sum()
        }
        let clauses: usize = files
            .iter()
            .flat_map(|(_, tree)| &tree.items)
            .map(|item| match item {
                ast::Item::Referential(r) => count(&r.clauses),
                _ => 0,
            })
            .sum();
        self.clauses.reserve(clauses);
        self.clause_index.reserve(clauses);
        for (file, tree) in files.iter_mut() {
            for item in &mut tree.items {
                match item {
                    ast::Item::Referential(r) => self.declare_referential(*file, r),
                    ast::Item::Evidence(e) => self.declare_evidence(*file, e),
                    ast::Item::Mapping(_) => {}
                    ast::Item::Profile(p) => self.declare_profile(*file, p),
                    ast::Item::Test(t) => {
                        let test = ast::Test {
                            name: t.name.clone(),
                            items: std::mem::take(&mut t.items),
                            span: t.span,
                        };
                        self.test_blocks.push((*file, test));
                    }
                }
            }
        }
    }

    fn declare_referential(&mut self, file: FileId, r: &mut ast::Referential) {
        if let Some(&first) = self.referential_index.get(&r.id.text) {
            let mut d = Diagnostic::error(
                codes::DUPLICATE_REFERENTIAL,
                file,
                r.id.span,
                format!("referential `{}` is declared twice", r.id.text),
            )
            .with_label("second declaration")
            .with_help(
                "give each referential one block; rename one if they differ (e.g. by edition)",
            );
            if let Some(prev) = self.referentials.get(first) {
                d = d.with_secondary(prev.file, prev.span, "first declared here");
            }
            self.diagnostics.push(d);
            return;
        }
        let index = self.referentials.len();
        self.referential_index.insert(r.id.text.clone(), index);
        self.referentials.push(Referential {
            id: r.id.text.clone(),
            title: r.title.value.clone(),
            attrs: r
                .attrs
                .iter()
                .map(|a| (a.key, a.value.value.clone()))
                .collect(),
            clauses: Vec::new(),
            file,
            span: r.id.span,
        });
        let mut top = Vec::new();
        for c in std::mem::take(&mut r.clauses) {
            if let Some(idx) = self.declare_clause(file, index, &r.id.text, c, None) {
                top.push(idx);
            }
        }
        if let Some(referential) = self.referentials.get_mut(index) {
            referential.clauses = top;
        }
    }

    fn declare_clause(
        &mut self,
        file: FileId,
        referential: usize,
        ref_id: &str,
        c: ast::Clause,
        parent: Option<ClauseIdx>,
    ) -> Option<ClauseIdx> {
        let key = format!("{ref_id}:{}", c.id.text);
        if let Some(&first) = self.clause_index.get(&key) {
            let mut d = Diagnostic::error(
                codes::DUPLICATE_CLAUSE,
                file,
                c.id.span,
                format!("clause `{key}` is declared twice"),
            )
            .with_label("second declaration")
            .with_help("clause ids must be unique within a referential");
            if let Some(prev) = self.clauses.get(first.0 as usize) {
                d = d.with_secondary(prev.file, prev.span, "first declared here");
            }
            self.diagnostics.push(d);
            return None;
        }
        if let Some(p) = parent.and_then(|p| self.clauses.get(p.0 as usize)) {
            if !c.id.text.starts_with(&format!("{}.", p.id)) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        codes::SUBCLAUSE_ID,
                        file,
                        c.id.span,
                        format!(
                            "sub-clause `{}` does not extend the id of its parent `{}`",
                            c.id.text, p.id
                        ),
                    )
                    .with_label("expected an id starting with the parent's")
                    .with_help(format!(
                        "number it `{}.…`, or move it out of clause `{}`",
                        p.id, p.id
                    )),
                );
            }
        }
        let idx = ClauseIdx(u32::try_from(self.clauses.len()).unwrap_or(u32::MAX));
        self.clause_index.insert(key.clone(), idx);
        let span = c.id.span;
        let mut clause = Clause {
            referential,
            id: c.id.text,
            key,
            title: c.title.value,
            summary: None,
            notes: Vec::new(),
            requires: None,
            applies: None,
            parent,
            children: Vec::new(),
            file,
            span,
        };
        let mut subs = Vec::new();
        let (mut requires, mut applies) = (None, None);
        for item in c.body.unwrap_or_default() {
            match item {
                ast::ClauseItem::Summary(s) => {
                    if clause.summary.is_some() {
                        self.duplicate_attribute(file, s.span, "summary");
                    }
                    clause.summary = Some(s.value);
                }
                ast::ClauseItem::Note(s) => clause.notes.push(s.value),
                ast::ClauseItem::Requires(e) => {
                    if requires.is_some() {
                        self.duplicate_rule(file, e.span, "requires");
                    }
                    requires = Some(Box::new(e));
                }
                ast::ClauseItem::AppliesIf(cond) => {
                    if applies.is_some() {
                        self.duplicate_rule(file, cond.span, "applies if");
                    }
                    applies = Some(Box::new(cond));
                }
                ast::ClauseItem::Clause(sub) => subs.push(sub),
            }
        }
        self.clauses.push(clause);
        if requires.is_some() || applies.is_some() {
            self.rules.push((idx, requires, applies));
        }
        let mut children = Vec::new();
        for sub in subs {
            if let Some(child) = self.declare_clause(file, referential, ref_id, sub, Some(idx)) {
                children.push(child);
            }
        }
        if let Some(clause) = self.clauses.get_mut(idx.0 as usize) {
            clause.children = children;
        }
        Some(idx)
    }

    fn duplicate_attribute(&mut self, file: FileId, span: Span, what: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::DUPLICATE_ATTRIBUTE,
                file,
                span,
                format!("`{what}` is given twice"),
            )
            .with_label("second one")
            .with_help(format!("keep a single `{what}`")),
        );
    }

    fn duplicate_rule(&mut self, file: FileId, span: Span, what: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::DUPLICATE_RULE,
                file,
                span,
                format!("a clause has more than one `{what}`"),
            )
            .with_label("second one")
            .with_help("combine them with `all { … }` (or `and` for conditions)"),
        );
    }

    fn declare_evidence(&mut self, file: FileId, e: &ast::EvidenceType) {
        if let Some(&first) = self.evidence_index.get(&e.name.text) {
            let mut d = Diagnostic::error(
                codes::DUPLICATE_EVIDENCE,
                file,
                e.name.span,
                format!("evidence type `{}` is declared twice", e.name.text),
            )
            .with_label("second declaration")
            .with_help(
                "declare each evidence type once, in one file (e.g. `rules/evidence.rules`)",
            );
            if let Some(prev) = self.evidence_types.get(first) {
                d = d.with_secondary(prev.file, prev.span, "first declared here");
            }
            self.diagnostics.push(d);
            return;
        }
        let mut valid = None;
        let mut fields = BTreeMap::new();
        for item in e.items() {
            match item {
                ast::EvidenceItem::Valid(d, span) => {
                    if valid.is_some() {
                        self.duplicate_attribute(file, *span, "valid");
                    }
                    valid = Some(*d);
                }
                ast::EvidenceItem::Field(name, ty) => {
                    if ITEM_DATE_FIELDS.contains(&name.text.as_str()) {
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::BUILT_IN_FIELD,
                                file,
                                name.span,
                                format!("field `{}` is built in", name.text),
                            )
                            .with_help(
                                "every evidence item already has the dates `date` and `expires`",
                            ),
                        );
                    } else if fields
                        .insert(name.text.clone(), ValueType::from(ty))
                        .is_some()
                    {
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::DUPLICATE_FIELD,
                                file,
                                name.span,
                                format!(
                                    "field `{}` is declared twice in evidence type `{}`",
                                    name.text, e.name.text
                                ),
                            )
                            .with_label("second declaration"),
                        );
                    }
                }
            }
        }
        self.evidence_index
            .insert(e.name.text.clone(), self.evidence_types.len());
        self.evidence_types.push(EvidenceType {
            name: e.name.text.clone(),
            title: e.title.value.clone(),
            valid,
            fields,
            file,
            span: e.name.span,
        });
    }

    /// Resolves a `REF:ID`, reporting an unknown referential or clause.
    fn lookup(&mut self, file: FileId, r: &ast::ClauseRef) -> Option<ClauseIdx> {
        if let Some(&idx) = self.clause_index.get(r.key()) {
            return Some(idx);
        }
        let key = r.key();
        if !self.referential_index.contains_key(r.referential()) {
            let mut d = Diagnostic::error(
                codes::UNKNOWN_REFERENTIAL,
                file,
                r.span,
                format!("unknown referential `{}`", r.referential()),
            )
            .with_label("no referential has this id");
            let known: Vec<&str> = self.referential_index.keys().map(String::as_str).collect();
            if let Some(s) = super::closest(r.referential(), known.iter().copied()) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            self.diagnostics.push(d);
            return None;
        }
        let mut d = Diagnostic::error(
            codes::UNKNOWN_CLAUSE,
            file,
            r.span,
            format!("unknown clause `{key}`"),
        )
        .with_label(format!(
            "referential `{}` has no clause `{}`",
            r.referential(),
            r.clause()
        ));
        // Compare ids within the referential: the shared `REF:` prefix would
        // make any id look close to any other.
        let prefix = format!("{}:", r.referential());
        let ids: Vec<&str> = self
            .clauses
            .iter()
            .filter_map(|c| c.key.strip_prefix(&prefix))
            .collect();
        if let Some(s) = super::closest(r.clause(), ids.iter().copied()) {
            d = d.with_help(format!("did you mean `{prefix}{s}`?"));
        }
        self.diagnostics.push(d);
        None
    }

    fn lookup_evidence(&mut self, file: FileId, name: &ast::Name) -> Option<usize> {
        if let Some(&i) = self.evidence_index.get(&name.text) {
            return Some(i);
        }
        let mut d = Diagnostic::error(
            codes::UNKNOWN_EVIDENCE,
            file,
            name.span,
            format!("unknown evidence type `{}`", name.text),
        )
        .with_label("not declared by any `evidence` item");
        let known: Vec<&str> = self.evidence_index.keys().map(String::as_str).collect();
        d = match super::closest(&name.text, known.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!("declare it: `evidence {} \"…\"`", name.text)),
        };
        self.diagnostics.push(d);
        None
    }

    /// Second pass: mapping links.
    /// Takes the links out of the trees: each syntax link is dropped as soon
    /// as its resolved link exists, so the two never all stand in memory at
    /// once (a million links make that matter).
    pub(super) fn resolve_links(&mut self, files: &mut [(FileId, ast::File)]) {
        let ends = find_link_ends(&self.clauses, &self.referential_index, files);
        // One allocation for every link: growing a vector of a million
        // links by doubling copies it about twice over.
        self.links.reserve(ends.len());
        let mut ends = ends.into_iter();
        for (file, tree) in files.iter_mut() {
            for item in &mut tree.items {
                let ast::Item::Mapping(m) = item else {
                    continue;
                };
                let mapping_index = self.mappings.len();
                let mut mapping = Mapping {
                    title: m.title.value.clone(),
                    sources: Vec::new(),
                    notes: Vec::new(),
                    links: Vec::with_capacity(m.links.len()),
                    file: *file,
                };
                for a in &m.attrs {
                    match a {
                        ast::MappingAttr::Source(s) => mapping.sources.push(s.value.clone()),
                        ast::MappingAttr::Note(s) => mapping.notes.push(s.value.clone()),
                    }
                }
                for l in std::mem::take(&mut m.links) {
                    let (found_a, found_b) = ends.next().unwrap_or((None, None));
                    // A miss is looked up again to report it, in file order.
                    let a = found_a.or_else(|| self.lookup(*file, &l.a));
                    let b = found_b.or_else(|| self.lookup(*file, &l.b));
                    let mut strength = None;
                    let mut rationale = None;
                    let mut notes = Vec::new();
                    let mut sources = Vec::new();
                    for attr in l.attrs() {
                        match attr {
                            ast::LinkAttr::Strength(n, span) => {
                                if strength.is_some() {
                                    self.duplicate_attribute(*file, *span, "strength");
                                }
                                match u8::try_from(*n) {
                                    Ok(v) if (1..=10).contains(&v) => strength = Some(v),
                                    _ => {
                                        self.diagnostics.push(
                                            Diagnostic::error(
                                                codes::STRENGTH_RANGE,
                                                *file,
                                                *span,
                                                format!("strength {n} is outside 1..10"),
                                            )
                                            .with_label("out of range")
                                            .with_help("rate a link from 1 (weak) to 10 (certain)"),
                                        );
                                    }
                                }
                            }
                            ast::LinkAttr::Rationale(r, span) => {
                                if rationale.is_some() {
                                    self.duplicate_attribute(*file, *span, "rationale");
                                }
                                rationale = Some(*r);
                            }
                            ast::LinkAttr::Note(s) => notes.push(s.value.clone()),
                            ast::LinkAttr::Source(s) => sources.push(s.value.clone()),
                        }
                    }
                    if let (Some(a), Some(b)) = (a, b) {
                        let id = LinkId(u32::try_from(self.links.len()).unwrap_or(u32::MAX));
                        mapping.links.push(id);
                        self.links.push(Link {
                            a,
                            relation: l.relation,
                            b,
                            strength,
                            rationale,
                            notes,
                            sources,
                            mapping: mapping_index,
                            file: *file,
                            span: l.span,
                        });
                    }
                }
                self.mappings.push(mapping);
            }
        }
    }

    pub(super) fn finish(mut self, sources: SourceMap, options: ResolveOptions) -> Loaded {
        for t in &self.evidence_types {
            if !self.used_evidence.contains(&t.name) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        codes::UNUSED_EVIDENCE,
                        t.file,
                        t.span,
                        format!("evidence type `{}` is never required", t.name),
                    )
                    .with_label("no `requires` rule names it")
                    .with_help("require it in a clause, or remove it"),
                );
            }
        }
        let network = match Network::build(
            &network_input(&self.clauses, &self.links),
            options.min_strength,
        ) {
            Ok(network) => network,
            Err(e) => {
                self.diagnostics.push(Diagnostic::error(
                    codes::INCONSISTENT,
                    FileId(0),
                    Span::default(),
                    e.to_string(),
                ));
                empty_network()
            }
        };
        for conflict in network.conflicts() {
            if let Some(d) = conflict_diagnostic(&self.clauses, &self.links, conflict) {
                self.diagnostics.push(d);
            }
        }
        diagnostic::sort(&mut self.diagnostics);
        Loaded {
            rulebook: Rulebook {
                sources,
                referentials: self.referentials,
                clauses: self.clauses,
                evidence_types: self.evidence_types,
                mappings: self.mappings,
                links: self.links,
                tests: self.tests,
                profile: self.profile,
                network,
                clause_index: self.clause_index,
                referential_index: self.referential_index,
                evidence_index: self.evidence_index,
            },
            diagnostics: self.diagnostics,
        }
    }
}

/// One diagnostic for an inconsistent set of links: the first link is the
/// primary place, the others (and hierarchy edges) secondary.
pub(super) fn conflict_diagnostic(
    clauses: &[Clause],
    links: &[Link],
    conflict: &Conflict,
) -> Option<Diagnostic> {
    let steps = &conflict.steps;
    let mut described = Vec::new();
    let mut places: Vec<(FileId, Span, String)> = Vec::new();
    for step in steps {
        match step {
            Step::Link { link, .. } => {
                let l = links.get(link.0 as usize)?;
                let a = &clauses.get(l.a.0 as usize)?.key;
                let b = &clauses.get(l.b.0 as usize)?.key;
                let text = format!("`{a} {} {b}`", l.relation);
                places.push((l.file, l.span, text.clone()));
                described.push(text);
            }
            Step::Hierarchy { child, parent } => {
                let c = clauses.get(child.0 as usize)?;
                let p = clauses.get(parent.0 as usize)?;
                let text = format!("`{}` is a sub-clause of `{}`", c.key, p.key);
                places.push((c.file, c.span, text.clone()));
                described.push(text);
            }
            // conflicts are proved whole, never by citation
            Step::Cited { .. } => {}
        }
    }
    let mut places = places.into_iter();
    let (file, span, first) = places.next()?;
    let mut d =
        Diagnostic::error(
            codes::INCONSISTENT,
            file,
            span,
            format!("inconsistent mapping network: {}", described.join(", ")),
        )
        .with_label(first)
        .with_help(format!(
        "{}; no assignment of obligations satisfies these links together, so one of them is wrong",
        conflict.explain(|c| clauses.get(c.0 as usize).map_or_else(String::new, |c| c.key.clone()))
    ));
    for (f, s, text) in places {
        d = d.with_secondary(f, s, text);
    }
    Some(d)
}

/// A network with no clauses, standing in when the real one cannot be built
/// (its error is reported as a diagnostic).
fn empty_network() -> Network {
    let input = NetworkInput {
        clause_count: 0,
        order: Vec::new(),
        hierarchy: Vec::new(),
        links: Vec::new(),
    };
    #[expect(
        clippy::expect_used,
        reason = "an empty network has no index to overflow"
    )]
    Network::build(&input, None).expect("empty network")
}

/// The clause `r` names, through the table of its referential; `last`
/// remembers the referential of the previous call on the same side.
fn find_end<'i>(
    last: &mut Option<(&'i str, Option<usize>)>,
    r: &ast::ClauseRef,
    referential_index: &'i NameMap<usize>,
    by_referential: &[NameMap<ClauseIdx>],
) -> Option<ClauseIdx> {
    let referential = r.referential();
    let table = match *last {
        Some((id, table)) if id == referential => table,
        _ => {
            let found = referential_index.get_key_value(referential);
            *last = found.map(|(id, &t)| (id.as_str(), Some(t)));
            found.map(|(_, &t)| t)
        }
    };
    table
        .and_then(|t| by_referential.get(t))
        .and_then(|t| t.get(r.clause()).copied())
}

/// Links from which finding their ends is spread over every core.
const PARALLEL_LINKS: usize = 50_000;

/// The clauses at both ends of every link, in the order `resolve_links`
/// visits them; `None` for an end that names no clause. The lookups only
/// read the index, so a million links run on every core.
///
/// The index is split by referential: a mapping joins two referentials, so
/// a run of links keeps hitting the same two tables of a few thousand
/// clauses, which stay in cache, where one table of every clause would not.
fn find_link_ends(
    clauses: &[Clause],
    referential_index: &NameMap<usize>,
    files: &[(FileId, ast::File)],
) -> Vec<(Option<ClauseIdx>, Option<ClauseIdx>)> {
    // The ids are copied so that each table's keys lie side by side, not
    // wherever the clauses' own strings were allocated.
    let mut by_referential: Vec<NameMap<ClauseIdx>> =
        vec![NameMap::default(); referential_index.len()];
    for (i, c) in clauses.iter().enumerate() {
        if let Some(table) = by_referential.get_mut(c.referential) {
            table.insert(
                c.id.clone(),
                ClauseIdx(u32::try_from(i).unwrap_or(u32::MAX)),
            );
        }
    }
    let links: Vec<&ast::Link> = files
        .iter()
        .flat_map(|(_, tree)| &tree.items)
        .filter_map(|item| match item {
            ast::Item::Mapping(m) => Some(&m.links),
            _ => None,
        })
        .flatten()
        .collect();
    let find_all = |part: &[&ast::Link]| {
        // The table of the last referential seen on each side of a link.
        let (mut left, mut right) = (None, None);
        part.iter()
            .map(|l| {
                (
                    find_end(&mut left, &l.a, referential_index, &by_referential),
                    find_end(&mut right, &l.b, referential_index, &by_referential),
                )
            })
            .collect::<Vec<_>>()
    };
    // Counting cores reads the cgroup files: only worth it for a large file.
    if links.len() < PARALLEL_LINKS {
        return find_all(&links);
    }
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if workers < 2 {
        return find_all(&links);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = links
            .chunks(links.len().div_ceil(workers))
            .map(|part| scope.spawn(move || find_all(part)))
            .collect();
        // A worker that failed leaves the rest to `lookup`, which reports
        // every miss anyway: the answer is the same, only slower.
        let mut all = Vec::with_capacity(links.len());
        for h in handles {
            match h.join() {
                Ok(part) => all.extend(part),
                Err(_) => break,
            }
        }
        all
    })
}
