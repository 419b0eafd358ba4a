//! Evaluation, scoring, integrity checks, the base cache, resume and verify, driven by a
//! scripted runner (no sandbox): every status transition in milliseconds. The sandbox-backed
//! paths are covered end to end by `eval`, `integrity` and `golden`.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use sweperf::instance::{self, Instance};
use sweperf::measure::{TestOutcome, TestResult, TestRun, Violation};
use sweperf::predictions::Predictions;
use sweperf::report::{Fingerprint, InstanceStatus, RunSources};
use sweperf::run::{self, RunConfig};
use sweperf::runner::{ScriptedRunner, SideRequest, TestRunner};
use sweperf::sandbox::Status;
use sweperf::{EvalOptions, Evaluator};

use crate::eval::{BREAKS_A_TEST, DOES_NOT_APPLY, SLOWER, fixture, instances_dir};

const LARGE: &str = "tests/test_dedupe.py::test_unique_large";
const BY_LARGE: &str = "tests/test_dedupe.py::test_unique_by_large";
const SMALL: &str = "tests/test_dedupe.py::test_unique_empty";

fn result(outcome: TestOutcome, call: u64) -> TestResult {
    TestResult {
        outcome,
        call_fuel: Some(call),
        setup_fuel: Some(10),
        teardown_fuel: Some(10),
        message: None,
    }
}

/// A session with these tests, `unaccounted` fuel outside their calls, pytest exit `exit`.
fn session(tests: &[(&str, TestOutcome, u64)], unaccounted: u64, exit: i64) -> TestRun {
    let calls: u64 = tests.iter().map(|t| t.2).sum();
    TestRun {
        requested: vec![],
        status: Status::Exited { code: exit as i32 },
        fuel: calls + unaccounted,
        slept_ns: 0,
        unaccounted_fuel: unaccounted,
        wall_ms: 1.0,
        from_snapshot: false,
        exitstatus: Some(exit),
        tests: tests.iter().map(|(id, o, f)| (id.to_string(), result(*o, *f))).collect(),
        violations: vec![],
        stdout: String::new(),
        stderr: String::new(),
    }
}

const P: TestOutcome = TestOutcome::Passed;

/// The fixture's behaviour, read from the tree: the set-based `unique` is fast, the
/// `out[::-1]` one fails, the slower one costs more; unaccounted fuel is 5 G.
fn realistic(req: &SideRequest) -> TestRun {
    let code = std::fs::read_to_string(req.tree.join("tinylib/dedupe.py")).unwrap();
    let large = if code.contains("seen = set()\n    out = []\n    for item in items:\n        if item not in seen:\n            seen.add") {
        50_000_000
    } else if code.contains("and item not in out") {
        1_500_000_000
    } else {
        1_000_000_000
    };
    let small = if code.contains("out[::-1]") { TestOutcome::Failed } else { P };
    let exit = if small == P { 0 } else { 1 };
    session(&[(LARGE, P, large), (BY_LARGE, P, 37_000_000), (SMALL, small, 600_000)], 5_000_000_000, exit)
}

fn counting(calls: Arc<AtomicUsize>, script: impl Fn(&SideRequest) -> TestRun + Send + Sync + 'static) -> ScriptedRunner {
    ScriptedRunner::new(move |r| {
        calls.fetch_add(1, Ordering::SeqCst);
        script(r)
    })
}

fn one_instance(root: &Path) -> Instance {
    instance::load_all(&instances_dir(root, &["scripted"])).unwrap().remove(0)
}

fn expert() -> String {
    std::fs::read_to_string(fixture().join("expert.patch")).unwrap()
}

#[test]
fn statuses_and_scores_follow_the_measurements() {
    let root = tempfile::tempdir().unwrap();
    let inst = one_instance(root.path());
    let ev = Evaluator::with_runner(ScriptedRunner::new(realistic));
    let opts = EvalOptions::default();

    let gold = ev.evaluate(&inst, "m", Some(&expert()), &opts);
    assert_eq!(gold.status, InstanceStatus::Correct, "{:?}", gold.detail);
    assert_eq!(gold.efficiency_tests[0].gain, 1.0 - 50_000_000.0 / 1_000_000_000.0);
    assert_eq!(gold.efficiency_tests[1].gain, 0.0);
    assert_eq!(gold.performance, (0.95 + 0.0) / 2.0);

    let breaks = ev.evaluate(&inst, "m", Some(BREAKS_A_TEST), &opts);
    assert_eq!((breaks.status, breaks.correct, breaks.performance), (InstanceStatus::Incorrect, false, 0.0));
    assert!(breaks.detail.as_deref().unwrap().contains("test_unique_empty: failed"), "{:?}", breaks.detail);

    let slower = ev.evaluate(&inst, "m", Some(SLOWER), &opts);
    assert_eq!((slower.status, slower.performance), (InstanceStatus::Correct, 0.0));

    let noapply = ev.evaluate(&inst, "m", Some(DOES_NOT_APPLY), &opts);
    assert_eq!((noapply.status, noapply.applied), (InstanceStatus::NotApplied, false));
    assert_eq!(ev.evaluate(&inst, "m", None, &opts).status, InstanceStatus::Missing);
}

