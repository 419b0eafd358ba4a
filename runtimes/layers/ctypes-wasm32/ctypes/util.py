"""`ctypes.util` of the ctypes-wasm32 compatibility layer: a system with no shared libraries.

WASI has no dynamic loader, so `find_library` finds nothing, as it does on a system where the
library is not installed; callers that handle that case (`if find_library("m") is None: ...`)
take their fallback path.
"""


def find_library(name):
    """Return None: the sweperf sandbox has no shared libraries to find."""
    return None
