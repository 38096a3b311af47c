//! Questions tools and people ask of a rulebook, with serializable answers:
//! the clause tree, the relation of two clauses with its proof, every clause
//! related to one, what one referential covers of another, and the network
//! itself for export.

use serde::Serialize;

use crate::model::Rulebook;
use crate::mapper::ClauseIdx;

/// A query that names something the rules do not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum QueryError {
    /// No referential with this id.
    #[error("unknown referential `{id}`{}", did_you_mean(.suggestion))]
    #[diagnostic(code(refmap::query::unknown_referential))]
    UnknownReferential {
        /// The id asked for.
        id: String,
        /// A close id, if any.
        suggestion: Option<String>,
    },
    /// No clause with this key, or a malformed key.
    #[error("unknown clause `{key}`{}", did_you_mean(.suggestion))]
    #[diagnostic(code(refmap::query::unknown_clause))]
    UnknownClause {
        /// The key asked for.
        key: String,
        /// A close key, if any.
        suggestion: Option<String>,
    },
}

fn did_you_mean(s: &Option<String>) -> String {
    s.as_ref().map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}

/// Resolves a referential id given by a user.
pub fn referential_id<'a>(book: &'a Rulebook, id: &str) -> Result<&'a str, QueryError> {
    match book.referential(id) {
        Some(r) => Ok(r.id.as_str()),
        None => Err(QueryError::UnknownReferential {
            id: id.to_string(),
            suggestion: crate::model::closest(id, book.referentials.iter().map(|r| r.id.as_str())).map(str::to_string),
        }),
    }
}

/// Resolves a `REF:ID` given by a user.
pub fn clause(book: &Rulebook, key: &str) -> Result<ClauseIdx, QueryError> {
    book.clause_by_key(key).ok_or_else(|| QueryError::UnknownClause {
        key: key.to_string(),
        suggestion: book.suggest_clause(key).map(str::to_string),
    })
}

/// A referential with its clause tree.
#[derive(Debug, Clone, Serialize)]
pub struct ReferentialTree {
    /// Id.
    pub referential: String,
    /// Title.
    pub title: String,
    /// Number of clauses at every level.
    pub clause_count: usize,
    /// Top-level clauses.
    pub clauses: Vec<ClauseTree>,
}

/// A clause with its sub-clauses.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseTree {
    /// Id within the referential.
    pub id: String,
    /// `REF:ID`.
    pub clause: String,
    /// Title.
    pub title: String,
    /// Summary, or null.
    pub summary: Option<String>,
    /// Sub-clauses.
    pub children: Vec<ClauseTree>,
}

/// The clause trees of one referential or of all, in load order.
pub fn clause_trees(book: &Rulebook, referential: Option<&str>) -> Result<Vec<ReferentialTree>, QueryError> {
    if let Some(id) = referential {
        referential_id(book, id)?;
    }
    Ok(book
        .referentials
        .iter()
        .filter(|r| referential.is_none_or(|id| id == r.id))
        .map(|r| ReferentialTree {
            referential: r.id.clone(),
            title: r.title.clone(),
            clause_count: book.clauses_of(&r.id).len(),
            clauses: r.clauses.iter().filter_map(|&c| tree(book, c, 0)).collect(),
        })
        .collect())
}

fn tree(book: &Rulebook, idx: ClauseIdx, depth: usize) -> Option<ClauseTree> {
    let c = book.clause(idx)?;
    Some(ClauseTree {
        id: c.id.clone(),
        clause: c.key.clone(),
        title: c.title.clone(),
        summary: c.summary.clone(),
        // INVARIANT: depth is bounded by the parser's MAX_DEPTH.
        children: c.children.iter().filter_map(|&k| tree(book, k, depth + 1)).collect(),
    })
}
