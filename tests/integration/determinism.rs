//! Fuel and everything a guest observes are identical across runs and processes.

use std::path::Path;

use serde_json::Value;
use sweperf::Access;

use crate::util::*;

/// Reads the clocks, random sources, `hash()`, and the metadata and listings of a mount and of
/// the scratch folder.
const OBSERVER: &str = r#"
import json, os, random, time
t0, p0, m0 = time.time(), time.perf_counter(), time.monotonic()
os.makedirs('/tmp/work/sub', exist_ok=True)
for n in ['b', 'a', 'c']:
    with open(f'/tmp/work/{n}.txt', 'w') as f:
        f.write(n * 10)
def describe(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        st = os.stat(dirpath)
        out.append([dirpath, dirnames, filenames, st.st_ino, st.st_dev, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_nlink])
        for f in filenames:
            s = os.stat(os.path.join(dirpath, f))
            out.append([f, s.st_ino, s.st_mtime_ns, s.st_atime_ns, s.st_size])
    return out
facts = {
    'hash': [hash('abc'), hash('sweperf'), hash(b'bytes')],
    'random': [random.random(), random.getrandbits(64)],
    'urandom': os.urandom(16).hex(),
    'clocks': [t0, p0, m0, time.time(), time.process_time()],
    'data': describe('/data'),
    'tmp': describe('/tmp'),
    'listdir': os.listdir('/data'),
    'scandir': [(e.name, e.inode(), e.is_dir()) for e in os.scandir('/data')],
}
print(json.dumps(facts))
"#;

/// A fresh folder with the same content each time: new inodes and timestamps on the host.
fn fresh_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("zeta.txt", "z"), ("alpha.txt", "a"), ("mid/inner.txt", "inner"), ("Beta.txt", "B")]);
    dir
}

fn observe(runtime: &str, data: &Path) -> sweperf::Outcome {
    Guest::new(runtime).code(OBSERVER).mount(data, "/data", Access::ReadOnly).run_ok()
}

fn cli_observe(runtime: &str, data: &Path) -> (u64, String) {
    let out = sweperf_cmd()
        .args(["python", "--json", "--runtime", runtime, "--mount"])
        .arg(format!("{}:/data:ro", data.display()))
        .args(["--", "-c", OBSERVER])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (v["outcome"]["fuel"].as_u64().unwrap(), v["outcome"]["stdout"].as_str().unwrap().to_string())
}

fn same_observations_everywhere(runtime: &str) {
    let first_dir = fresh_data();
    let first = observe(runtime, first_dir.path());
    let facts: Value = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(facts["listdir"], serde_json::json!(["Beta.txt", "alpha.txt", "mid", "zeta.txt"]), "listings are sorted");
    for i in 0..4 {
        let dir = fresh_data();
        let again = observe(runtime, dir.path());
        assert_eq!((again.fuel, &again.stdout), (first.fuel, &first.stdout), "in-process run {} differs on {runtime}", i + 2);
    }
    let dir = fresh_data();
    let (fuel, stdout) = cli_observe(runtime, dir.path());
    assert_eq!((fuel, stdout.as_str()), (first.fuel, first.stdout.as_str()), "a second process differs on {runtime}");
}

#[test]
fn observer_is_identical_across_runs_and_processes_on_3_12() {
    same_observations_everywhere(PY312);
}

#[test]
fn observer_is_identical_across_runs_and_processes_on_3_15() {
    same_observations_everywhere(PY315);
}

#[test]
fn observer_is_identical_across_runs_and_processes_on_3_11() {
    same_observations_everywhere(PY311);
}

#[test]
fn observer_is_identical_across_runs_and_processes_on_3_11_o2() {
    same_observations_everywhere(PY311_O2);
}

/// What a guest sees of file times when it changes files: virtual times from its own clock, the
/// times it sets, fixed times for the rest; the checks are the guest's (it exits non-zero).
const FILE_TIMES: &str = r#"
import json, os, time
def st(p):
    s = os.stat(p)
    return [s.st_atime_ns, s.st_mtime_ns, s.st_ctime_ns]
bad = []
def check(what, ok):
    if not ok:
        bad.append(what)
fixed = st('/data/alpha.txt')
check('fixed times', fixed[0] == fixed[1] == fixed[2] == st('/data/mid/inner.txt')[1])
t = time.time_ns()
with open('/tmp/old.po', 'w') as f:
    f.write('msgid')
