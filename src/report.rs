//! Result types and their exporters: the per-instance report, the run summary, the fingerprint
//! of everything that can move a fuel count, and the terminal and Markdown tables.
//!
//! One set of serialisable types feeds every output (JSON files, tables, the library's return
//! values). The format is documented in `docs/report-format.md` and versioned by
//! [`REPORT_FORMAT_VERSION`]. This module must not run anything.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::measure::TestRun;
use crate::patch::ApplyMethod;
use crate::runtime::{self, RuntimeManifest, WheelRef};
use crate::sandbox::{self, EngineSettings, Limits};

/// Bumped whenever a field changes meaning or disappears.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// Everything that can move a fuel count. Two evaluations with equal fingerprints give equal
/// fuel; `verify` compares these field by field before it runs anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fingerprint {
    pub sweperf_version: String,
    pub engine: EngineSettings,
    pub runtime: RuntimeFingerprint,
    /// `name==version sha256` of each toolchain wheel (pytest and its dependencies).
    pub toolchain: Vec<String>,
    /// SHA-256 over sweperf's guest-side files (start-up and pytest plugin).
    pub guest_code_sha256: String,
    pub instance_sha256: String,
    pub patch_sha256: String,
    pub requirements: Vec<WheelRef>,
    /// The environment (a runtime, or a runtime with layers and requirements).
    pub environment: String,
    /// (name, SHA-256) of each compatibility layer on the guest's path.
    pub layers: Vec<(String, String)>,
    pub limits: Limits,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeFingerprint {
    pub name: String,
    pub package: String,
    pub wheel_sha256: String,
    pub module_sha256: String,
    /// (guest path, SHA-256) of each file the runtime mounts.
    pub files: Vec<(String, String)>,
}

impl RuntimeFingerprint {
    pub fn of(m: &RuntimeManifest) -> Self {
        RuntimeFingerprint {
            name: m.name.clone(),
            package: format!("{}=={}", m.package.name, m.package.version),
            wheel_sha256: m.package.sha256.clone(),
            module_sha256: m.module.sha256.clone(),
            files: m.mounts.iter().map(|f| (f.guest.clone(), f.sha256.clone())).collect(),
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// SHA-256 over the guest-side files, by name and content.
pub fn guest_code_sha256() -> String {
    let mut h = Sha256::new();
    for (name, text) in sandbox::GUEST_FILES {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(Sha256::digest(text.as_bytes()));
    }
    hex::encode(h.finalize())
}

pub fn toolchain_fingerprint() -> crate::Result<Vec<String>> {
    Ok(runtime::toolchain()?
        .wheels
        .iter()
        .map(|w| format!("{}=={} {}", w.name, w.version, w.sha256))
        .collect())
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
    /// Applied, but a test failed (or the patched run crashed, looped or ran out of fuel).
    Incorrect,
    /// The patch is empty, malformed, touches paths outside the repository, or does not apply.
    NotApplied,
    /// No prediction for this instance.
    Missing,
    /// The unpatched repository fails its own tests: not the prediction's fault, not scored.
    Invalid,
    /// sweperf could not evaluate (e.g. a runtime could not be provisioned).
    Error,
    /// The repository needs what the sandbox cannot provide (e.g. compiled extensions): not
    /// the prediction's fault, not scored.
    Unsupported,
}

/// One efficiency test's cost before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EfficiencyTest {
    pub nodeid: String,
    pub base_fuel: Option<u64>,
    pub patched_fuel: Option<u64>,
    /// max(0, 1 - patched / base); 0 when either is missing.
    pub gain: f64,
}

/// The base or patched side: one run for the efficiency tests, one for the correctness tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideReport {
    pub efficiency: TestRun,
    pub correctness: TestRun,
    pub passed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// Everything about one instance's evaluation: written as `report.json` in its folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceReport {
    pub format_version: u32,
    pub instance_id: String,
    pub model: String,
    pub status: InstanceStatus,
    pub applied: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_method: Option<ApplyMethod>,
    pub correct: bool,
    pub performance: f64,
    pub efficiency_tests: Vec<EfficiencyTest>,
    /// Why the status is what it is, in a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub base: Option<SideReport>,
    pub patched: Option<SideReport>,
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
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Instances in the evaluation (the dataset).
    pub total: usize,
    /// Instances whose base passes: the denominator of every metric.
    pub valid: usize,
    pub submitted: usize,
    pub applied: usize,
    pub correct: usize,
    pub invalid: usize,
    #[serde(default)]
    pub unsupported: usize,
    pub errors: usize,
}

/// One line of the summary per instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceSummary {
    pub instance_id: String,
    pub status: InstanceStatus,
    pub applied: bool,
    pub correct: bool,
    pub performance: f64,
    pub efficiency_tests: Vec<EfficiencyTest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
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

/// The run summary, written as `<model>.<run_id>.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub format_version: u32,
    pub run_id: String,
    pub model: String,
    pub sources: RunSources,
    /// Fractions of the valid instances.
    pub apply: f64,
    pub correctness: f64,
    pub performance: f64,
    pub counts: Counts,
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
                InstanceStatus::Error => counts.errors += 1,
                _ => {}
            }
            if r.status != InstanceStatus::Missing {
                counts.submitted += 1;
            }
            if !matches!(r.status, InstanceStatus::Invalid | InstanceStatus::Unsupported) {
                counts.applied += usize::from(r.applied);
                counts.correct += usize::from(r.correct);
                perf_sum += r.performance;
            }
        }
        counts.valid = counts.total - counts.invalid - counts.unsupported;
        let frac = |x: f64| if counts.valid == 0 { 0.0 } else { x / counts.valid as f64 };
        Summary {
            format_version: REPORT_FORMAT_VERSION,
            run_id: run_id.to_string(),
            model: model.to_string(),
            sources,
            apply: frac(counts.applied as f64),
            correctness: frac(counts.correct as f64),
            performance: frac(perf_sum),
            counts,
            instances: reports
                .iter()
                .map(|r| InstanceSummary {
                    instance_id: r.instance_id.clone(),
                    status: r.status,
                    applied: r.applied,
                    correct: r.correct,
                    performance: r.performance,
                    efficiency_tests: r.efficiency_tests.clone(),
                    detail: r.detail.clone(),
                    fingerprint: r.fingerprint.clone(),
                    patch: r.patch.clone(),
                })
                .collect(),
        }
    }
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

