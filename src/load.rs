//! Reading rule files from disk or from the binary, and running the front
//! end (parse, then resolve) over all of them at once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::{self, Diagnostic};
use crate::model::{self, Loaded, ResolveOptions};
use crate::source::{SourceMap, Span};
use crate::syntax;

include!(concat!(env!("OUT_DIR"), "/shipped_rules.rs"));

/// Options of loading.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Drop links rated below this strength before reasoning (`--min-strength`).
    pub min_strength: Option<u8>,
}

/// A rules path that could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    /// The path does not exist or cannot be read.
    #[error("cannot read `{path}`: {source}")]
    #[diagnostic(
        code(refmap::load::unreadable),
        help("check the path given to `--rules`")
    )]
    Unreadable {
        /// The path as given.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A folder without any `.rules` file.
    #[error("no `.rules` file in `{path}`")]
    #[diagnostic(
        code(refmap::load::empty),
        help("point `--rules` at a `.rules` file or a folder holding some")
    )]
    Empty {
        /// The path as given.
        path: String,
    },
}

/// Adds the rules shipped in the binary (the `rules/` folder at build time).
pub fn add_shipped(sources: &mut SourceMap) {
    for (name, text) in SHIPPED_RULES {
        sources.add(*name, *text);
    }
}

/// The rules shipped in the binary, loaded.
pub fn shipped(options: Options) -> Loaded {
    let mut sources = SourceMap::new();
    add_shipped(&mut sources);
    front_end(sources, options)
}

/// Stable diagnostic codes of loading.
pub mod codes {
    /// A folder link that leads back to a folder being walked.
    pub const SYMLINK_LOOP: &str = "refmap::load::symlink-loop";
}

/// Adds a file, or every `*.rules` file of a folder (searched recursively,
/// in path order). Returns the warnings of the walk: one for each folder
/// link that leads back to a folder being walked.
pub fn add_path(sources: &mut SourceMap, path: &Path) -> Result<Vec<Diagnostic>, LoadError> {
    let mut walk = Walk::default();
    walk.visit(path)?;
    if walk.files.is_empty() {
        return Err(LoadError::Empty {
            path: path.display().to_string(),
        });
    }
    for file in walk.files {
        let text =
            crate::source::read_text(&file, crate::syntax::MAX_FILE_BYTES).map_err(|source| {
                LoadError::Unreadable {
                    path: file.display().to_string(),
                    source,
                }
            })?;
        sources.add(file.display().to_string(), text);
    }
    let warnings = walk
        .loops
        .into_iter()
        .map(|(link, target)| {
            let place = sources.add_place(link.display().to_string());
            Diagnostic::warning(
                codes::SYMLINK_LOOP,
                place,
                Span::new(0, 0),
                format!(
                    "the folder link `{}` leads back to `{}`, it was walked once",
                    link.display(),
                    target.display()
                ),
            )
            .with_help("remove the link, or point it outside the rules folder")
        })
        .collect();
    Ok(warnings)
}

/// Rules from files and folders, loaded (see [`add_path`]).
pub fn paths(paths: &[PathBuf], options: Options) -> Result<Loaded, LoadError> {
    let mut sources = SourceMap::new();
    let mut warnings = Vec::new();
    for path in paths {
        warnings.extend(add_path(&mut sources, path)?);
    }
    let mut loaded = front_end(sources, options);
    add_warnings(&mut loaded, warnings);
    Ok(loaded)
}

/// Adds the warnings of [`add_path`] to what [`front_end`] found.
pub fn add_warnings(loaded: &mut Loaded, warnings: Vec<Diagnostic>) {
    if !warnings.is_empty() {
        loaded.diagnostics.extend(warnings);
        diagnostic::sort(&mut loaded.diagnostics);
    }
}

/// The file `path`, or every `*.rules` file under the folder `path`
/// (searched recursively, in path order; see [`add_path`]).
pub fn rules_files(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut walk = Walk::default();
    walk.visit(path)?;
    if walk.files.is_empty() {
        return Err(LoadError::Empty {
            path: path.display().to_string(),
        });
    }
    Ok(walk.files)
}

/// A walk of the files under a path in path order. A folder reached twice
/// (through a symbolic link to itself or to a folder already walked) and a
/// file reached twice are taken once: a link loop would otherwise load the
/// same files again at every turn, and two loops make the walk exponential.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    /// Canonical paths already taken.
    seen: HashSet<PathBuf>,
    /// The folders being walked, outermost first: canonical and as reached.
    stack: Vec<(PathBuf, PathBuf)>,
    /// Each link that led back to a folder of `stack`, with that folder.
    loops: Vec<(PathBuf, PathBuf)>,
}

impl Walk {
    fn visit(&mut self, path: &Path) -> Result<(), LoadError> {
        let unreadable = |source| LoadError::Unreadable {
            path: path.display().to_string(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        let canonical = std::fs::canonicalize(path).map_err(unreadable)?;
        if !self.seen.insert(canonical.clone()) {
            if let Some((_, reached)) = self.stack.iter().find(|(c, _)| *c == canonical) {
                self.loops.push((path.to_path_buf(), reached.clone()));
            }
            return Ok(());
        }
        if !meta.is_dir() {
            self.files.push(path.to_path_buf());
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(unreadable)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        self.stack.push((canonical, path.to_path_buf()));
        for entry in entries {
            if entry.is_dir() || entry.extension().is_some_and(|e| e == "rules") {
                self.visit(&entry)?;
            }
        }
        self.stack.pop();
        Ok(())
    }
}

/// Parses every file of `sources` and resolves them together.
///
/// When a file has a syntax error, its items are missing from resolution, so
/// "unknown …" and "never required" findings are left out: they would be
/// echoes of the syntax error, not problems of their own.
pub fn front_end(sources: SourceMap, options: Options) -> Loaded {
    let parse = tracing::info_span!(target: "refmap::load", "parse").entered();
    let mut trees = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for (id, file) in sources.iter() {
        match syntax::parse(id, file.text()) {
            Ok(tree) => trees.push((id, tree)),
            Err(errors) => diagnostics.extend(errors),
        }
    }
    let syntax_failed = !diagnostics.is_empty();
    drop(parse);
    let resolve = tracing::info_span!(target: "refmap::load", "resolve").entered();
    let mut loaded = model::resolve(
        sources,
        trees,
        ResolveOptions {
            min_strength: options.min_strength,
        },
    );
    if syntax_failed {
        loaded.diagnostics.retain(|d| {
            !matches!(
                d.code,
                model::codes::UNKNOWN_CLAUSE
                    | model::codes::UNKNOWN_REFERENTIAL
                    | model::codes::UNKNOWN_EVIDENCE
                    | model::codes::UNUSED_EVIDENCE
            )
        });
    }
    loaded.diagnostics.extend(diagnostics);
    diagnostic::sort(&mut loaded.diagnostics);
    drop(resolve);
    loaded
}
