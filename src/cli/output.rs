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

/// Replaces the file at `path` with `text`, keeping what the user had: a
/// symbolic link stays a link and its target is written; the file keeps
/// its permissions and (when the caller may set it) its owner; a file with
/// several hard links keeps them all. The text is first written and synced
/// to a temporary file beside the target, named `.NAME.refmap-fmt.XXXXXX`,
/// then renamed over it, so the file is either the old one or the new one.
/// With several hard links a rename would split them, so the synced
/// temporary file is copied into the target instead and removed after:
/// if the copy is interrupted, the temporary file still holds the text.
pub fn write_atomically(path: &Path, text: impl AsRef<[u8]>) -> std::io::Result<()> {
    let text = text.as_ref();
    let target = std::fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let meta = std::fs::metadata(&target)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.refmap-fmt."))
        .tempfile_in(dir)?;
    tmp.write_all(text)?;
    tmp.as_file().sync_all()?;
    tmp.as_file().set_permissions(meta.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&target)?;
            file.write_all(text)?;
            file.sync_all()?;
            return tmp.close();
        }
        // Only a privileged caller may give the file back to its owner;
        // anyone else keeps owning what they rewrite, as editors do.
        let _ = std::os::unix::fs::chown(tmp.path(), Some(meta.uid()), Some(meta.gid()));
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `bytes` to `path`: an existing file is replaced as
/// [`write_atomically`] does; a new one is written beside its final name and
/// renamed into place, so a reader never sees half of it.
pub fn write_output(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        return write_atomically(path, bytes);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".refmap-output.")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // A temporary file is private (0600); an output is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
