//! A literal reference implementation of DESIGN §4, compared with the
//! engine on generated rulebooks and inventories.
//!
//! The reference is written from the text of §4, slowly and plainly: it
//! reads the generated case itself (not the model's resolved rules), asks
//! the library only the mapper's public `relation` answers (what is
//! entailed between two clauses), and computes the least fixpoint by naive
//! iteration: every clause's status from the previous round's statuses,
//! until nothing changes. Where §4 is silent it follows the documented
//! readings of the engine: a sub-clause of an inapplicable clause is
//! inapplicable; a condition that needs a missing fact neither holds nor
//! fails (an `applies if` then applies); a group is unknown rather than
//! not-met when a part is unknown; sub-clauses none of which applies make
//! their parent not applicable; a carry-over applies where it raises the
//! status; the contradiction reported for a capped clause names the first
//! finding by clause key.
//!
//! Cases: a hidden set model (each clause a non-empty set of obligations,
//! a sub-clause a subset of its parent) gives links of all five relations
//! that are consistent by construction. Rules use `all`, `any`, `at least`,
//! `not` (over evidence only: `not` over a clause would make the rules
//! non-monotone, and then no least fixpoint need exist), `evidence` with
//! `where`, `within` and `count`, `clause X` (of earlier referentials, so
//! no cycle) and `attested`; inventories hold items, assessments (`not-met`
//! included) and a profile for `applies if`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;

use proptest::prelude::*;
use refmap::internal::date::{Date, Duration, DurationUnit};
use refmap::internal::evaluate::{Basis, Evaluator};
use refmap::internal::load::{front_end, Options};
use refmap::internal::mapper::ClauseIdx;
use refmap::internal::model::Rulebook;
use refmap::internal::source::SourceMap;
use refmap::internal::vocab::{Relation, RelationSet, Status};

// ------------------------------------------------------------- the case

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
}

const REFS: [&str; 3] = ["ALPHA", "BETA", "GAMMA"];
/// Evidence types: name, validity in months, declaration body.
const TYPES: [(&str, Option<u32>, &str); 4] = [
    ("e0", Some(12), "valid 12 months"),
    ("e1", Some(1), "valid 1 month"),
    ("e2", None, "field n: number field k: text"),
    ("e3", None, ""),
];
/// `where` conditions on `e2` items (fields `n`, `k`).
const WHERES: [&str; 5] = [
    "n >= 3",
    "k in [\"x\", \"y\"]",
    "k == \"x\" or n < 2",
    "n == 4 and k != \"z\"",
    "not (n >= 2)",
];
/// `applies if` conditions on the profile (`modalities`, maybe `beds`).
const APPLIES: [&str; 3] = [
    "modalities contains \"MR\"",
    "not (modalities contains \"CT\")",
    "beds >= 10",
];
const AS_OF: &str = "2026-06-15";

struct Clause {
    referential: usize,
    id: String,
    set: u8,
    parent: Option<usize>,
    applies: Option<usize>,
    requires: Option<Expr>,
}

enum Expr {
    Evidence {
        ty: usize,
        where_: Option<usize>,
        within: Option<u32>,
        count: u32,
    },
    Clause(usize),
    Attested,
    All(Vec<Expr>),
    Any(Vec<Expr>),
    AtLeast(usize, Vec<Expr>),
    Not(Box<Expr>),
}

struct Item {
    ty: usize,
    date: Option<i64>,
    expires: Option<i64>,
    n: Option<u32>,
    k: Option<&'static str>,
}

struct Case {
    referentials: usize,
    clauses: Vec<Clause>,
    links: Vec<(usize, &'static str, usize)>,
    items: Vec<Item>,
    assessments: Vec<(usize, Status)>,
    modalities: Vec<&'static str>,
    beds: Option<u32>,
}

fn gen_expr(rng: &mut Rng, depth: usize, earlier: &[usize], clauses_ok: bool) -> Expr {
    let roll = rng.below(100);
    if depth > 0 && roll < 30 {
        let n = 2 + rng.below(2);
        let parts = (0..n)
            .map(|_| gen_expr(rng, depth - 1, earlier, clauses_ok))
            .collect();
        return match rng.below(3) {
            0 => Expr::All(parts),
            1 => Expr::Any(parts),
            _ => Expr::AtLeast(1 + rng.below(n), parts),
        };
    }
    if depth > 0 && roll < 38 {
        return Expr::Not(Box::new(gen_expr(rng, depth - 1, earlier, false)));
    }
    if clauses_ok && !earlier.is_empty() && roll < 55 {
        return Expr::Clause(earlier[rng.below(earlier.len())]);
    }
    if roll < 58 {
        return Expr::Attested;
    }
    let ty = rng.below(TYPES.len());
    Expr::Evidence {
        ty,
        where_: (ty == 2 && rng.chance(60)).then(|| rng.below(WHERES.len())),
        within: rng.chance(25).then(|| [1, 6, 12][rng.below(3)]),
        count: if rng.chance(20) {
            2 + rng.below(2) as u32
        } else {
            1
        },
    }
}

fn nonempty_subset(rng: &mut Rng, of: u8) -> u8 {
    let s = (rng.next() as u8) & of;
    if s != 0 {
        s
    } else {
        of & of.wrapping_neg()
    }
}

fn relation_of(a: u8, b: u8) -> &'static str {
    if a == b {
        "equals"
    } else if a & b == a {
        "subset-of"
    } else if a & b == b {
        "superset-of"
    } else if a & b == 0 {
        "disjoint"
    } else {
        "intersects"
    }
}

