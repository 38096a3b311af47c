//! Reports as one self-contained HTML page (`check --format html`,
//! `coverage --format html`): inline CSS, no network, no external asset,
//! three lines of script (expand all; open the gaps before printing).
//! Rendered with `maud`, which escapes every interpolated text, so site
//! names and evidence ids from users cannot inject markup.
//!
//! The numbers a test reads back sit in `<data value=…>` elements tagged
//! with `data-site`, `data-referential` and `data-status`.

use std::collections::BTreeMap;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::sheet::{basis_word, by_referential, cover_word, referential_of};
use super::About;
use crate::evaluate::{Basis, ClauseResult, Detail, Report, Summary};
use crate::query::{Cover, Coverage, ProofStep};
use crate::vocab::Status;

const CSS: &str = include_str!("report.css");

const SCRIPT: &str = "document.addEventListener('click',e=>{const b=e.target.closest('[data-expand]');if(!b)return;\
for(const d of b.closest('section').querySelectorAll('details.clause'))d.open=b.dataset.expand==='open'});\
addEventListener('beforeprint',()=>{for(const d of document.querySelectorAll('.gaps details.clause'))d.open=true});";

/// Statuses in the order bars and legends show them: best first.
const STATUSES: [Status; 5] = [
    Status::Met,
    Status::Partial,
    Status::NotMet,
    Status::NotApplicable,
    Status::Unknown,
];

fn symbol(s: Status) -> &'static str {
    match s {
        Status::Met => "✓",
        Status::Partial => "◐",
        Status::NotMet => "✗",
        Status::NotApplicable => "–",
        Status::Unknown => "?",
    }
}

fn label(s: Status) -> &'static str {
    match s {
        Status::Met => "met",
        Status::Partial => "partial",
        Status::NotMet => "not met",
        Status::NotApplicable => "not applicable",
        Status::Unknown => "unknown",
    }
}

fn meaning(s: Status) -> &'static str {
    match s {
        Status::Met => "every obligation is shown fulfilled: by the site's evidence, an auditor's assessment, its sub-clauses, or carried from a clause of another referential that contains it",
        Status::Partial => "some obligations are shown fulfilled (part of the evidence, some sub-clauses, or a clause that overlaps it is met)",
        Status::NotMet => "shown not fulfilled: no evidence that counts as of the date, or an auditor found it not met",
        Status::NotApplicable => "does not apply to this site (its profile)",
        Status::Unknown => "nothing decides it: the clause has no rule, so only an assessment or a mapping can",
    }
}

fn count(s: &Summary, status: Status) -> usize {
    match status {
        Status::Met => s.met,
        Status::Partial => s.partial,
        Status::NotMet => s.not_met,
        Status::NotApplicable => s.not_applicable,
        Status::Unknown => s.unknown,
    }
}

fn total(s: &Summary) -> usize {
    STATUSES.iter().map(|&k| count(s, k)).sum()
}

/// Met among the applicable clauses, as a whole percentage.
fn share(s: &Summary) -> String {
    let applicable = total(s) - s.not_applicable;
    (s.met * 100)
        .checked_div(applicable)
        .map_or_else(|| "—".to_string(), |p| format!("{p}% met"))
}

