"""sweperf's pytest plugin and runner, executed inside the sandbox.

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

# The efficiency tests (node ids, files or folders, one per line): the measured call phases.
_MEASURED = tuple(m.rstrip("/") for m in os.environ.pop("SWEPERF_MEASURED", "").split("\n") if m)


def _is_measured(nodeid):
    return any(nodeid == m or nodeid.startswith((m + "[", m + "::", m + "/")) for m in _MEASURED)

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


def main(argv):
    return pytest.main(WASI_ARGS + list(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
