//! `sweperf verify`: a report is a checkable claim.

use std::path::Path;

use serde_json::Value;

use crate::eval::instances_dir;
use crate::util::*;

fn edit_json(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

fn verify(report: &Path, extra: &[&str]) -> (i32, String) {
    let out = sweperf_cmd().arg("verify").arg(report).args(extra).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn reports_verify_and_every_kind_of_tampering_is_named() {
    let root = tempfile::tempdir().unwrap();
    let dir = instances_dir(root.path(), &["audited"]);
    let runs = root.path().join("runs");
    let out = sweperf_cmd()
        .args(["eval", "--predictions", "gold", "--run-id", "audit", "--repeat", "2", "--instances"])
        .arg(&dir)
        .arg("--output-dir")
        .arg(&runs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = runs.join("gold.audit.json");
    let instance_report = runs.join("audit/gold/audited/report.json");

    // Fresh reports verify, in a process other than the one that wrote them.
    let (code, stderr) = verify(&summary, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("verified: 1 instance(s)"), "{stderr}");
    let (code, stderr) = verify(&instance_report, &[]);
    assert_eq!(code, 0, "{stderr}");

    // An edited fuel number is found by the re-run and named.
    let edited = root.path().join("edited.json");
    std::fs::copy(&summary, &edited).unwrap();
    edit_json(&edited, |v| {
        let t = &mut v["instances"][0]["efficiency_tests"][0];
        t["base_fuel"] = Value::from(t["base_fuel"].as_u64().unwrap() + 1);
    });
    let (code, stderr) = verify(&edited, &[]);
    assert_eq!(code, 1, "{stderr}");
    let row = |s: &str, cells: &[&str]| s.lines().any(|l| cells.iter().all(|c| l.contains(c)));
    assert!(row(&stderr, &["audited", "tests/test_dedupe.py::test_unique_large base_fuel"]), "{stderr}");
    // The same as JSON, for scripts: every difference by instance and field.
    let out = sweperf_cmd().arg("verify").arg(&edited).args(["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], false);
    let fields: Vec<&str> = v["verification"]["result_differences"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"tests/test_dedupe.py::test_unique_large base_fuel"), "{fields:?}");

    // A different runtime is named before anything runs.
    let other_runtime = root.path().join("other-runtime.json");
    std::fs::copy(&summary, &other_runtime).unwrap();
    edit_json(&other_runtime, |v| v["instances"][0]["fingerprint"]["runtime"]["module_sha256"] = Value::from("0".repeat(64)));
    let (code, stderr) = verify(&other_runtime, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("nothing was run") && row(&stderr, &["audited", "runtime.module_sha256"]), "{stderr}");

    // Each input that can move fuel is its own field: a report made by another build of the
    // shims, with other guest code, another toolchain tree or another guest environment is
    // named, field by field, before anything runs.
    for (field, pointer) in [
        ("sweperf_build_sha256", "/sweperf_build_sha256"),
        ("guest_code_sha256", "/guest_code_sha256"),
        ("toolchain_tree_sha256", "/toolchain_tree_sha256"),
        ("session.env[0][1]", "/session/env/0/1"),
        ("session.argv[1]", "/session/argv/1"),
    ] {
        let changed = root.path().join("changed.json");
        std::fs::copy(&summary, &changed).unwrap();
        edit_json(&changed, |v| *v["instances"][0]["fingerprint"].pointer_mut(pointer).unwrap() = Value::from("other"));
        let (code, stderr) = verify(&changed, &[]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("nothing was run") && row(&stderr, &["audited", field]), "{field}: {stderr}");
    }

    // A changed repository file changes the instance hash, named before anything runs.
    let source = dir.join("audited/repo/tinylib/dedupe.py");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, format!("{text}\n# edited\n")).unwrap();
    let (code, stderr) = verify(&summary, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(row(&stderr, &["audited", "instance_sha256"]), "{stderr}");

    // An auditor's own copy of the instances (unedited) verifies.
    let copy = instances_dir(&root.path().join("auditor"), &["audited"]);
    let (code, stderr) = verify(&summary, &["--instances", copy.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
}
