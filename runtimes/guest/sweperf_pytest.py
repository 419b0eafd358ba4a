"""sweperf's pytest plugin and runner, executed inside the sandbox.

`python -m sweperf_pytest NODEID...` runs pytest with what it needs under WASI and records, for
every test, its node id, outcome and the fuel of its setup, call and teardown phases, as JSON
lines in the file named by SWEPERF_RESULTS (one line per test, written as soon as the test
ends, so a run that dies half-way keeps what finished).

Fuel is read from the fuel clock: inside the sandbox `time.perf_counter_ns()` advances by one per
unit of fuel consumed, so the difference across a phase is that phase's fuel. This file is part
of every report's fingerprint: any change to it can move a fuel count.
"""

import gc
import json
import os
import sys
import time

import pytest

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


class _Recorder:
    def __init__(self, path):
        self._out = open(path, "a", encoding="utf-8") if path else None
        self._phases = {}

    def record_phase(self, nodeid, when, fuel):
        self._phases.setdefault(nodeid, {})[when + "_fuel"] = fuel

    def write(self, record):
        if self._out is not None:
            self._out.write(json.dumps(record, sort_keys=True) + "\n")
            self._out.flush()

    def close(self):
        if self._out is not None:
            self._out.close()


_recorder = None
_reports = {}


def pytest_configure(config):
    global _recorder
    _recorder = _Recorder(os.environ.get("SWEPERF_RESULTS"))


def _measured(item, when):
    start = time.perf_counter_ns()
    try:
        return (yield)
    finally:
        _recorder.record_phase(item.nodeid, when, time.perf_counter_ns() - start)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    return (yield from _measured(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Garbage left by earlier tests would otherwise be collected inside this test's window,
    # making its cost depend on what ran before it.
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
            outcome = "skipped"
    record = {"nodeid": nodeid, "outcome": outcome}
    record.update(_recorder._phases.pop(nodeid, {}))
    if message is not None:
        record["message"] = message
    _recorder.write(record)


def pytest_collectreport(report):
    if report.failed:
        _recorder.write({
            "nodeid": report.nodeid,
            "outcome": "collection_error",
            "message": str(report.longrepr)[-_MAX_REPR:],
        })


def pytest_sessionfinish(session, exitstatus):
    _recorder.write({"session": {"exitstatus": int(exitstatus), "collected": session.testscollected}})
    _recorder.close()


def main(argv):
    return pytest.main(WASI_ARGS + list(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
