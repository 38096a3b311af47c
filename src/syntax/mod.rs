//! Text → syntax tree: the pest grammar, lowering to [`ast`] with spans, and
//! the canonical formatter.
//!
//! Parsing is bounded: a cheap pre-scan rejects nesting deeper than the
//! grammar could ever need before pest recurses into it, and lowering counts
//! clause and expression depth against [`MAX_DEPTH`], so no input can
//! overflow the stack.

pub mod ast;
mod fast;
pub(crate) mod format;
mod lower;
pub(crate) mod scan;

use pest::error::{ErrorVariant, InputLocation};
use std::ops::ControlFlow;

use pest::Parser as _;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

pub use format::format;

/// Deepest nesting of clauses, and of expressions or conditions, accepted.
pub const MAX_DEPTH: usize = 64;

/// Bracket nesting beyond which the pre-scan refuses a file outright: the
/// deepest legal file nests a referential, 64 clauses and 64 expressions.
const MAX_BRACKETS: usize = 2 * MAX_DEPTH + 8;

/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// Stable diagnostic codes of this stage.
pub mod codes {
    /// The text does not follow the grammar.
    pub const UNEXPECTED: &str = "refmap::syntax::unexpected";
    /// Clauses, expressions or conditions nest deeper than allowed.
    pub const TOO_DEEP: &str = "refmap::syntax::too-deep";
    /// A date that is not a day of the calendar.
    pub const INVALID_DATE: &str = "refmap::syntax::invalid-date";
    /// A number too large to represent.
    pub const NUMBER_OUT_OF_RANGE: &str = "refmap::syntax::number-out-of-range";
    /// The file is larger than [`super::MAX_FILE_BYTES`].
    pub const TOO_LARGE: &str = "refmap::syntax::too-large";
    /// A bug: pest's tree has a shape lowering does not expect (a grammar
    /// change not followed in `lower`).
    pub const INTERNAL: &str = "refmap::syntax::internal";
}

mod grammar {
    #![allow(missing_docs)]
    //! The pest parser generated from `grammar/refmap.pest`.

    /// The generated parser.
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/refmap.pest"]
    pub struct RulesParser;
}

use grammar::{Rule, RulesParser};

/// Parses one file. On a syntax error the file yields no tree and exactly one
/// diagnostic (pest stops at the first); errors found while lowering (bad
/// dates, excessive depth) are all collected.
///
/// Runs on the caller's stack: the pre-scan bounds pest's recursion, and the
/// deepest input it lets through needs well under the 2 MiB of a spawned
/// thread (`tests/syntax_props.rs` checks this on a 2 MiB thread).
pub fn parse(file: FileId, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    let _span = tracing::info_span!("parse", file = file.0, bytes = text.len()).entered();
    parse_here(file, text)
}

