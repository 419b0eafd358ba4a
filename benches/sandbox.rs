//! Sandbox start-up figures per runtime: cold module load (extract, verify, compile, cache),
//! warm module load (verify the cached module, deserialise), and the wall time and fuel of
//! `python -c pass` and of `python -c "import pytest"` (the toolchain's bytecode compiled at
//! provisioning, as every measured session has it). Prints a table; asserts nothing.
//!
//! `cargo bench --bench sandbox` (set SWEPERF_BENCH_RUNTIMES=python-3.12 to limit the runtimes,
//! SWEPERF_BENCH_COLD=0 to skip the cold compiles, which take minutes for python-3.15-sci).

use std::fs;
use std::time::Instant;

use sweperf::runtime::{self, builtin_runtimes};
use sweperf::{Home, RunRequest, Sandbox};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A private home that shares the main cache's downloaded wheels, so a cold load measures
/// extraction and compilation, not the network.
fn cold_home(shared: &Home) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("downloads")).unwrap();
    for entry in fs::read_dir(shared.root().join("downloads")).unwrap() {
        let entry = entry.unwrap();
        std::os::unix::fs::symlink(entry.path(), dir.path().join("downloads").join(entry.file_name())).unwrap();
    }
    dir
}

fn main() {
    let shared = Home::from_env().unwrap();
    let wanted = std::env::var("SWEPERF_BENCH_RUNTIMES").ok();
    let cold = std::env::var("SWEPERF_BENCH_COLD").map(|v| v != "0").unwrap_or(true);
    println!("| runtime | cold load (s) | warm load (ms) | `-c pass` wall (ms, median of 10) | `-c pass` fuel | `import pytest` wall (ms, median of 10) | `import pytest` fuel |");
    println!("|---|---|---|---|---|---|---|");
    for manifest in builtin_runtimes().unwrap() {
        let name = manifest.name.as_str();
        if wanted.as_deref().is_some_and(|w| !w.split(',').any(|x| x == name)) {
            continue;
        }
        // Make sure the shared cache has the wheels (and a compiled module) first.
        Sandbox::new(shared.clone()).unwrap().runtime(name, &|_| {}).unwrap();

        let cold_s = if cold {
            let home = cold_home(&shared);
            runtime::forget_verified();
            let t = Instant::now();
            Sandbox::new(Home::new(home.path())).unwrap().runtime(name, &|_| {}).unwrap();
            format!("{:.1}", t.elapsed().as_secs_f64())
        } else {
            "skipped".into()
        };

        // Warm: a new process would verify the cached module once, then deserialise it.
        runtime::forget_verified();
        let t = Instant::now();
        let sandbox = Sandbox::new(shared.clone()).unwrap();
        let rt = sandbox.runtime(name, &|_| {}).unwrap();
        let warm_ms = t.elapsed().as_secs_f64() * 1000.0;

        let run = |code: &str| {
            let mut request = RunRequest::new(["-c", code]);
            // As `sweperf python` starts a guest: with the missing-module hints, no layers.
            sweperf::environment::equip(&mut request, &[]).unwrap();
            let mut walls = Vec::new();
            let mut fuel = None;
            for _ in 0..10 {
                let o = sandbox.run(&rt, &request).unwrap();
                assert!(o.status.success(), "{name}: {}", o.stderr);
                walls.push(o.wall_ms);
                assert!(fuel.is_none_or(|f| f == o.fuel), "fuel changed between runs");
                fuel = Some(o.fuel);
            }
            (median(walls), fuel.unwrap())
        };
        let (pass_ms, pass_fuel) = run("pass");
        let (pytest_ms, pytest_fuel) = run("import pytest");
        println!("| {name} | {cold_s} | {warm_ms:.0} | {pass_ms:.0} | {pass_fuel} | {pytest_ms:.0} | {pytest_fuel} |");
    }
}
