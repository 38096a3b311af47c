//! Benchmarks of the library on the peers' workloads (issue 6), every
//! answer checked against the generator's oracle before anything is timed.
//!
//! The workloads come from `../shared/peers/gen_consistent.py` (consistent
//! crosswalks drawn from a hidden set model, with the oracle counts in
//! `expected.json`), at the standard sizes of its README:
//!
//! - R: 4 frameworks × 300 clauses, 1.5 links a clause, pivot, 1,000 inventories;
//! - M: 10 × 2,000, 2 links a clause, pivot, 100 inventories;
//! - X: 20 × 5,000, 10 links a clause, mesh, 10 inventories;
//!
//! each in the `realistic` and `dense` mixes (`R-realistic`, `X-dense`, …).
//! `REFMAP_BENCH_WORKLOADS` picks them (default `R-realistic R-dense
//! M-realistic M-dense`; the X ones take about 15 s to generate and 3 s to
//! load). They are generated once into `$REFMAP_WORKLOADS/<name>` (default
//! `target/bench-workloads/<name>`) and reused while `expected.json` records
//! the same arguments. `$REFMAP_PEERS` is the folder of the generator and
//! `$REFMAP_PYTHON` the interpreter (`python3`); without them the bench says
//! so and skips.
//!
//! Per workload, before timing, the bench asserts: the rules load without
//! error; every inventory's `met`, `partial` and `unknown` counts for every
//! framework (YAML and JSON give the same); `equivalents` of every clause
//! the oracle lists has `size − 1` clauses of kinship `equals`; coverage from
//! the pivot of every framework is the oracle's `fully` / `partially`.
//!
//! Then it prints one summary line (single timed passes, and the median and
//! 99th percentile of the per-call queries over many calls, with the issue 6
//! targets met or missed) and runs the criterion group `workloads/<name>`:
//! `parse+resolve` (bytes), `network-build+check`, `relate`, `equivalents`,
//! `coverage FW000→FW001`, `not-covered` (one inventory, `Detail::Summary`,
//! the clauses of FW001 not met), `batch-evaluate` (every pre-loaded
//! inventory; inventories/s) and `load+evaluate-yaml` / `load+evaluate-json`
//! (inventory text to summary; inventories/s). `-- --test` prints the
//! summaries and runs each benchmark once.

#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmark code: a failure aborts the benchmark"
)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput};
use refmap::internal::date::Date;
use refmap::internal::evaluate::{Detail, Evaluator, Report};
use refmap::internal::inventory::Inventory;
use refmap::internal::load::{self, Options};
use refmap::internal::mapper::{ClauseIdx, Network, NetworkInput};
use refmap::internal::model::{Loaded, ResolveOptions, Rulebook};
use refmap::internal::query::{self, Kinship};
use refmap::internal::source::SourceMap;
use serde_json::Value;

/// Finding, generating and caching the workloads.
mod workloads {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// The workloads run when `REFMAP_BENCH_WORKLOADS` is not set.
    pub const DEFAULT: &str = "R-realistic R-dense M-realistic M-dense";

    /// The generator arguments of a workload name (`R-realistic`, …), `--out` aside.
    pub fn arguments(name: &str) -> Option<String> {
        let (size, mix) = name.split_once('-')?;
        let size = match size {
            "R" => "--frameworks 4 --clauses 300 --links-per-clause 1.5 --topology pivot --inventories 1000",
            "M" => "--frameworks 10 --clauses 2000 --links-per-clause 2 --topology pivot --inventories 100",
            "X" => "--frameworks 20 --clauses 5000 --links-per-clause 10 --topology mesh --inventories 10",
            _ => return None,
        };
        matches!(mix, "realistic" | "dense").then(|| format!("{size} --mix {mix}"))
    }

    fn crate_root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// The generator script.
    fn generator() -> PathBuf {
        std::env::var_os("REFMAP_PEERS")
            .map_or_else(|| crate_root().join("../shared/peers"), PathBuf::from)
            .join("gen_consistent.py")
    }

