//! Snapshot runtimes: a reactor build of a runtime's interpreter (`wizer-initialize`, then
//! `run() -> i32`; runtimes/build/cpython-snapshot/snapshot.c), pre-initialised once with
//! wasmtime-wizer when the runtime is loaded, so that a run starts with the interpreter up and
//! pytest imported instead of paying for both (see runtimes/guest/_sweperf_snapshot.py).
//!
//! The initialisation runs in this sandbox, like any guest: the determinism shims, an empty
//! request (no mounts, no code under test, seed 0), the compiled toolchain and sweperf's guest
//! code without `sitecustomize` (its start-up belongs to each run). The snapshot's SHA-256 must
//! be the one the manifest pins, or the runtime is refused: the state every run starts from is
//! the same on every machine. Beside it the host keeps the top-level modules the initialisation
//! imported, and a run whose import path provides one of them (or that the snapshot cannot
//! stand in for otherwise, see [`stands_in_for`]) runs on the runtime's plain interpreter.
//!
//! This module must not give a snapshot run anything a plain run of the same request would not
//! get, and must not let a request influence the snapshot.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use wasmtime::{Module, Store};
use wasmtime_wizer::{InstanceState, SnapshotVal, Wizer};

use super::{GuestCode, GuestLayout, LoadedRuntime, RunRequest, Sandbox};
use crate::error::{Error, Result};
use crate::runtime::{self, ProgressFn, Progress};

/// A loaded snapshot: the compiled pre-initialised module and what its initialisation imported.
pub(crate) struct Loaded {
    pub(super) module: Module,
    /// The verified snapshot file in the cache.
    pub(super) path: PathBuf,
    /// Top-level names of every module the initialisation left in `sys.modules`.
    imported: BTreeSet<String>,
}

/// Environment variables a request may set without leaving the snapshot: those that only the
/// run reads (the interpreter's own settings were fixed by the initialisation).
fn run_only_variable(key: &str) -> bool {
    !(key.starts_with("PYTHON") || key == "LANG" || key.starts_with("LC_")) || key == "PYTHONPATH"
}

impl Loaded {
    /// Whether a run of `request` can start from the snapshot and behave as on the plain
    /// interpreter: a `-c`, `-m` or script command line; no interpreter setting in its
    /// environment; and no folder on its import path (nor its working directory, which `-c` and
    /// `-m` put there) that provides a module the snapshot already imported.
    pub(crate) fn stands_in_for(&self, request: &RunRequest) -> bool {
        let command = match request.args.first().map(String::as_str) {
            Some("-c" | "-m") => request.args.len() >= 2,
            Some(first) => !first.starts_with('-'),
            None => false,
        };
        if !command || !request.env.iter().all(|(k, _)| run_only_variable(k)) {
            return false;
        }
        // The working directory is on the path too: `-c` puts `''` there, `-m` the directory.
        let mut folders: Vec<&str> = request.python_path.iter().map(String::as_str).collect();
        let cwd = request.cwd.as_deref().unwrap_or("/");
        folders.push(cwd);
        // A script's folder is `sys.path[0]`.
        let script_dir;
        if !request.args[0].starts_with('-') {
            let script = &request.args[0];
            let full = if script.starts_with('/') { script.clone() } else { format!("{}/{script}", cwd.trim_end_matches('/')) };
            script_dir = full.rsplit_once('/').map(|(d, _)| if d.is_empty() { "/".to_string() } else { d.to_string() }).unwrap_or_default();
            folders.push(&script_dir);
        }
        for guest in folders {
            if guest == "/" {
                // The sandbox's own empty root: mounts are not entries of it.
                continue;
            }
            match host_folder(request, guest) {
                Some(host) => {
                    if self.provides_imported(&host) {
                        return false;
                    }
                }
                // Somewhere the host cannot look (the root, sweperf's own folders): unknown.
                None => return false,
            }
        }
        // A layer's top-level modules, which it puts on the path.
        !request.layers.iter().any(|l| l.files.iter().any(|(rel, _)| self.imported.contains(&module_name(rel.split('/').next().unwrap_or(rel)))))
    }

