//! From text to the raw inventory: the format told by the first character,
//! the size and nesting limits, and syntax errors turned into problems
//! with their place.

use serde::de::DeserializeSeed;

use super::error::{codes, Problem};
use super::raw::{Top, TopSeed, MAX_DEPTH, TOO_DEEP_MESSAGE};
use super::MAX_INVENTORY_BYTES;
use crate::source::Span;

/// Reads `text` as JSON when it starts with `{` or `[` (after white
/// space), else as YAML.
pub(crate) fn parse(text: &str) -> Result<Top<'_>, Problem> {
    if text.len() > MAX_INVENTORY_BYTES {
        return Err(Problem {
            code: codes::TOO_LARGE,
            place: "file".into(),
            message: format!(
                "inventory is larger than {} MiB",
                MAX_INVENTORY_BYTES / (1024 * 1024)
            ),
            help: Some("split it into one file per site".into()),
            span: Span::new(0, 0),
        });
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        json(text)
    } else {
        yaml(text)
    }
}

fn json(text: &str) -> Result<Top<'_>, Problem> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = TopSeed { len: text.len() }
        .deserialize(&mut de)
        .and_then(|top| {
            de.end()?;
            Ok(top)
        });
    parsed.map_err(|e| {
        // In text that parses, `[`/`{` outside strings are exactly the
        // containers, and the reader refuses them too deep: the scan is
        // needed only when the parse fails, and then gives the answer of
        // scanning first.
        if let Some(place) = too_deep(text) {
            return nesting(text, place);
        }
        syntax(
            text,
            Some((e.line(), e.column())),
            &json_message(&e),
            "check the JSON syntax (quotes, commas, braces)",
        )
    })
}

fn yaml(text: &str) -> Result<Top<'_>, Problem> {
    // The YAML parser's time grows with the square of flow nesting: the
    // nesting is checked before parsing.
    if let Some(place) = too_deep(text) {
        return Err(nesting(text, place));
    }
    TopSeed { len: text.len() }
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| {
            syntax(
                text,
                e.location().map(|l| (l.line(), l.column())),
                &without_place(e.to_string()),
                "check the YAML syntax (indentation, quotes, `key: value`)",
            )
        })
}

/// A syntax error (or nesting found while reading) at 1-based `at`.
fn syntax(text: &str, at: Option<(usize, usize)>, message: &str, help: &str) -> Problem {
    let deep = message.contains(TOO_DEEP_MESSAGE);
    let start = at.map_or(0, |(line, column)| offset(text, line, column));
    Problem {
        code: if deep {
            codes::TOO_DEEP
        } else {
            codes::MALFORMED
        },
        place: at.map_or_else(
            || "document".to_string(),
            |(line, column)| format!("line {line}, column {column}"),
        ),
        message: message.to_string(),
        help: Some(if deep { NESTING_HELP } else { help }.to_string()),
        span: Span::new(start, start),
    }
}

const NESTING_HELP: &str = "an inventory is a flat list of items; flatten the nested lists";

fn nesting(text: &str, (line, column): (usize, usize)) -> Problem {
    let start = offset(text, line, column);
    Problem {
        code: codes::TOO_DEEP,
        place: format!("line {line}, column {column}"),
        message: TOO_DEEP_MESSAGE.to_string(),
        help: Some(NESTING_HELP.into()),
        span: Span::new(start, (start + 1).min(text.len())),
    }
}

/// Byte offset of 1-based `line` and `column` (in characters), kept
/// within the line.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let rest = text.get(line_start..).unwrap_or("");
    let line_len = rest.find('\n').unwrap_or(rest.len());
    let within = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_len, |(i, _)| i.min(line_len));
    line_start + within
}

fn json_message(e: &serde_json::Error) -> String {
    without_place(e.to_string())
}

/// The parsers append " at line L column C"; the place is shown apart.
fn without_place(text: String) -> String {
    match text.find(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    }
}

