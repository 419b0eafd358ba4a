import pytest

from logscan import Rule
from logscan.rules import make_condition

SPEC = "{time:iso} {level:level} [{logger:ident}] {message:rest}"
LINE = "2024-03-01T10:00:00Z ERROR [shop.api] payment gateway timed out"


def test_rule_defaults():
    rule = Rule("app", SPEC)
    assert rule.category == "app"
    assert rule.severity == "info"
    assert rule.field_names == ["time", "level", "logger", "message"]
    assert rule.match(LINE)["logger"] == "shop.api"
    assert rule.match("garbage") is None
    assert repr(rule) == f"Rule('app', {SPEC!r})"


def test_conditions():
    errors = Rule("errors", SPEC, when={"level": ["ERROR", "CRITICAL"], "logger": "shop.*"}, severity="error")
    assert errors.match(LINE) is not None
    assert errors.match(LINE.replace("ERROR", "INFO")) is None
    assert errors.match(LINE.replace("shop.api", "urllib3")) is None
    assert errors.check({"level": "INFO", "logger": "shop.x"}) == "level"


def test_requires_short_circuits():
    rule = Rule("payments", SPEC, requires="payment")
    assert rule.match(LINE) is not None
    assert rule.match(LINE.replace("payment", "search")) is None


def test_ignore_case_applies_to_literals():
    rule = Rule("metrics", "{time:iso} METRICS {values:kv}", ignore_case=True)
    assert rule.match("2024-03-01T10:00:00Z metrics cpu=3")["values"] == {"cpu": "3"}
    assert Rule("strict", "{time:iso} METRICS {values:kv}").match("2024-03-01T10:00:00Z metrics cpu=3") is None


@pytest.mark.parametrize(
    "condition, value, expected",
    [
        (">=500", 503, True),
        (">=500", 404, False),
        ("<1", 0.5, True),
        ("!=GET", "POST", True),
        ("!=GET", "GET", False),
        ("!=GET", None, True),
        ("==200", 200, True),
        (">=500", None, False),
        ("5*", 503, True),
        ("/api/*", "/static/x", False),
        ("*", None, False),
        (["401", "403"], 403, True),
        ({404}, 404, True),
        ((1, 2), None, False),
        (lambda v: v % 2 == 0, 4, True),
        (">b", "c", True),
    ],
)
def test_make_condition(condition, value, expected):
    assert make_condition(condition)(value) is expected


def test_make_condition_rejects_other_types():
    with pytest.raises(TypeError):
        make_condition(42)


def test_rule_validation():
    with pytest.raises(ValueError, match="severity"):
        Rule("x", SPEC, severity="loud")
    with pytest.raises(ValueError, match="no field 'status'"):
        Rule("x", SPEC, when={"status": ">=500"})
    with pytest.raises(ValueError, match="no field 'bytes'"):
        Rule("x", SPEC, measure=["bytes"])