    /// Whether `expected.json` was written with `arguments` (every flag of
    /// `arguments` with the same value; the generator adds its defaults).
    fn same_arguments(expected: &Path, arguments: &str) -> bool {
        let Ok(text) = std::fs::read_to_string(expected) else {
            return false;
        };
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
            return false;
        };
        let Some(recorded) = doc["args"].as_str() else {
            return false;
        };
        let pairs = |s: &str| -> Vec<(String, String)> {
            let words: Vec<&str> = s.split_whitespace().collect();
            words
                .chunks(2)
                .map(|p| (p[0].to_string(), p.get(1).unwrap_or(&"").to_string()))
                .collect()
        };
        let recorded = pairs(recorded);
        pairs(arguments).iter().all(|p| recorded.contains(p))
    }

    /// The folder of workload `name`, generated unless an up-to-date copy
    /// is there; `Err` says why it cannot be had.
    pub fn folder(name: &str, arguments: &str) -> Result<PathBuf, String> {
        let root = std::env::var_os("REFMAP_WORKLOADS").map_or_else(
            || crate_root().join("target/bench-workloads"),
            PathBuf::from,
        );
        let dir = root.join(name);
        let expected = dir.join("expected.json");
        if same_arguments(&expected, arguments) {
            return Ok(dir);
        }
        let script = generator();
        if !script.is_file() {
            return Err(format!(
                "no generator at `{}` (set REFMAP_PEERS to the folder holding gen_consistent.py)",
                script.display()
            ));
        }
        // What the bench reads, so a smaller workload leaves nothing stale behind.
        for stale in ["rules", "inventories"] {
            let _ = std::fs::remove_dir_all(dir.join(stale));
        }
        let _ = std::fs::remove_file(&expected);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        let python = std::env::var("REFMAP_PYTHON").unwrap_or_else(|_| "python3".into());
        eprintln!("workloads: generating {name} into {} …", dir.display());
        let started = std::time::Instant::now();
        let out = Command::new(&python)
            .arg(&script)
            .args(arguments.split_whitespace())
            .arg("--out")
            .arg(&dir)
            .output()
            .map_err(|e| format!("cannot run `{python}` (set REFMAP_PYTHON): {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "`{python} {}` failed ({}): {}",
                script.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        eprintln!(
            "workloads: generated {name} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        Ok(dir)
    }
}

/// A deterministic splitmix64 generator for the query lists.
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
}

/// The evaluation date when an inventory gives none (the generator writes
/// `as_of: 2026-01-01` in every inventory).
fn default_as_of() -> Date {
    "2026-01-01".parse().unwrap()
}

/// Sizes `R`, `M`, `X`: how long criterion may spend.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Size {
    R,
    M,
    X,
}

/// One workload, read into memory.
struct Workload {
    name: String,
    size: Size,
    dense: bool,
    expected: Value,
    /// `(path, text)` of each `.rules` file, in path order (as `load::paths`).
    rules: Vec<(String, String)>,
    bytes: usize,
    /// Site names (file stems), in file order.
    sites: Vec<String>,
    yaml: Vec<(String, String)>,
    json: Vec<(String, String)>,
}

fn read_sorted(dir: &Path, extension: &str) -> Vec<(String, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", p.display()));
            (p.display().to_string(), text)
        })
        .collect()
}