#[test]
fn a_failing_base_is_invalid_and_not_the_predictions_fault() {
    let root = tempfile::tempdir().unwrap();
    let inst = one_instance(root.path());
    let ev = Evaluator::with_runner(ScriptedRunner::new(|_| session(&[(LARGE, TestOutcome::Failed, 1)], 1, 1)));
    let r = ev.evaluate(&inst, "m", Some(&expert()), &EvalOptions::default());
    assert_eq!(r.status, InstanceStatus::Invalid);
    assert!(r.detail.as_deref().unwrap().starts_with("the unpatched repository fails its tests"), "{:?}", r.detail);
    assert!(r.patched.is_none(), "the patched side (measured alongside) is not reported");
}

#[test]
fn integrity_violations_make_a_prediction_tampered() {
    let root = tempfile::tempdir().unwrap();
    let inst = one_instance(root.path());
    let is_patched = |r: &SideRequest| std::fs::read_to_string(r.tree.join("tinylib/dedupe.py")).unwrap().contains("seen.add(item)");
    // A session whose readings the host rejected.
    let ev = Evaluator::with_runner(ScriptedRunner::new(move |r| {
        let mut s = realistic(r);
        if is_patched(r) {
            s.violations.push(Violation::ClockMismatch { nodeid: LARGE.into(), phase: "call".into() });
        }
        s
    }));
    let r = ev.evaluate(&inst, "m", Some(&expert()), &EvalOptions::default());
    assert_eq!((r.status, r.correct, r.performance), (InstanceStatus::Tampered, false, 0.0));
    assert!(r.detail.as_deref().unwrap().starts_with("tampered: clock check"), "{:?}", r.detail);
    // Work moved out of the call: the call is cheap, the fuel outside the calls grows by as much.
    let ev = Evaluator::with_runner(ScriptedRunner::new(move |r| {
        let mut s = realistic(r);
        if is_patched(r) {
            s.unaccounted_fuel += 950_000_000;
        }
        s
    }));
    let r = ev.evaluate(&inst, "m", Some(&expert()), &EvalOptions::default());
    assert_eq!(r.status, InstanceStatus::Tampered, "{:?}", r.detail);
    assert!(matches!(r.violations[0], Violation::UnaccountedGrowth { base: 5_000_000_000, patched: 5_950_000_000, .. }), "{:?}", r.violations);
    // A pass that becomes a skip.
    let ev = Evaluator::with_runner(ScriptedRunner::new(move |r| {
        if is_patched(r) {
            session(&[(LARGE, P, 1), (BY_LARGE, P, 1), (SMALL, TestOutcome::Skipped, 0)], 5_000_000_000, 0)
        } else {
            realistic(r)
        }
    }));
    let r = ev.evaluate(&inst, "m", Some(&expert()), &EvalOptions::default());
    assert_eq!((r.status, r.performance), (InstanceStatus::Incorrect, 0.0));
    assert!(r.detail.as_deref().unwrap().contains("passed on the base but is skipped"), "{:?}", r.detail);
}