fn gen_case(seed: u64) -> Case {
    let mut rng = Rng(seed);
    let referentials = 2 + rng.below(2);
    let mut clauses: Vec<Clause> = Vec::new();
    for r in 0..referentials {
        let earlier: Vec<usize> = (0..clauses.len()).collect();
        let first = clauses.len();
        for t in 1..=1 + rng.below(3) {
            let top = clauses.len();
            let set = 1 + (rng.next() % 63) as u8;
            let new = |id: String, set, parent| Clause {
                referential: r,
                id,
                set,
                parent,
                applies: None,
                requires: None,
            };
            clauses.push(new(t.to_string(), set, None));
            for c in 1..=rng.below(3) {
                let child = clauses.len();
                clauses.push(new(
                    format!("{t}.{c}"),
                    nonempty_subset(&mut rng, set),
                    Some(top),
                ));
                if rng.chance(30) {
                    let s = nonempty_subset(&mut rng, clauses[child].set);
                    clauses.push(new(format!("{t}.{c}.1"), s, Some(child)));
                }
            }
        }
        for c in first..clauses.len() {
            let has_children = clauses.iter().any(|x| x.parent == Some(c));
            if rng.chance(if has_children { 25 } else { 65 }) {
                clauses[c].requires = Some(gen_expr(&mut rng, 2, &earlier, true));
            }
            if rng.chance(12) {
                clauses[c].applies = Some(rng.below(APPLIES.len()));
            }
        }
    }
    let mut links = Vec::new();
    let mut pairs = BTreeSet::new();
    for _ in 0..rng.below(24) {
        let (a, b) = (rng.below(clauses.len()), rng.below(clauses.len()));
        if clauses[a].referential != clauses[b].referential && pairs.insert((a.min(b), a.max(b))) {
            links.push((a, relation_of(clauses[a].set, clauses[b].set), b));
        }
    }
    let items = (0..rng.below(10))
        .map(|_| {
            let ty = rng.below(TYPES.len());
            // Days from 2025-01-01; AS_OF is day 530.
            let date = (ty < 2 || rng.chance(70)).then(|| rng.below(600) as i64);
            Item {
                ty,
                date,
                expires: date
                    .filter(|_| rng.chance(15))
                    .map(|d| d + 1 + rng.below(400) as i64),
                n: (ty == 2 && rng.chance(80)).then(|| rng.below(6) as u32),
                k: (ty == 2 && rng.chance(80)).then(|| ["x", "y", "z"][rng.below(3)]),
            }
        })
        .collect();
    let statuses = [
        Status::Met,
        Status::Partial,
        Status::NotMet,
        Status::Unknown,
        Status::NotMet,
        Status::NotMet,
    ];
    let mut assessments: Vec<(usize, Status)> = Vec::new();
    for _ in 0..1 + rng.below(5) {
        let c = rng.below(clauses.len());
        if assessments.iter().all(|(x, _)| *x != c) {
            assessments.push((c, statuses[rng.below(statuses.len())]));
        }
    }
    let modalities = [&["CT", "MR"][..], &["MR"], &["CT"], &[]][rng.below(4)].to_vec();
    let beds = rng.chance(50).then(|| [5, 20][rng.below(2)]);
    Case {
        referentials,
        clauses,
        links,
        items,
        assessments,
        modalities,
        beds,
    }
}

// ----------------------------------------------------------- as text

impl Case {
    fn key(&self, c: usize) -> String {
        format!(
            "{}:{}",
            REFS[self.clauses[c].referential], self.clauses[c].id
        )
    }