/// Line and column of the first place where `[`/`{` nest deeper than
/// [`MAX_DEPTH`] (quoted text skipped).
fn too_deep(text: &str) -> Option<(usize, usize)> {
    // Byte by byte: every character that matters is ASCII, and the bytes of
    // other characters never equal an ASCII one. The column (in characters)
    // is counted only for the answer.
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let (mut line, mut line_start) = (1usize, 0usize);
    let mut escaped = false;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if b == b'\n' {
            line += 1;
            line_start = i + 1;
        }
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if b == b'\\' && q == b'"' {
                    escaped = true;
                } else if b == q || b == b'\n' {
                    quote = None;
                }
            }
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        let column = text.get(line_start..=i).map_or(0, |l| l.chars().count());
                        return Some((line, column));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan as first written, character by character: the reference
    /// for the byte scan.
    fn too_deep_by_chars(text: &str) -> Option<(usize, usize)> {
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let (mut line, mut column) = (1usize, 0usize);
        let mut escaped = false;
        for c in text.chars() {
            column += 1;
            if c == '\n' {
                line += 1;
                column = 0;
            }
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && q == '"' {
                        escaped = true;
                    } else if c == q || c == '\n' {
                        quote = None;
                    }
                }
                None => match c {
                    '"' | '\'' => quote = Some(c),
                    '[' | '{' => {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return Some((line, column));
                        }
                    }
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                },
            }
        }
        None
    }

    fn nested(n: usize) -> String {
        format!("{}{}", "[".repeat(n), "]".repeat(n))
    }

    fn texts() -> Vec<String> {
        let profile = |n: usize| {
            format!(
                "{{\"site\": \"s\", \"profile\": {{\"deep\": {}}}}}",
                nested(n)
            )
        };
        vec![
            profile(62),
            profile(63),
            profile(64),
            format!(
                "{{\"site\": \"s\",\n \"profile\": {{\"dé€p\": {}}}}}",
                nested(63)
            ),
            format!(
                "{{\"site\": \"s\", \"profile\": {{\"deep\": {}",
                "[".repeat(70)
            ),
            format!(
                "{{\"site\": \"a\\\"{}\", \"x\": {}}}",
                "[".repeat(80),
                nested(70)
            ),
            format!("{{\"site\": \"{}\"}}", "[".repeat(100)),
            format!(
                "{{\"site\": \"s\", \"profile\": {{\"deep\": [[[1], {}]]}}}}",
                nested(61)
            ),
            format!("site: 'é[' \nprofile: {{ dé: {} }}\n", nested(65)),
            format!("site: \"é\\\"[\n\"\nprofile: {{ d: {} }}\n", nested(66)),
            format!("site: s\nprofile:\n  d: {}\n", nested(40)),
        ]
    }

    #[test]
    fn the_byte_scan_finds_what_the_character_scan_finds() {
        for text in texts() {
            assert_eq!(too_deep(&text), too_deep_by_chars(&text), "{text}");
        }
    }

    /// JSON is parsed before it is scanned: the answer must be the one of
    /// scanning first.
    #[test]
    fn json_nesting_errors_are_those_of_scanning_first() {
        let mut deep = 0;
        for text in texts() {
            let result = parse(&text);
            match too_deep_by_chars(&text) {
                Some((line, column)) => {
                    deep += 1;
                    let e = result.err();
                    assert_eq!(e.as_ref().map(|p| p.code), Some(codes::TOO_DEEP), "{text}");
                    assert_eq!(
                        e.map(|p| p.place),
                        Some(format!("line {line}, column {column}")),
                        "{text}"
                    );
                }
                None => {
                    if let Err(e) = result {
                        assert_ne!(e.code, codes::TOO_DEEP, "{text}: {e:?}");
                    }
                }
            }
        }
        assert!(deep >= 5);
    }

    #[test]
    fn offsets_count_characters_and_stay_in_their_line() {
        let text = "ab\né x\n";
        assert_eq!(offset(text, 1, 1), 0);
        assert_eq!(offset(text, 2, 2), 5);
        assert_eq!(offset(text, 2, 99), 7);
        assert_eq!(offset(text, 9, 1), text.len());
    }
}
