//! Measurements: run a set of pytest node ids on a tree inside the sandbox, through the guest
//! plugin, and read back each test's outcome and per-phase fuel, checked against what the host
//! itself observed.
//!
//! The guest reports raw fuel-clock readings; the host computes every phase's fuel from them and
//! checks each reading against the values its clock actually returned, their order, and that no
//! test is reported twice. What a session's reported call phases do not account for (start-up,
//! imports, collection, setup, teardown) is computed from the host's own fuel count. Anything
//! inconsistent is a [`Violation`], never silently dropped. A run that crashes, loops or runs out
//! of memory is still a measurement (its sandbox status says so, and its tests are missing or
//! failed). This module must not score anything, and must not trust any file the guest can reach:
//! it reads the results through a handle it opened before the guest started, and reads at most
//! [`MAX_RESULTS_BYTES`]. What it writes into a tree (bytecode restored from its cache) it writes
//! as new files or links, never into an existing file: a tree's code is the instance's own.

use std::collections::BTreeMap;
use std::io::{Read, Seek};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};
use crate::sandbox::{Access, Limits, LoadedRuntime, Mount, Outcome, RunRequest, Sandbox, Status};

/// Where the tree under test is mounted (read-write: tests may write beside themselves).
pub const REPO_GUEST: &str = "/repo";
const RESULTS_GUEST: &str = "/results";
const RESULTS_FILE: &str = "tests.jsonl";
/// Where an instance's extra requirements are mounted, read-only.
pub const REQUIREMENTS_GUEST: &str = "/requirements";
/// The most bytes of results read back from one session (64 MiB); more is a violation.
pub const MAX_RESULTS_BYTES: u64 = 64 << 20;

/// A test's outcome, as the plugin saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestOutcome {
    /// The test passed.
    Passed,
    /// The test's call phase failed.
    Failed,
    /// Setup or teardown failed.
    Error,
    /// Skipped.
    Skipped,
    /// Expected to fail, and failed.
    Xfailed,
    /// Expected to fail, and passed (not strict).
    Xpassed,
    /// Its file could not be collected (an import or syntax error).
    CollectionError,
    /// Asked for but never reported (not collected, deselected, or the run died first).
    Missing,
}

impl TestOutcome {
    /// The lower-case word used in reports.
    pub fn word(self) -> &'static str {
        match self {
            TestOutcome::Passed => "passed",
            TestOutcome::Failed => "failed",
            TestOutcome::Error => "error",
            TestOutcome::Skipped => "skipped",
            TestOutcome::Xfailed => "xfailed",
            TestOutcome::Xpassed => "xpassed",
            TestOutcome::CollectionError => "collection error",
            TestOutcome::Missing => "missing",
        }
    }

    /// Whether a session with this outcome counts as passing (skips and expected failures do
    /// not fail a session; whether they may replace a pass is the evaluation's business).
    pub fn acceptable(self) -> bool {
        matches!(self, TestOutcome::Passed | TestOutcome::Skipped | TestOutcome::Xfailed | TestOutcome::Xpassed)
    }
}

/// One test's outcome and the fuel of its phases, computed by the host from checked readings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestResult {
    /// How the test ended.
    pub outcome: TestOutcome,
    /// Fuel of the call phase; the measured cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_fuel: Option<u64>,
    /// Fuel of the setup phase, if it was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_fuel: Option<u64>,
    /// Fuel of the teardown phase, if it was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teardown_fuel: Option<u64>,
    /// The end of pytest's failure report, for failed, erroring and uncollectable tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A measurement the host cannot accept as reported: the code under test changed, forged or