fn fuel(f: Option<u64>) -> String {
    match f {
        Some(f) if f >= 1_000_000_000 => format!("{:.2} G", f as f64 / 1e9),
        Some(f) => format!("{:.1} M", f as f64 / 1e6),
        None => "-".into(),
    }
}

fn status_word(s: InstanceStatus) -> &'static str {
    match s {
        InstanceStatus::Correct => "correct",
        InstanceStatus::Incorrect => "incorrect",
        InstanceStatus::NotApplied => "not applied",
        InstanceStatus::Missing => "missing",
        InstanceStatus::Invalid => "invalid",
        InstanceStatus::Error => "error",
        InstanceStatus::Unsupported => "unsupported",
    }
}

fn rows(summary: &Summary) -> Vec<[String; 6]> {
    summary
        .instances
        .iter()
        .map(|i| {
            let base: Option<u64> = i.efficiency_tests.iter().map(|t| t.base_fuel).sum();
            let patched: Option<u64> = i.efficiency_tests.iter().map(|t| t.patched_fuel).sum();
            [
                i.instance_id.clone(),
                status_word(i.status).to_string(),
                if i.applied { "yes" } else { "no" }.to_string(),
                fuel(base),
                fuel(patched),
                pct(i.performance),
            ]
        })
        .collect()
}

const HEADERS: [&str; 6] = ["instance", "status", "applied", "base fuel", "patched fuel", "performance"];

fn footer(summary: &Summary) -> String {
    let c = &summary.counts;
    let mut s = format!(
        "Apply {} ({}/{}) | Correctness {} ({}/{}) | Performance {}",
        pct(summary.apply),
        c.applied,
        c.valid,
        pct(summary.correctness),
        c.correct,
        c.valid,
        pct(summary.performance)
    );
    if c.invalid > 0 {
        let _ = write!(s, " | {} invalid instance(s) not scored", c.invalid);
    }
    if c.unsupported > 0 {
        let _ = write!(s, " | {} unsupported instance(s) not scored", c.unsupported);
    }
    if c.errors > 0 {
        let _ = write!(s, " | {} error(s)", c.errors);
    }
    s
}

/// A plain-text table for the terminal.
pub fn render_table(summary: &Summary) -> String {
    let rows = rows(summary);
    let mut widths = HEADERS.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.len());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| if i >= 3 { format!("{c:>w$}") } else { format!("{c:<w$}") })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(out, "{}", line(&HEADERS.map(String::from)));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r));
    }
    let _ = writeln!(out, "\n{} on {}: {}", summary.model, summary.run_id, footer(summary));
    out
}

/// A Markdown table with the same content.
pub fn render_markdown(summary: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
    let _ = writeln!(out, "|---|---|---|---:|---:|---:|");
    for r in rows(summary) {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    let _ = writeln!(out, "\n**{}** on `{}`: {}", summary.model, summary.run_id, footer(summary));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let table = render_table(&s);
        assert!(table.contains("Apply 75.00% (3/4)") && table.contains("1 invalid"), "{table}");
        assert!(render_markdown(&s).starts_with("| instance |"));
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
