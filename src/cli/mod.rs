//! Command-line definitions and dispatch. Each subcommand maps its flags onto the library's own
//! option types and renders the library's result types; nothing here computes a score.

mod eval;
mod exit;
mod progress;
mod validate;

use std::io::Write;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use sweperf::runtime::{self, DEFAULT_RUNTIME};
use sweperf::{Home, Limits, Mount, RunRequest, Sandbox, Status};

pub use exit::Exit;

#[derive(Parser)]
#[command(name = "sweperf", version, about = "Evaluate code-performance patches like SWE-Perf, without Docker: CPython in Wasmtime, cost in deterministic fuel")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List, fetch and check the Python runtimes
    #[command(subcommand)]
    Runtime(RuntimeCommand),
    /// Show the environments (runtime + compatibility layers + requirements) and which repositories use them
    #[command(subcommand)]
    Env(EnvCommand),
    /// Run a Python command in the sandbox and report its fuel
    Python(PythonArgs),
    /// Evaluate predictions (or the expert patches) on instances: Apply, Correctness, Performance
    Eval(eval::EvalArgs),
    /// Check instances: manifest, base passes, expert patch applies, passes and gains, fuel is deterministic
    Validate(validate::ValidateArgs),
    /// Re-run what a report describes and compare fingerprints, outcomes and fuel counts
    Verify(VerifyArgs),
    /// Write a SWE-Perf-format dataset as sweperf instance folders, from local clones
    Import(ImportArgs),
}

#[derive(Args)]
struct ImportArgs {
    /// SWE-Perf-format dataset (JSON Lines or a JSON array)
    #[arg(long, value_name = "FILE")]
    dataset: std::path::PathBuf,
    /// Folder holding a git clone of each repository, as owner/name or owner__name
    #[arg(long, value_name = "DIR")]
    repos_dir: std::path::PathBuf,
    /// Where the instance folders go
    #[arg(long, value_name = "DIR")]
    out: std::path::PathBuf,
    /// Import every record in this environment instead of the table's choice
    #[arg(long, value_name = "NAME")]
    environment: Option<String>,
}

#[derive(Args)]
struct VerifyArgs {
    /// A summary (`<model>.<run_id>.json`) or an instance's `report.json`
    report: std::path::PathBuf,
    /// Your copy of the instances folder (default: the one the report names)
    #[arg(long, value_name = "DIR")]
    instances: Option<std::path::PathBuf>,
    /// Your copy of the predictions, or `gold` (default: the patches embedded in the report)
    #[arg(long, value_name = "FILE|gold")]
    predictions: Option<String>,
    /// Instances re-run at once (default: the number of cores)
    #[arg(long)]
    jobs: Option<usize>,
    #[command(flatten)]
    scratch: ScratchArgs,
    /// How to print what was checked and what differed
    #[arg(long, value_enum, default_value = "table")]
    format: sweperf::export::Format,
}

/// Where `eval`, `validate` and `verify` make an evaluation's private trees.
#[derive(Args, Clone)]
pub(crate) struct ScratchArgs {
    /// Make the private copies of repositories in DIR (default: $TMPDIR). Fuel does not depend
    /// on it; a memory-backed folder (/dev/shm) makes large repositories cheaper to evaluate
    #[arg(long, env = "SWEPERF_SCRATCH_DIR", value_name = "DIR")]
    pub scratch_dir: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum RuntimeCommand {
    /// List the known runtimes and whether they are fetched
    List,
    /// Fetch, verify and compile runtimes (all if none is named)
    Fetch { names: Vec<String> },
}

#[derive(Subcommand)]
enum EnvCommand {
    /// List the environments, the layers and the repository table
    List,
}

#[derive(Args)]
struct PythonArgs {
    /// Runtime to use (see `sweperf runtime list`)
    #[arg(long, default_value = DEFAULT_RUNTIME, conflicts_with = "environment")]
    runtime: String,
    /// Environment to use instead: a runtime with compatibility layers and requirements (see `sweperf env list`)
    #[arg(long)]
    environment: Option<String>,
    /// Mount a host folder: HOST:GUEST[:ro|:rw] (read-only by default)
    #[arg(long = "mount", value_name = "HOST:GUEST[:ro|:rw]")]
    mounts: Vec<String>,
    /// Guest working directory
    #[arg(long)]
    cwd: Option<String>,
    /// Guest folder put first on sys.path (repeatable)
    #[arg(long = "path", value_name = "GUEST_DIR")]
    python_path: Vec<String>,
    /// Set a guest environment variable (KEY=VALUE); nothing is inherited from the host
    #[arg(long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// Seed for the guest's random sources
    #[arg(long, default_value_t = 0)]
    seed: u64,
    #[command(flatten)]
    limits: Limits,
    /// Print one JSON object (outcome and fuel) instead of passing output through
    #[arg(long)]
    json: bool,
    /// Arguments for Python, after `--`
    #[arg(last = true, required = true)]
    args: Vec<String>,
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Exit::of_usage(&e);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            Exit::of_error(&e).code()
        }
    }
}

fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Runtime(RuntimeCommand::List) => runtime_list(),
        Command::Runtime(RuntimeCommand::Fetch { names }) => runtime_fetch(names),
        Command::Env(EnvCommand::List) => env_list(),
        Command::Python(args) => python(args),
        Command::Eval(args) => eval::eval(args),
        Command::Validate(args) => validate::validate(args),
        Command::Verify(args) => verify(args),
        Command::Import(args) => {
            let imported = eval::import_dataset(&args.dataset, &args.repos_dir, &args.out, args.environment.as_deref())?;
            for i in &imported.imported {
                eprintln!("imported {} ({}) -> {}", i.instance_id, i.environment, i.folder.display());
            }
            imported.report_problems(&args.dataset);
            Ok(if imported.problems.is_empty() { 0 } else { 2 })
        }
    }
}

/// `--jobs`, defaulting to the number of cores.
pub(crate) fn default_jobs(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

pub(crate) fn sandbox() -> Result<Sandbox> {
    Ok(Sandbox::new(Home::from_env()?)?)
}

fn verify(args: VerifyArgs) -> Result<i32> {
    use sweperf::verify::{self, Overrides};
    let claims = verify::read_claims(&args.report)?;
    let evaluator = sweperf::Evaluator::from_sandbox(sandbox()?);
    let overrides = Overrides {
        instances_dir: args.instances,
        predictions: args.predictions,
        scratch_dir: args.scratch.scratch_dir,
    };
    let jobs = default_jobs(args.jobs);
    let spinner = progress::Spinner::new(&format!("verifying {} instance(s)", claims.len()));
    let v = verify::verify(&evaluator, claims, &overrides, jobs)?;
    spinner.clear();
    let exit = if v.passed() { Exit::Ok } else { Exit::Findings };
    match args.format {
        sweperf::export::Format::Json => {
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({
                "passed": v.passed(),
                "exit_code": exit.code(),
                "verification": v,
            }))?);
            return Ok(exit.code());
        }
        sweperf::export::Format::Table | sweperf::export::Format::Markdown => {}
    }
    let differences = |title: &str, list: &[verify::Difference]| {
        let rows: Vec<[String; 4]> = list.iter().map(|d| [d.instance_id.clone(), d.field.clone(), d.expected.clone(), d.found.clone()]).collect();
        let headers = ["instance", "field", "report", "found"].map(String::from);
        let mut widths = headers.clone().map(|h| h.len());
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count().min(70));
            }
        }
        let line = |cells: &[String; 4]| cells.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ");
        eprintln!("{title}");
        eprintln!("  {}", line(&headers));
        for r in &rows {
            eprintln!("  {}", line(r));
        }
    };
    if !v.fingerprint_differences.is_empty() {
        differences("the fingerprint differs, so fuel counts would not be comparable; nothing was run:", &v.fingerprint_differences);
        return Ok(exit.code());
    }
    for c in &v.checked {
        eprintln!("checked {}: status {}, {} fuel count(s), fingerprint", c.instance_id, c.status.word(), c.fuel_counts);
    }
    if !v.result_differences.is_empty() {
        differences("the re-run differs from the report:", &v.result_differences);
        return Ok(exit.code());
    }
    eprintln!("verified: {} instance(s), fingerprints, outcomes and every fuel count match", v.instances);
    Ok(exit.code())
}

fn env_list() -> Result<i32> {
    use sweperf::environment::{LAYERS, Table};
    let table = Table::builtin()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ENVIRONMENTS (every runtime is also an environment of its own name)")?;
    for e in &table.environments {
        writeln!(out, "  {:<20} runtime {:<16} layers [{}] requirements [{}]", e.name, e.runtime, e.layers.join(", "), e.requirements.join(", "))?;
        if !e.description.is_empty() {
            writeln!(out, "  {:<20} {}", "", e.description)?;
        }
    }
    writeln!(out, "\nLAYERS")?;
    for l in LAYERS {
        writeln!(out, "  {:<20} {}", l.name, l.about)?;
    }
    writeln!(out, "\nREQUIREMENTS (pure-Python wheels, pinned)")?;
    for w in &table.wheels {
        writeln!(out, "  {}=={}  sha256 {}", w.name, w.version, w.sha256)?;
    }
    writeln!(out, "\nREPOSITORIES (first matching rule wins; then BY DATE)")?;
    for r in &table.repositories {
        let mut limits = Vec::new();
        if let Some(v) = &r.max_version {
            limits.push(format!("<= {v}"));
        }
        if let Some(d) = &r.before {
            limits.push(format!("before {d}"));
        }
        let versions = if limits.is_empty() { "any".to_string() } else { limits.join(", ") };
        let status = match &r.unsupported {
            Some(why) => format!("unsupported: {why}"),
            None => r.note.clone(),
        };
        writeln!(out, "  {:<26} {:<18} -> {:<20} {}", r.repo, versions, r.environment, status)?;
    }
    writeln!(out, "\nBY DATE (repositories without a rule: the Python that was current at `created_at`)")?;
    for r in &table.by_date {
        let when = r.before.as_deref().map(|d| format!("before {d}")).unwrap_or_else(|| "after".into());
        writeln!(out, "  {:<45} -> {:<20} {}", when, r.environment, r.note)?;
    }
    writeln!(out, "  {:<45} -> {:<20} default", "no created_at", sweperf::environment::UNDATED)?;
    Ok(0)
}

