//! Environments: python-3.11 with compatibility layers, and the hint that names the
//! environment providing a missing module.

use crate::util::*;

fn legacy_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "oldpkg/__init__.py",
                "from distutils.version import LooseVersion\nimport ctypes\n\nLONG_BITS = 8 * ctypes.sizeof(ctypes.c_long)\n\ndef newest(versions):\n    return max(versions, key=LooseVersion)\n",
            ),
            (
                "tests/test_old.py",
                "from oldpkg import newest, LONG_BITS\n\ndef test_newest():\n    assert newest(['1.9', '1.10', '1.2']) == '1.10'\n\ndef test_wasm32_long():\n    assert LONG_BITS == 32\n",
            ),
        ],
    );
    dir
}

fn pytest_in(env_flag: &[&str], tree: &std::path::Path) -> std::process::Output {
    sweperf_cmd()
        .arg("python")
        .args(env_flag)
        .args(["--cwd", "/repo", "--path", "/repo", "--mount"])
        .arg(format!("{}:/repo:rw", tree.display()))
        .args(["--", "-m", "sweperf_pytest", "-q", "tests"])
        .output()
        .unwrap()
}

#[test]
fn a_distutils_tree_runs_on_the_legacy_environment_and_names_it_elsewhere() {
    let tree = legacy_tree();
    let ok = pytest_in(&["--environment", "python-3.11-legacy"], tree.path());
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&ok.stderr));
    assert!(stdout.contains("2 passed"), "{stdout}");

    let fails = pytest_in(&["--runtime", "python-3.12"], tree.path());
    let stdout = String::from_utf8_lossy(&fails.stdout);
    assert!(!fails.status.success());
    assert!(
        stdout.contains("No module named 'distutils'; it is provided by the sweperf environment 'python-3.11-legacy'"),
        "{stdout}"
    );
}

#[test]
fn the_ctypes_stand_in_gives_sizes_and_refuses_foreign_calls() {
    let g = Guest::with_layers(PY312, &["ctypes-wasm32"]).code("import ctypes\nprint(ctypes.sizeof(ctypes.c_long), ctypes.sizeof(ctypes.c_void_p), ctypes.sizeof(ctypes.c_longlong))\ntry:\n    ctypes.CDLL('libc.so')\nexcept NotImplementedError as e:\n    print('refused:', e)\n");
    let with_layer = g.run_ok();
    assert!(with_layer.stdout.starts_with("4 4 8\n"), "{}", with_layer.stdout);
    assert!(with_layer.stdout.contains("refused:") && with_layer.stdout.contains("sweperf sandbox"), "{}", with_layer.stdout);
    // Layers are only on the path when asked for.
    let without = Guest::new(PY312).code("import ctypes").run();
    assert!(!without.status.success() && without.stderr.contains("python-3.12-compat"), "{}", without.stderr);
}

