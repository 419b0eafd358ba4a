"""Compiles a tree under test to bytecode, inside the sandbox, before any measured session.

`python -m sweperf_compile --root DIR FILE...` (the tree's root and the guest paths of its Python
files; run from a folder outside the tree, so that none of its code is importable) writes, for
every file that compiles:

- a module of the code under test: a checked-hash `.pyc` (PEP 552) in its `__pycache__`, so
  an import in the session only checks the source's hash instead of compiling it;
- a test module or `conftest.py`: the module as pytest's assertion rewriting turns it into,
  in the checked-hash `.pyc` pytest itself writes and reads (`<name>.<tag>-pytest-<version>.pyc`),
  so a session does not pay for rewriting the test files on every run.

Everything is derived from the tree's sources by this interpreter and this pytest, so the files
are the same on every machine; a stale or foreign `.pyc` is replaced, and one for a file that
does not compile is removed, so the session compiles (or fails on) the source itself. A file
that does not compile is otherwise left alone: it fails on import as it would have.

This runs outside every measured session and its fuel counts nowhere; it is part of every
report's fingerprint, since what it writes decides what a session loads.
"""

import fnmatch
import importlib.util
import os
import py_compile
import sys

# pytest's default `python_files`: other patterns a repository configures are rewritten by
# pytest in the session, as before.
TEST_PATTERNS = ("test_*.py", "*_test.py")


def is_test_module(path):
    name = os.path.basename(path)
    return name == "conftest.py" or any(fnmatch.fnmatch(name, p) for p in TEST_PATTERNS)


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
    with open(target, "wb") as fp:
        rewrite._write_pyc_fp(fp, source_hash, code)


def pass_hook_enabled(root):
    """Whether the repository's pytest configuration enables the assertion pass hook, which
    changes what rewriting produces: its test modules are then left to pytest."""
    for name in ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"):
        try:
            with open(os.path.join(root, name), "rb") as f:
                if b"enable_assertion_pass_hook" in f.read():
                    return True
        except OSError:
            pass
    return False


def main(args):
    if len(args) < 2 or args[0] != "--root":
        raise SystemExit("usage: python -m sweperf_compile --root DIR FILE...")
    root, paths = args[1], args[2:]
    rewrite = None
    if any(is_test_module(p) for p in paths) and not pass_hook_enabled(root):
        from _pytest.assertion import rewrite
    for path in paths:
        if is_test_module(path):
            if rewrite is not None:
                rewrite_test(path, rewrite)
        else:
            compile_module(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
