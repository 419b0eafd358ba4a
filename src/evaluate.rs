//! Evaluating one patch on one instance: private trees, base and patched measurements, the
//! integrity checks, and the instance's scores (Apply, Correctness, Performance in fuel).
//!
//! Each side (base, patched) is one pytest session that runs the efficiency tests first (in the
//! instance's order, each after a full garbage collection: the guest plugin orders them, as
//! pytest would run a test also named by its file in the file's order) and then the correctness
//! tests (SWE-Perf times a pytest command of the efficiency tests' node ids alone). Fuel is deterministic, so a base measurement is exact for every
//! prediction with the same fingerprint minus the patch: it is cached under `$SWEPERF_HOME`
//! ([`EvalOptions::base_cache`]) and N predictions on an instance cost N + 1 sessions. For the
//! same reason the two sides of a first evaluation are measured at the same time, on two cores.
//!
//! An evaluation always yields an [`InstanceReport`]: a patch that does not apply, a test that
//! fails, a guest that loops or crashes, a patch caught tampering with its measurement, even a
//! runtime that cannot be provisioned, are statuses, not errors, so one bad instance never stops
//! a run. This module must not write anywhere but its own temporary folders and the base cache
//! (the run layer writes reports).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};
use crate::instance::Instance;
use crate::integrity;
use crate::measure::{self, TestRun};
use crate::patch::{self, ApplyMethod};
use crate::report::{EfficiencyTest, Fingerprint, InstanceReport, InstanceStatus, REPORT_FORMAT_VERSION, SideReport};
use crate::runner::{SandboxRunner, SideRequest, TestRunner};
use crate::runtime::Home;
use crate::sandbox::Sandbox;

/// Options of an evaluation that are not part of the instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalOptions {
    /// Seeds the guests' random sources. Default 0.
    pub seed: u64,
    /// Measure every side this many times and insist the fuel is identical (a determinism
    /// self-check); 1 (the default) measures once.
    pub repeat: u32,
    /// Reuse a cached base measurement with the same fingerprint (minus the patch), and cache
    /// new ones. Default true; `--force` and `verify` measure afresh (and still write the cache).
    #[serde(default = "yes")]
    pub base_cache: bool,
    /// Reuse the bytecode of files compiled before (same runtime, path and bytes; see
    /// [`crate::measure::BytecodeCache`]), and keep new ones. Default true; `--force` and
    /// `verify` compile afresh (and still keep what they compile).
    #[serde(default = "yes")]
    pub bytecode_cache: bool,
    /// The folder an evaluation's private trees are made in (default: the system's temporary
    /// folder, `$TMPDIR`). Fuel does not depend on it (the guest sees the tree at a fixed path);
    /// what it changes is the cost of creating a large repository's files, which a
    /// memory-backed folder such as `/dev/shm` makes much cheaper on some file systems. Its
    /// files are hard-linked from the instance when both are on one file system, copied
    /// otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scratch_dir: Option<PathBuf>,
}

fn yes() -> bool {
    true
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            seed: 0,
            repeat: 1,
            base_cache: true,
            bytecode_cache: true,
            scratch_dir: None,
        }
    }
}

/// The fuel gain of one test: max(0, 1 - patched / base); 0 when the base used no fuel.
pub fn gain(base: u64, patched: u64) -> f64 {
    if base == 0 {
        return 0.0;
    }
    (1.0 - patched as f64 / base as f64).max(0.0)
}

/// An instance's performance: the mean gain of its efficiency tests, 0 when any is missing.
pub fn performance(tests: &[EfficiencyTest]) -> f64 {
    if tests.is_empty() {
        return 0.0;
    }
    let mut sum = 0.0;
    for t in tests {
        match (t.base_fuel, t.patched_fuel) {
            (Some(b), Some(p)) => sum += gain(b, p),
            _ => return 0.0,
        }
    }
    sum / tests.len() as f64
}

/// Evaluates patches on instances; built once, shared across threads.
pub struct Evaluator {
    runner: Box<dyn TestRunner>,
}

