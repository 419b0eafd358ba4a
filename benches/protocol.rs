//! The cost promise, measured: one sweperf evaluation against SWE-Perf's native protocol on the
//! same instances, in one run. Prints figures; asserts nothing.
//!
//! Per instance (the bundled python-3.12 instances, or SWEPERF_BENCH_INSTANCES=a,b,c):
//! (a) SWE-Perf's protocol natively with the host's CPython: per side (base, gold-patched) 3
//!     warm-up and 20 timed `pytest --durations=0` runs of the instance's test session,
//!     the sides interleaved, as SWE-Perf does;
//! (b) one native run of the same session (the median of those 20);
//! (c) `sweperf eval` for one prediction (the expert patch) through the library: cold (the base
//!     measured too, `--force`) and warm (the base from the base cache).
//! It prints one sandboxed session / one native run, and SWE-Perf protocol / sweperf per
//! prediction, cold and warm, and writes the table to target/bench-protocol.md.
//!
//! `cargo bench --bench protocol`. Needs `python3 -m venv` and pip (pytest is installed into
//! target/bench-venv from PyPI, pinned to the toolchain's version).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use sweperf::evaluate::EvalOptions;
use sweperf::instance::{self, Instance};
use sweperf::measure;
use sweperf::{Evaluator, Home};

const WARMUPS: usize = 3;
const RUNS: usize = 20;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A venv with the toolchain's pytest, made once.
fn venv_python() -> PathBuf {
    let venv = root().join("target/bench-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let ok = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().unwrap().success();
        assert!(ok, "python3 -m venv failed");
        let pytest = sweperf::runtime::toolchain().unwrap().wheels.into_iter().find(|w| w.name == "pytest").unwrap();
        let ok = Command::new(&python).args(["-m", "pip", "install", "-q", &format!("pytest=={}", pytest.version)]).status().unwrap().success();
        assert!(ok, "pip install pytest failed");
    }
    python
}

/// One native pytest session of the instance's tests on `tree`, in seconds.
fn native_session(python: &Path, instance: &Instance, tree: &Path) -> f64 {
    let args = measure::session_args(&instance.efficiency_tests, &instance.correctness_tests);
    let t = Instant::now();
    let out = Command::new(python)
        .args(["-m", "pytest", "-p", "no:cacheprovider", "-q", "--durations=0"])
        .args(&args)
        .current_dir(tree)
        .env("PYTHONPATH", tree)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(out.status.success(), "native pytest failed on {}: {}", instance.id, String::from_utf8_lossy(&out.stdout));
    secs
}

fn tree(instance: &Instance, patched: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    instance.copy_repo(dir.path()).unwrap();
    if patched {
        sweperf::patch::apply(dir.path(), &instance.expert_patch).unwrap();
    }
    dir
}

fn main() {
    let wanted = std::env::var("SWEPERF_BENCH_INSTANCES").ok();
    let all = instance::load_all(&root().join("instances")).unwrap();
    let instances: Vec<Instance> = all
        .into_iter()
        .filter(|i| match &wanted {
            Some(w) => w.split(',').any(|x| x == i.id),
            None => i.runtime == "python-3.12",
        })
        .collect();
    let python = venv_python();
    let evaluator = Evaluator::new(Home::from_env().unwrap()).unwrap();
    let mut table = String::from(
        "| instance | native run (s) | SWE-Perf protocol, 46 runs (s) | sweperf session (s) | session / native run | sweperf cold (s) | sweperf warm (s) | protocol / sweperf cold | protocol / sweperf warm |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for inst in &instances {
        // (a) and (b): the protocol, sides interleaved.
        let (base, patched) = (tree(inst, false), tree(inst, true));
        let started = Instant::now();
        let mut timed = Vec::new();
        for i in 0..WARMUPS + RUNS {
            let b = native_session(&python, inst, base.path());
            let p = native_session(&python, inst, patched.path());
            if i >= WARMUPS {
                timed.push(b);
                timed.push(p);
            }
        }
        let protocol = started.elapsed().as_secs_f64();
        let native_run = median(timed);

        // (c): one prediction, cold then warm.
        let cold_opts = EvalOptions { base_cache: false, ..EvalOptions::default() };
        let t = Instant::now();
        let cold = evaluator.evaluate(inst, "bench", Some(&inst.expert_patch), &cold_opts);
        let cold_s = t.elapsed().as_secs_f64();
        assert_eq!(cold.status, sweperf::InstanceStatus::Correct, "{}: {:?}", inst.id, cold.detail);
        let t = Instant::now();
        let warm = evaluator.evaluate(inst, "bench", Some(&inst.expert_patch), &EvalOptions::default());
        let warm_s = t.elapsed().as_secs_f64();
        assert!(warm.base.as_ref().unwrap().cached, "the second evaluation uses the cached base");
        let session = warm.patched.as_ref().unwrap().session.wall_ms / 1000.0;
        let line = format!(
            "| `{}` | {native_run:.2} | {protocol:.1} | {session:.2} | {:.1}x | {cold_s:.1} | {warm_s:.1} | {:.1}x | {:.1}x |\n",
            inst.id,
            session / native_run,
            protocol / cold_s,
            protocol / warm_s
        );
        print!("{line}");
        table.push_str(&line);
    }
    let out = root().join("target/bench-protocol.md");
    std::fs::write(&out, &table).unwrap();
    eprintln!("written to {}", out.display());
}
