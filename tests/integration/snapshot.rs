//! The snapshot runtime (`python-3.13-o2-pytest`): a run that starts from the pre-initialised
//! interpreter sees what the same run on the plain interpreter (`python-3.13-o2-full`) sees, a
//! run the snapshot cannot stand in for runs on the plain interpreter, no run reaches another
//! or the snapshot, and an evaluation on it scores as on the plain runtime.

use std::path::Path;

use sweperf::Access;
use sweperf::instance;
use sweperf::report::InstanceStatus;
use sweperf::{EvalOptions, Evaluator, Home};

use crate::util::{Guest, PY313_O2_FULL, PY313_O2_PYTEST, write_tree};

/// What a guest can tell about how it was started.
const OBSERVE: &str = "import os, sys, random\n\
print(sys.argv, sys.orig_argv, sys.path, os.getcwd(), __name__, sys.executable)\n\
print(sorted(os.environ.items()))\n\
print(sys.flags)\n\
print(random.random(), os.urandom(4).hex(), hash('sweperf'))\n\
print(sorted(k for k in sys.modules if k.startswith('_sweperf')))\n";

fn data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("mod_x.py", &format!("{OBSERVE}print(__file__)\n")),
            ("script.py", &format!("{OBSERVE}print(__file__)\n")),
        ],
    );
    dir
}

/// Runs `guest` on both runtimes; the outcomes must match in everything but fuel and time.
fn same_on_both(guest: impl Fn(&str) -> Guest) -> (sweperf::Outcome, sweperf::Outcome) {
    let plain = guest(PY313_O2_FULL).run();
    let snap = guest(PY313_O2_PYTEST).run();
    assert!(!plain.from_snapshot);
    assert_eq!(
        (&snap.status, &snap.stdout, &snap.stderr),
        (&plain.status, &plain.stdout, &plain.stderr),
        "the snapshot run differs from the plain one"
    );
    (plain, snap)
}

#[test]
fn a_snapshot_run_sees_what_the_plain_interpreter_sees() {
    let dir = data();
    let on = |rt: &str| Guest::new(rt).mount(dir.path(), "/data", Access::ReadOnly).cwd("/data").env("SWEPERF_X", "1");
    let (plain, snap) = same_on_both(|rt| on(rt).args(&["-c", OBSERVE, "a", "b"]));
    assert!(snap.from_snapshot, "a -c run should start from the snapshot");
    assert!(plain.stdout.contains("['-c', 'a', 'b']") && plain.stdout.contains("('SWEPERF_X', '1')"), "{}", plain.stdout);
    // No interpreter start-up and no `import pytest` to pay for (about 0.1 G and 0.9 G of the
    // plain run's 1.0 G; both pay about 0.1 G to finalise an interpreter that holds pytest).
    let (plain, snap) = same_on_both(|rt| Guest::new(rt).code("import pytest"));
    assert!(snap.fuel * 5 < plain.fuel, "snapshot {} vs plain {}", snap.fuel, plain.fuel);

    let (_, snap) = same_on_both(|rt| on(rt).args(&["-m", "mod_x", "a"]));
    assert!(snap.from_snapshot && snap.stdout.contains("/data/mod_x.py") && snap.stdout.contains("'/data'"), "{}", snap.stdout);
    let (_, snap) = same_on_both(|rt| on(rt).args(&["/data/script.py", "a"]));
    assert!(snap.from_snapshot && snap.stdout.contains("['/data/script.py', 'a']"), "{}", snap.stdout);
}

#[test]
fn exits_errors_and_exit_handlers_are_those_of_python() {
    for (code, expect) in [
        ("import sys; sys.exit(3)", 3),
        ("import sys; sys.exit('bye')", 1),
        ("raise ValueError('boom')", 1),
        ("import atexit, sys; atexit.register(print, 'at exit'); sys.stdout.write('partial')", 0),
        ("import os; os._exit(4)", 4),
    ] {
        let (_, snap) = same_on_both(|rt| Guest::new(rt).code(code));
        assert!(snap.from_snapshot);
        assert_eq!(snap.status, sweperf::Status::Exited { code: expect }, "{code}: {}", snap.stderr);
    }
    let (_, snap) = same_on_both(|rt| Guest::new(rt).code("raise ValueError('boom')"));
    assert!(snap.stderr.starts_with("Traceback") && snap.stderr.contains("ValueError: boom"), "{}", snap.stderr);
}