/// A tree under test, removed when dropped. Its files are the instance's own (hard links,
/// see [`Instance::private_tree`]): whatever writes into it replaces files.
struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Tree {
    fn copy_of(instance: &Instance, options: &EvalOptions) -> Result<Tree> {
        let prefix = format!("sweperf-{}-", instance.id);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        let dir = match &options.scratch_dir {
            Some(scratch) => builder
                .tempdir_in(scratch)
                .context(|| format!("creating a private tree in the scratch folder {} (--scratch-dir)", scratch.display()))?,
            None => builder.tempdir().context(|| "creating a private tree".into())?,
        };
        let root = dir.path().join("repo");
        instance.private_tree(&root)?;
        Ok(Tree { _dir: dir, root })
    }
}

impl Evaluator {
    /// An evaluator whose runtimes and caches live in `home`.
    ///
    /// Errors: those of [`Sandbox::new`].
    pub fn new(home: Home) -> Result<Self> {
        Ok(Evaluator::from_sandbox(Sandbox::new(home)?))
    }

    /// An evaluator over an existing sandbox.
    pub fn from_sandbox(sandbox: Sandbox) -> Self {
        Evaluator::with_runner(SandboxRunner::new(sandbox))
    }

    /// An evaluator over any runner (a [`crate::runner::ScriptedRunner`] in tests).
    pub fn with_runner(runner: impl TestRunner + 'static) -> Self {
        Evaluator { runner: Box::new(runner) }
    }