/// hid part of its own measurement. Any of these makes a prediction `tampered`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Violation {
    /// A reported clock reading that the host's fuel clock never returned (the clock was
    /// replaced or the reading forged).
    ClockMismatch {
        /// The test.
        nodeid: String,
        /// The phase whose reading it is (`setup`, `call`, `teardown`).
        phase: String,
    },
    /// Readings out of the order in which phases and tests run.
    OutOfOrder {
        /// The test.
        nodeid: String,
        /// The phase whose reading is out of order.
        phase: String,
    },
    /// The same test reported more than once.
    DuplicateRecord {
        /// The test.
        nodeid: String,
    },
    /// A test reported as passed with no measured call phase.
    UnmeasuredPass {
        /// The test.
        nodeid: String,
    },
    /// More results than any honest session writes.
    ResultsOversized {
        /// The most bytes read ([`MAX_RESULTS_BYTES`]).
        bytes: u64,
    },
    /// The guest read the clock more often than the host keeps a log of.
    ClockLogOverflow,
    /// Fuel the reported call phases do not account for grew from base to patched by more than
    /// the tolerance: work was moved out of the measured phases (or their readings shrunk).
    UnaccountedGrowth {
        /// Unaccounted fuel on the base.
        base: u64,
        /// Unaccounted fuel with the patch.
        patched: u64,
        /// The most the patched side could have had.
        allowed: u64,
    },
    /// Code the patch adds outside the tests names the test runner or sweperf's guest modules,
    /// or replaces one of `time`'s clocks.
    RunnerTouched {
        /// The file, relative to the repository root.
        file: String,
        /// The added line.
        line: String,
    },
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::ClockMismatch { nodeid, phase } => {
                write!(f, "clock check: {nodeid} {phase}: a reported reading is not one the host's fuel clock returned")
            }
            Violation::OutOfOrder { nodeid, phase } => write!(f, "order check: {nodeid} {phase}: readings out of the order phases run in"),
            Violation::DuplicateRecord { nodeid } => write!(f, "record check: {nodeid} reported more than once"),
            Violation::UnmeasuredPass { nodeid } => write!(f, "record check: {nodeid} passed without a measured call phase"),
            Violation::ResultsOversized { bytes } => write!(f, "record check: more than {bytes} bytes of results"),
            Violation::ClockLogOverflow => write!(f, "clock check: the guest read the clock more than {} times", crate::sandbox::CLOCK_LOG_CAP),
            Violation::UnaccountedGrowth { base, patched, allowed } => write!(
                f,
                "accounting check: fuel outside the measured call phases grew from {base} to {patched} (allowed up to {allowed}): work moved out of the measured phases"
            ),
            Violation::RunnerTouched { file, line } => write!(f, "runner check: {file} touches the test runner, a clock or sweperf's guest code: `{line}`"),
        }
    }
}

/// One pytest session in the sandbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestRun {
    /// The node ids asked for.
    pub requested: Vec<String>,
    /// How the sandbox run ended.
    pub status: Status,
    /// Fuel of the whole sandbox run (interpreter start-up, collection, every test), as the host
    /// counted it.
    pub fuel: u64,
    /// Virtual time slept; the guest's clock advanced by `fuel + slept_ns` over the session.
    #[serde(default)]
    pub slept_ns: u64,
    /// The session's clock span minus every reported call phase: start-up, imports, collection,
    /// setup and teardown. Computed by the host.
    pub unaccounted_fuel: u64,
    /// Wall-clock time of the sandbox run, in milliseconds (not deterministic; informational).
    pub wall_ms: f64,
    /// Whether the session started from its runtime's snapshot (interpreter up, pytest
    /// imported): then `fuel` and `unaccounted_fuel` leave out that start-up (see
    /// `sandbox::Outcome::from_snapshot`). Not written when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_snapshot: bool,
    /// pytest's exit status, if the session finished.
    pub exitstatus: Option<i64>,
    /// Every test reported, by node id.
    pub tests: BTreeMap<String, TestResult>,
    /// What the host could not accept in this session's results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    /// What the session printed (not serialised).
    #[serde(skip)]
    pub stdout: String,
    /// What the session printed on stderr (not serialised).
    #[serde(skip)]
    pub stderr: String,
}

impl TestRun {
    /// Every test ran and passed (or was skipped), pytest said so, and nothing was forged.
    pub fn all_passed(&self) -> bool {
        self.status.success()
            && self.exitstatus == Some(0)
            && !self.tests.is_empty()
            && self.tests.values().all(|t| t.outcome.acceptable())
    }

    /// The result of one node id, `Missing` if it never reported.
    pub fn result(&self, node_id: &str) -> TestResult {
        self.tests.get(node_id).cloned().unwrap_or(TestResult {
            outcome: TestOutcome::Missing,
            call_fuel: None,
            setup_fuel: None,
            teardown_fuel: None,
            message: None,
        })
    }

    /// Sum of every reported call phase.
    pub fn call_fuel_total(&self) -> u64 {
        self.tests.values().filter_map(|t| t.call_fuel).sum()
    }

    /// A short reason for failure, for reports: the first failing test or the run's status.
    pub fn failure_summary(&self) -> Option<String> {
        if self.all_passed() {
            return None;
        }
        if !self.status.success() && !matches!(self.status, Status::Exited { .. }) {
            return Some(self.status.to_string());
        }
        if let Some((id, t)) = self.tests.iter().find(|(_, t)| !t.outcome.acceptable()) {
            return Some(format!("{id}: {}", t.outcome.word()));
        }
        if let Some(missing) = self.requested.iter().find(|r| r.contains("::") && !self.tests.contains_key(*r)) {
            return Some(format!("{missing}: not run"));
        }
        Some(match self.exitstatus {
            Some(5) => "pytest collected no tests".into(),
            Some(code) => format!("pytest exited with status {code}"),
            None => format!("pytest did not finish ({})", self.status),
        })
    }
}

