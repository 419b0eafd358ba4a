"""Scanning realistically sized logs with the full rule set."""

import pytest

from logscan import scan


@pytest.fixture(scope="module")
def mixed_log(make_log):
    """An hour of interleaved web, application and system logs."""
    return make_log(2500, seed=2024)


@pytest.fixture(scope="module")
def access_log(make_log):
    """Only the web server's access log lines."""
    return [line for line in make_log(4000, seed=99) if "HTTP/1.1" in line]


def test_scan_mixed_log(classifier, mixed_log):
    report = scan(mixed_log, classifier)
    assert report.total > 2400
    assert report.unmatched < 40
    assert report.by_category["http.ok"] > 900
    assert report.by_category["system.ssh.failure"] > 50
    assert report.field_stats("app_slow_query", "elapsed").minimum >= 500
    assert report.busiest(1)[0][1] >= 2


def test_classify_access_log(classifier, access_log):
    statuses = {}
    for line in access_log:
        result = classifier.classify(line)
        statuses[result.name] = statuses.get(result.name, 0) + 1
    assert sum(statuses.values()) == len(access_log)
    assert set(statuses) == {"http_5xx", "http_denied", "http_4xx", "http_slow", "http_ok"}
