//! Result types: the per-instance report, the run summary, and the fingerprint of everything
//! that can move a fuel count.
//!
//! One set of serialisable types feeds every output (JSON files, the library's return values,
//! and the tables of [`crate::export`]). The format is documented in `docs/report-format.md` and versioned by
//! [`REPORT_FORMAT_VERSION`]. This module must not run anything.

use serde::{Deserialize, Serialize};

use std::path::Path;

use crate::digest::{named_files_sha256, sha256_hex};
use crate::instance::Instance;
use crate::integrity::DiscardedEdit;
use crate::measure::{self, TestRun, Violation};
use crate::patch::ApplyMethod;
use crate::runtime::{self, Home, RuntimeManifest, WheelRef};
use crate::sandbox::{self, EngineSettings, Limits, Sandbox};

/// Bumped whenever a field changes meaning or disappears. Version 2: one session per side,
/// integrity checks (`tampered`, `tests_only`, discarded edits, violations), the fingerprint of
/// what the guest gets, scores over all instances.
pub const REPORT_FORMAT_VERSION: u32 = 2;

/// Everything that can move a fuel count. Two evaluations with equal fingerprints give equal
/// fuel; `verify` compares these field by field before it runs anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fingerprint {
    /// The version of sweperf that measured.
    pub sweperf_version: String,
    /// SHA-256 over the host-side sources that can move fuel (see [`sandbox::FUEL_SOURCES`]).
    pub sweperf_build_sha256: String,
    /// Engine settings that can move fuel.
    pub engine: EngineSettings,
    /// The runtime's files.
    pub runtime: RuntimeFingerprint,
    /// `name==version sha256` of each toolchain wheel (pytest and its dependencies).
    pub toolchain: Vec<String>,
    /// Content hash of the toolchain tree the guest mounts: the unpacked wheels and the
    /// bytecode the runtime compiled for them.
    pub toolchain_tree_sha256: String,
    /// SHA-256 over sweperf's guest-side files (start-up, pytest plugin, missing-module hints).
    pub guest_code_sha256: String,
    /// The instance's content hash (see [`Instance::content_hash`]).
    pub instance_sha256: String,
    /// SHA-256 of the patch evaluated.
    pub patch_sha256: String,
    /// The pinned wheels on the guest's path.
    pub requirements: Vec<WheelRef>,
    /// Content hash of the unpacked requirements tree, when there are requirements.
    pub requirements_tree_sha256: Option<String>,
    /// The environment (a runtime, or a runtime with layers and requirements).
    pub environment: String,
    /// (name, SHA-256) of each compatibility layer on the guest's path.
    pub layers: Vec<(String, String)>,
    /// The argv and environment variables of a measuring session, as the guest gets them.
    pub session: SessionFingerprint,
    /// Limits of every sandbox run.
    pub limits: Limits,
    /// Seed of the guests' random sources.
    pub seed: u64,
}

/// What a measuring session's guest is started with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFingerprint {
    /// The guest's argv, interpreter name first.
    pub argv: Vec<String>,
    /// Every environment variable the guest gets.
    pub env: Vec<(String, String)>,
}

/// A runtime's identity: its package and the SHA-256 of every file it mounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeFingerprint {
    /// The runtime's name.
    pub name: String,
    /// `name==version` of its package (or of the committed build).
    pub package: String,
    /// SHA-256 of the wheel (or of a committed runtime's recipe).
    pub wheel_sha256: String,
    /// SHA-256 of the wasm module.
    pub module_sha256: String,
    /// (guest path, SHA-256) of each file the runtime mounts.
    pub files: Vec<(String, String)>,
    /// SHA-256 of the pre-initialised module a snapshot runtime's runs start from (pinned in
    /// its manifest); absent for other runtimes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_sha256: Option<String>,
}

