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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    pub instance_id: String,
    pub checks: Vec<Check>,
    /// The expert patch's evaluation, if it got that far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<InstanceReport>,
}

impl Validation {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed)
    }
}

pub const CHECK_MANIFEST: &str = "manifest is valid";
pub const CHECK_BASE: &str = "base passes its tests";
pub const CHECK_APPLIES: &str = "expert patch applies";
pub const CHECK_PASSES: &str = "expert patch passes the tests";
pub const CHECK_GAIN: &str = "every efficiency test gains at least min_expert_gain";
pub const CHECK_DETERMINISM: &str = "fuel is identical across two runs";

fn check(name: &str, passed: bool, detail: Option<String>) -> Check {
    Check {
        name: name.into(),
        passed,
        detail,
    }
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
        checks: vec![check(CHECK_MANIFEST, false, Some(error.to_string()))],
        report: None,
    }
}

/// Runs every check on one loaded instance.
pub fn validate(evaluator: &Evaluator, instance: &Instance) -> Validation {
    let options = EvalOptions {
        seed: 0,
        repeat: 2,
        base_cache: false,
    };
    let report = evaluator.evaluate(instance, crate::predictions::GOLD, Some(&instance.expert_patch), &options);
    let mut checks = vec![check(CHECK_MANIFEST, true, None)];
    let detail = report.detail.clone();
    match report.status {
        InstanceStatus::Error => checks.push(check("evaluation runs", false, detail)),
        InstanceStatus::Nondeterministic => checks.push(check(CHECK_DETERMINISM, false, detail)),
        InstanceStatus::Tampered | InstanceStatus::TestsOnly => {
            checks.push(check(CHECK_APPLIES, true, None));
            checks.push(check(CHECK_BASE, true, None));
            checks.push(check("the expert patch passes the integrity checks", false, detail));
        }
        InstanceStatus::NotApplied => checks.push(check(CHECK_APPLIES, false, detail)),
        InstanceStatus::Invalid => {
            checks.push(check(CHECK_APPLIES, true, None));
            checks.push(check(CHECK_BASE, false, detail));
        }
        InstanceStatus::Incorrect => {
            checks.push(check(CHECK_APPLIES, true, None));
            checks.push(check(CHECK_BASE, true, None));
            checks.push(check(CHECK_PASSES, false, detail));
        }
        InstanceStatus::Correct => {
            checks.push(check(CHECK_APPLIES, true, None));
            checks.push(check(CHECK_BASE, true, None));
            checks.push(check(CHECK_PASSES, true, None));
            let short: Vec<String> = report
                .efficiency_tests
                .iter()
                .filter(|t| t.gain < instance.min_expert_gain)
                .map(|t| format!("{} gains {:.2}% (base {} fuel, patched {})", t.nodeid, t.gain * 100.0, t.base_fuel.unwrap_or(0), t.patched_fuel.unwrap_or(0)))
                .collect();
            let detail = (!short.is_empty()).then(|| format!("below {:.2}%: {}", instance.min_expert_gain * 100.0, short.join("; ")));
            checks.push(check(CHECK_GAIN, short.is_empty(), detail));
            checks.push(check(CHECK_DETERMINISM, true, None));
        }
        InstanceStatus::Unsupported => checks.push(check("the repository is supported", false, detail)),
        InstanceStatus::Missing => unreachable!("the expert patch is always given"),
    }
    Validation {
        instance_id: instance.id.clone(),
        checks,
        report: Some(report),
    }
}