    /// The sandbox the evaluations run in, if the runner has one.
    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.runner.sandbox()
    }

    /// The fingerprint an evaluation of `patch` on `instance` would carry.
    ///
    /// Errors: those of provisioning the runtime and the trees the fingerprint hashes (see
    /// [`Fingerprint::of`]).
    pub fn fingerprint(&self, instance: &Instance, patch: &str, options: &EvalOptions) -> Result<Fingerprint> {
        self.runner.fingerprint(instance, patch, options.seed)
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
            discarded_edits: Vec::new(),
            violations: Vec::new(),
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
            report.status = match e {
                Error::Nondeterministic { .. } => InstanceStatus::Nondeterministic,
                _ => InstanceStatus::Error,
            };
            report.applied = false;
            report.correct = false;
            report.performance = 0.0;
            report.detail = Some(e.to_string());
        }
        report
    }

    fn evaluate_into(&self, instance: &Instance, patch: &str, options: &EvalOptions, report: &mut InstanceReport) -> Result<()> {
        let fingerprint = self.fingerprint(instance, patch, options)?;
        report.fingerprint = Some(fingerprint.clone());

        // Apply first: a patch that does not apply needs no measurement at all.
        let patched_tree = Tree::copy_of(instance, options)?;
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
        report.discarded_edits = integrity::restore_tests(instance, &patched_tree.root, patch)?;
        if integrity::only_tests(patch, &report.discarded_edits) {
            report.status = InstanceStatus::TestsOnly;
            report.detail = Some(format!(
                "the patch only edits the instance's tests and test configuration, which are restored before measuring ({} edit(s) discarded)",
                report.discarded_edits.len()
            ));
            return Ok(());
        }
        let touches = integrity::runner_touches(instance, patch);
        if !touches.is_empty() {
            tampered(report, touches);
            return Ok(());
        }

        let (base, patched_early) = self.sides(instance, &patched_tree.root, options, &fingerprint)?;
        if !record_base(instance, &base, report) {
            report.base = Some(base);
            return Ok(());
        }
        let patched = match patched_early {
            Some(side) => side?,
            None => self.measure_side(instance, &patched_tree.root, options, false, false)?,
        };
        let (base, patched) = self.start_alike(instance, patch, options, base, patched)?;
        if !record_base(instance, &base, report) {
            report.base = Some(base);
            return Ok(());
        }
        for (t, nodeid) in report.efficiency_tests.iter_mut().zip(&instance.efficiency_tests) {
            t.patched_fuel = patched.session.result(nodeid).call_fuel;
        }
        let mut violations = patched.session.violations.clone();
        if patched.session.status.success() {
            violations.extend(integrity::check_accounting(&base.session, &patched.session));
        }
        let lost = integrity::lost_passes(&base.session, &patched.session);
        report.base = Some(base);
        if !violations.is_empty() {
            report.patched = Some(patched);
            tampered(report, violations);
            return Ok(());
        }
        let all_measured = report.efficiency_tests.iter().all(|t| t.patched_fuel.is_some());
        report.correct = patched.passed && lost.is_empty() && all_measured;
        if report.correct {
            for t in &mut report.efficiency_tests {
                t.gain = gain(t.base_fuel.unwrap_or(0), t.patched_fuel.unwrap_or(0));
            }
            report.performance = performance(&report.efficiency_tests);
            report.status = InstanceStatus::Correct;
            if report.apply_method == Some(ApplyMethod::Fuzzy) {
                report.detail = Some("applied with the fuzzy fallback".into());
            }
        } else {
            report.status = InstanceStatus::Incorrect;
            let why = match (&patched.failure, lost.first()) {
                (Some(f), _) => f.clone(),
                (None, Some((id, now))) => format!("{id} passed on the base but is {} on the patched tree", now.word()),
                (None, None) => "an efficiency test reported no call phase".into(),
            };
            report.detail = Some(format!("the patched repository fails: {why}"));
        }
        report.patched = Some(patched);
        Ok(())
    }

    /// The base side, from the cache when it holds a measurement with this fingerprint (minus
    /// the patch), else measured on a fresh copy and cached. A base that has to be measured is
    /// measured at the same time as the patched tree (returned too, as it may have failed): fuel
    /// does not depend on what else the machine runs, so the sides need not take turns, and one
    /// evaluation's wall time is about its longer side rather than the sum of both. The base
    /// tree is compiled first, so that the patched tree's compile step finds every file the patch
    /// left alone in the bytecode cache. The patched session is wasted when the base turns out
    /// invalid, which only a broken record does.
    fn sides(&self, instance: &Instance, patched: &Path, options: &EvalOptions, fingerprint: &Fingerprint) -> Result<(SideReport, Option<Result<SideReport>>)> {
        let path = self.runner.base_cache(&fingerprint.base_key())?;
        if options.base_cache
            && let Some(path) = &path
            && let Ok(bytes) = std::fs::read(path)
            && let Ok(mut side) = serde_json::from_slice::<SideReport>(&bytes)
        {
            side.cached = true;
            return Ok((side, None));
        }
        let tree = Tree::copy_of(instance, options)?;
        // With the bytecode cache off (`--force`, verify) each side compiles its own tree.
        let prepared = options.bytecode_cache;
        if prepared {
            let node_ids = measure::session_args(&instance.efficiency_tests, &instance.correctness_tests);
            self.runner.prepare(&self.request(instance, &tree.root, options, &node_ids, false, false))?;
        }
        let (base, patched) = std::thread::scope(|scope| {
            let patched = scope.spawn(|| self.measure_side(instance, patched, options, false, false));
            let base = self.measure_side(instance, &tree.root, options, prepared, false);
            (base, patched.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let base = base?;
        if let Some(path) = &path {
            crate::runtime::write_atomic(path, &serde_json::to_vec(&base).expect("side reports serialise"))?;
        }
        Ok((base, Some(patched)))
    }

    /// The two sides compared must start alike. A runtime with a snapshot starts a session from
    /// it unless the session's import path provides a module the snapshot has already imported,
    /// so a patch that adds such a module (or removes the base's) would compare a side that
    /// started from the snapshot with one that did not: the side that did is measured again on
    /// the plain interpreter. (Its gain would otherwise rest on how the interpreter started, and
    /// the start-up left out of one side would count as unaccounted growth on the other.) Such
    /// a base is not cached: the cache holds the base as every other prediction measures it.
    /// Each side is measured again on a fresh tree, as a session may write data files into its
    /// tree.
    fn start_alike(&self, instance: &Instance, patch: &str, options: &EvalOptions, base: SideReport, patched: SideReport) -> Result<(SideReport, SideReport)> {
        match (base.session.from_snapshot, patched.session.from_snapshot) {
            (true, false) => {
                let tree = Tree::copy_of(instance, options)?;
                Ok((self.measure_side(instance, &tree.root, options, false, true)?, patched))
            }
            (false, true) => {
                // Applied before, so it applies again, the same way.
                let tree = Tree::copy_of(instance, options)?;
                patch::apply(&tree.root, patch).map_err(|e| Error::Other(format!("the patch applied once but not on a second copy of the tree: {e}")))?;
                integrity::restore_tests(instance, &tree.root, patch)?;
                Ok((base, self.measure_side(instance, &tree.root, options, false, true)?))
            }
            _ => Ok((base, patched)),
        }
    }

    fn request<'a>(&self, instance: &'a Instance, tree: &'a Path, options: &EvalOptions, node_ids: &'a [String], prepared: bool, plain: bool) -> SideRequest<'a> {
        SideRequest {
            instance,
            tree,
            node_ids,
            seed: options.seed,
            reuse_bytecode: options.bytecode_cache,
            prepared,
            plain,
        }
    }

    /// One session on `tree` (`prepared`: already compiled by the runner's `prepare`; `plain`:
    /// not from the runtime's snapshot): the efficiency tests, then the correctness tests;
    /// `repeat` times when asked, failing loudly if any fuel count differs.
    fn measure_side(&self, instance: &Instance, tree: &Path, options: &EvalOptions, prepared: bool, plain: bool) -> Result<SideReport> {
        let node_ids = measure::session_args(&instance.efficiency_tests, &instance.correctness_tests);
        let request = self.request(instance, tree, options, &node_ids, prepared, plain);
        let first = self.runner.measure(&request)?;
        for attempt in 2..=options.repeat.max(1) {
            let again = self.runner.measure(&request)?;
            if again.fuel != first.fuel || again.tests != first.tests {
                return Err(Error::Nondeterministic {
                    instance: instance.id.clone(),
                    detail: format!(
                        "run {attempt} used {} fuel, run 1 used {} (per-test results {})",
                        again.fuel,
                        first.fuel,
                        if again.tests == first.tests { "equal" } else { "differ" }
                    ),
                });
            }
        }
        Ok(side_report(first))
    }
}

