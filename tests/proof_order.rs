//! Proofs do not depend on the order the rules files are read in (issue 12):
//! generated rulebooks — referentials with sub-clauses and crosswalks drawn
//! from a hidden set model, so always consistent — are loaded with their
//! files in two orders, and every proof `relate`, `equivalents` and `export`
//! give is compared. Derived relations in `export` carry the shorter of the
//! proofs found from either end.

#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

use proptest::prelude::*;
use refmap::Engine;

/// The relation of two non-empty sets given as bit masks.
fn relation_of(a: u32, b: u32) -> &'static str {
    if a == b {
        "equals"
    } else if a & b == a {
        "subset-of"
    } else if a & b == b {
        "superset-of"
    } else if a & b != 0 {
        "intersects"
    } else {
        "disjoint"
    }
}

/// One rulebook: the referentials `R0`…, each clause a set (a sub-clause's
/// set inside its parent's), and two crosswalk files.
#[derive(Debug, Clone)]
struct Book {
    /// Per referential, its clauses: (id, parent index, set).
    referentials: Vec<Vec<(String, Option<usize>, u32)>>,
    /// Links: (referential, clause, referential, clause), in two files.
    links: Vec<Vec<(usize, usize, usize, usize)>>,
}

impl Book {
    fn key(&self, r: usize, c: usize) -> String {
        format!("R{r}:{}", self.referentials[r][c].0)
    }

    fn set(&self, r: usize, c: usize) -> u32 {
        self.referentials[r][c].2
    }

    /// The files, named and in a fixed order.
    fn files(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (r, clauses) in self.referentials.iter().enumerate() {
            let mut text = format!("referential R{r} \"R{r}\" {{\n");
            for (i, (id, parent, _)) in clauses.iter().enumerate() {
                if parent.is_none() {
                    text.push_str(&format!("  clause {id} \"c\" {{\n"));
                    for (cid, p, _) in clauses.iter() {
                        if *p == Some(i) {
                            text.push_str(&format!("    clause {cid} \"c\" {{ }}\n"));
                        }
                    }
                    text.push_str("  }\n");
                }
            }
            text.push_str("}\n");
            out.push((format!("r{r}.rules"), text));
        }
        for (m, links) in self.links.iter().enumerate() {
            let mut text = format!("mapping \"m{m}\" {{\n");
            for &(ra, ca, rb, cb) in links {
                let rel = relation_of(self.set(ra, ca), self.set(rb, cb));
                text.push_str(&format!(
                    "  {} {rel} {} {{\n    rationale semantic\n    note \"n\"\n  }}\n",
                    self.key(ra, ca),
                    self.key(rb, cb)
                ));
            }
            text.push_str("}\n");
            out.push((format!("m{m}.rules"), text));
        }
        out
    }

    fn all_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        for (r, clauses) in self.referentials.iter().enumerate() {
            for c in 0..clauses.len() {
                keys.push(self.key(r, c));
            }
        }
        keys
    }
}

fn book() -> impl Strategy<Value = Book> {
    // 3 referentials of 3 top clauses with up to 2 sub-clauses each
    let clause = (1u32..(1 << 8), prop::collection::vec(0u32..(1 << 8), 0..3));
    let referential = prop::collection::vec(clause, 3);
    let link = (0usize..3, 0usize..9, 0usize..3, 0usize..9);
    (
        prop::collection::vec(referential, 3),
        prop::collection::vec(link.clone(), 0..12),
        prop::collection::vec(link, 0..12),
    )
        .prop_map(|(refs, l0, l1)| {
            let referentials: Vec<Vec<(String, Option<usize>, u32)>> = refs
                .into_iter()
                .map(|tops| {
                    let mut clauses = Vec::new();
                    for (t, (set, subs)) in tops.into_iter().enumerate() {
                        let parent = clauses.len();
                        clauses.push((format!("{}", t + 1), None, set));
                        for (s, sub) in subs.into_iter().enumerate() {
                            // a non-empty part of the parent
                            let part = match sub & set {
                                0 => set & set.wrapping_neg(),
                                p => p,
                            };
                            clauses.push((format!("{}.{}", t + 1, s + 1), Some(parent), part));
                        }
                    }
                    clauses
                })
                .collect();
            let fit =
                |links: Vec<(usize, usize, usize, usize)>| -> Vec<(usize, usize, usize, usize)> {
                    links
                        .into_iter()
                        .map(|(ra, ca, rb, cb)| {
                            let rb = if rb == ra { (rb + 1) % 3 } else { rb };
                            (
                                ra,
                                ca % referentials[ra].len(),
                                rb,
                                cb % referentials[rb].len(),
                            )
                        })
                        .collect()
                };
            // one link a pair of clauses: two links between the same pair
            // are two equally good proofs, told apart only by their place
            let mut pairs = std::collections::HashSet::new();
            let links: Vec<Vec<_>> = [fit(l0), fit(l1)]
                .into_iter()
                .map(|file| {
                    file.into_iter()
                        .filter(|&(ra, ca, rb, cb)| {
                            pairs.insert(((ra, ca).min((rb, cb)), (ra, ca).max((rb, cb))))
                        })
                        .collect()
                })
                .collect();
            Book {
                referentials,
                links,
            }
        })
}

fn load(files: &[(String, String)]) -> Engine {
    let mut builder = Engine::builder();
    for (name, text) in files {
        builder = builder.source(name.clone(), text.clone());
    }
    builder.build()
}

/// Every proof the engine gives, as JSON text.
fn proofs(engine: &Engine, keys: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for a in keys {
        out.push(serde_json::to_string(&engine.equivalents(a, None).unwrap()).unwrap());
        for b in keys {
            out.push(serde_json::to_string(&engine.relate(a, b).unwrap()).unwrap());
        }
    }
    out.push(serde_json::to_string(&engine.export().derived).unwrap());
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn proofs_do_not_depend_on_file_order(book in book(), rotate in 1usize..5) {
        let files = book.files();
        let engine = load(&files);
        prop_assume!(!engine.has_errors());
        let mut other = files.clone();
        other.reverse();
        let len = other.len();
        other.rotate_left(rotate % len);
        let permuted = load(&other);
        prop_assert!(!permuted.has_errors());
        let keys = book.all_keys();
        let (p, q) = (proofs(&engine, &keys), proofs(&permuted, &keys));
        for (x, y) in p.iter().zip(&q) {
            prop_assert_eq!(x, y);
        }
    }
}
