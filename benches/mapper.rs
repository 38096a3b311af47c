//! Benchmarks of the mapper on large synthetic networks.
//!
//! The generator ([`synthetic`]) draws consistent networks from a hidden set
//! model: every referential cuts one line of obligations into nested
//! intervals (clause trees of depth 4), and links join clauses of different
//! referentials around a shared point with their true relation. Two shapes:
//! *hub-and-spoke* (every referential maps to one hub referential) and
//! *mesh* (any referential to any other).
//!
//! Sizes: `REFMAP_BENCH_SIZE=small` (default: 10,000 clauses, 100,000
//! links), `large` (100,000 clauses, 1,000,000 links) or a clause count (ten
//! links per clause). Before the criterion groups, a summary prints build
//! time, heap size, peak memory, the median and 99th percentile of
//! `relation` over 10,000 pairs and of `related` and
//! `supersets_and_overlaps` over 1,000 clauses, and the time of
//! `redundant_links`.
//!
//! The group `lint/redundant` times `redundant_links` on the shapes of
//! issue 12 (the generator `benches/gen_shapes.py` writes them as rules): a
//! ring of `equals` links through `REFMAP_BENCH_SHAPE` clauses (default
//! 100,000; A:i equals B:i, B:i equals A:i+1, closing on A:0) and a chain of
//! `subset-of` links through as many; the plain algorithm
//! (`redundant_links_plain`, quadratic there) is timed once on a ring and a
//! chain a tenth that size for comparison. `cargo bench --bench mapper --
//! lint/` runs this group alone.

#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmark code: a failure aborts the benchmark"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use refmap::internal::mapper::{ClauseIdx, Network, NetworkInput};

/// The synthetic workload generator.
mod synthetic {
    use refmap::internal::mapper::{ClauseIdx, LinkInput, NetworkInput, Relation};

