//! A reachability index over the ⊆ facts: `x ⊆* y` answered without a
//! search of `up(x)` for most pairs.
//!
//! The consistency check asks, for every `X ⊄ Y` fact, whether `X ⊆* Y`.
//! Searching `up(X)` each time is quadratic on a long chain of links (every
//! clause's up-set holds the rest of the chain). Here the ⊆ graph is
//! condensed into its strongly connected components (classes of equal
//! clauses) once; a query is then decided by the components' topological
//! positions and by GRAIL interval labels (Yıldırım et al., 2010: a DFS
//! post-order interval per node, `u` reaches `v` only if `v`'s interval lies
//! in `u`'s), which decide every pair exactly on trees and chains; the rare
//! undecided pair is settled by a search pruned by the same two tests.

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::adjacency::Csr;

/// How many interval labellings are kept (each from a different child order).
const LABELS: usize = 2;

/// The condensed ⊆ graph with its labels.
#[derive(Debug, Default)]
pub(super) struct Reach {
    /// The component of each clause.
    component: Vec<u32>,
    /// The components' edges (to the components of their ⊆-supersets), by
    /// component; a component's number is its position in reverse
    /// topological order, so every edge goes to a smaller number.
    out_offsets: Vec<u32>,
    out_targets: Vec<u32>,
    /// `[low, post]` of each component for each labelling.
    labels: Vec<[(u32, u32); LABELS]>,
}

impl Reach {
    /// The index of the ⊆ graph `up` over `node_count` clauses.
    pub(super) fn new(node_count: usize, up: &Csr) -> Reach {
        let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(node_count, up.len());
        for _ in 0..node_count {
            graph.add_node(());
        }
        for v in 0..node_count as u32 {
            for (w, _) in up.edges(v) {
                graph.add_edge(NodeIndex::new(v as usize), NodeIndex::new(w as usize), ());
            }
        }
        // Kosaraju lists the components in reverse topological order: an
        // edge always leads to a component listed earlier.
        let components = kosaraju_scc(&graph);
        drop(graph);
        let mut component = vec![0u32; node_count];
        for (id, members) in (0u32..).zip(&components) {
            for v in members {
                if let Some(c) = component.get_mut(v.index()) {
                    *c = id;
                }
            }
        }
        let count = components.len();
        let mut edges: Vec<(u32, u32)> = Vec::new();
        for (id, members) in (0u32..).zip(&components) {
            for v in members {
                for (w, _) in up.edges(v.index() as u32) {
                    let cw = component.get(w as usize).copied().unwrap_or(id);
                    if cw != id {
                        edges.push((id, cw));
                    }
                }
            }
        }
        drop(components);
        edges.sort_unstable();
        edges.dedup();
        let mut out_offsets = vec![0u32; count + 1];
        for &(from, _) in &edges {
            if let Some(o) = out_offsets.get_mut(from as usize + 1) {
                *o += 1;
            }
        }
        for i in 1..out_offsets.len() {
            let before = out_offsets.get(i - 1).copied().unwrap_or(0);
            if let Some(o) = out_offsets.get_mut(i) {
                *o += before;
            }
        }
        let out_targets: Vec<u32> = edges.iter().map(|&(_, to)| to).collect();
        let mut reach = Reach {
            component,
            out_offsets,
            out_targets,
            labels: vec![[(0, 0); LABELS]; count],
        };
        for k in 0..LABELS {
            reach.label(k);
        }
        reach
    }

    /// The edges leaving component `c`.
    fn children(&self, c: u32) -> &[u32] {
        let start = self.out_offsets.get(c as usize).copied().unwrap_or(0) as usize;
        let end = self.out_offsets.get(c as usize + 1).copied().unwrap_or(0) as usize;
        self.out_targets.get(start..end).unwrap_or(&[])
    }

