//! Human renderings of query answers (JSON comes from serde on the answers);
//! the HTML page, CSV and workbook renderings are in `report/`.

mod focus;
mod html;
mod sheet;
mod workbook;

use std::fmt::Write as _;

pub use focus::{failures, keep_statuses, FailOn};
pub use html::{check_html, coverage_html};
pub use sheet::{check_csv, check_summary_csv, coverage_csv, export_csv, neutralise, CsvOptions};
pub use workbook::{check_xlsx, coverage_xlsx};

/// What a page or workbook says about how it was made.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    /// The program and its version, e.g. `refmap 0.1.0`.
    pub generator: &'a str,
    /// The rules used, for people (`shipped rules, 23 files`).
    pub rules: &'a str,
    /// The SHA-256 of the rules ([`crate::Engine::rules_digest`]), hex.
    pub digest: &'a str,
}

use crate::evaluate::{Basis, Report, Summary};
use crate::query::{
    ClauseTree, Cover, Coverage, Equivalents, Kinship, NetworkExport, ProofStep, ReferentialTree,
    Relate,
};
use crate::test_blocks::TestOutcome;
use crate::vocab::Relation;
use crate::vocab::Status;

/// The clause trees, indented two spaces a level.
pub fn clause_trees(trees: &[ReferentialTree]) -> String {
    let mut out = String::new();
    for (i, r) in trees.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{} — {} ({} clauses)",
            r.referential, r.title, r.clause_count
        );
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

/// Proof steps, one per line, indented.
pub fn proof_lines(out: &mut String, proof: &[ProofStep], indent: &str) {
    let width = proof
        .iter()
        .map(|p| p.from.chars().count() + p.relation.len() + p.to.chars().count() + 2)
        .max()
        .unwrap_or(0);
    for p in proof {
        let text = format!("{} {} {}", p.from, p.relation, p.to);
        let _ = writeln!(out, "{indent}{text:<width$}  ({})", p.source);
    }
}

/// Relation keywords joined by `sep`.
fn keywords(relations: &[Relation], sep: &str) -> String {
    relations
        .iter()
        .map(|r| r.keyword())
        .collect::<Vec<_>>()
        .join(sep)
}

fn relations_text(relations: &[Relation]) -> String {
    if relations.is_empty() {
        "none (the network is inconsistent)".to_string()
    } else {
        keywords(relations, " | ")
    }
}

/// `relate A B` for people.
pub fn relate(r: &Relate) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} → {}: {}", r.a, r.b, relations_text(&r.relations));
    if r.relations.len() == 5 {
        let _ = writeln!(
            out,
            "  nothing is entailed: every relation is still possible"
        );
    }
    if r.a_within_b && r.b_within_a {
        let _ = writeln!(out, "  evidence carries both ways (same obligations)");
    } else if r.a_within_b {
        let _ = writeln!(out, "  {} met ⇒ {} met", r.b, r.a);
    } else if r.b_within_a {
        let _ = writeln!(out, "  {} met ⇒ {} met", r.a, r.b);
    } else if r.overlap {
        let _ = writeln!(
            out,
            "  they share obligations: either met ⇒ the other partial"
        );
    }
    if !r.proof.is_empty() {
        let _ = writeln!(out, "proof:");
        proof_lines(&mut out, &r.proof, "  ");
    }
    out
}

/// `equivalents A` for people.
pub fn equivalents(e: &Equivalents) -> String {
    let mut out = String::new();
    if e.related.is_empty() {
        let _ = writeln!(
            out,
            "{}: no clause has an entailed relation to it",
            e.clause
        );
        return out;
    }
    let _ = writeln!(out, "{}: {} related clause(s)", e.clause, e.related.len());
    for r in &e.related {
        let _ = writeln!(
            out,
            "  {:<12} {}  {}  [{}]",
            kinship_word(r.kinship),
            r.clause,
            r.title,
            relations_text(&r.relations)
        );
        proof_lines(&mut out, &r.proof, "      ");
    }
    out
}

fn kinship_word(k: Kinship) -> &'static str {
    match k {
        Kinship::Equals => "equals",
        Kinship::SubsetOf => "within",
        Kinship::SupersetOf => "contains",
        Kinship::Overlaps => "overlaps",
        Kinship::Disjoint => "disjoint",
        Kinship::Constrained => "constrained",
    }
}