fn parse_here(file: FileId, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    if text.len() > MAX_FILE_BYTES {
        return Err(vec![Diagnostic::error(
            codes::TOO_LARGE,
            file,
            Span::new(0, 0),
            format!("file is larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024)),
        )
        .with_help("split the rules into several files")]);
    }
    if text.len() >= PARALLEL_BYTES {
        let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        if let Some(tree) = parse_in_chunks(file, text, workers) {
            return Ok(tree);
        }
    }
    if let Some(tree) = parse_items(file, 0, text) {
        return Ok(tree);
    }
    parse_with_pest(file, text)
}

/// The reference route: pest and lowering over the whole text, without the
/// hand-written reader or chunking. [`parse`] gives the same tree, spans
/// included, and the same diagnostics; this entry point exists only so that
/// tests, fuzzing and benches can check that it does.
#[doc(hidden)]
pub fn parse_reference(file: FileId, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    if text.len() > MAX_FILE_BYTES {
        parse_here(file, text)
    } else {
        parse_with_pest(file, text)
    }
}

/// The chunked route alone, on `workers` threads, whatever the size of
/// `text` ([`parse`] takes it only from 2 MiB on). `None` where [`parse`]
/// would fall back to one whole-file parse. Exists so that fuzzing and tests
/// can check on small inputs that a tree it gives is the tree of
/// [`parse_reference`], spans included.
#[doc(hidden)]
pub fn parse_chunked(file: FileId, text: &str, workers: usize) -> Option<ast::File> {
    parse_in_chunks(file, text, workers)
}

/// Parses `text` (found at offset `base` of its file) item by item: the
/// hand-written reader of [`fast`] where it knows the item, pest for each
/// run of items it does not. `None` when pest or lowering refuses a piece:
/// the caller then parses the whole file with pest, so that diagnostics are
/// exactly those of one sequential parse.
fn parse_items(file: FileId, base: usize, text: &str) -> Option<ast::File> {
    let reader = fast::Reader::new(text, base);
    let mut items = Vec::new();
    let mut at = reader.trivia(0);
    while at < text.len() {
        if let Some((item, end)) = reader.item(at) {
            items.push(item);
            at = reader.trivia(end);
            continue;
        }
        // `file` is a sequence of items, so a run of whole items parses
        // alone into the items it holds in the whole file.
        let next = reader.next_item(at);
        let piece = text.get(at..next)?;
        if prescan_depth(piece).is_some() {
            return None;
        }
        let pairs = RulesParser::parse(Rule::file, piece).ok()?;
        items.extend(lower::lower_file(file, base + at, pairs).ok()?.items);
        at = reader.trivia(next);
    }
    Some(ast::File { items })
}

/// pest over the whole text, then lowering; the pre-scan first, so that pest
/// never recurses deeper than the grammar needs.
fn parse_with_pest(file: FileId, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    if let Some(span) = prescan_depth(text) {
        return Err(vec![Diagnostic::error(
            codes::TOO_DEEP,
            file,
            span,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        )
        .with_label("too deep from here")
        .with_help(
            "flatten the structure: split deep `all`/`any` groups or sub-clauses",
        )]);
    }
    let pairs = match RulesParser::parse(Rule::file, text) {
        Ok(pairs) => pairs,
        Err(error) => return Err(vec![syntax_error(file, text, &error)]),
    };
    lower::lower_file(file, 0, pairs)
}

/// Files at least this large are parsed in chunks on every core.
const PARALLEL_BYTES: usize = 2 * 1024 * 1024;

/// Parses a large file as consecutive chunks of whole top-level items, on
/// `workers` threads (every core): the grammar's `file` is a sequence of items, so the trees
/// concatenate to the tree of the whole. `None` when the file cannot be cut
/// or a chunk fails: the caller then parses the whole file, so diagnostics
/// are exactly those of a sequential parse.
fn parse_in_chunks(file: FileId, text: &str, workers: usize) -> Option<ast::File> {
    if workers < 2 {
        return None;
    }
    let cuts = item_boundaries(text, workers * 4);
    if cuts.len() < 2 {
        return None;
    }
    let mut bounds = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        bounds.push((start, cut));
        start = cut;
    }
    bounds.push((start, text.len()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Vec<(usize, Option<ast::File>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("refmap-parse".into())
                    .spawn_scoped(scope, || {
                        let mut done = Vec::new();
                        loop {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(&(a, b)) = bounds.get(k) else { break };
                            let chunk = text.get(a..b).unwrap_or("");
                            let tree = parse_items(file, a, chunk);
                            done.push((k, tree));
                        }
                        done
                    })
                    .ok()
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut trees: Vec<(usize, Option<ast::File>)> = results.into_iter().flatten().collect();
    if trees.len() != bounds.len() {
        return None;
    }
    trees.sort_by_key(|(k, _)| *k);
    let mut items = Vec::new();
    for (_, tree) in trees {
        items.extend(tree?.items);
    }
    Some(ast::File { items })
}

/// Up to `pieces - 1` offsets, evenly spread, where a line starts with a
/// top-level keyword (`referential`, `evidence`, `mapping`, `test`) in its
/// first column: the formatter writes every item so. A line never starts
/// inside a string or a comment; a keyword in the first column inside a
/// block makes that chunk fail, and the caller then parses the file whole.
fn item_boundaries(text: &str, pieces: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let step = (text.len() / pieces.max(1)).max(1);
    let mut cuts = Vec::new();
    let mut from = step;
    while let Some(rest) = bytes.get(from..) {
        let line = rest
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .map(|(k, _)| from + k + 1)
            .find(|&start| fast::starts_item(bytes, start));
        match line {
            Some(cut) => {
                cuts.push(cut);
                from = cut + step;
            }
            None => break,
        }
    }
    cuts
}

/// Finds the first place where brackets or `not` chains nest deeper than
/// [`MAX_BRACKETS`], skipping strings and comments.
fn prescan_depth(text: &str) -> Option<Span> {
    let bytes = text.as_bytes();
    let word_byte = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-';
    let mut depth = 0usize;
    let mut nots = 0usize;
    let mut skip_to = 0usize;
    let mut found = None;
    scan::walk(text, |piece| {
        let (i, b) = match piece {
            scan::Piece::Code(i, b) => (i, b),
            scan::Piece::Str(..) => {
                nots = 0;
                return ControlFlow::Continue(());
            }
            scan::Piece::Comment(..) => return ControlFlow::Continue(()),
        };
        if i < skip_to {
            return ControlFlow::Continue(());
        }
        let mut span = Span::new(i, i + 1);
        match b {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => {
                depth = depth.saturating_sub(1);
                nots = 0;
            }
            b'n' if bytes.get(i..i + 3) == Some(b"not")
                && !bytes.get(i + 3).is_some_and(word_byte)
                && !(i > 0 && bytes.get(i - 1).is_some_and(word_byte)) =>
            {
                nots += 1;
                skip_to = i + 3;
                span = Span::new(i, i + 3);
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => nots = 0,
        }
        if depth + nots > MAX_BRACKETS {
            found = Some(span);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    found
}

/// Turns pest's error into a diagnostic that names what was expected in the
/// user's words, at the furthest place the parser reached.
fn syntax_error(file: FileId, text: &str, error: &pest::error::Error<Rule>) -> Diagnostic {
    let (start, end) = match error.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, e)) => (s, e),
    };
    if text.get(start..).is_some_and(|rest| rest.starts_with('"')) {
        if let Some(d) = string_error(file, text, start) {
            return d;
        }
    }
    let mut expected: Vec<String> = Vec::new();
    let mut positives: Vec<Rule> = Vec::new();
    if let ErrorVariant::ParsingError { positives: p, .. } = &error.variant {
        positives.clone_from(p);
    }
    let mut at = start;
    // pest names only rules in its error, at the start of the last rule it
    // tried; a second, detailed parse gives the furthest position and the
    // literal tokens (`:`, `{`, `}`) expected there.
    if let Some((max, tokens)) = detailed_attempts(text) {
        // Inside a token (a date, an id) pest lists character classes such
        // as `0..9`; its own message names the token, which reads better.
        let in_token = tokens
            .iter()
            .any(|t| t.contains("..") || t == "-" || t == "_");
        if max > start && !tokens.is_empty() && !in_token {
            at = max;
            positives.clear();
            expected = tokens.into_iter().map(|t| format!("`{t}`")).collect();
        }
    }
    expected.extend(positives.iter().map(|r| describe(*r).to_string()));
    expected.sort_unstable();
    expected.dedup();
    let found = describe_found(text, at);
    let open = unclosed_braces(text);
    if at >= text.trim_end().len() && open > 0 {
        expected.push("`}`".to_string());
        expected.sort_unstable();
        expected.dedup();
    }
    // Whatever stands there was tried and refused: never offer it back.
    expected.retain(|e| *e != found.0);
    let end = if at == start && end > start {
        end
    } else {
        at + found.1
    };
    let span = Span::new(at, end.min(text.len()).max(at));
    let list = join_alternatives(&expected.iter().map(String::as_str).collect::<Vec<_>>());
    let message = if list.is_empty() {
        format!("unexpected {}", found.0)
    } else {
        format!("expected {list}, found {}", found.0)
    };
    let diagnostic = Diagnostic::error(codes::UNEXPECTED, file, span, message)
        .with_label(format!("unexpected {}", found.0));
    let help = if at >= text.trim_end().len() && open > 0 {
        Some(format!(
            "{open} `{{` not closed: add the missing `}}` where the block ends"
        ))
    } else if found.0 == "`one`" {
        Some("`one of [..]` closes the values of a `text` or `list of text` only".into())
    } else {
        help_for(&positives)
    };
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// How many `{` have no matching `}` (strings and comments skipped).
fn unclosed_braces(text: &str) -> usize {
    let mut depth = 0usize;
    scan::walk(text, |piece| {
        match piece {
            scan::Piece::Code(_, b'{') => depth += 1,
            scan::Piece::Code(_, b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        ControlFlow::Continue(())
    });
    depth
}

/// Re-parses with pest's detailed tracking and returns the furthest position
/// reached with the tokens expected there. The tracking switch is global:
/// the lock keeps two failing parses from turning it off under each other.
fn detailed_attempts(text: &str) -> Option<(usize, Vec<String>)> {
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = DETAIL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    pest::set_error_detail(true);
    let result = RulesParser::parse(Rule::file, text);
    pest::set_error_detail(false);
    let attempts = result.err()?.parse_attempts()?;
    let tokens = attempts
        .expected_tokens()
        .into_iter()
        .map(|t| t.to_string())
        .filter(|t| !t.trim().is_empty() && t != "//")
        .collect();
    Some((attempts.max_position, tokens))
}

/// A precise diagnostic for a string literal starting at `start` that the
/// grammar refused: an unknown escape or a missing closing quote.
fn string_error(file: FileId, text: &str, start: usize) -> Option<Diagnostic> {
    let rest = text.get(start + 1..)?;
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => match chars.next() {
                Some((_, '"' | '\\' | 'n' | 't')) => {}
                Some((j, other)) => {
                    let at = start + 1 + i;
                    let end = start + 1 + j + other.len_utf8();
                    return Some(
                        Diagnostic::error(
                            codes::UNEXPECTED,
                            file,
                            Span::new(at, end),
                            format!("unknown escape `\\{other}` in a string"),
                        )
                        .with_label("not an escape")
                        .with_help("strings admit `\\\"`, `\\\\`, `\\n` and `\\t`; write a backslash as `\\\\`"),
                    );
                }
                None => break,
            },
            '\n' => {
                return Some(unterminated(file, start, start + 1 + i));
            }
            _ => {}
        }
    }
    Some(unterminated(file, start, text.len()))
}

fn unterminated(file: FileId, start: usize, end: usize) -> Diagnostic {
    Diagnostic::error(
        codes::UNEXPECTED,
        file,
        Span::new(start, end),
        "unterminated string",
    )
    .with_label("this string has no closing `\"` on its line")
    .with_help("close the string with `\"`; write line breaks inside it as `\\n`")
}

/// What stands at `offset`, for "found …", and its length in bytes.
fn describe_found(text: &str, offset: usize) -> (String, usize) {
    let rest = text.get(offset..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return ("end of file".to_string(), 0);
    };
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
            .take(40)
            .collect();
        let len = word.len();
        return (format!("`{word}`"), len);
    }
    if first == '"' {
        return ("a string".to_string(), 1);
    }
    match first {
        ' ' => return ("a space".to_string(), 1),
        '\t' => return ("a tab".to_string(), 1),
        '\n' | '\r' => return ("a line break".to_string(), 1),
        _ => {}
    }
    (format!("`{first}`"), first.len_utf8())
}

fn join_alternatives(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn help_for(positives: &[Rule]) -> Option<String> {
    if positives.contains(&Rule::relation) {
        return Some(
            "a link reads `REF:ID relation REF:ID`, e.g. `LABELIX:4.2 subset-of ISO15189-2022:6.4`"
                .into(),
        );
    }
    if positives.contains(&Rule::clause_ref) {
        return Some("clause references are written `REF_ID:CLAUSE_ID` with no spaces, e.g. `ISO15189-2022:6.4.1`".into());
    }
    if positives.contains(&Rule::duration) {
        return Some(
            "durations are a whole number and a unit: `day(s)`, `week(s)`, `month(s)`, `year(s)`"
                .into(),
        );
    }
    if positives.contains(&Rule::string) {
        return Some("strings are double-quoted; escape `\"` and `\\` with a backslash".into());
    }
    None
}

/// The user-facing name of a grammar rule.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::referential | Rule::kw_referential => "`referential`",
        Rule::evidence_type | Rule::kw_evidence => "`evidence`",
        Rule::mapping | Rule::kw_mapping => "`mapping`",
        Rule::test | Rule::kw_test => "`test`",
        Rule::ref_attr | Rule::ref_attr_key => {
            "a referential attribute (`edition`, `publisher`, `url`, `language`, `source`, `note`)"
        }
        Rule::clause | Rule::kw_clause | Rule::clause_expr => "`clause`",
        Rule::clause_body | Rule::evidence_body | Rule::link_body | Rule::given_body => "`{`",
        Rule::summary | Rule::kw_summary => "`summary`",
        Rule::note | Rule::kw_note => "`note`",
        Rule::requires | Rule::kw_requires => "`requires`",
        Rule::applies | Rule::kw_applies => "`applies if`",
        Rule::kw_if => "`if`",
        Rule::valid | Rule::kw_valid => "`valid`",
        Rule::field | Rule::kw_field => "`field`",
        Rule::field_type | Rule::value_type | Rule::text_type => {
            "a type (`text`, `number`, `date`, `bool`, `list`, `list of text`)"
        }
        Rule::list_of_text | Rule::kw_list => "`list of text`",
        Rule::one_of | Rule::kw_one => "`one of [..]`",
        Rule::profile_decl => "`profile`",
        Rule::fact | Rule::kw_fact => "`fact`",
        Rule::mapping_attr | Rule::mapping_attr_key => "`source`, `note`",
        Rule::link => "a link (`REF:ID relation REF:ID`)",
        Rule::strength | Rule::kw_strength => "`strength`",
        Rule::rationale | Rule::kw_rationale => "`rationale`",
        Rule::rationale_kind => "a rationale (`syntactic`, `semantic`, `functional`)",
        Rule::source | Rule::kw_source => "`source`",
        Rule::relation => {
            "a relation (`equals`, `subset-of`, `superset-of`, `intersects`, `disjoint`)"
        }
        Rule::expr
        | Rule::all_expr
        | Rule::any_expr
        | Rule::at_least_expr
        | Rule::not_expr
        | Rule::evidence_expr
        | Rule::attested => {
            "a requirement (`all`, `any`, `at least`, `not`, `evidence`, `clause`, `attested`)"
        }
        Rule::kw_all => "`all`",
        Rule::kw_any => "`any`",
        Rule::kw_at => "`at least`",
        Rule::kw_least => "`least`",
        Rule::kw_of => "`of`",
        Rule::kw_not | Rule::not_atom => "`not`",
        Rule::where_part | Rule::kw_where => "`where`",
        Rule::within_part | Rule::kw_within => "`within`",
        Rule::count_part | Rule::kw_count => "`count >=`",
        Rule::cond
        | Rule::conj
        | Rule::group
        | Rule::compare
        | Rule::in_atom
        | Rule::contains_atom => {
            "a condition (`field == value`, `field in [..]`, `field contains value`)"
        }
        Rule::kw_or => "`or`",
        Rule::kw_and => "`and`",
        Rule::kw_in => "`in`",
        Rule::kw_contains => "`contains`",
        Rule::cmp => "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::value | Rule::list | Rule::boolean => {
            "a value (string, number, date, `true`, `false` or `[..]`)"
        }
        Rule::as_of | Rule::kw_as_of => "`as-of`",
        Rule::profile | Rule::kw_profile => "`profile`",
        Rule::given_evidence | Rule::given_assessment | Rule::kw_given => "`given`",
        Rule::given_field => "a field name and value",
        Rule::kw_assessment => "`assessment`",
        Rule::expect_status | Rule::expect_relation | Rule::kw_expect => "`expect`",
        Rule::via | Rule::kw_via => "`via`",
        Rule::kw_relation => "`relation`",
        Rule::status => "a status (`met`, `partial`, `not-met`, `not-applicable`, `unknown`)",
        Rule::ident => "a name (letters, digits, `_`)",
        Rule::ref_id => "a referential id (e.g. `ISO15189-2022`)",
        Rule::clause_id => "a clause id (e.g. `6.4.1`)",
        Rule::clause_ref => "a clause reference (`REF_ID:CLAUSE_ID`)",
        Rule::int => "a whole number",
        Rule::number => "a number",
        Rule::date => "a date (`YYYY-MM-DD`)",
        Rule::duration | Rule::duration_amount => "a duration (e.g. `12 months`)",
        Rule::duration_unit => "a duration unit (`days`, `weeks`, `months`, `years`)",
        Rule::string => "a string",
        Rule::file => "an item (`referential`, `evidence`, `mapping`, `profile`, `test`)",
        // Silent rules never reach an error; named here so the match stays total.
        Rule::item => "an item (`referential`, `evidence`, `mapping`, `profile`, `test`)",
        Rule::clause_item => {
            "a clause item (`summary`, `note`, `requires`, `applies if`, `clause`)"
        }
        Rule::evidence_item => "`valid` or `field`",
        Rule::link_attr => "a link attribute (`strength`, `rationale`, `note`, `source`)",
        Rule::atom => "a condition (`field == value`, `field in [..]`, `field contains value`)",
        Rule::test_item => "a test item (`as-of`, `profile`, `given`, `expect`)",
        Rule::ident_char | Rule::ref_char | Rule::string_char => "a character",
        Rule::WHITESPACE | Rule::COMMENT => "whitespace",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_error(text: &str) -> Diagnostic {
        match parse(FileId(0), text) {
            Err(mut d) if !d.is_empty() => d.remove(0),
            other => Diagnostic::error("none", FileId(0), Span::default(), format!("{other:?}")),
        }
    }

    #[test]
    fn names_the_expected_relation() {
        let d = first_error("mapping \"m\" { A:1 equal B:2 }");
        assert_eq!(d.code, codes::UNEXPECTED);
        assert!(d.message.contains("a relation (`equals`"), "{}", d.message);
        assert!(d.message.contains("found `equal`"), "{}", d.message);
        assert_eq!(d.primary.span.start, 18);
    }

    #[test]
    fn keywords_are_whole_words() {
        let d = first_error("evidence x \"t\" { notes \"n\" }");
        assert_eq!(d.code, codes::UNEXPECTED);
        assert!(parse(FileId(0), "evidence valid_x \"t\" { valid 1 year }").is_ok());
    }

    #[test]
    fn chunked_parsing_gives_the_sequential_tree_with_the_same_spans() {
        let mut text = String::from("// a large file\n");
        let mut k = 0;
        while text.len() < 150_000 {
            text.push_str(&format!(
                "referential R{k} \"r {{ }}\" {{\n  clause 1 \"c\" {{ requires evidence e where f == \"}}\" }} // }}\n}}\n\nmapping \"m{k}\" {{ R{k}:1 equals R{k}:1 }}\n"
            ));
            k += 1;
        }
        let chunked = parse_in_chunks(FileId(0), &text, 2);
        let sequential = RulesParser::parse(Rule::file, &text)
            .ok()
            .and_then(|pairs| lower::lower_file(FileId(0), 0, pairs).ok());
        assert!(sequential.is_some());
        assert!(chunked.is_some());
        // Span equality is structural only: compare positions through Debug.
        assert_eq!(format!("{chunked:?}"), format!("{:?}", sequential));
        // A syntax error in a late chunk falls back to the sequential parse.
        let broken = format!("{text}referential X \"x\" {{ clause }}\n");
        assert!(parse_in_chunks(FileId(0), &broken, 2).is_none());
        let d = first_error(&broken);
        assert_eq!(d.code, codes::UNEXPECTED);
    }

    #[test]
    fn deep_nesting_is_a_diagnostic_not_a_crash() {
        let text = format!(
            "referential R \"r\" {{ clause 1 \"c\" {{ requires {} evidence x {} }} }}",
            "all { ".repeat(100_000),
            "} ".repeat(100_000)
        );
        let d = first_error(&text);
        assert_eq!(d.code, codes::TOO_DEEP);
        let nots = format!(
            "referential R \"r\" {{ clause 1 \"c\" {{ requires {} evidence x }} }}",
            "not ".repeat(100_000)
        );
        assert_eq!(first_error(&nots).code, codes::TOO_DEEP);
    }
}