impl RuntimeFingerprint {
    /// The fingerprint of runtime manifest `m`.
    pub fn of(m: &RuntimeManifest) -> Self {
        RuntimeFingerprint {
            name: m.name.clone(),
            package: format!("{}=={}", m.package.name, m.package.version),
            wheel_sha256: m.package.sha256.clone(),
            module_sha256: m.module.sha256.clone(),
            files: m.mounts.iter().map(|f| (f.guest.clone(), f.sha256.clone())).collect(),
            snapshot_sha256: m.snapshot.as_ref().map(|s| s.snapshot_sha256.clone()),
        }
    }
}

impl Fingerprint {
    /// The fingerprint of evaluating `patch` on `instance` with `seed`, provisioning (in the
    /// sandbox's home) the runtime and the trees it hashes.
    ///
    /// Errors: those of provisioning the runtime, the toolchain and the requirements, of reading
    /// the instance, or an unknown layer.
    pub fn of(sandbox: &Sandbox, instance: &Instance, patch: &str, seed: u64) -> crate::Result<Fingerprint> {
        let home = sandbox.home();
        let loaded = sandbox.runtime(&instance.runtime, &|_| {})?;
        let manifest = loaded.provisioned.manifest.clone();
        let toolchain = runtime::toolchain()?;
        let requirements_tree_sha256 = if instance.requirements.is_empty() {
            None
        } else {
            Some(home.site_tree_hash(&runtime::Toolchain { wheels: instance.requirements.clone() })?)
        };
        let node_ids = measure::session_args(&instance.efficiency_tests, &instance.correctness_tests);
        let plan = measure::TestPlan {
            tree: Path::new("/"),
            node_ids: &node_ids,
            measured: &instance.efficiency_tests,
            python_path: &instance.python_path,
            requirements: requirements_tree_sha256.as_ref().map(|_| Path::new("/")),
            layers: &instance.layers,
            limits: &instance.limits,
            seed,
            plain: false,
        };
        let request = plan.request()?;
        let (argv, env) = sandbox::guest_command(&manifest, &request);
        let guest_files = sandbox::guest_files(&request);
        let guest_files: Vec<(&str, &str)> = guest_files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        Ok(Fingerprint {
            sweperf_version: crate::VERSION.to_string(),
            sweperf_build_sha256: build_sha256(sandbox::FUEL_SOURCES),
            engine: EngineSettings::current(),
            runtime: RuntimeFingerprint::of(&manifest),
            toolchain: toolchain.wheels.iter().map(|w| format!("{}=={} {}", w.name, w.version, w.sha256)).collect(),
            toolchain_tree_sha256: Home::tree_marker(&loaded.provisioned.site)?,
            guest_code_sha256: guest_code_sha256(&guest_files),
            instance_sha256: instance.content_hash()?,
            patch_sha256: sha256_hex(patch.as_bytes()),
            requirements: instance.requirements.clone(),
            requirements_tree_sha256,
            environment: instance.environment.clone(),
            layers: instance
                .layers
                .iter()
                .filter_map(|l| crate::environment::layer(l))
                .map(|l| (l.name.to_string(), l.sha256()))
                .collect(),
            session: SessionFingerprint { argv, env },
            limits: instance.limits.clone(),
            seed,
        })
    }

    /// A fingerprint for a [`crate::runner::ScriptedRunner`]: no sandbox, so only the
    /// instance, the patch, the limits and the seed are real; every other field says `scripted`.
    ///
    /// Errors: [`Error::Io`](crate::Error::Io) when the instance's files cannot be read for its
    /// content hash.
    pub fn scripted(instance: &Instance, patch: &str, seed: u64) -> crate::Result<Fingerprint> {
        let s = || "scripted".to_string();
        Ok(Fingerprint {
            sweperf_version: crate::VERSION.to_string(),
            sweperf_build_sha256: s(),
            engine: EngineSettings::current(),
            runtime: RuntimeFingerprint {
                name: instance.runtime.clone(),
                package: s(),
                wheel_sha256: s(),
                module_sha256: s(),
                files: vec![],
                snapshot_sha256: None,
            },
            toolchain: vec![],
            toolchain_tree_sha256: s(),
            guest_code_sha256: s(),
            instance_sha256: instance.content_hash()?,
            patch_sha256: sha256_hex(patch.as_bytes()),
            requirements: instance.requirements.clone(),
            requirements_tree_sha256: None,
            environment: instance.environment.clone(),
            layers: vec![],
            session: SessionFingerprint { argv: vec![], env: vec![] },
            limits: instance.limits.clone(),
            seed,
        })
    }

