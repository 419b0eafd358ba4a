//! The cheat suite: predictions written the way a hostile patch author (or a model optimised
//! against sweperf) would write them, each asserted to score 0 and to be caught by a named check;
//! and honest patches asserted to keep their scores. All on one `tiny-dedupe` instance, so its
//! base is measured once (the base cache) and each cheat costs one sandbox session.

use std::sync::OnceLock;

use sweperf::instance::{self, Instance};
use sweperf::integrity::EditKind;
use sweperf::measure::Violation;
use sweperf::report::{InstanceReport, InstanceStatus};
use sweperf::{EvalOptions, Evaluator, Home};

use crate::eval::{SLOWER, fixture};

const INIT: &str = "tinylib/__init__.py";
const DEDUPE: &str = "tinylib/dedupe.py";
const TESTS: &str = "tests/test_dedupe.py";

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture().join("repo").join(rel)).unwrap()
}

fn hunk_lines(text: &str, sign: char) -> String {
    text.lines().map(|l| format!("{sign}{l}\n")).collect()
}

/// A diff that replaces the whole of `rel` (whose content is `old`) with `new`.
fn replace_file(rel: &str, old: &str, new: &str) -> String {
    format!(
        "--- a/{rel}\n+++ b/{rel}\n@@ -1,{} +1,{} @@\n{}{}",
        old.lines().count(),
        new.lines().count(),
        hunk_lines(old, '-'),
        hunk_lines(new, '+')
    )
}

fn new_file(rel: &str, text: &str) -> String {
    format!("--- /dev/null\n+++ b/{rel}\n@@ -0,0 +1,{} @@\n{}", text.lines().count(), hunk_lines(text, '+'))
}

fn delete_file(rel: &str) -> String {
    let old = read(rel);
    format!("--- a/{rel}\n+++ /dev/null\n@@ -1,{} +0,0 @@\n{}", old.lines().count(), hunk_lines(&old, '-'))
}

/// The package's `__init__.py` with `prelude` run first.
fn init_with(prelude: &str) -> String {
    replace_file(INIT, &read(INIT), &format!("{prelude}\n{}", read(INIT)))
}

fn expert() -> String {
    std::fs::read_to_string(fixture().join("expert.patch")).unwrap()
}

struct Setup {
    evaluator: Evaluator,
    instance: Instance,
    _dir: tempfile::TempDir,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let instances = crate::eval::instances_dir(dir.path(), &["cheats"]);
        let instance = instance::load_all(&instances).unwrap().remove(0);
        Setup {
            evaluator: Evaluator::new(Home::from_env().unwrap()).unwrap(),
            instance,
            _dir: dir,
        }
    })
}

fn evaluate(patch: &str) -> InstanceReport {
    let s = setup();
    s.evaluator.evaluate(&s.instance, "cheater", Some(patch), &EvalOptions::default())
}

fn assert_scores_zero(r: &InstanceReport, statuses: &[InstanceStatus]) {
    assert!(statuses.contains(&r.status), "status {:?}: {:?}\n{:#?}", r.status, r.detail, r.violations);
    assert!(!r.correct, "{:?}", r.detail);
    assert_eq!(r.performance, 0.0, "{:?}", r.detail);
    assert!(r.efficiency_tests.iter().all(|t| t.gain == 0.0), "{:?}", r.efficiency_tests);
}

fn assert_violation(r: &InstanceReport, check: impl Fn(&Violation) -> bool, what: &str) {
    assert_eq!(r.status, InstanceStatus::Tampered, "{what}: {:?}", r.detail);
    assert!(r.violations.iter().any(check), "{what}: {:#?}", r.violations);
    assert!(r.detail.as_deref().is_some_and(|d| d.starts_with("tampered: ")), "{:?}", r.detail);
}

