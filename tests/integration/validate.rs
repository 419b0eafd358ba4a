//! `sweperf validate` and the bundled benchmark.

use std::path::Path;

use serde_json::Value;

use crate::eval::instances_dir;
use crate::util::*;

#[test]
fn validate_names_the_instance_and_the_check_that_failed() {
    let root = tempfile::tempdir().unwrap();
    let dir = instances_dir(root.path(), &["good", "stale-patch", "slow-base", "bad-manifest"]);
    // An expert patch that no longer applies to its repository.
    let dedupe = dir.join("stale-patch/repo/tinylib/dedupe.py");
    let text = std::fs::read_to_string(&dedupe).unwrap();
    std::fs::write(&dedupe, text.replace("    seen = []\n", "    seen = list()\n")).unwrap();
    // A base that fails its own tests.
    let tests = dir.join("slow-base/repo/tests/test_dedupe.py");
    let text = std::fs::read_to_string(&tests).unwrap();
    std::fs::write(&tests, text.replace("== [3, 1, 2]", "== [1, 2, 3]")).unwrap();
    // A manifest with a field that does not exist.
    let manifest = dir.join("bad-manifest/instance.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}speedup = 2\n")).unwrap();

    let out = sweperf_cmd().args(["validate", "--jobs", "2", "--instances"]).arg(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("ok    good"), "{stderr}");
    assert!(stderr.contains("FAIL  stale-patch: expert patch applies"), "{stderr}");
    assert!(stderr.contains("FAIL  slow-base: base passes its tests"), "{stderr}");
    assert!(stderr.contains("FAIL  bad-manifest: manifest is valid") && stderr.contains("speedup"), "{stderr}");
    assert!(stderr.contains("1 of 4 instance(s) valid"), "{stderr}");

    // The private trees go where --scratch-dir says: a folder that does not exist fails the
    // good instance too, and one that exists does not.
    let missing = root.path().join("no-such-scratch");
    let out = sweperf_cmd().args(["validate", "--instance-ids", "good", "--instances"]).arg(&dir).arg("--scratch-dir").arg(&missing).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no-such-scratch"), "{stderr}");
    let scratch = tempfile::tempdir().unwrap();
    let out = sweperf_cmd().args(["validate", "--instance-ids", "good", "--instances"]).arg(&dir).arg("--scratch-dir").arg(scratch.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

fn bundled() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/instances"))
}

#[test]
fn the_obvious_micro_optimisation_gains_almost_nothing() {
    let root = tempfile::tempdir().unwrap();
    let naive = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/report-pipeline-copies-naive.patch")).unwrap();
    let preds = root.path().join("naive.jsonl");
    let line = serde_json::json!({"instance_id": "report-pipeline-copies", "model_name_or_path": "naive", "model_patch": naive});
    std::fs::write(&preds, format!("{line}\n")).unwrap();
    let out = sweperf_cmd()
        .args(["eval", "--instance-ids", "report-pipeline-copies", "--run-id", "naive", "--predictions"])
        .arg(&preds)
        .arg("--instances")
        .arg(bundled())
        .arg("--output-dir")
        .arg(root.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s: Value = serde_json::from_slice(&std::fs::read(root.path().join("naive.naive.json")).unwrap()).unwrap();
    let perf = s["performance"].as_f64().unwrap();
    assert_eq!(s["instances"][0]["status"], "correct");
    assert!(perf > 0.0 && perf < 0.05, "the format_money tweak gains {perf}");
}
