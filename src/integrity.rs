//! What a patch may not change about its own measurement, and the host's checks that it did not.
//!
//! - **Tests belong to the instance.** After a patch is applied, every path it touched that is
//!   part of how the instance is tested ([`is_protected`]: the test files and folders the
//!   instance names, any `conftest.py`, test modules and test folders, pytest's configuration
//!   files, bytecode (`__pycache__`, `.pyc`), and new modules that would shadow the test runner) is put back to the instance's
//!   version, as SWE-bench restores test files; the report lists what was discarded.
//! - **The patch does not reach for the runner.** Code the patch adds outside the tests may not
//!   import or name the test runner or sweperf's guest modules ([`runner_touches`]).
//! - **The host is the authority on fuel.** The fuel a session's reported call phases do not
//!   account for must not grow from base to patched by more than [`allowed_unaccounted`]: work
//!   moved out of the measured phases, and readings shrunk or forged, show up there, while an
//!   honest patch that speeds some tests and slows others does not.
//! - **A skipped test is not a passed test** ([`lost_passes`]).
//!
//! This module must not run anything, must not touch any tree but the one it is given, and must
//! not open an existing file of a tree for writing (its files are the instance's own, linked: a
//! restored file is written anew).

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{IoContext, Result};
use crate::instance::{Instance, node_file};
use crate::measure::{TestOutcome, TestRun, Violation, selects};
use crate::patch;

/// pytest's configuration files: restored wherever they are.
const CONFIG_FILES: &[&str] = &["conftest.py", "pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml", "sitecustomize.py", "usercustomize.py"];
/// Folder names whose contents are tests or test support.
const TEST_DIRS: &[&str] = &["tests", "test", "testing"];
/// Top-level modules of the test runner and of sweperf's guest code: a patch may not add a
/// module by these names (it would replace the runner).
const RUNNER_MODULES: &[&str] = &["pytest", "_pytest", "pluggy", "iniconfig", "py", "sweperf_pytest", "_sweperf_boot"];
/// Names that added code under test may not mention (comments aside).
const RUNNER_NAMES: &[&str] = &["_pytest", "pluggy", "sweperf_pytest", "_sweperf_boot", "import pytest", "from pytest", "'pytest'", "\"pytest\""];

/// The `time` functions a measurement could be read from: code under test may not replace them.
const CLOCKS: &[&str] = &["perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "process_time", "process_time_ns", "thread_time", "thread_time_ns", "time", "time_ns"];

/// Whether a line of code assigns to one of `time`'s clocks (`time.perf_counter_ns = ...`) or
/// replaces one with `setattr(time, ...)`.
fn assigns_a_clock(code: &str) -> bool {
    if code.replace(' ', "").contains("setattr(time,") {
        return true;
    }
    code.match_indices("time.").any(|(at, _)| {
        let rest = &code[at + "time.".len()..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let after = rest[name.len()..].trim_start();
        CLOCKS.contains(&name.as_str()) && after.starts_with('=') && !after.starts_with("==")
    })
}

/// The least unaccounted-fuel growth tolerated for honest import-time changes: 50 M fuel.
pub const UNACCOUNTED_ABS_TOLERANCE: u64 = 50_000_000;
/// ... or this fraction of the base's unaccounted fuel (in thousandths: 1%), whichever is larger.
pub const UNACCOUNTED_REL_TOLERANCE_PERMILLE: u64 = 10;
/// ... plus this fraction of the net call-phase savings (in thousandths: half): an honest patch
/// may pay up front (an index built at construction, a table at import) for a larger saving
/// inside the measured calls, but work that merely moved out of them saves nothing overall.
pub const UNACCOUNTED_SAVINGS_SHARE_PERMILLE: u64 = 500;

/// What happened to a protected path the patch touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EditKind {
    /// The patch changed it; the instance's version was put back.
    Modified,
    /// The patch created it; it was removed.
    Added,
    /// The patch deleted it; the instance's version was put back.
    Deleted,
}

/// A patch edit that was discarded because it touched how the instance is tested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscardedEdit {
    /// The path, relative to the repository root.
    pub path: String,
    /// Whether the patch changed, added or deleted it.
    pub kind: EditKind,
}

