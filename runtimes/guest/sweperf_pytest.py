"""sweperf's pytest plugin and runner, executed inside the sandbox. PYTEST_DONT_REWRITE

(The marker keeps pytest from rewriting this module's asserts, and from warning, as `-p
sweperf_pytest` finds it already imported by the runner below: with a repository's
`filterwarnings = error` that warning would fail every session.)

`python -m sweperf_pytest NODEID...` runs pytest with what it needs under WASI and records, for
every test, its node id, its outcome and the fuel-clock readings that open and close its setup,
call and teardown phases, as JSON lines on the results channel that `_sweperf_boot` opened (one
line per test, written as soon as the test ends, so a run that dies half-way keeps what
finished).

Fuel is read from the fuel clock: inside the sandbox the clock advances by one per unit of fuel
consumed. The plugin reports raw readings, never differences: the host computes each phase's
fuel and checks every reading against the values its clock actually returned, so a replaced
clock or a forged line shows. The clock and the channel were bound by `_sweperf_boot` before any
code under test ran. This file is part of every report's fingerprint: any change to it can move
a fuel count.
"""

import gc
import json
import os
import sys

import _sweperf_boot
import pytest

_clock = _sweperf_boot.clock
_out = _sweperf_boot.results
_dumps = json.dumps

# What pytest needs under WASI: no os.dup (so no fd capture and no faulthandler), no os.getuid
# (so an explicit basetemp), and no cache writes between runs (a cache would change the next
# run's work).
WASI_ARGS = [
    "-p", "no:cacheprovider",
    "-p", "no:faulthandler",
    "--capture=sys",
    "--basetemp=/tmp/pytest",
    "-o", "console_output_style=classic",
    "--color=no",
    "-p", "sweperf_pytest",
]

_MAX_REPR = 4000

# The efficiency tests (node ids, files or folders): the measured call phases. Set by `main`,
# on the module pytest registers as the plugin (`-p sweperf_pytest`), from SWEPERF_MEASURED.
_MEASURED = ()


def _rank(nodeid):
    """The position of the efficiency test `nodeid` is (or belongs to) in `_MEASURED`;
    `len(_MEASURED)` for any other test."""
    for i, m in enumerate(_MEASURED):
        if nodeid == m or nodeid.startswith((m + "[", m + "::", m + "/")):
            return i
    return len(_MEASURED)


def _is_measured(nodeid):
    return _rank(nodeid) < len(_MEASURED)

_marks = {}
_reports = {}


def _write(record):
    if _out is not None:
        _out.write(_dumps(record, sort_keys=True) + "\n")
        _out.flush()


def _measured(item, when):
    start = _clock()
    try:
        return (yield)
    finally:
        _marks.setdefault(item.nodeid, {})[when] = [start, _clock()]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    # The efficiency tests run first, in the order asked, as SWE-Perf runs them (a pytest
    # command of their node ids alone): pytest would otherwise run a test named both by its id
    # and by its file (a correctness test) in the file's order, after its neighbours had warmed
    # the code it measures. The sort is stable: every other test keeps its place.
    items[:] = sorted(items, key=lambda item: _rank(item.nodeid))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    return (yield from _measured(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Garbage left by earlier tests would otherwise be collected inside a measured test's
    # window, making its cost depend on what ran before it. Other tests are only checked for
    # their outcome, so they do not pay for a full collection each.
    if _is_measured(item.nodeid):
        gc.collect()
    return (yield from _measured(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    return (yield from _measured(item, "teardown"))


def pytest_runtest_logreport(report):
    _reports.setdefault(report.nodeid, []).append(report)


def pytest_runtest_logfinish(nodeid, location):
    reports = _reports.pop(nodeid, [])
    outcome = "passed"
    message = None
    for r in reports:
        if r.failed:
            outcome = "failed" if r.when == "call" else "error"
            message = str(r.longrepr)[-_MAX_REPR:]
            break
        if r.skipped:
            outcome = "xfailed" if hasattr(r, "wasxfail") else "skipped"
        elif r.when == "call" and hasattr(r, "wasxfail"):
            outcome = "xpassed"
    record = {"nodeid": nodeid, "outcome": outcome, "marks": _marks.pop(nodeid, {})}
    if message is not None:
        record["message"] = message
    _write(record)


def pytest_collectreport(report):
    if report.failed:
        _write({
            "nodeid": report.nodeid,
            "outcome": "collection_error",
            "message": str(report.longrepr)[-_MAX_REPR:],
        })


def pytest_sessionfinish(session, exitstatus):
    _write({"session": {"exitstatus": int(exitstatus), "collected": session.testscollected}})
    if _out is not None:
        _out.close()


def main(argv, measured=""):
    """Runs pytest on `argv`, the tests named one per line in `measured` being the efficiency
    tests."""
    global _MEASURED
    _MEASURED = tuple(m.rstrip("/") for m in measured.split("\n") if m)
    return pytest.main(WASI_ARGS + list(argv))


if __name__ == "__main__":
    # Run as a script this file is `__main__`, a module pytest does not know: the plugin is the
    # module `-p sweperf_pytest` imports, so that is the one `main` must set up. The list of
    # efficiency tests leaves the environment before any code under test runs.
    import sweperf_pytest

    sys.exit(sweperf_pytest.main(sys.argv[1:], os.environ.pop("SWEPERF_MEASURED", "")))
