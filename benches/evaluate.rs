//! Benchmarks of evaluation against the shipped rules (issue 4).
//!
//! The generator ([`workload`]) draws evidence items over the shipped
//! evidence types, respecting each declared field's type; text fields take
//! their values from the words quoted in the shipped rules, so `where`
//! conditions match some of the time. Three measures:
//!
//! - `evaluate/big`: one inventory of 10,000 evidence items;
//! - `evaluate/batch-1000`: 1,000 small inventories (10–60 items, a few
//!   assessments each) through `refmap::internal::batch::evaluate_all`;
//! - `evaluate/yaml-load+evaluate`: one small inventory from YAML text
//!   (strict loading) to its report.
//!
//! Before the criterion groups a summary line prints the per-inventory
//! times of one pass over the workload; `-- --test` prints it and runs each
//! benchmark once.

#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmark code: a failure aborts the benchmark"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use refmap::internal::evaluate::{Detail, Evaluator};
use refmap::internal::inventory::Inventory;
use refmap::internal::load::{self, Options};
use refmap::internal::model::Rulebook;

/// The synthetic inventory generator.
mod workload {
    use std::collections::BTreeMap;

    use refmap::internal::date::Date;
    use refmap::internal::inventory::{Assessment, EvidenceItem, Fact, Inventory};
    use refmap::internal::model::{Rulebook, ValueType};
    use refmap::internal::syntax::ast::{FieldType, Status};

    /// SplitMix64, so every run measures the same workload.
    pub struct Rng(pub u64);

