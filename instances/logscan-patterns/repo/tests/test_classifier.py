import pytest

from logscan import Classifier, Rule, load_rules

ACCESS_500 = ('10.1.2.3 - - [01/Mar/2024:10:00:00 +0100] "GET /api/v2/cart HTTP/1.1" 502 173 '
              '"-" "curl/8.4.0" rt=0.210')
ACCESS_403 = ACCESS_500.replace(" 502 ", " 403 ")
ACCESS_404 = ACCESS_500.replace(" 502 ", " 404 ")
ACCESS_SLOW = ACCESS_500.replace(" 502 ", " 200 ").replace("rt=0.210", "rt=2.500")
ACCESS_OK = ACCESS_500.replace(" 502 ", " 200 ")
ACCESS_304 = ACCESS_500.replace(" 502 173 ", " 304 - ")


@pytest.mark.parametrize(
    "line, rule",
    [
        (ACCESS_500, "http_5xx"),
        (ACCESS_403, "http_denied"),
        (ACCESS_404, "http_4xx"),
        (ACCESS_SLOW, "http_slow"),
        (ACCESS_OK, "http_ok"),
        (ACCESS_304, "http_ok"),
        ("2024-03-01T10:00:00.120Z WARNING [shop.db] query took 2.5s: SELECT 1", "app_slow_query"),
        ("2024-03-01T10:00:00Z WARNING [shop.auth] login failed for user=bob from=192.168.1.9 reason=bad password",
         "app_login_failed"),
        ("2024-03-01T10:00:00Z INFO [shop.api] request id=00ab12 GET /api/v2/cart -> 200 in 12.5ms", "app_request"),
        ("2024-03-01T10:00:00Z CRITICAL [shop.payments] card processor unreachable", "app_error"),
        ("2024-03-01T10:00:00Z warning [shop.api] retrying", "app_warning"),
        ("2024-03-01T10:00:00Z DEBUG [shop.api] cache hit", "app_other"),
        ("Mar  1 10:00:00 web-01 kernel: Out of memory: Killed process 4242 (python3) total-vm=1000kB anon-rss=10kB",
         "sys_oom"),
        ("Mar  1 10:00:00 web-01 sshd[311]: Failed password for root from 203.0.113.7 port 50022 ssh2", "sys_ssh_failed"),
        ("Mar 12 10:00:00 db-01 CRON[77]: (root) CMD (/usr/local/bin/backup --incremental)", "sys_cron"),
        ("Mar 12 10:00:00 db-01 systemd[1]: Started Session 4 of user deploy.", "sys_other"),
        ("2024-03-01T10:00:00Z Metrics cpu=3 mem=70", "metrics"),
    ],
)
def test_first_matching_rule_wins(classifier, line, rule):
    result = classifier.classify(line + "\n")
    assert result is not None, classifier.explain(line)
    assert result.name == rule


def test_classification_fields_and_metadata(classifier):
    result = classifier.classify(ACCESS_500)
    assert result.category == "http.server_error"
    assert result.severity == "error"
    assert result.fields["status"] == 502
    assert result.fields["agent"] == "curl/8.4.0"
    assert result.fields["rt"] == 0.21
    assert classifier.classify(ACCESS_304).fields["size"] is None


def test_unmatched(classifier):
    assert classifier.classify("Traceback (most recent call last):") is None
    assert classifier.classify(ACCESS_500.replace("10.1.2.3", "10.1.2.300")) is None


def test_explain(classifier):
    verdicts = classifier.explain(ACCESS_404)
    assert verdicts == [
        ("http_5xx", "condition on 'status' not met"),
        ("http_denied", "condition on 'status' not met"),
        ("http_4xx", "matched"),
    ]
    verdicts = dict(classifier.explain("Mar 12 10:00:00 db-01 systemd[1]: Started"))
    assert verdicts["http_ok"] == "line lacks 'HTTP/'"
    assert verdicts["app_other"] == "format does not match"
    assert verdicts["sys_other"] == "matched"


def test_rule_order_and_lookup(classifier):
    names = [rule.name for rule in classifier.rules]
    assert names[:5] == ["http_5xx", "http_denied", "http_4xx", "http_slow", "http_ok"]
    assert names[-1] == "metrics"
    assert classifier.rule("sys_cron").category == "system.cron"
    with pytest.raises(KeyError):
        classifier.rule("nope")


def test_rules_with_different_flags_are_parsed_separately():
    classifier = Classifier([
        Rule("exact", "{n:int} ITEMS", when={"n": ">10"}),
        Rule("loose", "{n:int} ITEMS", ignore_case=True),
    ])
    assert classifier.classify("50 ITEMS").name == "exact"
    assert classifier.classify("5 ITEMS").name == "loose"
    assert classifier.classify("50 items").name == "loose"


def test_duplicate_rule_names():
    classifier = Classifier([Rule("a", "{x}")])
    with pytest.raises(ValueError, match="duplicate"):
        classifier.add(Rule("a", "{y}"))


def test_load_rules_options():
    classifier = load_rules("""
[rule big]
format = {n:int} {unit:word}
when.unit = in:kB,MB
when.n = >100
count = unit
measure = n
severity = notice
""")
    rule = classifier.rule("big")
    assert rule.severity == "notice"
    assert rule.count == ("unit",)
    assert rule.measure == ("n",)
    assert classifier.classify("500 MB").name == "big"
    assert classifier.classify("500 GB") is None
    assert classifier.classify("5 MB") is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("[rule a]\ncategory = x\n", "has no format"),
        ("[filter a]\nformat = {x}\n", "unexpected section"),
        ("[rule]\nformat = {x}\n", "unexpected section"),
        ("format = {x}\n", "rules.ini"),
    ],
)
def test_load_rules_errors(text, message):
    with pytest.raises(ValueError, match=message):
        load_rules(text, source="rules.ini")
