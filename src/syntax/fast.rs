//! A hand-written reader for the regular part of the language: referentials
//! whose clauses carry only titles, summaries, notes and sub-clauses, and
//! mappings with their links. Crosswalks are mostly that, and pest spends
//! microseconds on a line that takes this reader a few dozen nanoseconds.
//!
//! The grammar in `grammar/refmap.pest` stays the definition of the
//! language. This reader accepts a subset of it and gives up (`None`) at
//! the first thing it does not expect: a `requires`, an `applies if`, an
//! escape it does not know, a number too large, a clause too deep, anything
//! out of place. The caller then hands that item to pest, whose tree and
//! diagnostics are the reference; so an error is always reported by pest,
//! never by this reader. Where it accepts an item, it builds the very tree
//! pest and lowering build, spans included: the property tests of
//! `tests/syntax_props.rs` and the `parse_diff` fuzz target compare the two
//! on generated and mutated files.
//!
//! A new item kind, or a new attribute anywhere, needs no change here: the
//! reader does not know it, so pest reads it. The item keywords listed in
//! [`starts_item`] are only places where a piece or a chunk may be cut; an
//! item missing from that list just makes the pieces around it longer.

use super::ast::{
    Clause, ClauseItem, ClauseRef, Item, Link, LinkAttr, Mapping, MappingAttr, Name, Rationale,
    RefAttr, RefAttrKey, Referential, Str,
};
use super::MAX_DEPTH;
use crate::source::Span;
use crate::vocab::Relation;

/// A cursor over one text; offsets are relative to the text, spans are
/// shifted by `base` (the text's offset in its file).
pub(super) struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    base: usize,
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_ref_char(b: u8) -> bool {
    is_ident_char(b) || b == b'-'
}

