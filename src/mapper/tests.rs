//! Unit tests of the mapper: the examples of DESIGN §3 and the behaviour of
//! each query on small hand-written networks.

use super::*;
use Relation::{Disjoint as Dr, Equals as Eq, Intersects as Po, SubsetOf as Pp, SupersetOf as Ppi};

/// A network of `n` clauses with the given hierarchy and unrated links.
fn network(n: usize, hierarchy: &[(u32, u32)], links: &[(u32, Relation, u32)]) -> Network {
    match Network::build(&network_input(n, hierarchy, links), None) {
        Ok(net) => net,
        Err(e) => panic!("the test network does not build: {e}"),
    }
}

fn network_input(
    n: usize,
    hierarchy: &[(u32, u32)],
    links: &[(u32, Relation, u32)],
) -> NetworkInput {
    NetworkInput {
        clause_count: n,
        order: Vec::new(),
        hierarchy: hierarchy
            .iter()
            .map(|&(c, p)| (ClauseIdx(c), ClauseIdx(p)))
            .collect(),
        links: links
            .iter()
            .map(|&(a, relation, b)| LinkInput {
                a: ClauseIdx(a),
                relation,
                b: ClauseIdx(b),
                strength: None,
            })
            .collect(),
    }
}

fn set(rs: &[Relation]) -> RelationSet {
    rs.iter().copied().collect()
}

fn link(i: u32) -> Step {
    Step::Link {
        link: LinkId(i),
        reversed: false,
    }
}

fn relation(net: &Network, a: u32, b: u32) -> RelationSet {
    net.relation(ClauseIdx(a), ClauseIdx(b)).relations
}

#[test]
fn a_declared_link_is_its_own_proof() {
    // LABELIX:4.2 subset-of ISO15189-2022:6.4 (DESIGN §2 example)
    let net = network(2, &[], &[(0, Pp, 1)]);
    assert!(net.is_consistent());
    let answer = net.relation(ClauseIdx(0), ClauseIdx(1));
    assert_eq!(answer.relations, set(&[Pp]));
    assert_eq!(answer.proof, vec![link(0)]);
    assert_eq!(relation(&net, 1, 0), set(&[Ppi]));
    assert_eq!(
        net.entails_subset(ClauseIdx(0), ClauseIdx(1)),
        Some(vec![link(0)])
    );
    assert_eq!(net.entails_subset(ClauseIdx(1), ClauseIdx(0)), None);
    assert_eq!(
        net.entails_overlap(ClauseIdx(1), ClauseIdx(0)),
        Some(vec![link(0)])
    );
}

#[test]
fn unrelated_clauses_may_be_anything_and_need_no_proof() {
    let net = network(3, &[], &[(0, Pp, 1)]);
    let answer = net.relation(ClauseIdx(0), ClauseIdx(2));
    assert_eq!(answer.relations, RelationSet::ALL);
    assert!(answer.proof.is_empty());
    assert_eq!(relation(&net, 2, 2), set(&[Eq]));
    assert!(net.related(ClauseIdx(2)).is_empty());
}

#[test]
fn compositions_of_the_spec_hold_in_networks() {
    // A → B → C with the first and second relation; answer for A, C
    let cases = [
        (Pp, Pp, set(&[Pp])),
        (Ppi, Pp, set(&[Eq, Pp, Ppi, Po])),
        (Dr, Ppi, set(&[Dr])),
        (Pp, Dr, set(&[Dr])),
        (Po, Po, RelationSet::ALL),
        (Pp, Po, set(&[Pp, Po, Dr])),
        (Eq, Po, set(&[Po])),
    ];
    for (r, s, want) in cases {
        let net = network(3, &[], &[(0, r, 1), (1, s, 2)]);
        assert_eq!(relation(&net, 0, 2), want, "{r} then {s}");
        assert_eq!(relation(&net, 0, 2), r.compose(s));
    }
}

#[test]
fn a_proof_chains_the_links_it_uses() {
    // 0 ⊂ 1 ⊂ 2 by two links; 3 is unrelated noise
    let net = network(4, &[], &[(0, Pp, 1), (1, Pp, 2), (3, Po, 2)]);
    let answer = net.relation(ClauseIdx(0), ClauseIdx(2));
    assert_eq!(answer.relations, set(&[Pp]));
    let mut links: Vec<u32> = answer
        .proof
        .iter()
        .filter_map(|s| s.link())
        .map(|l| l.0)
        .collect();
    links.sort_unstable();
    assert_eq!(links, vec![0, 1]);
    assert_eq!(
        net.entails_subset(ClauseIdx(0), ClauseIdx(2)),
        Some(vec![link(0), link(1)])
    );
}

#[test]
fn the_shortest_chain_is_the_proof() {
    // 0 ⊆ 1 ⊆ 2 ⊆ 3 and directly 0 ⊂ 3
    let net = network(4, &[(0, 1), (1, 2), (2, 3)], &[(0, Pp, 3)]);
    assert_eq!(
        net.entails_subset(ClauseIdx(0), ClauseIdx(3)),
        Some(vec![link(0)])
    );
    let answer = net.relation(ClauseIdx(0), ClauseIdx(3));
    assert_eq!(answer.relations, set(&[Pp]));
    assert_eq!(answer.proof, vec![link(0)]);
}

