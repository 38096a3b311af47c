//! [`Network::redundant_links`] in near-linear time on large networks.
//!
//! The plain algorithm ([`Network::redundant_links_plain`]) tries each link
//! from the last declared to the first with searches over the remaining
//! links; on a ring or chain of 10⁵ clauses those searches make it
//! quadratic. This one gives the same answer from three facts:
//!
//! - Every reported link is entailed by the others, so removing it keeps the
//!   models, hence `⊆*` (entailment of `⊆` in a consistent network): the
//!   strongly connected components of the ⊆ graph (the *classes*) and
//!   reachability between them never change during the pass. Searches run
//!   on the condensed graph, with no regard to removed links, and only the
//!   facts they look for (`⊄`, `intersects`, `disjoint`) must be present.
//! - An `equals` link only joins clauses of one class, and in a consistent
//!   network the only other ⊆ edges inside a class are sub-clause edges. In
//!   a class made of `equals` links alone, reverse-delete by declaration
//!   order keeps exactly Kruskal's spanning forest: a link is redundant iff
//!   the earlier links already connect its ends (one union-find pass).
//! - A `subset-of` or `superset-of` link `lo ⊆ hi` between classes `X → Y`
//!   still has `lo ⊆* hi` without it iff another ⊆ edge `X → Y` is still
//!   present or the condensed edge `X → Y` is not in the transitive
//!   reduction (another path `X → Z ⇝ Y`), which never changes.
//!
//! Each check exits at its first witness and builds no proof. Anything the
//! fast path does not cover falls back to the plain check.

use super::adjacency::{Csr, StepCode};
use super::search::Search;
use super::{LinkId, Network, Relation};

/// Sentinel for "none" in the `u32` arrays below.
const NONE: u32 = u32::MAX;

/// The links [`Network::redundant_links`] reports, in decreasing index order.
pub(super) fn redundant_links(net: &Network) -> Vec<LinkId> {
    let mut pass = Pass::new(net);
    let mut out = Vec::new();
    for i in (0..net.links.len()).rev() {
        if !net.active.get(i).copied().unwrap_or(false) {
            continue;
        }
        if pass.decide(i) {
            out.push(LinkId(i as u32));
        }
    }
    out
}

/// `list[i]`, or `NONE` out of range (never, for the indices used here).
fn at(list: &[u32], i: u32) -> u32 {
    list.get(i as usize).copied().unwrap_or(NONE)
}