#[test]
fn runs_the_snapshot_cannot_stand_in_for_run_on_the_plain_interpreter() {
    // An interpreter option, and an interpreter setting in the environment.
    let (_, snap) = same_on_both(|rt| Guest::new(rt).args(&["-X", "utf8", "-c", "import sys; print(sys.flags.utf8_mode)"]));
    assert!(!snap.from_snapshot);
    let (_, snap) = same_on_both(|rt| Guest::new(rt).code("import sys; print(sys.flags.optimize)").env("PYTHONOPTIMIZE", "1"));
    assert!(!snap.from_snapshot && snap.stdout.trim() == "1", "{}", snap.stdout);

    // A repository that is pygments (which pytest imports): its own copy, not the toolchain's.
    let repo = tempfile::tempdir().unwrap();
    let code = "import pygments; print(pygments.__file__)";
    let on = |rt: &str| {
        let mut g = Guest::new(rt).mount(repo.path(), "/repo", Access::ReadWriteData).cwd("/repo").code(code);
        g.request.python_path.push("/repo".into());
        g
    };
    let (_, snap) = same_on_both(on);
    assert!(snap.from_snapshot && snap.stdout.starts_with("/sweperf/site/pygments"), "{}", snap.stdout);
    write_tree(repo.path(), &[("pygments/__init__.py", "")]);
    let (_, snap) = same_on_both(on);
    assert!(!snap.from_snapshot && snap.stdout.trim() == "/repo/pygments/__init__.py", "{}", snap.stdout);
}

#[test]
fn no_run_reaches_another_or_the_snapshot() {
    // What one run changes in the interpreter, its environment or its files is gone for the next.
    let spoil = "import os, sys, pytest, json\n\
pytest.main = None; json.dumps = None; sys.modules['planted'] = sys; os.environ['SPOILED'] = '1'\n\
sys.path.insert(0, '/tmp'); open('/tmp/planted.py', 'w').write('x = 1')\n";
    let check = "import os, sys, pytest, json\n\
print(pytest.main is None, json.dumps is None, 'planted' in sys.modules, 'SPOILED' in os.environ, '/tmp' in sys.path, os.listdir('/tmp'))\n";
    let before = Guest::new(PY313_O2_PYTEST).code(check).run_ok();
    Guest::new(PY313_O2_PYTEST).code(spoil).run_ok();
    let after = Guest::new(PY313_O2_PYTEST).code(check).run_ok();
    assert!(after.from_snapshot);
    assert_eq!(after.stdout, "False False False False False []\n");
    assert_eq!((after.fuel, &after.stdout), (before.fuel, &before.stdout));
}

#[test]
fn the_results_channel_s_name_is_nowhere_code_under_test_can_look() {
    // `_sweperf_boot` removes it from the environment before any code under test runs; on the
    // snapshot the run's environment passes through `resume`, which must keep no copy.
    let results = tempfile::tempdir().unwrap();
    // Every object the collector tracks, and everything the frames that led here hold, one
    // level into containers (a dict of bytes alone is not tracked, but a frame can hold it).
    let search = r#"import gc, sys
needle = 'tests.' + 'jsonl'
def holds(v):
    return v is not needle and isinstance(v, (str, bytes)) and needle in (v if isinstance(v, str) else v.decode('latin-1'))
def inside(o):
    if isinstance(o, dict):
        return any(holds(k) or holds(v) for k, v in list(o.items()))
    if isinstance(o, (list, tuple, set, frozenset)):
        return any(holds(v) for v in o)
    return holds(o)
found = [type(o).__name__ for o in gc.get_objects() if inside(o)]
f = sys._getframe()
while f is not None:
    found += [f.f_code.co_name for v in f.f_locals.values() if inside(v)]
    f = f.f_back
print(found)
"#;
    let (_, snap) = same_on_both(|rt| {
        std::fs::write(results.path().join("tests.jsonl"), "").unwrap();
        Guest::new(rt).mount(results.path(), "/results", Access::ReadWrite).env("SWEPERF_RESULTS", "/results/tests.jsonl").code(search)
    });
    assert!(snap.from_snapshot);
    assert_eq!(snap.stdout, "[]\n", "{}", snap.stderr);
}

#[test]
fn the_snapshot_is_the_pinned_one_and_exports_only_its_run() {
    let manifest = sweperf::runtime::find_runtime(PY313_O2_PYTEST).unwrap();
    let spec = manifest.snapshot.clone().unwrap();
    let rt = crate::util::runtime(PY313_O2_PYTEST);
    let path = rt.snapshot_file().unwrap();
    assert_eq!(sweperf::runtime::sha256_file(path).unwrap(), spec.snapshot_sha256);
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::from_file(&engine, path).unwrap();
    let mut exports: Vec<String> = module.exports().filter(|e| e.ty().func().is_some()).map(|e| e.name().to_string()).collect();
    exports.sort();
    // Neither `_initialize` nor `wizer-initialize`: nothing can start the interpreter again.
    assert_eq!(exports, ["run"]);
}

