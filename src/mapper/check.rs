//! The consistency check run when a network is built.
//!
//! Looks for violations of the three conditions of the module documentation,
//! each by breadth-first searches over the ⊆ facts:
//!
//! 1. from every clause with a `X ⊄ Y` fact, search `up(X)` for `Y`;
//! 2. from one clause of every strongly connected component of the ⊆ graph
//!    that nothing outside it is contained in (a minimal clause: every other
//!    clause's up-set includes one of theirs), search its up-set for both
//!    ends of a `disjoint` link;
//! 3. from both sides of every `intersects` link, search the two up-sets for
//!    the two ends of a `disjoint` link.
//!
//! Steps 2 and 3 are skipped when there is no `disjoint` link. The cost is
//! the sum of the up-sets searched, which stays small when clauses sit in
//! shallow hierarchies with local links; no closure is ever stored.
//!
//! A consistent network (the usual case) is recognised first by a cheaper
//! test without proofs (`has_set_model`), which checks steps 2 and 3 from
//! the `disjoint` links' side; the searches above run only when it fails.

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::adjacency::{Csr, StepCode};
use super::marks::Slot;
use super::proof::ProofBuilder;
use super::search::Search;
use super::{ClauseIdx, Conflict, ConflictKind, LinkId, Network};

/// Every contradiction of `net`, at most one per accused link; `up_edges`
/// are the ⊆ facts `(sub, sup, step)` the network was built from.
pub(super) fn find_conflicts(net: &Network, up_edges: &[(u32, u32, StepCode)]) -> Vec<Conflict> {
    if has_set_model(net) {
        return Vec::new();
    }
    let mut visited = Vec::new();
    let mut out = Vec::new();
    let mut accused = vec![false; net.links.len()];
    let mut search = Search::new(net, &[]);
    let n = net.clause_count as u32;

    for x in 0..n {
        if !net
            .not_sub_out
            .edges(x)
            .any(|(y, _)| net.reach.reaches(x, y, &mut visited))
        {
            continue;
        }
        search.up_from(Slot::UpB, x, None);
        for (y, step) in net.not_sub_out.edges(x) {
            let Some(link) = step.link_id() else { continue };
            if !search.marks(Slot::UpB).contains(y) || !accuse(&mut accused, link) {
                continue;
            }
            let mut proof = search.up_path(Slot::UpB, y);
            proof.push(step);
            out.push(conflict(
                net,
                ConflictKind::NotSubset {
                    link,
                    sub: ClauseIdx(x),
                    sup: ClauseIdx(y),
                },
                proof,
            ));
        }
    }

    if !net.has_disjoint() {
        return out;
    }

    for z in minimal_clauses(net, up_edges) {
        search.up_from(Slot::UpB, z, None);
        let ups = search.marks(Slot::UpB).seen().to_vec();
        for c in ups {
            for (d, step) in net.disjoint.edges(c) {
                let Some(link) = step.link_id() else { continue };
                if !search.marks(Slot::UpB).contains(d) || !accuse(&mut accused, link) {
                    continue;
                }
                let mut proof = search.up_path(Slot::UpB, c);
                proof.extend(search.up_path(Slot::UpB, d));
                proof.push(step);
                out.push(conflict(
                    net,
                    ConflictKind::SharedPart {
                        link,
                        part: ClauseIdx(z),
                    },
                    proof,
                ));
            }
        }
    }

    for p in 0..n {
        if !net.overlap.has_edges(p) {
            continue;
        }
        search.up_from(Slot::UpA, p, None);
        for (q, overlap_step) in net.overlap.edges(p) {
            // Each link once, from its left clause; a link of a clause with
            // itself is a `NotSubset` conflict already.
            if overlap_step.is_reversed() || q == p {
                continue;
            }
            let Some(intersects) = overlap_step.link_id() else {
                continue;
            };
            search.up_from(Slot::UpB, q, None);
            let ups = search.marks(Slot::UpB).seen().to_vec();
            for d in ups {
                for (c, step) in net.disjoint.edges(d) {
                    let Some(link) = step.link_id() else { continue };
                    if !search.marks(Slot::UpA).contains(c) || !accuse(&mut accused, link) {
                        continue;
                    }
                    let mut proof = search.up_path(Slot::UpA, c);
                    proof.extend(search.up_path(Slot::UpB, d));
                    proof.push(overlap_step);
                    proof.push(step);
                    out.push(conflict(
                        net,
                        ConflictKind::SharedOverlap { link, intersects },
                        proof,
                    ));
                }
            }
        }
    }
    out
}

