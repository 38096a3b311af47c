//! Property tests of the mapper against brute-force set models.
//!
//! 1. Small networks (4 clauses, random links and sub-clause edges): the
//!    answer for every pair must be exactly the set of relations realised by
//!    some model (every assignment of non-empty Venn regions is tried), and
//!    the network must report a conflict exactly when there is no model.
//!    Proofs, conflicts, `related`, `supersets_and_overlaps`, the
//!    entailment queries and `redundant_links` are checked along the way.
//! 2. Larger networks drawn from random finite sets (true relations only)
//!    must be consistent, and every answer must contain the true relation.

#![allow(
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failed index or build is a failed test"
)]

use std::sync::OnceLock;

use proptest::prelude::*;
use refmap::internal::mapper::{
    Answer, ClauseIdx, LinkInput, Network, NetworkInput, Relation, RelationSet, Step,
};

/// Clauses of the small networks.
const N: usize = 4;
/// Venn regions of `N` clauses: the non-empty subsets of the clauses.
const REGIONS: u32 = (1 << N) - 1;

/// The relation of two non-empty sets given as bit masks.
fn relation_of(a: u32, b: u32) -> Relation {
    if a == b {
        Relation::Equals
    } else if a & b == a {
        Relation::SubsetOf
    } else if a & b == b {
        Relation::SupersetOf
    } else if a & b != 0 {
        Relation::Intersects
    } else {
        Relation::Disjoint
    }
}

/// For every assignment of present regions in which every clause is
/// non-empty: the relation of every ordered pair of clauses.
fn models() -> &'static Vec<[[Relation; N]; N]> {
    static MODELS: OnceLock<Vec<[[Relation; N]; N]>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let mut out = Vec::new();
        for present in 0u32..(1 << REGIONS) {
            // clause x = the present regions (region r is bit r-1) containing x
            let mut sets = [0u32; N];
            for r in 1..=REGIONS {
                if present & (1 << (r - 1)) != 0 {
                    for (x, set) in sets.iter_mut().enumerate() {
                        if r & (1 << x) != 0 {
                            *set |= 1 << (r - 1);
                        }
                    }
                }
            }
            if sets.contains(&0) {
                continue;
            }
            let mut rel = [[Relation::Equals; N]; N];
            for (i, row) in rel.iter_mut().enumerate() {
                for (j, cell) in row.iter_mut().enumerate() {
                    *cell = relation_of(sets[i], sets[j]);
                }
            }
            out.push(rel);
        }
        out
    })
}

/// What the brute force says of a network: for each ordered pair, the
/// relations some model realises (all empty when there is no model).
fn brute_force(input: &NetworkInput) -> [[RelationSet; N]; N] {
    let mut out = [[RelationSet::EMPTY; N]; N];
    for rel in models() {
        let get = |a: ClauseIdx, b: ClauseIdx| rel[a.0 as usize][b.0 as usize];
        let hierarchy_ok = input
            .hierarchy
            .iter()
            .all(|&(c, p)| matches!(get(c, p), Relation::Equals | Relation::SubsetOf));
        if !hierarchy_ok || !input.links.iter().all(|l| get(l.a, l.b) == l.relation) {
            continue;
        }
        for (i, row) in out.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = cell.with(rel[i][j]);
            }
        }
    }
    out
}

/// The network made of `steps` alone (the links and sub-clause edges of a proof).
fn sub_network(input: &NetworkInput, steps: &[Step]) -> NetworkInput {
    let mut out = NetworkInput {
        clause_count: input.clause_count,
        order: Vec::new(),
        hierarchy: Vec::new(),
        links: Vec::new(),
    };
    for step in steps {
        match *step {
            Step::Link { link, .. } => {
                if let Some(l) = input.links.get(link.0 as usize) {
                    out.links.push(*l);
                }
            }
            Step::Hierarchy { child, parent } => out.hierarchy.push((child, parent)),
            // citations are expanded by `expanded` before this is called
            Step::Cited { .. } => {}
        }
    }
    out
}

