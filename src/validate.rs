//! Validating instances: the manifest loads, the base passes its tests, the expert patch
//! applies and passes them, every efficiency test gains at least the instance's threshold, and
//! fuel is identical across two runs.
//!
//! Each check is named in the result so a failure says exactly what is wrong with which
//! instance. This module must not change instances; it only evaluates their expert patches.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{IoContext, Result};
use crate::evaluate::{EvalOptions, Evaluator};
use crate::instance::{Instance, MANIFEST};
use crate::report::{InstanceReport, InstanceStatus};

/// One of `sweperf validate`'s checks. Serialised (and displayed) as the sentence it checks
/// ([`Check::as_str`], e.g. `"base passes its tests"`): those strings are the JSON output's
/// `name`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// The instance folder loads: its manifest and the files beside it.
    Manifest,
    /// The evaluation ran at all (no sandbox or file-system error).
    Runs,
    /// The repository needs nothing the sandbox cannot load.
    Supported,
    /// The expert patch applies to the repository.
    Applies,
    /// The unpatched repository passes its own tests.
    Base,
    /// The expert patch breaks none of the integrity checks (it is not `tampered` or
    /// `tests_only`).
    Integrity,
    /// The patched repository passes the tests.
    Passes,
    /// Every efficiency test gains at least the instance's `min_expert_gain`.
    Gain,
    /// Two measurements of every fuel count agree.
    Determinism,
}

impl Check {
    /// Every check, in the order `validate` reports them.
    pub const ALL: [Check; 9] = [
        Check::Manifest,
        Check::Runs,
        Check::Supported,
        Check::Applies,
        Check::Base,
        Check::Integrity,
        Check::Passes,
        Check::Gain,
        Check::Determinism,
    ];

    /// The sentence this check verifies, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Manifest => "manifest is valid",
            Check::Runs => "evaluation runs",
            Check::Supported => "the repository is supported",
            Check::Applies => "expert patch applies",
            Check::Base => "base passes its tests",
            Check::Integrity => "the expert patch passes the integrity checks",
            Check::Passes => "expert patch passes the tests",
            Check::Gain => "every efficiency test gains at least min_expert_gain",
            Check::Determinism => "fuel is identical across two runs",
        }
    }
}

impl Serialize for Check {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Check {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Check::ALL
            .into_iter()
            .find(|c| c.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown check `{name}`")))
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Which check (serialised as `name`).
    #[serde(rename = "name")]
    pub check: Check,
    /// Whether it passed.
    pub passed: bool,
    /// Why it failed, or what it found (absent when there is nothing to say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Every check of one instance, and the expert patch's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// The instance (its folder's name, when it did not load).
    pub instance_id: String,
    /// The checks made, in order; a check that could not be reached is left out.
    pub checks: Vec<CheckResult>,
    /// The expert patch's evaluation, if it got that far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<InstanceReport>,
}

impl Validation {
    /// Whether every check made passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.passed)
    }
}

fn check(check: Check, passed: bool, detail: Option<String>) -> CheckResult {
    CheckResult { check, passed, detail }
}

/// Loads every instance folder below `dir` separately, so one bad manifest does not hide the
/// others: (folder name, instance or the error naming its file and field).
pub fn load_each(dir: &Path) -> Result<Vec<(String, Result<Instance>)>> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .context(|| format!("listing the instances folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(MANIFEST).exists())
        .collect();
    folders.sort();
    Ok(folders
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), Instance::load(&p)))
        .collect())
}

/// A validation of an instance that could not even be loaded.
pub fn manifest_failure(folder: &str, error: &crate::Error) -> Validation {
    Validation {
        instance_id: folder.to_string(),
        checks: vec![check(Check::Manifest, false, Some(error.to_string()))],
        report: None,
    }
}

/// Runs every check on one loaded instance, making its private trees in `scratch_dir` (see
/// [`EvalOptions::scratch_dir`]; `None`: the system's temporary folder).
pub fn validate(evaluator: &Evaluator, instance: &Instance, scratch_dir: Option<&std::path::Path>) -> Validation {
    let options = EvalOptions {
        seed: 0,
        repeat: 2,
        base_cache: false,
        bytecode_cache: false,
        scratch_dir: scratch_dir.map(|d| d.to_path_buf()),
    };
    let report = evaluator.evaluate(instance, crate::predictions::GOLD, Some(&instance.expert_patch), &options);
    let mut checks = vec![check(Check::Manifest, true, None)];
    let detail = report.detail.clone();
    match report.status {
        InstanceStatus::Error => checks.push(check(Check::Runs, false, detail)),
        InstanceStatus::Nondeterministic => checks.push(check(Check::Determinism, false, detail)),
        InstanceStatus::Tampered | InstanceStatus::TestsOnly => {
            checks.push(check(Check::Applies, true, None));
            checks.push(check(Check::Base, true, None));
            checks.push(check(Check::Integrity, false, detail));
        }
        InstanceStatus::NotApplied => checks.push(check(Check::Applies, false, detail)),
        InstanceStatus::Invalid => {
            checks.push(check(Check::Applies, true, None));
            checks.push(check(Check::Base, false, detail));
        }
        InstanceStatus::Incorrect => {
            checks.push(check(Check::Applies, true, None));
            checks.push(check(Check::Base, true, None));
            checks.push(check(Check::Passes, false, detail));
        }
        InstanceStatus::Correct => {
            checks.push(check(Check::Applies, true, None));
            checks.push(check(Check::Base, true, None));
            checks.push(check(Check::Passes, true, None));
            let short: Vec<String> = report
                .efficiency_tests
                .iter()
                .filter(|t| t.gain < instance.min_expert_gain)
                .map(|t| format!("{} gains {:.2}% (base {} fuel, patched {})", t.nodeid, t.gain * 100.0, t.base_fuel.unwrap_or(0), t.patched_fuel.unwrap_or(0)))
                .collect();
            let detail = (!short.is_empty()).then(|| format!("below {:.2}%: {}", instance.min_expert_gain * 100.0, short.join("; ")));
            checks.push(check(Check::Gain, short.is_empty(), detail));
            checks.push(check(Check::Determinism, true, None));
        }
        InstanceStatus::Unsupported => checks.push(check(Check::Supported, false, detail)),
        InstanceStatus::Missing => unreachable!("the expert patch is always given"),
    }
    Validation {
        instance_id: instance.id.clone(),
        checks,
        report: Some(report),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_names_serialise_as_their_sentences() {
        // The names of the JSON output before checks were an enum.
        let names = [
            "manifest is valid",
            "evaluation runs",
            "the repository is supported",
            "expert patch applies",
            "base passes its tests",
            "the expert patch passes the integrity checks",
            "expert patch passes the tests",
            "every efficiency test gains at least min_expert_gain",
            "fuel is identical across two runs",
        ];
        assert_eq!(Check::ALL.map(Check::as_str), names);
        for c in Check::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(c.as_str()));
            assert_eq!(serde_json::from_value::<Check>(serde_json::json!(c.as_str())).unwrap(), c);
        }
        let json = serde_json::to_value(check(Check::Base, false, Some("1 failed".into()))).unwrap();
        assert_eq!(json, serde_json::json!({"name": "base passes its tests", "passed": false, "detail": "1 failed"}));
        assert_eq!(serde_json::to_value(check(Check::Gain, true, None)).unwrap(), serde_json::json!({"name": "every efficiency test gains at least min_expert_gain", "passed": true}));
    }
}