    /// A key for everything but the patch: equal keys give equal base measurements.
    pub fn base_key(&self) -> String {
        let mut f = self.clone();
        f.patch_sha256 = String::new();
        sha256_hex(&serde_json::to_vec(&f).expect("fingerprints serialise"))
    }
}

/// SHA-256 over the guest-side files (normally [`sandbox::guest_files`]), by name and content.
pub fn guest_code_sha256(files: &[(&str, &str)]) -> String {
    named_files_sha256(files)
}

/// SHA-256 over the host-side sources that can move fuel (normally [`sandbox::FUEL_SOURCES`]).
pub fn build_sha256(files: &[(&str, &str)]) -> String {
    named_files_sha256(files)
}

/// Lists the fields in which `found` differs from `expected`, as `path: expected -> found`.
pub fn fingerprint_differences(expected: &Fingerprint, found: &Fingerprint) -> Vec<String> {
    let a = serde_json::to_value(expected).expect("serialisable");
    let b = serde_json::to_value(found).expect("serialisable");
    let mut out = Vec::new();
    diff_values("", &a, &b, &mut out);
    out
}

fn diff_values(path: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                diff_values(&p, x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                diff_values(&format!("{path}[{i}]"), u, v, out);
            }
        }
        _ if a != b => out.push(format!("{path}: {a} -> {b}")),
        _ => {}
    }
}

/// How an instance's evaluation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceStatus {
    /// Applied, every test passed; performance is the mean gain.
    Correct,
    /// Applied, but a test failed, a test that passed on the base did not pass (skipped,
    /// xfailed, deselected, missing), or the patched run crashed, looped or ran out of fuel.
    Incorrect,
    /// The patched session changed, forged or hid part of its own measurement (see the report's
    /// `violations`): score 0.
    Tampered,
    /// The patch only edits the instance's tests and test configuration, which are restored
    /// before measuring: nothing is left to measure, score 0.
    TestsOnly,
    /// The patch is empty, malformed, touches paths outside the repository, or does not apply.
    NotApplied,
    /// No prediction for this instance.
    Missing,
    /// The unpatched repository fails its own tests: not the prediction's fault, not scored.
    Invalid,
    /// sweperf could not evaluate (e.g. a runtime could not be provisioned).
    Error,
    /// Repeated measurements of the same side differed (`--repeat`): a determinism failure of
    /// sweperf or of the instance, never the prediction's fault. Counted with the errors.
    Nondeterministic,
    /// The repository needs what the sandbox cannot provide (e.g. compiled extensions): not
    /// the prediction's fault, not scored.
    Unsupported,
}

impl InstanceStatus {
    /// The word used in tables.
    pub fn word(self) -> &'static str {
        match self {
            InstanceStatus::Correct => "correct",
            InstanceStatus::Incorrect => "incorrect",
            InstanceStatus::Tampered => "tampered",
            InstanceStatus::TestsOnly => "tests only",
            InstanceStatus::NotApplied => "not applied",
            InstanceStatus::Missing => "missing",
            InstanceStatus::Invalid => "invalid",
            InstanceStatus::Error => "error",
            InstanceStatus::Nondeterministic => "nondeterministic",
            InstanceStatus::Unsupported => "unsupported",
        }
    }

    /// Whether the instance counts in the scores over valid instances.
    pub fn is_valid(self) -> bool {
        !matches!(self, InstanceStatus::Invalid | InstanceStatus::Unsupported)
    }
}