#[test]
fn a_patch_that_only_edits_tests_is_not_measured() {
    let root = tempfile::tempdir().unwrap();
    let inst = one_instance(root.path());
    let calls = Arc::new(AtomicUsize::new(0));
    let ev = Evaluator::with_runner(counting(calls.clone(), realistic));
    let patch = "--- a/tests/test_dedupe.py\n+++ b/tests/test_dedupe.py\n@@ -1,2 +1,2 @@\n-from tinylib import unique, unique_by\n+from tinylib import unique, unique_by  # faster\n \n";
    let r = ev.evaluate(&inst, "m", Some(patch), &EvalOptions::default());
    assert_eq!((r.status, r.performance), (InstanceStatus::TestsOnly, 0.0));
    assert_eq!(r.discarded_edits.len(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 0, "nothing left to measure");
}

#[test]
fn the_base_is_measured_once_per_fingerprint() {
    let root = tempfile::tempdir().unwrap();
    let inst = one_instance(root.path());
    let calls = Arc::new(AtomicUsize::new(0));
    let ev = Evaluator::with_runner(counting(calls.clone(), realistic).with_base_cache(root.path().join("cache")));
    let first = ev.evaluate(&inst, "m", Some(&expert()), &EvalOptions::default());
    assert!(!first.base.as_ref().unwrap().cached);
    let second = ev.evaluate(&inst, "other-model", Some(SLOWER), &EvalOptions::default());
    assert!(second.base.as_ref().unwrap().cached, "a second prediction reuses the base");
    assert_eq!(calls.load(Ordering::SeqCst), 3, "base once, each patched side once");
    assert_eq!(first.efficiency_tests[0].base_fuel, second.efficiency_tests[0].base_fuel);
    // --force (no cache reads) measures again; a different seed is a different fingerprint.
    let forced = ev.evaluate(&inst, "m", Some(&expert()), &EvalOptions { base_cache: false, ..EvalOptions::default() });
    assert!(!forced.base.as_ref().unwrap().cached);
    let seeded = ev.evaluate(&inst, "m", Some(&expert()), &EvalOptions { seed: 7, ..EvalOptions::default() });
    assert!(!seeded.base.as_ref().unwrap().cached);
}

/// A runner that logs what it is asked and holds each measurement until the other side's has
/// started too (or 10 s passed): sides measured one after the other would each wait alone.
#[derive(Default)]
struct Rendezvous {
    log: Mutex<Vec<String>>,
    started: Mutex<usize>,
    both: Condvar,
}

fn side_of(r: &SideRequest) -> &'static str {
    if std::fs::read_to_string(r.tree.join("tinylib/dedupe.py")).unwrap().contains("seen.add(item)") { "patched" } else { "base" }
}

impl TestRunner for Rendezvous {
    fn fingerprint(&self, instance: &Instance, patch: &str, seed: u64) -> sweperf::Result<Fingerprint> {
        Fingerprint::scripted(instance, patch, seed)
    }

    fn prepare(&self, r: &SideRequest) -> sweperf::Result<()> {
        self.log.lock().unwrap().push(format!("prepare {}", side_of(r)));
        Ok(())
    }

    fn measure(&self, r: &SideRequest) -> sweperf::Result<TestRun> {
        let mut started = self.started.lock().unwrap();
        *started += 1;
        self.both.notify_all();
        let (started, wait) = self.both.wait_timeout_while(started, Duration::from_secs(10), |n| *n < 2).unwrap();
        drop(started);
        let (how, prepared) = (if wait.timed_out() { "alone" } else { "alongside" }, if r.prepared { " prepared" } else { "" });
        self.log.lock().unwrap().push(format!("measure {} {how}{prepared}", side_of(r)));
        Ok(realistic(r))
    }

    fn base_cache(&self, _key: &str) -> sweperf::Result<Option<std::path::PathBuf>> {
        Ok(None)
    }
}

#[test]
fn a_measured_base_and_the_patched_tree_are_measured_at_once_after_the_base_is_prepared() {
    let root = tempfile::tempdir().unwrap();
    let inst = one_instance(root.path());
    let runner = Arc::new(Rendezvous::default());
    let ev = Evaluator::with_runner(runner.clone());
    let r = ev.evaluate(&inst, "m", Some(&expert()), &EvalOptions::default());
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}", r.detail);
    let mut log = runner.log.lock().unwrap().clone();
    assert_eq!(log.remove(0), "prepare base", "the base tree is compiled before either session");
    log.sort();
    assert_eq!(log, ["measure base alongside prepared", "measure patched alongside"], "the base is not compiled twice");

    // Compiling afresh (--force, verify) prepares nothing to share.
    let runner = Arc::new(Rendezvous::default());
    let ev = Evaluator::with_runner(runner.clone());
    let forced = EvalOptions { base_cache: false, bytecode_cache: false, ..EvalOptions::default() };
    assert_eq!(ev.evaluate(&inst, "m", Some(&expert()), &forced).status, InstanceStatus::Correct);
    assert_eq!(runner.log.lock().unwrap().len(), 2, "{:?}", runner.log);
    assert!(runner.log.lock().unwrap().iter().all(|l| l.ends_with("alongside")), "{:?}", runner.log);
}

