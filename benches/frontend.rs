//! Front-end throughput: parse and parse+resolve of one generated `.rules`
//! file of at least 10 MB, with pest's own parse of the same text (the same
//! grammar compiled here, since `refmap::internal::syntax` keeps its parser private)
//! for comparison. Run with `cargo bench --bench frontend`; results in MB/s.
//!
//! The group `crosswalk` times the hand-written reader's share: a crosswalk
//! (plain referentials and mappings, the part that reader knows) parsed by
//! `syntax::parse` and by `syntax::parse_reference` (pest alone), once under
//! 2 MiB (one thread: the reader alone) and once at 10 MB (chunks too).
//!
//! The workload is consistent rules: referentials with nested clauses,
//! `requires` rules over typed evidence and over earlier clauses (no cycles),
//! evidence types, and mappings whose links cannot conflict — `subset-of`
//! from leaf clauses of one referential to distinct clauses of the next
//! (never back), and `intersects` only between referentials no `subset-of`
//! link touches.

#![expect(
    missing_docs,
    reason = "criterion_main! and pest_derive generate undocumented public items"
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pest::Parser as _;

use refmap::internal::load::{self, Options};
use refmap::internal::source::{FileId, SourceMap};
use refmap::internal::syntax;

// pest is built without `std` (see Cargo.toml): its generated parser names
// `alloc` from the crate root.
extern crate alloc;

/// The grammar of `refmap::internal::syntax`, compiled again to time pest alone.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/refmap.pest"]
struct PestOnly;

/// Smallest workload, in bytes.
const TARGET_BYTES: usize = 10 * 1024 * 1024;

/// Evidence types declared (and all required somewhere).
const EVIDENCE_TYPES: usize = 200;
/// Top-level clauses per referential; each has sub-clauses and those leaves.
const TOP: usize = 12;
const SUB: usize = 4;
const LEAF: usize = 3;

/// A small deterministic generator, so every run measures the same text.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const MODALITIES: [&str; 6] = ["CT", "MR", "US", "MG", "RX", "PET"];

fn modality(rng: &mut Lcg) -> &'static str {
    MODALITIES
        .get(rng.below(MODALITIES.len()))
        .copied()
        .unwrap_or("CT")
}

fn evidence_types(out: &mut String) {
    for e in 0..EVIDENCE_TYPES {
        let _ = writeln!(
            out,
            "// Evidence type {e}: what an auditor asks to see.\nevidence ev_{e} \"Evidence number {e}, with a title of a realistic length\" {{\n  valid {} months\n  field modality: text\n  field dose: number\n  field checked: bool\n  field signed_on: date\n  field tags: list\n}}\n",
            1 + e % 24
        );
    }
}

/// One requirement expression over evidence and, when there are any, earlier
/// clauses of the same referential (so `clause` requirements never cycle).
fn requirement(rng: &mut Lcg, earlier: &[String], indent: &str) -> String {
    let ev = |rng: &mut Lcg| format!("ev_{}", rng.below(EVIDENCE_TYPES));
    let m = modality(rng);
    let mut lines = vec![
        format!(
            "evidence {} where modality == \"{m}\" and dose <= {}.5 within 12 months",
            ev(rng),
            rng.below(100)
        ),
        format!(
            "evidence {} where tags contains \"urgent\" or modality in [\"CT\", \"MR\"] count >= 2",
            ev(rng)
        ),
        format!(
            "evidence {} where signed_on >= 2025-01-01 and not (checked == false)",
            ev(rng)
        ),
    ];
    if let Some(c) = earlier.get(rng.below(earlier.len().max(1))) {
        lines.push(format!("clause {c}"));
    }
    let inner: String = lines.iter().map(|l| format!("{indent}    {l}\n")).collect();
    format!(
        "{indent}requires all {{\n{indent}  any {{\n{inner}{indent}  }}\n{indent}  at least 1 of {{\n{indent}    evidence {} within 2 years\n{indent}    attested\n{indent}  }}\n{indent}}}\n",
        ev(rng)
    )
}