    /// How referentials map to each other.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Shape {
        /// Every referential maps to referential 0 (and the hub to all).
        HubAndSpoke,
        /// Any referential maps to any other.
        Mesh,
    }

    impl Shape {
        /// A short name for reports.
        pub fn name(self) -> &'static str {
            match self {
                Shape::HubAndSpoke => "hub",
                Shape::Mesh => "mesh",
            }
        }
    }

    /// A splitmix64 generator: deterministic, dependency-free.
    pub struct Rng(u64);

    impl Rng {
        /// A generator seeded with `seed`.
        pub fn new(seed: u64) -> Rng {
            Rng(seed)
        }

        /// The next 64 random bits.
        pub fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// A number in `0..n` (`n > 0`).
        pub fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Length of the line of obligations.
    const LINE: u64 = 1 << 40;
    /// Depth of every clause tree.
    const DEPTH: usize = 4;

    /// A generated network with its hidden model.
    pub struct Synthetic {
        /// The network.
        pub input: NetworkInput,
        /// The obligations of each clause: `[lo, hi)` on the line.
        pub intervals: Vec<(u64, u64)>,
    }

    /// The true relation of two intervals.
    fn relation(a: (u64, u64), b: (u64, u64)) -> Relation {
        if a == b {
            Relation::Equals
        } else if b.0 <= a.0 && a.1 <= b.1 {
            Relation::SubsetOf
        } else if a.0 <= b.0 && b.1 <= a.1 {
            Relation::SupersetOf
        } else if a.0 < b.1 && b.0 < a.1 {
            Relation::Intersects
        } else {
            Relation::Disjoint
        }
    }

    /// A network of `clauses` clauses in referentials of about 5,000 clauses
    /// (at least 4 referentials) and `links` links, all true in the hidden
    /// model; links join clauses of about the same depth, around a point of
    /// the first clause (or, one time in fifty, just outside it).
    pub fn generate(shape: Shape, clauses: usize, links: usize, seed: u64) -> Synthetic {
        let mut rng = Rng::new(seed);
        let referentials = (clauses / 5000).max(4);
        let per_ref = clauses / referentials;
        // branching b with b + b² + b³ + b⁴ ≈ per_ref
        let mut branching = 2u64;
        while (1..=DEPTH as u32).map(|d| branching.pow(d)).sum::<u64>() < per_ref as u64 {
            branching += 1;
        }
        let mut intervals: Vec<(u64, u64)> = Vec::with_capacity(clauses);
        let mut hierarchy = Vec::with_capacity(clauses);
        // levels[r][d]: the clauses of referential r at depth d, sorted by position
        let mut levels: Vec<Vec<Vec<u32>>> = Vec::with_capacity(referentials);
        let mut depth_of: Vec<usize> = Vec::with_capacity(clauses);
        while intervals.len() < clauses {
            let budget = (intervals.len() + per_ref).min(clauses);
            let mut ref_levels: Vec<Vec<u32>> = vec![Vec::new(); DEPTH];
            let mut parents: Vec<Option<u32>> = vec![None];
            for (depth, level) in ref_levels.iter_mut().enumerate() {
                let mut next = Vec::new();
                for parent in parents {
                    let span = parent.map_or((0, LINE), |p| intervals[p as usize]);
                    let children = 1 + rng.below(2 * branching - 1);
                    let mut cuts: Vec<u64> = (1..children)
                        .map(|_| span.0 + 1 + rng.below(span.1 - span.0 - 1))
                        .collect();
                    cuts.push(span.0);
                    cuts.push(span.1);
                    cuts.sort_unstable();
                    cuts.dedup();
                    for w in cuts.windows(2) {
                        if intervals.len() >= budget {
                            break;
                        }
                        let id = intervals.len() as u32;
                        intervals.push((w[0], w[1]));
                        depth_of.push(depth);
                        if let Some(p) = parent {
                            hierarchy.push((ClauseIdx(id), ClauseIdx(p)));
                        }
                        level.push(id);
                        next.push(Some(id));
                    }
                }
                parents = next;
            }
            levels.push(ref_levels);
        }
        let referentials = levels.len();
        let referential_of: Vec<usize> = {
            let mut out = vec![0; intervals.len()];
            for (r, ls) in levels.iter().enumerate() {
                for id in ls.iter().flatten() {
                    out[*id as usize] = r;
                }
            }
            out
        };
        let n = intervals.len() as u64;
        let mut out = Vec::with_capacity(links);
        while out.len() < links {
            let a = rng.below(n) as u32;
            let from = referential_of[a as usize];
            let to = match shape {
                Shape::HubAndSpoke if from != 0 => 0,
                _ => {
                    let r = rng.below(referentials as u64 - 1) as usize;
                    if r >= from {
                        r + 1
                    } else {
                        r
                    }
                }
            };
            let (lo, hi) = intervals[a as usize];
            // a point of `a` (49 in 50), else just outside it
            let point = if rng.below(50) > 0 {
                lo + rng.below(hi - lo)
            } else if rng.below(2) == 0 && lo > 0 {
                lo - 1 - rng.below(lo.min(hi - lo))
            } else {
                (hi + rng.below(hi - lo)).min(LINE - 1)
            };
            // mostly between clauses of the same granularity
            let depth = depth_of[a as usize].saturating_sub(match rng.below(10) {
                0..=5 => 0,
                6..=8 => 1,
                _ => 2,
            });
            let Some(b) = find(&levels[to], &intervals, depth, point) else {
                continue;
            };
            let strength = match rng.below(4) {
                0 => None,
                _ => Some(1 + rng.below(10) as u8),
            };
            out.push(LinkInput {
                a: ClauseIdx(a),
                relation: relation(intervals[a as usize], intervals[b as usize]),
                b: ClauseIdx(b),
                strength,
            });
        }
        Synthetic {
            input: NetworkInput {
                clause_count: intervals.len(),
                order: Vec::new(),
                hierarchy,
                links: out,
            },
            intervals,
        }
    }

    /// The clause of the deepest level `<= depth` whose interval holds `point`.
    fn find(
        levels: &[Vec<u32>],
        intervals: &[(u64, u64)],
        depth: usize,
        point: u64,
    ) -> Option<u32> {
        (0..=depth).rev().find_map(|d| {
            let level = levels.get(d)?;
            let i = level.partition_point(|&c| intervals[c as usize].1 <= point);
            let c = *level.get(i)?;
            let (lo, hi) = intervals[c as usize];
            (lo <= point && point < hi).then_some(c)
        })
    }

    /// The true relation of two clauses of a generated network.
    pub fn truth(s: &Synthetic, a: ClauseIdx, b: ClauseIdx) -> Relation {
        relation(s.intervals[a.0 as usize], s.intervals[b.0 as usize])
    }
}

