//! Lowering of pest's parse tree into the typed syntax tree.
//!
//! The grammar guarantees the shape of every pair, so lowering mostly walks
//! children in order; where the shape could still surprise us (a grammar
//! change), it reports an internal diagnostic instead of panicking. Depth is
//! counted here: clauses and expressions nested deeper than [`MAX_DEPTH`] are
//! errors with the span of the first level too many.
//!
//! The items are lowered in [`items`], expressions, conditions and values in
//! [`expr`]; the tokens and the diagnostics they share are here.

mod expr;
mod items;
mod types;

use pest::iterators::{Pair, Pairs};

use super::ast::*;
use super::{codes, Rule, MAX_DEPTH};
use crate::date::{Date, Duration, DurationUnit};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::vocab::Relation;

/// Lowering state: the file, and the diagnostics collected so far.
struct Lowerer {
    file: FileId,
    /// Offset of the parsed text in its file (chunks of a large file are
    /// parsed apart).
    base: usize,
    diagnostics: Vec<Diagnostic>,
}

/// Lowers a parsed `file` pair sequence.
pub(super) fn lower_file(
    file: FileId,
    base: usize,
    mut pairs: Pairs<'_, Rule>,
) -> Result<File, Vec<Diagnostic>> {
    let mut lowerer = Lowerer {
        file,
        base,
        diagnostics: Vec::new(),
    };
    let mut items = Vec::new();
    if let Some(file_pair) = pairs.next() {
        for pair in file_pair.into_inner() {
            match pair.as_rule() {
                Rule::referential => items.push(Item::Referential(lowerer.referential(pair))),
                Rule::evidence_type => items.push(Item::Evidence(lowerer.evidence_type(pair))),
                Rule::mapping => items.push(Item::Mapping(lowerer.mapping(pair))),
                Rule::profile_decl => items.push(Item::Profile(lowerer.profile(pair))),
                Rule::test => items.push(Item::Test(lowerer.test(pair))),
                _ => {}
            }
        }
    }
    if lowerer.diagnostics.is_empty() {
        Ok(File { items })
    } else {
        Err(lowerer.diagnostics)
    }
}

/// The span of a pair without the whitespace and comments pest lets a rule
/// swallow after its last token (it skips trivia before trying an optional
/// part that then turns out absent).
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.start() + content_len(s.as_str()))
}

fn content_len(text: &str) -> usize {
    let mut t = text.trim_end();
    loop {
        let line_start = t.rfind('\n').map_or(0, |i| i + 1);
        let line = t.get(line_start..).unwrap_or("");
        match comment_start(line) {
            Some(c) => t = t.get(..line_start + c).unwrap_or("").trim_end(),
            None => return t.len(),
        }
    }
}

/// Byte offset of a `//` comment in a line, outside strings.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Children of a pair, keywords left out: keywords carry no data.
fn children<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_referential
            | Rule::kw_clause
            | Rule::kw_summary
            | Rule::kw_note
            | Rule::kw_requires
            | Rule::kw_applies
            | Rule::kw_if
            | Rule::kw_evidence
            | Rule::kw_valid
            | Rule::kw_field
            | Rule::kw_mapping
            | Rule::kw_strength
            | Rule::kw_rationale
            | Rule::kw_source
            | Rule::kw_all
            | Rule::kw_any
            | Rule::kw_at
            | Rule::kw_least
            | Rule::kw_of
            | Rule::kw_not
            | Rule::kw_where
            | Rule::kw_within
            | Rule::kw_count
            | Rule::kw_or
            | Rule::kw_and
            | Rule::kw_in
            | Rule::kw_contains
            | Rule::kw_test
            | Rule::kw_as_of
            | Rule::kw_profile
            | Rule::kw_given
            | Rule::kw_assessment
            | Rule::kw_expect
            | Rule::kw_via
            | Rule::kw_relation
            | Rule::kw_fact
            | Rule::kw_list
            | Rule::kw_one
    )
}

impl Lowerer {
    /// The span of a pair in its file.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = span_of(pair);
        Span::new(s.start + self.base, s.end + self.base)
    }

    fn internal(&mut self, span: Span, what: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::INTERNAL,
                self.file,
                span,
                format!("internal: unexpected syntax shape in {what}"),
            )
            .with_help("this is a bug in refmap; please report it with the file"),
        );
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn string(&self, pair: Pair<'_, Rule>) -> Str {
        let span = self.span(&pair);
        // INVARIANT: the grammar's `string` starts and ends with `"`.
        let text = pair.as_str();
        let raw = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
        Str {
            value: unescape(raw),
            span,
        }
    }

    fn too_deep(&mut self, span: Span, what: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::TOO_DEEP,
                self.file,
                span,
                format!("{what} nest deeper than {MAX_DEPTH} levels"),
            )
            .with_label(format!("level {} starts here", MAX_DEPTH + 1))
            .with_help("flatten the structure: split deep groups or sub-clauses"),
        );
    }

    fn duration(&mut self, pair: Pair<'_, Rule>) -> Option<Duration> {
        let mut inner = pair.into_inner();
        let amount = inner.next()?;
        let unit = inner.next()?;
        let amount = match amount.as_str().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                self.number_out_of_range(self.span(&amount), u64::from(u32::MAX));
                return None;
            }
        };
        let unit = match unit.as_str().trim_end_matches('s') {
            "day" => DurationUnit::Day,
            "week" => DurationUnit::Week,
            "month" => DurationUnit::Month,
            _ => DurationUnit::Year,
        };
        Some(Duration { amount, unit })
    }

    fn number_out_of_range(&mut self, span: Span, max: u64) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::NUMBER_OUT_OF_RANGE,
                self.file,
                span,
                format!("number too large (the largest accepted here is {max})"),
            )
            .with_label("too large"),
        );
    }

    fn int(&mut self, pair: Pair<'_, Rule>) -> (u64, Span) {
        let span = self.span(&pair);
        match pair.as_str().parse::<u64>() {
            Ok(n) => (n, span),
            Err(_) => {
                self.number_out_of_range(span, u64::MAX);
                (u64::MAX, span)
            }
        }
    }

    fn date(&mut self, pair: Pair<'_, Rule>) -> Date {
        let span = self.span(&pair);
        match pair.as_str().parse::<Date>() {
            Ok(d) => d,
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::INVALID_DATE,
                        self.file,
                        span,
                        format!("`{}` is not a valid date", pair.as_str()),
                    )
                    .with_label(e.to_string())
                    .with_help("dates are written `YYYY-MM-DD` and must exist in the calendar"),
                );
                Date::MIN
            }
        }
    }

    fn clause_ref(&self, pair: Pair<'_, Rule>) -> ClauseRef {
        // INVARIANT: the grammar's `clause_ref` is `REF_ID:CLAUSE_ID`, and
        // neither part can hold a `:`.
        ClauseRef::from_text(pair.as_str().to_string(), self.span(&pair))
    }

    fn relation(&mut self, pair: &Pair<'_, Rule>) -> Relation {
        match pair.as_str().parse::<Relation>() {
            Ok(r) => r,
            Err(_) => {
                let span = self.span(pair);
                self.internal(span, "a relation");
                Relation::Intersects
            }
        }
    }
}

/// Resolves the escapes the grammar admits: `\"`, `\\`, `\n`, `\t`.
pub(super) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}
