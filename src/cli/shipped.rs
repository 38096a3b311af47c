//! `refmap rules export DIR`: the shipped rules written out as files, so
//! that a proof's `rules/x.rules:89` can be opened and a site can start
//! its own rules from them.

use std::io::Write;
use std::path::Path;

use refmap::{Engine, ShippedFile};

use super::output::{emit, write_atomically};
use super::Ending;

/// Writes every shipped file into `dir` (created if missing). A file that
/// is there already and differs is only overwritten with `force`; without
/// it, nothing is written and the differing files are named.
pub fn export(dir: &Path, force: bool) -> Result<(), Ending> {
    let files = Engine::shipped_files();
    let mut differing = Vec::new();
    let mut to_write: Vec<(ShippedFile, bool)> = Vec::new();
    for file in &files {
        let target = dir.join(file.relative_path());
        match std::fs::read(&target) {
            Ok(text) if text == file.text.as_bytes() => {}
            Ok(_) => {
                differing.push(target.display().to_string());
                to_write.push((*file, true));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => to_write.push((*file, false)),
            Err(e) => {
                return Err(Ending::Input(format!(
                    "cannot read `{}`: {e}",
                    target.display()
                )))
            }
        }
    }
    if !differing.is_empty() && !force {
        return Err(Ending::Input(format!(
            "{} file(s) in `{}` differ from the shipped rules: {}; nothing was written (`--force` overwrites them)",
            differing.len(),
            dir.display(),
            differing.join(", ")
        )));
    }
    for (file, exists) in &to_write {
        let target = dir.join(file.relative_path());
        let written = if *exists {
            write_atomically(&target, file.text)
        } else {
            write_new(&target, file.text)
        };
        written.map_err(|e| Ending::Input(format!("cannot write `{}`: {e}", target.display())))?;
    }
    emit(&format!(
        "{} shipped rules file(s) in `{}`: {} written, {} already there\n",
        files.len(),
        dir.display(),
        to_write.len(),
        files.len() - to_write.len()
    ));
    Ok(())
}

/// Creates `path` (and its folders) holding `text`: written and synced
/// beside it under a temporary name, then renamed into place, so the file
/// is never seen half written.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".refmap-export.")
        .tempfile_in(parent)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    // A temporary file is private (0600); an exported rules file is
    // readable as any file the user writes.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// Ends human output that cites a shipped file (`(rules/x.rules:89)`) with
/// how to open it: those files are inside the binary.
pub fn footer(cli: &super::args::Cli, text: &mut String) {
    if cli.rules.is_empty()
        && refmap::Engine::shipped_files()
            .iter()
            .any(|f| text.contains(&format!("({}:", f.name)))
    {
        text.push_str(
            "\nrules/… are the shipped rules: `refmap rules export rules` writes them out\n",
        );
    }
}