    /// Fills labelling `k` by an iterative depth-first search from every
    /// component, children taken in order (`k` even) or reversed (`k` odd).
    fn label(&mut self, k: usize) {
        let count = self.labels.len();
        let mut done = vec![false; count];
        let mut post = 0u32;
        let mut stack: Vec<(u32, usize)> = Vec::new();
        let roots: Vec<u32> = if k % 2 == 0 {
            (0..count as u32).rev().collect()
        } else {
            (0..count as u32).collect()
        };
        for root in roots {
            if done.get(root as usize).copied().unwrap_or(true) {
                continue;
            }
            if let Some(d) = done.get_mut(root as usize) {
                *d = true;
            }
            stack.push((root, 0));
            while let Some(&mut (c, ref mut next)) = stack.last_mut() {
                let children = self.children(c);
                let child = if k % 2 == 0 {
                    children.get(*next).copied()
                } else {
                    children
                        .len()
                        .checked_sub(*next + 1)
                        .and_then(|i| children.get(i).copied())
                };
                *next += 1;
                match child {
                    Some(w) if !done.get(w as usize).copied().unwrap_or(true) => {
                        if let Some(d) = done.get_mut(w as usize) {
                            *d = true;
                        }
                        stack.push((w, 0));
                    }
                    Some(_) => {}
                    None => {
                        stack.pop();
                        let low = self
                            .children(c)
                            .iter()
                            .filter_map(|&w| self.labels.get(w as usize))
                            .map(|l| l.get(k).map_or(post, |&(lo, _)| lo))
                            .fold(post, u32::min);
                        if let Some(slot) =
                            self.labels.get_mut(c as usize).and_then(|l| l.get_mut(k))
                        {
                            *slot = (low, post);
                        }
                        post += 1;
                    }
                }
            }
        }
    }

    /// Whether the labels and positions allow component `from` to reach `to`.
    fn may_reach(&self, from: u32, to: u32) -> bool {
        if from < to {
            return false;
        }
        let (Some(lf), Some(lt)) = (self.labels.get(from as usize), self.labels.get(to as usize))
        else {
            return false;
        };
        lf.iter()
            .zip(lt)
            .all(|(&(flo, fpost), &(tlo, tpost))| flo <= tlo && tpost <= fpost)
    }

    /// Whether `x ⊆* y`.
    pub(super) fn reaches(&self, x: u32, y: u32, visited: &mut Vec<u32>) -> bool {
        let (Some(&cx), Some(&cy)) = (
            self.component.get(x as usize),
            self.component.get(y as usize),
        ) else {
            return false;
        };
        if cx == cy {
            return true;
        }
        if !self.may_reach(cx, cy) {
            return false;
        }
        // Undecided: a depth-first search that enters only components the
        // labels allow; `visited` holds what it entered, to be forgotten.
        visited.clear();
        let mut seen = std::collections::HashSet::new();
        visited.push(cx);
        seen.insert(cx);
        let mut head = 0;
        while let Some(&c) = visited.get(head) {
            head += 1;
            for &w in self.children(c) {
                if w == cy {
                    return true;
                }
                if self.may_reach(w, cy) && seen.insert(w) {
                    visited.push(w);
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::unwrap_used)]

    use super::*;
    use crate::mapper::adjacency::StepCode;

    fn brute(n: usize, edges: &[(u32, u32)], x: u32, y: u32) -> bool {
        let mut seen = vec![false; n];
        let mut stack = vec![x];
        seen[x as usize] = true;
        while let Some(v) = stack.pop() {
            if v == y {
                return true;
            }
            for &(a, b) in edges {
                if a == v && !seen[b as usize] {
                    seen[b as usize] = true;
                    stack.push(b);
                }
            }
        }
        false
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_a_plain_search(
            n in 1usize..12,
            raw in proptest::collection::vec((0u32..12, 0u32..12), 0..30),
        ) {
            let edges: Vec<(u32, u32)> = raw
                .into_iter()
                .map(|(a, b)| (a % n as u32, b % n as u32))
                .collect();
            let coded: Vec<(u32, u32, StepCode)> = edges
                .iter()
                .enumerate()
                .map(|(i, &(a, b))| (a, b, StepCode::link(i as u32, false)))
                .collect();
            let reach = Reach::new(n, &Csr::new(n, &coded));
            let mut visited = Vec::new();
            for x in 0..n as u32 {
                for y in 0..n as u32 {
                    proptest::prop_assert_eq!(
                        reach.reaches(x, y, &mut visited),
                        brute(n, &edges, x, y),
                        "{} ⊆* {}", x, y
                    );
                }
            }
        }
    }
}