    fn provides_imported(&self, folder: &Path) -> bool {
        match std::fs::read_dir(folder) {
            Ok(entries) => entries.flatten().any(|e| self.imported.contains(&module_name(&e.file_name().to_string_lossy()))),
            // A folder that does not exist provides nothing; one that cannot be read is unknown.
            Err(e) => e.kind() != std::io::ErrorKind::NotFound,
        }
    }
}

/// The module a path-entry name would provide: `x.py`, `x.pyc`, `x.cpython-313-wasm32-wasi.so`
/// and the folder `x` all provide `x`.
fn module_name(entry: &str) -> String {
    entry.split('.').next().unwrap_or(entry).to_string()
}

/// The host folder behind the guest folder `guest`, through the request's mounts (the last
/// mount that covers it, as the guest sees it).
fn host_folder(request: &RunRequest, guest: &str) -> Option<PathBuf> {
    request.mounts.iter().rev().find_map(|m| {
        let rest = guest.strip_prefix(m.guest.as_str())?;
        if rest.is_empty() {
            Some(m.host.clone())
        } else {
            let rest = rest.strip_prefix('/')?;
            if rest.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
                return None;
            }
            Some(m.host.join(rest))
        }
    })
}

/// The snapshot of `rt` (which must have a `[snapshot]`), made if the cache has none, checked
/// against the manifest's pin, and compiled.
///
/// Errors: [`Error::SnapshotMismatch`] when the snapshot made here is not the pinned one;
/// [`Error::BadRun`] when the initialisation fails; [`Error::Wasmtime`] and [`Error::Io`].
pub(super) fn load(sandbox: &Sandbox, rt: &LoadedRuntime, progress: ProgressFn) -> Result<Loaded> {
    let manifest = &rt.provisioned.manifest;
    let spec = manifest.snapshot.as_ref().expect("load is called for snapshot runtimes");
    let home = sandbox.home();
    let path = home.snapshot_path(manifest, &spec.snapshot_sha256, &inputs_key(rt)?)?;
    let list = path.with_extension("modules");
    let ready = path.exists() && list.exists() && runtime::verify_file(&path, &spec.snapshot_sha256).is_ok();
    if !ready {
        progress(&Progress::Snapshotting {
            runtime: manifest.name.clone(),
        });
        let reactor_file = home.snapshot_reactor_file(manifest, progress)?;
        let reactor = std::fs::read(&reactor_file).map_err(|e| Error::io(format!("reading {}", reactor_file.display()), e))?;
        let (bytes, imported) = make(sandbox, rt, &reactor)?;
        let actual = crate::digest::sha256_hex(&bytes);
        if actual != spec.snapshot_sha256 {
            return Err(Error::SnapshotMismatch {
                runtime: manifest.name.clone(),
                expected: spec.snapshot_sha256.clone(),
                actual,
                fallback: spec.plain_runtime.clone(),
            });
        }
        runtime::write_atomic(&list, imported.as_bytes())?;
        runtime::write_atomic(&path, &bytes)?;
    }
    let text = std::fs::read_to_string(&list).map_err(|e| Error::io(format!("reading {}", list.display()), e))?;
    let imported = text.split_whitespace().map(str::to_string).collect();
    let module = sandbox.compile_cached(&format!("{}-snapshot", manifest.name), &spec.snapshot_sha256, &path, progress)?;
    Ok(Loaded { module, path, imported })
}

/// What a snapshot is made from besides the reactor: the compiled toolchain, sweperf's guest
/// code and the sandbox's own sources (its shims answer the initialisation's calls). A cached
/// snapshot is used only for the same inputs, so a change to any of them makes it again (and
/// meets the pin).
fn inputs_key(rt: &LoadedRuntime) -> Result<String> {
    let mut material = String::new();
    material.push_str(&rt.provisioned.manifest.snapshot.as_ref().map(|s| s.sha256.clone()).unwrap_or_default());
    material.push('\n');
    material.push_str(&crate::runtime::Home::tree_marker(&rt.provisioned.site)?);
    for (name, text) in super::GUEST_FILES.iter().chain(super::FUEL_SOURCES).chain([&super::SNAPSHOT_INIT_FILE]) {
        material.push('\n');
        material.push_str(name);
        material.push('\0');
        material.push_str(&crate::digest::sha256_hex(text.as_bytes()));
    }
    Ok(crate::digest::sha256_hex(material.as_bytes()))
}