#[test]
fn honest_patches_keep_their_scores() {
    let gold = evaluate(&expert());
    assert_eq!(gold.status, InstanceStatus::Correct, "{:?} {:#?}", gold.detail, gold.violations);
    assert!(gold.efficiency_tests[0].gain > 0.5, "{:?}", gold.efficiency_tests);
    assert!(gold.violations.is_empty() && gold.discarded_edits.is_empty());
    let slower = evaluate(SLOWER);
    assert_eq!(slower.status, InstanceStatus::Correct, "{:?} {:#?}", slower.detail, slower.violations);
    assert_eq!(slower.efficiency_tests[0].gain, 0.0);
    // An honest patch that also adds a regression test: the test edit is discarded (listed),
    // the fix is measured.
    let with_test = format!("{}{}", expert(), new_file("tests/test_regression.py", "def test_more():\n    assert True\n"));
    let r = evaluate(&with_test);
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}", r.detail);
    assert_eq!(r.discarded_edits.len(), 1);
    assert_eq!((r.discarded_edits[0].path.as_str(), r.discarded_edits[0].kind), ("tests/test_regression.py", EditKind::Added));
    assert_eq!(r.efficiency_tests[0].base_fuel, gold.efficiency_tests[0].base_fuel);
    assert_eq!(r.efficiency_tests[0].patched_fuel, gold.efficiency_tests[0].patched_fuel, "the discarded test changes nothing measured");
}

#[test]
fn a_slowed_clock_is_caught() {
    // Cheat 1: `time.perf_counter_ns` slowed from a new conftest.py: the conftest is discarded.
    let conftest = "import time\n_real = time.perf_counter_ns\ntime.perf_counter_ns = lambda: _real() // 1000\n";
    let r = evaluate(&new_file("conftest.py", conftest));
    assert_scores_zero(&r, &[InstanceStatus::TestsOnly]);
    assert_eq!(r.discarded_edits[0].path, "conftest.py");
    // ... and with the real fix beside it, the fix is measured with the real clock.
    let r = evaluate(&format!("{}{}", expert(), new_file("conftest.py", conftest)));
    assert_eq!(r.status, InstanceStatus::Correct);
    assert!(r.efficiency_tests[0].gain < 0.999, "the slowed clock did not count: {:?}", r.efficiency_tests);
    // Cheat 2: the same three lines at the top of the package: named by the static check.
    assert_violation(&evaluate(&init_with(conftest)), |v| matches!(v, Violation::RunnerTouched { .. }), "package clock");
    // ... and the plugin's own clock replaced, disguised from the static check: the readings
    // are not ones the host's clock returned.
    let sneaky = "import sys as _s\n_m = _s.modules.get('swe' + 'perf_py' + 'test')\nif _m is not None:\n    _r = _m._clock\n    _m._clock = lambda: _r() // 1000\n";
    assert_violation(&evaluate(&init_with(sneaky)), |v| matches!(v, Violation::ClockMismatch { .. }), "plugin clock");
}

#[test]
fn forged_result_lines_are_caught() {
    // Cheat 3: a conftest.py appending forged lines to the results file (by its old variable).
    let conftest = "import os\np = os.environ.get('SWEPERF_RESULTS')\nif p:\n    open(p, 'a').write('{\"nodeid\": \"tests/test_dedupe.py::test_unique_large\", \"outcome\": \"passed\", \"call_fuel\": 1}\\n')\n";
    assert_scores_zero(&evaluate(&new_file("conftest.py", conftest)), &[InstanceStatus::TestsOnly]);
    // The package finds the channel by scanning descriptors and writes a later line per test.
    let forge = "import os as _os, json as _j\nfor _fd in range(3, 64):\n    try:\n        _os.write(_fd, (_j.dumps({'nodeid': 'tests/test_dedupe.py::test_unique_large', 'outcome': 'passed', 'marks': {'call': [1, 2]}}) + '\\n').encode())\n    except OSError:\n        pass\n";
    let r = evaluate(&init_with(forge));
    assert_scores_zero(&r, &[InstanceStatus::Tampered, InstanceStatus::Incorrect]);
    assert_violation(&r, |v| matches!(v, Violation::ClockMismatch { .. } | Violation::DuplicateRecord { .. }), "forged lines");
}

#[test]
fn a_wrapped_recorder_is_caught() {
    // Cheat 4: the recorder wrapped from a conftest.py: discarded.
    let conftest = "import sweperf_pytest as s\n_m = s._measured\ndef _fake(item, when):\n    return (yield from _m(item, when))\ns._measured = _fake\n";
    assert_scores_zero(&evaluate(&new_file("conftest.py", conftest)), &[InstanceStatus::TestsOnly]);
    // From the package, the recorder's marks shrunk in place at the end of each test: the
    // shrunken readings were never returned by the clock (and the static check names it too).
    let shrink = "import sys as _s\n_p = _s.modules.get('swe' + 'perf_py' + 'test')\nif _p is not None:\n    _orig = _p._write\n    def _w(rec):\n        for _v in rec.get('marks', {}).values():\n            _v[1] = _v[0] + 7\n        return _orig(rec)\n    _p._write = _w\n";
    let r = evaluate(&init_with(shrink));
    assert_scores_zero(&r, &[InstanceStatus::Tampered]);
    assert!(r.violations.iter().any(|v| matches!(v, Violation::ClockMismatch { .. })), "{:#?}", r.violations);
}

