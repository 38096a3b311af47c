//! The canonical printer behind `refmap fmt`.
//!
//! Two-space indentation, one item per line, a blank line between top-level
//! items, groups (`all`, `any`, `at least`) always opened on their own lines.
//! Comments are kept: each is printed before the first node that follows it,
//! or at the end of the line it trailed. Parsing the output gives the same
//! tree (spans aside), and formatting the output again changes nothing.

use std::fmt::Write as _;

use super::ast::*;
use crate::source::Span;

/// Formats a parsed file. `source` is the text it was parsed from, used only
/// to carry comments over; pass `""` for a tree built in code.
pub fn format(file: &File, source: &str) -> String {
    let mut f = Formatter {
        out: String::new(),
        indent: 0,
        comments: comments_of(source),
        next_comment: 0,
        source,
        last_end: 0,
    };
    for (i, item) in file.items.iter().enumerate() {
        if i > 0 {
            f.out.push('\n');
        }
        match item {
            Item::Referential(r) => f.referential(r),
            Item::Evidence(e) => f.evidence_type(e),
            Item::Mapping(m) => f.mapping(m),
            Item::Profile(p) => f.profile(p),
            Item::Test(t) => f.test(t),
        }
    }
    f.flush_comments(usize::MAX);
    f.out
}

/// Byte ranges of `//` comments, strings skipped.
fn comments_of(source: &str) -> Vec<Span> {
    let mut out = Vec::new();
    super::scan::walk(source, |piece| {
        if let super::scan::Piece::Comment(start, end) = piece {
            out.push(Span::new(start, end));
        }
        std::ops::ControlFlow::Continue(())
    });
    out
}

struct Formatter<'s> {
    out: String,
    indent: usize,
    comments: Vec<Span>,
    next_comment: usize,
    source: &'s str,
    /// End of the last node printed, to tell trailing comments.
    last_end: usize,
}