use synthetic::{Shape, Synthetic};

/// `(clauses, links)` chosen by `REFMAP_BENCH_SIZE`.
fn size() -> (usize, usize) {
    match std::env::var("REFMAP_BENCH_SIZE").as_deref() {
        Ok("large") => (100_000, 1_000_000),
        Ok(n) => match n.parse::<usize>() {
            Ok(n) => (n, 10 * n),
            Err(_) => (10_000, 100_000),
        },
        Err(_) => (10_000, 100_000),
    }
}

/// Query pairs: half the two ends of a random link or sub-clause edge
/// (related pairs), half uniformly random clauses.
fn pairs(input: &NetworkInput, count: usize, seed: u64) -> Vec<(ClauseIdx, ClauseIdx)> {
    let mut rng = synthetic::Rng::new(seed);
    let n = input.clause_count as u64;
    (0..count)
        .map(|i| {
            if i % 2 == 0 && !input.links.is_empty() {
                let l = &input.links[rng.below(input.links.len() as u64) as usize];
                (l.a, l.b)
            } else {
                (
                    ClauseIdx(rng.below(n) as u32),
                    ClauseIdx(rng.below(n) as u32),
                )
            }
        })
        .collect()
}

/// Median and 99th percentile.
fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort_unstable();
    let at = |q: f64| {
        times
            .get(((times.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or_default()
    };
    (at(0.5), at(0.99))
}

/// Peak resident memory of the process, from `/proc/self/status`.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Prints build time, sizes and query latencies for one shape.
fn summary(shape: Shape, (clauses, links): (usize, usize)) -> (Synthetic, Network) {
    let t = Instant::now();
    let s = synthetic::generate(shape, clauses, links, 7);
    let generated = t.elapsed();
    let t = Instant::now();
    let net = Network::build(&s.input, None).expect("network builds");
    let built = t.elapsed();
    assert!(
        net.conflicts().is_empty(),
        "generated network is inconsistent"
    );
    let qs = pairs(&s.input, 10_000, 11);
    let mut times = Vec::with_capacity(qs.len());
    let mut not_all = 0;
    for &(a, b) in &qs {
        let t = Instant::now();
        let answer = net.relation(a, b);
        times.push(t.elapsed());
        assert!(answer.relations.contains(synthetic::truth(&s, a, b)));
        not_all += usize::from(answer.relations != refmap::internal::mapper::RelationSet::ALL);
    }
    let (relate_median, relate_p99) = percentiles(times);
    let mut times = Vec::with_capacity(1000);
    let mut related_total = 0;
    for &(a, _) in qs.iter().take(1000) {
        let t = Instant::now();
        let related = net.related(a);
        times.push(t.elapsed());
        related_total += related.len();
    }
    let (related_median, related_p99) = percentiles(times);
    let mut times = Vec::with_capacity(1000);
    let mut carried_total = 0;
    for &(a, _) in qs.iter().take(1000) {
        let t = Instant::now();
        let (supersets, overlaps) = net.supersets_and_overlaps(a);
        times.push(t.elapsed());
        carried_total += supersets.len() + overlaps.len();
    }
    let (carried_median, carried_p99) = percentiles(times);
    let t = Instant::now();
    let redundant = net.redundant_links().len();
    let redundant_time = t.elapsed();
    println!(
        "mapper/{}: {} clauses, {} links, {} sub-clause edges; generate {:.2?}; build+check {:.2?}; \
         adjacency {:.1} MiB; peak RSS {:.0} MiB; relation median {:.2?} p99 {:.2?} ({} of 10000 not ALL); \
         related median {:.2?} p99 {:.2?} (avg {:.1} clauses); \
         supersets_and_overlaps median {:.2?} p99 {:.2?} (avg {:.1} clauses); \
         redundant_links {:.2?} ({} links)",
        shape.name(),
        net.clause_count(),
        net.link_count(),
        s.input.hierarchy.len(),
        generated,
        built,
        net.heap_bytes() as f64 / (1024.0 * 1024.0),
        peak_memory_mib().unwrap_or(0.0),
        relate_median,
        relate_p99,
        not_all,
        related_median,
        related_p99,
        related_total as f64 / 1000.0,
        carried_median,
        carried_p99,
        carried_total as f64 / 1000.0,
        redundant_time,
        redundant,
    );
    (s, net)
}

fn benches(c: &mut Criterion) {
    let size = size();
    for shape in [Shape::HubAndSpoke, Shape::Mesh] {
        let (s, net) = summary(shape, size);
        let label = format!("{}-{}", shape.name(), size.0);
        let mut group = c.benchmark_group("mapper");
        group.sample_size(10);
        group.bench_function(BenchmarkId::new("build+check", &label), |b| {
            b.iter(|| Network::build(black_box(&s.input), None).map(|n| n.clause_count()))
        });
        group.finish();
        let mut group = c.benchmark_group("mapper");
        let qs = pairs(&s.input, 10_000, 13);
        let mut i = 0;
        group.bench_function(BenchmarkId::new("relation", &label), |b| {
            b.iter(|| {
                i = (i + 1) % qs.len();
                let (x, y) = qs[i];
                net.relation(black_box(x), black_box(y)).relations
            })
        });
        let mut i = 0;
        group.bench_function(BenchmarkId::new("related", &label), |b| {
            b.iter(|| {
                i = (i + 1) % qs.len();
                net.related(black_box(qs[i].0)).len()
            })
        });
        let mut i = 0;
        group.bench_function(BenchmarkId::new("supersets_and_overlaps", &label), |b| {
            b.iter(|| {
                i = (i + 1) % qs.len();
                net.supersets_and_overlaps(black_box(qs[i].0)).1.len()
            })
        });
        group.finish();
    }
}

/// The clause count of the ring and chain shapes.
fn shape_size() -> usize {
    std::env::var("REFMAP_BENCH_SHAPE")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000)
}

/// The shapes of `benches/gen_shapes.py` as networks: `n` clauses, A:i is
/// clause `i` and B:i clause `n/2 + i`; a ring of `equals` (A:i equals B:i,
/// B:i equals A:i+1, closing on A:0) or a chain of `subset-of` (A:i
/// subset-of B:i, B:i subset-of A:i+1).
fn shape(ring: bool, n: usize) -> NetworkInput {
    use refmap::internal::mapper::{LinkInput, Relation};
    let k = (n / 2) as u32;
    let relation = if ring {
        Relation::Equals
    } else {
        Relation::SubsetOf
    };
    let link = |a: u32, b: u32| LinkInput {
        a: ClauseIdx(a),
        relation,
        b: ClauseIdx(b),
        strength: None,
    };
    let mut links = Vec::with_capacity(n);
    for i in 0..k {
        links.push(link(i, k + i));
        if ring {
            links.push(link(k + i, (i + 1) % k));
        } else if i + 1 < k {
            links.push(link(k + i, i + 1));
        }
    }
    NetworkInput {
        clause_count: 2 * k as usize,
        order: Vec::new(),
        hierarchy: Vec::new(),
        links,
    }
}

/// `lint/redundant`: the ring and the chain, fast, with the plain
/// algorithm timed once on shapes a tenth the size.
fn shape_benches(c: &mut Criterion) {
    let n = shape_size();
    let mut group = c.benchmark_group("lint/redundant");
    group.sample_size(10);
    for (name, ring) in [("ring", true), ("chain", false)] {
        let net = Network::build(&shape(ring, n), None).expect("shape builds");
        let t = Instant::now();
        let fast = net.redundant_links();
        let fast_time = t.elapsed();
        let small = Network::build(&shape(ring, n / 10), None).expect("shape builds");
        let t = Instant::now();
        let plain = small.redundant_links_plain();
        let plain_time = t.elapsed();
        assert_eq!(
            plain,
            small.redundant_links(),
            "{name}: fast and plain differ"
        );
        println!(
            "lint/redundant/{name}: {n} clauses: redundant_links {fast_time:.2?} ({} links); \
             {} clauses: plain {plain_time:.2?} ({} links); peak RSS {:.0} MiB",
            fast.len(),
            n / 10,
            plain.len(),
            peak_memory_mib().unwrap_or(0.0),
        );
        group.bench_function(BenchmarkId::new(name, n), |b| {
            b.iter(|| net.redundant_links().len())
        });
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    shape_benches(&mut c);
    // `cargo bench --bench mapper -- lint/` runs the shapes alone
    if !std::env::args().any(|a| a.starts_with("lint/")) {
        benches(&mut c);
    }
    c.final_summary();
}
