"""`distutils` for Pythons that lack it: setuptools' vendored copy, under its old name.

Part of sweperf's `distutils` compatibility layer (see runtimes/layers/README.md). Python 3.12
removed `distutils` (PEP 632) and the WASI CPython 3.11 build embeds a standard library without
it, yet repositories of the 2020-2023 era still write `from distutils.version import LooseVersion`
or `distutils.spawn.find_executable`. setuptools carries a maintained copy of distutils as
`setuptools._distutils`; sweperf puts a pinned setuptools wheel next to this layer on `sys.path`.

This package *is* that copy: its `__path__` is setuptools' `_distutils` folder, so `distutils.X`
loads `setuptools/_distutils/X.py` under the name `distutils.X`. That is the name the vendored
code itself uses (`from distutils._log import log`), and the way setuptools' own `_distutils_hack`
provides it. It is done without executing `setuptools/__init__.py`, which would import all of
setuptools (about 20x the fuel of a bare interpreter start on the WASI runtimes) for a version
comparison. As `import setuptools` does, setuptools' `_vendor` folder (jaraco, more_itertools,
...) is appended to `sys.path`, because the vendored modules import from it.

If setuptools itself is imported later, its `_distutils_hack` replaces this module with the same
code and warns that distutils was imported before setuptools, exactly as it does wherever a
`distutils` was imported first.
"""

import importlib.util
import os
import sys

SETUPTOOLS_VERSION = "80.9.0"  # the pinned wheel sweperf provides; see runtimes/layers/README.md

_MISSING = (
    "distutils is provided by the `distutils` compatibility layer with setuptools=="
    f"{SETUPTOOLS_VERSION}; choose an environment that includes it (see `sweperf env list`)"
)


def _setuptools_dirs():
    """The setuptools package folder and its `_distutils` folder, found without importing it."""
    try:
        spec = importlib.util.find_spec("setuptools")
    except (ImportError, ValueError):
        spec = None
    for location in (spec and spec.submodule_search_locations) or ():
        vendored = os.path.join(location, "_distutils")
        if os.path.isfile(os.path.join(vendored, "__init__.py")):
            return location, vendored
    found = f" (setuptools at {spec.origin} has no _distutils)" if spec else ""
    raise ImportError(_MISSING + found, name=__name__)


_setuptools, _vendored = _setuptools_dirs()

# Submodules `distutils.X` are found in setuptools/_distutils/.
__path__ = [_vendored]
if __spec__ is not None:
    __spec__.submodule_search_locations = __path__

# What `import setuptools` does first: its vendored dependencies go last on sys.path.
_vendor = os.path.join(_setuptools, "_vendor")
if os.path.isdir(_vendor) and _vendor not in sys.path:
    sys.path.append(_vendor)

# What setuptools/_distutils/__init__.py defines (its other line is a Debian-only hook).
__version__, _, _ = sys.version.partition(" ")

del _setuptools, _vendor, _
