//! Verifying a published report: recompute every fingerprint and name each field that differs
//! before anything runs; then re-run every evaluation (measuring afresh, never from the base
//! cache) and compare each outcome and fuel count exactly. Derived figures (gains, performance)
//! are never compared as printed: they are recomputed from the fuel counts, both for the claim
//! (a claim whose figures do not follow from its own counts is a difference) and for the re-run.
//!
//! A report (a summary or one instance's `report.json`) embeds the patches it evaluated and
//! names the instances folder it used, so it verifies with no other input on the machine that
//! wrote it; an auditor may point at their own copies instead. This module must not write
//! anything but the base cache: a verification leaves no other trace than its result.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::evaluate::{self, EvalOptions, Evaluator};
use crate::instance::Instance;
use crate::predictions::{self, GOLD};
use crate::report::{InstanceReport, InstanceStatus, InstanceSummary, REPORT_FORMAT_VERSION, Summary, fingerprint_differences};
use crate::run::parallel_map;

/// What one instance's report claims.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The model the report is for.
    pub model: String,
    /// The instance folder the report names.
    pub instance_dir: PathBuf,
    /// What the report says about the instance.
    pub summary: InstanceSummary,
}

/// Reads a summary or an instance report and lists its claims.
///
/// Errors: [`Error::BadInput`] for a file that cannot be read, is not JSON, has another format
/// version, or is neither a summary nor a report.
pub fn read_claims(path: &Path) -> Result<Vec<Claim>> {
    let bad = |message: String| Error::BadInput {
        file: path.display().to_string(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| bad(format!("not JSON: {e}")))?;
    let version = value.get("format_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(REPORT_FORMAT_VERSION)) {
        return Err(bad(format!(
            "report format version {}; this sweperf reads version {REPORT_FORMAT_VERSION} (see docs/report-format.md); verify it with the sweperf that wrote it",
            version.map_or("missing".to_string(), |v| v.to_string())
        )));
    }
    if value.get("counts").is_some() {
        let s: Summary = serde_json::from_value(value).map_err(|e| bad(format!("not a sweperf summary: {e}")))?;
        let dir = PathBuf::from(&s.sources.instances_dir);
        Ok(s.instances
            .into_iter()
            .map(|i| Claim {
                instance_dir: dir.join(&i.instance_id),
                model: s.model.clone(),
                summary: i,
            })
            .collect())
    } else {
        let r: InstanceReport = serde_json::from_value(value).map_err(|e| bad(format!("not a sweperf report: {e}")))?;
        Ok(vec![Claim {
            instance_dir: PathBuf::from(&r.instance_dir),
            model: r.model.clone(),
            summary: r.summary(),
        }])
    }
}

/// An auditor's own copies of the inputs, and where the re-run makes its private trees.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Instances folder to use instead of the one the report names.
    pub instances_dir: Option<PathBuf>,
    /// A predictions file, or `gold`.
    pub predictions: Option<String>,
    /// Where the private trees are made (see [`EvalOptions::scratch_dir`]; fuel does not depend
    /// on it).
    pub scratch_dir: Option<PathBuf>,
}

/// One field that differs: what the report says and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The instance.
    pub instance_id: String,
    /// A fingerprint path (`runtime.module_sha256`), a result field (`status`), or a test's
    /// field (`tests/test_x.py::t base_fuel`).
    pub field: String,
    /// What the report says.
    pub expected: String,
    /// What was found.
    pub found: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {} -> {}", self.instance_id, self.field, self.expected, self.found)
    }
}

/// What was checked for one instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// The instance.
    pub instance_id: String,
    /// The status the re-run found.
    pub status: InstanceStatus,
    /// Fuel counts compared (base and patched, per efficiency test).
    pub fuel_counts: usize,
}

/// The outcome of a verification.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verification {
    /// Instances in the report.
    pub instances: usize,
    /// Fingerprint fields that differ; any of these stops the verification before it runs.
    pub fingerprint_differences: Vec<Difference>,
    /// Claims whose derived figures do not follow from their own fuel counts, and fields in
    /// which the re-run differs.
    pub result_differences: Vec<Difference>,
    /// Whether the evaluations were re-run.
    pub reran: bool,
    /// What was compared, per instance (empty when nothing ran).
    pub checked: Vec<Checked>,
}

impl Verification {
    /// True only when everything was re-run and nothing differs.
    pub fn passed(&self) -> bool {
        self.reran && self.fingerprint_differences.is_empty() && self.result_differences.is_empty()
    }
}

struct Prepared {
    claim: Claim,
    instance: Instance,
    patch: Option<String>,
    seed: u64,
}

fn show(v: Option<u64>) -> String {
    v.map_or("none".to_string(), |v| v.to_string())
}

/// Derived figures that do not follow from the claim's own fuel counts.
fn inconsistencies(c: &InstanceSummary, out: &mut Vec<Difference>) {
    let mut push = |field: String, expected: f64, claimed: f64| {
        if expected.to_bits() != claimed.to_bits() {
            out.push(Difference {
                instance_id: c.instance_id.clone(),
                field: format!("{field} (recomputed from the report's fuel counts)"),
                expected: expected.to_string(),
                found: claimed.to_string(),
            });
        }
    };
    for t in &c.efficiency_tests {
        let expected = match (c.correct, t.base_fuel, t.patched_fuel) {
            (true, Some(b), Some(p)) => evaluate::gain(b, p),
            _ => 0.0,
        };
        push(format!("{} gain", t.nodeid), expected, t.gain);
    }
    let expected = if c.correct { evaluate::performance(&c.efficiency_tests) } else { 0.0 };
    push("performance".into(), expected, c.performance);
}

