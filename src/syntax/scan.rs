//! A byte walk over rule text that knows strings and comments, for the
//! cheap passes that run before or beside the parser: the nesting pre-scan,
//! the unclosed-brace count, the cut points of chunked parsing and the
//! formatter's comments. One place decides what a string or comment is.

use std::ops::ControlFlow;

/// What the walk meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A byte of code (outside strings and comments), with its offset.
    Code(usize, u8),
    /// A string literal from its opening quote to its closing quote, or to
    /// the end of its line when unterminated (exclusive end).
    Str(usize, usize),
    /// A `//` comment, up to its line break (exclusive end).
    Comment(usize, usize),
}

/// Walks `text`, handing every piece to `visit` until it breaks.
pub(crate) fn walk(text: &str, mut visit: impl FnMut(Piece) -> ControlFlow<()>) {
    let bytes = text.as_bytes();
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        let piece = match b {
            b'"' => {
                let start = i;
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\n' => break,
                        _ => i += 1,
                    }
                }
                i = i.min(bytes.len());
                Piece::Str(start, i)
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let start = i;
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                Piece::Comment(start, i)
            }
            _ => {
                i += 1;
                Piece::Code(i - 1, b)
            }
        };
        if visit(piece).is_break() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<Piece> {
        let mut out = Vec::new();
        walk(text, |p| {
            out.push(p);
            ControlFlow::Continue(())
        });
        out
    }

    #[test]
    fn strings_and_comments_hide_their_braces() {
        let p = pieces("{\"a}\\\"\" // x }\n}");
        assert_eq!(
            p,
            vec![
                Piece::Code(0, b'{'),
                Piece::Str(1, 7),
                Piece::Code(7, b' '),
                Piece::Comment(8, 14),
                Piece::Code(14, b'\n'),
                Piece::Code(15, b'}'),
            ]
        );
        // An unterminated string stops at its line break.
        assert_eq!(pieces("\"ab\n}").first(), Some(&Piece::Str(0, 3)));
    }
}