#[test]
fn repeated_measurements_that_differ_are_a_determinism_failure() {
    let root = tempfile::tempdir().unwrap();
    let inst = one_instance(root.path());
    let n = Arc::new(AtomicUsize::new(0));
    let ev = Evaluator::with_runner(ScriptedRunner::new(move |r| {
        let mut s = realistic(r);
        s.fuel += n.fetch_add(1, Ordering::SeqCst) as u64;
        s
    }));
    let r = ev.evaluate(&inst, "m", Some(&expert()), &EvalOptions { repeat: 2, ..EvalOptions::default() });
    assert_eq!(r.status, InstanceStatus::Nondeterministic, "{:?}", r.detail);
    assert!(r.detail.as_deref().unwrap().contains("determinism check failed"), "{:?}", r.detail);
}

fn preds(pairs: &[(&str, &str)]) -> Predictions {
    Predictions {
        model: "org/model".into(),
        patches: pairs.iter().map(|(i, p)| (i.to_string(), p.to_string())).collect(),
        source: "inline".into(),
    }
}

fn config(out: &Path, run_id: &str) -> RunConfig {
    RunConfig {
        run_id: run_id.into(),
        output_dir: out.to_path_buf(),
        jobs: 2,
        force: false,
        options: EvalOptions::default(),
    }
}

fn sources() -> RunSources {
    RunSources {
        instances_dir: "i".into(),
        predictions: "p".into(),
    }
}

#[test]
fn summaries_say_what_was_evaluated_and_score_both_ways() {
    let root = tempfile::tempdir().unwrap();
    let dir = instances_dir(root.path(), &["a-gold", "b-invalid", "c-missing"]);
    let instances = instance::load_all(&dir).unwrap();
    let ev = Evaluator::with_runner(ScriptedRunner::new(|r| {
        if r.instance.id == "b-invalid" {
            session(&[(LARGE, TestOutcome::Failed, 1)], 1, 1)
        } else {
            realistic(r)
        }
    }));
    let p = preds(&[("a-gold", &expert()), ("b-invalid", &expert())]);
    let out = run::run(&ev, &instances, &p, sources(), &config(&root.path().join("runs"), "r"), &|_| {}).unwrap();
    let s = &out.summary;
    assert_eq!((s.counts.total, s.counts.valid, s.counts.invalid, s.counts.submitted, s.counts.correct), (3, 2, 1, 2, 1));
    assert_eq!(s.performance, 0.475 / 2.0);
    assert_eq!(s.over_all.performance, 0.475 / 3.0);
    let table = sweperf::export::Exporter::export(&sweperf::export::Table, s);
    let coverage = table.lines().position(|l| l.contains("3 instance(s): 2 valid, 1 invalid")).expect("coverage line");
    let scores = table.lines().position(|l| l.contains("Performance")).unwrap();
    assert!(coverage < scores, "what was evaluated comes before any score:\n{table}");
    assert!(table.contains("over all instances (SWE-Perf): Apply 33.33% (1/3)"), "{table}");
}

#[test]
fn a_run_in_use_by_another_process_is_refused_and_left_alone() {
    let root = tempfile::tempdir().unwrap();
    let instances = instance::load_all(&instances_dir(root.path(), &["a"])).unwrap();
    let ev = Evaluator::with_runner(ScriptedRunner::new(realistic));
    let p = preds(&[("a", &expert())]);
    let runs = root.path().join("runs");
    let first = run::run(&ev, &instances, &p, sources(), &config(&runs, "r"), &|_| {}).unwrap();
    let report = std::fs::read(first.run_dir.join("a/report.json")).unwrap();
    // Another process holds the run (an OS file lock, as the other `sweperf eval` would).
    let held = std::fs::File::open(first.run_dir.join(".lock")).unwrap();
    held.lock().unwrap();
    let forced = RunConfig { force: true, ..config(&runs, "r") };
    let Err(err) = run::run(&ev, &instances, &p, sources(), &forced, &|_| {}) else { panic!("a run in use was evaluated again") };
    assert!(matches!(err, sweperf::Error::RunInUse { .. }), "{err}");
    assert!(err.to_string().contains("--run-id"), "names the way out: {err}");
    assert_eq!(std::fs::read(first.run_dir.join("a/report.json")).unwrap(), report, "nothing overwritten");
    // Another run id, or the same one once released, runs.
    run::run(&ev, &instances, &p, sources(), &config(&runs, "other"), &|_| {}).unwrap();
    drop(held);
    run::run(&ev, &instances, &p, sources(), &forced, &|_| {}).unwrap();
}

