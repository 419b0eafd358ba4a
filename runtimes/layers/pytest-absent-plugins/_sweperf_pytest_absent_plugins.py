"""pytest plugin of the `pytest-absent-plugins` layer: accepts absent plugins' configuration."""

# (option, takes a value) of plugins that repositories configure in addopts.
_OPTIONS = [
    ("--mypy-pyproject-toml-file", True),  # pytest-mypy-plugins
    ("--mypy-ini-file", True),
    ("--mypy-same-process", False),
    ("--mypy-only-local-stub", False),
    ("--mypy-testing-base", True),
    ("--mypy-extension-hook", True),
    ("--mypy-closed-schema", False),
    ("--mypy-modules", True),
]

# ini keys of plugins that repositories set in their pytest configuration.
_INI = [
    "asyncio_mode",  # pytest-asyncio
    "asyncio_default_fixture_loop_scope",
    "asyncio_default_test_loop_scope",
    "timeout",  # pytest-timeout
    "timeout_method",
    "env",  # pytest-env
    "mypy-pyproject-toml-file",
]


def pytest_addoption(parser):
    group = parser.getgroup("sweperf", "options of pytest plugins absent from the sweperf sandbox (ignored)")
    for name, takes_value in _OPTIONS:
        try:
            if takes_value:
                group.addoption(name, action="store", default=None, help="ignored: plugin absent")
            else:
                group.addoption(name, action="store_true", default=False, help="ignored: plugin absent")
        except ValueError:  # the real plugin is here after all
            pass
    for key in _INI:
        try:
            parser.addini(key, "ignored: plugin absent", default=None)
        except ValueError:
            pass


# markers of those plugins that test modules use: under --strict-markers an unknown one stops
# collection of the whole file (xarray's test_indexing.py, test_backends.py: `asyncio`). The
# marked tests themselves still fail or skip as pytest treats them without the plugin.
_MARKERS = [
    "asyncio: ignored (pytest-asyncio is absent)",
    "timeout(seconds): ignored (pytest-timeout is absent)",
]


def pytest_configure(config):
    for line in _MARKERS:
        config.addinivalue_line("markers", line)
