//! Measurements: run a set of pytest node ids on a tree inside the sandbox, through the guest
//! plugin, and read back each test's outcome and per-phase fuel.
//!
//! A run that crashes, loops or runs out of memory is still a measurement (its sandbox status
//! says so, and its tests are missing or failed). This module must not score anything.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};
use crate::sandbox::{Access, Limits, LoadedRuntime, Mount, Outcome, RunRequest, Sandbox, Status};

/// Where the tree under test is mounted (read-write: tests may write beside themselves).
pub const REPO_GUEST: &str = "/repo";
const RESULTS_GUEST: &str = "/results";
const RESULTS_FILE: &str = "tests.jsonl";
/// Where an instance's extra requirements are mounted, read-only.
pub const REQUIREMENTS_GUEST: &str = "/requirements";

/// A test's outcome, as the plugin saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestOutcome {
    Passed,
    Failed,
    /// Setup or teardown failed.
    Error,
    Skipped,
    CollectionError,
    /// Asked for but never reported (not collected, or the run died first).
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestResult {
    pub outcome: TestOutcome,
    /// Fuel of the call phase; the measured cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_fuel: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_fuel: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teardown_fuel: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One pytest session in the sandbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestRun {
    /// The node ids asked for.
    pub requested: Vec<String>,
    pub status: Status,
    /// Fuel of the whole sandbox run (interpreter start-up, collection, every test).
    pub fuel: u64,
    pub wall_ms: f64,
    /// pytest's exit status, if the session finished.
    pub exitstatus: Option<i64>,
    /// Every test reported, by node id.
    pub tests: BTreeMap<String, TestResult>,
    #[serde(skip)]
    pub stdout: String,
    #[serde(skip)]
    pub stderr: String,
}

impl TestRun {
    /// Every requested test ran and passed (or was skipped), and pytest said so.
    pub fn all_passed(&self) -> bool {
        self.status.success()
            && self.exitstatus == Some(0)
            && !self.tests.is_empty()
            && self.tests.values().all(|t| matches!(t.outcome, TestOutcome::Passed | TestOutcome::Skipped))
    }

    /// The result of one node id, `Missing` if it never reported.
    pub fn result(&self, node_id: &str) -> TestResult {
        self.tests.get(node_id).cloned().unwrap_or(TestResult {
            outcome: TestOutcome::Missing,
            call_fuel: None,
            setup_fuel: None,
            teardown_fuel: None,
            message: None,
        })
    }

    /// A short reason for failure, for reports: the first failing test or the run's status.
    pub fn failure_summary(&self) -> Option<String> {
        if self.all_passed() {
            return None;
        }
        if !self.status.success() && !matches!(self.status, Status::Exited { .. }) {
            return Some(self.status.to_string());
        }
        if let Some((id, t)) = self.tests.iter().find(|(_, t)| !matches!(t.outcome, TestOutcome::Passed | TestOutcome::Skipped)) {
            return Some(format!("{id}: {:?}", t.outcome).to_lowercase());
        }
        if let Some(missing) = self.requested.iter().find(|r| r.contains("::") && !self.tests.contains_key(*r)) {
            return Some(format!("{missing}: not run"));
        }
        Some(match self.exitstatus {
            Some(5) => "pytest collected no tests".into(),
            Some(code) => format!("pytest exited with status {code}"),
            None => format!("pytest did not finish ({})", self.status),
        })
    }
}

/// What to run: the tree, the tests and how.
pub struct TestPlan<'a> {
    pub tree: &'a Path,
    pub node_ids: &'a [String],
    /// Folders of the tree put on `sys.path`.
    pub python_path: &'a [String],
    /// An unpacked requirements folder, if the instance has any.
    pub requirements: Option<&'a Path>,
    /// Compatibility layers of the instance's environment.
    pub layers: &'a [String],
    pub limits: &'a Limits,
    pub seed: u64,
}

#[derive(Deserialize)]
struct Line {
    nodeid: Option<String>,
    outcome: Option<TestOutcome>,
    call_fuel: Option<u64>,
    setup_fuel: Option<u64>,
    teardown_fuel: Option<u64>,
    message: Option<String>,
    session: Option<SessionLine>,
}

#[derive(Deserialize)]
struct SessionLine {
    exitstatus: i64,
}

