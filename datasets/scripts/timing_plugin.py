"""pytest plugin for native measurement: the call-phase duration of every passed test.

Loaded with `-p timing_plugin` (its folder on PYTHONPATH); writes a JSON object
{nodeid: seconds} to the file named by $REAL_DEV_TIMINGS at the end of the session, and, if
$REAL_DEV_NOT_PASSED is set, the list of tests that failed, errored or were skipped there.
Only the call phase is timed (setup and teardown excluded), like sweperf's fuel per test.
"""
import json
import os
import time

import pytest

_durations = {}
_passed = set()
_not_passed = set()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    start = time.perf_counter()
    yield
    _durations[item.nodeid] = time.perf_counter() - start


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed:
        _passed.add(report.nodeid)
    elif report.failed or report.skipped:
        _not_passed.add(report.nodeid)


def pytest_collectreport(report):
    if report.failed:
        _not_passed.add(report.nodeid)


def pytest_sessionfinish(session):
    out = os.environ.get("REAL_DEV_TIMINGS")
    if out:
        with open(out, "w") as f:
            json.dump({k: v for k, v in _durations.items() if k in _passed and k not in _not_passed}, f)
    other = os.environ.get("REAL_DEV_NOT_PASSED")
    if other:
        with open(other, "w") as f:
            json.dump(sorted(_not_passed), f)