    fn expr(&self, e: &Expr) -> String {
        let list = |p: &[Expr]| p.iter().map(|x| self.expr(x)).collect::<Vec<_>>().join(" ");
        match e {
            Expr::Evidence {
                ty,
                where_,
                within,
                count,
            } => {
                let mut s = format!("evidence {}", TYPES[*ty].0);
                if let Some(w) = where_ {
                    s.push_str(&format!(" where {}", WHERES[*w]));
                }
                if let Some(m) = within {
                    s.push_str(&format!(" within {m} months"));
                }
                if *count > 1 {
                    s.push_str(&format!(" count >= {count}"));
                }
                s
            }
            Expr::Clause(c) => format!("clause {}", self.key(*c)),
            Expr::Attested => "attested".into(),
            Expr::All(p) => format!("all {{ {} }}", list(p)),
            Expr::Any(p) => format!("any {{ {} }}", list(p)),
            Expr::AtLeast(n, p) => format!("at least {n} of {{ {} }}", list(p)),
            Expr::Not(x) => format!("not {}", self.expr(x)),
        }
    }

    fn clause_text(&self, c: usize, out: &mut String) {
        let k = &self.clauses[c];
        out.push_str(&format!("clause {} \"c{c}\" {{\n", k.id));
        if let Some(a) = k.applies {
            out.push_str(&format!("applies if {}\n", APPLIES[a]));
        }
        if let Some(e) = &k.requires {
            out.push_str(&format!("requires {}\n", self.expr(e)));
        }
        for sub in (0..self.clauses.len()).filter(|x| self.clauses[*x].parent == Some(c)) {
            self.clause_text(sub, out);
        }
        out.push_str("}\n");
    }

    fn rules(&self) -> String {
        let mut text = String::new();
        for (name, _, body) in TYPES {
            text.push_str(&format!("evidence {name} \"{name}\" {{ {body} }}\n"));
        }
        for (r, name) in REFS.iter().enumerate().take(self.referentials) {
            text.push_str(&format!("referential {name} \"r{r}\" {{\n"));
            for c in 0..self.clauses.len() {
                if self.clauses[c].referential == r && self.clauses[c].parent.is_none() {
                    self.clause_text(c, &mut text);
                }
            }
            text.push_str("}\n");
        }
        text.push_str("mapping \"m\" {\n");
        for (a, rel, b) in &self.links {
            text.push_str(&format!("  {} {rel} {}\n", self.key(*a), self.key(*b)));
        }
        text + "}\n"
    }

    fn inventory(&self) -> String {
        let mut text = format!(
            "site: generated\nprofile: {{ modalities: [{}]",
            self.modalities.join(", ")
        );
        if let Some(b) = self.beds {
            text.push_str(&format!(", beds: {b}"));
        }
        text.push_str(" }\nevidence:\n  []\n");
        if !self.items.is_empty() {
            text = text.replace("evidence:\n  []\n", "evidence:\n");
        }
        for (i, it) in self.items.iter().enumerate() {
            text.push_str(&format!("  - id: I{i}\n    type: {}\n", TYPES[it.ty].0));
            if let Some(d) = it.date {
                text.push_str(&format!("    date: {}\n", day(d)));
            }
            if let Some(e) = it.expires {
                text.push_str(&format!("    expires: {}\n", day(e)));
            }
            let n = it.n.map(|n| format!("n: {n}"));
            let k = it.k.map(|k| format!("k: {k}"));
            let fields: Vec<String> = n.into_iter().chain(k).collect();
            text.push_str(&format!("    fields: {{ {} }}\n", fields.join(", ")));
        }
        text.push_str("assessments:\n");
        if self.assessments.is_empty() {
            text.push_str("  []\n");
        }
        for (c, s) in &self.assessments {
            text.push_str(&format!(
                "  - {{ clause: \"{}\", status: {s}, by: prop }}\n",
                self.key(*c)
            ));
        }
        text
    }
}

fn day(d: i64) -> Date {
    Date::from_days("2025-01-01".parse::<Date>().unwrap().to_days() + d).unwrap()
}

fn months(amount: u32) -> Duration {
    Duration {
        amount,
        unit: DurationUnit::Month,
    }
}

// ------------------------------------------------------ the reference

/// Three-valued `or` and `and`: `None` when a fact is missing.
fn or3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    if a == Some(true) || b == Some(true) {
        Some(true)
    } else {
        a.and(b).map(|_| false)
    }
}
fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    if a == Some(false) || b == Some(false) {
        Some(false)
    } else {
        a.and(b).map(|_| true)
    }
}