po = st('/tmp/old.po')
check('a new file takes the clock', po[1] == po[2] and fixed[1] < t <= po[0] <= po[1] <= time.time_ns())
with open('/tmp/new.mo', 'wb') as f:
    f.write(b'mo')
mo = st('/tmp/new.mo')
check('written later is newer', mo[1] > po[1])
with open('/tmp/old.po', 'a'):
    pass
with open('/tmp/old.po') as f:
    f.read()
check('opening without writing changes nothing', st('/tmp/old.po') == po)
os.utime('/tmp/old.po', ns=(5, mo[1] + 1_000_000))
po2 = st('/tmp/old.po')
check('utime sets both', po2[:2] == [5, mo[1] + 1_000_000] and po2[2] > mo[1])
check('the source is now newer: a build would rebuild', os.path.getmtime('/tmp/new.mo') < os.path.getmtime('/tmp/old.po'))
with open('/tmp/old.po', 'a') as f:
    f.write('!')
po3 = st('/tmp/old.po')
check('appending moves mtime and ctime, not atime', po3[0] == 5 and po3[1] > po2[2] and po3[1] == po3[2])
fd = os.open('/tmp/new.mo', os.O_RDONLY)
os.utime(fd, ns=(7, 8))
os.close(fd)
check('utime through an fd', st('/tmp/new.mo')[:2] == [7, 8])
os.truncate('/tmp/new.mo', 1)
check('truncating moves mtime', st('/tmp/new.mo')[1] > po3[1])
now = st('/tmp/new.mo')
os.rename('/tmp/old.po', '/tmp/moved.po')
check('a renamed file keeps its times', st('/tmp/moved.po')[:2] == po3[:2])
os.remove('/tmp/moved.po')
with open('/tmp/again.po', 'w') as f:
    f.write('x')
again = st('/tmp/again.po')
check('a new file on a freed inode is new', now[1] < again[0] <= again[1])
check('folders keep fixed times', st('/tmp')[1] == fixed[1] and st('/data/mid')[1] == fixed[1])
check('files only read keep fixed times', st('/data/alpha.txt') == fixed)
if bad:
    raise SystemExit('file times: ' + repr(bad))
print(json.dumps([fixed, po, mo, po2, po3, now, again]))
"#;

fn file_times(runtime: &str) {
    let data = fresh_data();
    let first = Guest::new(runtime).code(FILE_TIMES).mount(data.path(), "/data", Access::ReadOnly).run_ok();
    let data = fresh_data();
    let again = Guest::new(runtime).code(FILE_TIMES).mount(data.path(), "/data", Access::ReadOnly).run_ok();
    assert_eq!((again.fuel, &again.stdout), (first.fuel, &first.stdout), "file times differ between runs on {runtime}");
    let times: Vec<Vec<u64>> = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(times[0], vec![sweperf::sandbox::FIXED_FILE_TIME_NS; 3], "an unchanged file shows the fixed time");
}

#[test]
fn file_times_are_virtual_and_follow_what_the_guest_does() {
    file_times("python-3.11-o2");
    file_times("python-3.13-o2-full");
}

fn pytest_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("pkg/__init__.py", "def work(n):\n    return sum(i * i for i in range(n))\n"),
            (
                "tests/test_work.py",
                "import os\nfrom pkg import work\n\ndef test_small():\n    assert work(100) == 328350\n\ndef test_big():\n    assert work(20000) > 0\n\ndef test_files(tmp_path):\n    (tmp_path / 'f').write_text('x')\n    assert os.listdir(tmp_path) == ['f']\n",
            ),
        ],
    );
    dir
}

/// A session of `node_ids` (all of them measured) on `tree`, on the repository root's path.
fn plan<'a>(tree: &'a Path, node_ids: &'a [String], limits: &'a sweperf::Limits) -> sweperf::measure::TestPlan<'a> {
    sweperf::measure::TestPlan { tree, node_ids, measured: node_ids, python_path: std::slice::from_ref(&*DOT), requirements: None, layers: &[], limits, seed: 0, plain: false }
}

static DOT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| ".".to_string());

