//! Evaluations end to end on the `tiny-dedupe` fixture: every kind of prediction, identical
//! results across runs, and resuming after a kill.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sweperf::instance::{self, Instance};
use sweperf::predictions::Predictions;
use sweperf::report::{InstanceStatus, RunSources};
use sweperf::run::{self, RunConfig};
use sweperf::{EvalOptions, Evaluator, Home};



pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-dedupe")
}

/// Copies the fixture into `root` once per id, each a separate instance.
pub fn instances_dir(root: &Path, ids: &[&str]) -> PathBuf {
    let dir = root.join("instances");
    for id in ids {
        let dest = dir.join(id);
        instance::copy_tree(&fixture(), &dest).unwrap();
        let manifest = std::fs::read_to_string(dest.join("instance.toml")).unwrap();
        std::fs::write(dest.join("instance.toml"), manifest.replace("id = \"tiny-dedupe\"", &format!("id = \"{id}\""))).unwrap();
    }
    dir
}

pub const BREAKS_A_TEST: &str = "--- a/tinylib/dedupe.py\n+++ b/tinylib/dedupe.py\n@@ -9,5 +9,5 @@ def unique(items):\n         if item not in seen:\n             seen.append(item)\n             out.append(item)\n-    return out\n+    return out[::-1]\n \n";
pub const DOES_NOT_APPLY: &str = "--- a/tinylib/dedupe.py\n+++ b/tinylib/dedupe.py\n@@ -4,3 +4,3 @@\n def unique(items):\n-    seen = {}\n+    seen = set()\n     out = []\n";
pub const SLOWER: &str = "--- a/tinylib/dedupe.py\n+++ b/tinylib/dedupe.py\n@@ -8,3 +8,3 @@ def unique(items):\n     for item in items:\n-        if item not in seen:\n+        if item not in seen and item not in out:\n             seen.append(item)\n";
pub const ESCAPES: &str = "--- /dev/null\n+++ b/../../outside.py\n@@ -0,0 +1 @@\n+print('escaped')\n";
pub const LOOPS_FOREVER: &str = "--- a/tinylib/dedupe.py\n+++ b/tinylib/dedupe.py\n@@ -5,2 +5,4 @@\n     \"\"\"The items in first-seen order, without repeats.\"\"\"\n+    while True:\n+        pass\n     seen = []\n";

fn predictions(pairs: &[(&str, &str)]) -> Predictions {
    Predictions {
        model: "test-model".into(),
        patches: pairs.iter().map(|(id, p)| (id.to_string(), p.to_string())).collect(),
        source: "inline".into(),
    }
}

fn evaluate(instances: &[Instance], preds: &Predictions, output: &Path, run_id: &str) -> run::RunOutput {
    let evaluator = Evaluator::new(Home::from_env().unwrap()).unwrap();
    let config = RunConfig {
        run_id: run_id.into(),
        output_dir: output.to_path_buf(),
        jobs: 2,
        force: false,
        options: EvalOptions::default(),
    };
    let sources = RunSources {
        instances_dir: "test".into(),
        predictions: "inline".into(),
    };
    run::run(&evaluator, instances, preds, sources, &config, &|_| {}).unwrap()
}

