//! sweperf: evaluate code-performance patches the way SWE-Perf does, but inside Wasmtime, with
//! cost measured in deterministic fuel instead of wall-clock time.
//!
//! The data flows one way: instance -> patched tree -> sandbox runs -> measurements -> scores ->
//! report (`instance`, `patch`, `sandbox`, `measure`, `evaluate`, `report`, `run`). This crate is the embedding API; the `sweperf` binary is a thin layer over it. The
//! library never prints and never exits the process.

pub mod dataset;
pub mod environment;
pub mod error;
pub mod evaluate;
pub mod instance;
pub mod integrity;
mod jsonl;
pub mod measure;
pub mod patch;
pub mod predictions;
pub mod report;
pub mod run;
pub mod runner;
pub mod runtime;
pub mod sandbox;
pub mod validate;
pub mod verify;

pub use error::{Error, Result};
pub use evaluate::{EvalOptions, Evaluator};
pub use instance::Instance;
pub use report::{InstanceReport, InstanceStatus, Summary};
pub use runtime::Home;
pub use sandbox::{Access, Limits, Mount, Outcome, RunRequest, Sandbox, Status};

/// This crate's version, recorded in every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