/// The steps of `b`'s answer with every citation replaced, transitively,
/// by the steps of the cited answer.
fn expanded(answers: &std::collections::HashMap<ClauseIdx, Vec<Step>>, b: ClauseIdx) -> Vec<Step> {
    let mut out = Vec::new();
    let mut todo = vec![b];
    let mut done = std::collections::HashSet::new();
    while let Some(x) = todo.pop() {
        if !done.insert(x) {
            continue;
        }
        for step in answers.get(&x).into_iter().flatten() {
            match *step {
                Step::Cited { to, .. } => todo.push(to),
                other => out.push(other),
            }
        }
    }
    out
}

fn build(input: &NetworkInput) -> Network {
    match Network::build(input, None) {
        Ok(n) => n,
        Err(e) => panic!("build failed: {e}"),
    }
}

fn relation_strategy() -> impl Strategy<Value = Relation> {
    prop::sample::select(Relation::ALL.to_vec())
}

fn clause() -> impl Strategy<Value = ClauseIdx> {
    (0..N as u32).prop_map(ClauseIdx)
}

/// Random links and sub-clause edges, true or not.
fn random_network() -> impl Strategy<Value = NetworkInput> {
    (
        prop::collection::vec((clause(), relation_strategy(), clause()), 0..7),
        prop::collection::vec((clause(), clause()), 0..3),
    )
        .prop_map(|(links, hierarchy)| NetworkInput {
            clause_count: N,
            order: Vec::new(),
            hierarchy,
            links: links
                .into_iter()
                .map(|(a, relation, b)| LinkInput {
                    a,
                    relation,
                    b,
                    strength: None,
                })
                .collect(),
        })
}

/// Links true in one model (so mostly consistent networks with rich
/// entailments), with at most one link replaced by a random one.
fn model_network() -> impl Strategy<Value = NetworkInput> {
    (
        any::<prop::sample::Index>(),
        prop::collection::vec((clause(), clause()), 0..8),
        prop::collection::vec((clause(), clause()), 0..3),
        prop::option::of((clause(), relation_strategy(), clause())),
    )
        .prop_map(|(model, pairs, parents, noise)| {
            let rel = model.get(models());
            let get = |a: ClauseIdx, b: ClauseIdx| rel[a.0 as usize][b.0 as usize];
            let mut links: Vec<LinkInput> = pairs
                .into_iter()
                .map(|(a, b)| LinkInput {
                    a,
                    relation: get(a, b),
                    b,
                    strength: None,
                })
                .collect();
            if let Some((a, relation, b)) = noise {
                links.push(LinkInput {
                    a,
                    relation,
                    b,
                    strength: None,
                });
            }
            let hierarchy = parents
                .into_iter()
                .filter(|&(c, p)| matches!(get(c, p), Relation::Equals | Relation::SubsetOf))
                .collect();
            NetworkInput {
                clause_count: N,
                order: Vec::new(),
                hierarchy,
                links,
            }
        })
}