impl Workload {
    fn read(name: &str, dir: &Path) -> Workload {
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap_or_else(|e| panic!("{name}: expected.json: {e}"));
        let rules = read_sorted(&dir.join("rules"), "rules");
        let bytes = rules.iter().map(|(_, t)| t.len()).sum();
        let yaml = read_sorted(&dir.join("inventories"), "yaml");
        let sites = yaml
            .iter()
            .map(|(p, _)| {
                Path::new(p)
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        // The same inventories as JSON (the CLI reads JSON several times faster).
        let json = yaml
            .iter()
            .map(|(p, text)| {
                let doc: Value = serde_yaml::from_str(text)
                    .unwrap_or_else(|e| panic!("{name}: `{p}` is not YAML: {e}"));
                (
                    p.replace(".yaml", ".json"),
                    serde_json::to_string(&doc).unwrap(),
                )
            })
            .collect();
        Workload {
            name: name.to_string(),
            size: match name.as_bytes()[0] {
                b'R' => Size::R,
                b'M' => Size::M,
                _ => Size::X,
            },
            dense: name.ends_with("dense"),
            expected,
            rules,
            bytes,
            sites,
            yaml,
            json,
        }
    }

    fn sources(&self) -> SourceMap {
        let mut sources = SourceMap::new();
        for (path, text) in &self.rules {
            sources.add(path.clone(), text.clone());
        }
        sources
    }

    fn pivot(&self) -> &str {
        self.expected["pivot"].as_str().unwrap()
    }
}

/// Every pre-loaded inventory of the workload, evaluated on every core (the
/// `batch-evaluate` measure).
fn evaluate_batch(p: &Prepared) -> Vec<refmap::internal::evaluate::Report> {
    refmap::internal::batch::evaluate_all(
        &p.evaluator,
        &p.inventories,
        None,
        default_as_of(),
        Detail::Summary,
        |_| {},
    )
}

fn as_of(inv: &Inventory) -> Date {
    inv.as_of.unwrap_or_else(default_as_of)
}

/// The clauses of `referential` not met in `report` (built with any detail).
fn not_met(report: &Report, referential: &str) -> usize {
    report
        .summary
        .iter()
        .find(|s| s.referential == referential)
        .map_or(0, |s| s.partial + s.not_met + s.not_applicable + s.unknown)
}

fn load_inventories(w: &Workload, book: &Rulebook) -> Vec<Inventory> {
    w.yaml
        .iter()
        .map(|(p, text)| {
            refmap::internal::inventory::load(book, p, text)
                .unwrap_or_else(|e| panic!("{}: inventory `{p}` refused: {e:?}", w.name))
        })
        .collect()
}

fn summary_reports(
    evaluator: &Evaluator<'_>,
    sources: &[(String, String)],
    name: &str,
) -> Vec<Report> {
    refmap::internal::batch::check_all(
        evaluator,
        sources,
        None,
        default_as_of(),
        Detail::Summary,
        |_| {},
    )
    .into_iter()
    .zip(sources)
    .map(|(r, (p, _))| r.unwrap_or_else(|e| panic!("{name}: inventory `{p}` refused: {e:?}")))
    .collect()
}

/// Asserts every oracle count of `expected.json`; panics on the first
/// difference, naming it.
fn check_oracle(w: &Workload, book: &Rulebook, evaluator: &Evaluator<'_>) {
    let name = &w.name;
    let exp = &w.expected;
    let yaml = summary_reports(evaluator, &w.yaml, name);
    let json = summary_reports(evaluator, &w.json, name);
    let mut checked = 0;
    for ((site, y), j) in w.sites.iter().zip(&yaml).zip(&json) {
        assert_eq!(
            y.summary, j.summary,
            "{name} {site}: the YAML and JSON inventories evaluate differently"
        );
        let targets = exp["inventories"][site]["targets"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}: expected.json has no inventory {site}"));
        for (fw, want) in targets {
            let got = y
                .summary
                .iter()
                .find(|s| &s.referential == fw)
                .unwrap_or_else(|| panic!("{name} {site}: no summary for {fw}"));
            let want = |k: &str| want[k].as_u64().unwrap() as usize;
            let found = (
                got.met,
                got.partial,
                got.unknown + got.not_met,
                got.not_applicable,
            );
            assert_eq!(
                found,
                (want("met"), want("partial"), want("unknown"), 0),
                "{name} {site} {fw}: (met, partial, unknown, not applicable) differ from the oracle"
            );
            checked += 1;
        }
    }
    assert_eq!(
        yaml.len(),
        exp["inventories"].as_object().unwrap().len(),
        "{name}: the oracle lists another number of inventories"
    );
    for (clause, size) in exp["equivalents"].as_object().unwrap() {
        let answer = query::equivalents(book, clause, None)
            .unwrap_or_else(|e| panic!("{name}: equivalents {clause}: {e}"));
        let equals = answer
            .related
            .iter()
            .filter(|e| e.kinship == Kinship::Equals)
            .count();
        assert_eq!(
            equals + 1,
            size.as_u64().unwrap() as usize,
            "{name}: equal class of {clause} (itself + clauses of kinship `equals`)"
        );
    }
    for (fw, want) in exp["coverage_from_pivot"].as_object().unwrap() {
        let c = query::coverage(book, w.pivot(), fw)
            .unwrap_or_else(|e| panic!("{name}: coverage {fw}: {e}"));
        let want = |k: &str| want[k].as_u64().unwrap() as usize;
        assert_eq!(
            (c.counts.full, c.counts.partial),
            (want("fully"), want("partially")),
            "{name}: coverage {} → {fw} (full, partial)",
            w.pivot()
        );
    }
    eprintln!(
        "workloads: {name}: oracle agrees ({} inventories × frameworks, YAML and JSON; {} equivalents; {} coverages)",
        checked,
        exp["equivalents"].as_object().unwrap().len(),
        exp["coverage_from_pivot"].as_object().unwrap().len(),
    );
}

/// Query pairs: half the two ends of a random link, half two random clauses.
fn relate_pairs(book: &Rulebook, n: usize) -> Vec<(String, String)> {
    let mut rng = Rng(0x5EED_0006);
    (0..n)
        .map(|i| {
            let (a, b) = if i % 2 == 0 && !book.links.is_empty() {
                let l = &book.links[rng.below(book.links.len())];
                (l.a, l.b)
            } else {
                let k = book.clauses.len();
                (
                    ClauseIdx(rng.below(k) as u32),
                    ClauseIdx(rng.below(k) as u32),
                )
            };
            (book.key(a).to_string(), book.key(b).to_string())
        })
        .collect()
}

fn fmt_time(secs: f64) -> String {
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 1e-3 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{:.2} µs", secs * 1e6)
    }
}

/// Median and 99th percentile of per-call times.
struct Spread {
    p50: f64,
    p99: f64,
}

impl Spread {
    fn of(mut times: Vec<f64>) -> Spread {
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        Spread {
            p50: at(0.5),
            p99: at(0.99),
        }
    }

