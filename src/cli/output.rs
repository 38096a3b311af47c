//! Writing the command line's output: standard output that survives a closed
//! pipe, JSON, and files replaced atomically.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

/// Writes to standard output; a closed pipe (`refmap … | head`) ends the
/// program quietly instead of panicking.
pub fn emit(text: &str) {
    emit_bytes(text.as_bytes());
}

/// Writes bytes to standard output, as [`emit`] does text.
pub fn emit_bytes(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        write_failed(&e);
    }
}

/// Writes each text and a newline as it comes, then `last`, so that a
/// million rendered warnings are never held at once.
pub fn emit_each(texts: impl Iterator<Item = String>, last: &str) {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut written = Ok(());
    for text in texts {
        written = writeln!(out, "{text}");
        if written.is_err() {
            break;
        }
    }
    if let Err(e) = written
        .and_then(|()| out.write_all(last.as_bytes()))
        .and_then(|()| out.flush())
    {
        write_failed(&e);
    }
}

/// Ends the program after a failed write to standard output: quietly (exit
/// 0) for a closed pipe, else with a message (exit 2).
fn write_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write the output: {e}");
    std::process::exit(2);
}

/// Prints a value as pretty JSON with a final newline, written as it is
/// serialized (`lint` of a large network prints hundreds of megabytes).
pub fn emit_json<T: Serialize>(value: &T) -> Result<(), serde_json::Error> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match serde_json::to_writer_pretty(&mut out, value) {
        Ok(()) => writeln!(out).and_then(|()| out.flush()),
        Err(e) => match e.io_error_kind() {
            Some(kind) => Err(std::io::Error::from(kind)),
            None => return Err(e),
        },
    };
    if let Err(e) = written {
        write_failed(&e);
    }
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
/// A path that does not exist yet is created the same way, with the
/// permissions a new file gets (0666 less the umask); a device or a pipe
/// is written into.
pub fn write_atomically(path: &Path, text: impl AsRef<[u8]>) -> std::io::Result<()> {
    let text = text.as_ref();
    if std::fs::symlink_metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return write_new(path, text);
    }
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        // A device or a pipe (`-o /dev/stdout`) cannot be replaced: write into it.
        let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
        file.write_all(text)?;
        return file.flush();
    }
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

/// Writes a new file at `path` through a synced temporary file beside it.
fn write_new(path: &Path, text: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.refmap-out.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(text)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `bytes` to `path` atomically, creating it if need be (see
/// [`write_atomically`]).
pub fn write_output(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically(path, bytes)
}