/// What to run: the tree, the tests and how.
pub struct TestPlan<'a> {
    /// The tree to mount at the repository's guest path (read-write: a private copy).
    pub tree: &'a Path,
    /// The pytest arguments: node ids, files or folders.
    pub node_ids: &'a [String],
    /// The efficiency tests among `node_ids`: the plugin collects garbage before each of their
    /// calls, so that what ran before them does not land in their window.
    pub measured: &'a [String],
    /// Folders of the tree put on `sys.path`.
    pub python_path: &'a [String],
    /// An unpacked requirements folder, if the instance has any.
    pub requirements: Option<&'a Path>,
    /// Compatibility layers of the instance's environment.
    pub layers: &'a [String],
    /// Limits of the run.
    pub limits: &'a Limits,
    /// Seeds the guest's random sources.
    pub seed: u64,
    /// Start on the runtime's plain interpreter even where its snapshot could stand in (see
    /// [`RunRequest::plain`]).
    pub plain: bool,
}

impl TestPlan<'_> {
    /// The sandbox request this plan makes (without the results mount, which is per run).
    /// Errors: a layer the environment table does not know (see [`crate::environment::equip`]).
    pub fn request(&self) -> Result<RunRequest> {
        let mut request = RunRequest::new(["-m", "sweperf_pytest", "-q"]);
        request.plain = self.plain;
        request.args.extend(self.node_ids.iter().cloned());
        if !self.measured.is_empty() {
            request.env.push(("SWEPERF_MEASURED".into(), self.measured.join("\n")));
        }
        // Data only: code under test may write files where it runs, not Python code (see
        // `sandbox::guard`): no test module it has yet to import, no bytecode pytest would load.
        request.mounts.push(Mount::new(self.tree, REPO_GUEST, Access::ReadWriteData));
        request.python_path = self
            .python_path
            .iter()
            .map(|p| if p == "." { REPO_GUEST.to_string() } else { format!("{REPO_GUEST}/{p}") })
            .collect();
        if let Some(req) = self.requirements {
            request.mounts.push(Mount::new(req, REQUIREMENTS_GUEST, Access::ReadOnly));
            request.python_path.push(REQUIREMENTS_GUEST.to_string());
        }
        crate::environment::equip(&mut request, self.layers)?;
        request.cwd = Some(REPO_GUEST.to_string());
        request.env.push(("SWEPERF_RESULTS".into(), format!("{RESULTS_GUEST}/{RESULTS_FILE}")));
        request.limits = self.limits.clone();
        request.seed = self.seed;
        Ok(request)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    nodeid: Option<String>,
    outcome: Option<TestOutcome>,
    #[serde(default)]
    marks: BTreeMap<String, [u64; 2]>,
    message: Option<String>,
    session: Option<SessionLine>,
}

#[derive(Deserialize)]
struct SessionLine {
    exitstatus: i64,
}

