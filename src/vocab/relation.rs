//! The five base relations between two clauses (RCC-5) and sets of them.
//!
//! A clause stands for a non-empty set of obligations. Between two clauses
//! exactly one base [`Relation`] holds; what is known about a pair is a
//! [`RelationSet`] of the base relations still possible. Composition follows
//! the RCC-5 table for non-empty sets (checked against a brute-force set
//! model in the tests below).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One of the five base relations of clause `A` to clause `B`.
///
/// The declaration order is the canonical output order of the language:
/// `equals, subset-of, superset-of, intersects, disjoint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// `A = B` (RCC-5 EQ).
    Equals,
    /// `A ⊊ B` (RCC-5 PP).
    SubsetOf,
    /// `A ⊋ B` (RCC-5 PPi).
    SupersetOf,
    /// `A ∩ B ≠ ∅`, `A ⊄ B` and `B ⊄ A` (RCC-5 PO).
    Intersects,
    /// `A ∩ B = ∅` (RCC-5 DR).
    Disjoint,
}

impl Relation {
    /// The five relations in canonical order.
    pub const ALL: [Relation; 5] = [
        Relation::Equals,
        Relation::SubsetOf,
        Relation::SupersetOf,
        Relation::Intersects,
        Relation::Disjoint,
    ];

    /// The keyword of the relation in the language (`subset-of`, …).
    pub fn keyword(self) -> &'static str {
        match self {
            Relation::Equals => "equals",
            Relation::SubsetOf => "subset-of",
            Relation::SupersetOf => "superset-of",
            Relation::Intersects => "intersects",
            Relation::Disjoint => "disjoint",
        }
    }

    /// The relation of `B` to `A` when `self` is the relation of `A` to `B`.
    pub fn converse(self) -> Relation {
        match self {
            Relation::SubsetOf => Relation::SupersetOf,
            Relation::SupersetOf => Relation::SubsetOf,
            other => other,
        }
    }

    fn bit(self) -> u8 {
        match self {
            Relation::Equals => 1,
            Relation::SubsetOf => 1 << 1,
            Relation::SupersetOf => 1 << 2,
            Relation::Intersects => 1 << 3,
            Relation::Disjoint => 1 << 4,
        }
    }

    /// The RCC-5 composition of two base relations: the relations possible
    /// between `A` and `C` when `self` holds between `A` and `B` and `next`
    /// between `B` and `C`.
    pub fn compose(self, next: Relation) -> RelationSet {
        use Relation::{
            Disjoint as Dr, Equals as Eq, Intersects as Po, SubsetOf as Pp, SupersetOf as Ppi,
        };
        let set = |rs: &[Relation]| rs.iter().fold(RelationSet::EMPTY, |s, r| s.with(*r));
        match (self, next) {
            (Eq, r) | (r, Eq) => RelationSet::single(r),
            (Pp, Pp) => RelationSet::single(Pp),
            (Pp, Ppi) => RelationSet::ALL,
            (Pp, Po) => set(&[Pp, Po, Dr]),
            (Pp, Dr) => RelationSet::single(Dr),
            (Ppi, Pp) => set(&[Eq, Pp, Ppi, Po]),
            (Ppi, Ppi) => RelationSet::single(Ppi),
            (Ppi, Po) => set(&[Ppi, Po]),
            (Ppi, Dr) => set(&[Ppi, Po, Dr]),
            (Po, Pp) => set(&[Pp, Po]),
            (Po, Ppi) => set(&[Ppi, Po, Dr]),
            (Po, Po) => RelationSet::ALL,
            (Po, Dr) => set(&[Ppi, Po, Dr]),
            (Dr, Pp) => set(&[Pp, Po, Dr]),
            (Dr, Ppi) => RelationSet::single(Dr),
            (Dr, Po) => set(&[Pp, Po, Dr]),
            (Dr, Dr) => RelationSet::ALL,
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// The text is not one of the five relation keywords.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("unknown relation `{0}`")]
#[diagnostic(
    code("refmap::vocab::unknown-relation"),
    help("a relation is one of `equals`, `subset-of`, `superset-of`, `intersects`, `disjoint`")
)]
pub struct UnknownRelation(pub String);