fn matches(w: usize, it: &Item) -> Option<bool> {
    let (n, k) = (it.n.map(f64::from), it.k);
    match w {
        0 => n.map(|n| n >= 3.0),
        1 => k.map(|k| k == "x" || k == "y"),
        2 => or3(k.map(|k| k == "x"), n.map(|n| n < 2.0)),
        3 => and3(n.map(|n| n == 4.0), k.map(|k| k != "z")),
        _ => n.map(|n| n < 2.0),
    }
}

/// An item counts: dated no later than as-of, unexpired (its `expires`,
/// else its date plus the type's validity), within the window, matching.
fn counts(it: &Item, ty: usize, where_: Option<usize>, within: Option<u32>, as_of: Date) -> bool {
    let date = it.date.map(day);
    let until = it
        .expires
        .map(day)
        .or_else(|| Some(date?.plus(months(TYPES[ty].1?))));
    it.ty == ty
        && date.is_none_or(|d| d <= as_of)
        && until.is_none_or(|u| as_of < u)
        && within.is_none_or(|m| date.is_some_and(|d| as_of < d.plus(months(m))))
        && where_.is_none_or(|w| matches(w, it) == Some(true))
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Met => 2,
        Status::Partial => 1,
        _ => 0,
    }
}

/// A group: met when enough parts are, else partial when some is met or
/// partial, else unknown when some is unknown, else not met.
fn group(enough: bool, parts: &[Status]) -> Status {
    if enough {
        Status::Met
    } else if parts.iter().any(|s| rank(*s) > 0) {
        Status::Partial
    } else if parts.contains(&Status::Unknown) {
        Status::Unknown
    } else {
        Status::NotMet
    }
}

fn rule(case: &Case, e: &Expr, st: &[(Status, Basis)], as_of: Date) -> Status {
    let all = |p: &[Expr]| {
        p.iter()
            .map(|x| rule(case, x, st, as_of))
            .collect::<Vec<_>>()
    };
    let met = |p: &[Status]| p.iter().filter(|s| **s == Status::Met).count();
    match e {
        Expr::Evidence {
            ty,
            where_,
            within,
            count,
        } => {
            let n = case
                .items
                .iter()
                .filter(|it| counts(it, *ty, *where_, *within, as_of))
                .count();
            match n {
                0 => Status::NotMet,
                n if n >= *count as usize => Status::Met,
                _ => Status::Partial,
            }
        }
        Expr::Clause(x) if st[*x].0 == Status::NotApplicable => Status::Met,
        Expr::Clause(x) => st[*x].0,
        Expr::Attested => Status::Unknown,
        Expr::All(p) => {
            let s = all(p);
            group(met(&s) == s.len(), &s)
        }
        Expr::Any(p) => {
            let s = all(p);
            group(met(&s) > 0, &s)
        }
        Expr::AtLeast(n, p) => {
            let s = all(p);
            group(met(&s) >= *n, &s)
        }
        Expr::Not(x) => match rule(case, x, st, as_of) {
            Status::Met => Status::NotMet,
            Status::NotMet => Status::Met,
            other => other,
        },
    }
}

/// Each clause's status and basis, and the contradictions as pairs
/// (finding, capped clause).
type Outcome = (Vec<(Status, Basis)>, BTreeSet<(String, String)>);

