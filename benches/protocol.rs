//! The cost promise, measured: one sweperf evaluation against SWE-Perf's native protocol on the
//! same instances, in one run. Prints figures; asserts nothing.
//!
//! Per instance (the bundled instances whose tests need only the standard library, or
//! SWEPERF_BENCH_INSTANCES=a,b,c; SWEPERF_BENCH_DIR=folder takes the instances of another folder,
//! for example real-repository records written by `sweperf import --dataset`):
//! (a) SWE-Perf's protocol natively with the host's CPython: per side (base, gold-patched) 3
//!     warm-up and 20 timed `pytest --durations=0` runs of the instance's test session,
//!     the sides interleaved, as SWE-Perf does;
//! (b) one native run of the same session (the median of those 20);
//! (c) `sweperf eval` for one prediction (the expert patch) through the library: cold (the first
//!     evaluation of the instance on this machine: the base measured too, and the repository's
//!     bytecode forgotten, so both trees are compiled) and warm (the next prediction: the base
//!     from the base cache, the files the patch changed compiled again).
//! It prints one sandboxed session / one native run, and SWE-Perf protocol / sweperf per
//! prediction, cold and warm, and writes the table to target/bench-protocol.md. A cold
//! evaluation measures its two sides at once, on two cores; its CPU time (all threads) is
//! printed too, so the ratio it would have on one core can be read off.
//!
//! The native runs may write bytecode (as SWE-Perf's warm-up runs leave it behind), so from the
//! first warm-up on they neither compile the tree nor rewrite its tests: the protocol is timed at
//! its cheapest.
//!
//! SWEPERF_SCRATCH_DIR=DIR makes the private trees there (as `sweperf eval --scratch-dir`).
//!
//! `cargo bench --bench protocol`. Needs `python3 -m venv` and pip (pytest, pinned to the
//! toolchain's version, and each instance's pinned requirements are installed into a venv per
//! set of requirements under target/bench-venv*).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use sweperf::evaluate::EvalOptions;
use sweperf::instance::{self, Instance};
use sweperf::measure;
use sweperf::{Evaluator, Home};

const WARMUPS: usize = 3;
const RUNS: usize = 20;

