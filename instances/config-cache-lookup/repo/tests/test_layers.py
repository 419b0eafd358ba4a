import pytest

from layercfg import EnvLayer, MappingLayer, ParseError, TextLayer


def test_text_layer_parses_and_updates():
    layer = TextLayer("site", "[db]\nhost = db1\n", source="/etc/app/site.ini")
    assert layer.data() == {"db": {"host": "db1"}}
    assert layer.flat() == {"db.host": "db1"}
    layer.update("[db]\nhost = db2\nport = 5433\n")
    assert layer.flat() == {"db.host": "db2", "db.port": "5433"}
    assert "port = 5433" in layer.text


def test_text_layer_reports_errors_early():
    with pytest.raises(ParseError, match="/etc/app/site.ini:2"):
        TextLayer("site", "[db]\noops\n", source="/etc/app/site.ini")
    layer = TextLayer("site", "[db]\nhost = a\n")
    with pytest.raises(ParseError):
        layer.update("[db\n")
    assert layer.flat() == {"db.host": "a"}


def test_text_layer_data_is_a_copy():
    layer = TextLayer("site", "[db]\nhost = a\n")
    layer.data()["db"]["host"] = "changed"
    assert layer.flat() == {"db.host": "a"}


def test_mapping_layer_accepts_nested_and_dotted():
    layer = MappingLayer("cli", {"server": {"port": 80}, "debug": True, "db.host": "x"})
    assert layer.flat() == {"server.port": "80", "debug": "true", "db.host": "x"}
    assert "db.host" in layer
    assert len(layer) == 3


def test_mapping_layer_copies_input():
    values = {"a": "1"}
    layer = MappingLayer("cli", values)
    values["a"] = "2"
    assert layer.flat() == {"a": "1"}


def test_mapping_layer_set_unset_and_conflicts():
    layer = MappingLayer("cli")
    layer.set("server.port", 8000)
    layer.set("server.port", 8001)
    assert layer.data() == {"server": {"port": "8001"}}
    with pytest.raises(ValueError, match="conflicts"):
        layer.set("server", "x")
    with pytest.raises(ValueError, match="conflicts"):
        layer.set("server.port.extra", "x")
    with pytest.raises(ValueError):
        layer.set("bad key", "x")
    layer.unset("server.port")
    assert layer.data() == {}


def test_env_layer():
    environ = {
        "APP_SERVER__PORT": "9000",
        "APP_DB__POOL__SIZE": "20",
        "APP_DEBUG": "1",
        "APP_BAD.NAME": "ignored", "APP_9LIVES": "ignored",
        "APP_DB": "shadowed by the more specific variables",
        "HOME": "/root",
    }
    layer = EnvLayer(environ)
    assert layer.data() == {"server": {"port": "9000"}, "db": {"pool": {"size": "20"}}, "debug": "1"}
    assert layer.variable_for("db.pool.size") == "APP_DB__POOL__SIZE"
    environ["APP_LATE"] = "too late"
    assert "late" not in layer.data()


def test_env_layer_custom_prefix():
    layer = EnvLayer({"SHOP.CACHE.TTL": "5m"}, prefix="SHOP.", separator=".", name="env")
    assert layer.flat() == {"cache.ttl": "5m"}
    assert layer.name == "env"
    with pytest.raises(ValueError):
        EnvLayer({}, prefix="")


def test_layer_needs_name():
    with pytest.raises(ValueError):
        MappingLayer("")
