"""Lookups against a realistically sized, multi-layer configuration.

The configuration mirrors the one of a small service platform: shared
defaults for a dozen backend services, a site file that moves a few of
them, environment variables and command line overrides on top.
"""

import pytest

from layercfg import EnvLayer, MappingLayer, Settings, TextLayer

SERVICES = ["accounts", "billing", "catalog", "search", "orders", "payments", "shipping", "media"]


def _defaults():
    lines = [
        "[platform]",
        "name = market",
        "env = production",
        "domain = ${.env}.${.name}.example",
        "root = /srv/${.name}",
        "",
        "[paths]",
        "data = ${platform.root}/data",
        "logs = ${platform.root}/log",
        "run = ${platform.root}/run",
        "certs = ${platform.root}/tls",
        "",
        "[defaults]",
        "timeout = 5s",
        "retries = 3",
        "pool = 4",
        "max_body = 1MiB",
        "",
    ]
    for index, name in enumerate(SERVICES):
        lines += [
            f"[services.{name}]",
            f"host = {name}.${{platform.domain}}",
            f"port = {7000 + index}",
            "scheme = https",
            "url = ${.scheme}://${.host}:${.port}/v1",
            "timeout = ${defaults.timeout}",
            "retries = ${defaults.retries}",
            "max_body = ${defaults.max_body}",
            "log_file = ${paths.logs}/" + name + ".log",
            "enabled = yes",
            "",
            f"[services.{name}.pool]",
            "size = ${defaults.pool}",
            "idle = 30s",
            "",
        ]
    return "\n".join(lines)


SITE = """
# eu-west site overrides
[platform]
env = staging

[defaults]
timeout = 2500ms

[services.search]
port = 9200
scheme = http
max_body = 16MiB

[services.search.pool]
size = 16

[services.media]
enabled = no
"""

ENVIRON = {
    "MARKET_SERVICES__PAYMENTS__TIMEOUT": "10s",
    "MARKET_SERVICES__PAYMENTS__RETRIES": "0",
    "MARKET_DEFAULTS__POOL": "6",
    "MARKET_PATHS__LOGS": "/var/log/market",
    "PATH": "/usr/bin:/bin",
}


@pytest.fixture
def settings():
    settings = Settings(
        TextLayer("defaults", _defaults(), source="defaults.ini"),
        TextLayer("site", SITE, source="/etc/market/site.ini"),
        EnvLayer(ENVIRON, prefix="MARKET_"),
        MappingLayer("cli", {"services.orders.pool.size": "12"}),
    )
    return settings


def test_build_service_registry(settings):
    registry = {}
    for name in SERVICES:
        service = settings.view(f"services.{name}")
        if not service.get_bool("enabled"):
            continue
        registry[name] = {
            "url": service.get("url"),
            "timeout": service.get_duration("timeout"),
            "retries": service.get_int("retries"),
            "max_body": service.get_size("max_body"),
            "pool": service.get_int("pool.size"),
            "log": service.get("log_file"),
        }
    assert len(registry) == len(SERVICES) - 1
    assert registry["accounts"]["url"] == "https://accounts.staging.market.example:7000/v1"
    assert registry["search"]["url"] == "http://search.staging.market.example:9200/v1"
    assert registry["search"]["max_body"] == 16 * 1024 * 1024
    assert registry["payments"] == {
        "url": "https://payments.staging.market.example:7005/v1",
        "timeout": 10.0,
        "retries": 0,
        "max_body": 1024 * 1024,
        "pool": 6,
        "log": "/var/log/market/payments.log",
    }
    assert registry["orders"]["pool"] == 12
    assert registry["billing"]["timeout"] == 2.5


def test_export_resolved_settings(settings):
    tree = settings.as_dict()
    assert tree["platform"]["domain"] == "staging.market.example"
    assert tree["services"]["media"]["enabled"] == "no"
    assert tree["services"]["catalog"]["log_file"] == "/var/log/market/catalog.log"
    assert len(settings.keys("services")) == len(SERVICES) * 11
