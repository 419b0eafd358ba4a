"""Layer `multiprocessing-context`: a `multiprocessing.context` for code that reads it at import.

sphinx before 7.1 (`sphinx/util/parallel.py`) reads `multiprocessing.context.ForkProcess` when
imported. The `multiprocessing-absent` stand-in (which this layer goes with, listed before it)
has no `context`: this hook, imported by sweperf's guest start-up for the environments that list
the layer, adds one whose process classes refuse to start, so such code imports and, having no
processes, runs serially.
"""

import sys
import types

import multiprocessing

_WHY = "the sweperf sandbox runs one process (WASI has no fork); the multiprocessing-context layer only provides what imports need"

if "context" not in vars(multiprocessing):

    class BaseContext:
        def cpu_count(self):
            return 1

    class _RefusedProcess:
        def __init__(self, *args, **kwargs):
            raise NotImplementedError(f"{type(self).__name__}: {_WHY}")

    class ForkProcess(_RefusedProcess):
        pass

    class SpawnProcess(_RefusedProcess):
        pass

    class ForkServerProcess(_RefusedProcess):
        pass

    _context = types.ModuleType("multiprocessing.context", __doc__)
    for _cls in (BaseContext, ForkProcess, SpawnProcess, ForkServerProcess):
        _cls.__module__ = "multiprocessing.context"
        setattr(_context, _cls.__name__, _cls)
    sys.modules["multiprocessing.context"] = _context
    multiprocessing.context = _context
