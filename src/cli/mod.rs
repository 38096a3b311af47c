//! The command line's own plumbing: arguments and help, output, files,
//! timings.

pub mod args;
pub mod evidence_types;
pub mod exchange;
pub mod fmt;
pub mod help;
pub mod output;
pub mod reports;
pub mod shipped;
pub mod timings;

/// How a command that did not succeed ended.
pub enum Ending {
    /// Findings were printed (exit 1).
    Findings,
    /// A usage or input error, printed as `error: …` (exit 2).
    Input(String),
}

impl<E: std::error::Error> From<E> for Ending {
    fn from(e: E) -> Self {
        Ending::Input(e.to_string())
    }
}