/// Runs `plan` in the sandbox and reads the plugin's results.
pub fn run_tests(sandbox: &Sandbox, runtime: &LoadedRuntime, plan: &TestPlan) -> Result<TestRun> {
    let results = tempfile::Builder::new()
        .prefix("sweperf-results-")
        .tempdir()
        .context(|| "creating a results folder".into())?;
    let mut request = RunRequest::new(["-m", "sweperf_pytest", "-q"]);
    request.args.extend(plan.node_ids.iter().cloned());
    request.mounts.push(Mount::new(plan.tree, REPO_GUEST, Access::ReadWrite));
    request.mounts.push(Mount::new(results.path(), RESULTS_GUEST, Access::ReadWrite));
    request.python_path = plan
        .python_path
        .iter()
        .map(|p| if p == "." { REPO_GUEST.to_string() } else { format!("{REPO_GUEST}/{p}") })
        .collect();
    if let Some(req) = plan.requirements {
        request.mounts.push(Mount::new(req, REQUIREMENTS_GUEST, Access::ReadOnly));
        request.python_path.push(REQUIREMENTS_GUEST.to_string());
    }
    request.layers = plan.layers.to_vec();
    request.cwd = Some(REPO_GUEST.to_string());
    request.env.push(("SWEPERF_RESULTS".into(), format!("{RESULTS_GUEST}/{RESULTS_FILE}")));
    request.limits = plan.limits.clone();
    request.seed = plan.seed;
    let outcome = sandbox.run(runtime, &request)?;
    let path = results.path().join(RESULTS_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
    };
    Ok(parse_results(plan.node_ids, outcome, &text))
}

fn parse_results(requested: &[String], outcome: Outcome, text: &str) -> TestRun {
    let mut tests = BTreeMap::new();
    let mut exitstatus = None;
    for line in text.lines() {
        // A run killed mid-write leaves a partial last line; everything before it counts.
        let Ok(l) = serde_json::from_str::<Line>(line) else { continue };
        if let Some(s) = l.session {
            exitstatus = Some(s.exitstatus);
            continue;
        }
        if let (Some(id), Some(outcome)) = (l.nodeid, l.outcome) {
            tests.insert(
                id,
                TestResult {
                    outcome,
                    call_fuel: l.call_fuel,
                    setup_fuel: l.setup_fuel,
                    teardown_fuel: l.teardown_fuel,
                    message: l.message,
                },
            );
        }
    }
    TestRun {
        requested: requested.to_vec(),
        status: outcome.status,
        fuel: outcome.fuel,
        wall_ms: outcome.wall_ms,
        exitstatus,
        tests,
        stdout: outcome.stdout,
        stderr: outcome.stderr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(code: i32) -> Outcome {
        Outcome {
            status: Status::Exited { code },
            fuel: 10,
            stdout: String::new(),
            stderr: String::new(),
            stdout_truncated: false,
            stderr_truncated: false,
            memory_limit_hit: false,
            wall_ms: 1.0,
        }
    }

    #[test]
    fn results_are_read_and_a_torn_last_line_is_ignored() {
        let text = "{\"nodeid\": \"t.py::a\", \"outcome\": \"passed\", \"call_fuel\": 5}\n{\"nodeid\": \"t.py::b\", \"outcome\": \"failed\", \"message\": \"boom\"}\n{\"session\": {\"exitstatus\": 1, \"collected\": 2}}\n{\"nodeid\": \"t.py::c\", \"outc";
        let run = parse_results(&["t.py".into()], outcome(1), text);
        assert_eq!(run.result("t.py::a").call_fuel, Some(5));
        assert_eq!(run.result("t.py::b").outcome, TestOutcome::Failed);
        assert_eq!(run.result("t.py::c").outcome, TestOutcome::Missing);
        assert_eq!(run.exitstatus, Some(1));
        assert!(!run.all_passed());
        assert_eq!(run.failure_summary().unwrap(), "t.py::b: failed");
    }

    #[test]
    fn all_passed_needs_a_finished_session() {
        let text = "{\"nodeid\": \"t.py::a\", \"outcome\": \"passed\", \"call_fuel\": 5}\n";
        assert!(!parse_results(&["t.py::a".into()], outcome(0), text).all_passed());
        let text = format!("{text}{{\"session\": {{\"exitstatus\": 0, \"collected\": 1}}}}\n");
        assert!(parse_results(&["t.py::a".into()], outcome(0), &text).all_passed());
    }
}