/// One efficiency test's cost before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EfficiencyTest {
    /// The test's pytest node id.
    pub nodeid: String,
    /// Call-phase fuel on the base, if measured.
    pub base_fuel: Option<u64>,
    /// Call-phase fuel with the patch, if measured.
    pub patched_fuel: Option<u64>,
    /// max(0, 1 - patched / base) when the prediction is correct, else 0. Derived from the two
    /// fuel counts, which are the source of truth.
    pub gain: f64,
}

/// The base or patched side: one pytest session, efficiency tests first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideReport {
    /// The session as measured.
    pub session: TestRun,
    /// Whether the session passed ([`TestRun::all_passed`]); when not, `failure` says why.
    pub passed: bool,
    /// Why it did not pass, in a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The measurement came from the base cache (an earlier, identical measurement).
    #[serde(default)]
    pub cached: bool,
}

/// Everything about one instance's evaluation: written as `report.json` in its folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceReport {
    /// [`REPORT_FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// The instance evaluated.
    pub instance_id: String,
    /// The model whose prediction it is.
    pub model: String,
    /// How the evaluation ended.
    pub status: InstanceStatus,
    /// Whether the patch applied.
    pub applied: bool,
    /// How it applied (exactly or fuzzily), when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_method: Option<ApplyMethod>,
    /// Whether the status is `correct`: applied, every test passed, every test that passed on
    /// the base still passes, every efficiency test was measured, and nothing was tampered with.
    pub correct: bool,
    /// The mean gain over the efficiency tests when correct, else 0.
    pub performance: f64,
    /// The efficiency tests' fuel and gains, in the instance's order.
    pub efficiency_tests: Vec<EfficiencyTest>,
    /// Why the status is what it is, in a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The patch's edits to tests and test configuration, discarded before measuring.
    #[serde(default)]
    pub discarded_edits: Vec<DiscardedEdit>,
    /// Why the prediction is `tampered`: every check that failed.
    #[serde(default)]
    pub violations: Vec<Violation>,
    /// The base side, if it was measured.
    pub base: Option<SideReport>,
    /// The patched side, if it was measured.
    pub patched: Option<SideReport>,
    /// Everything that can move the fuel counts (none when evaluation stopped before).
    pub fingerprint: Option<Fingerprint>,
    /// The patch evaluated, verbatim: a report carries what `verify` needs to re-run it.
    pub patch: Option<String>,
    /// The instance folder evaluated, absolute.
    pub instance_dir: String,
}

impl InstanceReport {
    /// Total fuel of the efficiency tests' call phases on each side.
    pub fn total_fuel(&self) -> (Option<u64>, Option<u64>) {
        let sum = |f: fn(&EfficiencyTest) -> Option<u64>| self.efficiency_tests.iter().map(f).sum::<Option<u64>>();
        (sum(|t| t.base_fuel), sum(|t| t.patched_fuel))
    }

    /// The summary line of this report.
    pub fn summary(&self) -> InstanceSummary {
        InstanceSummary {
            instance_id: self.instance_id.clone(),
            status: self.status,
            applied: self.applied,
            correct: self.correct,
            performance: self.performance,
            efficiency_tests: self.efficiency_tests.clone(),
            detail: self.detail.clone(),
            discarded_edits: self.discarded_edits.clone(),
            violations: self.violations.clone(),
            fingerprint: self.fingerprint.clone(),
            patch: self.patch.clone(),
        }
    }
}

/// How many instances ended how.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Instances in the evaluation (the dataset).
    pub total: usize,
    /// Instances whose base passes and that the sandbox supports: the denominator of the
    /// scores over valid instances.
    pub valid: usize,
    /// Instances with a prediction.
    pub submitted: usize,
    /// Valid instances whose patch applied.
    pub applied: usize,
    /// Valid instances whose patch is correct.
    pub correct: usize,
    /// Instances whose prediction is `tampered`.
    #[serde(default)]
    pub tampered: usize,
    /// Instances whose base fails its own tests.
    pub invalid: usize,
    /// Instances the sandbox cannot run.
    #[serde(default)]
    pub unsupported: usize,
    /// Instances sweperf could not evaluate, or whose measurements were not deterministic.
    pub errors: usize,
}