#[test]
fn sub_clauses_are_part_of_their_parent() {
    // 1 and 2 are sub-clauses of 0
    let net = network(3, &[(1, 0), (2, 0)], &[]);
    assert_eq!(relation(&net, 1, 0), set(&[Eq, Pp]));
    assert_eq!(
        net.relation(ClauseIdx(1), ClauseIdx(0)).proof,
        vec![Step::Hierarchy {
            child: ClauseIdx(1),
            parent: ClauseIdx(0)
        }]
    );
    assert_eq!(relation(&net, 1, 2), RelationSet::ALL);
    assert_eq!(net.supersets_of(ClauseIdx(1)), vec![ClauseIdx(0)]);
    assert_eq!(
        net.subsets_of(ClauseIdx(0)),
        vec![ClauseIdx(1), ClauseIdx(2)]
    );
}

#[test]
fn evidence_carries_along_subset_only() {
    // 0 ⊂ 1, 1 intersects 2
    let net = network(3, &[], &[(0, Pp, 1), (1, Po, 2)]);
    assert!(net.entails_subset(ClauseIdx(0), ClauseIdx(1)).is_some());
    assert!(net.entails_overlap(ClauseIdx(1), ClauseIdx(2)).is_some());
    // intersects does not chain: 0 may be disjoint from 2
    assert!(net.entails_overlap(ClauseIdx(0), ClauseIdx(2)).is_none());
    assert_eq!(relation(&net, 0, 2), set(&[Pp, Po, Dr]));
}

#[test]
fn equal_clauses_form_a_class() {
    let net = network(3, &[], &[(0, Eq, 1), (1, Eq, 2)]);
    assert_eq!(relation(&net, 0, 2), set(&[Eq]));
    assert_eq!(relation(&net, 2, 0), set(&[Eq]));
    let related = net.related(ClauseIdx(0));
    assert_eq!(related.len(), 2);
    assert!(related.iter().all(|(_, a)| a.relations == set(&[Eq])));
}

#[test]
fn subset_and_intersects_on_the_same_pair_conflict() {
    let net = network(2, &[], &[(0, Pp, 1), (0, Po, 1)]);
    assert_eq!(net.conflicts().len(), 1);
    let conflict = &net.conflicts()[..1];
    assert_eq!(conflict[0].links(), vec![LinkId(0), LinkId(1)]);
    assert!(matches!(
        conflict[0].kind,
        ConflictKind::NotSubset {
            link: LinkId(1),
            sub: ClauseIdx(0),
            sup: ClauseIdx(1)
        }
    ));
    // an inconsistent network allows nothing
    assert_eq!(relation(&net, 0, 1), RelationSet::EMPTY);
    assert!(net.related(ClauseIdx(0)).is_empty());
    assert!(net.redundant_links().is_empty());
}

#[test]
fn disjoint_clauses_cannot_share_a_part() {
    // 2 ⊆ 0 (hierarchy), 2 ⊂ 1 (link), 0 disjoint 1
    let net = network(3, &[(2, 0)], &[(2, Pp, 1), (0, Dr, 1)]);
    assert_eq!(net.conflicts().len(), 1);
    let conflict = net.conflicts().first().map(|c| (c.kind, c.steps.len()));
    assert_eq!(
        conflict,
        Some((
            ConflictKind::SharedPart {
                link: LinkId(1),
                part: ClauseIdx(2)
            },
            3
        ))
    );
    let text = net
        .conflicts()
        .first()
        .map(|c| c.explain(|c| format!("C{}", c.0)));
    assert_eq!(
        text.as_deref(),
        Some("the clauses of a `disjoint` link both contain `C2`, so they share obligations")
    );
}

#[test]
fn disjoint_clauses_cannot_contain_overlapping_ones() {
    // 2 ⊂ 0, 3 ⊂ 1, 2 intersects 3, 0 disjoint 1
    let net = network(4, &[], &[(2, Pp, 0), (3, Pp, 1), (2, Po, 3), (0, Dr, 1)]);
    let kinds: Vec<ConflictKind> = net.conflicts().iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        vec![ConflictKind::SharedOverlap {
            link: LinkId(3),
            intersects: LinkId(2)
        }]
    );
    let mut links = net
        .conflicts()
        .first()
        .map(Conflict::links)
        .unwrap_or_default();
    links.sort_unstable();
    assert_eq!(links, vec![LinkId(0), LinkId(1), LinkId(2), LinkId(3)]);
}

#[test]
fn a_clause_is_never_empty() {
    for r in [Pp, Ppi, Po, Dr] {
        let net = network(1, &[], &[(0, r, 0)]);
        assert!(!net.is_consistent(), "{r} with itself");
    }
    assert!(network(1, &[], &[(0, Eq, 0)]).is_consistent());
}

