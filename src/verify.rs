//! Verifying a published report: recompute every fingerprint and name each field that differs
//! before anything runs; then re-run every evaluation and compare each outcome and fuel count.
//!
//! A report (a summary or one instance's `report.json`) embeds the patches it evaluated and
//! names the instances folder it used, so it verifies with no other input on the machine that
//! wrote it; an auditor may point at their own copies instead. This module must not write
//! anything: a verification leaves no trace but its result.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::evaluate::{EvalOptions, Evaluator};
use crate::instance::Instance;
use crate::predictions::{self, GOLD};
use crate::report::{EfficiencyTest, Fingerprint, InstanceReport, InstanceStatus, Summary, fingerprint_differences};
use crate::run::parallel_map;

/// What one instance's report claims.
#[derive(Debug, Clone)]
pub struct Claim {
    pub instance_id: String,
    pub model: String,
    pub instance_dir: PathBuf,
    pub patch: Option<String>,
    pub fingerprint: Option<Fingerprint>,
    pub status: InstanceStatus,
    pub applied: bool,
    pub correct: bool,
    pub performance: f64,
    pub efficiency_tests: Vec<EfficiencyTest>,
}

/// Reads a summary or an instance report and lists its claims.
pub fn read_claims(path: &Path) -> Result<Vec<Claim>> {
    let bad = |message: String| Error::BadInput {
        file: path.display().to_string(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| bad(format!("not JSON: {e}")))?;
    let version = value.get("format_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(crate::report::REPORT_FORMAT_VERSION)) {
        return Err(bad(format!(
            "report format version {version:?}; this sweperf reads version {} (see docs/report-format.md)",
            crate::report::REPORT_FORMAT_VERSION
        )));
    }
    if value.get("counts").is_some() {
        let s: Summary = serde_json::from_value(value).map_err(|e| bad(format!("not a sweperf summary: {e}")))?;
        let dir = PathBuf::from(&s.sources.instances_dir);
        Ok(s.instances
            .into_iter()
            .map(|i| Claim {
                instance_dir: dir.join(&i.instance_id),
                instance_id: i.instance_id,
                model: s.model.clone(),
                patch: i.patch,
                fingerprint: i.fingerprint,
                status: i.status,
                applied: i.applied,
                correct: i.correct,
                performance: i.performance,
                efficiency_tests: i.efficiency_tests,
            })
            .collect())
    } else {
        let r: InstanceReport = serde_json::from_value(value).map_err(|e| bad(format!("not a sweperf report: {e}")))?;
        Ok(vec![Claim {
            instance_dir: PathBuf::from(&r.instance_dir),
            instance_id: r.instance_id,
            model: r.model,
            patch: r.patch,
            fingerprint: r.fingerprint,
            status: r.status,
            applied: r.applied,
            correct: r.correct,
            performance: r.performance,
            efficiency_tests: r.efficiency_tests,
        }])
    }
}

/// An auditor's own copies of the inputs.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub instances_dir: Option<PathBuf>,
    /// A predictions file, or `gold`.
    pub predictions: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Verification {
    pub instances: usize,
    /// `instance: field: expected -> found`; any of these stops the verification before it runs.
    pub fingerprint_differences: Vec<String>,
    /// `instance: what: expected -> found`, from the re-run.
    pub result_differences: Vec<String>,
    /// Whether the evaluations were re-run.
    pub reran: bool,
}

impl Verification {
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

fn compare(claim: &Claim, found: &InstanceReport, out: &mut Vec<String>) {
    let id = &claim.instance_id;
    let mut diff = |what: &str, expected: String, got: String| {
        if expected != got {
            out.push(format!("{id}: {what}: {expected} -> {got}"));
        }
    };
    diff("status", format!("{:?}", claim.status), format!("{:?}", found.status));
    diff("applied", claim.applied.to_string(), found.applied.to_string());
    diff("correct", claim.correct.to_string(), found.correct.to_string());
    diff("performance", claim.performance.to_string(), found.performance.to_string());
    for t in &claim.efficiency_tests {
        let Some(f) = found.efficiency_tests.iter().find(|f| f.nodeid == t.nodeid) else {
            out.push(format!("{id}: {}: not measured on re-run", t.nodeid));
            continue;
        };
        let show = |v: Option<u64>| v.map_or("none".to_string(), |v| v.to_string());
        let mut diff = |what: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{id}: {} {what}: {a} -> {b}", t.nodeid));
            }
        };
        diff("base_fuel", show(t.base_fuel), show(f.base_fuel));
        diff("patched_fuel", show(t.patched_fuel), show(f.patched_fuel));
        diff("gain", t.gain.to_string(), f.gain.to_string());
    }
}

/// Verifies `claims`: fingerprints first (nothing runs if any differs), then results.
pub fn verify(evaluator: &Evaluator, claims: Vec<Claim>, overrides: &Overrides, jobs: usize) -> Result<Verification> {
    let mut verification = Verification {
        instances: claims.len(),
        ..Verification::default()
    };
    let predictions = match overrides.predictions.as_deref() {
        None | Some(GOLD) => None,
        Some(path) => {
            let ids: Vec<&str> = claims.iter().map(|c| c.instance_id.as_str()).collect();
            Some(predictions::load(Path::new(path), &ids)?)
        }
    };
    let mut prepared = Vec::new();
    for claim in claims {
        let dir = match &overrides.instances_dir {
            Some(d) => d.join(&claim.instance_id),
            None => claim.instance_dir.clone(),
        };
        let instance = Instance::load(&dir).map_err(|e| Error::Other(format!("{}: the instance cannot be loaded ({e}); point --instances at a copy of it", claim.instance_id)))?;
        let patch = match (&overrides.predictions, &predictions) {
            (Some(g), _) if g == GOLD => Some(instance.expert_patch.clone()),
            (_, Some(p)) => p.patches.get(&claim.instance_id).cloned(),
            _ => claim.patch.clone(),
        };
        let seed = claim.fingerprint.as_ref().map_or(0, |f| f.seed);
        match (&claim.fingerprint, &patch) {
            (Some(expected), Some(p)) => {
                let found = evaluator.fingerprint(&instance, p, &EvalOptions { seed, repeat: 1 })?;
                for d in fingerprint_differences(expected, &found) {
                    verification.fingerprint_differences.push(format!("{}: {d}", claim.instance_id));
                }
            }
            (None, None) => {}
            (Some(_), None) => verification.fingerprint_differences.push(format!("{}: patch: the report has one, the predictions do not", claim.instance_id)),
            (None, Some(_)) if claim.status == InstanceStatus::Missing => {
                verification.fingerprint_differences.push(format!("{}: patch: the report had none, the predictions have one", claim.instance_id))
            }
            (None, Some(_)) => {}
        }
        prepared.push(Prepared { claim, instance, patch, seed });
    }
    if !verification.fingerprint_differences.is_empty() {
        return Ok(verification);
    }
    let found = parallel_map(&prepared, jobs, |p| {
        evaluator.evaluate(&p.instance, &p.claim.model, p.patch.as_deref(), &EvalOptions { seed: p.seed, repeat: 1 })
    });
    for (p, report) in prepared.iter().zip(&found) {
        compare(&p.claim, report, &mut verification.result_differences);
    }
    verification.reran = true;
    Ok(verification)
}