/// `coverage` for people.
pub fn coverage(c: &Coverage) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "holding {} covers of {}:", c.from, c.to);
    for k in &c.clauses {
        let word = match k.coverage {
            Cover::Full => "full",
            Cover::Partial => "partial",
            Cover::Disjoint => "disjoint",
            Cover::NotApplicable => "n/a",
            Cover::Unknown => "unknown",
        };
        match &k.by {
            Some(by) => {
                let _ = writeln!(out, "  {word:<8} {}  {}  ← {by}", k.clause, k.title);
            }
            None => {
                let _ = writeln!(out, "  {word:<8} {}  {}", k.clause, k.title);
            }
        }
    }
    let n = &c.counts;
    // The not-applicable count appears only when a profile removed clauses,
    // so that answers without a profile read as they always have.
    let not_applicable = if n.not_applicable > 0 {
        format!(", {} not-applicable", n.not_applicable)
    } else {
        String::new()
    };
    let of = if n.not_applicable > 0 {
        " of those that apply"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{} clauses: {} full, {} partial, {} disjoint{not_applicable}, {} unknown ({}% fully covered, {}% at least partly{of})",
        n.total, n.full, n.partial, n.disjoint, n.unknown, n.full_percent, n.any_percent
    );
    out
}

fn node_ids(e: &NetworkExport) -> std::collections::HashMap<&str, String> {
    e.clauses
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clause.as_str(), format!("n{i}")))
        .collect()
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

