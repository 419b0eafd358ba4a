"""A stand-in `ctypes` for CPython on wasm32-WASI, which has no `_ctypes` and no foreign calls.

Part of sweperf's `ctypes-wasm32` compatibility layer (runtimes/layers/README.md), for code that
imports ctypes only to ask sizes (`ctypes.sizeof(ctypes.c_long)`) or to hold a C-typed value.
Sizes are wasm32's (ILP32; long long and double 8 bytes, long double 16, wchar_t 4), and as
CPython's ctypes does there, `c_int` is `c_long` and `c_size_t` is `c_ulong`. Simple-type
instances hold a `.value` as wasm32 C would (integers wrap, `c_float` rounds to single precision).
`t * n`, `POINTER(t)` and `Structure`/`Union` subclasses exist as types only, so modules that
declare them import. Whatever loads a library, calls a function or touches memory (`CDLL`,
`cdll`, `pythonapi`, `CFUNCTYPE`, `cast`, `byref`, `create_string_buffer`, ...) exists but raises
an error that is a NotImplementedError and an OSError (so `try: CDLL(...) except OSError:` takes
its no-library path); any other name is an AttributeError.

If the runtime has a ctypes of its own (a real one, or the stand-in built into python-3.15-sci,
which numpy and scipy rely on), that one is imported instead of this.
"""

import math as _math
import operator as _operator
import os as _os
import struct as _struct
import sys as _sys

_LAYER = "ctypes-wasm32"


