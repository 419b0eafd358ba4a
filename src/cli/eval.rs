//! `sweperf eval`: flags to a run configuration, a progress bar, and the summary table.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use sweperf::instance::{self, Instance};
use sweperf::predictions::{self, GOLD, Predictions};
use sweperf::export::Format;
use sweperf::report::{InstanceStatus, RunSources};
use sweperf::run::{self, RunConfig, RunEvent};
use sweperf::{EvalOptions, Evaluator};

#[derive(Args)]
pub struct EvalArgs {
    /// Folder of instances (default: the bundled `instances/`)
    #[arg(long, value_name = "DIR", conflicts_with = "dataset")]
    pub instances: Option<PathBuf>,
    #[command(flatten)]
    pub dataset: DatasetArgs,
    /// SWE-bench predictions (JSON Lines), or `gold` for the expert patches
    #[arg(long, value_name = "FILE|gold")]
    pub predictions: String,
    /// Names this run's folders; running the same id again resumes
    #[arg(long)]
    pub run_id: String,
    /// Evaluate only these instances
    #[arg(long = "instance-ids", num_args = 1.., value_name = "ID")]
    pub instance_ids: Vec<String>,
    /// Instances evaluated at once (default: the number of cores)
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Where run folders and summaries go
    #[arg(long, default_value = "sweperf-runs", value_name = "DIR")]
    pub output_dir: PathBuf,
    /// Re-evaluate instances that already have a report under this run id
    #[arg(long)]
    pub force: bool,
    /// How to print the summary
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Seed for the guests' random sources
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Measure every side N times and fail if any fuel count differs
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: u32,
    #[command(flatten)]
    pub scratch: super::ScratchArgs,
}

/// A SWE-Perf-format dataset and the user's clones of its repositories.
#[derive(Args, Clone)]
pub struct DatasetArgs {
    /// SWE-Perf-format dataset (JSON Lines or a JSON array), instead of --instances
    #[arg(long, value_name = "FILE")]
    pub dataset: Option<PathBuf>,
    /// Folder holding a git clone (or a bare mirror) of each repository, as owner/name or owner__name
    #[arg(long, value_name = "DIR", requires = "dataset")]
    pub repos_dir: Option<PathBuf>,
    /// Evaluate every record of the dataset in this environment instead of the table's choice
    /// (see `sweperf env list`)
    #[arg(long, value_name = "NAME", requires = "dataset")]
    pub environment: Option<String>,
}

/// What importing a dataset produced: the instances, and one line per record that could not
/// be used (malformed, or its clone or commit missing), each naming the record and what to do.
pub struct ImportedDataset {
    pub imported: Vec<sweperf::dataset::Imported>,
    pub problems: Vec<String>,
    pub total: usize,
}

impl ImportedDataset {
    /// Prints the problems again after a run's output, so they are not scrolled away.
    pub fn report_problems(&self, dataset: &Path) {
        if self.problems.is_empty() {
            return;
        }
        eprintln!("{} of {} record(s) of {} were not evaluated:", self.problems_records(), self.total, dataset.display());
        for p in &self.problems {
            eprintln!("  {p}");
        }
    }

    fn problems_records(&self) -> usize {
        self.total - self.imported.len()
    }
}

/// Imports a dataset into `out` (never touching the clones). A bad record is reported and left
/// out; the others are imported. Fails only when no record can be imported.
pub fn import_dataset(dataset: &Path, repos_dir: &Path, out: &Path, environment: Option<&str>) -> Result<ImportedDataset> {
    let loaded = sweperf::dataset::load(dataset)?;
    let mut problems: Vec<String> = loaded.problems.iter().map(|p| p.to_string()).collect();
    let (imported, errors) = sweperf::dataset::import_all(&loaded.records, repos_dir, out, environment)?;
    problems.extend(errors.iter().map(|e| e.to_string()));
    for p in &problems {
        eprintln!("error: {p}");
    }
    if imported.is_empty() {
        bail!("none of the {} record(s) of {} could be imported (see above)", loaded.total, dataset.display());
    }
    for i in imported.iter().filter(|i| i.unsupported.is_some()) {
        eprintln!("unsupported: {}: {}", i.instance_id, i.unsupported.as_deref().unwrap_or(""));
    }
    Ok(ImportedDataset {
        imported,
        problems,
        total: loaded.total,
    })
}

/// `./instances` if present, else the instances bundled with this checkout.
pub fn default_instances_dir() -> PathBuf {
    let local = PathBuf::from("instances");
    if local.is_dir() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("instances")
}

/// Loads the instances, keeping only `ids` if any are given (each must exist).
pub fn load_instances(dir: Option<PathBuf>, ids: &[String]) -> Result<(PathBuf, Vec<Instance>)> {
    let dir = dir.unwrap_or_else(default_instances_dir);
    let all = instance::load_all(&dir)?;
    if ids.is_empty() {
        return Ok((dir, all));
    }
    for id in ids {
        if !all.iter().any(|i| &i.id == id) {
            let known: Vec<&str> = all.iter().map(|i| i.id.as_str()).collect();
            bail!("--instance-ids: no instance `{id}` in {}; known: {}", dir.display(), known.join(", "));
        }
    }
    Ok((dir, all.into_iter().filter(|i| ids.contains(&i.id)).collect()))
}

