import pytest

from layercfg import (
    ConversionError,
    EnvLayer,
    InterpolationError,
    MappingLayer,
    MissingKeyError,
    Settings,
    TextLayer,
)

DEFAULTS = """
[app]
name = shop
home = /srv/${app.name}

[paths]
data = ${app.home}/data
logs = ${app.home}/log
cache = ${paths.data}/cache

[server]
host = 127.0.0.1
port = 8080
url = http://${.host}:${.port}/
workers = 4
timeout = 30s
max_body = 10MiB
debug = no

[mail]
sender = noreply@${app.name}.example
price = $$5 off, $HOME stays
"""

SITE = """
[app]
home = /opt/shop

[server]
host = shop.internal
"""


@pytest.fixture
def settings():
    return Settings(TextLayer("defaults", DEFAULTS), TextLayer("site", SITE))


def test_layers_override_in_order(settings):
    assert settings.get("server.host") == "shop.internal"
    assert settings.get("server.port") == "8080"
    assert settings.raw("server.url") == "http://${.host}:${.port}/"


def test_interpolation_follows_overrides(settings):
    assert settings.get("paths.cache") == "/opt/shop/data/cache"
    assert settings.get("server.url") == "http://shop.internal:8080/"
    assert settings["mail.sender"] == "noreply@shop.example"
    assert settings.get("mail.price") == "$5 off, $HOME stays"


def test_runtime_overrides_win_and_can_be_removed(settings):
    settings.set("app.home", "/tmp/shop")
    assert settings.get("paths.logs") == "/tmp/shop/log"
    settings.unset("app.home")
    settings.unset("never.set")
    assert settings.get("paths.logs") == "/opt/shop/log"


def test_changes_to_layers_are_seen_immediately(settings):
    assert settings.get("server.url") == "http://shop.internal:8080/"
    settings.layer("site").update("[server]\nhost = other\nport = 81\n")
    assert settings.get("server.url") == "http://other:81/"
    assert settings.get("paths.data") == "/srv/shop/data"

    cli = settings.add_layer(MappingLayer("cli", {"server.port": "9999"}))
    assert settings.get("server.url") == "http://other:9999/"
    cli.set("app.name", "store")
    assert settings.get("paths.data") == "/srv/store/data"
    cli.unset("app.name")
    assert settings.get("paths.data") == "/srv/shop/data"

    settings.remove_layer("cli")
    assert settings.get("server.port") == "81"
    settings.add_layer(MappingLayer("early", {"server.port": "1"}), below="site")
    assert settings.get("server.port") == "81"
    settings.remove_layer("site")
    assert settings.get("server.port") == "1"


def test_layer_management(settings):
    assert [layer.name for layer in settings.layers] == ["defaults", "site", "overrides"]
    with pytest.raises(ValueError):
        settings.add_layer(MappingLayer("site"))
    with pytest.raises(ValueError):
        settings.add_layer(MappingLayer("overrides"))
    with pytest.raises(KeyError):
        settings.layer("nope")
    assert settings.layer("overrides") is settings.layers[-1]


def test_missing_keys(settings):
    with pytest.raises(MissingKeyError) as info:
        settings.get("server.missing")
    assert isinstance(info.value, KeyError)
    assert settings.get("server.missing", None) is None
    assert settings.get("server.missing", "${not.interpolated}") == "${not.interpolated}"
    assert "server.port" in settings
    assert "server" not in settings


def test_missing_reference_names_the_referrer():
    settings = Settings(MappingLayer("m", {"a": "${b.c}", "x": "${y}"}))
    with pytest.raises(MissingKeyError) as info:
        settings.get("a")
    assert info.value.key == "b.c"
    assert info.value.referenced_from == "a"


def test_fallbacks():
    settings = Settings(MappingLayer("m", {"a": "${b:-none}", "c": "${d:-${a}!}", "e": "${f:-}", "g": "${a:-unused}"}))
    assert settings.get("a") == "none"
    assert settings.get("c") == "none!"
    assert settings.get("e") == ""
    assert settings.get("g") == "none"