/// Whether `rel` (relative to the repository root) is part of how `instance` is tested.
pub fn is_protected(instance: &Instance, rel: &str) -> bool {
    let components: Vec<&str> = rel.split('/').collect();
    let name = components.last().copied().unwrap_or(rel);
    if CONFIG_FILES.contains(&name) {
        return true;
    }
    // Bytecode is the compile step's to write: a `.pyc` the patch brings could stand in for a
    // (restored) test module or for the code it claims to change.
    if name.ends_with(".pyc") || name.ends_with(".pyo") || components.contains(&"__pycache__") {
        return true;
    }
    if crate::instance::is_test_file(rel) {
        return true;
    }
    if components[..components.len() - 1].iter().any(|c| TEST_DIRS.contains(c)) {
        return true;
    }
    // A folder the instance names protects what is in it; the whole repository (`.`) does not.
    let named = instance.efficiency_tests.iter().chain(&instance.correctness_tests).map(|t| node_file(t));
    named.into_iter().any(|t| t != "." && t != "./" && selects(t, rel))
}

/// Whether a file the patch creates at `rel` would shadow the test runner on `sys.path`.
fn shadows_runner(instance: &Instance, rel: &str) -> bool {
    instance.python_path.iter().any(|root| {
        let inside = if root == "." { Some(rel) } else { rel.strip_prefix(&format!("{root}/")) };
        inside.is_some_and(|r| {
            let top = r.split('/').next().unwrap_or(r);
            let module = top.strip_suffix(".py").unwrap_or(top);
            RUNNER_MODULES.contains(&module)
        })
    })
}

/// After `patch_text` was applied to `tree`, puts back every protected path it touched to the
/// instance's version (or removes it where the instance has none), and returns what was
/// discarded, sorted by path.
///
/// Errors: [`Error::Io`](crate::Error::Io) when a protected path cannot be put back or removed.
pub fn restore_tests(instance: &Instance, tree: &Path, patch_text: &str) -> Result<Vec<DiscardedEdit>> {
    let touched = patch::touched_files(patch_text).unwrap_or_default();
    let base = instance.repo();
    let mut discarded = Vec::new();
    for rel in touched {
        let original = base.join(&rel);
        let existed = fs::symlink_metadata(&original).is_ok();
        if !(is_protected(instance, &rel) || (!existed && shadows_runner(instance, &rel))) {
            continue;
        }
        let current = tree.join(&rel);
        let now = fs::symlink_metadata(&current).ok();
        let kind = match (existed, now.is_some()) {
            (true, true) => {
                if fs::read(&original).ok() == fs::read(&current).ok() {
                    continue;
                }
                EditKind::Modified
            }
            (true, false) => EditKind::Deleted,
            (false, true) => EditKind::Added,
            (false, false) => continue,
        };
        if now.is_some() {
            fs::remove_file(&current).context(|| format!("discarding the patch's edit of {}", current.display()))?;
        }
        if existed {
            if let Some(parent) = current.parent() {
                fs::create_dir_all(parent).context(|| format!("creating {}", parent.display()))?;
            }
            // A copy, written anew (a handful of files; a copy is safe in any tree).
            crate::tree::copy(&original, &current)?;
        }
        discarded.push(DiscardedEdit { path: rel, kind });
    }
    discarded.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(discarded)
}

/// Whether everything `patch_text` touches was discarded: the patch only edits tests.
pub fn only_tests(patch_text: &str, discarded: &[DiscardedEdit]) -> bool {
    let touched = patch::touched_files(patch_text).unwrap_or_default();
    !touched.is_empty() && touched.iter().all(|t| discarded.iter().any(|d| &d.path == t))
}

/// Lines the patch adds to code under test that name the test runner or sweperf's guest code.
pub fn runner_touches(instance: &Instance, patch_text: &str) -> Vec<Violation> {
    let Ok(lines) = patch::added_lines(patch_text) else { return Vec::new() };
    lines
        .into_iter()
        .filter(|(file, _)| file.ends_with(".py") && !is_protected(instance, file))
        .filter(|(_, line)| {
            let code = line.split('#').next().unwrap_or(line);
            RUNNER_NAMES.iter().any(|n| code.contains(n)) || assigns_a_clock(code)
        })
        .map(|(file, line)| Violation::RunnerTouched {
            file,
            line: line.trim().chars().take(120).collect(),
        })
        .collect()
}

/// The most unaccounted fuel the patched session may show, given the base session.
pub fn allowed_unaccounted(base: &TestRun, patched: &TestRun) -> u64 {
    let tolerance = UNACCOUNTED_ABS_TOLERANCE.max(base.unaccounted_fuel / 1000 * UNACCOUNTED_REL_TOLERANCE_PERMILLE);
    let savings = base.call_fuel_total().saturating_sub(patched.call_fuel_total());
    base.unaccounted_fuel
        .saturating_add(tolerance)
        .saturating_add(savings / 1000 * UNACCOUNTED_SAVINGS_SHARE_PERMILLE)
}

