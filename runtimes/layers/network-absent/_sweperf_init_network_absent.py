"""Layer `network-absent`: name resolution that fails the way it fails offline.

The WASI CPython builds' `_socket` has no `getaddrinfo` (nor `gethostbyname`), so code that
tries to connect anywhere dies with AttributeError inside `socket.create_connection`, where on
a machine without a network it gets `socket.gaierror` and turns it into its own connection
error (urllib3's NewConnectionError, requests' ConnectionError / ProxyError). Test suites check
exactly that (psf/requests: `test_errors`, `test_proxy_error`). This hook, imported by sweperf's
guest start-up for the environments that list the layer, gives `_socket` and `socket` the missing functions,
and they raise `socket.gaierror(EAI_NONAME)` naming the sandbox. Only what is missing is added.
"""

import _socket
import socket

_EAI_NONAME = getattr(socket, "EAI_NONAME", -2)


def _no_network(*args, **kwargs):
    raise socket.gaierror(_EAI_NONAME, "Name or service not known (the sweperf sandbox has no network)")


# socket.py wraps `_socket.getaddrinfo` in a Python function of its own, so the test is on
# `_socket`; both names are replaced, as `from socket import getaddrinfo` may come first.
for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
    if not hasattr(_socket, _name):
        setattr(_socket, _name, _no_network)
        setattr(socket, _name, _no_network)
del _name
