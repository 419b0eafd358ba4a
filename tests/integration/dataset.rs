//! SWE-Perf-format datasets on local clones: a small repository with a slow commit and its fix;
//! environments chosen by repository and date; malformed records named one by one.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::eval::{BREAKS_A_TEST, fixture};
use crate::util::*;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `repos/acme__tinylib`: the fixture's slow code, then the commit that fixed it.
fn clone_with_history(root: &Path) -> (PathBuf, String, String) {
    let clone = root.join("repos/acme__tinylib");
    sweperf::instance::copy_tree(&fixture().join("repo"), &clone).unwrap();
    git(&clone, &["init", "-q"]);
    git(&clone, &["add", "-A"]);
    git(&clone, &["commit", "-qm", "slow unique()"]);
    let slow = git(&clone, &["rev-parse", "HEAD"]).trim().to_string();
    let patch = std::fs::read_to_string(fixture().join("expert.patch")).unwrap();
    sweperf::patch::apply(&clone, &patch).unwrap();
    git(&clone, &["commit", "-qam", "unique(): use a set"]);
    let diff = git(&clone, &["diff", &slow, "HEAD"]);
    // The user's clone sits at the fixed commit; the dataset asks for the slow one.
    (clone, slow, diff)
}

fn record(id: &str, repo: &str, commit: &str, patch: &str) -> Value {
    json!({
        "instance_id": id, "repo": repo, "base_commit": commit, "patch": patch, "test_patch": "",
        "efficiency_test": ["tests/test_dedupe.py::test_unique_large"],
        "problem_statement": "unique() is slow", "version": "1.0", "created_at": "2024-06-01T09:00:00Z"
    })
}

fn write_lines(path: &Path, values: &[Value]) {
    std::fs::write(path, values.iter().map(|v| v.to_string() + "\n").collect::<String>()).unwrap();
}

fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(root: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let e = e.unwrap();
            let meta = std::fs::symlink_metadata(e.path()).unwrap();
            out.push(format!("{} {}", e.path().strip_prefix(root).unwrap().display(), meta.len()));
            if meta.is_dir() {
                walk(root, &e.path(), out);
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn a_dataset_is_evaluated_on_local_clones_without_touching_them() {
    let root = tempfile::tempdir().unwrap();
    let (clone, slow, diff) = clone_with_history(root.path());
    let head = git(&clone, &["rev-parse", "HEAD"]);
    let before = listing(&clone);
    let dataset = root.path().join("swe-perf.jsonl");
    write_lines(
        &dataset,
        &[
            record("acme__tinylib-1", "acme/tinylib", &slow, &diff),
            record("scikit-learn__scikit-learn-1", "scikit-learn/scikit-learn", "abcdef1234", "--- a/x\n+++ b/x\n"),
        ],
    );
    let runs = root.path().join("runs");
    let eval = |preds: &str, run_id: &str| {
        let out = sweperf_cmd()
            .args(["eval", "--predictions", preds, "--run-id", run_id, "--dataset"])
            .arg(&dataset)
            .arg("--repos-dir")
            .arg(root.path().join("repos"))
            .arg("--output-dir")
            .arg(&runs)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };

    let stderr = eval("gold", "ds-gold");
    assert!(stderr.contains("unsupported: scikit-learn__scikit-learn-1"), "{stderr}");
    let gold: Value = serde_json::from_slice(&std::fs::read(runs.join("gold.ds-gold.json")).unwrap()).unwrap();
    assert_eq!(gold["counts"]["valid"], 1, "{gold:#}");
    assert_eq!(gold["counts"]["unsupported"], 1);
    assert_eq!(gold["instances"][0]["status"], "correct");
    assert!(gold["instances"][0]["performance"].as_f64().unwrap() > 0.5);
    assert_eq!(gold["instances"][1]["status"], "unsupported");
    assert_eq!(gold["performance"], gold["instances"][0]["performance"]);

    let preds = root.path().join("bad.jsonl");
    write_lines(&preds, &[json!({"instance_id": "acme__tinylib-1", "model_name_or_path": "bad", "model_patch": BREAKS_A_TEST})]);
    eval(preds.to_str().unwrap(), "ds-bad");
    let bad: Value = serde_json::from_slice(&std::fs::read(runs.join("bad.ds-bad.json")).unwrap()).unwrap();
    assert_eq!(bad["instances"][0]["status"], "incorrect");
    assert_eq!((bad["correctness"].as_f64(), bad["performance"].as_f64()), (Some(0.0), Some(0.0)));

    // The user's clone: same files, same HEAD, clean status.
    assert_eq!(listing(&clone), before);
    assert_eq!(git(&clone, &["rev-parse", "HEAD"]), head);
    assert_eq!(git(&clone, &["status", "--porcelain"]), "");

    // `sweperf import` writes the same instances as folders that validate like any other.
    let out_dir = root.path().join("imported");
    let out = sweperf_cmd()
        .args(["import", "--dataset"])
        .arg(&dataset)
        .arg("--repos-dir")
        .arg(root.path().join("repos"))
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let manifest = std::fs::read_to_string(out_dir.join("acme__tinylib-1/instance.toml")).unwrap();
    assert!(manifest.contains(&format!("base_commit = \"{slow}\"")) && manifest.contains("environment = \"python-3.13-o2-pytest\""), "{manifest}");
    let imported = sweperf::Instance::load(&out_dir.join("acme__tinylib-1")).unwrap();
    assert_eq!(std::fs::read_to_string(imported.repo().join("tinylib/dedupe.py")).unwrap(), std::fs::read_to_string(fixture().join("repo/tinylib/dedupe.py")).unwrap());
}

#[test]
fn dataset_problems_are_named_with_what_to_do() {
    let root = tempfile::tempdir().unwrap();
    let (_clone, slow, diff) = clone_with_history(root.path());
    let dataset = root.path().join("d.jsonl");
    write_lines(
        &dataset,
        &[
            record("no-clone-1", "acme/elsewhere", &slow, &diff),
            record("no-commit-1", "acme/tinylib", "0123456789abcdef0123456789abcdef01234567", &diff),
        ],
    );
    let out = sweperf_cmd()
        .args(["import", "--out"])
        .arg(root.path().join("out"))
        .arg("--dataset")
        .arg(&dataset)
        .arg("--repos-dir")
        .arg(root.path().join("repos"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("no-clone-1 (dataset line 1): no clone of acme/elsewhere") && stderr.contains("git clone"), "{stderr}");
    assert!(stderr.contains("no-commit-1 (dataset line 2): commit 0123456789abcdef0123456789abcdef01234567 is not in the clone") && stderr.contains("fetch"), "{stderr}");

    std::fs::write(&dataset, "{\"instance_id\": \"x\"}\n").unwrap();
    let out = sweperf_cmd().args(["import", "--out", "/tmp/unused", "--repos-dir", "/tmp", "--dataset"]).arg(&dataset).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("d.jsonl:1: x: field `repo`: is missing") && stderr.contains("none of the 1 record(s)"), "{stderr}");
}

fn import_manifests(root: &Path, dataset: &Path, extra: &[&str]) -> (std::process::Output, PathBuf) {
    let out_dir = root.join("imported");
    let out = sweperf_cmd()
        .args(["import", "--dataset"])
        .arg(dataset)
        .arg("--repos-dir")
        .arg(root.join("repos"))
        .arg("--out")
        .arg(&out_dir)
        .args(extra)
        .output()
        .unwrap();
    (out, out_dir)
}

fn manifest_environment(out_dir: &Path, id: &str) -> String {
    let text = std::fs::read_to_string(out_dir.join(id).join("instance.toml")).unwrap();
    let v: toml::Value = toml::from_str(&text).unwrap();
    v["environment"].as_str().unwrap().to_string()
}

#[test]
fn without_a_repository_rule_the_environment_follows_the_commit_date() {
    let root = tempfile::tempdir().unwrap();
    let (_clone, slow, diff) = clone_with_history(root.path());
    let dataset = root.path().join("d.jsonl");
    let dated = |id: &str, created_at: Value| {
        let mut r = record(id, "acme/tinylib", &slow, &diff);
        r["created_at"] = created_at;
        r
    };
    write_lines(
        &dataset,
        &[
            dated("old-1", json!("2021-03-04T05:06:07Z")),
            dated("edge-1", json!("2024-03-31T23:59:59Z")),
            dated("new-1", json!("2024-04-01T00:00:00Z")),
            dated("undated-1", Value::Null),
            {
                let mut r = dated("picked-1", json!("2025-01-01"));
                r["correctness_test"] = json!(["tests/test_dedupe.py::test_unique_large", "tests/test_dedupe.py::test_unique_empty"]);
                r
            },
        ],
    );
    let (out, out_dir) = import_manifests(root.path(), &dataset, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(manifest_environment(&out_dir, "old-1"), "python-3.11-o2-full");
    assert_eq!(manifest_environment(&out_dir, "edge-1"), "python-3.11-o2-full");
    assert_eq!(manifest_environment(&out_dir, "new-1"), "python-3.13-o2-pytest");
    assert_eq!(manifest_environment(&out_dir, "undated-1"), sweperf::environment::UNDATED);
    // sweperf's `correctness_test` extension becomes the instance's correctness tests.
    let picked = sweperf::Instance::load(&out_dir.join("picked-1")).unwrap();
    assert_eq!(picked.correctness_tests, ["tests/test_dedupe.py::test_unique_large", "tests/test_dedupe.py::test_unique_empty"]);
    // The date is recorded with the instance.
    let manifest = std::fs::read_to_string(out_dir.join("old-1/instance.toml")).unwrap();
    assert!(manifest.contains("created_at = \"2021-03-04T05:06:07Z\""), "{manifest}");

    // --environment overrides the table for the whole run; an unknown name is refused up front.
    let (out, out_dir) = import_manifests(root.path(), &dataset, &["--environment", "python-3.12-compat"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(manifest_environment(&out_dir, "old-1"), "python-3.12-compat");
    let (out, _) = import_manifests(root.path(), &dataset, &["--environment", "python-2.7"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("unknown environment `python-2.7`") && stderr.contains("sweperf env list"), "{stderr}");
}

#[test]
fn sympy_records_get_mpmath_and_hypothesis_by_date() {
    let root = tempfile::tempdir().unwrap();
    // A tiny stand-in for sympy's history: a bare mirror named like SWE-bench's clones.
    let work = root.path().join("work");
    write_tree(&work, &[("sympy/__init__.py", "__version__ = '1.12.dev'\n"), ("sympy/tests/test_x.py", "def test_x():\n    pass\n")]);
    git(&work, &["init", "-q"]);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-qm", "base"]);
    let base = git(&work, &["rev-parse", "HEAD"]).trim().to_string();
    std::fs::create_dir_all(root.path().join("repos")).unwrap();
    let status = Command::new("git")
        .args(["clone", "-q", "--bare"])
        .arg(&work)
        .arg(root.path().join("repos/sympy__sympy"))
        .status()
        .unwrap();
    assert!(status.success());
    let patch = "--- a/sympy/__init__.py\n+++ b/sympy/__init__.py\n@@ -1 +1 @@\n-__version__ = '1.12.dev'\n+__version__ = '1.12'\n";
    let sympy = |id: &str, version: &str, created_at: &str| {
        json!({"instance_id": id, "repo": "sympy/sympy", "base_commit": base, "patch": patch, "test_patch": "",
               "efficiency_test": ["sympy/tests/test_x.py::test_x"], "version": version, "created_at": created_at})
    };
    let dataset = root.path().join("sympy.jsonl");
    write_lines(
        &dataset,
        &[
            sympy("sympy__sympy-20000", "1.7", "2020-08-01T00:00:00Z"),
            sympy("sympy__sympy-25606", "1.13", "2023-09-11T00:00:00Z"),
            sympy("sympy__sympy-26710", "1.13", "2024-06-17T00:00:00Z"),
        ],
    );
    let (out, out_dir) = import_manifests(root.path(), &dataset, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(manifest_environment(&out_dir, "sympy__sympy-20000"), "sympy-3.11-legacy");
    assert_eq!(manifest_environment(&out_dir, "sympy__sympy-25606"), "sympy-3.11");
    assert_eq!(manifest_environment(&out_dir, "sympy__sympy-26710"), "sympy-3.13-pytest");
    let loaded = sweperf::Instance::load(&out_dir.join("sympy__sympy-25606")).unwrap();
    let reqs: Vec<&str> = loaded.requirements.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(loaded.runtime, "python-3.11");
    for needed in ["mpmath", "hypothesis", "attrs", "sortedcontainers"] {
        assert!(reqs.contains(&needed), "{needed} missing from {reqs:?}");
    }
    let legacy = sweperf::Instance::load(&out_dir.join("sympy__sympy-20000")).unwrap();
    assert!(legacy.layers.contains(&"distutils".to_string()) && legacy.requirements.iter().any(|w| w.name == "mpmath"), "{legacy:?}");
    // The bare mirror was read, not written.
    assert_eq!(git(&root.path().join("repos/sympy__sympy"), &["rev-parse", "HEAD"]).trim(), base);
}

#[test]
fn malformed_records_are_named_one_by_one_and_the_others_evaluated() {
    let root = tempfile::tempdir().unwrap();
    let (_clone, slow, diff) = clone_with_history(root.path());
    let dataset = root.path().join("mixed.jsonl");
    let mut file_not_test = record("file-not-test-1", "acme/tinylib", &slow, &diff);
    file_not_test["efficiency_test"] = json!(["tests/test_dedupe.py"]);
    let mut no_commit = record("no-commit-field-1", "acme/tinylib", &slow, &diff);
    no_commit.as_object_mut().unwrap().remove("base_commit");
    write_lines(&dataset, &[file_not_test, record("good-1", "acme/tinylib", &slow, &diff), no_commit]);

    // validate --dataset without clones: every problem at once, nothing run.
    let out = sweperf_cmd().args(["validate", "--dataset"]).arg(&dataset).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("mixed.jsonl:1: file-not-test-1: field `efficiency_test`: `tests/test_dedupe.py` names a file or folder, not a test; give pytest node ids"), "{stderr}");
    assert!(stderr.contains("mixed.jsonl:3: no-commit-field-1: field `base_commit`: is missing"), "{stderr}");
    assert!(stderr.contains("1 of 3 record(s) well-formed"), "{stderr}");

    // eval: the good record is evaluated; the others are named again at the end; exit 1.
    let runs = root.path().join("runs");
    let out = sweperf_cmd()
        .args(["eval", "--predictions", "gold", "--run-id", "mixed", "--dataset"])
        .arg(&dataset)
        .arg("--repos-dir")
        .arg(root.path().join("repos"))
        .arg("--output-dir")
        .arg(&runs)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2 of 3 record(s) of") && stderr.contains("were not evaluated"), "{stderr}");
    assert!(stderr.contains("mixed.jsonl:1: file-not-test-1: field `efficiency_test`"), "{stderr}");
    let gold: Value = serde_json::from_slice(&std::fs::read(runs.join("gold.mixed.json")).unwrap()).unwrap();
    assert_eq!(gold["instances"].as_array().unwrap().len(), 1, "{gold:#}");
    assert_eq!(gold["instances"][0]["instance_id"], "good-1");
    assert_eq!(gold["instances"][0]["status"], "correct");
}