/// Runs `plan` in the sandbox and reads the plugin's results.
///
/// Errors: those of [`Sandbox::run`], an unknown layer (see [`crate::environment::equip`]), or
/// [`Error::Io`] for the results file; a session that fails, crashes or forges results is a
/// [`TestRun`], not an error.
pub fn run_tests(sandbox: &Sandbox, runtime: &LoadedRuntime, plan: &TestPlan) -> Result<TestRun> {
    let results = tempfile::Builder::new()
        .prefix("sweperf-results-")
        .tempdir()
        .context(|| "creating a results folder".into())?;
    let path = results.path().join(RESULTS_FILE);
    std::fs::File::create(&path).context(|| format!("creating {}", path.display()))?;
    // Opened before the guest starts: whatever the guest later does to the name (unlink it,
    // replace it with a link), the host reads the file it created.
    let mut handle = std::fs::File::open(&path).context(|| format!("opening {}", path.display()))?;
    let mut request = plan.request()?;
    request.mounts.push(Mount::new(results.path(), RESULTS_GUEST, Access::ReadWrite));
    let outcome = sandbox.run(runtime, &request)?;
    handle.rewind().context(|| format!("reading {}", path.display()))?;
    let mut bytes = Vec::new();
    (&mut handle)
        .take(MAX_RESULTS_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    let mut oversized = None;
    if bytes.len() as u64 > MAX_RESULTS_BYTES {
        bytes.truncate(MAX_RESULTS_BYTES as usize);
        oversized = Some(Violation::ResultsOversized { bytes: MAX_RESULTS_BYTES });
    }
    let mut run = parse_results(plan.node_ids, outcome, &String::from_utf8_lossy(&bytes));
    run.violations.extend(oversized);
    Ok(run)
}

/// Whether a tree's file is one to compile ahead: Python source outside hidden folders. Test
/// modules and conftests get pytest's rewritten form (see `runtimes/guest/sweperf_compile.py`).
fn compiled_ahead(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    parts[parts.len() - 1].ends_with(".py") && !parts[..parts.len() - 1].iter().any(|d| d.starts_with('.'))
}

/// Bytecode from earlier compile runs, by what it was compiled from: the runtime, the toolchain,
/// the compile script, the file's guest path and its bytes (a test module is only compiled, and
/// cached, when rewriting does not depend on the repository's configuration). A base tree is compiled once and every patched tree of it reuses all but the
/// files the patch changed; a tree whose every file is known is not compiled at all.
///
/// Only the host writes here, from the outputs of compile runs (which run no code of the tree);
/// a folder per source file, holding that file's `.pyc` files as named in its `__pycache__`.
/// It may be deleted at any time.
pub struct BytecodeCache {
    dir: std::path::PathBuf,
    salt: String,
    /// Whether entries are read (a fresh measurement only writes them).
    pub read: bool,
}

impl BytecodeCache {
    /// The cache in the folder `dir` for trees compiled by `runtime` (its module and toolchain).
    pub fn new(dir: std::path::PathBuf, runtime: &LoadedRuntime) -> Result<Self> {
        let site = crate::runtime::Home::tree_marker(&runtime.provisioned.site)?;
        let script = crate::sandbox::GUEST_FILES.iter().find(|(n, _)| *n == "sweperf_compile.py").map_or("", |(_, t)| *t);
        let salt = crate::digest::sha256_hex(format!("{}\n{site}\n{}", runtime.provisioned.manifest.module.sha256, crate::digest::sha256_hex(script.as_bytes())).as_bytes());
        Ok(BytecodeCache { dir, salt, read: true })
    }

    /// Where the bytecode of the file `rel` of `tree` is (or would be) kept. Errors: `rel`
    /// cannot be read.
    pub fn entry(&self, tree: &Path, rel: &str) -> Result<std::path::PathBuf> {
        let mut material = format!("{}\n{rel}\n", self.salt).into_bytes();
        material.extend_from_slice(&std::fs::read(tree.join(rel)).context(|| format!("reading {rel}"))?);
        Ok(self.dir.join(crate::digest::sha256_hex(&material)))
    }
}

/// A source file's `__pycache__` folder and the prefix of its `.pyc` names there.
fn pycache_of(tree: &Path, rel: &str) -> (std::path::PathBuf, String) {
    let source = tree.join(rel);
    let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    (source.parent().unwrap_or(tree).join("__pycache__"), format!("{stem}."))
}

/// The `.pyc` files of `rel` in its `__pycache__`: (path, name).
fn outputs_of(tree: &Path, rel: &str) -> Vec<(std::path::PathBuf, String)> {
    let (dir, prefix) = pycache_of(tree, rel);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<_> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name.starts_with(&prefix) && name.ends_with(".pyc") && e.file_type().is_ok_and(|t| t.is_file())).then(|| (e.path(), name))
        })
        .collect();
    out.sort();
    out
}

/// Puts the cached `.pyc` files of `rel` in place (removing any others it has), as links to the
/// cache's (`link`) or copies; false if the cache has no entry.
fn restore_outputs(entry: &Path, tree: &Path, rel: &str, link: bool) -> Result<bool> {
    let Ok(files) = std::fs::read_dir(entry) else { return Ok(false) };
    for (path, _) in outputs_of(tree, rel) {
        std::fs::remove_file(&path).context(|| format!("removing {}", path.display()))?;
    }
    let (dir, _) = pycache_of(tree, rel);
    for f in files.flatten() {
        std::fs::create_dir_all(&dir).context(|| format!("creating {}", dir.display()))?;
        // A link, not a copy (creating thousands of files is most of a large repository's warm
        // evaluation): no guest can write through it, as the measured tree's code guard refuses
        // every write to a `.pyc`, and the compile step and the host only replace files.
        let to = dir.join(f.file_name());
        if link {
            crate::tree::link(&f.path(), &to)?;
        } else {
            crate::tree::copy(&f.path(), &to)?;
        }
    }
    Ok(true)
}

