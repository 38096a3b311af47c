//! The resolver: declares every name, resolves every reference, and collects
//! every diagnostic of every file before building the [`Rulebook`].

use std::collections::{BTreeMap, HashSet};

use super::{
    codes, network_input, Clause, EvidenceType, Link, Loaded, Mapping, NameMap, Referential,
    ResolveOptions, Rulebook, TestCase,
};
use crate::diagnostic::{self, Diagnostic};
use crate::mapper::{ClauseIdx, Conflict, LinkId, Network, NetworkInput, Step};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, CondKind, ExprKind, FieldType, ValueKind};

/// Names of the item dates every evidence item has besides its declared fields.
pub(crate) const ITEM_DATE_FIELDS: [&str; 2] = ["date", "expires"];

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
    used_evidence: HashSet<String>,
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
            used_evidence: HashSet::new(),
        }
    }

    /// First pass: every referential, clause and evidence type gets its name.
    pub(super) fn declare(&mut self, files: &[(FileId, ast::File)]) {
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
        for (file, tree) in files {
            for item in &tree.items {
                match item {
                    ast::Item::Referential(r) => self.declare_referential(*file, r),
                    ast::Item::Evidence(e) => self.declare_evidence(*file, e),
                    ast::Item::Mapping(_) => {}
                    ast::Item::Test(t) => self.tests.push(TestCase {
                        file: *file,
                        test: t.clone(),
                    }),
                }
            }
        }
    }

    fn declare_referential(&mut self, file: FileId, r: &ast::Referential) {
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
        for c in &r.clauses {
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
        c: &ast::Clause,
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
        let mut clause = Clause {
            referential,
            id: c.id.text.clone(),
            key,
            title: c.title.value.clone(),
            summary: None,
            notes: Vec::new(),
            requires: None,
            applies: None,
            parent,
            children: Vec::new(),
            file,
            span: c.id.span,
        };
        let mut subs = Vec::new();
        for item in c.items() {
            match item {
                ast::ClauseItem::Summary(s) => {
                    if clause.summary.is_some() {
                        self.duplicate_attribute(file, s.span, "summary");
                    }
                    clause.summary = Some(s.value.clone());
                }
                ast::ClauseItem::Note(s) => clause.notes.push(s.value.clone()),
                ast::ClauseItem::Requires(e) => {
                    if clause.requires.is_some() {
                        self.duplicate_rule(file, e.span, "requires");
                    }
                    clause.requires = Some(e.clone());
                }
                ast::ClauseItem::AppliesIf(cond) => {
                    if clause.applies.is_some() {
                        self.duplicate_rule(file, cond.span, "applies if");
                    }
                    clause.applies = Some(cond.clone());
                }
                ast::ClauseItem::Clause(sub) => subs.push(sub),
            }
        }
        self.clauses.push(clause);
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
                                codes::DUPLICATE_FIELD,
                                file,
                                name.span,
                                format!("field `{}` is built in", name.text),
                            )
                            .with_help(
                                "every evidence item already has the dates `date` and `expires`",
                            ),
                        );
                    } else if fields.insert(name.text.clone(), *ty).is_some() {
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

    /// Third pass: `requires` rules and `applies if` conditions.
    pub(super) fn resolve_rules(&mut self) {
        let mut edges: Vec<Vec<(ClauseIdx, Span)>> = vec![Vec::new(); self.clauses.len()];
        for i in 0..self.clauses.len() {
            let Some(clause) = self.clauses.get(i) else {
                continue;
            };
            let file = clause.file;
            let Some(expr) = clause.requires.clone() else {
                continue;
            };
            let mut out = Vec::new();
            self.check_expr(file, &expr, &mut out);
            if let Some(slot) = edges.get_mut(i) {
                *slot = out;
            }
        }
        self.check_cycles(&edges);
    }

    fn check_expr(&mut self, file: FileId, e: &ast::Expr, edges: &mut Vec<(ClauseIdx, Span)>) {
        match &e.kind {
            ExprKind::All(list) | ExprKind::Any(list) => {
                for x in list {
                    self.check_expr(file, x, edges);
                }
            }
            ExprKind::AtLeast { n, n_span, of } => {
                if *n > of.len() as u64 {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::AT_LEAST_TOO_LARGE,
                            file,
                            *n_span,
                            format!("`at least {n}` of a list of {}", of.len()),
                        )
                        .with_label("can never be met")
                        .with_help(format!(
                            "lower it to at most {}, or add alternatives",
                            of.len()
                        )),
                    );
                }
                for x in of {
                    self.check_expr(file, x, edges);
                }
            }
            ExprKind::Not(inner) => self.check_expr(file, inner, edges),
            ExprKind::Evidence(req) => {
                self.used_evidence.insert(req.ty.text.clone());
                if let Some(i) = self.lookup_evidence(file, &req.ty) {
                    if let Some(cond) = &req.where_ {
                        let fields = self
                            .evidence_types
                            .get(i)
                            .map(|t| (t.name.clone(), t.fields.clone()));
                        if let Some((name, fields)) = fields {
                            self.check_fields(file, cond, &name, &fields);
                        }
                    }
                }
            }
            ExprKind::Clause(r) => {
                if let Some(idx) = self.lookup(file, r) {
                    edges.push((idx, r.span));
                }
            }
            ExprKind::Attested => {}
        }
    }

    /// Checks that a `where` condition names declared fields with values of
    /// their declared type.
    fn check_fields(
        &mut self,
        file: FileId,
        cond: &ast::Cond,
        ty: &str,
        fields: &BTreeMap<String, FieldType>,
    ) {
        match &cond.kind {
            CondKind::Or(parts) | CondKind::And(parts) => {
                for p in parts {
                    self.check_fields(file, p, ty, fields);
                }
            }
            CondKind::Not(inner) | CondKind::Group(inner) => {
                self.check_fields(file, inner, ty, fields)
            }
            CondKind::Compare { field, op, value } => {
                if let Some(ft) = self.field_type(file, field, ty, fields) {
                    let ordered = !matches!(op, ast::CmpOp::Eq | ast::CmpOp::Ne);
                    if ordered && !matches!(ft, FieldType::Number | FieldType::Date) {
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::FIELD_TYPE_MISMATCH,
                                file,
                                cond.span,
                                format!("`{}` compares field `{}` of type {}", op.symbol(), field.text, ft.keyword()),
                            )
                            .with_help("order comparisons apply to number and date fields; use `==`, `in` or `contains`"),
                        );
                    } else {
                        self.check_value(file, value, ft, &field.text);
                    }
                }
            }
            CondKind::In { field, values } => {
                if let Some(ft) = self.field_type(file, field, ty, fields) {
                    for v in values {
                        self.check_value(file, v, ft, &field.text);
                    }
                }
            }
            CondKind::Contains { field, value } => {
                if let Some(ft) = self.field_type(file, field, ty, fields) {
                    match ft {
                        FieldType::List => {}
                        FieldType::Text => {
                            self.check_value(file, value, FieldType::Text, &field.text)
                        }
                        other => self.diagnostics.push(
                            Diagnostic::error(
                                codes::FIELD_TYPE_MISMATCH,
                                file,
                                cond.span,
                                format!(
                                    "`contains` on field `{}` of type {}",
                                    field.text,
                                    other.keyword()
                                ),
                            )
                            .with_help("`contains` applies to list and text fields"),
                        ),
                    }
                }
            }
        }
    }

    fn field_type(
        &mut self,
        file: FileId,
        field: &ast::Name,
        ty: &str,
        fields: &BTreeMap<String, FieldType>,
    ) -> Option<FieldType> {
        if ITEM_DATE_FIELDS.contains(&field.text.as_str()) {
            return Some(FieldType::Date);
        }
        if let Some(ft) = fields.get(&field.text) {
            return Some(*ft);
        }
        let mut d = Diagnostic::error(
            codes::UNKNOWN_FIELD,
            file,
            field.span,
            format!("evidence type `{ty}` has no field `{}`", field.text),
        )
        .with_label("not declared");
        let names = fields.keys().map(String::as_str).chain(ITEM_DATE_FIELDS);
        d = match super::closest(&field.text, names) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None if fields.is_empty() => d.with_help(format!(
                "declare it in `evidence {ty}`: `field {}: text`",
                field.text
            )),
            None => d.with_help(format!(
                "declared fields: {}",
                fields
                    .keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        self.diagnostics.push(d);
        None
    }

    fn check_value(&mut self, file: FileId, value: &ast::Value, ft: FieldType, field: &str) {
        if !value_fits(&value.kind, ft) {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::FIELD_TYPE_MISMATCH,
                    file,
                    value.span,
                    format!(
                        "field `{field}` is declared {} but this value is {}",
                        ft.keyword(),
                        kind_name(&value.kind)
                    ),
                )
                .with_label(format!("expected {}", ft.keyword())),
            );
        }
    }

    fn check_cycles(&mut self, edges: &[Vec<(ClauseIdx, Span)>]) {
        // Iterative DFS with colours; each back edge closes one cycle,
        // reported once at the reference that closes it.
        let n = edges.len();
        let mut colour = vec![0u8; n];
        let mut reported: HashSet<Vec<u32>> = HashSet::new();
        for start in 0..n {
            if colour.get(start) != Some(&0) {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            if let Some(c) = colour.get_mut(start) {
                *c = 1;
            }
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let out = edges.get(node).map_or(&[][..], Vec::as_slice);
                if let Some(&(target, span)) = out.get(*next) {
                    *next += 1;
                    let t = target.0 as usize;
                    match colour.get(t) {
                        Some(0) => {
                            if let Some(c) = colour.get_mut(t) {
                                *c = 1;
                            }
                            stack.push((t, 0));
                        }
                        Some(1) => {
                            let pos = stack.iter().position(|&(x, _)| x == t).unwrap_or(0);
                            let members: Vec<usize> = stack
                                .get(pos..)
                                .unwrap_or(&[])
                                .iter()
                                .map(|&(x, _)| x)
                                .collect();
                            let mut key: Vec<u32> = members.iter().map(|&x| x as u32).collect();
                            key.sort_unstable();
                            if reported.insert(key) {
                                self.report_cycle(&members, node, span);
                            }
                        }
                        _ => {}
                    }
                } else {
                    if let Some(c) = colour.get_mut(node) {
                        *c = 2;
                    }
                    stack.pop();
                }
            }
        }
    }

    fn report_cycle(&mut self, members: &[usize], closing: usize, span: Span) {
        let keys: Vec<String> = members
            .iter()
            .filter_map(|&m| self.clauses.get(m).map(|c| format!("`{}`", c.key)))
            .collect();
        let Some(clause) = self.clauses.get(closing) else {
            return;
        };
        let mut d = Diagnostic::error(
            codes::CLAUSE_CYCLE,
            clause.file,
            span,
            if keys.len() == 1 {
                format!("clause {} requires itself", keys.join(""))
            } else {
                format!(
                    "clauses require each other in a cycle: {} → {}",
                    keys.join(" → "),
                    keys.first().cloned().unwrap_or_default()
                )
            },
        )
        .with_label("closes the cycle")
        .with_help(
            "a clause cannot be met through itself; break the cycle with an evidence requirement",
        );
        for &m in members {
            if m != closing {
                if let Some(c) = self.clauses.get(m) {
                    d = d.with_secondary(c.file, c.span, format!("`{}` is in the cycle", c.key));
                }
            }
        }
        self.diagnostics.push(d);
    }

    /// Fourth pass: test blocks refer to known clauses, types and fields.
    pub(super) fn check_tests(&mut self, _files: &[(FileId, ast::File)]) {
        let tests = std::mem::take(&mut self.tests);
        for case in &tests {
            let file = case.file;
            let mut as_of_seen = false;
            for item in &case.test.items {
                match item {
                    ast::TestItem::AsOf(_, span) => {
                        if as_of_seen {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    codes::BAD_TEST,
                                    file,
                                    *span,
                                    "a test has more than one `as-of`",
                                )
                                .with_help("keep one date per test"),
                            );
                        }
                        as_of_seen = true;
                    }
                    ast::TestItem::Profile(..) => {}
                    ast::TestItem::GivenEvidence { ty, fields, .. } => {
                        let Some(i) = self.lookup_evidence(file, ty) else {
                            continue;
                        };
                        let declared = self
                            .evidence_types
                            .get(i)
                            .map(|t| t.fields.clone())
                            .unwrap_or_default();
                        for (key, value) in fields.iter().flatten() {
                            if let Some(ft) = self.field_type(file, key, &ty.text, &declared) {
                                self.check_value(file, value, ft, &key.text);
                            }
                        }
                    }
                    ast::TestItem::GivenAssessment { clause, .. } => {
                        self.lookup(file, clause);
                    }
                    ast::TestItem::ExpectStatus { clause, via, .. } => {
                        self.lookup(file, clause);
                        if let Some(v) = via {
                            self.lookup(file, v);
                        }
                    }
                    ast::TestItem::ExpectRelation { a, b, .. } => {
                        self.lookup(file, a);
                        self.lookup(file, b);
                    }
                }
            }
        }
        self.tests = tests;
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

fn value_fits(kind: &ValueKind, ft: FieldType) -> bool {
    matches!(
        (kind, ft),
        (ValueKind::Str(_), FieldType::Text)
            | (ValueKind::Number(_), FieldType::Number)
            | (ValueKind::Date(_), FieldType::Date)
            | (ValueKind::Bool(_), FieldType::Bool)
            | (ValueKind::List(_), FieldType::List)
    )
}

fn kind_name(kind: &ValueKind) -> &'static str {
    match kind {
        ValueKind::Str(_) => "text",
        ValueKind::Number(_) => "a number",
        ValueKind::Date(_) => "a date",
        ValueKind::Bool(_) => "a bool",
        ValueKind::List(_) => "a list",
    }
}

/// A network with no clauses, standing in when the real one cannot be built
/// (its error is reported as a diagnostic).
fn empty_network() -> Network {
    let input = NetworkInput {
        clause_count: 0,
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
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if links.len() < PARALLEL_LINKS || workers < 2 {
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