impl Formatter<'_> {
    /// Prints every comment that starts before `offset`.
    fn flush_comments(&mut self, offset: usize) {
        while let Some(&c) = self.comments.get(self.next_comment) {
            if c.start >= offset {
                break;
            }
            self.next_comment += 1;
            let text = self.source.get(c.start..c.end).unwrap_or("//").trim_end();
            let between = self.source.get(self.last_end..c.start).unwrap_or("\n");
            let trailing = self.last_end > 0 && !between.contains('\n') && self.out.ends_with('\n');
            if trailing {
                // The separator between top-level items may already be out:
                // the comment goes before it, at the end of the item's line.
                let separated = self.out.ends_with("\n\n");
                self.out.pop();
                if separated {
                    self.out.pop();
                }
                let _ = writeln!(self.out, " {text}");
                if separated {
                    self.out.push('\n');
                }
            } else {
                self.blank_before(c.start);
                self.line(text);
            }
            self.last_end = c.end;
        }
    }

    /// Starts a node at `span`: prints the comments before it, and keeps one
    /// blank line where the user left one or more.
    fn at(&mut self, span: Span) {
        self.flush_comments(span.start);
        self.blank_before(span.start);
    }

    /// Prints one empty line if the source has a blank line between the last
    /// node printed and `offset`, except right after an opening brace.
    fn blank_before(&mut self, offset: usize) {
        let gap = self.source.get(self.last_end..offset).unwrap_or("");
        let mut lines = gap.split('\n');
        lines.next();
        lines.next_back();
        let blank = lines.any(|l| l.trim().is_empty());
        if blank
            && self.last_end > 0
            && !self.out.is_empty()
            && !self.out.ends_with("{\n")
            && !self.out.ends_with("\n\n")
        {
            self.out.push('\n');
        }
    }

    /// Marks the end of a node, for trailing comments.
    fn done(&mut self, span: Span) {
        self.last_end = self.last_end.max(span.end);
    }

    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Closes a block whose node ends at `end`, printing comments inside it first.
    fn close(&mut self, end: usize) {
        self.flush_comments(end.saturating_sub(1));
        self.indent = self.indent.saturating_sub(1);
        self.line("}");
    }

    fn referential(&mut self, r: &Referential) {
        self.at(r.span);
        self.line(&format!(
            "referential {} {} {{",
            r.id.text,
            quote(&r.title.value)
        ));
        self.done(r.title.span);
        self.indent += 1;
        for a in &r.attrs {
            self.at(a.value.span);
            self.line(&format!("{} {}", a.key.keyword(), quote(&a.value.value)));
            self.done(a.value.span);
        }
        for c in &r.clauses {
            self.clause(c);
        }
        self.close(r.span.end);
        self.done(r.span);
    }

    fn clause(&mut self, c: &Clause) {
        self.at(c.span);
        let head = format!("clause {} {}", c.id.text, quote(&c.title.value));
        match &c.body {
            None => {
                self.line(&head);
                self.done(c.span);
            }
            Some(items) if items.is_empty() && !self.has_comment_in(c.span) => {
                self.line(&format!("{head} {{}}"));
                self.done(c.span);
            }
            Some(items) => {
                self.line(&format!("{head} {{"));
                self.done(c.title.span);
                self.indent += 1;
                for item in items {
                    match item {
                        ClauseItem::Summary(s) => self.keyword_string("summary", s),
                        ClauseItem::Note(s) => self.keyword_string("note", s),
                        ClauseItem::Requires(e) => self.expr("requires ", e),
                        ClauseItem::AppliesIf(cond) => {
                            self.at(cond.span);
                            self.line(&format!("applies if {}", cond_text(cond)));
                            self.done(cond.span);
                        }
                        ClauseItem::Clause(sub) => self.clause(sub),
                    }
                }
                self.close(c.span.end);
                self.done(c.span);
            }
        }
    }

    fn has_comment_in(&self, span: Span) -> bool {
        self.comments
            .get(self.next_comment)
            .is_some_and(|c| c.start < span.end)
    }

    fn keyword_string(&mut self, keyword: &str, s: &Str) {
        self.at(s.span);
        self.line(&format!("{keyword} {}", quote(&s.value)));
        self.done(s.span);
    }

    /// Prints an expression starting on the current line after `prefix`.
    fn expr(&mut self, prefix: &str, e: &Expr) {
        self.at(e.span);
        let group = |f: &mut Self, head: String, list: &[Expr], end: usize| {
            f.line(&format!("{prefix}{head} {{"));
            // A comment after the opening brace trails the head line.
            if let Some(brace) = f.source.get(e.span.start..end).and_then(|t| t.find('{')) {
                f.done(Span::new(e.span.start, e.span.start + brace + 1));
            }
            f.indent += 1;
            for child in list {
                f.expr("", child);
            }
            f.close(end);
        };
        match &e.kind {
            ExprKind::All(list) => group(self, "all".into(), list, e.span.end),
            ExprKind::Any(list) => group(self, "any".into(), list, e.span.end),
            ExprKind::AtLeast { n, of, .. } => {
                group(self, format!("at least {n} of"), of, e.span.end)
            }
            ExprKind::Not(inner) => {
                let p = format!("{prefix}not ");
                self.expr(&p, inner);
            }
            ExprKind::Evidence(req) => {
                let mut text = format!("{prefix}evidence {}", req.ty.text);
                if let Some(c) = &req.where_ {
                    let _ = write!(text, " where {}", cond_text(c));
                }
                if let Some((d, _)) = &req.within {
                    let _ = write!(text, " within {}", duration_text(d));
                }
                if let Some((n, _)) = &req.count {
                    let _ = write!(text, " count >= {n}");
                }
                self.line(&text);
            }
            ExprKind::Clause(r) => self.line(&format!("{prefix}clause {r}")),
            ExprKind::Attested => self.line(&format!("{prefix}attested")),
        }
        self.done(e.span);
    }

    fn evidence_type(&mut self, e: &EvidenceType) {
        self.at(e.span);
        let head = format!("evidence {} {}", e.name.text, quote(&e.title.value));
        match &e.body {
            None => self.line(&head),
            Some(items) if items.is_empty() && !self.has_comment_in(e.span) => {
                self.line(&format!("{head} {{}}"));
            }
            Some(items) => {
                self.line(&format!("{head} {{"));
                self.done(e.title.span);
                self.indent += 1;
                for item in items {
                    match item {
                        EvidenceItem::Valid(d, span) => {
                            self.at(*span);
                            self.line(&format!("valid {}", duration_text(d)));
                            self.done(*span);
                        }
                        EvidenceItem::Field(name, ty) => {
                            self.at(name.span);
                            self.typed(&format!("field {}", name.text), ty);
                            self.done(ty.span);
                        }
                    }
                }
                self.close(e.span.end);
            }
        }
        self.done(e.span);
    }

    fn profile(&mut self, p: &Profile) {
        self.at(p.span);
        let head = format!("profile {}", quote(&p.title.value));
        if p.facts.is_empty() && !self.has_comment_in(p.span) {
            self.line(&format!("{head} {{}}"));
        } else {
            self.line(&format!("{head} {{"));
            self.done(p.title.span);
            self.indent += 1;
            for fact in &p.facts {
                self.at(fact.name.span);
                self.typed(&format!("fact {}", fact.name.text), &fact.ty);
                self.done(fact.ty.span);
            }
            self.close(p.span.end);
        }
        self.done(p.span);
    }

    /// `head: type`, a long closed set wrapped over several lines.
    fn typed(&mut self, head: &str, ty: &ValueType) {
        let base = if ty.of_text {
            "list of text"
        } else {
            ty.ty.keyword()
        };
        let Some(values) = &ty.one_of else {
            self.line(&format!("{head}: {base}"));
            return;
        };
        let quoted: Vec<String> = values.iter().map(|v| quote(&v.value)).collect();
        let one_line = format!("{head}: {base} one of [{}]", quoted.join(", "));
        if 2 * self.indent + one_line.chars().count() <= LINE_WIDTH {
            self.line(&one_line);
            return;
        }
        self.line(&format!("{head}: {base} one of ["));
        self.indent += 1;
        let width = LINE_WIDTH.saturating_sub(2 * self.indent);
        let mut row = String::new();
        let last = quoted.len().saturating_sub(1);
        for (i, q) in quoted.iter().enumerate() {
            let piece = if i == last {
                q.clone()
            } else {
                format!("{q},")
            };
            if !row.is_empty() && row.chars().count() + 1 + piece.chars().count() > width {
                self.line(&row);
                row.clear();
            }
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(&piece);
        }
        self.line(&row);
        self.indent = self.indent.saturating_sub(1);
        self.line("]");
    }

    fn mapping(&mut self, m: &Mapping) {
        self.at(m.span);
        self.line(&format!("mapping {} {{", quote(&m.title.value)));
        self.done(m.title.span);
        self.indent += 1;
        for a in &m.attrs {
            match a {
                MappingAttr::Source(s) => self.keyword_string("source", s),
                MappingAttr::Note(s) => self.keyword_string("note", s),
            }
        }
        for link in &m.links {
            self.link(link);
        }
        self.close(m.span.end);
        self.done(m.span);
    }

    fn link(&mut self, l: &Link) {
        self.at(l.span);
        let head = format!("{} {} {}", l.a, l.relation, l.b);
        match &l.body {
            None => self.line(&head),
            Some(attrs) if attrs.is_empty() && !self.has_comment_in(l.span) => {
                self.line(&format!("{head} {{}}"));
            }
            Some(attrs) => {
                self.line(&format!("{head} {{"));
                self.done(l.b.span);
                self.indent += 1;
                for a in attrs {
                    match a {
                        LinkAttr::Strength(n, span) => {
                            self.at(*span);
                            self.line(&format!("strength {n}"));
                            self.done(*span);
                        }
                        LinkAttr::Rationale(r, span) => {
                            self.at(*span);
                            self.line(&format!("rationale {}", r.keyword()));
                            self.done(*span);
                        }
                        LinkAttr::Note(s) => self.keyword_string("note", s),
                        LinkAttr::Source(s) => self.keyword_string("source", s),
                    }
                }
                self.close(l.span.end);
            }
        }
        self.done(l.span);
    }

    fn test(&mut self, t: &Test) {
        self.at(t.span);
        self.line(&format!("test {} {{", quote(&t.name.value)));
        self.done(t.name.span);
        self.indent += 1;
        for item in &t.items {
            match item {
                TestItem::AsOf(d, span) => {
                    self.at(*span);
                    self.line(&format!("as-of {d}"));
                    self.done(*span);
                }
                TestItem::Profile(name, v) => {
                    self.at(name.span);
                    self.line(&format!("profile {} {}", name.text, value_text(v)));
                    self.done(v.span);
                }
                TestItem::GivenEvidence { ty, fields, span } => {
                    self.at(*span);
                    let mut text = format!("given evidence {}", ty.text);
                    if let Some(fields) = fields {
                        if fields.is_empty() {
                            text.push_str(" {}");
                        } else {
                            text.push_str(" {");
                            for (k, v) in fields {
                                let _ = write!(text, " {} {}", k.text, value_text(v));
                            }
                            text.push_str(" }");
                        }
                    }
                    self.line(&text);
                    self.done(*span);
                }
                TestItem::GivenAssessment {
                    clause,
                    status,
                    span,
                } => {
                    self.at(*span);
                    self.line(&format!("given assessment {clause} {status}"));
                    self.done(*span);
                }
                TestItem::ExpectStatus {
                    clause,
                    status,
                    via,
                    span,
                } => {
                    self.at(*span);
                    match via {
                        Some(v) => self.line(&format!("expect {clause} {status} via {v}")),
                        None => self.line(&format!("expect {clause} {status}")),
                    }
                    self.done(*span);
                }
                TestItem::ExpectRelation {
                    a,
                    relation,
                    b,
                    span,
                } => {
                    self.at(*span);
                    self.line(&format!("expect relation {a} {relation} {b}"));
                    self.done(*span);
                }
            }
        }
        self.close(t.span.end);
        self.done(t.span);
    }
}