fn check_small(input: &NetworkInput) -> Result<(), TestCaseError> {
    let truth = brute_force(input);
    let consistent = !truth[0][0].is_empty();
    let net = build(input);
    prop_assert_eq!(
        net.conflicts().is_empty(),
        consistent,
        "conflicts: {:?}",
        net.conflicts()
    );
    if !consistent {
        for conflict in net.conflicts() {
            // the links a conflict names are themselves contradictory
            let alone = sub_network(input, &conflict.steps);
            prop_assert!(
                brute_force(&alone)[0][0].is_empty(),
                "conflict {:?} is satisfiable on its own",
                conflict
            );
        }
        prop_assert!(net.related(ClauseIdx(0)).is_empty());
        prop_assert_eq!(
            net.supersets_and_overlaps(ClauseIdx(0)),
            (Vec::new(), Vec::new())
        );
        return Ok(());
    }
    for a in 0..N as u32 {
        let mut expected_related = Vec::new();
        for b in 0..N as u32 {
            let (ca, cb) = (ClauseIdx(a), ClauseIdx(b));
            let answer = net.relation(ca, cb);
            let want = truth[a as usize][b as usize];
            prop_assert_eq!(answer.relations, want, "relation({}, {})", a, b);
            // the proof alone gives the same answer
            let alone = build(&sub_network(input, &answer.proof));
            prop_assert_eq!(
                alone.relation(ca, cb).relations,
                want,
                "proof of ({}, {}): {:?}",
                a,
                b,
                answer.proof
            );
            if want == RelationSet::ALL {
                prop_assert!(answer.proof.is_empty());
            }
            // entailments
            let subset =
                want.is_subset(RelationSet::single(Relation::Equals).with(Relation::SubsetOf));
            let sub_proof = net.entails_subset(ca, cb);
            prop_assert_eq!(sub_proof.is_some(), subset, "entails_subset({}, {})", a, b);
            if let Some(steps) = sub_proof {
                let alone = build(&sub_network(input, &steps));
                prop_assert!(alone.entails_subset(ca, cb).is_some());
                prop_assert_eq!(net.supersets_of(ca).contains(&cb), a != b);
                prop_assert_eq!(net.subsets_of(cb).contains(&ca), a != b);
            } else {
                prop_assert!(!net.supersets_of(ca).contains(&cb));
            }
            let overlap = !want.contains(Relation::Disjoint);
            let overlap_proof = net.entails_overlap(ca, cb);
            prop_assert_eq!(
                overlap_proof.is_some(),
                overlap,
                "entails_overlap({}, {})",
                a,
                b
            );
            if let Some(steps) = overlap_proof {
                let alone = build(&sub_network(input, &steps));
                prop_assert!(!alone
                    .relation(ca, cb)
                    .relations
                    .contains(Relation::Disjoint));
            }
            prop_assert_eq!(net.relation(cb, ca).relations, want.converse());
            if a != b && want != RelationSet::ALL {
                expected_related.push((cb, want));
            }
        }
        let related_answers = net.related(ClauseIdx(a));
        for (b, answer) in &related_answers {
            // `related` proves its answers too
            let alone = build(&sub_network(input, &answer.proof));
            prop_assert_eq!(alone.relation(ClauseIdx(a), *b).relations, answer.relations);
        }
        let related: Vec<(ClauseIdx, RelationSet)> = related_answers
            .into_iter()
            .map(|(b, answer)| (b, answer.relations))
            .collect();
        prop_assert_eq!(&related, &expected_related, "related({})", a);
        prop_assert_eq!(
            net.supersets_and_overlaps(ClauseIdx(a)),
            carried(&related),
            "supersets_and_overlaps({})",
            a
        );
    }
    // removing every redundant link keeps every answer
    let redundant = net.redundant_links();
    let kept = NetworkInput {
        clause_count: N,
        order: Vec::new(),
        hierarchy: input.hierarchy.clone(),
        links: input
            .links
            .iter()
            .enumerate()
            .filter(|(i, _)| !redundant.iter().any(|r| r.0 as usize == *i))
            .map(|(_, l)| *l)
            .collect(),
    };
    prop_assert_eq!(brute_force(&kept), truth, "redundant {:?}", redundant);
    // and each kept link is needed: no further link is redundant
    prop_assert!(build(&kept).redundant_links().is_empty());
    Ok(())
}

