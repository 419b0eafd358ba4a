"""What a snapshot runtime's pre-initialised interpreter holds, and how each run resumes it.

Imported once, by the runtime's `wizer-initialize` (runtimes/build/cpython-full/snapshot.c),
when sweperf provisions the runtime: the interpreter is initialised with sweperf's fixed
environment and only the toolchain and this folder on the path (no `sitecustomize` here then,
so `_sweperf_boot` does not run), and this module imports pytest and every plugin pytest.main
loads. wasmtime-wizer then snapshots the instance; every run starts from that snapshot and calls
`resume` (through the runtime's `run`) with its own argv and environment, which does what
`python ARGS` would have done from there:

- the environment (`os.environ`, `os.environb`) is the run's, the C library's too (snapshot.c);
- `sys.argv`, `sys.orig_argv` and `sys.path` are computed from the run's argv and PYTHONPATH as
  CPython computes them: `sys.path[0]` is `''` for `-c`, the working directory for `-m`, the
  script's folder for a script; then PYTHONPATH; then the standard library as initialised;
- the import system forgets every folder it looked at during the initialisation except the
  standard library's and the toolchain's (both read-only and the same in every run);
- `random`, seeded during the initialisation, is seeded again from the run's `os.urandom`;
- `sitecustomize` is imported as `site` would have (so `_sweperf_boot` runs before any code under
  test, as on every runtime), then the `-c` code, `-m` module or script runs in `__main__`.

Only `-c CODE`, `-m MODULE` and `SCRIPT` (each with its arguments) are taken; the host runs any
other command line, and any run whose import path could shadow a module imported here, on the
runtime's plain interpreter instead. This file is part of every report's fingerprint.
"""

import importlib
import os
import sys

import pytest  # noqa: F401
import _pytest.assertion.rewrite  # noqa: F401
import _pytest.config

for _name in _pytest.config.default_plugins:
    importlib.import_module("_pytest." + _name)
import gc  # noqa: E402,F401  (what sweperf_pytest imports)
import json  # noqa: E402,F401
import runpy  # noqa: E402

del _name

# The path as initialised: PYTHONPATH's entries first, then the standard library's.
_INIT_PYTHONPATH = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
_STDLIB_PATH = [p for p in sys.path if p not in _INIT_PYTHONPATH]
# Folders whose finders (and their listings) stay valid in every run: the standard library's
# and the toolchain's, read-only and verified; not this module's folder, whose files differ.
_KEEP_FINDERS = tuple(p for p in [*_STDLIB_PATH, "/sweperf/site"] if p)


def _kept(folder):
    return isinstance(folder, str) and any(folder == k or folder.startswith(k + "/") for k in _KEEP_FINDERS)


# For the host (its only reader, see src/sandbox/snapshot.rs): the top-level modules imported so
# far, which a folder on a run's import path must not provide for the run to start from here.
sys.stdout.write(" ".join(sorted({name.partition(".")[0] for name in sys.modules})) + "\n")
sys.stdout.flush()


def _usage(message):
    sys.stderr.write(f"sweperf snapshot runtime: {message}\n")
    return 2


def _exit_code(exc):
    """What `python` exits with for SystemExit `exc` (as CPython's _Py_HandleSystemExit)."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        sys.stderr.write(f"{code}\n")
        sys.stderr.flush()
    except Exception:
        pass
    return 1


def resume(argv, environ):
    """Run `argv` (argv[0] is the interpreter) with the environment `environ` (bytes to bytes)
    from the snapshot's state; returns the exit status."""
    # Not importable by name any more (as on the plain interpreter, where it was never imported).
    sys.modules.pop(__name__, None)
    data = os.environ._data
    data.clear()
    data.update(environ)
    # The caller's copy too: nothing but os.environ holds the run's variables (`_sweperf_boot`
    # removes the results channel's name from there before any code under test runs).
    environ.clear()

    args = list(argv[1:])
    if not args:
        return _usage("no command (give -c CODE, -m MODULE or a script)")
    first = args[0]
    if first in ("-c", "-m") and len(args) < 2:
        return _usage(f"{first} needs an argument")
    if first.startswith("-") and first not in ("-c", "-m"):
        return _usage(f"option {first} is not supported; only -c, -m and a script are")

    sys.orig_argv = list(argv)
    pythonpath = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = [*pythonpath, *_STDLIB_PATH]
    for folder in list(sys.path_importer_cache):
        if not _kept(folder):
            del sys.path_importer_cache[folder]
    if "random" in sys.modules:
        sys.modules["random"].seed()

    main = sys.modules["__main__"]
    try:
        # As `site` does at start-up: sweperf's own start-up, before any code under test.
        try:
            import sitecustomize  # noqa: F401
        except ImportError as exc:
            if exc.name != "sitecustomize":
                raise
        # Then sys.path[0], as CPython computes it after start-up (after the working
        # directory `_sweperf_boot` set).
        if first == "-c":
            sys.path.insert(0, "")
            sys.argv = ["-c", *args[2:]]
            code = compile(args[1], "<string>", "exec")
            # As `python -c` does: tracebacks can show the command's lines.
            import linecache

            linecache._register_code(code, args[1], "<string>")
            exec(code, main.__dict__)
        elif first == "-m":
            sys.path.insert(0, os.getcwd())
            sys.argv = ["-m", *args[2:]]
            runpy._run_module_as_main(args[1], True)
        else:
            sys.path.insert(0, os.path.dirname(os.path.realpath(first)))
            sys.argv = list(args)
            with open(first, "rb") as f:
                source = f.read()
            main.__dict__.update(__file__=first, __cached__=None)
            exec(compile(source, first, "exec"), main.__dict__)
    except SystemExit as exc:
        return _exit_code(exc)
    except BaseException as exc:
        # As `python` reports an uncaught exception: through sys.excepthook, without this frame.
        tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
        exc.__traceback__ = tb
        sys.last_exc = exc
        sys.last_type, sys.last_value, sys.last_traceback = type(exc), exc, tb
        try:
            sys.excepthook(type(exc), exc, tb)
        except SystemExit as inner:
            return _exit_code(inner)
        return 1
    return 0