/// Graphviz DOT: one cluster per referential; declared links solid, derived dashed.
pub fn export_dot(e: &NetworkExport) -> String {
    let ids = node_ids(e);
    let mut out =
        String::from("digraph refmap {\n  rankdir=LR;\n  node [shape=box, fontsize=10];\n");
    let mut referentials: Vec<&str> = e.clauses.iter().map(|c| c.referential.as_str()).collect();
    referentials.dedup();
    for (i, r) in referentials.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{i} {{\n    label=\"{}\";",
            dot_escape(r)
        );
        for c in e.clauses.iter().filter(|c| c.referential == *r) {
            let id = ids.get(c.clause.as_str()).map_or("", String::as_str);
            let _ = writeln!(
                out,
                "    {id} [label=\"{}\\n{}\"];",
                dot_escape(&c.clause),
                dot_escape(&c.title)
            );
        }
        out.push_str("  }\n");
    }
    for l in &e.links {
        let (Some(a), Some(b)) = (ids.get(l.from.as_str()), ids.get(l.to.as_str())) else {
            continue;
        };
        let style = if l.active { "solid" } else { "dotted" };
        let _ = writeln!(
            out,
            "  {a} -> {b} [label=\"{}\", style={style}];",
            l.relation
        );
    }
    for d in &e.derived {
        let (Some(a), Some(b)) = (ids.get(d.from.as_str()), ids.get(d.to.as_str())) else {
            continue;
        };
        let label = keywords(&d.relations, "|");
        let _ = writeln!(
            out,
            "  {a} -> {b} [label=\"{label}\", style=dashed, color=gray40];"
        );
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart: declared links `-->`, derived `-.->`.
pub fn export_mermaid(e: &NetworkExport) -> String {
    let ids = node_ids(e);
    let mut out = String::from("flowchart LR\n");
    for c in &e.clauses {
        let id = ids.get(c.clause.as_str()).map_or("", String::as_str);
        let _ = writeln!(out, "  {id}[\"{}\"]", c.clause.replace('"', "#quot;"));
    }
    for l in &e.links {
        let (Some(a), Some(b)) = (ids.get(l.from.as_str()), ids.get(l.to.as_str())) else {
            continue;
        };
        let _ = writeln!(out, "  {a} -->|{}| {b}", l.relation);
    }
    for d in &e.derived {
        let (Some(a), Some(b)) = (ids.get(d.from.as_str()), ids.get(d.to.as_str())) else {
            continue;
        };
        let label = keywords(&d.relations, " or ");
        let _ = writeln!(out, "  {a} -.->|{label}| {b}");
    }
    out
}

/// ANSI styling, off unless asked for.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to emit colour codes.
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn status(self, s: Status) -> String {
        let word = format!("{:<14}", s.keyword());
        match s {
            Status::Met => self.paint("32", &word),
            Status::Partial => self.paint("33", &word),
            Status::NotMet => self.paint("31", &word),
            Status::NotApplicable | Status::Unknown => self.paint("2", &word),
        }
    }

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

fn summary_text(s: &Summary) -> String {
    format!(
        "{} met, {} partial, {} not-met, {} not-applicable, {} unknown",
        s.met, s.partial, s.not_met, s.not_applicable, s.unknown
    )
}

/// `check` for people: one section per referential, a summary line each,
/// then every clause with its basis and what it misses.
pub fn check(report: &Report, titles: &dyn Fn(&str) -> String, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — as of {}", style.bold(&report.site), report.as_of);
    for s in &report.summary {
        let prefix = format!("{}:", s.referential);
        let _ = writeln!(
            out,
            "\n{} {}",
            style.bold(&s.referential),
            titles(&s.referential)
        );
        let _ = writeln!(out, "  {}", summary_text(s));
        for c in report
            .clauses
            .iter()
            .filter(|c| c.clause.starts_with(&prefix))
        {
            let mut line = format!("  {} {}  {}", style.status(c.status), c.clause, c.title);
            match c.basis {
                Basis::Evidence if !c.evidence.is_empty() => {
                    line.push_str(&format!("  [evidence {}]", c.evidence.join(", ")))
                }
                Basis::Mapping => {
                    if let Some(v) = &c.via {
                        line.push_str(&format!("  [via {v}]"));
                    }
                }
                Basis::Assessment => match &c.assessed_by {
                    Some(by) => line.push_str(&format!("  [assessed: {by}]")),
                    None => line.push_str("  [assessed]"),
                },
                Basis::SubClauses => line.push_str("  [sub-clauses]"),
                _ => {}
            }
            let _ = writeln!(out, "{line}");
            if c.basis == Basis::Mapping {
                proof_lines(&mut out, &c.proof, "      proof: ");
            }
            if matches!(c.status, Status::Partial | Status::NotMet | Status::Unknown) {
                for (i, m) in c.missing.iter().enumerate() {
                    let head = if i == 0 { "missing:" } else { "        " };
                    let _ = writeln!(out, "      {head} {m}");
                }
            }
        }
    }
    if !report.contradictions.is_empty() {
        let _ = writeln!(out, "\n{}", style.paint("31;1", "contradictions"));
        for c in &report.contradictions {
            let by = c
                .assessment
                .by
                .as_deref()
                .map(|b| format!(" ({b})"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {}{by}", c.message);
            proof_lines(&mut out, &c.proof, "      proof: ");
        }
    }
    out
}

/// `check --summary` for people: one line per referential.
pub fn check_summary(report: &Report) -> String {
    let mut out = String::new();
    for s in &report.summary {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}",
            report.site,
            report.as_of,
            s.referential,
            summary_text(s)
        );
    }
    out
}

/// `test` for people: one line per test, details of each failure, and the
/// closing `N passed, N failed` line.
pub fn tests(outcomes: &[TestOutcome], style: Style) -> String {
    let mut out = String::new();
    for t in outcomes {
        let verdict = if t.passed {
            style.paint("32", "ok")
        } else {
            style.paint("31", "FAILED")
        };
        let _ = writeln!(out, "test {} ... {verdict}", t.name);
    }
    let failed: Vec<&TestOutcome> = outcomes.iter().filter(|t| !t.passed).collect();
    for t in &failed {
        let _ = writeln!(out, "\n---- {} ({}) ----", t.name, t.source);
        for f in &t.failures {
            let _ = writeln!(out, "  expected: {}  ({})", f.expected, f.source);
            let _ = writeln!(out, "  found:    {}", f.found);
            proof_lines(&mut out, &f.proof, "    proof: ");
            for m in &f.missing {
                let _ = writeln!(out, "    missing: {m}");
            }
        }
    }
    let passed = outcomes.len() - failed.len();
    let _ = writeln!(out, "\n{passed} passed, {} failed", failed.len());
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `test --format junit`: JUnit XML for CI dashboards.
pub fn tests_junit(outcomes: &[TestOutcome]) -> String {
    let failed = outcomes.iter().filter(|t| !t.passed).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites tests=\"{}\" failures=\"{failed}\">",
        outcomes.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"refmap\" tests=\"{}\" failures=\"{failed}\">",
        outcomes.len()
    );
    for t in outcomes {
        let file = t
            .source
            .rsplit_once(':')
            .map_or(t.source.as_str(), |(f, _)| f);
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"",
            xml_escape(&t.name),
            xml_escape(file),
            xml_escape(file)
        );
        if t.passed {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        for f in &t.failures {
            let mut body = format!(
                "expected: {}\nfound: {}\nat: {}\n",
                f.expected, f.found, f.source
            );
            for p in &f.proof {
                body.push_str(&format!(
                    "proof: {} {} {} ({})\n",
                    p.from, p.relation, p.to, p.source
                ));
            }
            for m in &f.missing {
                body.push_str(&format!("missing: {m}\n"));
            }
            let _ = writeln!(
                out,
                "      <failure message=\"expected {}, found {}\">{}</failure>",
                xml_escape(&f.expected),
                xml_escape(&f.found),
                xml_escape(&body)
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
