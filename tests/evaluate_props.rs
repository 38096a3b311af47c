//! Property tests of evaluation (DESIGN §4, issue 4) on random small
//! rulebooks written as text and random inventories.
//!
//! Each case draws a hidden set model: a small universe of obligations, each
//! clause a random non-empty subset of it (a sub-clause a subset of its
//! parent), and links declared with the relation that truly holds between
//! the sets, so the network is always consistent. Rules are random `requires`
//! trees over a few evidence types (`all`, `any`, `at least`, `where`,
//! `within`, `count`, `attested`, `clause` references to clauses of
//! referentials that sort earlier, so there is no cycle) — but never `not`:
//! `not` is non-monotone (more evidence can turn `not evidence x` from met
//! to not-met), so the monotonicity properties would not hold with it.
//!
//! Properties:
//! 1. adding evidence never lowers any status rank (not-met/unknown <
//!    partial < met; not-applicable never changes);
//! 2. removing a link never raises one (drawn without `not-met` findings: a
//!    finding caps the clauses entailed to contain it, so removing the link
//!    behind a cap may rightly raise a clause);
//! 3. statuses do not depend on the order of files, evidence items,
//!    assessments or links; nor (3b) does anything else in the report;
//! 4. a clause is `met` with basis `mapping` only when the mapper entails ⊆
//!    to some clause met by its own basis (evidence, assessment or
//!    sub-clauses), and its `via` is met and entailed to contain it; a
//!    `partial` by mapping has a met `via` that overlaps it; no clause
//!    entailed to contain a clause found `not-met` is `met`;
//! 5. renaming referentials (which changes the order they are evaluated in)
//!    changes no status: statuses are a least fixpoint, not an artefact of
//!    evaluation order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use refmap::internal::date::Date;
use refmap::internal::evaluate::{Basis, Evaluator, Report};
use refmap::internal::load::{front_end, Options};
use refmap::internal::model::Rulebook;
use refmap::internal::source::SourceMap;
use refmap::internal::syntax::ast::Status;

// ------------------------------------------------------------ random source

/// SplitMix64: the whole case is a function of one proptest seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ------------------------------------------------------------------ model

/// Obligations of the universe, as bits of a `u8`.
const UNIVERSE: u8 = 6;
/// Referential ids; they sort in this order.
const REFS: [&str; 3] = ["ALPHA", "BETA", "GAMMA"];
/// Evaluation date of every case.
const AS_OF: &str = "2026-06-15";

#[derive(Debug, Clone)]
struct ClauseSpec {
    referential: usize,
    id: String,
    set: u8,
    parent: Option<usize>,
    applies: Option<&'static str>,
    requires: Option<Expr>,
}

#[derive(Debug, Clone)]
enum Expr {
    Evidence {
        ty: usize,
        where_: Option<&'static str>,
        within: Option<u32>,
        count: Option<u32>,
    },
    Clause(usize),
    Attested,
    All(Vec<Expr>),
    Any(Vec<Expr>),
    AtLeast(usize, Vec<Expr>),
}

#[derive(Debug, Clone)]
struct Link {
    a: usize,
    relation: &'static str,
    b: usize,
}