fn runtime_list() -> Result<i32> {
    let home = Home::from_env()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{:<17} {:<8} {:<8} {:<8} DESCRIPTION", "NAME", "PYTHON", "ABI", "FETCHED")?;
    for m in runtime::builtin_runtimes()? {
        let fetched = home
            .root()
            .join("runtimes")
            .join(&m.name)
            .join(&m.module.sha256[..16])
            .exists();
        let abi = format!("{:?}", m.abi).to_lowercase();
        writeln!(
            out,
            "{:<17} {:<8} {:<8} {:<8} {}",
            m.name,
            m.python_version,
            abi,
            if fetched { "yes" } else { "no" },
            m.description
        )?;
    }
    writeln!(out, "cache: {}", home.root().display())?;
    Ok(0)
}

fn runtime_fetch(names: Vec<String>) -> Result<i32> {
    let sandbox = sandbox()?;
    let names = if names.is_empty() {
        runtime::builtin_runtimes()?.into_iter().map(|m| m.name).collect()
    } else {
        names
    };
    for name in names {
        let bar = progress::Spinner::new(&format!("{name}: checking"));
        sandbox
            .runtime(&name, &|p| bar.update(&name, p))
            .with_context(|| format!("fetching runtime {name}"))?;
        bar.finish(&format!("{name}: ready"));
    }
    Ok(0)
}

fn python(args: PythonArgs) -> Result<i32> {
    let sandbox = sandbox()?;
    let mut request = RunRequest::new(args.args);
    for spec in &args.mounts {
        let mut m: Mount = spec.parse()?;
        m.host = m
            .host
            .canonicalize()
            .with_context(|| format!("--mount {spec}: the host folder {} cannot be read", m.host.display()))?;
        request.mounts.push(m);
    }
    for kv in &args.env {
        let Some((k, v)) = kv.split_once('=') else {
            bail!("--env {kv}: expected KEY=VALUE");
        };
        request.env.push((k.to_string(), v.to_string()));
    }
    request.cwd = args.cwd;
    request.python_path = args.python_path;
    let environment = sweperf::environment::Table::builtin()?.resolve(args.environment.as_deref().unwrap_or(&args.runtime))?;
    sweperf::environment::equip(&mut request, &environment.layers)?;
    if !environment.requirements.is_empty() {
        let set = runtime::Toolchain {
            wheels: environment.requirements.clone(),
        };
        let site = sandbox.home().toolchain_site(&set, &|_| {})?;
        request.mounts.push(Mount::new(site, sweperf::measure::REQUIREMENTS_GUEST, sweperf::Access::ReadOnly));
        request.python_path.push(sweperf::measure::REQUIREMENTS_GUEST.to_string());
    }
    let runtime_name = environment.runtime.clone();
    request.seed = args.seed;
    request.limits = args.limits;
    let rt = {
        let bar = progress::Spinner::new_hidden_until_used();
        let rt = sandbox.runtime(&runtime_name, &|p| bar.update(&runtime_name, p))?;
        bar.clear();
        rt
    };
    let outcome = sandbox.run(&rt, &request)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({
            "runtime": runtime_name,
            "environment": environment.name,
            "outcome": outcome,
            "fuel_exact": outcome.fuel_is_exact(),
        }))?);
    } else {
        print!("{}", outcome.stdout);
        eprint!("{}", outcome.stderr);
        if outcome.stdout_truncated || outcome.stderr_truncated {
            eprintln!("sweperf: output was truncated at {} bytes per stream", request.limits.output_bytes);
        }
        // After a deadline the count is a lower bound, stale by the work since the guest's last
        // call (see Outcome::fuel_is_exact): say so rather than print it as a measurement.
        let fuel = if outcome.fuel_is_exact() {
            format!("fuel {}", outcome.fuel)
        } else {
            format!("fuel at least {} (not a measurement: the deadline stops the count between updates)", outcome.fuel)
        };
        eprintln!("sweperf: {} | {fuel} | {:.0} ms", outcome.status, outcome.wall_ms);
        if outcome.status == Status::OutOfFuel {
            eprintln!("sweperf: raise the budget with --fuel N (this run used {})", outcome.fuel);
        }
        if outcome.status == Status::Deadline {
            eprintln!("sweperf: raise the deadline with --timeout SECS");
        }
        if outcome.status == Status::DiskLimit {
            eprintln!("sweperf: a write was refused at the disk quota; raise it with --disk-mib N");
        }
    }
    Ok(match outcome.status {
        Status::Exited { code } => code,
        _ => Exit::GuestStopped.code(),
    })
}