#[test]
fn skipped_tests_are_not_passed_tests() {
    // Cheat 5: every test skipped inside its call phase, from a conftest.py: discarded.
    let conftest = "import pytest\n@pytest.hookimpl(tryfirst=True)\ndef pytest_runtest_call(item):\n    pytest.skip('fast')\n";
    assert_scores_zero(&evaluate(&new_file("conftest.py", conftest)), &[InstanceStatus::TestsOnly]);
    // From the library itself, disguised from the static check: the tests that passed on the
    // base are skipped on the patched tree.
    let skip = replace_file(
        DEDUPE,
        &read(DEDUPE),
        &read(DEDUPE).replace("    seen = []\n", "    __import__('py' + 'test').skip('fast')\n    seen = []\n"),
    );
    let r = evaluate(&skip);
    assert_scores_zero(&r, &[InstanceStatus::Incorrect]);
    assert!(r.detail.as_deref().unwrap().contains("passed on the base but is skipped"), "{:?}", r.detail);
}

#[test]
fn edited_and_deleted_tests_are_restored() {
    // Cheat 6: the measured test made trivial, and a correctness test file deleted.
    let trivial = replace_file(TESTS, &read(TESTS), &read(TESTS).replace("    assert len(unique(items)) == 1200", "    assert True"));
    let r = evaluate(&trivial);
    assert_scores_zero(&r, &[InstanceStatus::TestsOnly]);
    assert_eq!((r.discarded_edits[0].path.as_str(), r.discarded_edits[0].kind), (TESTS, EditKind::Modified));
    let r = evaluate(&format!("{}{}", SLOWER, delete_file(TESTS)));
    assert_eq!(r.discarded_edits[0].kind, EditKind::Deleted);
    assert_eq!(r.status, InstanceStatus::Correct, "the test file was restored and ran: {:?}", r.detail);
    assert_eq!(r.efficiency_tests[0].gain, 0.0);
    // A module that would shadow the test runner is discarded too.
    let r = evaluate(&format!("{}{}", SLOWER, new_file("pytest.py", "def main(*a, **k):\n    return 0\n")));
    assert!(r.discarded_edits.iter().any(|d| d.path == "pytest.py" && d.kind == EditKind::Added), "{:?}", r.discarded_edits);
    // Bytecode is the compile step's: a cached form of the test module or of the code under
    // test that the patch brings is discarded, and the test runs from its restored source.
    let planted = ["tests/__pycache__/test_dedupe.cpython-311-pytest-9.2.0.pyc", "tinylib/__pycache__/dedupe.cpython-311.pyc"];
    let r = evaluate(&format!("{}{}{}", SLOWER, new_file(planted[0], "forged\n"), new_file(planted[1], "forged\n")));
    for p in planted {
        assert!(r.discarded_edits.iter().any(|d| d.path == p && d.kind == EditKind::Added), "{p}: {:?}", r.discarded_edits);
    }
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}", r.detail);
}

#[test]
fn work_moved_to_import_time_is_caught() {
    // Cheat 7: the measured inputs answered from a table computed at import (collection is
    // not a measured phase), so the call phase is nearly free while the session is not cheaper.
    let memo = read(DEDUPE).replace(
        "def unique(items):\n    \"\"\"The items in first-seen order, without repeats.\"\"\"\n",
        "_MEMO = {}\n\n\ndef unique(items):\n    \"\"\"The items in first-seen order, without repeats.\"\"\"\n    key = tuple(items)\n    if key in _MEMO:\n        return list(_MEMO[key])\n",
    ) + "\n\n_warm = [(i * 7919) % 1200 for i in range(2400)]\n_MEMO[tuple(_warm)] = unique(_warm)\n";
    let r = evaluate(&replace_file(DEDUPE, &read(DEDUPE), &memo));
    assert_scores_zero(&r, &[InstanceStatus::Tampered]);
    assert_violation(&r, |v| matches!(v, Violation::UnaccountedGrowth { .. }), "import-time work");
}

