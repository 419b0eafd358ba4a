"""`multiprocessing.reduction` of the multiprocessing-absent layer: the names dill imports."""

import copyreg
import pickle


class ForkingPickler(pickle.Pickler):
    """pickle's Pickler; `register` records reducers as the real one does."""

    _extra_reducers = {}
    _copyreg_dispatch_table = copyreg.dispatch_table

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dispatch_table = self._copyreg_dispatch_table.copy()
        self.dispatch_table.update(self._extra_reducers)

    @classmethod
    def register(cls, type, reduce):
        cls._extra_reducers[type] = reduce

    @classmethod
    def dumps(cls, obj, protocol=None):
        import io
        buf = io.BytesIO()
        cls(buf, protocol).dump(obj)
        return buf.getbuffer()

    loads = staticmethod(pickle.loads)


def _reduce_socket(s):
    raise NotImplementedError("pickling a socket needs another process to send it to; "
                              "the sweperf sandbox runs one process")


def dump(obj, file, protocol=None):
    ForkingPickler(file, protocol).dump(obj)