/// Lines longer than this wrap where the language lets them (closed sets).
const LINE_WIDTH: usize = 100;

/// A string literal with the grammar's escapes.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn duration_text(d: &crate::date::Duration) -> String {
    d.to_string()
}

/// A condition on one line.
pub(crate) fn cond_text(c: &Cond) -> String {
    match &c.kind {
        CondKind::Or(parts) => parts.iter().map(cond_text).collect::<Vec<_>>().join(" or "),
        CondKind::And(parts) => parts
            .iter()
            .map(cond_text)
            .collect::<Vec<_>>()
            .join(" and "),
        CondKind::Not(inner) => format!("not {}", cond_text(inner)),
        CondKind::Group(inner) => format!("({})", cond_text(inner)),
        CondKind::Compare { field, op, value } => {
            format!("{} {} {}", field.text, op.symbol(), value_text(value))
        }
        CondKind::In { field, values } => format!(
            "{} in [{}]",
            field.text,
            values.iter().map(value_text).collect::<Vec<_>>().join(", ")
        ),
        CondKind::Contains { field, value } => {
            format!("{} contains {}", field.text, value_text(value))
        }
    }
}

/// A value as written.
pub(crate) fn value_text(v: &Value) -> String {
    match &v.kind {
        ValueKind::Str(s) => quote(s),
        ValueKind::Number(n) => format!("{n}"),
        ValueKind::Date(d) => d.to_string(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::List(items) => format!(
            "[{}]",
            items.iter().map(value_text).collect::<Vec<_>>().join(", ")
        ),
    }
}