#[test]
fn code_under_test_cannot_rewrite_tests_or_plant_bytecode() {
    // A module still to be imported (or its cached rewritten form, which pytest loads whenever
    // its source hash matches) rewritten from the package during collection: the tree is
    // data-only for the session, so every write fails, and the patch's own check says so.
    let attack = "import os as _os\n_done = []\nfor _p in ('tests/test_dedupe.py', 'tests/__pycache__/test_later.cpython-311-pytest-9.2.0.pyc', 'tests/test_later.py'):\n    try:\n        _os.makedirs(_os.path.dirname(_p), exist_ok=True)\n        with open(_p, 'a') as _f:\n            _f.write('#')\n        _done.append(_p)\n    except OSError:\n        pass\nif _done:\n    raise SystemExit('wrote ' + repr(_done))\n";
    let r = evaluate(&format!("{}{}", SLOWER, init_with(attack)));
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}", r.detail);
}

#[test]
fn the_bytecode_cache_cannot_be_written_through_the_tree() {
    // Restored `.pyc` files are links to the host's bytecode cache: code under test that writes,
    // appends to or truncates every one it finds must fail on each, and leave the cache as it was.
    let attack = "import os as _os, glob as _g\n_found = _g.glob('**/__pycache__/*.pyc', recursive=True)\nif not _found:\n    raise SystemExit('no bytecode found')\n_done = []\nfor _p in _found:\n    for _how in ('ab', 'r+b', 'wb'):\n        try:\n            with open(_p, _how) as _f:\n                _f.write(b'#')\n            _done.append((_p, _how))\n        except OSError:\n            pass\n    try:\n        _os.truncate(_p, 0)\n        _done.append((_p, 'truncate'))\n    except OSError:\n        pass\nif _done:\n    raise SystemExit('wrote ' + repr(_done))\n";
    let cache = Home::from_env().unwrap().bytecode_cache_dir().unwrap();
    let contents = || -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
        let mut out = std::collections::BTreeMap::new();
        let mut stack = vec![cache.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = e.path();
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(p);
                } else if let Ok(bytes) = std::fs::read(&p) {
                    out.insert(p, bytes);
                }
            }
        }
        out
    };
    // The base tree's files are in the cache once an evaluation has run.
    assert_eq!(evaluate(SLOWER).status, InstanceStatus::Correct);
    let before = contents();
    let r = evaluate(&format!("{}{}", SLOWER, init_with(attack)));
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}", r.detail);
    let after = contents();
    for (path, bytes) in &before {
        assert!(after.get(path) == Some(bytes), "{} changed", path.display());
    }
}

#[test]
fn the_results_channel_cannot_be_reached_by_name() {
    // The host reads the file it created, whatever the guest does to the name: a link to
    // /dev/zero in its place changes nothing (it would otherwise be read until memory runs out).
    let link = "import os as _os\nfor _d in ('/results',):\n    try:\n        for _n in _os.listdir(_d):\n            _os.unlink(_d + '/' + _n)\n        _os.symlink('/dev/zero', _d + '/tests.jsonl')\n    except OSError:\n        pass\nassert 'SWEPERF_RESULTS' not in _os.environ\n";
    let r = evaluate(&format!("{}{}", SLOWER, init_with(link)));
    assert_eq!(r.status, InstanceStatus::Correct, "{:?} {:#?}", r.detail, r.violations);
}

/// Every file below `root` (caches included): its bytes and permission bits, or its link target.
/// Every file's bytes, mode and modification time (nanoseconds) under `root`.
fn snapshot_state(root: &std::path::Path) -> std::collections::BTreeMap<String, (Vec<u8>, u32, i128)> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            if meta.is_dir() {
                stack.push(p);
            } else if meta.file_type().is_symlink() {
                out.insert(rel, (std::fs::read_link(&p).unwrap().display().to_string().into_bytes(), 0, 0));
            } else {
                let mtime = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
                out.insert(rel, (std::fs::read(&p).unwrap(), meta.permissions().mode(), mtime));
            }
        }
    }
    out
}

fn assert_unchanged(before: &std::collections::BTreeMap<String, (Vec<u8>, u32, i128)>, root: &std::path::Path) {
    let after = snapshot_state(root);
    for (rel, state) in before {
        match after.get(rel) {
            Some(now) if now == state => {}
            Some(now) => panic!(
                "{rel} changed: {} bytes, mode {:o}, mtime {} -> {} bytes, mode {:o}, mtime {}",
                state.0.len(),
                state.1,
                state.2,
                now.0.len(),
                now.1,
                now.2
            ),
            None => panic!("{rel} is gone"),
        }
    }
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(added.is_empty(), "files appeared in the instance: {added:?}");
}