/// One line of the summary per instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceSummary {
    /// The instance.
    pub instance_id: String,
    /// How its evaluation ended.
    pub status: InstanceStatus,
    /// Whether the patch applied.
    pub applied: bool,
    /// Whether the patch is correct.
    pub correct: bool,
    /// The instance's performance (mean gain, 0 unless correct).
    pub performance: f64,
    /// The efficiency tests' fuel and gains.
    pub efficiency_tests: Vec<EfficiencyTest>,
    /// Why the status is what it is, in a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The patch's discarded edits to tests and test configuration.
    #[serde(default)]
    pub discarded_edits: Vec<DiscardedEdit>,
    /// Why the prediction is `tampered`, if it is.
    #[serde(default)]
    pub violations: Vec<Violation>,
    /// The evaluation's fingerprint.
    pub fingerprint: Option<Fingerprint>,
    /// The patch evaluated, verbatim, so the summary alone can be verified.
    pub patch: Option<String>,
}

/// Where a run's inputs came from, so `verify` can find them again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSources {
    /// The instances folder, absolute.
    pub instances_dir: String,
    /// `gold`, or the predictions file, absolute.
    pub predictions: String,
}

/// SWE-Perf's three metrics over some set of instances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Fraction of instances whose patch applied.
    pub apply: f64,
    /// Fraction of instances whose patch is correct.
    pub correctness: f64,
    /// Sum of the instances' performance over their number.
    pub performance: f64,
}

/// The run summary, written as `<model>.<run_id>.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// [`REPORT_FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// The run's id.
    pub run_id: String,
    /// The model evaluated.
    pub model: String,
    /// Where the instances and predictions came from.
    pub sources: RunSources,
    /// Fractions of the valid instances.
    pub apply: f64,
    /// Fraction of the valid instances whose patch is correct.
    pub correctness: f64,
    /// Sum of the valid instances' performance over their number.
    pub performance: f64,
    /// SWE-Perf's way: fractions of every instance of the dataset, one that could not be
    /// evaluated (invalid, unsupported, error) counting 0.
    pub over_all: Scores,
    /// How many instances ended how.
    pub counts: Counts,
    /// One line per instance of the dataset, missing ones included.
    pub instances: Vec<InstanceSummary>,
}