#[test]
fn redundant_links_are_the_later_implied_ones() {
    // 0 ⊂ 1 ⊂ 2, then 0 ⊂ 2 (implied), then a duplicate of the first link
    let net = network(3, &[], &[(0, Pp, 1), (1, Pp, 2), (0, Pp, 2), (0, Pp, 1)]);
    assert_eq!(net.redundant_links(), vec![LinkId(3), LinkId(2)]);
    // a hierarchy edge does not make a proper-subset link redundant
    let net = network(2, &[(0, 1)], &[(0, Pp, 1)]);
    assert!(net.redundant_links().is_empty());
    let net = network(2, &[(0, 1)], &[(1, Ppi, 0), (0, Dr, 1)]);
    assert!(!net.is_consistent());
}

#[test]
fn weak_links_are_dropped_below_min_strength() {
    let input = NetworkInput {
        clause_count: 3,
        order: Vec::new(),
        hierarchy: Vec::new(),
        links: vec![
            LinkInput {
                a: ClauseIdx(0),
                relation: Pp,
                b: ClauseIdx(1),
                strength: Some(3),
            },
            LinkInput {
                a: ClauseIdx(1),
                relation: Eq,
                b: ClauseIdx(2),
                strength: None,
            },
        ],
    };
    let all = Network::build(&input, None).ok();
    assert_eq!(all.as_ref().map(|n| relation(n, 0, 2)), Some(set(&[Pp])));
    let strong = Network::build(&input, Some(5)).ok();
    assert_eq!(
        strong.as_ref().map(|n| relation(n, 0, 2)),
        Some(RelationSet::ALL)
    );
    assert_eq!(strong.as_ref().map(|n| relation(n, 1, 2)), Some(set(&[Eq])));
    assert_eq!(strong.as_ref().map(|n| n.is_active(LinkId(0))), Some(false));
    assert_eq!(strong.as_ref().map(Network::active_link_count), Some(1));
    assert_eq!(strong.as_ref().map(Network::link_count), Some(2));
}

#[test]
fn out_of_range_clauses_are_an_error() {
    let input = network_input(2, &[], &[(0, Pp, 2)]);
    let err = Network::build(&input, None).err();
    assert_eq!(
        err,
        Some(NetworkError::ClauseOutOfRange {
            index: 2,
            clause_count: 2
        })
    );
}

#[test]
fn related_lists_every_clause_with_a_known_relation() {
    // 0 ⊂ 1 (hierarchy), 1 intersects 2, 3 disjoint 1, 4 unrelated
    let net = network(5, &[(0, 1)], &[(1, Po, 2), (3, Dr, 1)]);
    let related: Vec<(u32, RelationSet)> = net
        .related(ClauseIdx(0))
        .into_iter()
        .map(|(b, a)| (b.0, a.relations))
        .collect();
    assert_eq!(
        related,
        vec![
            (1, set(&[Eq, Pp])),
            (2, set(&[Pp, Po, Dr])),
            (3, set(&[Dr]))
        ]
    );
}

#[test]
fn carried_evidence_sets_split_related() {
    // 0 ⊂ 1 (hierarchy), 1 equals 4, 1 intersects 2, 3 disjoint 1
    let net = network(5, &[(0, 1)], &[(1, Eq, 4), (1, Po, 2), (3, Dr, 1)]);
    let ids = |cs: &[u32]| cs.iter().map(|&c| ClauseIdx(c)).collect::<Vec<_>>();
    // 2 may be disjoint from the part 0 of 1; 3 shares nothing with it
    assert_eq!(
        net.supersets_and_overlaps(ClauseIdx(0)),
        (ids(&[1, 4]), ids(&[]))
    );
    // 1 contains 0 and overlaps 2
    assert_eq!(
        net.supersets_and_overlaps(ClauseIdx(1)),
        (ids(&[4]), ids(&[0, 2]))
    );
    let bad = network(2, &[], &[(0, Pp, 1), (1, Pp, 0)]);
    assert_eq!(
        bad.supersets_and_overlaps(ClauseIdx(0)),
        (ids(&[]), ids(&[]))
    );
}

#[test]
fn answers_and_steps_serialize_as_documented() {
    let net = network(3, &[(0, 1)], &[(1, Ppi, 2)]);
    let answer = net.relation(ClauseIdx(0), ClauseIdx(1));
    let json = serde_json::to_string(&answer).unwrap_or_default();
    assert_eq!(
        json,
        r#"{"relations":["equals","subset-of"],"proof":[{"kind":"hierarchy","child":0,"parent":1}]}"#
    );
    let answer = net.relation(ClauseIdx(2), ClauseIdx(1));
    let json = serde_json::to_string(&answer).unwrap_or_default();
    assert_eq!(
        json,
        r#"{"relations":["subset-of"],"proof":[{"kind":"link","link":0,"reversed":false}]}"#
    );
    assert_eq!(
        net.step_ends(Step::Link {
            link: LinkId(0),
            reversed: true
        }),
        Some((ClauseIdx(2), ClauseIdx(1)))
    );
}