#[test]
fn env_list_shows_the_table() {
    let out = sweperf_cmd().args(["env", "list"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for needle in ["python-3.11-legacy", "distutils", "ctypes-wasm32", "setuptools==", "sympy/sympy", "pydata/xarray", "unsupported"] {
        assert!(stdout.contains(needle), "`{needle}` missing from:\n{stdout}");
    }
}

#[test]
fn the_posix_ids_layer_acts_only_when_listed() {
    let with = Guest::with_layers(PY312, &["posix-ids"]).code("import os\nfrom os import getuid\nprint(getuid(), os.getegid())");
    assert_eq!(with.run_ok().stdout, "0 0\n");
    let without = Guest::new(PY312).code("from os import getuid").run();
    assert!(!without.status.success() && without.stderr.contains("getuid"), "{}", without.stderr);
}

#[test]
fn ssl_absent_lets_ssl_import_and_nothing_more() {
    let g = Guest::with_layers(PY312, &["ssl-absent"]).code(
        "import ssl\ntry:\n    from ssl import SSLContext\nexcept ImportError as e:\n    print('import refused:', e)\ntry:\n    ssl.create_default_context()\nexcept AttributeError as e:\n    print('attribute refused:', e)\n",
    );
    let out = g.run_ok();
    assert!(out.stdout.contains("import refused:") && out.stdout.contains("attribute refused:") && out.stdout.contains("ssl-absent"), "{}", out.stdout);
}

#[test]
fn sphinx_5s_import_time_needs_are_met_only_when_listed() {
    // sphinx before 7.1: `sphinx.testing.path` calls os.umask at import, `sphinx.util.parallel`
    // reads multiprocessing.context.ForkProcess.
    let code = "import os, multiprocessing\nprint(oct(os.umask(0o077)), oct(os.umask(0o022)))\nprint(multiprocessing.context.ForkProcess.__name__)\nfrom multiprocessing.context import BaseContext\ntry:\n    multiprocessing.context.ForkProcess(target=print)\nexcept NotImplementedError as e:\n    print('refused:', e)\n";
    let with = Guest::with_layers(PY312, &["multiprocessing-absent", "multiprocessing-context", "posix-umask"]).code(code).run_ok();
    assert!(with.stdout.starts_with("0o22 0o77\nForkProcess\nrefused: ForkProcess:"), "{}", with.stdout);
    assert!(with.stdout.contains("multiprocessing-context"), "{}", with.stdout);
    let without = Guest::with_layers(PY312, &["multiprocessing-absent"]).code(code).run();
    assert!(!without.status.success() && without.stderr.contains("umask"), "{}", without.stderr);
    let no_context = Guest::with_layers(PY312, &["multiprocessing-absent", "posix-umask"]).code(code).run();
    assert!(!no_context.status.success() && no_context.stderr.contains("context"), "{}", no_context.stderr);
}

#[test]
fn multiprocessing_absent_gives_dill_its_names_and_pylint_its_signal() {
    let g = Guest::with_layers(PY312, &["multiprocessing-absent"]).code(
        "import multiprocessing\nfrom multiprocessing.reduction import _reduce_socket, ForkingPickler\nimport multiprocessing.pool\nprint(multiprocessing.cpu_count(), multiprocessing.current_process().name)\ntry:\n    from multiprocessing import synchronize\nexcept ImportError:\n    print('no synchronize')\ntry:\n    multiprocessing.pool.Pool(2)\nexcept NotImplementedError as e:\n    print('refused:', e)\n",
    );
    let out = g.run_ok();
    assert!(out.stdout.starts_with("1 MainProcess\nno synchronize\nrefused:"), "{}", out.stdout);
    assert!(out.stdout.contains("multiprocessing-absent"), "{}", out.stdout);
}

#[test]
fn network_absent_makes_connecting_fail_as_offline() {
    let g = Guest::with_layers(PY312, &["network-absent"]).code(
        "import socket\ntry:\n    socket.create_connection(('example.com', 80), timeout=1)\nexcept socket.gaierror as e:\n    print('gaierror:', e)\n",
    );
    let out = g.run_ok();
    assert!(out.stdout.starts_with("gaierror:") && out.stdout.contains("no network"), "{}", out.stdout);
}

#[test]
fn subprocess_absent_reports_a_missing_command_and_popen_still_refuses() {
    let g = Guest::with_layers(PY312, &["subprocess-absent"]).code(
        "import subprocess\nr = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True)\nprint(r.returncode, repr(r.stdout), 'subprocess-absent' in r.stderr)\ntry:\n    subprocess.Popen(['git'])\nexcept OSError:\n    print('popen refused')\n",
    );
    assert_eq!(g.run_ok().stdout, "127 '' True\npopen refused\n");
}

#[test]
fn pytest_absent_plugins_accepts_their_options_ini_keys_and_markers_only_when_listed() {
    let test = "import pytest\n\n@pytest.mark.asyncio\ndef test_marked_asyncio():\n    pass\n\n@pytest.mark.timeout(5)\ndef test_marked_timeout():\n    pass\n";
    let config = tempfile::tempdir().unwrap();
    write_tree(
        config.path(),
        &[
            ("pytest.ini", "[pytest]\naddopts = --strict-config --mypy-only-local-stub\nasyncio_default_fixture_loop_scope = function\n"),
            ("tests/test_plain.py", "def test_plain():\n    pass\n"),
        ],
    );
    let markers = tempfile::tempdir().unwrap();
    write_tree(markers.path(), &[("pytest.ini", "[pytest]\naddopts = --strict-markers\n"), ("tests/test_marked.py", test)]);
    let pytest = |layers: &[&str], tree: &std::path::Path| {
        Guest::with_layers(PY311_O2, layers)
            .mount(tree, "/repo", sweperf::Access::ReadWrite)
            .cwd("/repo")
            .args(&["-m", "sweperf_pytest", "-q", "tests"])
            .run()
    };
    for (tree, passed, refusal) in [(&config, "1 passed", "unrecognized arguments"), (&markers, "2 passed", "'asyncio' not found in `markers`")] {
        let with = pytest(&["pytest-absent-plugins"], tree.path());
        assert!(with.status.success() && with.stdout.contains(passed), "{}\n{}", with.stdout, with.stderr);
        let without = pytest(&[], tree.path());
        let said = format!("{}{}", without.stdout, without.stderr);
        assert!(!without.status.success() && said.contains(refusal), "{said}");
    }
}

#[test]
fn the_missing_module_hints_never_move_fuel_and_still_name_the_environment() {
    let code = "import json\ntry:\n    import not_a_module_here\nexcept ImportError:\n    pass\n";
    let plain = Guest::new(PY311_O2).code(code).run_ok();
    let mut more = Guest::new(PY311_O2).code(code);
    more.request.module_hints.push(("extra_module".into(), vec!["env-a".into(), "env-b".into()]));
    more.request.module_hints.extend((0..50).map(|i| (format!("module_{i}"), vec![format!("environment-{i}")])));
    let more_run = more.run_ok();
    assert_eq!(plain.fuel, more_run.fuel, "a larger hints table moved the fuel of a guest that does not import a hinted module");
    let hinted = more.code("import extra_module").run();
    assert!(!hinted.status.success());
    assert!(hinted.stderr.contains("No module named 'extra_module'; it is provided by the sweperf environment 'env-a' or 'env-b'"), "{}", hinted.stderr);
}