def _runtime_ctypes():
    """Import a `ctypes` found on sys.path outside this layer, if there is one that imports."""
    import importlib.machinery

    here = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    others = [p for p in _sys.path if _os.path.abspath(p or _os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec(__name__, others)
    if spec is None or spec.loader is None:
        return None
    import importlib.util

    ours, module = _sys.modules[__name__], importlib.util.module_from_spec(spec)
    _sys.modules[__name__] = module
    try:
        spec.loader.exec_module(module)
        return module
    except ImportError:  # e.g. the standard library's ctypes on a build without _ctypes
        for name in [n for n in _sys.modules if n.startswith(__name__ + ".")]:
            del _sys.modules[name]
        _sys.modules[__name__] = ours
        return None


# When a runtime ctypes was found, it stays in sys.modules, and `import ctypes` returns it: what
# follows then only builds this unused module.
_runtime_ctypes()


class _FFIUnavailableError(NotImplementedError, OSError):
    """Raised by every part of ctypes that would need a foreign-function interface."""


def _refuse(name):
    return _FFIUnavailableError(
        f"ctypes.{name} is not available in the sweperf sandbox (WASI has no foreign-function "
        f"interface); only type sizes and simple values are provided by the {_LAYER} "
        "compatibility layer")


def __getattr__(name):
    raise AttributeError(
        f"module 'ctypes' has no attribute {name!r} (the sweperf sandbox has no foreign-function "
        f"interface; only type sizes and simple values are provided by the {_LAYER} "
        "compatibility layer)")


# --- Types ----------------------------------------------------------------------------------

class _CDataType(type):
    """The metaclass of every type here: `t * n` (or `n * t`) makes an array type."""

    def __mul__(cls, length):
        if not isinstance(length, int) or length < 0:
            raise TypeError("the array length must be a non-negative int")
        size = None if cls._size_ is None else cls._size_ * length
        return _CDataType(f"{cls.__name__}_Array_{length}", (Array,), {
            "_type_": cls, "_length_": length, "_size_": size, "_align_": cls._align_})

    __rmul__ = __mul__


def _refused_classmethod(name):
    def refused(cls, *args, **kwargs):
        raise _refuse(f"{cls.__name__}.{name}")
    return classmethod(refused)


class _CData(metaclass=_CDataType):
    _size_ = _align_ = None  # None: the layout is not known here

    def __init__(self, *args, **kwargs):
        kind = type(self).__mro__[-3].__name__  # Structure, Union, Array or _Pointer
        raise _refuse(f"{kind} instance {type(self).__name__}()")

    from_address = _refused_classmethod("from_address")
    from_buffer = _refused_classmethod("from_buffer")
    from_buffer_copy = _refused_classmethod("from_buffer_copy")
    from_param = _refused_classmethod("from_param")
    in_dll = _refused_classmethod("in_dll")


class Structure(_CData):
    """Subclasses with `_fields_` can be declared; they have no instances and no size here."""


class Union(_CData):
    """Subclasses with `_fields_` can be declared; they have no instances and no size here."""


class Array(_CData):
    """`t * n`: its size is known when `t`'s is; its instances are refused."""


class _Pointer(_CData):
    _size_ = _align_ = 4


BigEndianStructure = LittleEndianStructure = Structure
BigEndianUnion = LittleEndianUnion = Union


_pointer_types = {}


def POINTER(cls):
    """The type of a pointer to `cls` (4 bytes); its instances are refused."""
    if cls not in _pointer_types:
        _pointer_types[cls] = _CDataType(f"LP_{cls.__name__}", (_Pointer,), {"_type_": cls})
    return _pointer_types[cls]


_INTEGER_BITS = {"b": 8, "B": 8, "h": 16, "H": 16, "l": 32, "L": 32, "q": 64, "Q": 64, "P": 32}


def _convert(code, value):
    """`value` as a wasm32 C object of struct code `code` holds it (or TypeError, as ctypes)."""
    if code == "?":
        return bool(value)
    if code in _INTEGER_BITS:  # wraps to the width; lower-case codes are signed
        if code == "P" and value is None:
            return None
        bits = _INTEGER_BITS[code]
        value = _operator.index(value) & ((1 << bits) - 1)
        if code.islower() and value >> (bits - 1):
            value -= 1 << bits
        return None if code == "P" and not value else value  # a NULL void * reads as None
    if code in "fdg":
        if isinstance(value, (str, bytes, bytearray)):
            raise TypeError(f"must be real number, not {type(value).__name__}")
        if code != "f":
            return float(value)
        try:  # rounded to single precision
            return _struct.unpack("<f", _struct.pack("<f", float(value)))[0]
        except OverflowError:  # C converts an out-of-range double to an infinity
            return _math.copysign(_math.inf, value)
    kind = bytes if code in "cz" else str
    if code in "zZ":  # char *, wchar_t *
        if value is None or isinstance(value, kind):
            return value
        raise TypeError(f"{kind.__name__} or None expected, not {type(value).__name__}")
    if code == "c" and isinstance(value, int) and 0 <= value < 256:
        value = bytes([value])
    elif code == "c" and isinstance(value, bytearray):
        value = bytes(value)
    if isinstance(value, kind) and len(value) == 1:  # char, wchar_t
        return value
    raise TypeError(f"one character {kind.__name__} expected, not {type(value).__name__}")


class _SimpleCData(_CData):
    """A C scalar; `_type_` is its struct code, `.value` what wasm32 C would hold."""

    def __init__(self, value=None):
        self.value = self._default if value is None else value

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, value):
        self._value = _convert(self._type_, value)

    def __bool__(self):
        return bool(self._value)

    def __repr__(self):
        return f"{type(self).__name__}({self._value!r})"


def _simple(name, code, size, default=0):
    return _CDataType(name, (_SimpleCData,), {
        "_type_": code, "_size_": size, "_align_": size, "_default": default, "__module__": __name__})


c_bool = _simple("c_bool", "?", 1, False)
c_char = _simple("c_char", "c", 1, b"\0")
c_wchar = _simple("c_wchar", "u", 4, "\0")
c_byte = _simple("c_byte", "b", 1)
c_ubyte = _simple("c_ubyte", "B", 1)
c_short = _simple("c_short", "h", 2)
c_ushort = _simple("c_ushort", "H", 2)
c_long = _simple("c_long", "l", 4)
c_ulong = _simple("c_ulong", "L", 4)
c_longlong = _simple("c_longlong", "q", 8)
c_ulonglong = _simple("c_ulonglong", "Q", 8)
c_float = _simple("c_float", "f", 4, 0.0)
c_double = _simple("c_double", "d", 8, 0.0)
c_longdouble = _simple("c_longdouble", "g", 16, 0.0)  # binary128 on wasm32
c_char_p = _simple("c_char_p", "z", 4, None)
c_wchar_p = _simple("c_wchar_p", "Z", 4, None)
c_void_p = _simple("c_void_p", "P", 4, None)

# CPython's aliasing rules (Lib/ctypes/__init__.py) applied to wasm32's sizes.
c_int, c_uint = c_long, c_ulong
c_size_t, c_ssize_t = c_ulong, c_long
c_int8, c_uint8, c_int16, c_uint16 = c_byte, c_ubyte, c_short, c_ushort
c_int32, c_uint32, c_int64, c_uint64 = c_long, c_ulong, c_longlong, c_ulonglong
c_time_t = c_int64  # wasi-libc's time_t is 64 bits


def _layout(obj, attribute, function):
    cls = obj if isinstance(obj, type) else type(obj)
    if not issubclass(cls, _CData):
        raise TypeError("this type has no size")
    value = getattr(cls, attribute)
    if value is None:
        raise _refuse(f"{function}({cls.__name__})")
    return value


def sizeof(obj):
    """Size in bytes of a ctypes type or instance, on wasm32."""
    return _layout(obj, "_size_", "sizeof")


def alignment(obj):
    """Alignment in bytes of a ctypes type or instance, on wasm32."""
    return _layout(obj, "_align_", "alignment")


# --- Refused: libraries, foreign calls and memory ------------------------------------------

class ArgumentError(Exception):
    pass


RTLD_LOCAL, RTLD_GLOBAL, DEFAULT_MODE = 0, 256, 0


class _RefusedLookups:
    """Looking up a library or a function in it (`lib.name`, `lib["name"]`) is refused."""

    _label = None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise _refuse(f"{self._label or type(self).__name__}.{name}")

    __getitem__ = __getattr__


class CDLL(_RefusedLookups):
    def __init__(self, name, *args, **kwargs):
        raise _refuse(f"{type(self).__name__}({name!r})")


class PyDLL(CDLL):
    pass


class LibraryLoader(_RefusedLookups):
    def __init__(self, dlltype):
        self._label = dlltype.__name__.lower()  # cdll, pydll

    def LoadLibrary(self, name):
        raise _refuse(f"{self._label}.LoadLibrary({name!r})")


cdll, pydll = LibraryLoader(CDLL), LibraryLoader(PyDLL)
pythonapi = PyDLL.__new__(PyDLL)
pythonapi._label = "pythonapi"


def _refusing(name):
    def refused(*args, **kwargs):
        raise _refuse(name)
    refused.__name__ = refused.__qualname__ = name
    return refused


for _name in ("CFUNCTYPE", "PYFUNCTYPE", "cast", "byref", "pointer", "addressof", "memmove",
              "memset", "create_string_buffer", "create_unicode_buffer", "string_at",
              "wstring_at", "resize", "get_errno", "set_errno"):
    globals()[_name] = _refusing(_name)
del _name