    fn show(&self) -> String {
        format!("{} / {}", fmt_time(self.p50), fmt_time(self.p99))
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed().as_secs_f64())
}

/// Per-call times of `f` over `items`, cycling until `calls` calls.
fn spread<T, R>(items: &[T], calls: usize, mut f: impl FnMut(&T) -> R) -> Spread {
    let times = (0..calls)
        .map(|i| {
            let item = &items[i % items.len()];
            let t = Instant::now();
            black_box(f(item));
            t.elapsed().as_secs_f64()
        })
        .collect();
    Spread::of(times)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "MISSED"
    }
}

/// Peak resident memory of the process so far, in MiB (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Everything the criterion group reuses.
struct Prepared<'b> {
    book: &'b Rulebook,
    evaluator: Evaluator<'b>,
    /// Restricted to `target`, as `check --referential` runs it.
    scoped: Evaluator<'b>,
    input: NetworkInput,
    inventories: Vec<Inventory>,
    pairs: Vec<(String, String)>,
    equivalents: Vec<String>,
    target: String,
}

/// One timed pass of each measure, printed as one line for the README.
fn summary(w: &Workload, load_secs: f64, new_secs: f64, p: &Prepared<'_>) {
    let book = p.book;
    // The two stages of `load::front_end`, apart.
    let sources = w.sources();
    let (trees, parse) = timed(|| {
        sources
            .iter()
            .map(|(id, file)| {
                (
                    id,
                    refmap::internal::syntax::parse(id, file.text()).unwrap(),
                )
            })
            .collect::<Vec<_>>()
    });
    let (_, resolve) =
        timed(|| refmap::internal::model::resolve(sources, trees, ResolveOptions::default()));
    let (network, build) = timed(|| Network::build(&p.input, None).unwrap());
    assert!(
        network.is_consistent(),
        "{}: network rebuilt inconsistent",
        w.name
    );
    drop(network);
    let rounds = if w.size == Size::X { 1 } else { 3 };
    let relate = spread(&p.pairs, p.pairs.len() * rounds, |(a, b)| {
        query::relate(book, a, b).unwrap()
    });
    let idx: Vec<(ClauseIdx, ClauseIdx)> = p
        .pairs
        .iter()
        .map(|(a, b)| {
            (
                query::clause(book, a).unwrap(),
                query::clause(book, b).unwrap(),
            )
        })
        .collect();
    let relation = spread(&idx, idx.len() * rounds, |&(a, b)| {
        book.network.relation(a, b)
    });
    let equivalents = spread(&p.equivalents, 1_000, |c| {
        query::equivalents(book, c, None).unwrap()
    });
    let coverage = spread(&[()], if w.size == Size::X { 3 } else { 10 }, |_| {
        query::coverage(book, w.pivot(), &p.target).unwrap()
    });
    let calls = match w.size {
        Size::R => 2_000,
        Size::M => 300,
        Size::X => 30,
    };
    let (mut scoped_scratch, mut scratch) = (p.scoped.scratch(), p.evaluator.scratch());
    let not_covered = spread(&p.inventories, calls, |inv| {
        not_met(
            &p.scoped
                .evaluate_with(inv, as_of(inv), Detail::Summary, &mut scoped_scratch),
            &p.target,
        )
    });
    let whole = spread(&p.inventories, calls, |inv| {
        not_met(
            &p.evaluator
                .evaluate_with(inv, as_of(inv), Detail::Summary, &mut scratch),
            &p.target,
        )
    });
    let n = p.inventories.len() as f64;
    let (_, batch) = timed(|| evaluate_batch(p));
    let (_, sequential) = timed(|| {
        for inv in &p.inventories {
            black_box(
                p.evaluator
                    .evaluate_with(inv, as_of(inv), Detail::Summary, &mut scratch),
            );
        }
    });
    let (_, yaml) = timed(|| summary_reports(&p.evaluator, &w.yaml, &w.name));
    let (_, json) = timed(|| summary_reports(&p.evaluator, &w.json, &w.name));
    let mbps = w.bytes as f64 / 1e6 / load_secs;
    let mut targets = vec![format!(
        "parse+resolve ≥ 25 MB/s: {}",
        verdict(mbps >= 25.0)
    )];
    match w.size {
        Size::R => {
            targets.push(format!("relate ≤ 10 µs: {}", verdict(relate.p50 <= 10e-6)));
            targets.push(format!(
                "equivalents ≤ 10 µs: {}",
                verdict(equivalents.p50 <= 10e-6)
            ));
            targets.push(format!(
                "not-covered ≤ 50 µs: {}",
                verdict(not_covered.p50 <= 50e-6)
            ));
            targets.push(format!(
                "batch ≥ 50,000/s: {}",
                verdict(n / batch >= 50_000.0)
            ));
            targets.push(format!(
                "load+evaluate ≥ 1,000/s: {}",
                verdict(n / yaml >= 1_000.0)
            ));
        }
        Size::M => {}
        Size::X => {
            let limit = if w.dense { 20e-3 } else { 2e-3 };
            targets.push(format!(
                "not-covered ≤ {}: {}",
                fmt_time(limit),
                verdict(not_covered.p50 <= limit)
            ));
            targets.push(format!("load+check ≤ 1 s: {}", verdict(load_secs <= 1.0)));
        }
    }
    println!(
        "workloads summary {}: {} clauses, {} links, {:.2} MB of rules; \
         parse+resolve {} ({mbps:.1} MB/s; apart: parse {} ({:.1} MB/s), resolve+check {}); \
         network build+check {}; Evaluator::new {}; \
         peak RSS so far {}; \
         relate p50/p99 {} (Network::relation {}); equivalents p50/p99 {}; \
         coverage {}→{} {}; not-covered ({}, 1 inventory) p50/p99 {} \
         (evaluating the whole rulebook: {}); \
         batch-evaluate {:.0}/s on {} core(s), {:.0}/s on one; \
         load+evaluate YAML {:.0}/s, JSON {:.0}/s; targets: {}",
        w.name,
        book.clauses.len(),
        book.links.len(),
        w.bytes as f64 / 1e6,
        fmt_time(load_secs),
        fmt_time(parse),
        w.bytes as f64 / 1e6 / parse,
        fmt_time(resolve),
        fmt_time(build),
        fmt_time(new_secs),
        peak_rss_mib().map_or_else(|| "?".into(), |m| format!("{m:.0} MiB")),
        relate.show(),
        relation.show(),
        equivalents.show(),
        w.pivot(),
        p.target,
        fmt_time(coverage.p50),
        p.target,
        not_covered.show(),
        whole.show(),
        n / batch,
        std::thread::available_parallelism().map_or(1, usize::from),
        n / sequential,
        n / yaml,
        n / json,
        targets.join(", "),
    );
}