/// One measuring session through the library's own path: fuel and every test's result.
fn pytest_fuel(runtime: &str) -> (u64, String) {
    let project = pytest_project();
    let node_ids = vec!["tests".to_string()];
    let limits = sweperf::Limits::default();
    let run = sweperf::measure::run_tests(sandbox(), &crate::util::runtime(runtime), &plan(project.path(), &node_ids, &limits)).unwrap();
    assert!(run.all_passed() && run.violations.is_empty(), "{run:#?}\n{}", run.stderr);
    assert_eq!(run.tests.len(), 3, "{run:#?}");
    (run.fuel, serde_json::to_string(&run.tests).unwrap())
}

/// The compile step writes each module's checked-hash `.pyc` and each test module's
/// assertion-rewritten one where the session looks for them: the session then loads them
/// instead of compiling and rewriting, with the same results, and two compiles write the same bytes.
#[test]
fn a_compiled_tree_is_loaded_not_recompiled() {
    let rt = crate::util::runtime(PY311_O2);
    let node_ids = vec!["tests".to_string()];
    let session = |tree: &Path, compile: bool| {
        let limits = sweperf::Limits::default();
        let plan = plan(tree, &node_ids, &limits);
        if compile {
            let out = sweperf::measure::compile_tree(sandbox(), &rt, &plan, None).unwrap().expect("a compile run");
            assert!(matches!(out.status, sweperf::sandbox::Status::Exited { code: 0 }), "{out:?}");
        }
        sweperf::measure::run_tests(sandbox(), &rt, &plan).unwrap()
    };
    let (plain, compiled, again) = (pytest_project(), pytest_project(), pytest_project());
    // A test module the session does not collect is not rewritten (rewriting is the costly part).
    write_tree(compiled.path(), &[("other/test_unused.py", "def test_x():\n    assert 1\n")]);
    let cold = session(plain.path(), false);
    let warm = session(compiled.path(), true);
    assert!(warm.all_passed() && warm.violations.is_empty(), "{warm:#?}");
    let outcomes = |r: &sweperf::measure::TestRun| r.tests.iter().map(|(k, v)| (k.clone(), v.outcome)).collect::<Vec<_>>();
    assert_eq!(outcomes(&warm), outcomes(&cold));
    let listing = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    };
    assert_eq!(listing(&compiled.path().join("pkg/__pycache__")), ["__init__.cpython-311.pyc"]);
    let rewritten = listing(&compiled.path().join("tests/__pycache__"));
    assert!(!compiled.path().join("other/__pycache__").exists(), "an uncollected test module was compiled");
    assert!(rewritten.len() == 1 && rewritten[0].starts_with("test_work.cpython-311-pytest-"), "{rewritten:?}");
    // Loading instead of rewriting and compiling is most of what the compile step saves.
    assert!(cold.fuel > warm.fuel + 20_000_000, "cold {} vs compiled {}", cold.fuel, warm.fuel);
    session(again.path(), true);
    let outputs = ["pkg/__pycache__/__init__.cpython-311.pyc".to_string(), format!("tests/__pycache__/{}", rewritten[0])];
    for rel in &outputs {
        assert_eq!(std::fs::read(compiled.path().join(rel)).unwrap(), std::fs::read(again.path().join(rel)).unwrap(), "{rel} differs between two compiles");
    }

    // Through the bytecode cache: the first tree is compiled, an identical one is not compiled
    // at all and gets the same bytes, and a changed file is the only one compiled again.
    let store = tempfile::tempdir().unwrap();
    let cache = sweperf::measure::BytecodeCache::new(store.path().to_path_buf(), &rt).unwrap();
    let limits = sweperf::Limits::default();
    let compile = |tree: &Path| sweperf::measure::compile_tree(sandbox(), &rt, &plan(tree, &node_ids, &limits), Some(&cache)).unwrap();
    let (first, second, changed) = (pytest_project(), pytest_project(), pytest_project());
    // Links are not compiled, whether they dangle or lead out of the tree.
    std::os::unix::fs::symlink("/nonexistent/gone.py", first.path().join("pkg/dangling.py")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", first.path().join("pkg/endless.py")).unwrap();
    assert!(compile(first.path()).is_some());
    assert!(compile(second.path()).is_none(), "every file is in the cache");
    for rel in &outputs {
        assert_eq!(std::fs::read(second.path().join(rel)).unwrap(), std::fs::read(compiled.path().join(rel)).unwrap(), "{rel} from the cache");
    }
    std::fs::write(changed.path().join("pkg/__init__.py"), "def work(n):\n    return sum(i * i for i in range(n + 0))\n").unwrap();
    let out = compile(changed.path()).expect("the changed file is compiled");
    assert!(out.fuel < cold.fuel / 4, "only one module compiled, without pytest: {} fuel", out.fuel);
    assert_ne!(std::fs::read(changed.path().join(&outputs[0])).unwrap(), std::fs::read(compiled.path().join(&outputs[0])).unwrap());
    assert_eq!(std::fs::read(changed.path().join(&outputs[1])).unwrap(), std::fs::read(compiled.path().join(&outputs[1])).unwrap());
    assert!(session(changed.path(), false).all_passed());

    // Restored bytecode is the cache's own file (a link), except in a tree with a symbolic link
    // through which code under test could reach it by a name that is not code: there, a copy.
    use std::os::unix::fs::MetadataExt;
    let cached: std::collections::HashSet<u64> = std::fs::read_dir(store.path()).unwrap().flat_map(|e| std::fs::read_dir(e.unwrap().path()).unwrap()).map(|f| f.unwrap().metadata().unwrap().ino()).collect();
    let ino = |p: std::path::PathBuf| std::fs::metadata(p).unwrap().ino();
    assert!(outputs.iter().all(|rel| cached.contains(&ino(second.path().join(rel)))), "restored as links");
    let aliased = pytest_project();
    std::os::unix::fs::symlink("pkg/__pycache__/__init__.cpython-311.pyc", aliased.path().join("notes.txt")).unwrap();
    assert!(compile(aliased.path()).is_none(), "every file is in the cache");
    for rel in &outputs {
        assert!(!cached.contains(&ino(aliased.path().join(rel))), "{rel} restored as a copy");
        assert_eq!(std::fs::read(aliased.path().join(rel)).unwrap(), std::fs::read(second.path().join(rel)).unwrap(), "{rel}");
    }
}