#[test]
fn a_resumed_run_writes_the_same_bytes_and_verifies() {
    let root = tempfile::tempdir().unwrap();
    let dir = instances_dir(root.path(), &["a", "b", "c"]);
    let instances = instance::load_all(&dir).unwrap();
    let ev = Evaluator::with_runner(ScriptedRunner::new(realistic));
    let p = preds(&[("a", &expert()), ("b", SLOWER), ("c", BREAKS_A_TEST)]);
    let runs = root.path().join("runs");
    let full = run::run(&ev, &instances, &p, sources(), &config(&runs, "full"), &|_| {}).unwrap();
    // A run that stopped after one instance, then resumed.
    let partial = run::run(&ev, &instances[..1], &preds(&[("a", &expert())]), sources(), &config(&runs, "part"), &|_| {}).unwrap();
    assert_eq!(partial.reports.len(), 1);
    std::fs::remove_file(runs.join("org__model.part.json")).unwrap();
    let resumed = run::run(&ev, &instances, &p, sources(), &config(&runs, "part"), &|_| {}).unwrap();
    let read = |id: &str| String::from_utf8(std::fs::read(runs.join(format!("org__model.{id}.json"))).unwrap()).unwrap();
    assert_eq!(read("full").replace("\"run_id\": \"full\"", ""), read("part").replace("\"run_id\": \"part\"", ""), "byte-identical apart from the run id");
    assert_eq!(full.summary.performance, resumed.summary.performance);

    // The summary verifies against a fresh (scripted) re-run; an edited count or gain is named.
    let claims = sweperf::verify::read_claims(&full.summary_path).unwrap();
    let v = sweperf::verify::verify(&ev, claims, &sweperf::verify::Overrides { instances_dir: Some(dir.clone()), ..Default::default() }, 2).unwrap();
    assert!(v.passed(), "{v:#?}");
    // The re-run makes its trees where the auditor says (a folder that does not exist: every
    // instance then fails, and the verification says so).
    let claims = sweperf::verify::read_claims(&full.summary_path).unwrap();
    let nowhere = sweperf::verify::Overrides { instances_dir: Some(dir.clone()), scratch_dir: Some(root.path().join("no-such-scratch")), ..Default::default() };
    let v = sweperf::verify::verify(&ev, claims, &nowhere, 2).unwrap();
    assert!(!v.passed(), "the scratch folder was not used");
    let claims = sweperf::verify::read_claims(&full.summary_path).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let elsewhere = sweperf::verify::Overrides { instances_dir: Some(dir.clone()), scratch_dir: Some(scratch.path().to_path_buf()), ..Default::default() };
    assert!(sweperf::verify::verify(&ev, claims, &elsewhere, 2).unwrap().passed());
    let mut doc: serde_json::Value = serde_json::from_str(&read("full")).unwrap();
    doc["instances"][0]["efficiency_tests"][0]["gain"] = serde_json::json!(0.99);
    doc["instances"][1]["efficiency_tests"][0]["patched_fuel"] = serde_json::json!(1);
    let edited = root.path().join("edited.json");
    std::fs::write(&edited, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let claims = sweperf::verify::read_claims(&edited).unwrap();
    let v = sweperf::verify::verify(&ev, claims, &sweperf::verify::Overrides { instances_dir: Some(dir), ..Default::default() }, 2).unwrap();
    assert!(!v.passed());
    let fields: Vec<String> = v.result_differences.iter().map(|d| format!("{}: {}", d.instance_id, d.field)).collect();
    assert!(fields.contains(&format!("a: {LARGE} gain (recomputed from the report's fuel counts)")), "{fields:?}");
    assert!(fields.contains(&format!("b: {LARGE} patched_fuel")), "{fields:?}");
}

#[test]
fn sides_compared_start_alike_from_the_snapshot_or_not() {
    // A snapshot runtime, as a script: a session starts from the snapshot (and leaves its 900 M
    // start-up out of the unaccounted fuel) unless it is asked to start plain or its tree
    // provides a module the snapshot imported (here: a patch that adds `keyword.py`).
    let root = tempfile::tempdir().unwrap();
    let inst = one_instance(root.path());
    let plain_requests = Arc::new(AtomicUsize::new(0));
    let seen = plain_requests.clone();
    let ev = Evaluator::with_runner(ScriptedRunner::new(move |r| {
        let mut s = realistic(r);
        s.from_snapshot = !r.plain && !r.tree.join("keyword.py").exists();
        if r.plain {
            seen.fetch_add(1, Ordering::SeqCst);
        }
        if !s.from_snapshot {
            s.unaccounted_fuel += 900_000_000;
            s.fuel += 900_000_000;
        }
        s
    }).with_base_cache(root.path().join("cache")));
    let opts = EvalOptions::default();
    let gold = ev.evaluate(&inst, "m", Some(&expert()), &opts);
    assert_eq!(gold.status, InstanceStatus::Correct, "{:?}", gold.detail);
    let sides = |r: &sweperf::report::InstanceReport| [r.base.as_ref().unwrap().session.from_snapshot, r.patched.as_ref().unwrap().session.from_snapshot];
    assert_eq!(sides(&gold), [true, true]);
    assert_eq!(plain_requests.load(Ordering::SeqCst), 0, "nothing measured twice when both sides start alike");

    // The patch adds a module the snapshot imported: its side starts plain, so the base is
    // measured again plain (not tampered by the start-up that only one side paid for).
    let shadowing = format!("{}diff --git a/keyword.py b/keyword.py\nnew file mode 100644\n--- /dev/null\n+++ b/keyword.py\n@@ -0,0 +1 @@\n+kwlist = []\n", expert());
    let r = ev.evaluate(&inst, "m", Some(&shadowing), &opts);
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}", r.detail);
    assert_eq!(sides(&r), [false, false]);
    assert_eq!(plain_requests.load(Ordering::SeqCst), 1);
    assert_eq!(r.efficiency_tests[0].gain, gold.efficiency_tests[0].gain);
    assert!(!r.base.as_ref().unwrap().cached, "a base measured plain for one patch is not the cached one");

    // The cached base (from the snapshot) is still the one the next prediction gets.
    let again = ev.evaluate(&inst, "m", Some(&expert()), &opts);
    assert_eq!(sides(&again), [true, true]);
    assert!(again.base.as_ref().unwrap().cached);
    assert_eq!(plain_requests.load(Ordering::SeqCst), 1);
}

