//! sweperf: evaluate code-performance patches the way SWE-Perf does, but inside Wasmtime, with
//! cost measured in deterministic fuel instead of wall-clock time.
//!
//! The data flows one way: runtime -> sandbox -> (later) instance, patch, measurement, score,
//! report. This crate is the embedding API; the `sweperf` binary is a thin layer over it. The
//! library never prints and never exits the process.

pub mod error;
pub mod runtime;
pub mod sandbox;

pub use error::{Error, Result};
pub use runtime::Home;
pub use sandbox::{Access, Limits, Mount, Outcome, RunRequest, Sandbox, Status};

/// This crate's version, recorded in every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
