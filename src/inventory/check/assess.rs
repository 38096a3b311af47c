//! The `assessments` list: auditors' verdicts, checked item by item. The
//! list is most of an audited site's file, so the usual item costs only
//! the lookups it needs; the spans of problems are found when one occurs.

use std::sync::Arc;

use fixedbitset::FixedBitSet;

use super::{repeats, said, Checker, Said, ASSESSMENT_KEYS};
use crate::inventory::error::codes;
use crate::inventory::raw::{Entry, Item, RawAssessment, Slot};
use crate::inventory::Assessment;
use crate::mapper::ClauseIdx;
use crate::model::Rulebook;
use crate::source::Span;
use crate::vocab::Status;

impl Checker<'_, '_> {
    pub(super) fn assessments(&mut self, items: Vec<Item<'_>>, list: Span) -> Vec<Assessment> {
        let mut out: Vec<Assessment> = Vec::with_capacity(items.len());
        // Which clauses are assessed so far: two verdicts on one clause
        // would let one hide the other (a finding could vanish).
        let mut assessed = FixedBitSet::with_capacity(self.book.clauses.len());
        // The file index of each assessment kept, to name the first one.
        let mut indices: Vec<usize> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let Some((a, clause_span)) = self.assessment(i, item, out.last(), list) else {
                continue;
            };
            let c = a.clause.0 as usize;
            if assessed.contains(c) {
                let j = out
                    .iter()
                    .zip(&indices)
                    .find(|(earlier, _)| earlier.clause == a.clause)
                    .map_or(0, |(_, &j)| j);
                let key = self.book.key(a.clause).to_string();
                self.problem(
                    Said {
                        code: codes::DUPLICATE_ASSESSMENT,
                        place: &format!("assessments[{i}], field `clause`"),
                        span: clause_span,
                    },
                    format!("clause `{key}` is already assessed by assessments[{j}]"),
                    Some("keep one assessment per clause: the latest audit's verdict".into()),
                );
            }
            assessed.grow(c + 1);
            assessed.insert(c);
            out.push(a);
            indices.push(i);
        }
        out
    }

    /// The span of an assessment: from its `{` (or `- `) to its first key.
    fn item_span(&self, a: &RawAssessment<'_>, list: Span) -> Span {
        self.map_span(
            a.first_key
                .into_iter()
                .chain(a.extra.iter().map(|e| &*e.key)),
            list,
        )
    }

    /// One assessment (`last`: the one before, whose `by` is shared when
    /// the same), and the span of its clause.
    fn assessment(
        &mut self,
        index: usize,
        item: &Item<'_>,
        last: Option<&Assessment>,
        list: Span,
    ) -> Option<(Assessment, Span)> {
        // Spelled out only for a problem: most assessments have none.
        let place = || format!("assessments[{index}]");
        let a: &RawAssessment<'_> = match item {
            Item::Assessment(a) => a,
            Item::Other(other) => {
                let span = self.value_span(other, list);
                self.problem(
                    said(codes::UNEXPECTED_VALUE, &place(), span),
                    format!("expected a mapping, found {}", other.kind()),
                    None,
                );
                return None;
            }
        };
        // Found only when needed: an item without problems needs the span
        // of its clause text alone.
        let text_span =
            |s: &Self, text: &str| s.span_of(text).unwrap_or_else(|| s.item_span(a, list));
        let mut clause = None;
        let mut clause_span = None;
        match a.clause.get() {
            None => {}
            Some(Ok(s)) => {
                let span = text_span(self, s);
                clause_span = Some(span);
                match find_clause(self.book, last.map(|l| l.clause), s) {
                    Some(c) => clause = Some(c),
                    None => {
                        let help = self
                            .book
                            .suggest_clause(s)
                            .map(|k| format!("did you mean `{k}`?"));
                        self.problem(
                            Said {
                                code: codes::UNKNOWN_CLAUSE,
                                place: &format!("{}, field `clause`", place()),
                                span,
                            },
                            format!("unknown clause `{s}`"),
                            help,
                        );
                    }
                }
            }
            Some(Err(other)) => {
                let span = self.item_span(a, list);
                self.not_text(&place(), "clause", other, span);
            }
        }
        let mut status = None;
        match a.status.get() {
            None => {}
            Some(Ok(s)) => match Status::from_keyword(s) {
                Some(st) => status = Some(st),
                None => {
                    let span = text_span(self, s);
                    self.problem(
                        Said {
                            code: codes::UNKNOWN_STATUS,
                            place: &format!("{}, field `status`", place()),
                            span,
                        },
                        format!("unknown status `{s}`"),
                        Some(
                            "use `met`, `partial`, `not-met`, `not-applicable` or `unknown`".into(),
                        ),
                    );
                }
            },
            Some(Err(other)) => {
                let span = self.item_span(a, list);
                self.not_text(&place(), "status", other, span);
            }
        }
        let mut by = None;
        match a.by.get() {
            None => {}
            Some(Ok(s)) => by = Some(share(last.and_then(|l| l.by.as_ref()), s)),
            Some(Err(other)) => {
                let span = self.item_span(a, list);
                self.not_text(&place(), "by", other, span);
            }
        }
        if !a.extra.is_empty() {
            let item_span = self.item_span(a, list);
            let repeated = repeats(a.extra.iter().map(|e| &*e.key));
            for (Entry { key, .. }, repeated) in a.extra.iter().zip(repeated) {
                let key_place = format!("{}, field `{key}`", place());
                if repeated || ASSESSMENT_KEYS.contains(&&**key) {
                    self.duplicate_key(key, &key_place, item_span);
                } else {
                    let span = self.key_span(key, item_span);
                    self.problem(
                        said(codes::UNKNOWN_KEY, &key_place, span),
                        format!("unknown key `{key}`"),
                        Some("an assessment has `clause`, `status` and `by`".into()),
                    );
                }
            }
        }
        let missing = |s: &mut Self, what: &str, help: &str| {
            let span = s.item_span(a, list);
            s.problem(
                said(codes::MISSING_FIELD, &place(), span),
                format!("missing `{what}`"),
                Some(help.into()),
            );
        };
        if matches!(a.clause, Slot::Missing) {
            missing(
                self,
                "clause",
                "name the clause assessed: `clause: \"LABELIX:4.2\"`",
            );
        }
        if matches!(a.status, Slot::Missing) {
            missing(self, "status", "give the verdict: `status: met`");
        }
        Some((
            Assessment {
                clause: clause?,
                status: status?,
                by,
            },
            clause_span.unwrap_or_else(|| self.item_span(a, list)),
        ))
    }
}

/// How many clauses after the last one assessed are tried before the
/// index of every clause.
const LOOKAHEAD: u32 = 8;

/// The clause of key `key`, tried first among the few clauses after
/// `last`: files list clauses in the rulebook's order more often than not,
/// skipping a few, and those keys lie side by side in memory where the
/// index costs a hash and cache misses.
fn find_clause(book: &Rulebook, last: Option<ClauseIdx>, key: &str) -> Option<ClauseIdx> {
    last.and_then(|last| {
        let next = last.0.saturating_add(1);
        (next..next.saturating_add(LOOKAHEAD))
            .map(ClauseIdx)
            .find(|&c| book.clause(c).is_some_and(|k| k.key == key))
    })
    .or_else(|| book.clause_by_key(key))
}

/// `text` as an assessor's name, shared with `last` when the same.
fn share(last: Option<&Arc<str>>, text: &str) -> Arc<str> {
    match last {
        Some(last) if **last == *text => Arc::clone(last),
        _ => Arc::from(text),
    }
}