fn bench_workload(c: &mut Criterion, w: &Workload) {
    let (loaded, load_secs): (Loaded, f64) =
        timed(|| load::front_end(w.sources(), Options::default()));
    assert!(
        !loaded.has_errors(),
        "{}: the rules have errors: {:?}",
        w.name,
        loaded
            .diagnostics
            .iter()
            .take(3)
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    let book = &loaded.rulebook;
    let (evaluator, new_secs) = timed(|| Evaluator::new(book));
    check_oracle(w, book, &evaluator);
    let target = "FW001".to_string();
    let scoped = Evaluator::for_referentials(book, std::slice::from_ref(&target));
    let inventories = load_inventories(w, book);
    // The restricted evaluation gives the whole one's counts of the target.
    let (mut whole_scratch, mut part_scratch) = (evaluator.scratch(), scoped.scratch());
    for inv in &inventories {
        let whole = evaluator.evaluate_with(inv, as_of(inv), Detail::Summary, &mut whole_scratch);
        let part = scoped.evaluate_with(inv, as_of(inv), Detail::Summary, &mut part_scratch);
        assert_eq!(
            part.summary,
            whole
                .summary
                .iter()
                .filter(|s| s.referential == target)
                .cloned()
                .collect::<Vec<_>>(),
            "{}: evaluation restricted to {target} differs",
            w.name
        );
    }
    let p = Prepared {
        book,
        inventories,
        evaluator,
        scoped,
        input: book.network_input(),
        pairs: relate_pairs(book, 2_000),
        equivalents: w.expected["equivalents"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect(),
        target,
    };
    summary(w, load_secs, new_secs, &p);

    let mut group = c.benchmark_group(format!("workloads/{}", w.name));
    let (heavy_samples, light_samples, measure) = match w.size {
        Size::R => (20, 50, Duration::from_secs(3)),
        Size::M => (10, 30, Duration::from_secs(3)),
        Size::X => (10, 10, Duration::from_secs(2)),
    };
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(measure);

    // Per-call measures first: criterion keeps a group's throughput once set.
    group.sample_size(heavy_samples);
    group.bench_function("network-build+check", |b| {
        b.iter(|| Network::build(black_box(&p.input), None).unwrap())
    });

    group.sample_size(light_samples);
    let mut i = 0;
    group.bench_function("relate", |b| {
        b.iter(|| {
            i = (i + 1) % p.pairs.len();
            let (a, x) = &p.pairs[i];
            query::relate(book, a, x).unwrap()
        })
    });
    group.bench_function("equivalents", |b| {
        b.iter(|| {
            i = (i + 1) % p.equivalents.len();
            query::equivalents(book, &p.equivalents[i], None).unwrap()
        })
    });
    group.bench_function(format!("coverage {}→{}", w.pivot(), p.target), |b| {
        b.iter(|| query::coverage(book, w.pivot(), &p.target).unwrap())
    });
    let mut scratch = p.scoped.scratch();
    group.bench_function("not-covered", |b| {
        b.iter(|| {
            i = (i + 1) % p.inventories.len();
            let inv = &p.inventories[i];
            not_met(
                &p.scoped
                    .evaluate_with(inv, as_of(inv), Detail::Summary, &mut scratch),
                &p.target,
            )
        })
    });

    group.sample_size(heavy_samples);
    group.throughput(Throughput::Bytes(w.bytes as u64));
    group.bench_function("parse+resolve", |b| {
        b.iter_batched(
            || w.sources(),
            |sources| load::front_end(sources, Options::default()),
            BatchSize::PerIteration,
        )
    });
    group.throughput(Throughput::Elements(p.inventories.len() as u64));
    group.bench_function("batch-evaluate", |b| b.iter(|| evaluate_batch(&p)));
    // A pass of R's 1,000 YAML inventories takes over a second.
    group.sample_size(10);
    for (format, sources) in [("yaml", &w.yaml), ("json", &w.json)] {
        group.bench_function(format!("load+evaluate-{format}"), |b| {
            b.iter(|| {
                refmap::internal::batch::check_all(
                    &p.evaluator,
                    sources,
                    None,
                    default_as_of(),
                    Detail::Summary,
                    |_| {},
                )
            })
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    let names =
        std::env::var("REFMAP_BENCH_WORKLOADS").unwrap_or_else(|_| workloads::DEFAULT.to_string());
    println!(
        "workloads: {} (load average {})",
        names,
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    for name in names.split([' ', ',']).filter(|s| !s.is_empty()) {
        let Some(arguments) = workloads::arguments(name) else {
            eprintln!("workloads: unknown workload `{name}` (want R|M|X-realistic|dense); skipped");
            continue;
        };
        let dir = match workloads::folder(name, &arguments) {
            Ok(dir) => dir,
            Err(why) => {
                eprintln!("workloads: {name} skipped: {why}");
                continue;
            }
        };
        let w = Workload::read(name, &dir);
        bench_workload(c, &w);
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
