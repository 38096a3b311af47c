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
    let size = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if size > limit {
        return Err(too_large(limit));
    }
    // Sized to the file: a buffer grown by doubling would hold up to twice
    // the text at its peak.
    read_into(std::fs::File::open(path)?, limit, size)
}

/// Reads a whole stream (standard input, a file already open) of at most
/// `limit` bytes, stopping one byte past the limit.
///
/// # Errors
/// Larger than `limit` (`FileTooLarge`), or an I/O or UTF-8 error.
pub fn read_bounded(reader: impl Read, limit: usize) -> std::io::Result<String> {
    read_into(reader, limit, 0)
}

fn read_into(reader: impl Read, limit: usize, size: usize) -> std::io::Result<String> {
    let mut text = String::new();
    // One byte more than the size, so that reading the end needs no growth.
    text.try_reserve_exact(size.saturating_add(1))
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::OutOfMemory, e.to_string()))?;
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(cap).read_to_string(&mut text)?;
    if text.len() > limit {
        return Err(too_large(limit));
    }
    Ok(text)
}

fn too_large(limit: usize) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("larger than the limit of {} MiB", limit / (1024 * 1024)),
    )
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
    /// A place named in diagnostics (a folder link), not a text to read.
    place_only: bool,
}

/// The byte-order mark some editors write at the start of UTF-8 files.
pub const BOM: char = '\u{feff}';

impl SourceFile {
    /// A file named `name` (a path, `<stdin>`, or `rules/x.rules` for shipped rules).
    ///
    /// The text is made readable without moving a byte, so that every
    /// offset is still the file's: a leading byte-order mark becomes three
    /// spaces that the first line's columns do not count, and a carriage
    /// return that is not part of `\r\n` (old Mac line endings) becomes a
    /// line feed.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let mut text = text.into();
        let bom = if text.starts_with(BOM) {
            text.replace_range(..BOM.len_utf8(), "   ");
            BOM.len_utf8()
        } else {
            0
        };
        if let Some(lines) = lone_carriage_returns_as_line_feeds(&text) {
            text = lines;
        }
        let line_starts = std::iter::once(bom)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            place_only: false,
        }
    }

    /// True for a place named in diagnostics that holds no text (see
    /// [`SourceMap::add_place`]).
    pub fn is_place(&self) -> bool {
        self.place_only
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
            .map_or(offset.saturating_sub(line_start), |s| s.chars().count());
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

/// The text with every `\r` not followed by `\n` turned into `\n` (same
/// length, so offsets hold), or `None` when there is no such `\r`.
fn lone_carriage_returns_as_line_feeds(text: &str) -> Option<String> {
    // `str::contains` finds a byte with memchr: the common case costs little.
    if !text.contains('\r') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut changed = false;
    let after = bytes.iter().skip(1).map(Some).chain(std::iter::once(None));
    for (b, after) in out.iter_mut().zip(after) {
        if *b == b'\r' && after != Some(&b'\n') {
            *b = b'\n';
            changed = true;
        }
    }
    // INVARIANT: one ASCII byte replaced by another keeps the text UTF-8.
    changed.then(|| String::from_utf8(out).ok()).flatten()
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

    /// Adds a place that diagnostics name but that holds no text to read
    /// (a folder link); [`SourceMap::iter`] skips it.
    pub fn add_place(&mut self, name: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(Arc::new(SourceFile {
            name: name.into(),
            text: String::new(),
            line_starts: vec![0],
            place_only: true,
        }));
        id
    }

    /// The file of an id.
    pub fn get(&self, id: FileId) -> Option<&Arc<SourceFile>> {
        self.files.get(id.0 as usize)
    }

    /// All files with their ids, in the order added (places aside).
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &Arc<SourceFile>)> {
        self.files
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.place_only)
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