#[test]
fn a_patch_that_removes_a_shadowing_module_is_measured_again_plain_on_a_fresh_tree() {
    // The base provides `keyword.py` (so it cannot start from the snapshot); the patch deletes
    // it, so the patched session could. It is measured again on the plain interpreter, on a
    // fresh copy of the patched tree: the first session's data files are not there.
    let root = tempfile::tempdir().unwrap();
    let dir = instances_dir(root.path(), &["scripted"]).join("scripted");
    std::fs::write(dir.join("repo/keyword.py"), "kwlist = []\n").unwrap();
    let inst = Instance::load(&dir).unwrap();
    let sessions = Arc::new(Mutex::new(Vec::new()));
    let seen = sessions.clone();
    let ev = Evaluator::with_runner(ScriptedRunner::new(move |r| {
        let mut s = realistic(r);
        s.from_snapshot = !r.plain && !r.tree.join("keyword.py").exists();
        seen.lock().unwrap().push((s.from_snapshot, r.plain, r.tree.join("written.dat").exists()));
        // A test that writes a data file into its tree.
        std::fs::write(r.tree.join("written.dat"), "x").unwrap();
        s
    }));
    let removing = format!("{}diff --git a/keyword.py b/keyword.py\ndeleted file mode 100644\n--- a/keyword.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-kwlist = []\n", expert());
    let r = ev.evaluate(&inst, "m", Some(&removing), &EvalOptions::default());
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}", r.detail);
    assert!(!r.base.as_ref().unwrap().session.from_snapshot && !r.patched.as_ref().unwrap().session.from_snapshot);
    let sessions = sessions.lock().unwrap().clone();
    assert_eq!(sessions.len(), 3, "base, patched, patched again: {sessions:?}");
    assert!(sessions.contains(&(true, false, false)), "the patched side first started from the snapshot: {sessions:?}");
    assert_eq!(sessions.last(), Some(&(false, true, false)), "measured again plain, on a tree no session wrote to");
}