impl Summary {
    /// The SWE-Perf metrics over `reports` (one per instance of the dataset, missing included).
    pub fn from_reports(run_id: &str, model: &str, sources: RunSources, reports: &[InstanceReport]) -> Summary {
        let mut counts = Counts {
            total: reports.len(),
            ..Counts::default()
        };
        let mut perf_sum = 0.0;
        for r in reports {
            match r.status {
                InstanceStatus::Invalid => counts.invalid += 1,
                InstanceStatus::Unsupported => counts.unsupported += 1,
                InstanceStatus::Error | InstanceStatus::Nondeterministic => counts.errors += 1,
                InstanceStatus::Tampered => counts.tampered += 1,
                _ => {}
            }
            if r.status != InstanceStatus::Missing {
                counts.submitted += 1;
            }
            if r.status.is_valid() {
                counts.applied += usize::from(r.applied);
                counts.correct += usize::from(r.correct);
                perf_sum += r.performance;
            }
        }
        counts.valid = counts.total - counts.invalid - counts.unsupported;
        let over = |n: usize| {
            let frac = |x: f64| if n == 0 { 0.0 } else { x / n as f64 };
            Scores {
                apply: frac(counts.applied as f64),
                correctness: frac(counts.correct as f64),
                performance: frac(perf_sum),
            }
        };
        let valid = over(counts.valid);
        Summary {
            format_version: REPORT_FORMAT_VERSION,
            run_id: run_id.to_string(),
            model: model.to_string(),
            sources,
            apply: valid.apply,
            correctness: valid.correctness,
            performance: valid.performance,
            over_all: over(counts.total),
            counts,
            instances: reports.iter().map(InstanceReport::summary).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Exporter;

    fn report(id: &str, status: InstanceStatus, applied: bool, correct: bool, performance: f64) -> InstanceReport {
        InstanceReport {
            format_version: REPORT_FORMAT_VERSION,
            instance_id: id.into(),
            model: "m".into(),
            status,
            applied,
            apply_method: None,
            correct,
            performance,
            efficiency_tests: vec![],
            detail: None,
            discarded_edits: vec![],
            violations: vec![],
            base: None,
            patched: None,
            fingerprint: None,
            patch: None,
            instance_dir: "i".into(),
        }
    }

    #[test]
    fn metrics_follow_swe_perf_and_skip_invalid_instances() {
        let reports = [
            report("a", InstanceStatus::Correct, true, true, 0.5),
            report("b", InstanceStatus::Incorrect, true, false, 0.0),
            report("c", InstanceStatus::Missing, false, false, 0.0),
            report("d", InstanceStatus::Invalid, true, false, 0.0),
            report("e", InstanceStatus::Correct, true, true, 0.1),
        ];
        let s = Summary::from_reports("r", "m", RunSources { instances_dir: "i".into(), predictions: "p".into() }, &reports);
        assert_eq!(s.counts.valid, 4);
        assert_eq!(s.counts.submitted, 4);
        assert!((s.apply - 0.75).abs() < 1e-12);
        assert!((s.correctness - 0.5).abs() < 1e-12);
        assert!((s.performance - 0.15).abs() < 1e-12);
        assert!((s.over_all.apply - 0.6).abs() < 1e-12 && (s.over_all.performance - 0.12).abs() < 1e-12);
        let table = crate::export::Table.export(&s);
        assert!(table.contains("5 instance(s): 4 valid, 1 invalid, 0 unsupported, 0 error(s)"), "{table}");
        assert!(table.contains("over valid instances: Apply 75.00% (3/4)"), "{table}");
        assert!(table.contains("over all instances (SWE-Perf): Apply 60.00% (3/5)"), "{table}");
        assert!(crate::export::Markdown.export(&s).starts_with("| instance |"));
    }

    #[test]
    fn a_changed_shim_or_guest_file_changes_its_fingerprint_field() {
        let shims = sandbox::FUEL_SOURCES;
        let mut edited: Vec<(&str, String)> = shims.iter().map(|(n, t)| (*n, t.to_string())).collect();
        let at = edited.iter().position(|(n, _)| *n == "src/sandbox/shims.rs").expect("the shims are covered");
        edited[at].1.push_str("\n// one more line\n");
        let edited: Vec<(&str, &str)> = edited.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert_ne!(build_sha256(shims), build_sha256(&edited));
        let guest = sandbox::GUEST_FILES;
        let mut g: Vec<(&str, String)> = guest.iter().map(|(n, t)| (*n, t.to_string())).collect();
        g[0].1.push(' ');
        let g: Vec<(&str, &str)> = g.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert_ne!(guest_code_sha256(guest), guest_code_sha256(&g));
        for covered in ["src/sandbox/mod.rs", "src/sandbox/shims.rs", "src/sandbox/quota.rs", "src/sandbox/bytecode.rs", "src/measure.rs", "Cargo.lock"] {
            assert!(shims.iter().any(|(n, _)| *n == covered), "{covered} can move fuel and must be fingerprinted");
        }
    }

    #[test]
    fn fingerprint_differences_are_named_by_path() {
        let a = serde_json::json!({"runtime": {"module_sha256": "aa", "name": "x"}, "seed": 0});
        let b = serde_json::json!({"runtime": {"module_sha256": "bb", "name": "x"}, "seed": 0});
        let mut out = Vec::new();
        diff_values("", &a, &b, &mut out);
        assert_eq!(out, ["runtime.module_sha256: \"aa\" -> \"bb\""]);
    }
}
