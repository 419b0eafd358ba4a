"""Layer `multiprocessing-absent`: a `multiprocessing` package with one process and no more.

The WASI CPython builds have no `multiprocessing` at all (no processes, no threads' primitives
it needs), yet libraries import parts of it at module level: dill 0.3.x does
`from multiprocessing.reduction import _reduce_socket`, and pylint does `import
multiprocessing` (parallel.py) and `from multiprocessing import synchronize` (run.py, to decide
whether parallel runs are possible). This stand-in provides:

- `cpu_count()` -> 1 and `current_process()` (a main process named "MainProcess");
- `multiprocessing.reduction`, with `_reduce_socket` and a `ForkingPickler` (pickle's Pickler
  with a `register` class method), the names dill reads;
- `multiprocessing.pool.Pool` and `Process`, which raise NotImplementedError when used.

There is no `multiprocessing.synchronize`: `from multiprocessing import synchronize` raises
ImportError, the signal libraries already use (pylint included) for "multiprocessing is not
usable here", so they fall back to one process. Any other attribute raises AttributeError
naming this layer.
"""

_WHY = ("the sweperf sandbox runs one process (WASI has no fork, no threads' locks); "
        "the multiprocessing-absent compatibility layer only provides what imports need")


def cpu_count():
    return 1


class _MainProcess:
    name = "MainProcess"
    daemon = False
    pid = 1
    ident = 1

    def is_alive(self):
        return True


_MAIN = _MainProcess()


def current_process():
    return _MAIN


def parent_process():
    return None


class Process:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"multiprocessing.Process: {_WHY}")


def Pool(*args, **kwargs):
    raise NotImplementedError(f"multiprocessing.Pool: {_WHY}")


def __getattr__(name):
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    if name in ("pool", "reduction"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'multiprocessing' has no attribute {name!r}: {_WHY}")