def test_fallback_does_not_hide_deeper_missing_keys():
    settings = Settings(MappingLayer("m", {"a": "${b:-x}", "b": "${nope}"}))
    with pytest.raises(MissingKeyError) as info:
        settings.get("a")
    assert info.value.key == "nope"


def test_relative_references():
    settings = Settings(MappingLayer("m", {"app.name": "shop", "app.db.name": "${..name}_db", "app.db.url": "pg:///${.name}"}))
    assert settings.get("app.db.url") == "pg:///shop_db"
    bad = Settings(MappingLayer("m", {"top": "${..x}"}))
    with pytest.raises(InterpolationError, match="climbs"):
        bad.get("top")


def test_cycles_are_reported():
    settings = Settings(MappingLayer("m", {"a": "${b}", "b": "x${c}", "c": "${a}", "self": "${self}"}))
    with pytest.raises(InterpolationError, match="a -> b -> c -> a"):
        settings.get("a")
    with pytest.raises(InterpolationError, match="self -> self"):
        settings.get("self")
    # the failed lookups leave no state behind
    settings.set("c", "done")
    assert settings.get("a") == "xdone"


@pytest.mark.parametrize("value, message", [("${}", "empty"), ("${bad key}", "invalid reference"), ("${open", "unterminated")])
def test_malformed_references(value, message):
    settings = Settings(MappingLayer("m", {"k": value}))
    with pytest.raises(InterpolationError, match=message):
        settings.get("k")


def test_section_conflict_between_layers():
    settings = Settings(MappingLayer("a", {"db.host": "x"}), MappingLayer("b", {"db": "flat"}))
    with pytest.raises(InterpolationError, match="section"):
        settings.get("db")


def test_typed_getters(settings):
    assert settings.get_int("server.port") == 8080
    assert settings.get_int("server.workers", 1) == 4
    assert settings.get_int("server.missing", 1) == 1
    assert settings.get_bool("server.debug") is False
    assert settings.get_duration("server.timeout") == 30.0
    assert settings.get_size("server.max_body") == 10 * 1024 * 1024
    assert settings.get_float("server.port") == 8080.0
    assert settings.get_list("paths.missing", []) == []
    with pytest.raises(ConversionError):
        settings.get_int("server.host")
    with pytest.raises(MissingKeyError):
        settings.get_int("server.missing")


def test_keys_section_and_as_dict(settings):
    assert settings.keys("paths") == ["paths.cache", "paths.data", "paths.logs"]
    assert settings.keys()[:2] == ["app.home", "app.name"]
    assert settings.section("paths") == {
        "cache": "/opt/shop/data/cache",
        "data": "/opt/shop/data",
        "logs": "/opt/shop/log",
    }
    tree = settings.as_dict()
    assert tree["server"]["url"] == "http://shop.internal:8080/"
    assert tree["app"] == {"home": "/opt/shop", "name": "shop"}
    tree["app"]["name"] = "mutated"
    assert settings.get("app.name") == "shop"


def test_explain(settings):
    settings.add_layer(EnvLayer({"APP_SERVER__HOST": "env-host"}))
    settings.set("server.host", "cli-host")
    assert settings.explain("server.host") == [
        ("defaults", "127.0.0.1"),
        ("site", "shop.internal"),
        ("environment", "env-host"),
        ("overrides", "cli-host"),
    ]
    assert settings.explain("server.nothing") == []


def test_dump(settings):
    resolved = settings.dump()
    assert "url = http://shop.internal:8080/" in resolved
    assert "price = $5 off, $HOME stays" in resolved
    raw = settings.dump(resolved=False)
    assert "url = http://${.host}:${.port}/" in raw
    reloaded = Settings(TextLayer("dump", resolved))
    assert reloaded.as_dict() == settings.as_dict()
