"""Layer `subprocess-absent`: `subprocess.run` of any command ends like a command not found.

WASI has no processes: the WASI CPython builds raise `OSError: [Errno 58] wasi does not support
processes` from `subprocess.Popen`. Some packages run a command at import time and handle its
failure only as a failed command: a sphinx-doc/sphinx development checkout runs
`git rev-parse --short HEAD` in `sphinx/__init__.py` and uses the output if there is any, but
does not catch OSError, so `import sphinx` fails. This hook, imported by sweperf's guest start-up
for the environments that list the layer, wraps `subprocess.run` (and `check_output`, `call`,
which go through `run`/`Popen`): when the runtime refuses to start a process, `run` returns
what a shell gives for a missing command, exit status 127 with empty output (and the reason on
stderr when captured), and raises CalledProcessError under `check=True`, as it would. `Popen`
itself still raises, so code that needs a process fails loudly.
"""

import subprocess

_real_run = subprocess.run
_MESSAGE = "sweperf sandbox: no processes (WASI); the subprocess-absent layer reports exit status 127\n"


def _run(*popenargs, **kwargs):
    try:
        return _real_run(*popenargs, **kwargs)
    except OSError as e:
        if getattr(e, "errno", None) != 58 and "does not support processes" not in str(e):
            raise
    args = popenargs[0] if popenargs else kwargs.get("args")
    text = kwargs.get("text") or kwargs.get("universal_newlines") or kwargs.get("encoding") or kwargs.get("errors")
    captured = kwargs.get("capture_output") or kwargs.get("stdout") == subprocess.PIPE
    empty = "" if text else b""
    stdout = empty if captured else None
    stderr = (_MESSAGE if text else _MESSAGE.encode()) if (kwargs.get("capture_output") or kwargs.get("stderr") == subprocess.PIPE) else None
    result = subprocess.CompletedProcess(args, 127, stdout, stderr)
    if kwargs.get("check"):
        raise subprocess.CalledProcessError(127, args, stdout, stderr)
    return result


subprocess.run = _run