#[test]
fn every_kind_of_prediction_is_scored_as_swe_perf_would() {
    let root = tempfile::tempdir().unwrap();
    // Status transitions are covered by the scripted runner (`scripted.rs`); these are the ones
    // only a real guest produces, end to end: a real gain, a patch that escapes, a guest that
    // loops until its fuel runs out.
    let ids = ["gold", "escapes", "loops", "missing"];
    let dir = instances_dir(root.path(), &ids);
    let instances = instance::load_all(&dir).unwrap();
    let gold_patch = std::fs::read_to_string(fixture().join("expert.patch")).unwrap();
    let preds = predictions(&[("gold", &gold_patch), ("escapes", ESCAPES), ("loops", LOOPS_FOREVER)]);
    let out = evaluate(&instances, &preds, root.path(), "kinds");
    let by_id = |id: &str| out.reports.iter().find(|r| r.instance_id == id).unwrap();

    let gold = by_id("gold");
    assert_eq!(gold.status, InstanceStatus::Correct, "{:?}", gold.detail);
    assert!(gold.applied && gold.correct);
    assert!(gold.efficiency_tests[0].gain > 0.5, "{:?}", gold.efficiency_tests);
    // An untouched test barely moves: only the allocator state the previous (changed) test
    // left behind differs.
    let (b, p) = (gold.efficiency_tests[1].base_fuel.unwrap(), gold.efficiency_tests[1].patched_fuel.unwrap());
    assert!(b.abs_diff(p) * 200 < b, "untouched test: {b} -> {p}");
    assert!(gold.performance > 0.25);

    let escapes = by_id("escapes");
    assert_eq!((escapes.status, escapes.applied), (InstanceStatus::NotApplied, false));
    assert!(escapes.detail.as_deref().unwrap().contains("outside the repository"), "{:?}", escapes.detail);
    assert!(!root.path().join("outside.py").exists());

    let loops = by_id("loops");
    assert_eq!((loops.status, loops.correct), (InstanceStatus::Incorrect, false));
    assert!(loops.detail.as_deref().unwrap().contains("out of fuel"), "{:?}", loops.detail);

    let missing = by_id("missing");
    assert_eq!(missing.status, InstanceStatus::Missing);

    // SWE-Perf's metrics: sums over the dataset's instances divided by their number.
    let s = &out.summary;
    assert_eq!((s.counts.total, s.counts.valid, s.counts.submitted, s.counts.applied, s.counts.correct), (4, 4, 3, 2, 1));
    assert_eq!(s.apply, 2.0 / 4.0);
    assert_eq!(s.correctness, 1.0 / 4.0);
    assert_eq!(s.performance, gold.performance / 4.0);

    // Every instance has its folder, applied patch, logs and report.
    let gold_dir = out.run_dir.join("gold");
    assert_eq!(std::fs::read_to_string(gold_dir.join("patch.diff")).unwrap(), gold_patch);
    let log = std::fs::read_to_string(gold_dir.join("logs/patched.log")).unwrap();
    assert!(log.contains("# fuel:") && log.contains("passed"), "{log}");
    let report: Value = serde_json::from_slice(&std::fs::read(gold_dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["status"], "correct");
    assert!(out.summary_path.ends_with("test-model.kinds.json"));
}

fn summary_core(path: &Path) -> Value {
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("run_id");
    v
}

fn eval_cmd(instances: &Path, preds: &Path, output: &Path, run_id: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("sweperf"));
    cmd.args(["eval", "--jobs", "1", "--run-id", run_id, "--instances"])
        .arg(instances)
        .arg("--predictions")
        .arg(preds)
        .arg("--output-dir")
        .arg(output);
    cmd
}