#[derive(Debug, Clone)]
struct Item {
    id: String,
    ty: usize,
    date: Option<i64>,
    expires: Option<i64>,
    n: Option<u32>,
    k: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct Case {
    referentials: usize,
    clauses: Vec<ClauseSpec>,
    links: Vec<Link>,
    items: Vec<Item>,
    /// Items that may be added to `items`.
    extra: Vec<Item>,
    assessments: Vec<(usize, &'static str)>,
    modalities: Vec<&'static str>,
}

/// Evidence types: name and declaration body.
const TYPES: [(&str, &str); 4] = [
    ("e0", "valid 12 months"),
    ("e1", "valid 1 month"),
    ("e2", "field n: number field k: text"),
    ("e3", ""),
];

const WHERES: [&str; 4] = [
    "n >= 3",
    "k in [\"x\", \"y\"]",
    "k == \"x\" or n < 2",
    "n == 4 and k != \"z\"",
];

fn relation_of(a: u8, b: u8) -> &'static str {
    if a == b {
        "equals"
    } else if a & b == a {
        "subset-of"
    } else if a & b == b {
        "superset-of"
    } else if a & b != 0 {
        "intersects"
    } else {
        "disjoint"
    }
}

fn nonempty_subset(rng: &mut Rng, of: u8) -> u8 {
    let s = (rng.next() as u8) & of;
    if s != 0 {
        return s;
    }
    let bits: Vec<u8> = (0..8).filter(|b| of & (1 << b) != 0).collect();
    1 << *rng.pick(&bits)
}

fn gen_expr(rng: &mut Rng, depth: usize, earlier: &[usize]) -> Expr {
    let roll = rng.below(100);
    if depth > 0 && roll < 30 {
        let n = 2 + rng.below(2);
        let parts: Vec<Expr> = (0..n).map(|_| gen_expr(rng, depth - 1, earlier)).collect();
        return match rng.below(3) {
            0 => Expr::All(parts),
            1 => Expr::Any(parts),
            _ => Expr::AtLeast(1 + rng.below(n), parts),
        };
    }
    if !earlier.is_empty() && roll < 45 {
        return Expr::Clause(*rng.pick(earlier));
    }
    if roll < 48 {
        return Expr::Attested;
    }
    let ty = rng.below(TYPES.len());
    Expr::Evidence {
        ty,
        where_: (ty == 2 && rng.chance(60)).then(|| *rng.pick(&WHERES)),
        within: rng.chance(25).then(|| *rng.pick(&[1, 6, 12])),
        count: rng.chance(20).then(|| 2 + rng.below(2) as u32),
    }
}

fn gen_item(rng: &mut Rng, id: String) -> Item {
    let ty = rng.below(TYPES.len());
    // Days from 2025-01-01; the case is evaluated on 2026-06-15 (day 530),
    // so some items are expired and a few are in the future.
    let date = (ty < 2 || rng.chance(70)).then(|| rng.below(600) as i64);
    Item {
        id,
        ty,
        date,
        expires: date
            .filter(|_| rng.chance(15))
            .map(|d| d + 1 + rng.below(400) as i64),
        n: (ty == 2 && rng.chance(80)).then(|| rng.below(6) as u32),
        k: (ty == 2 && rng.chance(80)).then(|| *rng.pick(&["x", "y", "z"])),
    }
}

fn gen_case(seed: u64, with_not_met: bool) -> Case {
    let mut rng = Rng(seed);
    let referentials = 2 + rng.below(2);
    let mut clauses: Vec<ClauseSpec> = Vec::new();
    for r in 0..referentials {
        // Clauses of earlier referentials may be required by this one's.
        let earlier: Vec<usize> = (0..clauses.len()).collect();
        let tops = 1 + rng.below(3);
        for t in 1..=tops {
            let set = 1 + (rng.next() % ((1u64 << UNIVERSE) - 1)) as u8;
            let top = clauses.len();
            clauses.push(ClauseSpec {
                referential: r,
                id: t.to_string(),
                set,
                parent: None,
                applies: None,
                requires: None,
            });
            for c in 1..=rng.below(3) {
                let child = clauses.len();
                clauses.push(ClauseSpec {
                    referential: r,
                    id: format!("{t}.{c}"),
                    set: nonempty_subset(&mut rng, set),
                    parent: Some(top),
                    applies: None,
                    requires: None,
                });
                if rng.chance(25) {
                    let pset = clauses[child].set;
                    clauses.push(ClauseSpec {
                        referential: r,
                        id: format!("{t}.{c}.1"),
                        set: nonempty_subset(&mut rng, pset),
                        parent: Some(child),
                        applies: None,
                        requires: None,
                    });
                }
            }
        }
        let mine: Vec<usize> = (earlier.len()..clauses.len()).collect();
        for &c in &mine {
            let has_children = clauses.iter().any(|x| x.parent == Some(c));
            if rng.chance(if has_children { 25 } else { 65 }) {
                clauses[c].requires = Some(gen_expr(&mut rng, 2, &earlier));
            }
            if rng.chance(10) {
                clauses[c].applies = Some(*rng.pick(&[
                    "modalities contains \"MR\"",
                    "not (modalities contains \"CT\")",
                ]));
            }
        }
    }
    // Containment carries evidence; draw such pairs more often than the
    // overlaps and disjoint pairs random sets mostly give.
    let mut links = Vec::new();
    let mut pairs = std::collections::BTreeSet::new();
    let wanted = rng.below(10);
    for _ in 0..40 {
        if links.len() >= wanted {
            break;
        }
        let a = rng.below(clauses.len());
        let b = rng.below(clauses.len());
        if clauses[a].referential == clauses[b].referential {
            continue;
        }
        let relation = relation_of(clauses[a].set, clauses[b].set);
        let containment = matches!(relation, "equals" | "subset-of" | "superset-of");
        if (!containment && !rng.chance(30)) || !pairs.insert((a.min(b), a.max(b))) {
            continue;
        }
        links.push(Link { a, relation, b });
    }
    let items = (0..rng.below(10))
        .map(|i| gen_item(&mut rng, format!("I{i}")))
        .collect();
    let extra = (0..1 + rng.below(3))
        .map(|i| gen_item(&mut rng, format!("X{i}")))
        .collect();
    let mut assessments: Vec<(usize, &'static str)> = Vec::new();
    let statuses: &[&str] = if with_not_met {
        &["met", "partial", "not-met", "unknown", "not-met"]
    } else {
        &["met", "partial", "unknown"]
    };
    for _ in 0..rng.below(4) {
        let c = rng.below(clauses.len());
        if assessments.iter().all(|(x, _)| *x != c) {
            assessments.push((c, *rng.pick(statuses)));
        }
    }
    let modalities = [["CT", "MR"].as_slice(), &["MR"], &["CT"], &[]][rng.below(4)].to_vec();
    Case {
        referentials,
        clauses,
        links,
        items,
        extra,
        assessments,
        modalities,
    }
}

// -------------------------------------------------------------- rendering

/// How a case is written out: referential names and the order of things.
struct Writing {
    names: [&'static str; 3],
}

const PLAIN: Writing = Writing { names: REFS };
/// Names that sort in the opposite order.
const REVERSED: Writing = Writing {
    names: ["ZZC", "ZZB", "ZZA"],
};

impl Case {
    fn key(&self, w: &Writing, c: usize) -> String {
        let spec = &self.clauses[c];
        format!("{}:{}", w.names[spec.referential], spec.id)
    }

    fn expr(&self, w: &Writing, e: &Expr) -> String {
        let list = |parts: &[Expr]| {
            parts
                .iter()
                .map(|p| self.expr(w, p))
                .collect::<Vec<_>>()
                .join(" ")
        };
        match e {
            Expr::Evidence {
                ty,
                where_,
                within,
                count,
            } => {
                let mut s = format!("evidence {}", TYPES[*ty].0);
                if let Some(c) = where_ {
                    s.push_str(&format!(" where {c}"));
                }
                if let Some(m) = within {
                    s.push_str(&format!(" within {m} months"));
                }
                if let Some(n) = count {
                    s.push_str(&format!(" count >= {n}"));
                }
                s
            }
            Expr::Clause(c) => format!("clause {}", self.key(w, *c)),
            Expr::Attested => "attested".into(),
            Expr::All(p) => format!("all {{ {} }}", list(p)),
            Expr::Any(p) => format!("any {{ {} }}", list(p)),
            Expr::AtLeast(n, p) => format!("at least {n} of {{ {} }}", list(p)),
        }
    }

    fn clause_text(&self, w: &Writing, c: usize, indent: usize, out: &mut String) {
        let spec = &self.clauses[c];
        let pad = "  ".repeat(indent);
        out.push_str(&format!("{pad}clause {} \"c{}\" {{\n", spec.id, c));
        if let Some(a) = spec.applies {
            out.push_str(&format!("{pad}  applies if {a}\n"));
        }
        if let Some(e) = &spec.requires {
            out.push_str(&format!("{pad}  requires {}\n", self.expr(w, e)));
        }
        for k in (0..self.clauses.len()).filter(|k| self.clauses[*k].parent == Some(c)) {
            self.clause_text(w, k, indent + 1, out);
        }
        out.push_str(&format!("{pad}}}\n"));
    }

    /// The rule files: evidence types, one per referential, and the links
    /// split over two mappings, with links in the order given.
    fn files(&self, w: &Writing, links: &[Link]) -> Vec<(String, String)> {
        let mut files = Vec::new();
        let mut ev = String::new();
        for (name, body) in TYPES {
            ev.push_str(&format!("evidence {name} \"{name}\" {{ {body} }}\n"));
        }
        files.push(("evidence.rules".to_string(), ev));
        for r in 0..self.referentials {
            let mut text = format!("referential {} \"r{r}\" {{\n", w.names[r]);
            for c in (0..self.clauses.len())
                .filter(|c| self.clauses[*c].referential == r && self.clauses[*c].parent.is_none())
            {
                self.clause_text(w, c, 1, &mut text);
            }
            text.push_str("}\n");
            files.push((format!("ref{r}.rules"), text));
        }
        let half = links.len() / 2;
        for (i, part) in [&links[..half], &links[half..]].into_iter().enumerate() {
            let mut text = format!("mapping \"m{i}\" {{\n");
            for l in part {
                text.push_str(&format!(
                    "  {} {} {}\n",
                    self.key(w, l.a),
                    l.relation,
                    self.key(w, l.b)
                ));
            }
            text.push_str("}\n");
            files.push((format!("map{i}.rules"), text));
        }
        files
    }

    fn inventory(&self, w: &Writing, items: &[Item], assessments: &[(usize, &str)]) -> String {
        let day = |d: i64| Date::from_days(date("2025-01-01").to_days() + d).unwrap();
        let mut text = format!(
            "site: generated\nprofile: {{ modalities: [{}] }}\nevidence:\n",
            self.modalities.join(", ")
        );
        if items.is_empty() {
            text.push_str("  []\n");
        }
        for it in items {
            let mut fields = Vec::new();
            if let Some(n) = it.n {
                fields.push(format!("n: {n}"));
            }
            if let Some(k) = it.k {
                fields.push(format!("k: {k}"));
            }
            text.push_str(&format!(
                "  - id: {}\n    type: {}\n",
                it.id, TYPES[it.ty].0
            ));
            if let Some(d) = it.date {
                text.push_str(&format!("    date: {}\n", day(d)));
            }
            if let Some(e) = it.expires {
                text.push_str(&format!("    expires: {}\n", day(e)));
            }
            text.push_str(&format!("    fields: {{ {} }}\n", fields.join(", ")));
        }
        text.push_str("assessments:\n");
        if assessments.is_empty() {
            text.push_str("  []\n");
        }
        for (c, s) in assessments {
            text.push_str(&format!(
                "  - {{ clause: \"{}\", status: {s}, by: prop }}\n",
                self.key(w, *c)
            ));
        }
        text
    }
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn load(files: &[(String, String)]) -> Rulebook {
    let mut sources = SourceMap::new();
    for (name, text) in files {
        sources.add(name.clone(), text.clone());
    }
    let loaded = front_end(sources, Options::default());
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render(&loaded.rulebook.sources, false))
        .collect();
    assert!(
        errors.is_empty(),
        "generated rules refused:\n{}\n{}",
        errors.join("\n"),
        show(files)
    );
    loaded.rulebook
}

fn show(files: &[(String, String)]) -> String {
    files
        .iter()
        .map(|(n, t)| format!("// {n}\n{t}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn evaluate(book: &Rulebook, inventory: &str) -> Report {
    let inv = refmap::internal::inventory::load(book, "generated.yaml", inventory)
        .unwrap_or_else(|e| panic!("generated inventory refused:\n{e}\n{inventory}"));
    Evaluator::new(book).evaluate(&inv, date(AS_OF))
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Met => 2,
        Status::Partial => 1,
        Status::NotMet | Status::Unknown | Status::NotApplicable => 0,
    }
}

/// Status of every clause by key.
fn statuses(r: &Report) -> BTreeMap<String, Status> {
    r.clauses
        .iter()
        .map(|c| (c.clause.clone(), c.status))
        .collect()
}

/// Status, basis and evidence of every clause by key.
fn outcomes(r: &Report) -> BTreeMap<String, (Status, Basis, Vec<String>)> {
    r.clauses
        .iter()
        .map(|c| (c.clause.clone(), (c.status, c.basis, c.evidence.clone())))
        .collect()
}

/// Checks that `after` never ranks above (`up == false`) or below
/// (`up == true`) `before`, and that not-applicable stays put.
fn compare(before: &Report, after: &Report, up: bool, context: &str) -> Result<(), TestCaseError> {
    let b = statuses(before);
    for (key, s_after) in statuses(after) {
        let s_before = b[&key];
        prop_assert_eq!(
            s_before == Status::NotApplicable,
            s_after == Status::NotApplicable,
            "{}: not-applicable changed ({} → {})\n{}",
            key,
            s_before,
            s_after,
            context
        );
        if up {
            prop_assert!(
                rank(s_after) >= rank(s_before),
                "{}: {} → {} after adding evidence\n{}",
                key,
                s_before,
                s_after,
                context
            );
        } else {
            prop_assert!(
                rank(s_after) <= rank(s_before),
                "{}: {} → {} after removing a link\n{}",
                key,
                s_before,
                s_after,
                context
            );
        }
    }
    Ok(())
}

/// 256 cases (a few seconds in debug); `PROPTEST_CASES` asks for more.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn adding_evidence_never_lowers_a_status(seed in any::<u64>()) {
        let case = gen_case(seed, true);
        let files = case.files(&PLAIN, &case.links);
        let book = load(&files);
        let before_text = case.inventory(&PLAIN, &case.items, &case.assessments);
        let before = evaluate(&book, &before_text);
        let mut more = case.items.clone();
        more.extend(case.extra.iter().cloned());
        let after_text = case.inventory(&PLAIN, &more, &case.assessments);
        let after = evaluate(&book, &after_text);
        compare(&before, &after, true, &format!("{}\n{after_text}", show(&files)))?;
    }

    #[test]
    fn removing_a_link_never_raises_a_status(seed in any::<u64>(), which in any::<usize>()) {
        let case = gen_case(seed, false);
        if case.links.is_empty() {
            return Ok(());
        }
        let files = case.files(&PLAIN, &case.links);
        let book = load(&files);
        let mut fewer = case.links.clone();
        fewer.remove(which % case.links.len());
        let fewer_files = case.files(&PLAIN, &fewer);
        let fewer_book = load(&fewer_files);
        let text = case.inventory(&PLAIN, &case.items, &case.assessments);
        let before = evaluate(&book, &text);
        let after = evaluate(&fewer_book, &text);
        compare(&before, &after, false, &format!("{}\n---- without one link:\n{}\n{text}", show(&files), show(&fewer_files)))?;
    }

    #[test]
    fn statuses_do_not_depend_on_order(seed in any::<u64>(), shuffle in any::<u64>()) {
        let case = gen_case(seed, true);
        let mut rng = Rng(shuffle);
        let files = case.files(&PLAIN, &case.links);
        let text = case.inventory(&PLAIN, &case.items, &case.assessments);
        let reference = evaluate(&load(&files), &text);

        let mut links = case.links.clone();
        rng.shuffle(&mut links);
        let mut shuffled_files = case.files(&PLAIN, &links);
        rng.shuffle(&mut shuffled_files);
        let mut items = case.items.clone();
        rng.shuffle(&mut items);
        let mut assessments = case.assessments.clone();
        rng.shuffle(&mut assessments);
        let shuffled_text = case.inventory(&PLAIN, &items, &assessments);
        let shuffled = evaluate(&load(&shuffled_files), &shuffled_text);
        prop_assert_eq!(
            outcomes(&reference),
            outcomes(&shuffled),
            "\n{}\n{}\n---- shuffled:\n{}\n{}",
            show(&files),
            text,
            show(&shuffled_files),
            shuffled_text
        );
        prop_assert_eq!(reference.contradictions.len(), shuffled.contradictions.len());
    }

    #[test]
    fn whole_reports_do_not_depend_on_order(seed in any::<u64>(), shuffle in any::<u64>()) {
        let case = gen_case(seed, true);
        let mut rng = Rng(shuffle);
        let files = case.files(&PLAIN, &case.links);
        let text = case.inventory(&PLAIN, &case.items, &case.assessments);
        let reference = evaluate(&load(&files), &text);
        let mut links = case.links.clone();
        rng.shuffle(&mut links);
        let mut shuffled_files = case.files(&PLAIN, &links);
        rng.shuffle(&mut shuffled_files);
        let mut items = case.items.clone();
        rng.shuffle(&mut items);
        let shuffled = evaluate(&load(&shuffled_files), &case.inventory(&PLAIN, &items, &case.assessments));
        // Proofs name files and lines, which move with the files: compare
        // the reports without them.
        let strip = |r: &Report| {
            let mut v = serde_json::to_value(r).unwrap();
            for c in v["clauses"].as_array_mut().unwrap() {
                c.as_object_mut().unwrap().remove("proof");
            }
            for c in v["contradictions"].as_array_mut().unwrap() {
                c.as_object_mut().unwrap().remove("proof");
            }
            serde_json::to_string_pretty(&v).unwrap()
        };
        prop_assert_eq!(strip(&reference), strip(&shuffled), "\n{}\n{}\n---- shuffled:\n{}", show(&files), text, show(&shuffled_files));
    }

    #[test]
    fn met_by_mapping_only_through_an_entailed_subset(seed in any::<u64>()) {
        let case = gen_case(seed, true);
        let files = case.files(&PLAIN, &case.links);
        let book = load(&files);
        let text = case.inventory(&PLAIN, &case.items, &case.assessments);
        let report = evaluate(&book, &text);
        let context = format!("{}\n{text}", show(&files));
        let idx = |key: &str| book.clause_by_key(key).unwrap();
        let by_key: BTreeMap<&str, _> = report.clauses.iter().map(|c| (c.clause.as_str(), c)).collect();
        let own = |b: Basis| matches!(b, Basis::Evidence | Basis::Assessment | Basis::SubClauses);
        for c in &report.clauses {
            if c.basis != Basis::Mapping {
                continue;
            }
            let via = c.via.as_deref().unwrap_or_else(|| panic!("{} by mapping without via", c.clause));
            prop_assert_eq!(by_key[via].status, Status::Met, "{} carried from {} which is not met\n{}", c.clause, via, context);
            prop_assert!(!c.proof.is_empty(), "{} carried without proof", c.clause);
            if c.status == Status::Met {
                prop_assert!(
                    book.network.entails_subset(idx(&c.clause), idx(via)).is_some(),
                    "{} met via {} without entailed ⊆\n{}", c.clause, via, context
                );
                let grounded = report.clauses.iter().any(|d| {
                    d.status == Status::Met
                        && own(d.basis)
                        && book.network.entails_subset(idx(&c.clause), idx(&d.clause)).is_some()
                });
                prop_assert!(grounded, "{} met by mapping, but no clause met on its own basis contains it\n{}", c.clause, context);
            } else {
                prop_assert_eq!(c.status, Status::Partial);
                prop_assert!(
                    book.network.entails_overlap(idx(&c.clause), idx(via)).is_some(),
                    "{} partial via {} without entailed overlap\n{}", c.clause, via, context
                );
            }
        }
        // Findings: nothing entailed to contain a clause found not met is met.
        for (x, s) in &case.assessments {
            if *s != "not-met" {
                continue;
            }
            let xk = case.key(&PLAIN, *x);
            if by_key[xk.as_str()].status == Status::NotApplicable {
                continue;
            }
            for c in &report.clauses {
                if c.clause != xk && book.network.entails_subset(idx(&xk), idx(&c.clause)).is_some() {
                    prop_assert_ne!(c.status, Status::Met, "{} is met but contains {} found not met\n{}", c.clause, xk, context);
                }
            }
        }
    }

    #[test]
    fn statuses_do_not_depend_on_referential_names(seed in any::<u64>()) {
        let case = gen_case(seed, true);
        let files = case.files(&PLAIN, &case.links);
        let text = case.inventory(&PLAIN, &case.items, &case.assessments);
        let plain = evaluate(&load(&files), &text);
        let renamed_files = case.files(&REVERSED, &case.links);
        let renamed_text = case.inventory(&REVERSED, &case.items, &case.assessments);
        let renamed = evaluate(&load(&renamed_files), &renamed_text);
        let back: BTreeMap<String, Status> = statuses(&renamed)
            .into_iter()
            .map(|(k, s)| {
                let (r, id) = k.split_once(':').unwrap();
                let i = REVERSED.names.iter().position(|n| *n == r).unwrap();
                (format!("{}:{id}", PLAIN.names[i]), s)
            })
            .collect();
        prop_assert_eq!(statuses(&plain), back, "\n{}\n{}", show(&files), text);
    }
}

/// The report of `inventory` by an evaluator restricted to `ids`.
fn evaluate_scoped(evaluator: &Evaluator<'_>, book: &Rulebook, inventory: &str) -> Report {
    let inv = refmap::internal::inventory::load(book, "generated.yaml", inventory)
        .unwrap_or_else(|e| panic!("generated inventory refused:\n{e}\n{inventory}"));
    evaluator.evaluate(&inv, date(AS_OF))
}

proptest! {
    #![proptest_config(config())]

    /// An evaluator restricted to some referentials reports exactly what
    /// a whole evaluation trimmed to them reports (statuses, bases,
    /// evidence, proofs, missing parts, counts, contradictions), whatever
    /// it evaluated before on the same thread.
    #[test]
    fn scoped_reports_equal_trimmed_whole_reports(seed in any::<u64>(), pick in any::<u64>()) {
        let case = gen_case(seed, true);
        let files = case.files(&PLAIN, &case.links);
        let book = load(&files);
        let text = case.inventory(&PLAIN, &case.items, &case.assessments);
        // A second inventory with about half the evidence and assessments
        // and another profile, so that the scratch kept between
        // inventories holds other states.
        let mut rng = Rng(pick);
        let items: Vec<_> = case.items.iter().filter(|_| rng.chance(50)).cloned().collect();
        let assessments: Vec<_> = case.assessments.iter().filter(|_| rng.chance(50)).cloned().collect();
        let mut varied = case.clone();
        varied.modalities = [["CT", "MR"].as_slice(), &["MR"], &["CT"], &[]][rng.below(4)].to_vec();
        let other = varied.inventory(&PLAIN, &items, &assessments);
        let mut ids: Vec<String> = book.referentials.iter().map(|r| r.id.clone()).collect();
        ids.sort();
        let mut scopes: Vec<Vec<String>> = ids.iter().map(|id| vec![id.clone()]).collect();
        scopes.push(ids.iter().filter(|_| rng.chance(50)).cloned().collect::<Vec<_>>());
        for inventory in [&text, &other] {
            let whole = evaluate(&book, inventory);
            for scope in scopes.iter().filter(|s| !s.is_empty()) {
                let mut trimmed = whole.clone();
                trimmed.keep_referentials(scope);
                let evaluator = Evaluator::for_referentials(&book, scope);
                // Another inventory first, then this one, on this thread.
                let _ = evaluate_scoped(&evaluator, &book, if inventory == &text { &other } else { &text });
                let scoped = evaluate_scoped(&evaluator, &book, inventory);
                prop_assert_eq!(
                    serde_json::to_string_pretty(&trimmed).unwrap(),
                    serde_json::to_string_pretty(&scoped).unwrap(),
                    "scope {:?}\n{}\n{}",
                    scope,
                    show(&files),
                    inventory
                );
            }
        }
    }
}