/// A message whose `quoted` parts are set as code.
fn ticks(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

fn badge(s: Status) -> Markup {
    badge_text(s, label(s))
}

/// A badge in the look of status `s` reading `word`.
fn badge_text(s: Status, word: &str) -> Markup {
    html! {
        span class={ "badge st-" (s.keyword()) } {
            span.sym aria-hidden="true" { (symbol(s)) } span.word { (word) }
        }
    }
}

/// The whole page around `body`.
fn page(title: &str, heading: Markup, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content="refmap";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header.page { (heading) }
                (body)
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
    .into_string()
}

fn meta(items: &[(&str, String)]) -> Markup {
    html! {
        dl.meta {
            @for (k, v) in items { div { dt { (k) } dd { (v) } } }
        }
    }
}

fn rules_line(about: &About) -> String {
    let digest: String = about.digest.chars().take(12).collect();
    format!("{} · sha256 {digest}", about.rules)
}

fn legend(extra: bool) -> Markup {
    html! {
        section.legend {
            h2 { "Legend" }
            dl {
                @for s in STATUSES { dt { (badge(s)) } dd { (meaning(s)) } }
                @if extra {
                    dt { strong { "contradiction" } }
                    dd { "an auditor found a clause not met, yet a clause the mappings say contains it would be met: a mapping or an assessment is wrong (the clause is reported partial)" }
                    dt { strong { "basis" } }
                    dd { "what decided the status: " em { "evidence" } " (its own rule), " em { "assessment" } " (an auditor), " em { "sub-clauses" } ", " em { "mapping" } " (carried from another clause, with the proof: the declared links and their file:line), " em { "none" } }
                }
            }
        }
    }
}

/// A stacked bar of statuses with its counts; `site` tags the numbers.
fn status_bar(site: usize, s: &Summary, title: &str) -> Markup {
    let aria: Vec<String> = STATUSES
        .iter()
        .map(|&k| format!("{} {}", count(s, k), label(k)))
        .collect();
    html! {
        div.referential data-referential=(s.referential) {
            div.name {
                strong { (s.referential) }
                span.title { (title) }
                span.share { (share(s)) }
            }
            div.bar role="img" aria-label={ (s.referential) ": " (aria.join(", ")) } {
                @for k in STATUSES {
                    @let n = count(s, k);
                    @if n > 0 {
                        span class={ "seg st-" (k.keyword()) } style={ "flex:" (n) " 1 0" } title={ (n) " " (label(k)) } {
                            span.sym aria-hidden="true" { (symbol(k)) } span.n { (n) }
                        }
                    }
                }
            }
            ul.counts {
                @for k in STATUSES {
                    li {
                        span class={ "chip st-" (k.keyword()) } aria-hidden="true" { (symbol(k)) }
                        data value=(count(s, k)) data-site=(site) data-referential=(s.referential) data-status=(k.keyword()) { (count(s, k)) }
                        " " (label(k))
                    }
                }
                li.muted { (total(s)) " clauses" }
            }
        }
    }
}

fn small_bar(s: &Summary) -> Markup {
    html! {
        div.bar.small aria-hidden="true" {
            @for k in STATUSES {
                @let n = count(s, k);
                @if n > 0 { span class={ "seg st-" (k.keyword()) } style={ "flex:" (n) " 1 0" } {} }
            }
        }
    }
}

fn proof_list(proof: &[ProofStep]) -> Markup {
    html! {
        ol.proof {
            @for p in proof {
                li {
                    code { (p.from) } " " span.rel { (p.relation) } " " code { (p.to) }
                    span.src.mono { (p.source) }
                }
            }
        }
    }
}

/// The short reason shown on a clause's line: for a gap, the first thing
/// missing; otherwise what decided it.
fn why(c: &ClauseResult) -> String {
    if matches!(c.status, Status::NotMet | Status::Partial) {
        // `all of:` and the like head a list: show its first item.
        let mut lines = c.missing.iter().map(|m| m.trim());
        let first = lines.clone().find(|m| !m.ends_with(':'));
        if let Some(line) = first.or_else(|| lines.next()) {
            return line.to_string();
        }
    }
    match c.basis {
        Basis::Evidence if !c.evidence.is_empty() => format!("evidence {}", c.evidence.join(", ")),
        Basis::Mapping => c
            .via
            .as_ref()
            .map_or_else(|| "mapping".to_string(), |v| format!("via {v}")),
        Basis::Assessment => "assessed".to_string(),
        other => basis_word(other).to_string(),
    }
}

/// Nesting depth of a clause id (`4.2.1` is 2), capped for the page.
fn depth(key: &str) -> usize {
    key.split_once(':')
        .map_or(0, |(_, id)| id.matches('.').count())
        .min(4)
}

/// One clause as a line that expands to its basis, evidence, proof and
/// what is missing. `list` tells which list it is in (`gaps` or `all`).
fn clause_row(site: usize, c: &ClauseResult, list: &str) -> Markup {
    // Gaps are listed without their parents: no indentation there.
    let depth = if list == "all" { depth(&c.clause) } else { 0 };
    html! {
        details.clause style={ "--depth:" (depth) } data-site=(site) data-list=(list) data-clause=(c.clause) data-status=(c.status.keyword()) {
            summary {
                (badge(c.status))
                code.id { (c.clause) }
                span.title { (c.title) }
                span.why { (ticks(&why(c))) }
            }
            div.body {
                dl {
                    dt { "basis" }
                    dd {
                        (basis_word(c.basis))
                        @if let Some(by) = &c.assessed_by { " — assessed by " (by) }
                        @if let Some(v) = &c.via { " — carried from " code { (v) } }
                    }
                    @if !c.evidence.is_empty() {
                        dt { "evidence" }
                        dd { @for (i, e) in c.evidence.iter().enumerate() { @if i > 0 { ", " } code { (e) } } }
                    }
                    @if !c.proof.is_empty() {
                        dt { "proof" }
                        dd { (proof_list(&c.proof)) }
                    }
                    @if !c.missing.is_empty() {
                        dt { "missing" }
                        dd { pre.missing { (c.missing.join("\n")) } }
                    }
                    @if c.status == Status::NotApplicable {
                        dt { "applies" }
                        dd { "not to this site (its profile)" }
                    }
                }
            }
        }
    }
}

fn gaps(site: usize, r: &Report, listed: &dyn Fn(&ClauseResult) -> bool) -> Markup {
    let of = |s: Status| -> Vec<&ClauseResult> {
        r.clauses
            .iter()
            .filter(|c| c.status == s && listed(c))
            .collect()
    };
    let not_met = of(Status::NotMet);
    let partial = of(Status::Partial);
    // The tally counts every gap, whatever `--only` lists.
    let not_met_count: usize = r.summary.iter().map(|s| s.not_met).sum();
    let partial_count: usize = r.summary.iter().map(|s| s.partial).sum();
    html! {
        section.gaps id={ "site-" (site + 1) "-gaps" } {
            h3 { "Gaps" }
            p.tally {
                data value=(r.contradictions.len()) data-site=(site) data-gap="contradictions" { (r.contradictions.len()) } " contradiction(s), "
                data value=(not_met_count) data-site=(site) data-gap="not-met" { (not_met_count) } " clause(s) not met, "
                data value=(partial_count) data-site=(site) data-gap="partial" { (partial_count) } " partial"
            }
            @if !r.contradictions.is_empty() {
                h4 { "Contradictions" }
                @for c in &r.contradictions {
                    div.contradiction {
                        p { strong { (c.clause) } " — " (ticks(&c.message)) }
                        @if let Some(by) = &c.assessment.by { p.muted { "finding: " (by) } }
                        (proof_list(&c.proof))
                    }
                }
            }
            @for (name, rows) in [("Not met", &not_met), ("Partial", &partial)] {
                @if !rows.is_empty() {
                    h4 { (name) " (" (rows.len()) ")" }
                    @for (id, these) in by_referential(rows.iter().copied(), |c| &c.clause) {
                        p.group { (id) " — " (these.len()) }
                        div.clauses { @for c in these { (clause_row(site, c, "gaps")) } }
                    }
                }
            }
            @if r.contradictions.is_empty() && not_met.is_empty() && partial.is_empty() {
                p.empty { "No gap in the clauses listed." }
            }
        }
    }
}

/// For each referential pair, how many clauses of the second are met or
/// partial because a clause of the first carried its status over.
fn matrix(site: usize, r: &Report) -> Markup {
    let ids: Vec<&str> = r.summary.iter().map(|s| s.referential.as_str()).collect();
    // (from, to) → (met, partial), in one pass over the clauses.
    let mut carried: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for c in r.clauses.iter().filter(|c| c.basis == Basis::Mapping) {
        let Some(via) = c.via.as_deref() else {
            continue;
        };
        let cell = carried
            .entry((referential_of(via), referential_of(&c.clause)))
            .or_default();
        match c.status {
            Status::Met => cell.0 += 1,
            Status::Partial => cell.1 += 1,
            _ => {}
        }
    }
    html! {
        section.matrix id={ "site-" (site + 1) "-carry" } {
            h3 { "What carries over" }
            table.matrix {
                caption { "Clauses of the column's referential met or partial because evidence for a clause of the row's referential counts for them (through the mappings)." }
                thead { tr { th scope="col" { "from ↓ / to →" } @for to in &ids { th scope="col" { (to) } } } }
                tbody {
                    @for from in &ids {
                        tr {
                            th scope="row" { (from) }
                            @for to in &ids {
                                @let (met, partial) = carried.get(&(*from, *to)).copied().unwrap_or_default();
                                @if from == to {
                                    td.self title="same referential" { "—" }
                                } @else if met + partial == 0 {
                                    td.none { "0" }
                                } @else {
                                    td.some data-from=(from) data-to=(to) {
                                        @if met > 0 { (met) " met" }
                                        @if met > 0 && partial > 0 { " · " }
                                        @if partial > 0 { (partial) " partial" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn all_clauses(
    site: usize,
    r: &Report,
    titles: &dyn Fn(&str) -> String,
    listed: &dyn Fn(&ClauseResult) -> bool,
) -> Markup {
    let groups = by_referential(r.clauses.iter().filter(|c| listed(c)), |c| &c.clause);
    html! {
        section.all id={ "site-" (site + 1) "-all" } {
            div.tools { button type="button" data-expand="open" { "expand all" } " " button type="button" data-expand="close" { "collapse all" } }
            h3 { "Every clause" }
            @for s in &r.summary {
                h4 { (s.referential) " " span.muted { (titles(&s.referential)) } }
                @match groups.get(s.referential.as_str()) {
                    Some(rows) => div.clauses { @for c in rows { (clause_row(site, c, "all")) } },
                    None => p.empty { "No clause listed." },
                }
            }
        }
    }
}

fn site_section(
    site: usize,
    r: &Report,
    titles: &dyn Fn(&str) -> String,
    listed: &dyn Fn(&ClauseResult) -> bool,
    heading: bool,
) -> Markup {
    html! {
        section.site id={ "site-" (site + 1) } data-site=(site) {
            @if heading { h2 { (r.site) " " span.muted { "— as of " (r.as_of) } } }
            h3 { "Status per referential" }
            @for s in &r.summary { (status_bar(site, s, &titles(&s.referential))) }
            @if r.detail == Detail::Full {
                nav.toc {
                    a href={ "#site-" (site + 1) "-gaps" } { "Gaps" }
                    a href={ "#site-" (site + 1) "-carry" } { "What carries over" }
                    a href={ "#site-" (site + 1) "-all" } { "Every clause" }
                }
                (gaps(site, r, listed))
                (matrix(site, r))
                (all_clauses(site, r, titles, listed))
            } @else {
                p.empty { "Counts only (`--summary`)." }
            }
        }
    }
}

fn comparison(reports: &[Report]) -> Markup {
    let mut ids: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.summary.iter().map(|s| s.referential.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    html! {
        section.compare {
            h2 { "Site comparison" }
            table.compare {
                caption { "Share of applicable clauses met, per site and referential; gaps are clauses not met or partial." }
                thead { tr { th scope="col" { "site" } th scope="col" { "as of" } @for id in &ids { th scope="col" { (id) } } th.num scope="col" { "gaps" } th.num scope="col" { "contradictions" } } }
                tbody {
                    @for (i, r) in reports.iter().enumerate() {
                        tr {
                            th scope="row" { a href={ "#site-" (i + 1) } { (r.site) } }
                            td.date { (r.as_of) }
                            @for id in &ids {
                                @match r.summary.iter().find(|s| s.referential == *id) {
                                    Some(s) => td {
                                        (small_bar(s))
                                        strong { (share(s)) }
                                        span.line { (s.met) " met · " (s.partial) " partial · " (s.not_met) " not met" }
                                    },
                                    None => td.muted { "—" },
                                }
                            }
                            td.num { (r.summary.iter().map(|s| s.not_met + s.partial).sum::<usize>()) }
                            td.num { (r.contradictions.len()) }
                        }
                    }
                }
            }
        }
    }
}

/// `check --format html`: one page for one site or several (then with a
/// comparison table first). `only` keeps those statuses in the clause
/// lists (all when empty); bars, counts and the carry-over matrix stay whole.
pub fn check_html(
    reports: &[Report],
    titles: &dyn Fn(&str) -> String,
    about: &About,
    only: &[Status],
) -> String {
    let listed = |c: &ClauseResult| only.is_empty() || only.contains(&c.status);
    let rules = rules_line(about);
    match reports {
        [r] => {
            let heading = html! {
                p.kicker { "Compliance report" }
                h1 { (r.site) }
                (meta(&[("as of", r.as_of.to_string()), ("rules", rules), ("generated by", about.generator.to_string())]))
            };
            let body = html! {
                (site_section(0, r, titles, &listed, false))
                (legend(true))
            };
            page(&format!("{} — as of {}", r.site, r.as_of), heading, body)
        }
        many => {
            let heading = html! {
                p.kicker { "Compliance report" }
                h1 { (many.len()) " sites" }
                (meta(&[("rules", rules), ("generated by", about.generator.to_string())]))
                nav.toc { @for (i, r) in many.iter().enumerate() { a href={ "#site-" (i + 1) } { (r.site) } } }
            };
            let body = html! {
                (comparison(many))
                @for (i, r) in many.iter().enumerate() { (site_section(i, r, titles, &listed, true)) }
                (legend(true))
            };
            page(&format!("refmap — {} sites", many.len()), heading, body)
        }
    }
}

const COVERS: [Cover; 5] = [
    Cover::Full,
    Cover::Partial,
    Cover::Disjoint,
    Cover::Unknown,
    Cover::NotApplicable,
];

/// The status look of a coverage: full reads as met, partial as partial,
/// disjoint as not met (nothing shared), unknown as unknown, clauses
/// outside the site's profile as not applicable.
fn cover_status(c: Cover) -> Status {
    match c {
        Cover::Full => Status::Met,
        Cover::Partial => Status::Partial,
        Cover::Disjoint => Status::NotMet,
        Cover::Unknown => Status::Unknown,
        Cover::NotApplicable => Status::NotApplicable,
    }
}

fn cover_count(c: &Coverage, k: Cover) -> usize {
    match k {
        Cover::Full => c.counts.full,
        Cover::Partial => c.counts.partial,
        Cover::Disjoint => c.counts.disjoint,
        Cover::Unknown => c.counts.unknown,
        Cover::NotApplicable => c.counts.not_applicable,
    }
}

/// `coverage --format html`: what holding one referential covers of another.
pub fn coverage_html(c: &Coverage, titles: &dyn Fn(&str) -> String, about: &About) -> String {
    let heading = html! {
        p.kicker { "Coverage" }
        h1 { "Holding " (c.from) " covers of " (c.to) }
        (meta(&[("from", titles(&c.from)), ("to", titles(&c.to)), ("rules", rules_line(about)), ("generated by", about.generator.to_string())]))
    };
    let body = html! {
        div.referential data-referential=(c.to) {
            div.name { strong { (c.to) } span.title { (c.counts.total) " clauses" } span.share { (c.counts.full_percent) "% fully covered, " (c.counts.any_percent) "% at least partly" } }
            div.bar role="img" aria-label={ (c.counts.full) " full, " (c.counts.partial) " partial, " (c.counts.disjoint) " disjoint, " (c.counts.unknown) " unknown" } {
                @for k in COVERS {
                    @let n = cover_count(c, k);
                    @if n > 0 {
                        span class={ "seg st-" (cover_status(k).keyword()) } style={ "flex:" (n) " 1 0" } title={ (n) " " (cover_word(k)) } {
                            span.sym aria-hidden="true" { (symbol(cover_status(k))) } span.n { (n) }
                        }
                    }
                }
            }
            ul.counts {
                @for k in COVERS {
                    li {
                        span class={ "chip st-" (cover_status(k).keyword()) } aria-hidden="true" { (symbol(cover_status(k))) }
                        data value=(cover_count(c, k)) data-coverage=(cover_word(k)) { (cover_count(c, k)) }
                        " " (cover_word(k))
                    }
                }
            }
        }
        section.all {
            div.tools { button type="button" data-expand="open" { "expand all" } " " button type="button" data-expand="close" { "collapse all" } }
            h2 { "Clauses of " (c.to) }
            div.clauses {
                @for k in &c.clauses {
                    details.clause style={ "--depth:" (depth(&k.clause)) } data-clause=(k.clause) data-coverage=(cover_word(k.coverage)) {
                        summary {
                            (badge_text(cover_status(k.coverage), cover_word(k.coverage)))
                            code.id { (k.clause) }
                            span.title { (k.title) }
                            span.why { @if let Some(by) = &k.by { "by " (by) } }
                        }
                        div.body {
                            @if k.proof.is_empty() {
                                p.empty { "Nothing entailed: no proof either way." }
                            } @else {
                                dl { dt { "proof" } dd { (proof_list(&k.proof)) } }
                            }
                        }
                    }
                }
            }
        }
        section.legend {
            h2 { "Legend" }
            dl {
                dt { (badge_cover(Cover::Full)) } dd { "entailed within a clause of " (c.from) ": holding it covers this clause" }
                dt { (badge_cover(Cover::Partial)) } dd { "entailed to share obligations with a clause of " (c.from) }
                dt { (badge_cover(Cover::Disjoint)) } dd { "entailed to share nothing with every top-level clause of " (c.from) }
                dt { (badge_cover(Cover::Unknown)) } dd { "nothing is entailed either way (never inferred from absence)" }
            }
        }
    };
    page(
        &format!("refmap coverage — {} → {}", c.from, c.to),
        heading,
        body,
    )
}

fn badge_cover(k: Cover) -> Markup {
    badge_text(cover_status(k), cover_word(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(status: Status, basis: Basis, missing: &[&str]) -> ClauseResult {
        ClauseResult {
            clause: "LAB:4.2.1".into(),
            title: "T".into(),
            status,
            basis,
            evidence: vec!["E1".into(), "E2".into()],
            via: Some("ISO:6".into()),
            proof: Vec::new(),
            missing: missing.iter().map(|m| (*m).to_string()).collect(),
            assessed_by: None,
            carriers: Vec::new(),
            carriers_truncated: false,
        }
    }

    #[test]
    fn a_gap_line_shows_the_first_thing_missing() {
        let gap = clause(
            Status::NotMet,
            Basis::Evidence,
            &["all of:", "  evidence a: none on file"],
        );
        assert_eq!(why(&gap), "evidence a: none on file");
        let met = clause(Status::Met, Basis::Evidence, &[]);
        assert_eq!(why(&met), "evidence E1, E2");
        let carried = clause(Status::Met, Basis::Mapping, &[]);
        assert_eq!(why(&carried), "via ISO:6");
        assert_eq!(depth("LAB:4.2.1"), 2);
        assert_eq!(depth("LAB:EIAS"), 0);
    }

    #[test]
    fn quoted_words_become_code_and_text_is_escaped() {
        let html = ticks("clause `<A>` & more").into_string();
        assert_eq!(html, "clause <code>&lt;A&gt;</code> &amp; more");
    }
}
