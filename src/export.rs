//! Exporters: one run [`Summary`] (the report model) written in each output format through one
//! small trait, [`Exporter`]: a terminal table, a Markdown table, JSON.
//!
//! Every exporter reads the same model and only formats it: the figures are the summary's, never
//! recomputed here. A new format (HTML, CSV) is one more implementation. This module must not
//! run, score or write anything; it returns text.

use std::fmt::Write as _;

use crate::report::{Counts, Scores, Summary};

/// Writes a run summary in one format.
pub trait Exporter {
    /// The whole output for `summary`, ending with a newline.
    fn export(&self, summary: &Summary) -> String;
}

/// The output formats, as `--format` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text for the terminal
    Table,
    /// A Markdown table
    Markdown,
    /// JSON, for scripts
    Json,
}

impl Format {
    /// This format's exporter.
    pub fn exporter(self) -> &'static dyn Exporter {
        match self {
            Format::Table => &Table,
            Format::Markdown => &Markdown,
            Format::Json => &Json,
        }
    }
}

/// A plain-text table for the terminal: one row per instance, then what was evaluated and the
/// scores over valid and over all instances.
pub struct Table;

/// A Markdown table with the same content as [`Table`].
pub struct Markdown;

/// The summary as pretty-printed JSON (the `<model>.<run_id>.json` format).
pub struct Json;

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// Fuel for people: `12.35 G`, `512.0 M`, `-` when unknown.
pub fn fuel(f: Option<u64>) -> String {
    match f {
        Some(f) if f >= 1_000_000_000 => format!("{:.2} G", f as f64 / 1e9),
        Some(f) => format!("{:.1} M", f as f64 / 1e6),
        None => "-".into(),
    }
}

const HEADERS: [&str; 6] = ["instance", "status", "applied", "base fuel", "patched fuel", "performance"];

fn rows(summary: &Summary) -> Vec<[String; 6]> {
    summary
        .instances
        .iter()
        .map(|i| {
            let base: Option<u64> = i.efficiency_tests.iter().map(|t| t.base_fuel).sum();
            let patched: Option<u64> = i.efficiency_tests.iter().map(|t| t.patched_fuel).sum();
            [
                i.instance_id.clone(),
                i.status.word().to_string(),
                if i.applied { "yes" } else { "no" }.to_string(),
                fuel(base),
                fuel(patched),
                pct(i.performance),
            ]
        })
        .collect()
}

/// What was evaluated, before any score: how many instances, and how many could not be.
fn coverage(c: &Counts) -> String {
    let mut s = format!(
        "{} instance(s): {} valid, {} invalid, {} unsupported, {} error(s); {} prediction(s) submitted",
        c.total, c.valid, c.invalid, c.unsupported, c.errors, c.submitted
    );
    if c.tampered > 0 {
        let _ = write!(s, ", {} tampered", c.tampered);
    }
    s
}

fn scores(label: &str, s: Scores, c: &Counts, n: usize) -> String {
    format!(
        "{label}: Apply {} ({}/{n}) | Correctness {} ({}/{n}) | Performance {}",
        pct(s.apply),
        c.applied,
        pct(s.correctness),
        c.correct,
        pct(s.performance)
    )
}

fn footer(summary: &Summary) -> [String; 3] {
    let c = &summary.counts;
    let valid = Scores {
        apply: summary.apply,
        correctness: summary.correctness,
        performance: summary.performance,
    };
    [
        coverage(c),
        scores("over valid instances", valid, c, c.valid),
        scores("over all instances (SWE-Perf)", summary.over_all, c, c.total),
    ]
}

impl Exporter for Table {
    fn export(&self, summary: &Summary) -> String {
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
        let [cov, valid, all] = footer(summary);
        let _ = writeln!(out, "\n{} on {}: {cov}\n  {valid}\n  {all}", summary.model, summary.run_id);
        out
    }
}