/// Whether the three conditions hold, without proofs; cheaper than the
/// search for conflicts, which runs only when this fails (and then reports
/// exactly what it always did). Condition 1 by the reachability index
/// (`reach.rs`: a search per `⊄` fact would be quadratic on a long chain
/// of links); conditions 2 and 3
/// from the `disjoint` links instead, usually far fewer than the
/// `intersects` ones: for each link `C disjoint D`, `down(C)` is marked once
/// and `down(D)` is searched for a marked clause or one with an
/// `intersects` partner marked.
fn has_set_model(net: &Network) -> bool {
    let n = net.clause_count;
    let (mut below_c, mut below_d) = (Sweep::new(n), Sweep::new(n));
    let mut visited = Vec::new();
    for x in 0..n as u32 {
        if net
            .not_sub_out
            .edges(x)
            .any(|(y, _)| net.reach.reaches(x, y, &mut visited))
        {
            return false;
        }
    }
    for c in 0..n as u32 {
        if !net.disjoint.has_edges(c) {
            continue;
        }
        below_c.search(&net.down, c);
        for (d, _) in net
            .disjoint
            .edges(c)
            .filter(|(_, step)| !step.is_reversed())
        {
            below_d.search(&net.down, d);
            let shared = below_d.seen.iter().any(|&z| {
                below_c.contains(z) || net.overlap.edges(z).any(|(w, _)| below_c.contains(w))
            });
            if shared {
                return false;
            }
        }
    }
    true
}

/// A bare reachability search: epoch stamps only (4 bytes a clause, so the
/// array stays in cache on large networks) and the visited clauses.
struct Sweep {
    stamp: Vec<u32>,
    epoch: u32,
    seen: Vec<u32>,
}

impl Sweep {
    fn new(node_count: usize) -> Sweep {
        Sweep {
            stamp: vec![0; node_count],
            epoch: 0,
            seen: Vec::new(),
        }
    }

    fn contains(&self, v: u32) -> bool {
        self.stamp.get(v as usize) == Some(&self.epoch)
    }

    /// Replaces the content with every clause reachable from `x` over `adjacency`.
    fn search(&mut self, adjacency: &Csr, x: u32) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        self.seen.clear();
        let epoch = self.epoch;
        if let Some(s) = self.stamp.get_mut(x as usize) {
            *s = epoch;
            self.seen.push(x);
        }
        let mut head = 0;
        while let Some(&v) = self.seen.get(head) {
            head += 1;
            for (w, _) in adjacency.edges(v) {
                if let Some(s) = self.stamp.get_mut(w as usize) {
                    if *s != epoch {
                        *s = epoch;
                        self.seen.push(w);
                    }
                }
            }
        }
    }
}

/// Marks `link` as accused; false when it already was.
fn accuse(accused: &mut [bool], link: LinkId) -> bool {
    match accused.get_mut(link.0 as usize) {
        Some(a) if !*a => {
            *a = true;
            true
        }
        _ => false,
    }
}

fn conflict(net: &Network, kind: ConflictKind, codes: Vec<StepCode>) -> Conflict {
    let mut proof = ProofBuilder::default();
    proof.extend(net, codes);
    Conflict {
        kind,
        steps: proof.steps,
    }
}

/// One clause of every strongly connected component of the ⊆ graph that
/// has no ⊆ fact coming from outside it, in index order.
fn minimal_clauses(net: &Network, up_edges: &[(u32, u32, StepCode)]) -> Vec<u32> {
    let n = net.clause_count;
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(n, up_edges.len());
    for _ in 0..n {
        graph.add_node(());
    }
    for &(x, y, _) in up_edges {
        graph.add_edge(NodeIndex::new(x as usize), NodeIndex::new(y as usize), ());
    }
    let mut component = vec![0u32; n];
    let components = kosaraju_scc(&graph);
    for (id, members) in (0u32..).zip(&components) {
        for v in members {
            if let Some(c) = component.get_mut(v.index()) {
                *c = id;
            }
        }
    }
    let mut out: Vec<u32> = components
        .iter()
        .filter_map(|members| {
            let ids: Vec<u32> = members.iter().map(|v| v.index() as u32).collect();
            let own = ids
                .first()
                .and_then(|&v| component.get(v as usize).copied());
            let entered = ids.iter().any(|&v| {
                net.down
                    .edges(v)
                    .any(|(w, _)| component.get(w as usize).copied() != own)
            });
            if entered {
                None
            } else {
                ids.into_iter().min()
            }
        })
        .collect();
    out.sort_unstable();
    out
}
