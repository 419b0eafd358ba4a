//! `sweperf validate`: every check on every instance, one line each, non-zero exit on failure.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use sweperf::run::parallel_map;
use sweperf::validate::{self, Validation};
use sweperf::Evaluator;

use super::eval::{DatasetArgs, default_instances_dir, import_dataset, prefetch_runtimes};

#[derive(Args)]
pub struct ValidateArgs {
    /// Folder of instances (default: the bundled `instances/`)
    #[arg(long, value_name = "DIR", conflicts_with = "dataset")]
    instances: Option<PathBuf>,
    #[command(flatten)]
    dataset: DatasetArgs,
    /// Validate only these instances
    #[arg(long = "instance-ids", num_args = 1.., value_name = "ID")]
    instance_ids: Vec<String>,
    /// Instances validated at once (default: the number of cores)
    #[arg(long)]
    jobs: Option<usize>,
    /// Print the validations as JSON
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    scratch: super::ScratchArgs,
}

/// `validate --dataset FILE` without clones: every malformed record, all at once.
fn validate_records(dataset: &std::path::Path, json: bool) -> Result<i32> {
    let loaded = sweperf::dataset::load(dataset)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&loaded.problems)?);
    }
    for p in &loaded.problems {
        eprintln!("FAIL  {p}");
    }
    let bad: std::collections::BTreeSet<usize> = loaded.problems.iter().map(|p| p.line).collect();
    eprintln!(
        "{} of {} record(s) well-formed; give --repos-dir DIR (a clone of each repository) to also run them",
        loaded.total - bad.len(),
        loaded.total
    );
    Ok(if bad.is_empty() { 0 } else { 1 })
}

pub fn validate(args: ValidateArgs) -> Result<i32> {
    let imported = tempfile::tempdir()?;
    let mut dataset_problems = None;
    let dir = match (&args.dataset.dataset, &args.dataset.repos_dir) {
        (Some(dataset), Some(repos)) => {
            dataset_problems = Some((dataset.clone(), import_dataset(dataset, repos, imported.path(), args.dataset.environment.as_deref())?));
            imported.path().to_path_buf()
        }
        (Some(dataset), None) => return validate_records(dataset, args.json),
        _ => args.instances.unwrap_or_else(default_instances_dir),
    };
    let mut loaded = validate::load_each(&dir)?;
    if loaded.is_empty() {
        bail!("{}: no instance folders (with instance.toml) found", dir.display());
    }
    if !args.instance_ids.is_empty() {
        for id in &args.instance_ids {
            if !loaded.iter().any(|(folder, _)| folder == id) {
                bail!("--instance-ids: no instance `{id}` in {}", dir.display());
            }
        }
        loaded.retain(|(folder, _)| args.instance_ids.contains(folder));
    }
    let evaluator = Evaluator::from_sandbox(super::sandbox()?);
    let instances: Vec<_> = loaded.iter().filter_map(|(_, r)| r.as_ref().ok().cloned()).collect();
    prefetch_runtimes(&evaluator, &instances)?;
    let bar = ProgressBar::new(loaded.len() as u64);
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} [{elapsed}] {msg}").expect("valid template"));
    let jobs = super::default_jobs(args.jobs);
    let results: Vec<Validation> = parallel_map(&loaded, jobs, |(folder, instance)| {
        let v = match instance {
            Ok(instance) => validate::validate(&evaluator, instance, args.scratch.scratch_dir.as_deref()),
            Err(e) => validate::manifest_failure(folder, e),
        };
        bar.inc(1);
        bar.set_message(format!("{folder} done"));
        v
    });
    bar.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    }
    let failed: Vec<&Validation> = results.iter().filter(|v| !v.passed()).collect();
    for v in &results {
        if v.passed() {
            let gains: Vec<String> = v
                .report
                .iter()
                .flat_map(|r| &r.efficiency_tests)
                .map(|t| format!("{:.1}%", t.gain * 100.0))
                .collect();
            eprintln!("ok    {} (expert gains: {})", v.instance_id, gains.join(", "));
        } else {
            for c in v.failures() {
                eprintln!("FAIL  {}: {}: {}", v.instance_id, c.check, c.detail.as_deref().unwrap_or(""));
            }
        }
    }
    eprintln!("{} of {} instance(s) valid", results.len() - failed.len(), results.len());
    let mut bad_records = false;
    if let Some((dataset, imported)) = &dataset_problems {
        imported.report_problems(dataset);
        bad_records = !imported.problems.is_empty();
    }
    Ok(if failed.is_empty() && !bad_records { super::Exit::Ok } else { super::Exit::Findings }.code())
}