    impl Rng {
        pub fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        pub fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
        pub fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }
    }

    /// The evaluation date of the workload.
    pub fn as_of() -> Date {
        "2026-11-01".parse().unwrap()
    }

    /// Words quoted in the rules (`"CT"`, `"justification"`, …): the values
    /// `where` conditions compare text fields with.
    pub fn vocabulary(book: &Rulebook) -> Vec<String> {
        let mut words = std::collections::BTreeSet::new();
        for (_, file) in book.sources.iter() {
            let text = file.text();
            let mut parts = text.split('"');
            parts.next();
            while let (Some(inside), Some(_)) = (parts.next(), parts.next()) {
                if !inside.is_empty()
                    && inside.len() <= 40
                    && inside
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    words.insert(inside.to_string());
                }
            }
        }
        words.into_iter().collect()
    }

    fn date(rng: &mut Rng) -> Date {
        // Three years before the evaluation date, and a few days after.
        let base = as_of().to_days();
        Date::from_days(base - 1_100 + rng.below(1_110) as i64).unwrap()
    }

    /// A value of a declared type; a closed set's texts are drawn from it
    /// (with as many draws as from the vocabulary, so the rest of the
    /// workload stays the same).
    fn value(rng: &mut Rng, vt: &ValueType, words: &[String]) -> Fact {
        let word = |rng: &mut Rng| match &vt.one_of {
            Some(set) => set[rng.below(set.len())].clone(),
            None => words[rng.below(words.len())].clone(),
        };
        match vt.ty {
            FieldType::Text => Fact::Text(word(rng)),
            FieldType::Number => Fact::Number(rng.below(500) as f64),
            FieldType::Bool => Fact::Bool(rng.chance(70)),
            FieldType::Date => Fact::Date(date(rng)),
            FieldType::List => Fact::List(
                (0..1 + rng.below(3))
                    .map(|_| Fact::Text(word(rng)))
                    .collect(),
            ),
        }
    }

    /// One evidence item of a random shipped type with typed fields.
    pub fn item(rng: &mut Rng, book: &Rulebook, words: &[String], id: String) -> EvidenceItem {
        let ty = &book.evidence_types[rng.below(book.evidence_types.len())];
        let dated = ty.valid.is_some() || rng.chance(80);
        let mut fields = BTreeMap::new();
        for (name, ft) in &ty.fields {
            if rng.chance(85) {
                fields.insert(name.clone(), value(rng, ft, words));
            }
        }
        EvidenceItem {
            id,
            ty: ty.name.clone(),
            date: dated.then(|| date(rng)),
            expires: None,
            fields,
            reference: None,
        }
    }

    /// An inventory of `items` evidence items and `assessments` verdicts.
    pub fn inventory(
        rng: &mut Rng,
        book: &Rulebook,
        words: &[String],
        site: String,
        items: usize,
        assessments: usize,
    ) -> Inventory {
        let mut profile = BTreeMap::new();
        let modalities = ["CT", "MR", "US", "MG", "NM", "XR"];
        profile.insert(
            "modalities".to_string(),
            Fact::List(
                modalities
                    .iter()
                    .filter(|_| rng.chance(50))
                    .map(|m| Fact::Text((*m).to_string()))
                    .collect(),
            ),
        );
        for flag in ["teleradiology", "team_accreditation", "poct", "ai_tools"] {
            profile.insert(flag.to_string(), Fact::Bool(rng.chance(40)));
        }
        let statuses = [Status::Met, Status::Met, Status::Partial, Status::NotMet];
        Inventory {
            site,
            as_of: Some(as_of()),
            profile,
            evidence: (0..items)
                .map(|i| item(rng, book, words, format!("EV-{i:05}")))
                .collect(),
            assessments: (0..assessments)
                .map(|_| Assessment {
                    clause: refmap::internal::mapper::ClauseIdx(
                        rng.below(book.clauses.len()) as u32
                    ),
                    status: statuses[rng.below(statuses.len())],
                    by: Some("Audit".into()),
                })
                .collect(),
        }
    }

    /// The inventory as YAML, as a site would write it.
    pub fn yaml(book: &Rulebook, inv: &Inventory) -> String {
        fn fact(f: &Fact) -> String {
            match f {
                Fact::Text(s) => format!("\"{s}\""),
                Fact::Number(n) => format!("{n}"),
                Fact::Date(d) => d.to_string(),
                Fact::Bool(b) => b.to_string(),
                Fact::List(items) => {
                    format!(
                        "[{}]",
                        items.iter().map(fact).collect::<Vec<_>>().join(", ")
                    )
                }
            }
        }
        let mut out = format!("site: \"{}\"\nas_of: {}\nprofile:\n", inv.site, as_of());
        for (k, v) in &inv.profile {
            out.push_str(&format!("  {k}: {}\n", fact(v)));
        }
        out.push_str("evidence:\n");
        for e in &inv.evidence {
            out.push_str(&format!("  - id: {}\n    type: {}\n", e.id, e.ty));
            if let Some(d) = e.date {
                out.push_str(&format!("    date: {d}\n"));
            }
            let fields: Vec<String> = e
                .fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", fact(v)))
                .collect();
            out.push_str(&format!("    fields: {{ {} }}\n", fields.join(", ")));
        }
        out.push_str("assessments:\n");
        for a in &inv.assessments {
            out.push_str(&format!(
                "  - {{ clause: \"{}\", status: {}, by: Audit }}\n",
                book.key(a.clause),
                a.status
            ));
        }
        out
    }
}

fn shipped() -> Rulebook {
    let loaded = load::shipped(Options::default());
    assert!(!loaded.has_errors(), "the shipped rules have errors");
    loaded.rulebook
}

struct Workload {
    big: Inventory,
    small: Vec<Inventory>,
    small_yaml: Vec<String>,
}

fn workload(book: &Rulebook) -> Workload {
    let words = workload::vocabulary(book);
    let mut rng = workload::Rng(0x5EED);
    let big = workload::inventory(&mut rng, book, &words, "Big site".into(), 10_000, 20);
    let small: Vec<Inventory> = (0..1_000)
        .map(|i| {
            let items = 10 + rng.below(51);
            let assessments = rng.below(4);
            workload::inventory(
                &mut rng,
                book,
                &words,
                format!("Site {i:04}"),
                items,
                assessments,
            )
        })
        .collect();
    let small_yaml = small.iter().map(|inv| workload::yaml(book, inv)).collect();
    Workload {
        big,
        small,
        small_yaml,
    }
}

