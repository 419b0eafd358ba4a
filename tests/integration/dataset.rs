//! SWE-Perf-format datasets on local clones: a small repository with a slow commit and its fix.

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
        "problem_statement": "unique() is slow", "version": "1.0", "created_at": "2024-01-01"
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
    assert!(manifest.contains(&format!("base_commit = \"{slow}\"")) && manifest.contains("environment = \"python-3.12\""), "{manifest}");
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
    assert!(String::from_utf8_lossy(&out.stderr).contains("d.jsonl:1: not a SWE-Perf record"));
}