/// What §4 says of `case`, by the letter.
fn reference(case: &Case, book: &Rulebook) -> Outcome {
    let as_of: Date = AS_OF.parse().unwrap();
    let n = case.clauses.len();
    let idx: Vec<ClauseIdx> = (0..n)
        .map(|c| book.clause_by_key(&case.key(c)).unwrap())
        .collect();
    let within = |a: usize, b: usize| {
        let r = book.network.relation(idx[a], idx[b]).relations;
        (!r.is_empty(), r)
    };
    let contained = RelationSet::single(Relation::Equals).with(Relation::SubsetOf);
    // subset[a][b]: A ⊆ B entailed; overlap[a][b]: A ∩ B ≠ ∅ entailed, A ⊆ B not.
    let subset: Vec<Vec<bool>> = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| {
                    a != b && {
                        let (ok, r) = within(a, b);
                        ok && r.is_subset(contained)
                    }
                })
                .collect()
        })
        .collect();
    let overlap: Vec<Vec<bool>> = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| {
                    a != b && !subset[a][b] && {
                        let (ok, r) = within(a, b);
                        ok && !r.contains(Relation::Disjoint)
                    }
                })
                .collect()
        })
        .collect();
    let holds = |a: usize| match a {
        0 => Some(case.modalities.contains(&"MR")),
        1 => Some(!case.modalities.contains(&"CT")),
        _ => case.beds.map(|b| b >= 10),
    };
    let mut applicable = vec![true; n];
    for c in 0..n {
        // Parents come before their sub-clauses in the case.
        let parent_ok = case.clauses[c].parent.is_none_or(|p| applicable[p]);
        applicable[c] = parent_ok
            && case.clauses[c]
                .applies
                .is_none_or(|a| holds(a) != Some(false));
    }
    let assessed = |c: usize| {
        case.assessments
            .iter()
            .find(|(x, _)| *x == c)
            .map(|(_, s)| *s)
    };
    let findings: Vec<usize> = (0..n)
        .filter(|c| assessed(*c) == Some(Status::NotMet))
        .collect();
    let cap = |c: usize| {
        findings
            .iter()
            .copied()
            .filter(|x| subset[*x][c])
            .min_by_key(|x| case.key(*x))
    };
    // A clause's status from the others' (and whether the cap lowered it).
    let step = |c: usize, st: &[(Status, Basis)]| -> ((Status, Basis), bool) {
        if !applicable[c] {
            return ((Status::NotApplicable, Basis::None), false);
        }
        let children: Vec<usize> = (0..n)
            .filter(|k| case.clauses[*k].parent == Some(c) && applicable[*k])
            .collect();
        let has_children = (0..n).any(|k| case.clauses[k].parent == Some(c));
        let own = if let Some(s) = assessed(c) {
            (s, Basis::Assessment)
        } else if let Some(e) = &case.clauses[c].requires {
            (rule(case, e, st, as_of), Basis::Evidence)
        } else if has_children {
            let s: Vec<Status> = children.iter().map(|k| st[*k].0).collect();
            let status = if s.is_empty() {
                Status::NotApplicable
            } else if s.iter().all(|x| *x == Status::Met) {
                Status::Met
            } else if s.iter().any(|x| rank(*x) > 0) {
                Status::Partial
            } else {
                Status::Unknown
            };
            (status, Basis::SubClauses)
        } else {
            (Status::Unknown, Basis::None)
        };
        let met_from = |rel: &Vec<Vec<bool>>| (0..n).any(|b| rel[c][b] && st[b].0 == Status::Met);
        let carried = match own {
            (_, Basis::Assessment) | (Status::Met | Status::NotApplicable, _) => own,
            _ if met_from(&subset) => (Status::Met, Basis::Mapping),
            (s, _) if rank(s) == 0 && met_from(&overlap) => (Status::Partial, Basis::Mapping),
            _ => own,
        };
        match (carried, cap(c)) {
            ((Status::Met, basis), Some(_)) => ((Status::Partial, basis), true),
            _ => (carried, false),
        }
    };
    let mut st = vec![(Status::Unknown, Basis::None); n];
    for round in 0.. {
        let next: Vec<(Status, Basis)> = (0..n).map(|c| step(c, &st).0).collect();
        if next == st {
            break;
        }
        assert!(round < 10 * n + 10, "the naive iteration does not end");
        st = next;
    }
    let contradictions = (0..n)
        .filter(|c| step(*c, &st).1)
        .filter_map(|c| Some((case.key(cap(c)?), case.key(c))))
        .collect();
    (st, contradictions)
}

// ----------------------------------------------------------- property

fn check(seed: u64) -> Result<(), TestCaseError> {
    let case = gen_case(seed);
    let rules = case.rules();
    let mut sources = SourceMap::new();
    sources.add("case.rules".to_string(), rules.clone());
    let loaded = front_end(sources, Options::default());
    prop_assert!(
        !loaded.has_errors(),
        "rules refused: {:?}\n{rules}",
        loaded.diagnostics
    );
    let book = &loaded.rulebook;
    let inventory = case.inventory();
    let inv = refmap::internal::inventory::load(book, "case.yaml", &inventory).unwrap();
    let report = Evaluator::new(book).evaluate(&inv, AS_OF.parse().unwrap());
    let (statuses, contradictions) = reference(&case, book);
    for (c, want) in statuses.iter().enumerate() {
        let key = case.key(c);
        let got = report.clauses.iter().find(|r| r.clause == key).unwrap();
        prop_assert_eq!(
            (got.status, got.basis),
            *want,
            "clause {}\n{}\n{}",
            key,
            rules,
            inventory
        );
    }
    let got: BTreeSet<(String, String)> = report
        .contradictions
        .iter()
        .map(|k| (k.assessment.clause.clone(), k.clause.clone()))
        .collect();
    prop_assert_eq!(
        got,
        contradictions,
        "contradictions\n{}\n{}",
        rules,
        inventory
    );
    Ok(())
}

/// 256 cases by default; `PROPTEST_CASES` asks for more.
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
    fn the_engine_computes_what_section_4_says(seed in any::<u64>()) {
        check(seed)?;
    }
}
