"""`multiprocessing.pool` of the multiprocessing-absent layer: Pool exists and refuses to start."""

from . import _WHY


class Pool:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"multiprocessing.pool.Pool: {_WHY}")


ThreadPool = Pool