/// Lists in compressed rows: `items[offsets[k]..offsets[k + 1]]` is row `k`.
struct Rows<T = u32> {
    offsets: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy + Default> Rows<T> {
    /// Rows `0..rows` from `(row, item)` pairs, items in pair order.
    fn new(rows: usize, pairs: &[(u32, T)]) -> Rows<T> {
        let mut offsets = vec![0u32; rows + 1];
        for &(r, _) in pairs {
            if let Some(o) = offsets.get_mut(r as usize + 1) {
                *o += 1;
            }
        }
        for k in 1..offsets.len() {
            let before = offsets.get(k - 1).copied().unwrap_or(0);
            if let Some(o) = offsets.get_mut(k) {
                *o += before;
            }
        }
        let mut fill = offsets.clone();
        let mut items = vec![T::default(); pairs.len()];
        for &(r, item) in pairs {
            if let Some(pos) = fill.get_mut(r as usize) {
                if let Some(slot) = items.get_mut(*pos as usize) {
                    *slot = item;
                }
                *pos += 1;
            }
        }
        Rows { offsets, items }
    }

    /// The positions `offsets[k]..offsets[k + 1]` of row `k`.
    fn span(&self, k: u32) -> std::ops::Range<u32> {
        let start = self.offsets.get(k as usize).copied().unwrap_or(0);
        let end = self.offsets.get(k as usize + 1).copied().unwrap_or(start);
        start..end
    }

    /// Row `k`.
    fn row(&self, k: u32) -> &[T] {
        let r = self.span(k);
        self.items
            .get(r.start as usize..r.end as usize)
            .unwrap_or(&[])
    }
}

/// A set of nodes filled by one search, emptied in O(1) by an epoch.
struct Walk {
    stamp: Vec<u32>,
    epoch: u32,
    list: Vec<u32>,
}

impl Walk {
    fn new(nodes: usize) -> Walk {
        Walk {
            stamp: vec![0; nodes],
            epoch: 1,
            list: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        self.list.clear();
    }

    fn contains(&self, v: u32) -> bool {
        self.stamp.get(v as usize) == Some(&self.epoch)
    }

    /// Adds `v`; false when it was there.
    fn insert(&mut self, v: u32) -> bool {
        match self.stamp.get_mut(v as usize) {
            Some(s) if *s != self.epoch => {
                *s = self.epoch;
                self.list.push(v);
                true
            }
            _ => false,
        }
    }
}

/// The strongly connected components of the ⊆ graph, numbered in the order
/// Tarjan's algorithm closes them: a class reaches only classes of smaller
/// numbers, so the numbers are a reverse topological order.
struct Classes {
    of: Vec<u32>,
    count: usize,
}

impl Classes {
    /// Iterative Tarjan over `up` (a chain of 10⁵ clauses would overflow a
    /// recursive one).
    fn new(up: &Csr, n: usize) -> Classes {
        let mut index = vec![NONE; n];
        let mut low = vec![0u32; n];
        let mut of = vec![NONE; n];
        let mut stack: Vec<u32> = Vec::new();
        let (mut next, mut count) = (0u32, 0u32);
        for root in 0..n as u32 {
            if at(&index, root) != NONE {
                continue;
            }
            let mut frames = vec![(root, up.edges(root))];
            set(&mut index, root, next);
            set(&mut low, root, next);
            next += 1;
            stack.push(root);
            while let Some((v, edges)) = frames.last_mut() {
                let v = *v;
                if let Some((w, _)) = edges.next() {
                    if at(&index, w) == NONE {
                        set(&mut index, w, next);
                        set(&mut low, w, next);
                        next += 1;
                        stack.push(w);
                        frames.push((w, up.edges(w)));
                    } else if at(&of, w) == NONE {
                        // on the stack: w is an ancestor or in an open class
                        let m = at(&low, v).min(at(&index, w));
                        set(&mut low, v, m);
                    }
                    continue;
                }
                frames.pop();
                if let Some(&(u, _)) = frames.last() {
                    let m = at(&low, u).min(at(&low, v));
                    set(&mut low, u, m);
                }
                if at(&low, v) == at(&index, v) {
                    while let Some(w) = stack.pop() {
                        set(&mut of, w, count);
                        if w == v {
                            break;
                        }
                    }
                    count += 1;
                }
            }
        }
        Classes {
            count: count as usize,
            of,
        }
    }

    fn count(&self) -> usize {
        self.count
    }

    fn of(&self, v: u32) -> u32 {
        at(&self.of, v)
    }
}

fn set(list: &mut [u32], i: u32, value: u32) {
    if let Some(slot) = list.get_mut(i as usize) {
        *slot = value;
    }
}

/// The condensed ⊆ graph: one *group* per pair of classes `X → Y` joined by
/// ⊆ edges, numbered so that the groups leaving `X` are `up.span(X)`.
struct Dag {
    /// Row `X`: the target class of each group leaving `X`.
    up: Rows,
    /// Row `Y`: the groups entering `Y`.
    down: Rows,
    /// The source class of each group.
    source: Vec<u32>,
    /// Present ⊆ edges of each group (links not yet reported, sub-clause edges).
    present: Vec<u32>,
    /// Present `subset-of` and `superset-of` links of each group.
    proper: Vec<u32>,
    /// Whether another path `X → Z ⇝ Y` exists: 0 not known yet, 1 yes, 2 no.
    bypass: Vec<u8>,
    /// The group of each `subset-of` and `superset-of` link.
    group_of: Vec<u32>,
    /// Whether each class's inner ⊆ edges all come from `equals` links.
    symmetric: Vec<bool>,
}

impl Dag {
    fn new(net: &Network, classes: &Classes) -> Dag {
        let mut symmetric = vec![true; classes.count()];
        let mut edges: Vec<(u32, u32, u32)> = Vec::new();
        for v in 0..net.clause_count as u32 {
            let x = classes.of(v);
            for (w, step) in net.up.edges(v) {
                let y = classes.of(w);
                if x != y {
                    edges.push((x, y, step.bits()));
                } else if relation_of(net, step) != Some(Relation::Equals) {
                    if let Some(s) = symmetric.get_mut(x as usize) {
                        *s = false;
                    }
                }
            }
        }
        edges.sort_unstable();
        let mut group_of = vec![NONE; net.links.len()];
        let (mut up_pairs, mut source, mut present, mut proper) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut last = None;
        for &(x, y, bits) in &edges {
            if last != Some((x, y)) {
                last = Some((x, y));
                up_pairs.push((x, y));
                source.push(x);
                present.push(0u32);
                proper.push(0u32);
            }
            let g = (source.len() - 1) as u32;
            if let Some(p) = present.last_mut() {
                *p += 1;
            }
            let step = StepCode::from_bits(bits);
            if let Some(link) = step.link_id() {
                if let Some(slot) = group_of.get_mut(link.0 as usize) {
                    *slot = g;
                }
                if matches!(
                    relation_of(net, step),
                    Some(Relation::SubsetOf | Relation::SupersetOf)
                ) {
                    if let Some(p) = proper.last_mut() {
                        *p += 1;
                    }
                }
            }
        }
        drop(edges);
        let down_pairs: Vec<(u32, u32)> =
            (0u32..).zip(&up_pairs).map(|(g, &(_, y))| (y, g)).collect();
        let groups = source.len();
        Dag {
            up: Rows::new(classes.count(), &up_pairs),
            down: Rows::new(classes.count(), &down_pairs),
            source,
            present,
            proper,
            bypass: vec![0; groups],
            group_of,
            symmetric,
        }
    }