/// The compile step writes every `.pyc` as a new file renamed into place: one already there may
/// be a link to the host's bytecode cache, which must be replaced, never written through.
#[test]
fn the_compile_step_replaces_the_files_it_writes() {
    let rt = crate::util::runtime(PY311_O2);
    let node_ids = vec!["tests".to_string()];
    let limits = sweperf::Limits::default();
    let compile = |tree: &Path| {
        let out = sweperf::measure::compile_tree(sandbox(), &rt, &plan(tree, &node_ids, &limits), None).unwrap().expect("a compile run");
        assert!(out.status.success(), "{out:?}");
    };
    let (clean, planted) = (pytest_project(), pytest_project());
    compile(clean.path());
    let rewritten = std::fs::read_dir(clean.path().join("tests/__pycache__")).unwrap().next().unwrap().unwrap().file_name();
    let outputs = ["pkg/__pycache__/__init__.cpython-311.pyc".to_string(), format!("tests/__pycache__/{}", rewritten.to_string_lossy())];
    let elsewhere = tempfile::tempdir().unwrap();
    for (i, rel) in outputs.iter().enumerate() {
        let outside = elsewhere.path().join(format!("{i}.pyc"));
        std::fs::write(&outside, "stale").unwrap();
        std::fs::create_dir_all(planted.path().join(rel).parent().unwrap()).unwrap();
        std::fs::hard_link(&outside, planted.path().join(rel)).unwrap();
    }
    compile(planted.path());
    for (i, rel) in outputs.iter().enumerate() {
        assert!(std::fs::read(elsewhere.path().join(format!("{i}.pyc"))).unwrap() == b"stale", "{rel} was written through its link");
        assert_eq!(std::fs::read(planted.path().join(rel)).unwrap(), std::fs::read(clean.path().join(rel)).unwrap(), "{rel}");
    }
}