/// Records the efficiency tests' fuel of `base` in `report`; when the unpatched repository fails
/// its own tests, also marks the instance invalid and returns false.
fn record_base(instance: &Instance, base: &SideReport, report: &mut InstanceReport) -> bool {
    for (t, nodeid) in report.efficiency_tests.iter_mut().zip(&instance.efficiency_tests) {
        t.base_fuel = base.session.result(nodeid).call_fuel;
    }
    let ok = base.passed && base.session.violations.is_empty() && report.efficiency_tests.iter().all(|t| t.base_fuel.is_some());
    if !ok {
        let why = match base.session.violations.first() {
            Some(v) => v.to_string(),
            None => base.failure.clone().unwrap_or_else(|| "an efficiency test reported no call phase".into()),
        };
        report.status = InstanceStatus::Invalid;
        report.detail = Some(format!("the unpatched repository fails its tests: {why}"));
    }
    ok
}

fn side_report(session: TestRun) -> SideReport {
    let failure = session.failure_summary();
    SideReport {
        passed: failure.is_none(),
        failure,
        session,
        cached: false,
    }
}

fn tampered(report: &mut InstanceReport, violations: Vec<measure::Violation>) {
    report.status = InstanceStatus::Tampered;
    report.correct = false;
    report.performance = 0.0;
    for t in &mut report.efficiency_tests {
        t.gain = 0.0;
    }
    let more = if violations.len() > 1 { format!(" (and {} more)", violations.len() - 1) } else { String::new() };
    report.detail = Some(format!("tampered: {}{more}", violations[0]));
    report.violations = violations;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gain_is_relative_and_never_negative() {
        assert_eq!(gain(100, 25), 0.75);
        assert_eq!(gain(100, 150), 0.0);
        assert_eq!(gain(0, 10), 0.0);
    }

    #[test]
    fn performance_is_the_mean_gain_and_zero_when_a_test_is_missing() {
        let t = |b: Option<u64>, p: Option<u64>| EfficiencyTest {
            nodeid: "t".into(),
            base_fuel: b,
            patched_fuel: p,
            gain: 0.0,
        };
        assert_eq!(performance(&[t(Some(100), Some(50)), t(Some(100), Some(100))]), 0.25);
        assert_eq!(performance(&[t(Some(100), Some(50)), t(Some(100), None)]), 0.0);
        assert_eq!(performance(&[]), 0.0);
    }
}
