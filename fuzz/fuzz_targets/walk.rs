//! Fuzz target `walk`: the input bytes build a small folder tree (folders,
//! rules files, symbolic links to folders, files, themselves, devices or
//! nothing, and sockets named `*.rules`), which is then loaded as `--rules`
//! loads a folder. Whatever the tree, loading ends, never panics, and takes
//! each real file at most once, however many links lead to it; a special
//! file is refused, never read.
//!
//! One temporary folder (in `/dev/shm` when there is one: no disk I/O) serves
//! the whole process; each input empties and rebuilds it.

#![no_main]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use refmap::internal::load::{self, Options};

/// Entry names: folders and files with and without the `.rules` extension,
/// hidden ones, and one that is a folder's name elsewhere.
const NAMES: &[&str] = &[
    "a", "b", "a.rules", "b.rules", "c.rules", ".h.rules", "d.txt", "sub",
];

/// File contents: two referentials, the same id twice, a mapping between
/// them, an evidence type, a syntax error, nothing.
const TEXTS: &[&str] = &[
    "referential A \"a\" { clause 1 \"one\" { requires evidence e } }\n",
    "referential B \"b\" { clause 1 \"one\" }\n",
    "referential A \"again\" { clause 2 \"two\" }\n",
    "mapping \"m\" { A:1 equals B:1 }\n",
    "evidence e \"e\"\n",
    "referential { clause\n",
    "",
];

/// This process's folder, `refmap-walk-PID`. libFuzzer ends the process
/// with `exit`, which drops no static, so each start removes the folders of
/// processes that have ended.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        for entry in std::fs::read_dir(&base).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let pid = name.to_str().and_then(|n| n.strip_prefix("refmap-walk-"));
            let pid = pid.filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            if pid.is_some_and(|p| !Path::new("/proc").join(p).exists()) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = base.join(format!("refmap-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("no temporary folder: {e}"));
        dir
    })
}

/// Builds the tree under `root` from the input; returns the paths made.
fn build(u: &mut Unstructured, root: &Path) -> Result<Vec<PathBuf>> {
    let mut dirs = vec![root.to_path_buf()];
    let mut made = vec![root.to_path_buf()];
    for _ in 0..u.int_in_range(0..=12u8)? {
        let parent = u.choose(&dirs)?.clone();
        let path = parent.join(u.choose(NAMES)?);
        if path.symlink_metadata().is_ok() {
            continue;
        }
        let ok = match u.int_in_range(0..=3u8)? {
            0 => {
                std::fs::create_dir(&path).is_ok() && {
                    dirs.push(path.clone());
                    true
                }
            }
            1 => {
                let text = if u.ratio(1u8, 3u8)? {
                    u.arbitrary::<&str>()?
                } else {
                    u.choose(TEXTS)?
                };
                std::fs::write(&path, text).is_ok()
            }
            2 => {
                let target = match u.int_in_range(0..=5u8)? {
                    0 => u.choose(&made)?.clone(),
                    1 => PathBuf::from(".."),
                    2 => PathBuf::from("."),
                    3 => path.clone(),
                    4 => PathBuf::from(u.choose(&["/dev/zero", "/dev/null", "/proc/self/fd/0"])?),
                    _ => PathBuf::from(u.choose(NAMES)?),
                };
                std::os::unix::fs::symlink(target, &path).is_ok()
            }
            _ => std::os::unix::net::UnixListener::bind(&path).is_ok(),
        };
        if ok {
            made.push(path);
        }
    }
    Ok(made)
}

fuzz_target!(|data: &[u8]| {
    let root = scratch().join("t");
    let _ = std::fs::remove_dir_all(&root);
    if std::fs::create_dir(&root).is_err() {
        return;
    }
    let mut u = Unstructured::new(data);
    let Ok(made) = build(&mut u, &root) else {
        return;
    };
    let start = u.choose(&made).map_or_else(|_| root.clone(), Clone::clone);

    match load::paths(std::slice::from_ref(&start), Options::default()) {
        Ok(loaded) => {
            let mut seen = HashSet::new();
            for (_, file) in loaded.rulebook.sources.iter() {
                let path = Path::new(file.name());
                let meta =
                    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", file.name()));
                assert!(meta.is_file(), "not a regular file loaded: {}", file.name());
                let real = std::fs::canonicalize(path).unwrap_or_else(|e| panic!("{e}"));
                assert!(seen.insert(real), "loaded twice: {}", file.name());
            }
            for d in loaded.diagnostics.iter().take(4) {
                let _ = d.render(&loaded.rulebook.sources, false);
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