#[test]
fn a_killed_evaluation_resumes_to_the_same_summary_as_an_uninterrupted_one() {
    let root = tempfile::tempdir().unwrap();
    let ids = ["a-gold", "b-slower", "c-breaks"];
    let dir = instances_dir(root.path(), &ids);
    let gold_patch = std::fs::read_to_string(fixture().join("expert.patch")).unwrap();
    let preds_path = root.path().join("preds.jsonl");
    let lines: Vec<String> = [("a-gold", gold_patch.as_str()), ("b-slower", SLOWER), ("c-breaks", BREAKS_A_TEST)]
        .iter()
        .map(|(id, p)| json!({"instance_id": id, "model_name_or_path": "org/model", "model_patch": p}).to_string())
        .collect();
    std::fs::write(&preds_path, lines.join("\n") + "\n").unwrap();
    let output = root.path().join("runs");

    let full = eval_cmd(&dir, &preds_path, &output, "full").output().unwrap();
    assert!(full.status.success(), "{}", String::from_utf8_lossy(&full.stderr));
    assert!(String::from_utf8_lossy(&full.stdout).contains("Performance"));

    // Kill the second attempt as soon as its first instance is written.
    let mut child = eval_cmd(&dir, &preds_path, &output, "killed")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let first_report = output.join("killed/org__model/a-gold/report.json");
    let started = Instant::now();
    while !first_report.exists() {
        assert!(started.elapsed() < Duration::from_secs(600), "no instance finished");
        assert!(child.try_wait().unwrap().is_none(), "the evaluation ended before it could be killed");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!output.join("org__model.killed.json").exists(), "killed before the summary");
    let kept = std::fs::read(&first_report).unwrap();

    let resumed = eval_cmd(&dir, &preds_path, &output, "killed").output().unwrap();
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    assert!(String::from_utf8_lossy(&resumed.stderr).contains("resuming run `killed`: 1 instance(s) already done"));
    assert_eq!(std::fs::read(&first_report).unwrap(), kept, "a finished instance is not evaluated again");

    // Two evaluations of the same predictions: identical fuel numbers and scores.
    assert_eq!(summary_core(&output.join("org__model.full.json")), summary_core(&output.join("org__model.killed.json")));
}

#[test]
fn bad_predictions_files_name_the_line() {
    let root = tempfile::tempdir().unwrap();
    let dir = instances_dir(root.path(), &["one"]);
    let preds = root.path().join("bad.jsonl");
    std::fs::write(&preds, "{\"instance_id\": \"one\", \"model_name_or_path\": \"m\", \"model_patch\": \"\"}\n{\"instance_id\": \"two\", \"model_name_or_path\": \"m\", \"model_patch\": \"\"}\n").unwrap();
    let out = eval_cmd(&dir, &preds, &root.path().join("runs"), "bad").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.jsonl:2") && stderr.contains("unknown instance id `two`"), "{stderr}");
}

#[test]
fn private_trees_are_made_in_the_scratch_folder_and_fuel_does_not_depend_on_it() {
    let root = tempfile::tempdir().unwrap();
    let inst = Instance::load(&instances_dir(root.path(), &["scratch"]).join("scratch")).unwrap();
    let evaluator = Evaluator::new(Home::from_env().unwrap()).unwrap();
    let fresh = EvalOptions { base_cache: false, ..EvalOptions::default() };
    let default = evaluator.evaluate(&inst, "m", Some(&inst.expert_patch), &fresh);
    assert_eq!(default.status, InstanceStatus::Correct, "{:?}", default.detail);
    // Another folder, on another file system where there is a memory-backed one (the tree's files
    // are then copied, not linked from the instance).
    let shm = Path::new("/dev/shm");
    let scratch = if shm.is_dir() { tempfile::tempdir_in(shm).unwrap() } else { tempfile::tempdir_in(root.path()).unwrap() };
    let elsewhere = EvalOptions { scratch_dir: Some(scratch.path().to_path_buf()), ..fresh.clone() };
    let moved = evaluator.evaluate(&inst, "m", Some(&inst.expert_patch), &elsewhere);
    assert_eq!(moved.status, InstanceStatus::Correct, "{:?}", moved.detail);
    assert_eq!(moved.fingerprint, default.fingerprint, "where the trees are is not part of the measurement");
    let fuel = |r: &sweperf::report::InstanceReport| r.efficiency_tests.iter().map(|t| (t.nodeid.clone(), t.base_fuel, t.patched_fuel)).collect::<Vec<_>>();
    assert_eq!(fuel(&moved), fuel(&default));
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0, "the private trees are removed after");
    // The folder is the one used: one that does not exist fails the evaluation, naming it.
    let missing = root.path().join("no-such-scratch");
    let failed = evaluator.evaluate(&inst, "m", Some(&inst.expert_patch), &EvalOptions { scratch_dir: Some(missing), ..fresh });
    assert_eq!(failed.status, InstanceStatus::Error);
    let detail = failed.detail.unwrap_or_default();
    assert!(detail.contains("no-such-scratch") && detail.contains("--scratch-dir"), "{detail}");
}