/// The request the initialisation runs: nothing but the interpreter (argv `[argv0]`), the
/// toolchain and sweperf's guest code; default limits, seed 0.
fn init_request() -> RunRequest {
    RunRequest::new(Vec::<String>::new())
}

/// Runs the reactor's initialisation in this sandbox and snapshots it: the new module's bytes,
/// and the top-level modules it imported (whitespace-separated, as the guest printed them).
fn make(sandbox: &Sandbox, rt: &LoadedRuntime, reactor: &[u8]) -> Result<(Vec<u8>, String)> {
    let wizer = Wizer::new();
    let (cx, instrumented) = wizer
        .instrument(reactor)
        .map_err(|e| Error::wasmtime("preparing the reactor for a snapshot", e))?;
    let module = Module::new(&sandbox.engine, &instrumented).map_err(|e| Error::wasmtime("compiling the reactor", e))?;
    let request = init_request();
    let layout = GuestLayout::prepare(sandbox.home(), rt, &request, GuestCode::SnapshotInit)?;
    let stdout = super::CappedPipe::new(request.limits.output_bytes);
    let stderr = super::CappedPipe::new(request.limits.output_bytes);
    let wasi = layout.wasi_ctx(rt, &request, &stdout, &stderr)?;
    let guarded = layout.guarded_fds();
    let result = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("sweperf-snapshot".into())
            .stack_size(super::GUEST_THREAD_STACK)
            .spawn_scoped(scope, || -> Result<Vec<u8>> {
                let mut store = sandbox.new_store(&request, wasi, guarded)?;
                let failed = |what: &str, e: wasmtime::Error| {
                    Error::BadRun(format!(
                        "pre-initialising {}: {what} failed: {e:#}; stderr: {}",
                        rt.name(),
                        String::from_utf8_lossy(&stderr.take().0)
                    ))
                };
                let instance = sandbox.linker.instantiate(&mut store, &module).map_err(|e| failed("instantiating", e))?;
                super::shims::install_originals(&mut store, &sandbox.plain_linker, &sandbox.trampoline, &instance).map_err(|e| failed("installing the shims", e))?;
                super::quota::install_originals(&mut store, &sandbox.plain_linker, &sandbox.quota_trampoline, &instance).map_err(|e| failed("installing the quota", e))?;
                for name in ["_initialize", wizer.get_init_func()] {
                    let func = instance.get_typed_func::<(), ()>(&mut store, name).map_err(|e| failed(name, e))?;
                    func.call(&mut store, ()).map_err(|e| failed(name, e))?;
                }
                let mut state = State { store: &mut store, instance };
                block_on(wizer.snapshot(&cx, &mut state)).map_err(|e| Error::wasmtime("snapshotting the reactor", e))
            })
            .expect("spawning the snapshot thread")
            .join()
    });
    let bytes = match result {
        Ok(r) => r?,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let (out, _) = stdout.take();
    Ok((bytes, String::from_utf8_lossy(&out).into_owned()))
}

/// What wizer reads of the initialised instance, through sweperf's store.
struct State<'a> {
    store: &'a mut Store<super::GuestState>,
    instance: wasmtime::Instance,
}

impl InstanceState for State<'_> {
    async fn global_get(&mut self, name: &str, _type_hint: wasmtime_wizer::ValType) -> SnapshotVal {
        let global = self.instance.get_global(&mut *self.store, name).expect("wizer names an exported global");
        match global.get(&mut *self.store) {
            wasmtime::Val::I32(x) => SnapshotVal::I32(x),
            wasmtime::Val::I64(x) => SnapshotVal::I64(x),
            wasmtime::Val::F32(x) => SnapshotVal::F32(x),
            wasmtime::Val::F64(x) => SnapshotVal::F64(x),
            wasmtime::Val::V128(x) => SnapshotVal::V128(x.as_u128()),
            other => panic!("a global of a type wizer cannot snapshot: {other:?}"),
        }
    }

    async fn memory_contents(&mut self, name: &str, contents: impl FnOnce(&[u8]) + Send) {
        let memory = self.instance.get_memory(&mut *self.store, name).expect("wizer names an exported memory");
        contents(memory.data(&*self.store))
    }
}

