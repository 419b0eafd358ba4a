import datetime

from logscan import format_report, scan


def test_scan_counts(classifier, make_log):
    lines = make_log(400, seed=3)
    report = scan(lines, classifier)
    blank = sum(1 for line in lines if not line.strip())
    assert report.total == len(lines) - blank
    assert report.matched + report.unmatched == report.total
    assert sum(report.by_rule.values()) == report.matched
    assert sum(report.by_category.values()) == report.matched
    assert sum(report.by_severity.values()) == report.matched
    assert sum(report.timeline.values()) == report.matched
    assert report.unmatched > 0
    assert len(report.unmatched_samples) <= 3


def test_scan_aggregates_fields(classifier):
    lines = [
        '10.0.0.1 - - [01/Mar/2024:10:00:00 +0100] "GET /a HTTP/1.1" 200 100 "-" "x" rt=0.100',
        '10.0.0.2 - - [01/Mar/2024:10:00:30 +0100] "POST /a HTTP/1.1" 200 - "-" "x" rt=0.300',
        '10.0.0.1 - - [01/Mar/2024:10:01:00 +0100] "GET /b HTTP/1.1" 200 300 "-" "x" rt=0.200',
        '10.0.0.3 - - [01/Mar/2024:09:59:00 +0100] "GET /b HTTP/1.1" 503 10 "-" "x" rt=1.5',
        "",
        "not a log line",
    ]
    report = scan(lines, classifier, sample_size=1)
    assert report.total == 5
    assert report.unmatched == 1
    assert report.by_rule == {"http_ok": 3, "http_5xx": 1}
    assert report.top("http_ok", "method") == [("GET", 2), ("POST", 1)]
    assert report.top("http_ok", "missing") == []
    size = report.field_stats("http_ok", "size")
    assert (size.count, size.total, size.minimum, size.maximum, size.mean) == (2, 400, 100, 300, 200)
    assert report.field_stats("http_5xx", "size") is None
    assert report.field_stats("http_5xx", "rt").maximum == 1.5
    first, last = report.time_range["http_ok"]
    assert (first.minute, last.minute) == (0, 1)
    assert report.samples["http_ok"] == [lines[0]]
    assert report.at_least("warning") == 1
    assert report.at_least("debug") == 4
    assert report.busiest(2) == [("2024-03-01 10:00", 2), ("2024-03-01 09:59", 1)]
    assert report.busiest(severity="error") == [("2024-03-01 09:59", 1)]


def test_time_range_keeps_extremes(classifier):
    lines = [
        "2024-03-01T10:00:05Z DEBUG [a] x",
        "2024-03-01T10:00:01Z DEBUG [a] x",
        "2024-03-01T10:00:09Z DEBUG [a] x",
        "2024-03-01T10:00:03Z DEBUG [a] x",
    ]
    first, last = scan(lines, classifier).time_range["app_other"]
    assert first == datetime.datetime(2024, 3, 1, 10, 0, 1, tzinfo=datetime.timezone.utc)
    assert last.second == 9


def test_format_report(classifier, make_log):
    text = format_report(scan(make_log(400, seed=3), classifier))
    assert text.startswith("lines ")
    assert "by severity:" in text and "by category:" in text
    assert "http.ok" in text
    assert "top http_ok.method:" in text
    assert "http_ok.rt: n=" in text
    assert "unmatched examples:" in text


def test_format_empty_report(classifier):
    text = format_report(scan([], classifier))
    assert "lines             0" in text
    assert "unmatched examples" not in text