impl FromStr for Relation {
    type Err = UnknownRelation;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Relation::ALL
            .into_iter()
            .find(|r| r.keyword() == s)
            .ok_or_else(|| UnknownRelation(s.to_owned()))
    }
}

/// A set of base relations: what is still possible between two clauses.
///
/// Iteration and serialization follow the canonical order
/// `equals, subset-of, superset-of, intersects, disjoint`; serde reads and
/// writes a list of keywords.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RelationSet(u8);

impl RelationSet {
    /// No relation possible (only in an inconsistent network).
    pub const EMPTY: RelationSet = RelationSet(0);
    /// Nothing known: all five relations possible.
    pub const ALL: RelationSet = RelationSet(0b1_1111);

    /// The set holding only `r`.
    pub fn single(r: Relation) -> RelationSet {
        RelationSet(r.bit())
    }

    /// This set with `r` added.
    #[must_use]
    pub fn with(self, r: Relation) -> RelationSet {
        RelationSet(self.0 | r.bit())
    }

    /// This set with `r` removed.
    #[must_use]
    pub fn without(self, r: Relation) -> RelationSet {
        RelationSet(self.0 & !r.bit())
    }

    /// Whether `r` is in the set.
    pub fn contains(self, r: Relation) -> bool {
        self.0 & r.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The number of relations in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The only relation of a singleton set.
    pub fn as_single(self) -> Option<Relation> {
        let mut it = self.iter();
        match (it.next(), it.next()) {
            (Some(r), None) => Some(r),
            _ => None,
        }
    }

    /// Whether every relation of `self` is in `other`.
    pub fn is_subset(self, other: RelationSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// The relations in both sets.
    #[must_use]
    pub fn intersection(self, other: RelationSet) -> RelationSet {
        RelationSet(self.0 & other.0)
    }

    /// The relations in either set.
    #[must_use]
    pub fn union(self, other: RelationSet) -> RelationSet {
        RelationSet(self.0 | other.0)
    }

    /// The relations of `B` to `A` when `self` are those of `A` to `B`.
    #[must_use]
    pub fn converse(self) -> RelationSet {
        self.iter()
            .fold(RelationSet::EMPTY, |s, r| s.with(r.converse()))
    }

    /// The relations possible between `A` and `C` when `first` are possible
    /// between `A` and `B` and `second` between `B` and `C` (the union of the
    /// RCC-5 compositions of their members).
    pub fn compose(first: RelationSet, second: RelationSet) -> RelationSet {
        first.iter().fold(RelationSet::EMPTY, |acc, r| {
            second.iter().fold(acc, |acc, s| acc.union(r.compose(s)))
        })
    }

    /// The relations in canonical order.
    pub fn iter(self) -> impl Iterator<Item = Relation> {
        Relation::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

impl FromIterator<Relation> for RelationSet {
    fn from_iter<I: IntoIterator<Item = Relation>>(iter: I) -> Self {
        iter.into_iter().fold(RelationSet::EMPTY, RelationSet::with)
    }
}

impl From<Relation> for RelationSet {
    fn from(r: Relation) -> Self {
        RelationSet::single(r)
    }
}

impl fmt::Debug for RelationSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for RelationSet {
    /// Keywords separated by `, ` in canonical order; `nothing` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("nothing");
        }
        for (i, r) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(r.keyword())?;
        }
        Ok(())
    }
}

impl Serialize for RelationSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for RelationSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = Vec::<Relation>::deserialize(deserializer)?;
        Ok(list.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Relation::{
        Disjoint as Dr, Equals as Eq, Intersects as Po, SubsetOf as Pp, SupersetOf as Ppi,
    };

    /// The base relation of two non-empty sets given as bit masks.
    fn relation_of(a: u32, b: u32) -> Relation {
        match (a == b, a & b == a, a & b == b, a & b != 0) {
            (true, _, _, _) => Eq,
            (false, true, _, _) => Pp,
            (false, false, true, _) => Ppi,
            (false, false, false, true) => Po,
            _ => Dr,
        }
    }

    /// The composition table derived from all triples of non-empty subsets
    /// of a 4-element universe (large enough to realise every composition).
    fn brute_force_compose(r: Relation, s: Relation) -> RelationSet {
        let mut out = RelationSet::EMPTY;
        for a in 1u32..16 {
            for b in 1u32..16 {
                if relation_of(a, b) != r {
                    continue;
                }
                for c in 1u32..16 {
                    if relation_of(b, c) == s {
                        out = out.with(relation_of(a, c));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn all_25_compositions_match_the_set_model() {
        for r in Relation::ALL {
            for s in Relation::ALL {
                assert_eq!(r.compose(s), brute_force_compose(r, s), "{r} ∘ {s}");
            }
        }
    }

    #[test]
    fn compositions_named_in_the_spec() {
        let set = |rs: &[Relation]| rs.iter().copied().collect::<RelationSet>();
        for r in Relation::ALL {
            assert_eq!(Eq.compose(r), RelationSet::single(r));
            assert_eq!(r.compose(Eq), RelationSet::single(r));
        }
        assert_eq!(Pp.compose(Pp), set(&[Pp]));
        assert_eq!(Ppi.compose(Pp), set(&[Eq, Pp, Ppi, Po]));
        assert_eq!(Ppi.compose(Pp), RelationSet::ALL.without(Dr));
        assert_eq!(Dr.compose(Ppi), set(&[Dr]));
        assert_eq!(Pp.compose(Dr), set(&[Dr]));
        assert_eq!(Po.compose(Po), RelationSet::ALL);
        assert_eq!(Pp.compose(Ppi), RelationSet::ALL);
        assert_eq!(Dr.compose(Dr), RelationSet::ALL);
        assert_eq!(Ppi.compose(Ppi), set(&[Ppi]));
        assert_eq!(Po.compose(Pp), set(&[Pp, Po]));
        assert_eq!(Ppi.compose(Po), set(&[Ppi, Po]));
        assert_eq!(Dr.compose(Pp), set(&[Pp, Po, Dr]));
    }

    #[test]
    fn set_composition_is_the_union_over_members() {
        let first = RelationSet::single(Pp).with(Eq);
        let second = RelationSet::single(Pp);
        assert_eq!(RelationSet::compose(first, second), RelationSet::single(Pp));
        assert_eq!(
            RelationSet::compose(RelationSet::EMPTY, second),
            RelationSet::EMPTY
        );
    }

    #[test]
    fn converse_swaps_subset_and_superset() {
        for r in Relation::ALL {
            assert_eq!(r.converse().converse(), r);
        }
        assert_eq!(Pp.converse(), Ppi);
        assert_eq!(Po.converse(), Po);
        let set: RelationSet = [Eq, Pp, Dr].into_iter().collect();
        assert_eq!(set.converse(), [Eq, Ppi, Dr].into_iter().collect());
        // composition respects converse: (r∘s)⁻¹ = s⁻¹∘r⁻¹
        for r in Relation::ALL {
            for s in Relation::ALL {
                assert_eq!(r.compose(s).converse(), s.converse().compose(r.converse()));
            }
        }
    }

    #[test]
    fn keywords_parse_print_and_serialize_in_canonical_order() {
        for r in Relation::ALL {
            assert_eq!(r.to_string().parse::<Relation>(), Ok(r));
        }
        assert_eq!(
            "overlaps".parse::<Relation>(),
            Err(UnknownRelation("overlaps".to_owned()))
        );
        let set: RelationSet = [Dr, Eq, Po].into_iter().collect();
        assert_eq!(set.to_string(), "equals, intersects, disjoint");
        let json = serde_json::to_string(&set).unwrap_or_default();
        assert_eq!(json, r#"["equals","intersects","disjoint"]"#);
        let back: Result<RelationSet, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(set));
        assert_eq!(RelationSet::ALL.len(), 5);
        assert_eq!(RelationSet::single(Ppi).as_single(), Some(Ppi));
        assert_eq!(RelationSet::ALL.as_single(), None);
    }
}
