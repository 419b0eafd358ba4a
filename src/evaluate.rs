//! Evaluating one patch on one instance: private trees, base and patched measurements, and the
//! instance's scores (Apply, Correctness, Performance in fuel).
//!
//! An evaluation always yields an [`InstanceReport`]: a patch that does not apply, a test that
//! fails, a guest that loops or crashes, even a runtime that cannot be provisioned, are
//! statuses, not errors, so one bad instance never stops a run. This module must not write
//! anywhere but its own temporary folders (the run layer writes reports).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{IoContext, Result};
use crate::instance::Instance;
use crate::measure::{self, TestPlan, TestRun};
use crate::patch::{self, ApplyMethod};
use crate::report::{
    EfficiencyTest, Fingerprint, InstanceReport, InstanceStatus, REPORT_FORMAT_VERSION, RuntimeFingerprint, SideReport,
    guest_code_sha256, sha256_hex, toolchain_fingerprint,
};
use crate::runtime::{Home, Toolchain};
use crate::sandbox::{EngineSettings, LoadedRuntime, Sandbox};

/// Options of an evaluation that are not part of the instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalOptions {
    /// Seeds the guests' random sources.
    pub seed: u64,
    /// Measure every side this many times and insist the fuel is identical (a determinism
    /// self-check); 1 measures once.
    pub repeat: u32,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions { seed: 0, repeat: 1 }
    }
}

/// The fuel gain of one test: max(0, 1 - patched / base).
pub fn gain(base: u64, patched: u64) -> f64 {
    if base == 0 {
        return 0.0;
    }
    (1.0 - patched as f64 / base as f64).max(0.0)
}

/// Evaluates patches on instances; built once, shared across threads.
pub struct Evaluator {
    sandbox: Sandbox,
}

/// A tree under test, removed when dropped.
struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Tree {
    fn copy_of(instance: &Instance) -> Result<Tree> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("sweperf-{}-", instance.id))
            .tempdir()
            .context(|| "creating a private tree".into())?;
        let root = dir.path().join("repo");
        instance.copy_repo(&root)?;
        Ok(Tree { _dir: dir, root })
    }
}

impl Evaluator {
    pub fn new(home: Home) -> Result<Self> {
        Ok(Evaluator { sandbox: Sandbox::new(home)? })
    }

