//! The command line's own plumbing: output, files, timings.

pub mod args;
pub mod output;
pub mod timings;