/// A tree past `COMPILE_SPLIT_BYTES` is compiled by two guests at once, and each file gets the
/// same bytecode as when a single guest compiles it with a few others: which files share a guest
/// does not change any output (so neither the split nor the bytecode cache can move fuel).
#[test]
fn a_large_tree_compiled_by_two_guests_gets_the_bytes_one_guest_writes() {
    let rt = crate::util::runtime(PY311_O2);
    let limits = sweperf::Limits::default();
    let node_ids = vec!["tests".to_string()];
    let module = |i: usize| {
        let mut text = format!("\"\"\"module {i}\"\"\"\nNAMES = {{}}\n");
        let mut j = 0;
        while text.len() < 16 * 1024 {
            text.push_str(&format!("def f_{i}_{j}(x, shared_name=None):\n    NAMES['k{j}'] = 'v{i}'\n    return x * {j} + len('pkg{i}')\n"));
            j += 1;
        }
        (format!("pkg/m{i:02}.py"), text)
    };
    let modules: Vec<(String, String)> = (0..40).map(module).collect();
    let test = ("tests/test_m.py".to_string(), "from pkg import m00\n\ndef test_m():\n    assert m00.f_0_1(2) == 2 + len('pkg0')\n".to_string());
    let write = |files: &[&(String, String)]| {
        let dir = tempfile::tempdir().unwrap();
        let pairs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).chain([("pkg/__init__.py", "")]).collect();
        write_tree(dir.path(), &pairs);
        dir
    };
    let total: usize = modules.iter().map(|m| m.1.len()).sum();
    assert!(total as u64 > sweperf::measure::COMPILE_SPLIT_BYTES, "{total}");
    let large = write(&modules.iter().chain([&test]).collect::<Vec<_>>());
    let out = sweperf::measure::compile_tree(sandbox(), &rt, &plan(large.path(), &node_ids, &limits), None).unwrap().expect("compiled");
    assert!(out.status.success(), "{out:?}");
    let few = write(&[&modules[0], &modules[17], &modules[39], &test]);
    sweperf::measure::compile_tree(sandbox(), &rt, &plan(few.path(), &node_ids, &limits), None).unwrap().expect("compiled");
    for rel in ["pkg/__pycache__/m00.cpython-311.pyc", "pkg/__pycache__/m17.cpython-311.pyc", "pkg/__pycache__/m39.cpython-311.pyc"] {
        let (a, b) = (std::fs::read(large.path().join(rel)).unwrap(), std::fs::read(few.path().join(rel)).unwrap());
        assert!(a == b, "{rel} differs between a split compile and a small one");
    }
    let rewritten: Vec<_> = std::fs::read_dir(large.path().join("tests/__pycache__")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(rewritten.len(), 1, "{rewritten:?}");
    let rel = Path::new("tests/__pycache__").join(&rewritten[0]);
    assert_eq!(std::fs::read(large.path().join(&rel)).unwrap(), std::fs::read(few.path().join(&rel)).unwrap());
    let run = sweperf::measure::run_tests(sandbox(), &rt, &plan(large.path(), &node_ids, &limits)).unwrap();
    assert!(run.all_passed(), "{run:#?}");
}