/// One bundled instance with its runtime replaced.
fn bundled_on(root: &Path, id: &str, runtime: &str) -> instance::Instance {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("instances").join(id);
    let dest = root.join(runtime).join(id);
    instance::copy_tree(&src, &dest).unwrap();
    let manifest = std::fs::read_to_string(dest.join("instance.toml")).unwrap();
    let line = manifest.lines().find(|l| l.starts_with("runtime = ")).unwrap().to_string();
    std::fs::write(dest.join("instance.toml"), manifest.replace(&line, &format!("runtime = \"{runtime}\""))).unwrap();
    instance::Instance::load(&dest).unwrap()
}

#[test]
fn an_instance_scores_on_the_snapshot_as_on_the_plain_runtime() {
    let root = tempfile::tempdir().unwrap();
    let evaluator = Evaluator::new(Home::from_env().unwrap()).unwrap();
    let mut reports = Vec::new();
    for rt in [PY313_O2_FULL, PY313_O2_PYTEST] {
        let inst = bundled_on(root.path(), "logscan-patterns", rt);
        let gold = std::fs::read_to_string(inst.dir.join("expert.patch")).unwrap();
        reports.push(evaluator.evaluate(&inst, "gold", Some(&gold), &EvalOptions::default()));
    }
    let (plain, snap) = (&reports[0], &reports[1]);
    assert_eq!((plain.status, snap.status), (InstanceStatus::Correct, InstanceStatus::Correct), "{:?} / {:?}", plain.detail, snap.detail);
    assert_eq!(plain.efficiency_tests.len(), snap.efficiency_tests.len());
    for (p, s) in plain.efficiency_tests.iter().zip(&snap.efficiency_tests) {
        assert!((p.gain - s.gain).abs() < 0.02, "{}: gain {} on the plain runtime, {} on the snapshot", p.nodeid, p.gain, s.gain);
    }
    let sides = |r: &sweperf::report::InstanceReport| [r.base.as_ref().unwrap().session.from_snapshot, r.patched.as_ref().unwrap().session.from_snapshot];
    assert_eq!(sides(snap), [true, true], "both sides' sessions start from the snapshot");
    assert_eq!(sides(plain), [false, false]);
}

/// The standard library's `keyword` of 3.13, as a repository could ship its own copy.
const KEYWORD_PY: &str = "kwlist = ['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']
softkwlist = ['_', 'case', 'match', 'type']
iskeyword = frozenset(kwlist).__contains__
issoftkeyword = frozenset(softkwlist).__contains__
";

#[test]
fn a_patch_that_shadows_an_imported_module_is_compared_with_a_plain_base() {
    // `keyword` is among the modules the snapshot imported: a tree that provides it cannot
    // start from the snapshot, so the patched side starts plain, and so must the base.
    let root = tempfile::tempdir().unwrap();
    let evaluator = Evaluator::new(Home::from_env().unwrap()).unwrap();
    let inst = bundled_on(root.path(), "logscan-patterns", PY313_O2_PYTEST);
    let gold = std::fs::read_to_string(inst.dir.join("expert.patch")).unwrap();
    let added: String = KEYWORD_PY.lines().map(|l| format!("+{l}\n")).collect();
    let shadowing = format!("{gold}diff --git a/keyword.py b/keyword.py\nnew file mode 100644\n--- /dev/null\n+++ b/keyword.py\n@@ -0,0 +1,{} @@\n{added}", KEYWORD_PY.lines().count());
    let plain = evaluator.evaluate(&inst, "gold", Some(&gold), &EvalOptions::default());
    let shadowed = evaluator.evaluate(&inst, "shadow", Some(&shadowing), &EvalOptions::default());
    assert_eq!(shadowed.status, InstanceStatus::Correct, "{:?}", shadowed.detail);
    let sides = |r: &sweperf::report::InstanceReport| [r.base.as_ref().unwrap().session.from_snapshot, r.patched.as_ref().unwrap().session.from_snapshot];
    assert_eq!(sides(&plain), [true, true]);
    assert_eq!(sides(&shadowed), [false, false], "the base was measured again without the snapshot");
    for (p, s) in plain.efficiency_tests.iter().zip(&shadowed.efficiency_tests) {
        assert!((p.gain - s.gain).abs() < 0.02, "{}: gain {} from the snapshot, {} plain", p.nodeid, p.gain, s.gain);
    }
}