#[test]
fn efficiency_tests_run_first_in_the_order_asked_each_after_a_full_collection() {
    // As SWE-Perf runs them (a pytest command of their node ids alone): not in their file's order
    // after the correctness tests that share the file, and not paying for garbage earlier tests
    // left (a collection landing inside one side's measured call decides its sign). Here the
    // efficiency tests are last in their file and asked for in the other order; each checks, when
    // its call starts, which tests ran before it and that the last collection was a full one.
    let root = tempfile::tempdir().unwrap();
    let dir = instances_dir(root.path(), &["order"]).join("order");
    let manifest = std::fs::read_to_string(dir.join("instance.toml")).unwrap();
    let swapped = manifest.replace(
        "  \"tests/test_dedupe.py::test_unique_large\",\n  \"tests/test_dedupe.py::test_unique_by_large\",",
        "  \"tests/test_dedupe.py::test_unique_by_large\",\n  \"tests/test_dedupe.py::test_unique_large\",",
    );
    assert_ne!(swapped, manifest);
    std::fs::write(dir.join("instance.toml"), swapped).unwrap();
    let tests = dir.join("repo/tests/test_dedupe.py");
    let text = std::fs::read_to_string(&tests).unwrap();
    let probe = "import gc\n\nRAN = []\nLAST_GC = []\ngc.callbacks.append(lambda phase, info: phase == 'stop' and LAST_GC.append(info['generation']))\n\n\ndef _check(name, before):\n    assert RAN == before, RAN\n    assert LAST_GC and LAST_GC[-1] == 2, LAST_GC[-5:]\n    RAN.append(name)\n\n\n";
    let text = format!("{probe}{text}")
        .replace("def test_unique_large():\n", "def test_unique_large():\n    _check('large', ['by_large'])\n")
        .replace("def test_unique_by_large():\n", "def test_unique_by_large():\n    _check('by_large', [])\n")
        .replace("def test_unique_empty():\n", "def test_unique_empty():\n    RAN.append('empty')\n    junk = [[i] for i in range(5000)]\n");
    std::fs::write(&tests, text).unwrap();
    let inst = Instance::load(&dir).unwrap();
    let evaluator = Evaluator::new(Home::from_env().unwrap()).unwrap();
    let r = evaluator.evaluate(&inst, "m", Some(&inst.expert_patch), &EvalOptions::default());
    let out = r.base.as_ref().map(|b| format!("{}{}", b.session.stdout, b.session.stderr)).unwrap_or_default();
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}\n{out}", r.detail);
    let base = r.base.unwrap();
    assert_eq!(base.session.tests.len(), 5, "every test ran once: {:?}", base.session.tests.keys());
}

#[test]
fn a_repository_that_makes_warnings_errors_runs_clean() {
    // pylint and others set `filterwarnings = error`: a warning pytest gives about sweperf's own
    // plugin (a module it cannot rewrite because the runner imported it first) would fail every
    // session of such a repository.
    let root = tempfile::tempdir().unwrap();
    let dir = instances_dir(root.path(), &["strict"]).join("strict");
    std::fs::write(dir.join("repo/pytest.ini"), "[pytest]\nfilterwarnings = error\n").unwrap();
    let inst = Instance::load(&dir).unwrap();
    let evaluator = Evaluator::new(Home::from_env().unwrap()).unwrap();
    let r = evaluator.evaluate(&inst, "m", Some(&inst.expert_patch), &EvalOptions::default());
    let out = r.base.as_ref().map(|b| format!("{}{}", b.session.stdout, b.session.stderr)).unwrap_or_default();
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}\n{out}", r.detail);
}