/// What `supersets_and_overlaps` must answer, from the answers of `related`:
/// the clauses whose relations are within `{equals, subset-of}`, then those
/// whose relations leave out `disjoint` otherwise.
fn carried(related: &[(ClauseIdx, RelationSet)]) -> (Vec<ClauseIdx>, Vec<ClauseIdx>) {
    let within = RelationSet::single(Relation::Equals).with(Relation::SubsetOf);
    let supersets = related
        .iter()
        .filter(|(_, r)| r.is_subset(within))
        .map(|(b, _)| *b)
        .collect();
    let overlaps = related
        .iter()
        .filter(|(_, r)| !r.is_subset(within) && !r.contains(Relation::Disjoint))
        .map(|(b, _)| *b)
        .collect();
    (supersets, overlaps)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn random_small_networks_match_the_brute_force(input in random_network()) {
        check_small(&input)?;
    }

    #[test]
    fn small_networks_from_a_model_match_the_brute_force(input in model_network()) {
        check_small(&input)?;
    }
}

/// Random non-empty subsets of a 12-element universe, links drawn from
/// their true relations, sub-clause edges only where truly ⊆.
fn set_network() -> impl Strategy<Value = (Vec<u16>, NetworkInput)> {
    (2usize..=30)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(1u16..(1 << 12), n),
                prop::collection::vec((0..n as u32, 0..n as u32), 0..(3 * n)),
                prop::collection::vec((0..n as u32, 0..n as u32), 0..n),
            )
        })
        .prop_map(|(sets, pairs, parents)| {
            let get = |a: u32, b: u32| {
                relation_of(u32::from(sets[a as usize]), u32::from(sets[b as usize]))
            };
            let links = pairs
                .iter()
                .map(|&(a, b)| LinkInput {
                    a: ClauseIdx(a),
                    relation: get(a, b),
                    b: ClauseIdx(b),
                    strength: None,
                })
                .collect();
            let hierarchy = parents
                .iter()
                .filter(|&&(c, p)| matches!(get(c, p), Relation::Equals | Relation::SubsetOf))
                .map(|&(c, p)| (ClauseIdx(c), ClauseIdx(p)))
                .collect();
            let input = NetworkInput {
                clause_count: sets.len(),
                order: Vec::new(),
                hierarchy,
                links,
            };
            (sets, input)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn networks_of_true_links_are_consistent_and_keep_the_truth((sets, input) in set_network()) {
        let net = build(&input);
        prop_assert!(net.conflicts().is_empty(), "conflicts: {:?}", net.conflicts());
        let n = sets.len() as u32;
        for a in 0..n {
            let related = net.related(ClauseIdx(a));
            let relations: Vec<(ClauseIdx, RelationSet)> =
                related.iter().map(|(b, answer)| (*b, answer.relations)).collect();
            prop_assert_eq!(net.supersets_and_overlaps(ClauseIdx(a)), carried(&relations));
            if a == 0 {
                let all: Vec<_> = (0..n).map(|c| net.supersets_and_overlaps(ClauseIdx(c))).collect();
                check_mirror(&net, &all)?;
                check_carriers(&net, &all)?;
            }
            let mut in_related = vec![None; sets.len()];
            for (b, answer) in related {
                in_related[b.0 as usize] = Some(answer.relations);
            }
            for b in 0..n {
                let truth = relation_of(u32::from(sets[a as usize]), u32::from(sets[b as usize]));
                let answer = net.relation(ClauseIdx(a), ClauseIdx(b));
                prop_assert!(answer.relations.contains(truth), "relation({}, {}) = {:?}, truth {}", a, b, answer.relations, truth);
                if a != b {
                    let expected = (answer.relations != RelationSet::ALL).then_some(answer.relations);
                    prop_assert_eq!(in_related[b as usize], expected, "related({}) at {}", a, b);
                }
                if net.entails_subset(ClauseIdx(a), ClauseIdx(b)).is_some() {
                    prop_assert!(matches!(truth, Relation::Equals | Relation::SubsetOf));
                }
                if net.entails_overlap(ClauseIdx(a), ClauseIdx(b)).is_some() {
                    prop_assert!(truth != Relation::Disjoint);
                }
            }
        }
    }
}

/// `subsets_and_overlaps(b)` lists, in index order, exactly the clauses whose
/// `supersets_and_overlaps` (in `all`) name `b` in the same list.
fn check_mirror(
    net: &Network,
    all: &[(Vec<ClauseIdx>, Vec<ClauseIdx>)],
) -> Result<(), TestCaseError> {
    let n = all.len();
    let mut subsets = vec![Vec::new(); n];
    let mut overlaps = vec![Vec::new(); n];
    for (c, (sup, over)) in all.iter().enumerate() {
        for b in sup {
            subsets[b.0 as usize].push(ClauseIdx(c as u32));
        }
        for b in over {
            overlaps[b.0 as usize].push(ClauseIdx(c as u32));
        }
    }
    for b in 0..n {
        let (sub, over) = net.subsets_and_overlaps(ClauseIdx(b as u32));
        prop_assert_eq!(&sub, &subsets[b], "subsets of {}", b);
        prop_assert_eq!(&over, &overlaps[b], "overlaps of {}", b);
    }
    Ok(())
}

/// `carriers_of_any(S)` is `S` with the union of `supersets_and_overlaps(c)`
/// (in `all`) over `c` in `S`, in index order, for several `S`.
fn check_carriers(
    net: &Network,
    all: &[(Vec<ClauseIdx>, Vec<ClauseIdx>)],
) -> Result<(), TestCaseError> {
    let n = all.len() as u32;
    let mut choices: Vec<Vec<ClauseIdx>> = (0..3)
        .map(|k| (0..n).filter(|c| c % 3 == k).map(ClauseIdx).collect())
        .collect();
    choices.push(Vec::new());
    choices.push((0..n.min(1)).map(ClauseIdx).collect());
    choices.push((0..n).rev().map(ClauseIdx).collect());
    for chosen in choices {
        let mut expected: Vec<ClauseIdx> = chosen.clone();
        for c in &chosen {
            let (sup, over) = &all[c.0 as usize];
            expected.extend(sup.iter().chain(over));
        }
        expected.sort_unstable();
        expected.dedup();
        prop_assert_eq!(
            net.carriers_of_any(&chosen),
            expected,
            "carriers of {:?}",
            chosen
        );
    }
    Ok(())
}

/// A set network of `n` clauses built from `seed`, as `set_network` draws them.
/// xorshift64*: a fixed sequence per seed, enough to spread links; each
/// call gives a number below `bound`.
fn xorshift(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed | 1;
    move |bound: u64| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % bound
    }
}