    pub fn from_sandbox(sandbox: Sandbox) -> Self {
        Evaluator { sandbox }
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// The fingerprint an evaluation of `patch` on `instance` would carry.
    pub fn fingerprint(&self, instance: &Instance, patch: &str, options: &EvalOptions) -> Result<Fingerprint> {
        let manifest = crate::runtime::find_runtime(&instance.runtime)?;
        Ok(Fingerprint {
            sweperf_version: crate::VERSION.to_string(),
            engine: EngineSettings::current(),
            runtime: RuntimeFingerprint::of(&manifest),
            toolchain: toolchain_fingerprint()?,
            guest_code_sha256: guest_code_sha256(),
            instance_sha256: instance.content_hash()?,
            patch_sha256: sha256_hex(patch.as_bytes()),
            requirements: instance.requirements.clone(),
            environment: instance.environment.clone(),
            layers: instance
                .layers
                .iter()
                .filter_map(|l| crate::environment::layer(l))
                .map(|l| (l.name.to_string(), l.sha256()))
                .collect(),
            limits: instance.limits.clone(),
            seed: options.seed,
        })
    }

    /// Evaluates `patch` (`None`: no prediction) on `instance`.
    pub fn evaluate(&self, instance: &Instance, model: &str, patch: Option<&str>, options: &EvalOptions) -> InstanceReport {
        let mut report = InstanceReport {
            format_version: REPORT_FORMAT_VERSION,
            instance_id: instance.id.clone(),
            model: model.to_string(),
            status: InstanceStatus::Missing,
            applied: false,
            apply_method: None,
            correct: false,
            performance: 0.0,
            efficiency_tests: instance
                .efficiency_tests
                .iter()
                .map(|t| EfficiencyTest {
                    nodeid: t.clone(),
                    base_fuel: None,
                    patched_fuel: None,
                    gain: 0.0,
                })
                .collect(),
            detail: None,
            base: None,
            patched: None,
            fingerprint: None,
            patch: patch.map(String::from),
            instance_dir: std::path::absolute(&instance.dir).unwrap_or_else(|_| instance.dir.clone()).display().to_string(),
        };
        if let Some(why) = &instance.unsupported {
            report.status = InstanceStatus::Unsupported;
            report.detail = Some(format!("unsupported: {why}"));
            return report;
        }
        let Some(patch) = patch else {
            report.detail = Some("no prediction for this instance".into());
            return report;
        };
        if let Err(e) = self.evaluate_into(instance, patch, options, &mut report) {
            report.status = InstanceStatus::Error;
            report.applied = false;
            report.correct = false;
            report.performance = 0.0;
            report.detail = Some(e.to_string());
        }
        report
    }

    fn evaluate_into(&self, instance: &Instance, patch: &str, options: &EvalOptions, report: &mut InstanceReport) -> Result<()> {
        report.fingerprint = Some(self.fingerprint(instance, patch, options)?);
        let runtime = self.sandbox.runtime(&instance.runtime, &|_| {})?;
        let requirements = self.requirements(instance)?;

        // Apply first: a patch that does not apply needs no measurement at all.
        let patched_tree = Tree::copy_of(instance)?;
        match patch::apply(&patched_tree.root, patch) {
            Ok(method) => {
                report.applied = true;
                report.apply_method = Some(method);
            }
            Err(e) => {
                report.status = InstanceStatus::NotApplied;
                report.detail = Some(e.to_string());
                return Ok(());
            }
        }

        let base_tree = Tree::copy_of(instance)?;
        let base = self.measure_side(instance, &runtime, &base_tree, requirements.as_ref(), options)?;
        for (t, nodeid) in report.efficiency_tests.iter_mut().zip(&instance.efficiency_tests) {
            t.base_fuel = base.efficiency.result(nodeid).call_fuel;
        }
        let base_ok = base.passed && report.efficiency_tests.iter().all(|t| t.base_fuel.is_some());
        let base_failure = base.failure.clone();
        report.base = Some(base);
        if !base_ok {
            report.status = InstanceStatus::Invalid;
            report.detail = Some(format!("the unpatched repository fails its tests: {}", base_failure.unwrap_or_default()));
            return Ok(());
        }

        let patched = self.measure_side(instance, &runtime, &patched_tree, requirements.as_ref(), options)?;
        for (t, nodeid) in report.efficiency_tests.iter_mut().zip(&instance.efficiency_tests) {
            t.patched_fuel = patched.efficiency.result(nodeid).call_fuel;
        }
        report.correct = patched.passed && report.efficiency_tests.iter().all(|t| t.patched_fuel.is_some());
        if report.correct {
            for t in &mut report.efficiency_tests {
                t.gain = gain(t.base_fuel.unwrap_or(0), t.patched_fuel.unwrap_or(0));
            }
            report.performance = report.efficiency_tests.iter().map(|t| t.gain).sum::<f64>() / report.efficiency_tests.len() as f64;
            report.status = InstanceStatus::Correct;
            if report.apply_method == Some(ApplyMethod::Fuzzy) {
                report.detail = Some("applied with the fuzzy fallback".into());
            }
        } else {
            report.status = InstanceStatus::Incorrect;
            report.detail = Some(format!("the patched repository fails: {}", patched.failure.clone().unwrap_or_default()));
        }
        report.patched = Some(patched);
        Ok(())
    }

    /// The instance's extra requirements, unpacked into a verified folder.
    fn requirements(&self, instance: &Instance) -> Result<Option<PathBuf>> {
        if instance.requirements.is_empty() {
            return Ok(None);
        }
        let set = Toolchain {
            wheels: instance.requirements.clone(),
        };
        Ok(Some(self.sandbox.home().toolchain_site(&set, &|_| {})?))
    }

    /// The efficiency tests, then the correctness tests, on one tree; `repeat` times each when
    /// asked, failing loudly if any fuel count differs.
    fn measure_side(&self, instance: &Instance, runtime: &LoadedRuntime, tree: &Tree, requirements: Option<&PathBuf>, options: &EvalOptions) -> Result<SideReport> {
        let run = |node_ids: &[String]| -> Result<TestRun> {
            let plan = TestPlan {
                tree: &tree.root,
                node_ids,
                python_path: &instance.python_path,
                requirements: requirements.map(|p| p.as_path()),
                layers: &instance.layers,
                limits: &instance.limits,
                seed: options.seed,
            };
            let first = measure::run_tests(&self.sandbox, runtime, &plan)?;
            for attempt in 2..=options.repeat.max(1) {
                let again = measure::run_tests(&self.sandbox, runtime, &plan)?;
                if again.fuel != first.fuel || again.tests != first.tests {
                    return Err(crate::Error::Other(format!(
                        "determinism check failed on {}: run {attempt} used {} fuel, run 1 used {} (per-test results {}); please report this with the instance",
                        instance.id,
                        again.fuel,
                        first.fuel,
                        if again.tests == first.tests { "equal" } else { "differ" }
                    )));
                }
            }
            Ok(first)
        };
        let efficiency = run(&instance.efficiency_tests)?;
        let correctness = run(&instance.correctness_tests)?;
        let failure = efficiency
            .failure_summary()
            .map(|f| format!("efficiency tests: {f}"))
            .or_else(|| correctness.failure_summary().map(|f| format!("correctness tests: {f}")));
        Ok(SideReport {
            passed: failure.is_none(),
            failure,
            efficiency,
            correctness,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::gain;

    #[test]
    fn gain_is_relative_and_never_negative() {
        assert_eq!(gain(100, 25), 0.75);
        assert_eq!(gain(100, 150), 0.0);
        assert_eq!(gain(0, 10), 0.0);
    }
}
