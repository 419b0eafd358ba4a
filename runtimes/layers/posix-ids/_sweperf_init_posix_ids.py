"""Layer `posix-ids`: user and group ids for code that asks for them at import time.

WASI has no users, so the WASI CPython builds have no `os.getuid` and friends, and libraries such
as platformdirs (`from os import getuid`) fail to import. This layer gives them the values of a
single user, 0, and only when the runtime lacks them. sweperf's guest start-up imports it for the
environments that list the layer.
"""

import os


def _zero():
    return 0


for _name in ("getuid", "geteuid", "getgid", "getegid"):
    if not hasattr(os, _name):
        setattr(os, _name, _zero)
del _name