fn per(d: Duration, n: usize) -> String {
    let us = d.as_secs_f64() * 1e6 / n as f64;
    if us >= 1_000.0 {
        format!("{:.2} ms", us / 1_000.0)
    } else {
        format!("{us:.0} µs")
    }
}

/// One timed pass over the workload, printed for the README.
fn summary(book: &Rulebook, w: &Workload) {
    let t = Instant::now();
    let evaluator = Evaluator::new(book);
    let setup = t.elapsed();
    let t = Instant::now();
    let report = evaluator.evaluate(&w.big, workload::as_of());
    let big = t.elapsed();
    let used: usize = report.clauses.iter().map(|c| c.evidence.len()).sum();
    let t = Instant::now();
    let reports = refmap::internal::batch::evaluate_all(
        &evaluator,
        &w.small,
        None,
        workload::as_of(),
        Detail::Full,
        |_| {},
    );
    let batch = t.elapsed();
    assert_eq!(reports.len(), w.small.len());
    let mut scratch = evaluator.scratch();
    let t = Instant::now();
    for (i, text) in w.small_yaml.iter().enumerate() {
        let inv = refmap::internal::inventory::load(book, "site.yaml", text)
            .unwrap_or_else(|e| panic!("generated inventory {i} refused:\n{e}"));
        black_box(evaluator.evaluate_with(&inv, workload::as_of(), Detail::Full, &mut scratch));
    }
    let yaml = t.elapsed();
    let t = Instant::now();
    for inv in &w.small {
        black_box(evaluator.evaluate_with(inv, workload::as_of(), Detail::Full, &mut scratch));
    }
    let sequential = t.elapsed();
    let met = |r: &refmap::internal::evaluate::Report| {
        r.clauses
            .iter()
            .filter(|c| c.status == refmap::internal::syntax::ast::Status::Met)
            .count()
    };
    let small_met: usize = reports.iter().map(met).sum();
    println!(
        "evaluate summary: {} clauses, {} evidence types, {} links; Evaluator::new {}; \
         big (10,000 items): {} ({} of {} clauses met, {} evidence uses); \
         batch of 1,000 (avg {} items): {} total, {} per inventory on {} core(s) ({} per inventory sequentially; {:.1} met clauses per site); \
         YAML load+evaluate: {} per inventory",
        book.clauses.len(),
        book.evidence_types.len(),
        book.links.len(),
        per(setup, 1),
        per(big, 1),
        met(&report),
        report.clauses.len(),
        used,
        w.small.iter().map(|i| i.evidence.len()).sum::<usize>() / w.small.len(),
        per(batch, 1),
        per(batch, w.small.len()),
        std::thread::available_parallelism().map_or(1, usize::from),
        per(sequential, w.small.len()),
        small_met as f64 / w.small.len() as f64,
        per(yaml, w.small.len()),
    );
}

fn benches(c: &mut Criterion) {
    let book = shipped();
    let w = workload(&book);
    summary(&book, &w);
    let evaluator = Evaluator::new(&book);
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    let mut scratch = evaluator.scratch();
    group.bench_function("big", |b| {
        b.iter(|| {
            black_box(evaluator.evaluate_with(
                black_box(&w.big),
                workload::as_of(),
                Detail::Full,
                &mut scratch,
            ))
        })
    });
    group.bench_function("batch-1000", |b| {
        b.iter(|| {
            black_box(refmap::internal::batch::evaluate_all(
                &evaluator,
                black_box(&w.small),
                None,
                workload::as_of(),
                Detail::Full,
                |_| {},
            ))
        })
    });
    group.sample_size(50);
    let mut i = 0;
    group.bench_function("yaml-load+evaluate", |b| {
        b.iter(|| {
            i = (i + 1) % w.small_yaml.len();
            let inv =
                refmap::internal::inventory::load(&book, "site.yaml", &w.small_yaml[i]).unwrap();
            black_box(evaluator.evaluate_with(&inv, workload::as_of(), Detail::Full, &mut scratch))
        })
    });
    group.bench_function("evaluator-new", |b| {
        b.iter(|| black_box(Evaluator::new(&book)))
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
