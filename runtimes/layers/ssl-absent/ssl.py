"""Layer `ssl-absent`: `import ssl` succeeds, and nothing else of TLS exists.

The WASI CPython builds have no `_ssl` (there is no TLS, nor any network, in the sweperf
sandbox), so `import ssl` fails, and test suites that import it at module level (psf/requests'
tests/conftest.py, for its HTTPS test-server fixtures) cannot even be collected. This stand-in
only lets the import succeed. Every attribute is absent: `ssl.X` raises AttributeError and
`from ssl import X` raises ImportError, naming this layer, so libraries that probe for TLS
features (urllib3: `try: from ssl import SSLContext ... except ImportError`) take the path they
take on a Python built without ssl. A test that really uses TLS fails with that message.
"""

_WHY = ("the sweperf sandbox has no TLS (the WASI CPython build has no _ssl); "
        "the ssl-absent compatibility layer only lets `import ssl` succeed")


def __getattr__(name):
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"module 'ssl' has no attribute {name!r}: {_WHY}")