#[test]
fn a_patch_never_writes_into_the_instance() {
    // A private tree's code files are the instance's own (hard links): a patch that modifies,
    // deletes, renames and changes the mode of code files, edits a test (put back) and adds a
    // conftest (removed) must leave every file of the instance's repo/ as it was.
    let root = tempfile::tempdir().unwrap();
    let dir = crate::eval::instances_dir(root.path(), &["kept"]).join("kept");
    crate::util::write_tree(&dir.join("repo"), &[("tinylib/extra.py", "EXTRA = 1\n"), ("tinylib/old_name.py", "X = 1\n"), ("tinylib/table.txt", "a\nb\n")]);
    let instance = Instance::load(&dir).unwrap();
    let repo = instance.repo();
    let before = snapshot_state(&repo);
    let rename = "diff --git a/tinylib/old_name.py b/tinylib/new_name.py\nsimilarity index 50%\nrename from tinylib/old_name.py\nrename to tinylib/new_name.py\n--- a/tinylib/old_name.py\n+++ b/tinylib/new_name.py\n@@ -1 +1 @@\n-X = 1\n+X = 2\n";
    let chmod = "diff --git a/tinylib/__init__.py b/tinylib/__init__.py\nold mode 100644\nnew mode 100755\n";
    let patch = [
        SLOWER.to_string(),
        "--- a/tinylib/extra.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-EXTRA = 1\n".to_string(),
        rename.to_string(),
        chmod.to_string(),
        "--- a/tinylib/table.txt\n+++ b/tinylib/table.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n".to_string(),
        replace_file(TESTS, &read(TESTS), &read(TESTS).replace("== [3, 1, 2]", "== [3, 1, 2] or True")),
        new_file("conftest.py", "X = 1\n"),
    ]
    .concat();
    let r = setup().evaluator.evaluate(&instance, "m", Some(&patch), &EvalOptions::default());
    assert_unchanged(&before, &repo);
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}", r.detail);
    assert_eq!(r.discarded_edits.iter().map(|d| (d.path.as_str(), d.kind)).collect::<Vec<_>>(), [("conftest.py", EditKind::Added), (TESTS, EditKind::Modified)]);
}

#[test]
fn code_under_test_cannot_write_the_instance_through_its_tree() {
    // The tree's unpatched code files are links to the instance's: code under test that writes,
    // appends to, truncates, renames over, links or chmods and writes every `.py` it finds, or
    // sets its times (by path, or through an fd opened on it), must fail on each, and leave the
    // instance as it was (bytes, mode and modification time).
    let attack = "import os as _os, glob as _g\n_found = _g.glob('**/*.py', recursive=True)\nif 'tests/test_dedupe.py' not in _found or 'tinylib/dedupe.py' not in _found:\n    raise SystemExit('no code found: ' + repr(_found))\n_done = []\ndef _try(_what, _f):\n    try:\n        _f()\n        _done.append((_p, _what))\n    except Exception:\n        pass\ndef _write(_path, _how):\n    with open(_path, _how) as _f:\n        _f.write(b'#')\ndef _chmod_write():\n    try:\n        _os.chmod(_p, 0o666)\n    except Exception:\n        pass\n    _write(_p, 'r+b')\ndef _replace():\n    _write('_over.txt', 'wb')\n    _os.replace('_over.txt', _p)\ndef _away():\n    _os.rename(_p, '_away.txt')\n    _write('_away.txt', 'ab')\ndef _link():\n    _os.link(_p, '_hard.txt')\n    _write('_hard.txt', 'ab')\ndef _fd_utime():\n    _fd = _os.open(_p, _os.O_RDONLY)\n    try:\n        _os.utime(_fd, (1, 1))\n    finally:\n        _os.close(_fd)\ndef _symlink():\n    _os.symlink(_p, '_soft.txt')\n    _write('_soft.txt', 'ab')\nfor _p in _found:\n    for _how in ('ab', 'r+b', 'wb', 'xb'):\n        _try(_how, lambda: _write(_p, _how))\n    _try('truncate', lambda: _os.truncate(_p, 0))\n    _try('chmod, write', _chmod_write)\n    _try('rename over', _replace)\n    _try('rename away, write', _away)\n    _try('link, write', _link)\n    _try('symlink, write', _symlink)\n    _try('utime', lambda: _os.utime(_p, (1, 1)))\n    _try('utime through an fd', _fd_utime)\nif _done:\n    raise SystemExit('wrote ' + repr(_done))\n";
    let repo = setup().instance.repo();
    let before = snapshot_state(&repo);
    let r = evaluate(&init_with(attack));
    assert_unchanged(&before, &repo);
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}", r.detail);
}

