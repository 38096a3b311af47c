//! Human renderings of query answers (JSON comes from serde on the answers).

use std::fmt::Write as _;

use crate::query::{ClauseTree, ReferentialTree};

/// The clause trees, indented two spaces a level.
pub fn clause_trees(trees: &[ReferentialTree]) -> String {
    let mut out = String::new();
    for (i, r) in trees.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{} — {} ({} clauses)", r.referential, r.title, r.clause_count);
        for c in &r.clauses {
            clause_tree(&mut out, c, 1);
        }
    }
    out
}

fn clause_tree(out: &mut String, c: &ClauseTree, depth: usize) {
    let _ = writeln!(out, "{}{}  {}", "  ".repeat(depth), c.id, c.title);
    for k in &c.children {
        clause_tree(out, k, depth + 1);
    }
}