/// The accounting check: a violation if the patched session's unaccounted fuel grew too much.
pub fn check_accounting(base: &TestRun, patched: &TestRun) -> Option<Violation> {
    let allowed = allowed_unaccounted(base, patched);
    (patched.unaccounted_fuel > allowed).then(|| Violation::UnaccountedGrowth {
        base: base.unaccounted_fuel,
        patched: patched.unaccounted_fuel,
        allowed,
    })
}

/// Tests that passed on the base but were skipped, xfailed, deselected, missing or failed on
/// the patched tree, with what they became.
pub fn lost_passes(base: &TestRun, patched: &TestRun) -> Vec<(String, TestOutcome)> {
    base.tests
        .iter()
        .filter(|(_, t)| t.outcome == TestOutcome::Passed)
        .filter_map(|(id, _)| {
            let now = patched.result(id).outcome;
            (now != TestOutcome::Passed).then(|| (id.clone(), now))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::measure::TestResult;
    use crate::sandbox::Status;

    fn run(unaccounted: u64, calls: &[(&str, TestOutcome, u64)]) -> TestRun {
        TestRun {
            requested: vec![],
            status: Status::Exited { code: 0 },
            fuel: 0,
            slept_ns: 0,
            unaccounted_fuel: unaccounted,
            wall_ms: 0.0,
            from_snapshot: false,
            exitstatus: Some(0),
            tests: calls
                .iter()
                .map(|(id, outcome, fuel)| {
                    (
                        id.to_string(),
                        TestResult {
                            outcome: *outcome,
                            call_fuel: Some(*fuel),
                            setup_fuel: None,
                            teardown_fuel: None,
                            message: None,
                        },
                    )
                })
                .collect::<BTreeMap<_, _>>(),
            violations: vec![],
            stdout: String::new(),
            stderr: String::new(),
        }
    }

    const P: TestOutcome = TestOutcome::Passed;

    #[test]
    fn work_moved_out_of_the_measured_calls_is_caught_but_honest_trade_offs_are_not() {
        let base = run(10_000_000_000, &[("a", P, 4_000_000_000), ("b", P, 1_000_000_000)]);
        // A memo cache warmed at import: 3.9 G left the call and reappeared outside it.
        let warmed = run(13_900_000_000, &[("a", P, 100_000_000), ("b", P, 1_000_000_000)]);
        assert!(matches!(check_accounting(&base, &warmed), Some(Violation::UnaccountedGrowth { .. })));
        // Honest: a faster test and a slower one, start-up unchanged.
        let traded = run(10_000_000_000, &[("a", P, 1_000_000_000), ("b", P, 3_000_000_000)]);
        assert_eq!(check_accounting(&base, &traded), None);
        // Honest: a 40 M import-time table for a 3.9 G saving.
        let table = run(10_040_000_000, &[("a", P, 100_000_000), ("b", P, 1_000_000_000)]);
        assert_eq!(check_accounting(&base, &table), None);
        // Honest: an index built up front costing 1 G for a 3.9 G saving in the calls.
        let index = run(11_000_000_000, &[("a", P, 100_000_000), ("b", P, 1_000_000_000)]);
        assert_eq!(check_accounting(&base, &index), None);
    }

    #[test]
    fn clock_assignments_are_recognised() {
        assert!(assigns_a_clock("time.perf_counter_ns = lambda: 0"));
        assert!(assigns_a_clock("    _t.time.monotonic=f"));
        assert!(assigns_a_clock("setattr(time, 'time', f)"));
        assert!(!assigns_a_clock("start = time.perf_counter()"));
        assert!(!assigns_a_clock("if time.time == other:"));
        assert!(!assigns_a_clock("deadline_time.x = 3"));
    }

    #[test]
    fn a_pass_that_becomes_a_skip_is_lost() {
        let base = run(0, &[("a", P, 1), ("b", P, 1), ("c", TestOutcome::Skipped, 1)]);
        let patched = run(0, &[("a", TestOutcome::Skipped, 1), ("c", TestOutcome::Skipped, 1)]);
        assert_eq!(lost_passes(&base, &patched), [("a".to_string(), TestOutcome::Skipped), ("b".to_string(), TestOutcome::Missing)]);
        assert!(lost_passes(&base, &base).is_empty());
    }
}