/// CPU seconds this process has used so far, all threads (Linux `/proc/self/stat`).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which may hold spaces) close with ')'.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    let hz = Command::new("getconf").arg("CLK_TCK").output().ok().and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse::<f64>().ok());
    ticks / hz.unwrap_or(100.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A venv with the toolchain's pytest and `requirements` (pinned), made once per set.
fn venv_python(requirements: &[sweperf::runtime::WheelRef]) -> PathBuf {
    let mut pins: Vec<String> = requirements.iter().map(|w| format!("{}=={}", w.name, w.version)).collect();
    pins.sort();
    let venv = if pins.is_empty() {
        root().join("target/bench-venv")
    } else {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        pins.hash(&mut h);
        root().join(format!("target/bench-venv-{:016x}", h.finish()))
    };
    let python = venv.join("bin/python");
    if !python.exists() {
        let ok = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().unwrap().success();
        assert!(ok, "python3 -m venv failed");
        let pytest = sweperf::runtime::toolchain().unwrap().wheels.into_iter().find(|w| w.name == "pytest").unwrap();
        pins.push(format!("pytest=={}", pytest.version));
        let ok = Command::new(&python).args(["-m", "pip", "install", "-q"]).args(&pins).status().unwrap().success();
        assert!(ok, "pip install {pins:?} failed");
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
        .env("PYTHONPATH", std::env::join_paths(instance.python_path.iter().map(|p| tree.join(p))).unwrap())
        .output()
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(out.status.success(), "native pytest failed on {}: {}", instance.id, String::from_utf8_lossy(&out.stdout));
    secs
}

fn tree(instance: &Instance, patched: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // A plain copy, not a private tree: native pytest runs here with no code guard, and the
    // private tree's code files are the instance's own.
    instance::copy_tree(&instance.repo(), dir.path()).unwrap();
    if patched {
        sweperf::patch::apply(dir.path(), &instance.expert_patch).unwrap();
    }
    dir
}

fn main() {
    let wanted = std::env::var("SWEPERF_BENCH_INSTANCES").ok();
    let dir = std::env::var_os("SWEPERF_BENCH_DIR").map_or_else(|| root().join("instances"), PathBuf::from);
    let all = instance::load_all(&dir).unwrap();
    let instances: Vec<Instance> = all
        .into_iter()
        .filter(|i| match &wanted {
            Some(w) => w.split(',').any(|x| x == i.id),
            // numpy and pandas are compiled into python-3.15-sci; natively they would be wheels.
            None => i.runtime != "python-3.15-sci",
        })
        .collect();
    let evaluator = Evaluator::new(Home::from_env().unwrap()).unwrap();
    let mut table = String::from(
        "| instance | runtime | native run (s) | SWE-Perf protocol, 46 runs (s) | sweperf session (s) | session / native run | sweperf cold (s) | sweperf cold, CPU (s) | sweperf warm (s) | protocol / sweperf cold | protocol / sweperf cold CPU | protocol / sweperf warm |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let sandbox = sweperf::Sandbox::new(Home::from_env().unwrap()).unwrap();
    for inst in &instances {
        let python = venv_python(&inst.requirements);
        let cache = sweperf::measure::BytecodeCache::new(sandbox.home().bytecode_cache_dir().unwrap(), &sandbox.runtime(&inst.runtime, &|_| {}).unwrap()).unwrap();
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

        // (c): one prediction, cold then warm. Cold is the first evaluation of the instance on
        // this machine: no base measurement and no bytecode of the repository. Warm is the next
        // prediction: the base from the cache, and only the files its patch changed compiled.
        let forget = |tree: &Path, files: &[String]| {
            for rel in files.iter().filter(|r| r.ends_with(".py") && std::fs::symlink_metadata(tree.join(r)).is_ok_and(|m| m.is_file())) {
                let _ = std::fs::remove_dir_all(cache.entry(tree, rel).unwrap());
            }
        };
        let changed = sweperf::patch::touched_files(&inst.expert_patch).unwrap();
        forget(base.path(), &instance::repo_files(base.path()).unwrap());
        forget(patched.path(), &changed);
        // SWEPERF_SCRATCH_DIR: where the private trees go, as `sweperf eval --scratch-dir`.
        let scratch_dir = std::env::var_os("SWEPERF_SCRATCH_DIR").map(PathBuf::from);
        let warm_opts = EvalOptions { scratch_dir, ..EvalOptions::default() };
        let cold_opts = EvalOptions { base_cache: false, ..warm_opts.clone() };
        let (t, cpu) = (Instant::now(), cpu_seconds());
        let cold = evaluator.evaluate(inst, "bench", Some(&inst.expert_patch), &cold_opts);
        let cold_s = t.elapsed().as_secs_f64();
        let cold_cpu = cpu_seconds() - cpu;
        assert_eq!(cold.status, sweperf::InstanceStatus::Correct, "{}: {:?}", inst.id, cold.detail);
        forget(patched.path(), &changed);
        let t = Instant::now();
        let warm = evaluator.evaluate(inst, "bench", Some(&inst.expert_patch), &warm_opts);
        let warm_s = t.elapsed().as_secs_f64();
        assert!(warm.base.as_ref().unwrap().cached, "the second evaluation uses the cached base");
        let session = warm.patched.as_ref().unwrap().session.wall_ms / 1000.0;
        let line = format!(
            "| `{}` | {} | {native_run:.2} | {protocol:.1} | {session:.2} | {:.1}x | {cold_s:.1} | {cold_cpu:.1} | {warm_s:.1} | {:.1}x | {:.1}x | {:.1}x |\n",
            inst.id,
            inst.runtime,
            session / native_run,
            protocol / cold_s,
            protocol / cold_cpu,
            protocol / warm_s
        );
        print!("{line}");
        table.push_str(&line);
    }
    let out = root().join("target/bench-protocol.md");
    std::fs::write(&out, &table).unwrap();
    eprintln!("written to {}", out.display());
}
