//! Writing the command line's output: standard output that survives a closed
//! pipe, JSON, and files replaced atomically.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

/// Writes to standard output; a closed pipe (`refmap … | head`) ends the
/// program quietly instead of panicking.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let result = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(2);
    }
}

/// Prints a value as pretty JSON with a final newline.
pub fn emit_json<T: Serialize>(value: &T) -> Result<(), serde_json::Error> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    emit(&text);
    Ok(())
}

/// Prints diagnostics rendered for a person to standard error, one per line.
pub fn eprint_all(rendered: &[String]) {
    let mut err = std::io::stderr().lock();
    for text in rendered {
        let _ = writeln!(err, "{text}");
    }
}

/// Replaces `path` with `text` through a temporary file in the same folder,
/// renamed over the original, keeping its permissions: the file is either
/// the old one or the new one, never half-written.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.as_file().set_permissions(permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