impl Exporter for Markdown {
    fn export(&self, summary: &Summary) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
        let _ = writeln!(out, "|---|---|---|---:|---:|---:|");
        for r in rows(summary) {
            let _ = writeln!(out, "| {} |", r.join(" | "));
        }
        let [cov, valid, all] = footer(summary);
        let _ = writeln!(out, "\n**{}** on `{}`: {cov}\n\n- {valid}\n- {all}", summary.model, summary.run_id);
        out
    }
}

impl Exporter for Json {
    fn export(&self, summary: &Summary) -> String {
        serde_json::to_string_pretty(summary).expect("summaries serialise") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrity::DiscardedEdit;
    use crate::measure::Violation;
    use crate::report::{EfficiencyTest, InstanceReport, InstanceStatus, REPORT_FORMAT_VERSION, RunSources};

    /// A fixed run: every status a table shows, fuel in M and G, a missing count, a tampered
    /// prediction. Built by hand: no sandbox.
    fn summary() -> Summary {
        let test = |id: &str, base: Option<u64>, patched: Option<u64>, gain: f64| EfficiencyTest {
            nodeid: format!("tests/test_perf.py::{id}"),
            base_fuel: base,
            patched_fuel: patched,
            gain,
        };
        let report = |id: &str, status: InstanceStatus, applied: bool, performance: f64, tests: Vec<EfficiencyTest>| InstanceReport {
            format_version: REPORT_FORMAT_VERSION,
            instance_id: id.into(),
            model: "acme-coder".into(),
            status,
            applied,
            apply_method: None,
            correct: status == InstanceStatus::Correct,
            performance,
            efficiency_tests: tests,
            detail: None,
            discarded_edits: Vec::<DiscardedEdit>::new(),
            violations: if status == InstanceStatus::Tampered { vec![Violation::ClockLogOverflow] } else { vec![] },
            base: None,
            patched: None,
            fingerprint: None,
            patch: None,
            instance_dir: format!("/instances/{id}"),
        };
        let reports = [
            report("config-cache-lookup", InstanceStatus::Correct, true, 0.988, vec![test("test_build", Some(3_811_054_051), Some(53_386_328), 0.986), test("test_export", Some(6_804_750_069), Some(61_458_142), 0.991)]),
            report("graph-route-queue", InstanceStatus::Incorrect, true, 0.0, vec![test("test_order", Some(3_016_435_477), None, 0.0)]),
            report("logscan-patterns", InstanceStatus::Tampered, true, 0.0, vec![test("test_scan", Some(812_000_000), Some(1_000), 0.0)]),
            report("markup-render-strings", InstanceStatus::NotApplied, false, 0.0, vec![]),
            report("orderbook-levels", InstanceStatus::Missing, false, 0.0, vec![]),
            report("sensor-window-numpy", InstanceStatus::Invalid, true, 0.0, vec![]),
            report("tick-frames-concat", InstanceStatus::Unsupported, false, 0.0, vec![]),
            report("invtrack-membership", InstanceStatus::Error, false, 0.0, vec![]),
        ];
        let sources = RunSources {
            instances_dir: "/instances".into(),
            predictions: "/preds.jsonl".into(),
        };
        Summary::from_reports("nightly-7", "acme-coder", sources, &reports)
    }

    #[test]
    fn the_table() {
        insta::assert_snapshot!(Format::Table.exporter().export(&summary()));
    }

    #[test]
    fn the_markdown_table() {
        insta::assert_snapshot!(Format::Markdown.exporter().export(&summary()));
    }

    #[test]
    fn json_is_the_summary_itself() {
        let s = summary();
        let text = Format::Json.exporter().export(&s);
        assert!(text.ends_with("}\n"));
        assert_eq!(serde_json::from_str::<Summary>(&text).unwrap(), s);
    }

    #[test]
    fn fuel_reads_in_m_and_g() {
        assert_eq!((fuel(Some(512_000_000)), fuel(Some(12_345_678_901)), fuel(None)), ("512.0 M".into(), "12.35 G".into(), "-".into()));
    }
}