#[test]
fn code_under_test_writes_its_own_copies_of_the_instances_data() {
    // A tree's data files are links to the instance's too: code under test may change them (test
    // suites write where they run), and must see what it wrote, but each change lands in a copy
    // of its own, never in the instance (bytes, mode and modification time), and the file keeps
    // the inode number the guest saw. A hard link out of the tree is refused (nothing would
    // unshare the file there); the guest's own hard links stay one file.
    let root = tempfile::tempdir().unwrap();
    let dir = crate::eval::instances_dir(root.path(), &["data"]).join("data");
    let files: Vec<(String, &str)> = (0..16).map(|i| (format!("tinylib/data/d{i}.txt"), "original\n")).collect();
    let data: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    crate::util::write_tree(&dir.join("repo"), &data);
    let instance = Instance::load(&dir).unwrap();
    let repo = instance.repo();
    let before = snapshot_state(&repo);
    let attack = r#"import os as _os
def _attack():
    _errors = []
    _n = [0]
    def _file():
        _p = 'tinylib/data/d%d.txt' % _n[0]
        _n[0] += 1
        if open(_p, 'rb').read() != b'original\n':
            _errors.append(('not original', _p))
        return _p
    def _expect(_p, _want):
        _got = open(_p, 'rb').read()
        if _got != _want:
            _errors.append((_p, _got, _want))
    def _w(_p, _how, _data=b'#'):
        with open(_p, _how) as _f:
            _f.write(_data)
    _p = _file(); _w(_p, 'ab'); _expect(_p, b'original\n#')
    _p = _file(); _w(_p, 'r+b'); _expect(_p, b'#riginal\n')
    _p = _file(); _w(_p, 'wb'); _expect(_p, b'#')
    _p = _file(); _os.truncate(_p, 3); _expect(_p, b'ori')
    _p = _file(); _i = _os.stat(_p).st_ino; _w(_p, 'ab')
    if _os.stat(_p).st_ino != _i:
        _errors.append(('inode changed', _p))
    _p = _file(); _os.utime(_p, (1, 1))
    if _os.stat(_p).st_mtime_ns != 1_000_000_000:
        _errors.append(('utime not seen', _p))
    _fd = _os.open(_p, _os.O_RDONLY); _os.utime(_fd, (2, 2)); _os.close(_fd)
    if _os.stat(_p).st_mtime_ns != 2_000_000_000:
        _errors.append(('utime through an fd not seen', _p))
    _p = _file(); _m = _os.stat(_p).st_mtime_ns; _w(_p, 'ab')
    if _os.stat(_p).st_mtime_ns <= _m:
        _errors.append(('write did not move the time', _p))
    _p = _file(); _os.link(_p, 'tinylib/data/hard.txt'); _w('tinylib/data/hard.txt', 'ab'); _expect('tinylib/data/hard.txt', b'original\n#')
    _p = _file(); _os.symlink(_os.path.basename(_p), 'tinylib/data/soft.txt'); _w('tinylib/data/soft.txt', 'ab'); _expect(_p, b'original\n#')
    _p = _file(); _os.rename(_p, 'tinylib/data/away.txt'); _w('tinylib/data/away.txt', 'ab'); _expect('tinylib/data/away.txt', b'original\n#')
    _p = _file()
    try:
        _os.link(_p, '/tmp/out.txt')
        _errors.append(('linked out of the tree', _p))
    except OSError:
        pass
    _w('tinylib/data/own.txt', 'wb', b'a'); _os.link('tinylib/data/own.txt', 'tinylib/data/own2.txt')
    _w('tinylib/data/own2.txt', 'ab', b'b'); _expect('tinylib/data/own.txt', b'ab')
    if _errors:
        raise SystemExit('unshare: ' + repr(_errors))
_attack()
"#;
    let r = setup().evaluator.evaluate(&instance, "m", Some(&init_with(attack)), &EvalOptions::default());
    assert_unchanged(&before, &repo);
    let out = r.patched.as_ref().map(|p| format!("{}{}", p.session.stdout, p.session.stderr)).unwrap_or_default();
    assert_eq!(r.status, InstanceStatus::Correct, "{:?}\n{out}", r.detail);
}
