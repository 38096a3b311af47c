//! Source files and byte spans: where every diagnostic points.
//!
//! Line and column are computed from a per-file table of line starts, so
//! locating a span is a binary search, never a rescan of the text.

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Reads a text file of at most `limit` bytes. The size is checked before
/// reading and the read stops one byte past the limit, so a device such as
/// `/dev/zero`, a FIFO without a writer or a file growing while read can
/// neither hang nor exhaust memory.
///
/// # Errors
/// Not a regular file (`InvalidInput`), larger than `limit` (`FileTooLarge`,
/// with the limit in the message), or an I/O or UTF-8 error.
pub fn read_text(path: &Path, limit: usize) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind};
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "not a regular file (a folder, FIFO, device or socket); give a file",
        ));
    }
    let too_large = || {
        Error::new(
            ErrorKind::FileTooLarge,
            format!("larger than the limit of {} MiB", limit / (1024 * 1024)),
        )
    };
    if usize::try_from(meta.len()).map_or(true, |n| n > limit) {
        return Err(too_large());
    }
    let mut text = String::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    std::fs::File::open(path)?
        .take(cap)
        .read_to_string(&mut text)?;
    if text.len() > limit {
        return Err(too_large());
    }
    Ok(text)
}

/// A half-open byte range `start..end` in one source file.
///
/// Spans never take part in equality: two syntax trees that differ only in
/// where their nodes stand compare equal, which is what round-trip tests and
/// the formatter's idempotence need. Compare `start`/`end` explicitly when the
/// position itself matters.
#[derive(Debug, Clone, Copy, Default, Eq)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// The range `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl PartialEq for Span {
    fn eq(&self, _other: &Span) -> bool {
        // INVARIANT: spans are positions, not content; see the type's docs.
        true
    }
}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _state: &mut H) {}
}

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// One loaded source text with its name as the user should read it.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// A file named `name` (a path, `<stdin>`, or `rules/x.rules` for shipped rules).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The name shown in diagnostics.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count());
        Location {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// 0-based index of the line holding a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset where a 0-based line starts (the text's length past the end).
    pub fn line_start(&self, index: usize) -> usize {
        self.line_starts
            .get(index)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Number of lines (a final line without a line break counts).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The source text under a span (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Every file loaded in one run, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(Arc::new(SourceFile::new(name, text)));
        id
    }

    /// The file of an id.
    pub fn get(&self, id: FileId) -> Option<&Arc<SourceFile>> {
        self.files.get(id.0 as usize)
    }

    /// All files with their ids, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &Arc<SourceFile>)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// `file:line:col` of a position, as shown to users.
    pub fn describe(&self, file: FileId, offset: usize) -> String {
        match self.get(file) {
            Some(f) => format!("{}:{}", f.name(), f.location(offset)),
            None => "<unknown>".to_string(),
        }
    }

    /// `file:line` of a position, as proofs and test reports cite it.
    pub fn describe_line(&self, file: FileId, offset: usize) -> String {
        match self.get(file) {
            Some(f) => format!("{}:{}", f.name(), f.location(offset).line),
            None => "<unknown>".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_one_based_and_count_characters() {
        let f = SourceFile::new("a.rules", "ab\né x\n\nz");
        assert_eq!(f.location(0), Location { line: 1, column: 1 });
        assert_eq!(f.location(3), Location { line: 2, column: 1 });
        // `é` is two bytes but one column.
        assert_eq!(f.location(6), Location { line: 2, column: 3 });
        assert_eq!(f.location(9), Location { line: 4, column: 1 });
        assert_eq!(f.line_text(2), "é x");
        assert_eq!(f.line_text(3), "");
        assert_eq!(f.location(1000), Location { line: 4, column: 2 });
    }
}
