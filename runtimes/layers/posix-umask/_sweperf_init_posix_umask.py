"""Layer `posix-umask`: `os.umask` for code that calls it at import time.

WASI has no file permissions to mask, so the WASI CPython builds have no `os.umask`, and
sphinx's test helpers (`sphinx.testing.path`, imported by sphinx's own `conftest.py` until
sphinx 7.1) call it when imported. This stand-in keeps a mask and returns the previous one, as
`os.umask` does, and changes nothing else. It is installed only when the runtime lacks it;
sweperf's guest start-up imports this hook for the environments that list the layer.
"""

import os

if not hasattr(os, "umask"):
    _mask = [0o022]

    def umask(mask):
        previous, _mask[0] = _mask[0], mask
        return previous

    os.umask = umask