    fn target(&self, g: u32) -> u32 {
        at(&self.up.items, g)
    }
}

/// One kind of fact (`⊄`, `intersects`, `disjoint`) between classes: row
/// `X` holds `(class, link)` for each fact from a clause of `X`, sorted by
/// class, so that a pair of classes is found by binary search and a row is
/// scanned without looking clauses up.
struct Facts(Rows<(u32, u32)>);

impl Facts {
    fn new(kind: &Csr, classes: &Classes) -> Facts {
        let mut pairs: Vec<(u32, (u32, u32))> = Vec::with_capacity(kind.len());
        for v in 0..classes.of.len() as u32 {
            let x = classes.of(v);
            for (w, step) in kind.edges(v) {
                if let Some(link) = step.link_id() {
                    pairs.push((x, (classes.of(w), link.0)));
                }
            }
        }
        let mut facts = Facts(Rows::new(classes.count(), &pairs));
        for x in 0..classes.count() as u32 {
            let r = facts.0.span(x);
            if let Some(row) = facts.0.items.get_mut(r.start as usize..r.end as usize) {
                row.sort_unstable();
            }
        }
        facts
    }

    fn row(&self, x: u32) -> &[(u32, u32)] {
        self.0.row(x)
    }
}

/// The relation of the link a step comes from (`None` for a sub-clause edge).
fn relation_of(net: &Network, step: StepCode) -> Option<Relation> {
    step.link_id()
        .and_then(|l| net.links.get(l.0 as usize))
        .map(|l| l.relation)
}

/// The class walks of a pass.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    DownX,
    DownY,
    UpX,
    UpY,
    Shared,
}

/// Which way a closure follows the condensed graph.
#[derive(Clone, Copy)]
enum Dir {
    Up,
    Down,
}

/// The state of one pass: the condensed graph, the links reported so far and
/// the search scratch.
struct Pass<'n> {
    net: &'n Network,
    classes: Classes,
    dag: Dag,
    /// Whether each `equals` link of a symmetric class is redundant.
    equals_redundant: Vec<bool>,
    not_sub: Facts,
    overlap: Facts,
    disjoint: Facts,
    removed: Vec<bool>,
    /// Classes: `down` and `up` of the two ends, shared, a path search.
    down_x: Walk,
    down_y: Walk,
    up_x: Walk,
    up_y: Walk,
    shared: Walk,
    path: Walk,
    /// For `path`: the group each class was reached by.
    via: Vec<u32>,
    /// Clauses, for `equals` links in classes with sub-clause edges.
    clauses: Walk,
}