fn absolute(p: &Path) -> String {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()).display().to_string()
}

pub fn load_predictions(spec: &str, instances: &[Instance]) -> Result<Predictions> {
    if spec == GOLD {
        return Ok(predictions::gold(instances));
    }
    let ids: Vec<&str> = instances.iter().map(|i| i.id.as_str()).collect();
    let mut p = predictions::load(Path::new(spec), &ids)?;
    p.source = absolute(Path::new(spec));
    Ok(p)
}

pub fn eval(args: EvalArgs) -> Result<i32> {
    run::check_run_id(&args.run_id)?;
    if args.repeat == 0 {
        bail!("--repeat must be at least 1");
    }
    let mut dataset_problems = None;
    let instances_dir = match (&args.dataset.dataset, &args.dataset.repos_dir) {
        (Some(dataset), Some(repos)) => {
            let dir = args.output_dir.join(&args.run_id).join("instances");
            dataset_problems = Some((dataset.clone(), import_dataset(dataset, repos, &dir, args.dataset.environment.as_deref())?));
            Some(dir)
        }
        (Some(_), None) => bail!("--dataset needs --repos-dir DIR, the folder with a clone of each repository (owner/name or owner__name)"),
        _ => args.instances,
    };
    let (dir, instances) = load_instances(instances_dir, &args.instance_ids)?;
    let predictions = load_predictions(&args.predictions, &instances)?;
    let evaluator = Evaluator::from_sandbox(super::sandbox()?);
    prefetch_runtimes(&evaluator, &instances)?;
    let config = RunConfig {
        run_id: args.run_id.clone(),
        output_dir: args.output_dir.clone(),
        jobs: super::default_jobs(args.jobs),
        force: args.force,
        options: EvalOptions {
            seed: args.seed,
            repeat: args.repeat,
            base_cache: !args.force,
            bytecode_cache: !args.force,
            scratch_dir: args.scratch.scratch_dir.clone(),
        },
    };
    let sources = RunSources {
        instances_dir: absolute(&dir),
        predictions: predictions.source.clone(),
    };
    let bar = ProgressBar::new(instances.len() as u64);
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} [{elapsed}] {msg}").expect("valid template"));
    let output = run::run(&evaluator, &instances, &predictions, sources, &config, &|event| match event {
        RunEvent::Planned { resumed, .. } if resumed > 0 => {
            bar.suspend(|| eprintln!("resuming run `{}`: {resumed} instance(s) already done (use --force to redo them)", config.run_id));
        }
        RunEvent::Planned { .. } => {}
        RunEvent::Started { instance_id } => bar.set_message(format!("evaluating {instance_id}")),
        RunEvent::Finished { report, .. } => {
            bar.inc(1);
            bar.set_message(format!("{}: {:?}", report.instance_id, report.status).to_lowercase());
        }
    })?;
    bar.finish_and_clear();
    print!("{}", args.format.exporter().export(&output.summary));
    eprintln!("summary: {}", output.summary_path.display());
    eprintln!("reports and logs: {}", output.run_dir.display());
    let nondeterministic: Vec<_> = output
        .reports
        .iter()
        .filter(|r| r.status == InstanceStatus::Nondeterministic)
        .collect();
    if !nondeterministic.is_empty() {
        eprintln!("DETERMINISM FAILURE: fuel differed between repeated runs of the same measurement:");
        for r in &nondeterministic {
            eprintln!("  {}: {}", r.instance_id, r.detail.as_deref().unwrap_or(""));
        }
        return Ok(super::Exit::Nondeterministic.code());
    }
    let errors: Vec<_> = output.reports.iter().filter(|r| r.status == InstanceStatus::Error).collect();
    for r in &errors {
        eprintln!("error: {}: {}", r.instance_id, r.detail.as_deref().unwrap_or("unknown"));
    }
    if !errors.is_empty() {
        eprintln!("sweperf could not evaluate {} instance(s); fix the cause and run the same --run-id again to finish them", errors.len());
    }
    let mut bad_records = false;
    if let Some((dataset, imported)) = &dataset_problems {
        imported.report_problems(dataset);
        bad_records = !imported.problems.is_empty();
    }
    Ok(if errors.is_empty() && !bad_records { super::Exit::Ok } else { super::Exit::Findings }.code())
}

/// Fetches and compiles the runtimes the instances need before the progress bar starts, with a
/// progress line of their own (a first run downloads and compiles).
pub fn prefetch_runtimes(evaluator: &Evaluator, instances: &[Instance]) -> Result<()> {
    let mut names: Vec<&str> = instances.iter().map(|i| i.runtime.as_str()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let spinner = super::progress::Spinner::new_hidden_until_used();
        let Some(sandbox) = evaluator.sandbox() else { return Ok(()) };
        sandbox
            .runtime(name, &|p| spinner.update(name, p))
            .with_context(|| format!("preparing runtime {name}"))?;
        spinner.clear();
    }
    Ok(())
}
