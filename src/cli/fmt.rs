//! `refmap fmt`: canonical formatting of rules files (a folder: every
//! `*.rules` inside), in place (atomically), to standard output for `-`, or
//! checked with `--check`.

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
        let name = if stdin {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        // Bounded, regular files only: a FIFO or `/dev/zero` is refused.
        let text = Engine::read_rules(path).map_err(|e| {
            if stdin {
                Ending::Input(format!("cannot read standard input: {e}"))
            } else {
                Ending::Input(format!("cannot read `{name}`: {e}"))
            }
        })?;
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