fn large_set_network(n: usize, seed: u64) -> NetworkInput {
    let mut next = xorshift(seed);
    let sets: Vec<u32> = (0..n).map(|_| 1 + next((1 << 12) - 1) as u32).collect();
    let links = (0..3 * n)
        .map(|_| {
            let (a, b) = (next(n as u64) as u32, next(n as u64) as u32);
            LinkInput {
                a: ClauseIdx(a),
                relation: relation_of(sets[a as usize], sets[b as usize]),
                b: ClauseIdx(b),
                strength: None,
            }
        })
        .collect();
    NetworkInput {
        clause_count: n,
        order: Vec::new(),
        hierarchy: Vec::new(),
        links,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    /// On networks of thousands of clauses, where evidence for a clause
    /// carries (`subsets_and_overlaps`, from its side) is what inverting
    /// every clause's `supersets_and_overlaps` gives.
    #[test]
    fn carry_sets_from_both_sides_agree_on_large_networks(n in 2_500usize..6_000, seed in any::<u64>()) {
        let net = build(&large_set_network(n, seed));
        prop_assert!(net.conflicts().is_empty());
        let all: Vec<_> = (0..n as u32).map(|c| net.supersets_and_overlaps(ClauseIdx(c))).collect();
        prop_assert!(all.iter().any(|(sup, over)| !sup.is_empty() && !over.is_empty()));
        check_mirror(&net, &all)?;
    }
}

/// A long ring or chain of links from a hidden set model (so consistent),
/// with a few random links across: proofs there exceed the length at which
/// `related_citing` cites answers instead of repeating them.
fn long_network(n: usize, ring: bool, extra: usize, seed: u64) -> NetworkInput {
    let mut next = xorshift(seed);
    // growing sets along the chain (a ring: all equal), random extras
    let sets: Vec<u32> = (0..n)
        .map(|i| {
            if ring {
                0xFFFF
            } else {
                (1u32 << (i % 31 + 1)).wrapping_sub(1) | (next(2) as u32) << 31
            }
        })
        .collect();
    let mut links: Vec<LinkInput> = (0..n - 1)
        .map(|i| (i as u32, i as u32 + 1))
        .chain(ring.then_some((n as u32 - 1, 0)))
        .map(|(a, b)| LinkInput {
            a: ClauseIdx(a),
            relation: relation_of(sets[a as usize], sets[b as usize]),
            b: ClauseIdx(b),
            strength: None,
        })
        .collect();
    for _ in 0..extra {
        let (a, b) = (next(n as u64) as u32, next(n as u64) as u32);
        links.push(LinkInput {
            a: ClauseIdx(a),
            relation: relation_of(sets[a as usize], sets[b as usize]),
            b: ClauseIdx(b),
            strength: None,
        });
    }
    NetworkInput {
        clause_count: n,
        order: Vec::new(),
        hierarchy: Vec::new(),
        links,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Answers that cite other answers give the same relations as plain
    /// ones, and each, with its citations expanded, proves its answer alone.
    #[test]
    fn citing_answers_prove_what_plain_ones_do(
        n in 20usize..40,
        ring in any::<bool>(),
        extra in 0usize..4,
        seed in any::<u64>(),
        listed_mod in 1u32..4,
    ) {
        let input = long_network(n, ring, extra, seed);
        let net = build(&input);
        prop_assume!(net.conflicts().is_empty());
        let listed = |c: ClauseIdx| c.0 % listed_mod == 0;
        let mut cited_somewhere = false;
        for a in [0u32, n as u32 / 2] {
            let plain = net.related(ClauseIdx(a));
            let citing = net.related_citing(ClauseIdx(a), &listed);
            let relations = |v: &[(ClauseIdx, Answer)]| -> Vec<(ClauseIdx, RelationSet)> {
                v.iter().map(|(b, x)| (*b, x.relations)).collect()
            };
            prop_assert_eq!(relations(&plain), relations(&citing));
            let proofs: std::collections::HashMap<ClauseIdx, Vec<Step>> =
                citing.iter().map(|(b, x)| (*b, x.proof.clone())).collect();
            for (b, answer) in &citing {
                for step in &answer.proof {
                    if let Step::Cited { from, to } = *step {
                        cited_somewhere = true;
                        prop_assert_eq!(from, ClauseIdx(a));
                        prop_assert!(listed(to), "cites {:?}, which is not listed", to);
                    }
                }
                let alone = build(&sub_network(&input, &expanded(&proofs, *b)));
                prop_assert_eq!(alone.relation(ClauseIdx(a), *b).relations, answer.relations);
            }
        }
        if ring && extra == 0 && listed_mod == 1 {
            // a bare ring of 20+ equal clauses has proofs of 10+ steps
            prop_assert!(cited_somewhere, "no answer cited another");
        }
    }
}

/// The shape a [`shaped_network`] is built around.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// Every clause the same set, linked in a ring of `equals`.
    Ring,
    /// Nested sets linked in a chain of `subset-of` / `superset-of`.
    Chain,
    /// Random intervals linked in a path of their true relations.
    Random,
}

/// Networks drawn from intervals of a small line (so equal, nested,
/// overlapping and disjoint clauses are all frequent), their links true in
/// that model: a ring, a chain or a path through the clauses, extra links
/// between random pairs, sub-clause edges where truly ⊆, all in random
/// declaration order; some links rated and dropped by `min_strength`, and
/// sometimes one false link (an inconsistent network).
fn shaped_network() -> impl Strategy<Value = (NetworkInput, Option<u8>)> {
    (
        prop::sample::select(vec![Shape::Ring, Shape::Chain, Shape::Random]),
        2usize..=36,
    )
        .prop_flat_map(|(shape, n)| {
            (
                Just(shape),
                prop::collection::vec((0u32..10, 1u32..6), n),
                prop::collection::vec((0..n as u32, 0..n as u32), 0..(2 * n)),
                prop::collection::vec((0..n as u32, 0..n as u32), 0..n),
                prop::collection::vec(any::<u32>(), 3 * n + 1),
                prop::collection::vec(prop::option::of(1u8..=10), 3 * n + 1),
                prop::option::of(Just(5u8)),
                prop::option::weighted(0.1, (0..n as u32, relation_strategy(), 0..n as u32)),
            )
        })
        .prop_map(
            |(shape, spans, pairs, parents, order, strengths, min_strength, noise)| {
                let n = spans.len() as u32;
                let interval = |k: u32| -> (u32, u32) {
                    match shape {
                        Shape::Ring => (10, 20),
                        Shape::Chain => (20 - k / 2, 21 + k),
                        Shape::Random => {
                            let (lo, len) = spans[k as usize];
                            (lo, lo + len)
                        }
                    }
                };
                let bits = |k: u32| -> u32 {
                    let (lo, hi) = interval(k);
                    // intervals of 0..64 as bit masks of two words folded
                    (lo..hi).fold(0u32, |m, i| m | 1 << (i % 32))
                };
                let true_link = |a: u32, b: u32| LinkInput {
                    a: ClauseIdx(a),
                    relation: relation_of(bits(a), bits(b)),
                    b: ClauseIdx(b),
                    strength: None,
                };
                let mut links: Vec<LinkInput> = (0..n - 1)
                    .map(|k| true_link(k, k + 1))
                    .chain(matches!(shape, Shape::Ring).then(|| true_link(n - 1, 0)))
                    .chain(pairs.iter().map(|&(a, b)| true_link(a, b)))
                    .collect();
                if let Some((a, relation, b)) = noise {
                    links.push(LinkInput {
                        a: ClauseIdx(a),
                        relation,
                        b: ClauseIdx(b),
                        strength: None,
                    });
                }
                let mut keyed: Vec<(u32, LinkInput)> = links
                    .into_iter()
                    .zip(&order)
                    .map(|(l, &k)| (k, l))
                    .collect();
                keyed.sort_by_key(|(k, _)| *k);
                let links = keyed
                    .into_iter()
                    .zip(&strengths)
                    .map(|((_, l), &strength)| LinkInput { strength, ..l })
                    .collect();
                let hierarchy = parents
                    .into_iter()
                    .filter(|&(c, p)| {
                        c != p
                            && matches!(
                                relation_of(bits(c), bits(p)),
                                Relation::Equals | Relation::SubsetOf
                            )
                    })
                    .map(|(c, p)| (ClauseIdx(c), ClauseIdx(p)))
                    .collect();
                let input = NetworkInput {
                    clause_count: n as usize,
                    order: Vec::new(),
                    hierarchy,
                    links,
                };
                (input, min_strength)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// The fast `redundant_links` (classes, union-find, condensed searches)
    /// reports exactly the links the plain reverse-delete reports.
    #[test]
    fn redundant_links_match_the_plain_algorithm((input, min_strength) in shaped_network()) {
        let net = match Network::build(&input, min_strength) {
            Ok(n) => n,
            Err(e) => panic!("build failed: {e}"),
        };
        prop_assert_eq!(net.redundant_links(), net.redundant_links_plain());
    }

    /// The same on the small random networks of the brute-force tests.
    #[test]
    fn redundant_links_match_the_plain_algorithm_on_small_networks(input in model_network()) {
        let net = build(&input);
        prop_assert_eq!(net.redundant_links(), net.redundant_links_plain());
    }
}
