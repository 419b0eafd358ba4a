"""Compiles a tree under test to bytecode, inside the sandbox, before any measured session.

`python -m sweperf_compile --modules FILE... --tests FILE...` (guest paths; the host decides
which file is which, and which test modules pytest will rewrite; it runs this from a folder
outside the tree, so that none of the tree's code is importable) writes, for every file that
compiles:

- a module of the code under test (`--modules`): a checked-hash `.pyc` (PEP 552) in its
  `__pycache__`, so an import in the session only checks the source's hash instead of
  compiling it;
- a test module or `conftest.py` (`--tests`): the module as pytest's assertion rewriting turns
  it into, in the checked-hash `.pyc` pytest itself writes and reads
  (`<name>.<tag>-pytest-<version>.pyc`), so a session does not pay for rewriting the test files
  on every run.

Every file is written anew and renamed into place, never into an existing file (restored
bytecode is linked from the host's cache). Everything is derived from the tree's sources by this
interpreter and this pytest, so the files are the same on every machine; a stale or foreign
`.pyc` is replaced, and one for a file that does not compile is removed, so the session compiles
(or fails on) the source itself. A file that does not compile is otherwise left alone: it fails
on import as it would have.

This runs outside every measured session and its fuel counts nowhere; it is part of every
report's fingerprint, since what it writes decides what a session loads.
"""

import importlib.util
import os
import py_compile
import sys


def remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def compile_module(path):
    target = importlib.util.cache_from_source(path)
    try:
        py_compile.compile(path, cfile=target, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    except (py_compile.PyCompileError, SyntaxError, ValueError, OSError):
        remove(target)


def rewrite_test(path, rewrite):
    from pathlib import Path

    source = Path(path)
    target = rewrite.get_cache_dir(source) / (source.name[:-3] + rewrite.PYC_TAIL)
    try:
        source_hash, code = rewrite._rewrite_test(source, None)
    except (SyntaxError, ValueError, OSError, UnicodeDecodeError):
        remove(target)
        return
    os.makedirs(target.parent, exist_ok=True)
    # A new file renamed into place, as py_compile writes: never into an existing file, which
    # may be a link to the host's bytecode cache.
    staging = target.with_name(target.name + ".new")
    remove(staging)
    with open(staging, "xb") as fp:
        rewrite._write_pyc_fp(fp, source_hash, code)
    os.replace(staging, target)


def main(args):
    groups = {"--modules": [], "--tests": []}
    current = None
    for arg in args:
        if arg in groups:
            current = groups[arg]
        elif current is None:
            raise SystemExit("usage: python -m sweperf_compile --modules FILE... --tests FILE...")
        else:
            current.append(arg)
    for path in groups["--modules"]:
        compile_module(path)
    if groups["--tests"]:
        from _pytest.assertion import rewrite

        for path in groups["--tests"]:
            rewrite_test(path, rewrite)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