/// Whether a top-level keyword (`referential`, `evidence`, `mapping`,
/// `test`) stands at `i`.
pub(super) fn starts_item(bytes: &[u8], i: usize) -> bool {
    ["referential", "evidence", "mapping", "test"]
        .iter()
        .any(|w| {
            let end = i + w.len();
            bytes.get(i..end) == Some(w.as_bytes())
                && !bytes.get(end).is_some_and(|&b| is_ident_char(b))
        })
}

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str, base: usize) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            base,
        }
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    /// Skips whitespace and `//` comments (the grammar's trivia).
    pub(super) fn trivia(&self, mut i: usize) -> usize {
        loop {
            match self.at(i) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                Some(b'/') if self.at(i + 1) == Some(b'/') => {
                    i += 2;
                    while let Some(b) = self.at(i) {
                        if b == b'\n' {
                            break;
                        }
                        i += 1;
                    }
                }
                _ => return i,
            }
        }
    }

    /// `word` followed by no character `more` accepts (a keyword).
    fn keyword(&self, i: usize, word: &str, more: fn(u8) -> bool) -> Option<usize> {
        let end = i + word.len();
        if self.bytes.get(i..end) != Some(word.as_bytes()) {
            return None;
        }
        match self.at(end) {
            Some(b) if more(b) => None,
            _ => Some(end),
        }
    }

    /// `word` (a keyword), then a string literal: the string and the offset
    /// after it.
    fn keyword_string(&self, i: usize, word: &str) -> Option<(Str, usize)> {
        self.string(self.trivia(self.keyword(i, word, is_ident_char)?))
    }

    /// A string literal at `i`: its value and the offset after it.
    fn string(&self, i: usize) -> Option<(Str, usize)> {
        if self.at(i) != Some(b'"') {
            return None;
        }
        let mut j = i + 1;
        let mut escaped = false;
        loop {
            match self.at(j)? {
                b'"' => break,
                b'\n' => return None,
                b'\\' => {
                    match self.at(j + 1)? {
                        b'"' | b'\\' | b'n' | b't' => {}
                        _ => return None,
                    }
                    escaped = true;
                    j += 2;
                }
                _ => j += 1,
            }
        }
        let raw = self.slice(i + 1, j);
        let value = if escaped {
            super::lower::unescape(raw)
        } else {
            raw.to_string()
        };
        Some((
            Str {
                value,
                span: self.span(i, j + 1),
            },
            j + 1,
        ))
    }

    /// The end of `ASCII_ALPHA ref_char*` at `i`.
    fn ref_id_end(&self, i: usize) -> Option<usize> {
        if !self.at(i)?.is_ascii_alphabetic() {
            return None;
        }
        let mut j = i + 1;
        while self.at(j).is_some_and(is_ref_char) {
            j += 1;
        }
        Some(j)
    }

    /// The end of `ASCII_ALPHANUMERIC+ ("." ASCII_ALPHANUMERIC+)*` at `i`.
    fn clause_id_end(&self, i: usize) -> Option<usize> {
        let alnum_run = |mut j: usize| {
            let start = j;
            while self.at(j).is_some_and(|b| b.is_ascii_alphanumeric()) {
                j += 1;
            }
            (j > start).then_some(j)
        };
        let mut j = alnum_run(i)?;
        while self.at(j) == Some(b'.') {
            match alnum_run(j + 1) {
                Some(k) => j = k,
                None => break,
            }
        }
        Some(j)
    }

    fn name(&self, start: usize, end: usize) -> Name {
        Name {
            text: self.slice(start, end).to_string(),
            span: self.span(start, end),
        }
    }

    fn clause_ref(&self, i: usize) -> Option<(ClauseRef, usize)> {
        let colon = self.ref_id_end(i)?;
        if self.at(colon) != Some(b':') {
            return None;
        }
        let end = self.clause_id_end(colon + 1)?;
        Some((
            ClauseRef::from_text(self.slice(i, end).to_string(), self.span(i, end)),
            end,
        ))
    }

    /// A top-level item at `i` (after trivia), with the offset after its last
    /// token; `None` when it is not in the subset this reader knows.
    pub(super) fn item(&self, i: usize) -> Option<(Item, usize)> {
        match self.at(i)? {
            b'r' => {
                let (r, end) = self.referential(i)?;
                Some((Item::Referential(r), end))
            }
            b'm' => {
                let (m, end) = self.mapping(i)?;
                Some((Item::Mapping(m), end))
            }
            _ => None,
        }
    }

    fn referential(&self, start: usize) -> Option<(Referential, usize)> {
        let i = self.keyword(start, "referential", is_ident_char)?;
        let id_start = self.trivia(i);
        let id_end = self.ref_id_end(id_start)?;
        let (title, i) = self.string(self.trivia(id_end))?;
        let (attrs, clauses, end) =
            self.block(i, |at| self.ref_attr(at), |at| self.clause(at, 1))?;
        Some((
            Referential {
                id: self.name(id_start, id_end),
                title,
                attrs,
                clauses,
                span: self.span(start, end),
            },
            end,
        ))
    }

    /// `{ ATTR* ITEM* }` after trivia at `i`: the attributes, the items and
    /// the offset after the `}`.
    fn block<A, I>(
        &self,
        i: usize,
        attr: impl Fn(usize) -> Option<(A, usize)>,
        item: impl Fn(usize) -> Option<(I, usize)>,
    ) -> Option<(Vec<A>, Vec<I>, usize)> {
        let mut i = self.trivia(i);
        if self.at(i) != Some(b'{') {
            return None;
        }
        i += 1;
        let mut attrs = Vec::new();
        while let Some((a, end)) = attr(self.trivia(i)) {
            attrs.push(a);
            i = end;
        }
        let mut items = Vec::new();
        loop {
            let at = self.trivia(i);
            if self.at(at) == Some(b'}') {
                return Some((attrs, items, at + 1));
            }
            let (it, end) = item(at)?;
            items.push(it);
            i = end;
        }
    }

    /// `{ ITEM* }` after trivia at `i`: the items and the offset after the `}`.
    fn items_block<I>(
        &self,
        i: usize,
        item: impl Fn(usize) -> Option<(I, usize)>,
    ) -> Option<(Vec<I>, usize)> {
        let (_, items, end) = self.block(i, |_| None::<((), usize)>, item)?;
        Some((items, end))
    }

    fn ref_attr(&self, i: usize) -> Option<(RefAttr, usize)> {
        const KEYS: [(&str, RefAttrKey); 6] = [
            ("edition", RefAttrKey::Edition),
            ("publisher", RefAttrKey::Publisher),
            ("url", RefAttrKey::Url),
            ("language", RefAttrKey::Language),
            ("source", RefAttrKey::Source),
            ("note", RefAttrKey::Note),
        ];
        // The keys are distinct words: at most one matches.
        let (key, (value, end)) = KEYS
            .iter()
            .find_map(|(word, key)| Some((*key, self.keyword_string(i, word)?)))?;
        Some((RefAttr { key, value }, end))
    }

    fn clause(&self, start: usize, depth: usize) -> Option<(Clause, usize)> {
        let i = self.keyword(start, "clause", is_ident_char)?;
        let id_start = self.trivia(i);
        let id_end = self.clause_id_end(id_start)?;
        let (title, title_end) = self.string(self.trivia(id_end))?;
        let open = self.trivia(title_end);
        let mut clause = Clause {
            id: self.name(id_start, id_end),
            title,
            body: None,
            span: self.span(start, title_end),
        };
        if self.at(open) != Some(b'{') {
            return Some((clause, title_end));
        }
        let (mut items, end) = self.items_block(open, |at| self.clause_item(at, depth))?;
        // As in `lower`: a body vector grown to four wastes its room.
        items.shrink_to_fit();
        clause.body = Some(items);
        clause.span = self.span(start, end);
        Some((clause, end))
    }

    /// A summary, note or sub-clause in the body of a clause `depth` deep.
    fn clause_item(&self, at: usize, depth: usize) -> Option<(ClauseItem, usize)> {
        match self.at(at)? {
            b's' => {
                let (s, end) = self.keyword_string(at, "summary")?;
                Some((ClauseItem::Summary(s), end))
            }
            b'n' => {
                let (s, end) = self.keyword_string(at, "note")?;
                Some((ClauseItem::Note(s), end))
            }
            b'c' if depth < MAX_DEPTH => {
                let (c, end) = self.clause(at, depth + 1)?;
                Some((ClauseItem::Clause(c), end))
            }
            _ => None,
        }
    }

    fn mapping(&self, start: usize) -> Option<(Mapping, usize)> {
        let i = self.keyword(start, "mapping", is_ident_char)?;
        let (title, i) = self.string(self.trivia(i))?;
        let (attrs, links, end) = self.block(i, |at| self.mapping_attr(at), |at| self.link(at))?;
        Some((
            Mapping {
                title,
                attrs,
                links,
                span: self.span(start, end),
            },
            end,
        ))
    }

    fn mapping_attr(&self, i: usize) -> Option<(MappingAttr, usize)> {
        if let Some((s, end)) = self.keyword_string(i, "source") {
            return Some((MappingAttr::Source(s), end));
        }
        let (s, end) = self.keyword_string(i, "note")?;
        Some((MappingAttr::Note(s), end))
    }

    fn relation(&self, i: usize) -> Option<(Relation, usize)> {
        const WORDS: [(&str, Relation); 5] = [
            ("equals", Relation::Equals),
            ("subset-of", Relation::SubsetOf),
            ("superset-of", Relation::SupersetOf),
            ("intersects", Relation::Intersects),
            ("disjoint", Relation::Disjoint),
        ];
        WORDS
            .iter()
            .find_map(|(word, r)| Some((*r, self.keyword(i, word, is_ref_char)?)))
    }

    fn link(&self, start: usize) -> Option<(Link, usize)> {
        let (a, i) = self.clause_ref(start)?;
        let rel_start = self.trivia(i);
        let (relation, rel_end) = self.relation(rel_start)?;
        let (b, b_end) = self.clause_ref(self.trivia(rel_end))?;
        let open = self.trivia(b_end);
        let mut link = Link {
            a,
            relation,
            relation_span: self.span(rel_start, rel_end),
            b,
            body: None,
            span: self.span(start, b_end),
        };
        if self.at(open) != Some(b'{') {
            return Some((link, b_end));
        }
        let (attrs, end) = self.items_block(open, |at| self.link_attr(at))?;
        link.body = Some(attrs);
        link.span = self.span(start, end);
        Some((link, end))
    }

    /// A `strength`, `rationale`, `note` or `source` in the body of a link.
    fn link_attr(&self, at: usize) -> Option<(LinkAttr, usize)> {
        let attr = match self.at(at)? {
            b's' if self.bytes.get(at + 1) == Some(&b't') => {
                let n_start = self.trivia(self.keyword(at, "strength", is_ident_char)?);
                let mut n_end = n_start;
                while self.at(n_end).is_some_and(|b| b.is_ascii_digit()) {
                    n_end += 1;
                }
                if n_end == n_start || self.at(n_end).is_some_and(is_ident_char) {
                    return None;
                }
                // Too large for u64: lowering reports it.
                let n = self.slice(n_start, n_end).parse::<u64>().ok()?;
                (LinkAttr::Strength(n, self.span(n_start, n_end)), n_end)
            }
            b's' => {
                let (s, end) = self.keyword_string(at, "source")?;
                (LinkAttr::Source(s), end)
            }
            b'r' => {
                let k_start = self.trivia(self.keyword(at, "rationale", is_ident_char)?);
                let (r, k_end) = [
                    ("syntactic", Rationale::Syntactic),
                    ("semantic", Rationale::Semantic),
                    ("functional", Rationale::Functional),
                ]
                .iter()
                .find_map(|(word, r)| Some((*r, self.keyword(k_start, word, is_ident_char)?)))?;
                (LinkAttr::Rationale(r, self.span(k_start, k_end)), k_end)
            }
            b'n' => {
                let (s, end) = self.keyword_string(at, "note")?;
                (LinkAttr::Note(s), end)
            }
            _ => return None,
        };
        Some(attr)
    }

    /// Where the top-level item that follows the one at `i` starts: the
    /// first `referential`, `evidence`, `mapping` or `test` keyword outside
    /// braces, strings and comments after `i`; the end of the text if none.
    /// A wrong guess (an id spelled like a keyword in a header) only makes
    /// pest refuse the piece, and the caller then parses the whole file.
    pub(super) fn next_item(&self, i: usize) -> usize {
        let rest = self.slice(i, self.bytes.len());
        let mut depth = 0usize;
        let mut found = self.bytes.len();
        super::scan::walk(rest, |piece| {
            let super::scan::Piece::Code(k, b) = piece else {
                return std::ops::ControlFlow::Continue(());
            };
            match b {
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                b'r' | b'e' | b'm' | b't' if depth == 0 && k > 0 => {
                    let at = i + k;
                    let starts_token = self
                        .at(at - 1)
                        .is_some_and(|p| !(is_ref_char(p) || p == b'.' || p == b':'));
                    if starts_token && starts_item(self.bytes, at) {
                        found = at;
                        return std::ops::ControlFlow::Break(());
                    }
                }
                _ => {}
            }
            std::ops::ControlFlow::Continue(())
        });
        found
    }
}