/// Records the `.pyc` files the compile run wrote for `rel`, atomically (a folder moved in).
fn store_outputs(entry: &Path, tree: &Path, rel: &str) -> Result<()> {
    if entry.exists() {
        return Ok(());
    }
    let parent = entry.parent().expect("cache entries live in a folder");
    std::fs::create_dir_all(parent).context(|| format!("creating {}", parent.display()))?;
    let staging = tempfile::Builder::new().prefix(".staging-").tempdir_in(parent).context(|| format!("staging in {}", parent.display()))?;
    for (path, name) in outputs_of(tree, rel) {
        std::fs::copy(&path, staging.path().join(&name)).context(|| format!("caching {}", path.display()))?;
    }
    let staged = staging.keep();
    if std::fs::rename(&staged, entry).is_err() {
        // Another process stored the same entry first: it holds the same bytes.
        let _ = std::fs::remove_dir_all(&staged);
    }
    Ok(())
}

/// Whether the tree's pytest configuration enables the assertion pass hook, which changes what
/// rewriting produces: its test modules are then left to pytest.
fn pass_hook_enabled(tree: &Path) -> bool {
    ["pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"]
        .iter()
        .any(|name| std::fs::read(tree.join(name)).is_ok_and(|b| b.windows(26).any(|w| w == b"enable_assertion_pass_hook")))
}

/// Compiles the tree `plan` measures to bytecode, outside any measured session, with the guest's
/// `sweperf_compile`: modules of the code under test to checked-hash `.pyc`, test modules and
/// conftests to pytest's assertion-rewritten `.pyc`, so that a session pays neither for
/// compiling the code under test nor for rewriting its tests (imports then only check each
/// source's hash). The files are deterministic for a given tree, runtime and toolchain. A file
/// that does not compile is left to fail (or not) on import, as it would have.
///
/// With a `cache`, files compiled before (same bytes, same path) are taken from it and only the
/// others are compiled; `Ok(None)` when nothing needed compiling. Past [`COMPILE_SPLIT_BYTES`]
/// the files are compiled by two guests at once (see `compile_groups`); the outcome is then the
/// first failing run's, else the first's, with the fuel of both.
pub fn compile_tree(sandbox: &Sandbox, runtime: &LoadedRuntime, plan: &TestPlan, cache: Option<&BytecodeCache>) -> Result<Option<Outcome>> {
    // The working directory (first on `sys.path` for `-m`) is the empty scratch folder: nothing
    // in the tree is importable here, so the tree's code cannot run, only be compiled.
    let rewrite_tests = !pass_hook_enabled(plan.tree);
    let entries = crate::instance::repo_entries(plan.tree)?;
    // Restored bytecode is linked from the cache, but copied into a tree where a symbolic link
    // could lead a writer to it under another name (see `tree::has_code_symlinks`).
    let link = !crate::tree::has_code_symlinks(plan.tree, &entries)?;
    // (guest path, whether it is rewritten as a test, its size, its cache entry)
    let mut todo: Vec<(String, bool, u64, Option<std::path::PathBuf>)> = Vec::new();
    for (rel, _) in entries {
        // Regular files only: a link may dangle or lead out of the tree (the guest could not
        // follow it there either).
        if !compiled_ahead(&rel) {
            continue;
        }
        let Some(meta) = std::fs::symlink_metadata(plan.tree.join(&rel)).ok().filter(|m| m.is_file()) else { continue };
        let is_test = crate::instance::is_test_file(&rel);
        let rewritten = is_test || rel.rsplit('/').next() == Some("conftest.py");
        // Rewriting is the expensive part: only the test modules the session can collect
        // (conftests always).
        if rewritten && (!rewrite_tests || (is_test && !plan.node_ids.iter().any(|n| selects(crate::instance::node_file(n), &rel)))) {
            continue;
        }
        let mut entry = None;
        if let Some(cache) = cache {
            let e = cache.entry(plan.tree, &rel)?;
            if cache.read && restore_outputs(&e, plan.tree, &rel, link)? {
                continue;
            }
            entry = Some(e);
        }
        todo.push((rel, rewritten, meta.len(), entry));
    }
    if todo.is_empty() {
        return Ok(None);
    }
    let groups = compile_groups(&todo);
    let run = |group: &[usize]| -> Result<Outcome> {
        let mut request = RunRequest::new(["-m", "sweperf_compile", "--modules"]);
        // On the plain interpreter even on a snapshot runtime: the bytecode cache's entries are
        // keyed by the interpreter's module (see `BytecodeCache::new`), which a snapshot runtime
        // shares with its plain runtime, so both must compile alike.
        request.plain = true;
        request.args.extend(group.iter().filter(|&&i| !todo[i].1).map(|&i| format!("{REPO_GUEST}/{}", todo[i].0)));
        request.args.push("--tests".into());
        request.args.extend(group.iter().filter(|&&i| todo[i].1).map(|&i| format!("{REPO_GUEST}/{}", todo[i].0)));
        request.mounts.push(Mount::new(plan.tree, REPO_GUEST, Access::ReadWrite));
        request.cwd = Some(crate::sandbox::SCRATCH_GUEST.to_string());
        request.limits = plan.limits.clone();
        request.seed = plan.seed;
        let outcome = sandbox.run(runtime, &request)?;
        if outcome.status.success() {
            for &i in group {
                if let (rel, _, _, Some(entry)) = &todo[i] {
                    store_outputs(entry, plan.tree, rel)?;
                }
            }
        }
        Ok(outcome)
    };
    let outcomes: Vec<Result<Outcome>> = match groups.as_slice() {
        [one] => vec![run(one)],
        _ => std::thread::scope(|scope| {
            let handles: Vec<_> = groups.iter().map(|g| scope.spawn(|| run(g))).collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
        }),
    };
    let mut outcomes = outcomes.into_iter().collect::<Result<Vec<_>>>()?;
    let fuel = outcomes.iter().map(|o| o.fuel).sum();
    let first = outcomes.iter().position(|o| !o.status.success()).unwrap_or(0);
    let mut outcome = outcomes.swap_remove(first);
    outcome.fuel = fuel;
    Ok(Some(outcome))
}

