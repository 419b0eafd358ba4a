//! A run: many instances evaluated under one run id, each written to its own folder as soon as
//! it finishes (atomically), resumable, then summarised.
//!
//! Layout under the output folder:
//! `<run_id>/<model>/<instance_id>/{report.json, patch.diff, logs/*.log}` and the summary
//! `<model>.<run_id>.json` (a `/` in a model name becomes `__`). Running the same run id again
//! reuses every finished instance whose patch and fingerprint are unchanged, unless forced.
//! While a run is under way its model folder is locked (`.lock`): a second process with the same
//! run id and model is refused rather than let overwrite it.
//! This module must not print; it reports progress through a callback.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, IoContext, Result};
pub use crate::runtime::write_atomic;
use crate::evaluate::{EvalOptions, Evaluator};
use crate::instance::Instance;
use crate::measure::TestRun;
use crate::predictions::Predictions;
use crate::report::{InstanceReport, InstanceStatus, RunSources, Summary};

/// How a run is carried out.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Names the run's folders and summary (letters, digits, `.`, `_`, `-`; see [`check_run_id`]).
    pub run_id: String,
    /// Parent of the run folders and summaries.
    pub output_dir: PathBuf,
    /// Instances evaluated at once.
    pub jobs: usize,
    /// Re-evaluate instances that already have a report.
    pub force: bool,
    /// How each instance is evaluated.
    pub options: EvalOptions,
}

/// Progress of a run, for a progress bar.
pub enum RunEvent<'a> {
    /// `total` instances, of which `resumed` are reused from an earlier attempt.
    Planned {
        /// Instances in the run.
        total: usize,
        /// Of which already done under this run id.
        resumed: usize,
    },
    /// An instance's evaluation started.
    Started {
        /// The instance.
        instance_id: &'a str,
    },
    /// An instance is done (its report is written).
    Finished {
        /// Its report.
        report: &'a InstanceReport,
        /// Whether it was reused from an earlier attempt rather than evaluated.
        resumed: bool,
    },
}

/// What a finished run produced.
pub struct RunOutput {
    /// The run's summary, as written.
    pub summary: Summary,
    /// Where the summary was written, `<output_dir>/<model>.<run_id>.json` (`<model>` as
    /// [`model_dir_name`] makes it).
    pub summary_path: PathBuf,
    /// The folder of the instances' reports and logs, `<output_dir>/<run_id>/<model>`.
    pub run_dir: PathBuf,
    /// Every instance's report, in the instances' order.
    pub reports: Vec<InstanceReport>,
}

/// The folder name for `model`: path separators become `__`.
pub fn model_dir_name(model: &str) -> String {
    model.replace(['/', '\\'], "__")
}

/// Refuses a run id that cannot name a folder safely: empty, starting with `.`, or with characters
/// other than letters, digits, `.`, `_` and `-` ([`Error::Other`], naming `--run-id`).
pub fn check_run_id(run_id: &str) -> Result<()> {
    if run_id.is_empty() || !run_id.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) || run_id.starts_with('.') {
        return Err(Error::Other(format!(
            "--run-id `{run_id}`: use letters, digits, `.`, `_` and `-` only (it names folders)"
        )));
    }
    Ok(())
}

fn log_text(run: &TestRun, cached: bool) -> String {
    // A deadline's fuel is a lower bound (see sandbox::Outcome::fuel_is_exact).
    let at_least = if run.status == crate::sandbox::Status::Deadline { "at least " } else { "" };
    let mut text = format!(
        "# tests: {}\n# status: {}\n# fuel: {at_least}{}\n# unaccounted fuel: {}\n# wall: {:.0} ms\n",
        run.requested.join(" "),
        run.status,
        run.fuel,
        run.unaccounted_fuel,
        run.wall_ms,
    );
    for v in &run.violations {
        text.push_str(&format!("# violation: {v}\n"));
    }
    if cached {
        text.push_str("\n(from the base cache: an identical earlier measurement; its output was not kept)\n");
    } else {
        text.push_str(&format!("\n## stdout\n{}\n## stderr\n{}", run.stdout, run.stderr));
    }
    text
}

fn write_instance(dir: &Path, report: &InstanceReport) -> Result<()> {
    fs::create_dir_all(dir.join("logs")).context(|| format!("creating {}", dir.display()))?;
    if let Some(patch) = &report.patch {
        write_atomic(&dir.join("patch.diff"), patch.as_bytes())?;
    }
    for (side, name) in [(&report.base, "base"), (&report.patched, "patched")] {
        if let Some(side) = side {
            write_atomic(&dir.join(format!("logs/{name}.log")), log_text(&side.session, side.cached).as_bytes())?;
        }
    }
    let json = serde_json::to_vec_pretty(report).expect("reports serialise");
    // The report last: its presence marks the instance finished.
    write_atomic(&dir.join("report.json"), &json)
}