fn compare(claim: &InstanceSummary, found: &InstanceReport, out: &mut Vec<Difference>) {
    let mut diff = |field: String, expected: String, got: String| {
        if expected != got {
            out.push(Difference {
                instance_id: claim.instance_id.clone(),
                field,
                expected,
                found: got,
            });
        }
    };
    diff("status".into(), claim.status.word().into(), found.status.word().into());
    diff("applied".into(), claim.applied.to_string(), found.applied.to_string());
    diff("correct".into(), claim.correct.to_string(), found.correct.to_string());
    for t in &claim.efficiency_tests {
        let f = found.efficiency_tests.iter().find(|f| f.nodeid == t.nodeid);
        diff(format!("{} base_fuel", t.nodeid), show(t.base_fuel), show(f.and_then(|f| f.base_fuel)));
        diff(format!("{} patched_fuel", t.nodeid), show(t.patched_fuel), show(f.and_then(|f| f.patched_fuel)));
    }
    let checks = |v: &[crate::measure::Violation]| v.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("; ");
    diff("violations".into(), checks(&claim.violations), checks(&found.violations));
}

/// Verifies `claims`: fingerprints first (nothing runs if any differs), then results.
///
/// Errors: [`Error::BadInput`] when an instance or the predictions named cannot be loaded, and
/// those of computing a fingerprint (provisioning a runtime); differences are in the
/// [`Verification`], not errors.
pub fn verify(evaluator: &Evaluator, claims: Vec<Claim>, overrides: &Overrides, jobs: usize) -> Result<Verification> {
    let mut verification = Verification {
        instances: claims.len(),
        ..Verification::default()
    };
    let predictions = match overrides.predictions.as_deref() {
        None | Some(GOLD) => None,
        Some(path) => {
            let ids: Vec<&str> = claims.iter().map(|c| c.summary.instance_id.as_str()).collect();
            Some(predictions::load(Path::new(path), &ids)?)
        }
    };
    let mut prepared = Vec::new();
    for claim in claims {
        let id = claim.summary.instance_id.clone();
        let dir = match &overrides.instances_dir {
            Some(d) => d.join(&id),
            None => claim.instance_dir.clone(),
        };
        let instance = Instance::load(&dir).map_err(|e| Error::BadInput {
            file: dir.display().to_string(),
            message: format!("instance `{id}` cannot be loaded ({e}); point --instances at a copy of the instances folder"),
        })?;
        let patch = match (&overrides.predictions, &predictions) {
            (Some(g), _) if g == GOLD => Some(instance.expert_patch.clone()),
            (_, Some(p)) => p.patches.get(&id).cloned(),
            _ => claim.summary.patch.clone(),
        };
        let seed = claim.summary.fingerprint.as_ref().map_or(0, |f| f.seed);
        let mut fp_diff = |field: &str, expected: &str, found: &str| {
            verification.fingerprint_differences.push(Difference {
                instance_id: id.clone(),
                field: field.into(),
                expected: expected.into(),
                found: found.into(),
            })
        };
        match (&claim.summary.fingerprint, &patch) {
            (Some(expected), Some(p)) => {
                let found = evaluator.fingerprint(&instance, p, &EvalOptions { seed, ..EvalOptions::default() })?;
                for d in fingerprint_differences(expected, &found) {
                    let (field, rest) = d.split_once(": ").unwrap_or((&d, ""));
                    let (e, f) = rest.split_once(" -> ").unwrap_or((rest, ""));
                    fp_diff(field, e, f);
                }
            }
            (None, None) => {}
            (Some(_), None) => fp_diff("patch", "present", "absent from the predictions"),
            (None, Some(_)) if claim.summary.status == InstanceStatus::Missing => fp_diff("patch", "absent", "present in the predictions"),
            (None, Some(_)) => {}
        }
        inconsistencies(&claim.summary, &mut verification.result_differences);
        prepared.push(Prepared { claim, instance, patch, seed });
    }
    if !verification.fingerprint_differences.is_empty() {
        return Ok(verification);
    }
    let found = parallel_map(&prepared, jobs, |p| {
        let options = EvalOptions {
            seed: p.seed,
            repeat: 1,
            base_cache: false,
            bytecode_cache: false,
            scratch_dir: overrides.scratch_dir.clone(),
        };
        evaluator.evaluate(&p.instance, &p.claim.model, p.patch.as_deref(), &options)
    });
    for (p, report) in prepared.iter().zip(&found) {
        compare(&p.claim.summary, report, &mut verification.result_differences);
        verification.checked.push(Checked {
            instance_id: p.claim.summary.instance_id.clone(),
            status: report.status,
            fuel_counts: p.claim.summary.efficiency_tests.len() * 2,
        });
    }
    verification.reran = true;
    Ok(verification)
}