/// Source bytes of code under test past which the compile step is split over two guests, which
/// run at once (below it, a second interpreter start-up costs more than it saves).
pub const COMPILE_SPLIT_BYTES: u64 = 512 * 1024;

/// Splits the files to compile (`(path, rewritten, size, _)`) into one or two groups of indices.
/// Test modules stay together (each guest that rewrites pays for importing pytest's rewriter)
/// and weigh 10x their size (rewriting is pure-Python AST work: 1.1 G fuel for 21 KB of tests,
/// where compiling 25 KB of modules costs 0.12 G), plus 160 KB for the rewriter's import; the
/// modules go, largest first, to the lighter group. A file's bytecode does not depend on which
/// other files its guest compiled, so the split changes no output.
fn compile_groups<T>(files: &[(String, bool, u64, T)]) -> Vec<Vec<usize>> {
    let weight = |f: &(String, bool, u64, T)| if f.1 { f.2 * 10 } else { f.2 };
    let total: u64 = files.iter().map(weight).sum();
    if total < COMPILE_SPLIT_BYTES {
        return vec![(0..files.len()).collect()];
    }
    let tests: Vec<usize> = (0..files.len()).filter(|&i| files[i].1).collect();
    let mut load = [0u64; 2];
    if !tests.is_empty() {
        load[0] = 160 * 1024 + tests.iter().map(|&i| weight(&files[i])).sum::<u64>();
    }
    let mut groups = [tests, Vec::new()];
    let mut modules: Vec<usize> = (0..files.len()).filter(|&i| !files[i].1).collect();
    modules.sort_by_key(|&i| (std::cmp::Reverse(files[i].2), i));
    for i in modules {
        let lighter = usize::from(load[1] < load[0]);
        load[lighter] += weight(&files[i]);
        groups[lighter].push(i);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_iter().filter(|g| !g.is_empty()).collect();
    for g in &mut groups {
        g.sort();
    }
    groups
}

const PHASES: [&str; 3] = ["setup", "call", "teardown"];

/// Reads the plugin's lines and checks them against the host's clock log.
fn parse_results(requested: &[String], outcome: Outcome, text: &str) -> TestRun {
    let log = &outcome.clock_log;
    let mut tests = BTreeMap::new();
    let mut exitstatus = None;
    let mut violations = Vec::new();
    if log.overflowed {
        violations.push(Violation::ClockLogOverflow);
    }
    // Phases run one after another, tests one after another: readings never go back.
    let mut last_reading = 0u64;
    for line in text.lines() {
        // A run killed mid-write leaves a partial last line; everything before it counts.
        let Ok(l) = serde_json::from_str::<Line>(line) else { continue };
        if let Some(s) = l.session {
            exitstatus = Some(s.exitstatus);
            continue;
        }
        let (Some(id), Some(test_outcome)) = (l.nodeid, l.outcome) else { continue };
        let mut fuel = [None; 3];
        for (i, phase) in PHASES.iter().enumerate() {
            let Some(&[start, end]) = l.marks.get(*phase) else { continue };
            if !log.contains(start) || !log.contains(end) {
                violations.push(Violation::ClockMismatch { nodeid: id.clone(), phase: phase.to_string() });
                continue;
            }
            if start < last_reading || end < start {
                violations.push(Violation::OutOfOrder { nodeid: id.clone(), phase: phase.to_string() });
                continue;
            }
            last_reading = end;
            fuel[i] = Some(end - start);
        }
        if l.marks.keys().any(|k| !PHASES.contains(&k.as_str())) {
            violations.push(Violation::OutOfOrder { nodeid: id.clone(), phase: "unknown".into() });
        }
        if test_outcome == TestOutcome::Passed && fuel[1].is_none() {
            violations.push(Violation::UnmeasuredPass { nodeid: id.clone() });
        }
        let result = TestResult {
            outcome: test_outcome,
            setup_fuel: fuel[0],
            call_fuel: fuel[1],
            teardown_fuel: fuel[2],
            message: l.message,
        };
        if tests.insert(id.clone(), result).is_some() {
            violations.push(Violation::DuplicateRecord { nodeid: id });
        }
    }
    let span = outcome.fuel.saturating_add(outcome.slept_ns);
    let calls: u64 = tests.values().filter_map(|t: &TestResult| t.call_fuel).sum();
    TestRun {
        requested: requested.to_vec(),
        status: outcome.status,
        fuel: outcome.fuel,
        slept_ns: outcome.slept_ns,
        unaccounted_fuel: span.saturating_sub(calls),
        wall_ms: outcome.wall_ms,
        from_snapshot: outcome.from_snapshot,
        exitstatus,
        tests,
        violations,
        stdout: outcome.stdout,
        stderr: outcome.stderr,
    }
}

/// Whether pytest argument `arg` (a folder, a file or a node id) already selects `node_id`.
pub fn selects(arg: &str, node_id: &str) -> bool {
    if arg == node_id {
        return true;
    }
    let arg = arg.trim_end_matches('/');
    if arg.contains("::") {
        // A class or function selects the node ids below it.
        return node_id.starts_with(&format!("{arg}::")) || node_id.starts_with(&format!("{arg}["));
    }
    let file = crate::instance::node_file(node_id);
    arg == "." || file == arg || file.starts_with(&format!("{arg}/"))
}

/// The arguments of one session that runs `first` (in order) and then whatever of `then` they
/// do not already select: efficiency tests first, so that their cost does not depend on what the
/// correctness tests leave behind. (pytest itself would run a test also selected by a later
/// file argument in that file's order; the guest plugin puts the efficiency tests back first.)
pub fn session_args(first: &[String], then: &[String]) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    for a in first.iter().chain(then) {
        if !args.iter().any(|b| selects(b, a)) {
            args.push(a.clone());
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::ClockLog;

    fn outcome(code: i32, fuel: u64, clock: &[u64]) -> Outcome {
        Outcome {
            status: Status::Exited { code },
            fuel,
            stdout: String::new(),
            stderr: String::new(),
            stdout_truncated: false,
            stderr_truncated: false,
            memory_limit_hit: false,
            slept_ns: 0,
            clock_log: ClockLog {
                values: clock.to_vec(),
                overflowed: false,
            },
            wall_ms: 1.0,
            from_snapshot: false,
        }
    }

    const CLOCK: [u64; 8] = [100, 110, 120, 150, 160, 170, 200, 260];

    #[test]
    fn large_compiles_are_split_in_two_with_the_tests_together() {
        let f = |name: &str, test: bool, size: u64| (name.to_string(), test, size, ());
        let small = [f("a.py", false, 1000), f("tests/test_a.py", true, 1000)];
        assert_eq!(compile_groups(&small), vec![vec![0, 1]]);
        let big = [f("a.py", false, 300_000), f("tests/test_a.py", true, 2_000), f("tests/test_b.py", true, 2_000), f("b.py", false, 200_000), f("c.py", false, 150_000)];
        let groups = compile_groups(&big);
        assert_eq!(groups.len(), 2, "{groups:?}");
        let with_tests = groups.iter().find(|g| g.contains(&1)).unwrap();
        assert!(with_tests.contains(&2), "test modules stay in one guest: {groups:?}");
        let mut all: Vec<usize> = groups.concat();
        all.sort();
        assert_eq!(all, [0, 1, 2, 3, 4], "every file once");
        // The tests' group carries the rewriter's import, so the largest module goes elsewhere.
        assert!(!with_tests.contains(&0), "{groups:?}");
    }

    #[test]
    fn results_are_read_and_a_torn_last_line_is_ignored() {
        let text = "{\"nodeid\": \"t.py::a\", \"outcome\": \"passed\", \"marks\": {\"setup\": [100, 110], \"call\": [120, 150], \"teardown\": [160, 170]}}\n{\"nodeid\": \"t.py::b\", \"outcome\": \"failed\", \"marks\": {\"call\": [200, 260]}, \"message\": \"boom\"}\n{\"session\": {\"exitstatus\": 1, \"collected\": 2}}\n{\"nodeid\": \"t.py::c\", \"outc";
        let run = parse_results(&["t.py".into()], outcome(1, 1000, &CLOCK), text);
        assert_eq!(run.result("t.py::a").call_fuel, Some(30));
        assert_eq!(run.result("t.py::a").setup_fuel, Some(10));
        assert_eq!(run.result("t.py::b").outcome, TestOutcome::Failed);
        assert_eq!(run.result("t.py::c").outcome, TestOutcome::Missing);
        assert_eq!(run.exitstatus, Some(1));
        assert_eq!(run.unaccounted_fuel, 1000 - 30 - 60);
        assert!(run.violations.is_empty(), "{:?}", run.violations);
        assert!(!run.all_passed());
        assert_eq!(run.failure_summary().unwrap(), "t.py::b: failed");
    }

    #[test]
    fn all_passed_needs_a_finished_session() {
        let text = "{\"nodeid\": \"t.py::a\", \"outcome\": \"passed\", \"marks\": {\"call\": [120, 150]}}\n";
        assert!(!parse_results(&["t.py::a".into()], outcome(0, 500, &CLOCK), text).all_passed());
        let text = format!("{text}{{\"session\": {{\"exitstatus\": 0, \"collected\": 1}}}}\n");
        assert!(parse_results(&["t.py::a".into()], outcome(0, 500, &CLOCK), &text).all_passed());
    }

    #[test]
    fn readings_the_clock_never_returned_are_violations() {
        // A slowed clock: readings divided by 1000 were never handed out.
        let text = "{\"nodeid\": \"t.py::a\", \"outcome\": \"passed\", \"marks\": {\"call\": [0, 1]}}\n";
        let run = parse_results(&[], outcome(0, 500, &CLOCK), text);
        assert_eq!(run.violations[0], Violation::ClockMismatch { nodeid: "t.py::a".into(), phase: "call".into() });
        assert_eq!(run.result("t.py::a").call_fuel, None);
        // The same test twice (a forged later line), and readings that go back in time.
        let text = "{\"nodeid\": \"t.py::a\", \"outcome\": \"passed\", \"marks\": {\"call\": [150, 200]}}\n{\"nodeid\": \"t.py::a\", \"outcome\": \"passed\", \"marks\": {\"call\": [100, 110]}}\n";
        let run = parse_results(&[], outcome(0, 500, &CLOCK), text);
        assert!(run.violations.contains(&Violation::OutOfOrder { nodeid: "t.py::a".into(), phase: "call".into() }), "{:?}", run.violations);
        assert!(run.violations.contains(&Violation::DuplicateRecord { nodeid: "t.py::a".into() }), "{:?}", run.violations);
        // A pass with no measurement at all, and forged old-style fuel fields.
        let text = "{\"nodeid\": \"t.py::b\", \"outcome\": \"passed\"}\n{\"nodeid\": \"t.py::c\", \"outcome\": \"passed\", \"call_fuel\": 1}\n";
        let run = parse_results(&[], outcome(0, 500, &CLOCK), text);
        assert_eq!(run.violations, [Violation::UnmeasuredPass { nodeid: "t.py::b".into() }]);
        assert_eq!(run.result("t.py::c").outcome, TestOutcome::Missing, "a line with unknown fields is not a result");
    }

    #[test]
    fn python_sources_outside_hidden_folders_are_compiled_ahead() {
        for yes in ["pkg/mod.py", "setup.py", "pkg/sub/__init__.py", "tests/helpers.py", "pkg/tests/test_x.py", "test_top.py", "conftest.py"] {
            assert!(compiled_ahead(yes), "{yes}");
        }
        for no in ["README.md", ".venv/x.py", "pkg/.hidden/util.py", "pkg/mod.pyc"] {
            assert!(!compiled_ahead(no), "{no}");
        }
    }

    #[test]
    fn sessions_run_efficiency_tests_first_without_repeats() {
        let first = vec!["tests/test_perf.py::test_a".to_string(), "tests/test_perf.py::test_b".to_string()];
        let then = vec!["tests".to_string(), "tests/test_perf.py::test_a".to_string()];
        assert_eq!(session_args(&first, &then), ["tests/test_perf.py::test_a", "tests/test_perf.py::test_b", "tests"]);
        assert!(selects("tests", "tests/x/test_y.py::t"));
        assert!(!selects("tests", "tests2/test_y.py::t"));
        assert!(selects("t.py::C", "t.py::C::test_x"));
        assert!(!selects("t.py::C", "t.py::Cx"));
    }
}