impl<'n> Pass<'n> {
    fn new(net: &'n Network) -> Pass<'n> {
        let classes = Classes::new(&net.up, net.clause_count);
        let dag = Dag::new(net, &classes);
        let c = classes.count();
        let equals_redundant = kruskal(net, &classes, &dag.symmetric);
        Pass {
            not_sub: Facts::new(&net.not_sub_out, &classes),
            overlap: Facts::new(&net.overlap, &classes),
            disjoint: Facts::new(&net.disjoint, &classes),
            net,
            classes,
            dag,
            equals_redundant,
            removed: vec![false; net.links.len()],
            down_x: Walk::new(c),
            down_y: Walk::new(c),
            up_x: Walk::new(c),
            up_y: Walk::new(c),
            shared: Walk::new(c),
            path: Walk::new(c),
            via: vec![NONE; c],
            clauses: Walk::new(net.clause_count),
        }
    }

    /// Whether link `i` is implied by the links still present; if so it is
    /// removed.
    fn decide(&mut self, i: usize) -> bool {
        let Some(&link) = self.net.links.get(i) else {
            return false;
        };
        if let Some(r) = self.removed.get_mut(i) {
            *r = true;
        }
        let (a, b) = (link.a.0, link.b.0);
        let (x, y) = (self.classes.of(a), self.classes.of(b));
        let implied = match link.relation {
            Relation::Equals if x == y && self.dag.symmetric.get(x as usize) == Some(&true) => {
                self.equals_redundant.get(i).copied().unwrap_or(false)
            }
            Relation::Equals if x == y => self.within_class(a, b) && self.within_class(b, a),
            Relation::SubsetOf if x != y => self.proper_implied(i, x, y),
            Relation::SupersetOf if x != y => self.proper_implied(i, y, x),
            Relation::Intersects if x != y => self.intersects_implied(x, y),
            Relation::Disjoint if x != y => self.disjoint_implied(x, y),
            // only in inconsistent networks, which have no redundant links
            _ => Search::new(self.net, &self.removed).implies(&link),
        };
        if implied {
            let g = at(&self.dag.group_of, i as u32);
            if let Some(p) = self.dag.present.get_mut(g as usize) {
                *p = p.saturating_sub(1);
            }
            if matches!(link.relation, Relation::SubsetOf | Relation::SupersetOf) {
                if let Some(p) = self.dag.proper.get_mut(g as usize) {
                    *p = p.saturating_sub(1);
                }
            }
        } else if let Some(r) = self.removed.get_mut(i) {
            *r = false;
        }
        implied
    }

    /// Whether `link` is still present (not reported, not the link decided).
    fn present(&self, step: StepCode) -> bool {
        step.link_id()
            .is_none_or(|l| !self.removed.get(l.0 as usize).copied().unwrap_or(true))
    }

    /// `a ⊆* b` over present ⊆ edges inside their class.
    fn within_class(&mut self, a: u32, b: u32) -> bool {
        let net = self.net;
        let class = self.classes.of(a);
        self.clauses.clear();
        self.clauses.insert(a);
        let mut head = 0;
        while let Some(&v) = self.clauses.list.get(head) {
            head += 1;
            for (w, step) in net.up.edges(v) {
                if self.classes.of(w) == class
                    && self.present(step)
                    && self.clauses.insert(w)
                    && w == b
                {
                    return true;
                }
            }
        }
        a == b
    }

    /// `lo ⊆ hi` (a `subset-of` or `superset-of` link `i` from class `x` to
    /// class `y`) is implied: `lo ⊆* hi` without it, and adding `hi ⊆ lo`
    /// breaks the network.
    fn proper_implied(&mut self, i: usize, x: u32, y: u32) -> bool {
        let g = at(&self.dag.group_of, i as u32);
        // the link itself is still counted in its group
        let parallel = at(&self.dag.present, g) >= 2;
        if !parallel && !self.bypassed(x, g) {
            return false;
        }
        if at(&self.dag.proper, g) >= 2 || self.proper_path(x, y) {
            return true;
        }
        self.closure(Slot::DownY, y, Dir::Down);
        self.closure(Slot::UpX, x, Dir::Up);
        self.core(Slot::DownY, Slot::UpX)
    }

    /// Whether the group `g` leaving `x` has another path `x → z ⇝ target`:
    /// computed for every group leaving `x` at once, by one search from
    /// `x`'s targets that never enters a class numbered below all of them.
    fn bypassed(&mut self, x: u32, g: u32) -> bool {
        if self.dag.bypass.get(g as usize) == Some(&0) {
            let span = self.dag.up.span(x);
            let targets = self.dag.up.row(x);
            let floor = targets.iter().copied().min().unwrap_or(0);
            // `path` holds the classes reached by at least one edge; `shared`
            // those queued
            self.path.clear();
            self.shared.clear();
            for &z in targets {
                self.shared.insert(z);
            }
            let mut head = 0;
            while let Some(&u) = self.shared.list.get(head) {
                head += 1;
                for &w in self.dag.up.row(u) {
                    if w >= floor {
                        self.path.insert(w);
                        self.shared.insert(w);
                    }
                }
            }
            for h in span {
                let reached = self.path.contains(self.dag.target(h));
                if let Some(b) = self.dag.bypass.get_mut(h as usize) {
                    *b = if reached { 1 } else { 2 };
                }
            }
        }
        self.dag.bypass.get(g as usize) == Some(&1)
    }

    /// A path `x → z ⇝ y` (`z ≠ y`) with a present `subset-of` or
    /// `superset-of` link on it: its `⊄` fact makes adding `y ⊆ x` break the
    /// network. Looks at the first such path found only.
    fn proper_path(&mut self, x: u32, y: u32) -> bool {
        self.path.clear();
        let mut head = 0;
        self.path.insert(x);
        set(&mut self.via, x, NONE);
        while let Some(&u) = self.path.list.get(head) {
            head += 1;
            for g in self.dag.up.span(u) {
                let w = self.dag.target(g);
                if (u == x && w == y) || w < y || !self.path.insert(w) {
                    continue;
                }
                set(&mut self.via, w, g);
                if w == y {
                    return self.path_is_proper(y);
                }
            }
        }
        false
    }

    /// Whether the path search's way to `y` has a present proper link.
    fn path_is_proper(&self, mut v: u32) -> bool {
        while let Some(g) = Some(at(&self.via, v)).filter(|&g| g != NONE) {
            if at(&self.dag.proper, g) > 0 {
                return true;
            }
            v = at(&self.dag.source, g);
        }
        false
    }

    /// `a intersects b` (classes `x ≠ y`) is implied: the two share
    /// obligations without it and each sticks out of the other.
    fn intersects_implied(&mut self, x: u32, y: u32) -> bool {
        self.closure(Slot::DownX, x, Dir::Down);
        self.closure(Slot::DownY, y, Dir::Down);
        if !self.overlap() {
            return false;
        }
        self.closure(Slot::UpY, y, Dir::Up);
        if !self.core(Slot::DownX, Slot::UpY) {
            return false;
        }
        self.closure(Slot::UpX, x, Dir::Up);
        self.core(Slot::DownY, Slot::UpX)
    }

    /// `a disjoint b` is implied: a present `disjoint` link joins `up(a)` and `up(b)`.
    fn disjoint_implied(&mut self, x: u32, y: u32) -> bool {
        self.closure(Slot::UpX, x, Dir::Up);
        self.closure(Slot::UpY, y, Dir::Up);
        let (small, large) = if self.up_x.list.len() <= self.up_y.list.len() {
            (&self.up_x, &self.up_y)
        } else {
            (&self.up_y, &self.up_x)
        };
        self.any_fact(small, &self.disjoint, large)
    }

    /// `down(x)` and `down(y)` share a class or a present `intersects` link.
    fn overlap(&self) -> bool {
        let (small, large) = if self.down_x.list.len() <= self.down_y.list.len() {
            (&self.down_x, &self.down_y)
        } else {
            (&self.down_y, &self.down_x)
        };
        small.list.iter().any(|&c| large.contains(c)) || self.any_fact(small, &self.overlap, large)
    }

    /// Whether link `l` is still present.
    fn link_present(&self, l: u32) -> bool {
        !self.removed.get(l as usize).copied().unwrap_or(true)
    }

    /// A present fact of `facts` from a class in `from` to a class in `to`:
    /// each row of `from` is scanned, or searched for each class of `to`
    /// when that is shorter.
    fn any_fact(&self, from: &Walk, facts: &Facts, to: &Walk) -> bool {
        from.list.iter().any(|&c| {
            let row = facts.row(c);
            if row.len() <= 4 * to.list.len() {
                row.iter()
                    .any(|&(d, l)| to.contains(d) && self.link_present(l))
            } else {
                to.list.iter().any(|&d| {
                    let first = row.partition_point(|&(e, _)| e < d);
                    row.get(first..)
                        .unwrap_or(&[])
                        .iter()
                        .take_while(|&&(e, _)| e == d)
                        .any(|&(_, l)| self.link_present(l))
                })
            }
        })
    }

    /// A present fact of `facts` from a class in `from`.
    fn any_fact_from(&self, from: &Walk, facts: &Facts) -> bool {
        from.list
            .iter()
            .any(|&c| facts.row(c).iter().any(|&(_, l)| self.link_present(l)))
    }

    /// Adding `x ⊆ y` breaks the network, with `down` holding `down(x)` and
    /// `up` holding `up(y)`: a present `⊄` fact from `down(x)` to `up(y)`,
    /// or a present `disjoint` link between `up(y)` and `shared(x)`.
    fn core(&mut self, down: Slot, up: Slot) -> bool {
        let (d, u) = (self.walk(down), self.walk(up));
        let found = self.any_fact(d, &self.not_sub, u);
        if found || !self.net.has_disjoint() {
            return found;
        }
        let u = self.walk(up);
        if !self.any_fact_from(u, &self.disjoint) {
            return false;
        }
        self.fill_shared(down);
        self.any_fact(self.walk(up), &self.disjoint, &self.shared)
    }

    /// `shared` = up(`down` ∪ present `intersects` partners of `down`).
    fn fill_shared(&mut self, down: Slot) {
        let mut seeds = Vec::new();
        for &c in &self.walk(down).list {
            seeds.push(c);
            for &(d, l) in self.overlap.row(c) {
                if self.link_present(l) {
                    seeds.push(d);
                }
            }
        }
        self.shared.clear();
        for c in seeds {
            self.shared.insert(c);
        }
        self.grow(Slot::Shared, Dir::Up);
    }

    /// Empties the walk `slot` and fills it with the closure of class `c`.
    fn closure(&mut self, slot: Slot, c: u32, dir: Dir) {
        let walk = self.walk_mut(slot);
        walk.clear();
        walk.insert(c);
        self.grow(slot, dir);
    }

    /// Closes the walk `slot` under the condensed graph in direction `dir`.
    fn grow(&mut self, slot: Slot, dir: Dir) {
        let dag = &self.dag;
        let walk = match slot {
            Slot::DownX => &mut self.down_x,
            Slot::DownY => &mut self.down_y,
            Slot::UpX => &mut self.up_x,
            Slot::UpY => &mut self.up_y,
            Slot::Shared => &mut self.shared,
        };
        let mut head = 0;
        while let Some(&u) = walk.list.get(head) {
            head += 1;
            match dir {
                Dir::Up => {
                    for &w in dag.up.row(u) {
                        walk.insert(w);
                    }
                }
                Dir::Down => {
                    for &g in dag.down.row(u) {
                        walk.insert(at(&dag.source, g));
                    }
                }
            }
        }
    }

    fn walk(&self, slot: Slot) -> &Walk {
        match slot {
            Slot::DownX => &self.down_x,
            Slot::DownY => &self.down_y,
            Slot::UpX => &self.up_x,
            Slot::UpY => &self.up_y,
            Slot::Shared => &self.shared,
        }
    }

    fn walk_mut(&mut self, slot: Slot) -> &mut Walk {
        match slot {
            Slot::DownX => &mut self.down_x,
            Slot::DownY => &mut self.down_y,
            Slot::UpX => &mut self.up_x,
            Slot::UpY => &mut self.up_y,
            Slot::Shared => &mut self.shared,
        }
    }
}

/// For each `equals` link whose class is symmetric: whether the earlier
/// links already join its ends (union-find in declaration order).
fn kruskal(net: &Network, classes: &Classes, symmetric: &[bool]) -> Vec<bool> {
    let mut parent: Vec<u32> = (0..net.clause_count as u32).collect();
    let find = |parent: &mut Vec<u32>, mut v: u32| loop {
        let p = at(parent, v);
        if p == v || p == NONE {
            return v;
        }
        let grand = at(parent, p);
        set(parent, v, grand);
        v = grand;
    };
    let mut out = vec![false; net.links.len()];
    for (i, link) in net.links.iter().enumerate() {
        let class = classes.of(link.a.0);
        let in_scope = link.relation == Relation::Equals
            && net.active.get(i) == Some(&true)
            && class == classes.of(link.b.0)
            && symmetric.get(class as usize) == Some(&true);
        if !in_scope {
            continue;
        }
        let (ra, rb) = (find(&mut parent, link.a.0), find(&mut parent, link.b.0));
        if ra == rb {
            if let Some(o) = out.get_mut(i) {
                *o = true;
            }
        } else {
            set(&mut parent, ra.max(rb), ra.min(rb));
        }
    }
    out
}
