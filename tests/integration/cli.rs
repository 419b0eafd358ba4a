//! The `sweperf` command as a user meets it.

use predicates::prelude::*;

use crate::util::*;

#[test]
fn runtime_list_names_every_runtime() {
    sweperf_cmd()
        .args(["runtime", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("python-3.12").and(predicate::str::contains("python-3.15-sci")).and(predicate::str::contains("python-3.11")));
}

#[test]
fn python_passes_output_and_exit_code_through() {
    sweperf_cmd()
        .args(["python", "--", "-c", "print('hello'); raise SystemExit(3)"])
        .assert()
        .code(3)
        .stdout("hello\n")
        .stderr(predicate::str::contains("exited with code 3").and(predicate::str::contains("fuel")));
}

#[test]
fn python_json_reports_outcome_and_fuel() {
    let out = sweperf_cmd().args(["python", "--json", "--", "-c", "print(1)"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["runtime"], sweperf::runtime::DEFAULT_RUNTIME);
    assert_eq!(v["outcome"]["status"]["kind"], "exited");
    assert_eq!(v["outcome"]["stdout"], "1\n");
    assert!(v["outcome"]["fuel"].as_u64().unwrap() > 1_000_000);
}

#[test]
fn out_of_fuel_names_the_flag_to_raise() {
    sweperf_cmd()
        .args(["python", "--fuel", "1000000", "--", "-c", "while True: pass"])
        .assert()
        .code(125)
        .stderr(predicate::str::contains("out of fuel").and(predicate::str::contains("--fuel")));
}

#[test]
fn usage_errors_and_bad_input_have_distinct_exit_codes() {
    // clap's own usage error stays 2; input sweperf cannot use is 3 (README lists the table).
    sweperf_cmd().args(["eval", "--no-such-flag"]).assert().code(2);
    sweperf_cmd()
        .args(["verify", "/definitely/not/a/report.json"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("/definitely/not/a/report.json"));
}

#[test]
fn a_deadline_fuel_figure_is_not_passed_off_as_a_measurement() {
    sweperf_cmd()
        .args(["python", "--timeout", "0.5", "--", "-c", "while True: pass"])
        .assert()
        .code(125)
        .stderr(predicate::str::contains("deadline exceeded | fuel at least ").and(predicate::str::contains("--timeout")));
    let out = sweperf_cmd().args(["python", "--json", "--timeout", "0.5", "--", "-c", "while True: pass"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["outcome"]["status"]["kind"].as_str(), v["fuel_exact"].as_bool()), (Some("deadline"), Some(false)));
    let out = sweperf_cmd().args(["python", "--json", "--", "-c", "pass"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["fuel_exact"], true);
}

#[test]
fn bad_mounts_are_clear_errors() {
    sweperf_cmd()
        .args(["python", "--mount", "/definitely/not/here:/data", "--", "-c", "pass"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("/definitely/not/here"));
    let dir = tempfile::tempdir().unwrap();
    sweperf_cmd()
        .args(["python", "--mount"])
        .arg(format!("{}:/tmp", dir.path().display()))
        .args(["--", "-c", "pass"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("/tmp is the sandbox's own"));
}

#[test]
fn limits_that_cannot_be_met_name_their_flag() {
    // 2^44 MiB used to wrap to 0 bytes; 4097 MiB is more than wasm32 addresses.
    for (flag, value) in [("--memory-mib", "4097"), ("--memory-mib", "17592186044416"), ("--memory-mib", "0"), ("--timeout", "-1"), ("--timeout", "NaN")] {
        sweperf_cmd()
            .args(["python", &format!("{flag}={value}"), "--", "-c", "pass"])
            .assert()
            // A flag value a check refuses is bad input (README's exit-code table), not clap's 2.
            .code(3)
            .stderr(predicate::str::contains(format!("error: {flag} {value}: ")));
    }
}

#[test]
fn unknown_runtime_lists_the_known_ones() {
    sweperf_cmd()
        .args(["python", "--runtime", "python-2.7", "--", "-c", "pass"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("python-2.7").and(predicate::str::contains("python-3.12")));
}

#[test]
fn without_pip_fetching_says_what_to_install() {
    let home = tempfile::tempdir().unwrap();
    sweperf_cmd()
        .env("SWEPERF_HOME", home.path())
        .env("SWEPERF_PIP", "/definitely/not/pip")
        .args(["runtime", "fetch", "python-3.12"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("install pip"));
    assert!(!home.path().join("runtimes/python-3.12").exists(), "nothing unverified is left behind");
}