/// A finished report from an earlier attempt that still describes this evaluation.
fn reusable(dir: &Path, evaluator: &Evaluator, instance: &Instance, patch: Option<&str>, options: &EvalOptions) -> Option<InstanceReport> {
    let text = fs::read(dir.join("report.json")).ok()?;
    let report: InstanceReport = serde_json::from_slice(&text).ok()?;
    if report.status == InstanceStatus::Error || report.patch.as_deref() != patch || report.format_version != crate::report::REPORT_FORMAT_VERSION {
        return None;
    }
    match (patch, &report.fingerprint) {
        (None, _) => Some(report),
        (Some(p), Some(fp)) => (evaluator.fingerprint(instance, p, options).ok()? == *fp).then_some(report),
        (Some(_), None) => None,
    }
}

/// Holds the run folder's lock until dropped: two processes evaluating the same run id for the
/// same model would overwrite each other's reports and summary.
fn claim(run_dir: &Path) -> Result<fs::File> {
    let path = run_dir.join(".lock");
    let file = crate::runtime::open_lock_file(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(Error::RunInUse { run_dir: run_dir.to_path_buf() }),
        Err(fs::TryLockError::Error(e)) => Err(Error::io(format!("locking {}", path.display()), e)),
    }
}

/// Evaluates `predictions` on `instances`, writing as it goes; returns the summary.
pub fn run(
    evaluator: &Evaluator,
    instances: &[Instance],
    predictions: &Predictions,
    sources: RunSources,
    config: &RunConfig,
    on_event: &(dyn Fn(RunEvent) + Sync),
) -> Result<RunOutput> {
    check_run_id(&config.run_id)?;
    // Loaded predictions are checked already; this guards predictions built in code.
    crate::predictions::check_model_name(&predictions.model)
        .map_err(|why| Error::Other(format!("the model name {why}")))?;
    let model_dir = model_dir_name(&predictions.model);
    let run_dir = config.output_dir.join(&config.run_id).join(&model_dir);
    fs::create_dir_all(&run_dir).context(|| format!("creating {}", run_dir.display()))?;
    let _in_use = claim(&run_dir)?;

    let mut slots: Vec<Option<InstanceReport>> = vec![None; instances.len()];
    if !config.force {
        for (slot, instance) in slots.iter_mut().zip(instances) {
            let patch = predictions.patches.get(&instance.id).map(String::as_str);
            *slot = reusable(&run_dir.join(&instance.id), evaluator, instance, patch, &config.options);
        }
    }
    let resumed = slots.iter().filter(|s| s.is_some()).count();
    on_event(RunEvent::Planned {
        total: instances.len(),
        resumed,
    });
    for report in slots.iter().flatten() {
        on_event(RunEvent::Finished { report, resumed: true });
    }

    let todo: Vec<usize> = (0..instances.len()).filter(|&i| slots[i].is_none()).collect();
    let slots = Mutex::new(slots);
    let next = AtomicUsize::new(0);
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..config.jobs.clamp(1, todo.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&i) = todo.get(k) else { break };
                    if first_error.lock().unwrap().is_some() {
                        break;
                    }
                    let instance = &instances[i];
                    on_event(RunEvent::Started { instance_id: &instance.id });
                    let patch = predictions.patches.get(&instance.id).map(String::as_str);
                    let report = evaluator.evaluate(instance, &predictions.model, patch, &config.options);
                    if let Err(e) = write_instance(&run_dir.join(&instance.id), &report) {
                        first_error.lock().unwrap().get_or_insert(e);
                        break;
                    }
                    on_event(RunEvent::Finished { report: &report, resumed: false });
                    slots.lock().unwrap()[i] = Some(report);
                }
            });
        }
    });
    if let Some(e) = first_error.into_inner().unwrap() {
        return Err(e);
    }
    let reports: Vec<InstanceReport> = slots.into_inner().unwrap().into_iter().map(|r| r.expect("every instance evaluated")).collect();
    let summary = Summary::from_reports(&config.run_id, &predictions.model, sources, &reports);
    let summary_path = config.output_dir.join(format!("{model_dir}.{}.json", config.run_id));
    write_atomic(&summary_path, &serde_json::to_vec_pretty(&summary).expect("summaries serialise"))?;
    Ok(RunOutput {
        summary,
        summary_path,
        run_dir,
        reports,
    })
}

/// `f` over `items` on `jobs` threads, results in the items' order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results.lock().unwrap()[i] = Some(r);
                }
            });
        }
    });
    results.into_inner().unwrap().into_iter().map(|r| r.expect("every item mapped")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_name_folders_safely() {
        check_run_id("gold-2026.11_a").unwrap();
        for bad in ["", "../x", "a/b", ".hidden", "a b"] {
            assert!(check_run_id(bad).is_err(), "{bad}");
        }
        assert_eq!(model_dir_name("org/model"), "org__model");
    }

    #[test]
    fn atomic_writes_replace_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path().join("a")).unwrap().count(), 1, "no temporary files left");
    }
}
