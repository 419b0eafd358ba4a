"""sweperf's guest start-up, run before the user's code in every sandbox run.

Imported by `sitecustomize` on command runtimes and by the `-c` prelude on reactors. It makes the
run independent of anything but its inputs: no bytecode is written (a second run would read it
and cost less fuel), and the working directory is the one the host asked for (WASI has no
initial working directory of its own). It must not import anything beyond `os` and `sys`.
"""

import os
import sys

sys.dont_write_bytecode = True

_cwd = os.environ.get("SWEPERF_CWD")
if _cwd:
    os.chdir(_cwd)
del _cwd
