"""Layer `pytest-absent-plugins`: the options and ini keys of pytest plugins that are not here.

Repositories configure pytest for the plugins their CI installs: pydata/xarray's pyproject.toml
has `addopts = ["--strict-config", ..., "--mypy-pyproject-toml-file=pyproject.toml"]` (from
pytest-mypy-plugins) and `asyncio_default_fixture_loop_scope` (pytest-asyncio), so without those
plugins pytest stops before collecting anything ("unrecognized arguments", "unknown config
option" under --strict-config). The sandbox installs only pytest. This hook, imported by
sweperf's guest start-up for the environments that list the layer, names a plugin module in
PYTEST_PLUGINS that registers those options and keys and does nothing else: the plugins'
own tests (mypy type checks, asyncio) are not run, and a test needing their fixtures fails.
"""

import os

_ours = "_sweperf_pytest_absent_plugins"
_current = os.environ.get("PYTEST_PLUGINS", "")
if _ours not in _current.split(","):
    os.environ["PYTEST_PLUGINS"] = ",".join(filter(None, [_current, _ours]))
