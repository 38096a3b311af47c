//! `refmap fmt`: canonical formatting of rules files (a folder: every
//! `*.rules` inside), in place (atomically), to standard output for `-`, or
//! checked with `--check`.

use std::io::Read;
use std::path::{Path, PathBuf};

use refmap::Engine;

use super::output::{emit, eprint_all, write_atomically};
use super::Ending;

/// Formats (or, with `check`, checks) each file in turn, a folder's files
/// in path order.
pub fn files(check: bool, given: &[PathBuf], color_err: bool) -> Result<(), Ending> {
    let mut files = Vec::new();
    for path in given {
        if path == Path::new("-") {
            files.push(path.clone());
        } else {
            files.extend(Engine::rules_files(path)?);
        }
    }
    let mut unformatted = 0usize;
    for path in &files {
        let stdin = path == Path::new("-");
        let (name, text) = if stdin {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Ending::Input(format!("cannot read standard input: {e}")))?;
            ("<stdin>".to_string(), text)
        } else {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| Ending::Input(format!("cannot read `{name}`: {e}")))?;
            (name, text)
        };
        let formatted = Engine::format(&name, &text).map_err(|e| {
            eprint_all(&e.render(color_err));
            Ending::Input(e.to_string())
        })?;
        if formatted == text {
            continue;
        }
        if check {
            unformatted += 1;
            emit(&format!("{name}\n"));
        } else if stdin {
            emit(&formatted);
        } else {
            write_atomically(path, &formatted)
                .map_err(|e| Ending::Input(format!("cannot write `{name}`: {e}")))?;
        }
    }
    if check && unformatted > 0 {
        eprintln!("{unformatted} file(s) not in canonical form; run `refmap fmt FILE...`");
        return Err(Ending::Findings);
    }
    Ok(())
}
