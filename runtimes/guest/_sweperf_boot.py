"""sweperf's guest start-up, run before the user's code in every sandbox run.

Imported by `sitecustomize` on command runtimes and by the `-c` prelude on reactors, before any
code under test. It makes the run independent of anything but its inputs: no bytecode is written
(a second run would read it and cost less fuel), and the working directory is the one the host
asked for (WASI has no initial working directory of its own). When a module that one of sweperf's
environments provides is missing, the import error names that environment.

It also binds, before any code under test can replace them, what sweperf's measurements need:
`clock` (the fuel clock: the host checks every value a measurement reports against the values it
returned) and `results`, the channel the pytest plugin writes to. The results file is opened and
its name unlinked at once, and the variable naming it removed, so code under test cannot append
to it by name (the host reads it through a handle it kept). It must not import anything beyond
`os`, `sys` and `time`.
"""

import os
import sys
import time

sys.dont_write_bytecode = True

clock = time.perf_counter_ns
results = None

_path = os.environ.pop("SWEPERF_RESULTS", None)
if _path:
    results = open(_path, "a", encoding="utf-8")
    os.unlink(_path)
del _path

# Layers that must act before user code (see runtimes/layers/) ship `_sweperf_init_<layer>`.
for _layer in filter(None, os.environ.get("SWEPERF_LAYERS", "").split(",")):
    try:
        __import__("_sweperf_init_" + _layer.replace("-", "_"))
    except ModuleNotFoundError:
        pass

_cwd = os.environ.get("SWEPERF_CWD")
if _cwd:
    os.chdir(_cwd)
del _cwd


class _MissingModuleHint:
    """Last on sys.meta_path, so it speaks only when nothing else found the module. The hints
    are files, `hints/<module>` beside this one, read only then: how many environments the
    table has never moves a fuel count."""

    _folder = os.path.join(os.path.dirname(__file__), "hints")

    def find_spec(self, fullname, path=None, target=None):
        if "." in fullname:
            return None
        try:
            with open(os.path.join(self._folder, fullname), encoding="utf-8") as f:
                environments = f.read().split()
        except (OSError, ValueError):
            return None
        raise ModuleNotFoundError(
            f"No module named {fullname!r}; it is provided by the sweperf environment"
            f" {' or '.join(repr(e) for e in environments)} (see `sweperf env list`)",
            name=fullname,
        )


sys.meta_path.append(_MissingModuleHint())