fn pytest_is_identical(runtime: &str) {
    let first = pytest_fuel(runtime);
    for _ in 0..4 {
        assert_eq!(pytest_fuel(runtime), first, "pytest run differs on {runtime}");
    }
    // A second process, through the command line: the same session costs the same fuel.
    let project = pytest_project();
    let results = tempfile::tempdir().unwrap();
    let out = sweperf_cmd()
        .args(["python", "--json", "--runtime", runtime, "--cwd", "/repo", "--path", "/repo", "--env", "SWEPERF_MEASURED=tests", "--env", "SWEPERF_RESULTS=/results/tests.jsonl", "--mount"])
        .arg(format!("{}:/repo:rw", project.path().display()))
        .arg("--mount")
        .arg(format!("{}:/results:rw", results.path().display()))
        .args(["--", "-m", "sweperf_pytest", "-q", "tests"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"]["fuel"].as_u64().unwrap(), first.0, "pytest in a second process differs on {runtime}");
}

#[test]
fn pytest_fuel_is_identical_across_runs_and_processes_on_3_12() {
    pytest_is_identical(PY312);
}

#[test]
fn pytest_fuel_is_identical_across_runs_and_processes_on_3_15() {
    pytest_is_identical(PY315);
}

#[test]
fn pytest_fuel_is_identical_across_runs_and_processes_on_3_11() {
    pytest_is_identical(PY311);
}

#[test]
fn pytest_fuel_is_identical_across_runs_and_processes_on_3_11_o2() {
    pytest_is_identical(PY311_O2);
}

#[test]
fn perf_counter_counts_fuel_and_sleep_is_virtual() {
    let script = |n: u64| {
        format!(
            "import time\na = time.perf_counter_ns()\nx = 0\nfor i in range({n}):\n    x += i\nb = time.perf_counter_ns()\nprint(str(b - a).rjust(20))\n"
        )
    };
    for rt in [PY312, PY315, PY311_O2] {
        let small = Guest::new(rt).code(&script(10_000)).run_ok();
        let large = Guest::new(rt).code(&script(20_000)).run_ok();
        let delta = |o: &sweperf::Outcome| o.stdout.trim().parse::<u64>().unwrap();
        let fuel_diff = large.fuel - small.fuel;
        let clock_diff = delta(&large) - delta(&small);
        assert!(fuel_diff > 100_000, "the loop costs fuel on {rt}");
        // Identical code but the loop count: the clock difference is the fuel difference,
        // up to the cost of formatting a differently-sized integer.
        assert!(clock_diff.abs_diff(fuel_diff) * 1000 < fuel_diff, "{rt}: perf_counter moved {clock_diff}, fuel moved {fuel_diff}");
        assert!(delta(&small) < small.fuel);

        let slept = Guest::new(rt)
            .code("import time\nt = time.monotonic()\nw = time.time()\ntime.sleep(10)\nprint(time.monotonic() - t, time.time() - w)\n")
            .run_ok();
        let waited: Vec<f64> = slept.stdout.split_whitespace().map(|s| s.parse().unwrap()).collect();
        assert!(waited.iter().all(|w| (10.0..10.5).contains(w)), "{rt}: virtual time advanced by {waited:?}");
        assert!(slept.wall_ms < 5_000.0, "{rt}: time.sleep(10) really slept ({} ms)", slept.wall_ms);
    }
}

#[test]
fn observer_is_identical_across_runs_and_processes_on_3_13_o2_pytest() {
    same_observations_everywhere(PY313_O2_PYTEST);
}

#[test]
fn pytest_fuel_is_identical_across_runs_and_processes_on_3_13_o2_pytest() {
    pytest_is_identical(PY313_O2_PYTEST);
}

#[test]
fn a_snapshot_made_in_a_fresh_home_is_the_pinned_one() {
    // Made again from scratch (toolchain unpacked and compiled, reactor unpacked, interpreter
    // initialised and snapshotted) by another sandbox: the bytes must be the pinned ones, which
    // the loader checks. Only the downloaded wheels are shared, so that no network is needed.
    let shared_rt = crate::util::runtime(PY313_O2_PYTEST);
    let home = tempfile::tempdir().unwrap();
    let shared = sweperf::Home::from_env().unwrap().root().join("downloads");
    std::fs::create_dir_all(home.path().join("downloads")).unwrap();
    for entry in std::fs::read_dir(&shared).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "whl") {
            std::fs::copy(entry.path(), home.path().join("downloads").join(entry.file_name())).unwrap();
        }
    }
    let sandbox = sweperf::Sandbox::new(sweperf::Home::new(home.path())).unwrap();
    let rt = sandbox.runtime(PY313_O2_PYTEST, &|_| {}).unwrap_or_else(|e| panic!("{e}"));
    let fresh = std::fs::read(rt.snapshot_file().unwrap()).unwrap();
    let shared = std::fs::read(shared_rt.snapshot_file().unwrap()).unwrap();
    assert!(fresh == shared, "two snapshots differ");
}

/// A snapshot runtime shares its plain runtime's interpreter module, and so its bytecode cache
/// entries: its compile runs start on the plain interpreter and write the same bytes.
#[test]
fn a_snapshot_runtime_compiles_as_its_plain_runtime() {
    let node_ids = vec!["tests".to_string()];
    let limits = sweperf::Limits::default();
    let compiled = |runtime: &str| {
        let tree = pytest_project();
        let rt = crate::util::runtime(runtime);
        let out = sweperf::measure::compile_tree(sandbox(), &rt, &plan(tree.path(), &node_ids, &limits), None).unwrap().expect("a compile run");
        assert!(matches!(out.status, sweperf::sandbox::Status::Exited { code: 0 }), "{out:?}");
        let mut files = Vec::new();
        for dir in ["pkg/__pycache__", "tests/__pycache__"] {
            let mut names: Vec<_> = std::fs::read_dir(tree.path().join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
            names.sort();
            files.extend(names.into_iter().map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())));
        }
        (out.from_snapshot, out.fuel, files)
    };
    let (plain, snap) = (compiled(PY313_O2_FULL), compiled(PY313_O2_PYTEST));
    assert!(!snap.0, "the compile run started from the snapshot");
    assert_eq!(snap.1, plain.1, "the same work, so the same fuel");
    assert!(!snap.2.is_empty());
    assert_eq!(snap.2, plain.2, "the same .pyc files, byte for byte");
}