/// Runs a future that never waits (wizer's snapshot reads memory it already has).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{Access, GuestLayer, Mount};

    fn loaded(imported: &[&str]) -> Loaded {
        // A module is never used by `stands_in_for`; any compiled one will do.
        let engine = wasmtime::Engine::default();
        Loaded {
            module: Module::new(&engine, "(module)").unwrap(),
            path: PathBuf::new(),
            imported: imported.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn session(tree: &Path) -> RunRequest {
        let mut r = RunRequest::new(["-m", "sweperf_pytest", "-q", "tests/test_x.py"]);
        r.mounts.push(Mount::new(tree, "/repo", Access::ReadWriteData));
        r.python_path.push("/repo".into());
        r.cwd = Some("/repo".into());
        r
    }

    #[test]
    fn a_session_starts_from_the_snapshot_unless_its_tree_provides_an_imported_module() {
        let snap = loaded(&["pytest", "_pytest", "pygments", "json"]);
        let tree = tempfile::tempdir().unwrap();
        std::fs::create_dir(tree.path().join("mylib")).unwrap();
        std::fs::write(tree.path().join("setup.py"), "").unwrap();
        assert!(snap.stands_in_for(&session(tree.path())));
        // A repository that is pygments: its own copy must be measured, not the snapshot's.
        std::fs::create_dir(tree.path().join("pygments")).unwrap();
        assert!(!snap.stands_in_for(&session(tree.path())));
        std::fs::remove_dir(tree.path().join("pygments")).unwrap();
        std::fs::write(tree.path().join("json.py"), "").unwrap();
        assert!(!snap.stands_in_for(&session(tree.path())));
        std::fs::remove_file(tree.path().join("json.py")).unwrap();
        // A sub-folder on the path is looked at too.
        std::fs::create_dir_all(tree.path().join("src/pytest")).unwrap();
        let mut r = session(tree.path());
        r.python_path.push("/repo/src".into());
        assert!(!snap.stands_in_for(&r));
    }

    #[test]
    fn command_lines_environments_and_layers_it_cannot_stand_in_for() {
        let snap = loaded(&["pytest", "ssl"]);
        assert!(snap.stands_in_for(&RunRequest::new(["-c", "print(1)"])));
        assert!(!snap.stands_in_for(&RunRequest::new(["-X", "dev", "-c", "1"])));
        assert!(!snap.stands_in_for(&RunRequest::new(["-c"])));
        assert!(!snap.stands_in_for(&RunRequest::new(Vec::<String>::new())));
        assert!(snap.stands_in_for(&RunRequest::new(["-m", "x"])));
        // The working directory is on the path: a folder outside every mount cannot be looked at.
        let mut r = RunRequest::new(["-c", "1"]);
        r.cwd = Some("/elsewhere".into());
        assert!(!snap.stands_in_for(&r));
        let mut r = RunRequest::new(["-c", "1"]);
        r.env.push(("PYTHONWARNINGS".into(), "error".into()));
        assert!(!snap.stands_in_for(&r));
        let mut r = RunRequest::new(["-c", "1"]);
        r.env.push(("PYTHONPATH".into(), "/x".into()));
        r.env.push(("SWEPERF_MEASURED".into(), "t".into()));
        assert!(snap.stands_in_for(&r));
        let mut r = RunRequest::new(["-c", "1"]);
        r.layers.push(GuestLayer {
            name: "ssl-absent".into(),
            files: vec![("ssl.py".into(), String::new())],
        });
        assert!(!snap.stands_in_for(&r));
        // A path entry outside every mount cannot be looked at.
        let mut r = RunRequest::new(["-c", "1"]);
        r.python_path.push("/elsewhere".into());
        assert!(!snap.stands_in_for(&r));
    }

    #[test]
    fn module_names_of_path_entries() {
        assert_eq!(module_name("pygments"), "pygments");
        assert_eq!(module_name("json.py"), "json");
        assert_eq!(module_name("_speedups.cpython-313-wasm32-wasi.so"), "_speedups");
    }
}
