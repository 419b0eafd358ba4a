import pytest

from layercfg import MissingKeyError, Settings, TextLayer

TEXT = """
[services.billing]
host = billing.internal
port = 7000
url = http://${.host}:${.port}
retries = 3
timeout = 2.5s

[services.billing.pool]
size = 8
"""


@pytest.fixture
def view():
    return Settings(TextLayer("defaults", TEXT)).view("services.billing")


def test_view_lookups(view):
    assert view.get("url") == "http://billing.internal:7000"
    assert view["host"] == "billing.internal"
    assert view.get_int("port") == 7000
    assert view.get_duration("timeout") == 2.5
    assert view.get_int("missing", 0) == 0
    assert view.get_bool("missing", True) is True
    assert view.get("missing", "d") == "d"
    assert "port" in view and "missing" not in view
    with pytest.raises(MissingKeyError):
        view.get("missing")


def test_view_keys_and_dict(view):
    assert view.keys() == ["host", "pool.size", "port", "retries", "timeout", "url"]
    assert view.as_dict()["pool"] == {"size": "8"}
    assert view.view("pool").get_int("size") == 8
    assert repr(view.view("pool")) == "<SettingsView 'services.billing.pool'>"


def test_view_needs_valid_prefix():
    with pytest.raises(ValueError):
        Settings().view("bad prefix")