/// A referential; returns the keys of its leaf clauses and of all clauses.
fn referential(out: &mut String, rng: &mut Lcg, id: &str) -> (Vec<String>, Vec<String>) {
    let mut leaves = Vec::new();
    let mut all = Vec::new();
    let _ = writeln!(
        out,
        "referential {id} \"Referential {id}, generated for the benchmark\" {{\n  edition \"2026\"\n  publisher \"refmap bench\"\n  language \"fr\""
    );
    for t in 1..=TOP {
        let _ = writeln!(
            out,
            "  clause {t} \"Chapter {t} of {id}\" {{\n    summary \"What chapter {t} asks for\""
        );
        all.push(format!("{id}:{t}"));
        for s in 1..=SUB {
            let _ = writeln!(out, "    clause {t}.{s} \"Section {t}.{s}\" {{");
            all.push(format!("{id}:{t}.{s}"));
            for l in 1..=LEAF {
                let key = format!("{id}:{t}.{s}.{l}");
                let _ = writeln!(
                    out,
                    "      clause {t}.{s}.{l} \"Requirement {t}.{s}.{l}: keep records, review them, act on them\" {{\n        note \"Generated requirement with a note of a realistic length for quality manuals\"\n        applies if modalities contains \"{}\"",
                    modality(rng)
                );
                out.push_str(&requirement(rng, &leaves, "        "));
                out.push_str("      }\n");
                leaves.push(key.clone());
                all.push(key);
            }
            out.push_str("    }\n");
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n\n");
    (leaves, all)
}

/// The whole workload: a chain of referentials linked by `subset-of`, and
/// pairs of referentials linked only by `intersects`.
fn workload() -> String {
    let mut rng = Lcg(0x5eed);
    let mut out = String::with_capacity(TARGET_BYTES + TARGET_BYTES / 8);
    evidence_types(&mut out);
    let mut n = 0usize;
    let mut previous: Option<(String, Vec<String>)> = None;
    while out.len() < TARGET_BYTES {
        n += 1;
        // Even rounds: a `subset-of` chain; odd rounds: an `intersects` pair.
        let id = format!("CHAIN-{n}");
        let (leaves, all) = referential(&mut out, &mut rng, &id);
        if let Some((prev_id, prev_leaves)) = previous.take() {
            let _ = writeln!(out, "mapping \"{prev_id} ⊂ {id}\" {{\n  source \"bench\"");
            for (leaf, target) in prev_leaves.iter().zip(all.iter()) {
                let _ = writeln!(
                    out,
                    "  {leaf} subset-of {target} {{ strength {} rationale semantic note \"generated\" }}",
                    1 + rng.below(10)
                );
            }
            out.push_str("}\n\n");
        }
        previous = Some((id, leaves));

        let a = format!("ISLAND-A{n}");
        let b = format!("ISLAND-B{n}");
        let (a_leaves, _) = referential(&mut out, &mut rng, &a);
        let (b_leaves, _) = referential(&mut out, &mut rng, &b);
        let _ = writeln!(out, "mapping \"{a} ∩ {b}\" {{");
        for (x, y) in a_leaves.iter().zip(b_leaves.iter().rev()) {
            let _ = writeln!(out, "  {x} intersects {y} {{ rationale functional }}");
        }
        out.push_str("}\n\n");
    }
    out
}

/// A crosswalk of at least `bytes`: referentials whose clauses hold titles,
/// summaries, notes and sub-clauses, and mappings linking their leaves.
fn crosswalk(bytes: usize) -> String {
    let mut rng = Lcg(0xc055);
    let mut out = String::with_capacity(bytes + bytes / 8);
    let mut n = 0usize;
    let mut previous: Option<Vec<String>> = None;
    while out.len() < bytes {
        n += 1;
        let id = format!("STD-{n}");
        let _ = writeln!(
            out,
            "referential {id} \"Standard {n}\" {{\n  edition \"2026\""
        );
        let mut leaves = Vec::new();
        for t in 1..=TOP {
            let _ = writeln!(
                out,
                "  clause {t} \"Chapter {t}\" {{\n    summary \"What chapter {t} of {id} asks for\""
            );
            for s in 1..=SUB {
                let _ = writeln!(out, "    clause {t}.{s} \"Section {t}.{s}\" {{");
                for l in 1..=LEAF {
                    let _ = writeln!(
                        out,
                        "      clause {t}.{s}.{l} \"Requirement {t}.{s}.{l}: keep records\" {{\n        note \"A note of a realistic length for quality manuals\"\n      }}"
                    );
                    leaves.push(format!("{id}:{t}.{s}.{l}"));
                }
                out.push_str("    }\n");
            }
            out.push_str("  }\n");
        }
        out.push_str("}\n\n");
        if let Some(prev) = previous.take() {
            let _ = writeln!(out, "mapping \"{n}\" {{\n  source \"bench\"");
            for (a, b) in prev.iter().zip(leaves.iter()) {
                let rel = ["equals", "subset-of", "intersects"]
                    .get(rng.below(3))
                    .copied()
                    .unwrap_or("equals");
                let _ = writeln!(
                    out,
                    "  {a} {rel} {b} {{ strength {} rationale semantic note \"generated\" }}",
                    1 + rng.below(10)
                );
            }
            out.push_str("}\n\n");
        }
        previous = Some(leaves);
    }
    out
}

fn sources(text: &str) -> SourceMap {
    let mut sources = SourceMap::new();
    sources.add("bench.rules", text);
    sources
}

fn bench(c: &mut Criterion) {
    let text = workload();
    // The workload must be what it claims: valid and consistent.
    let loaded = load::front_end(sources(&text), Options::default());
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .take(3)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "the generated rules have errors: {errors:?}"
    );
    eprintln!(
        "workload: {:.1} MB, {} referentials, {} clauses, {} evidence types, {} links",
        text.len() as f64 / 1e6,
        loaded.rulebook.referentials.len(),
        loaded.rulebook.clauses.len(),
        loaded.rulebook.evidence_types.len(),
        loaded.rulebook.links.len()
    );
    drop(loaded);

    let mut group = c.benchmark_group("frontend");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(12))
        .throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("pest", |b| {
        b.iter(|| {
            let pairs = PestOnly::parse(Rule::file, black_box(&text));
            black_box(pairs.map(Iterator::count).unwrap_or(0))
        })
    });
    group.bench_function("syntax::parse", |b| {
        b.iter(|| black_box(syntax::parse(FileId(0), black_box(&text)).map(|f| f.items.len())))
    });
    group.bench_function("load::front_end", |b| {
        b.iter_with_large_drop(|| load::front_end(black_box(sources(&text)), Options::default()))
    });
    group.bench_function("syntax::parse_reference", |b| {
        b.iter(|| {
            black_box(syntax::parse_reference(FileId(0), black_box(&text)).map(|f| f.items.len()))
        })
    });
    group.finish();

    for (label, bytes) in [("1.9MB", 1_900_000), ("10MB", TARGET_BYTES)] {
        let text = crosswalk(bytes);
        assert!(syntax::parse(FileId(0), &text).is_ok());
        let mut group = c.benchmark_group(format!("crosswalk-{label}"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(6))
            .throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("syntax::parse", |b| {
            b.iter(|| black_box(syntax::parse(FileId(0), black_box(&text)).map(|f| f.items.len())))
        });
        group.bench_function("syntax::parse_reference", |b| {
            b.iter(|| {
                black_box(
                    syntax::parse_reference(FileId(0), black_box(&text)).map(|f| f.items.len()),
                )
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
