"""Converting setting strings into Python values."""

import re

from .errors import ConversionError

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}

_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

_SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?$", re.IGNORECASE)
_SIZE_POWERS = {"k": 1, "m": 2, "g": 3, "t": 4}


def to_bool(key, value):
    """``yes/no``, ``on/off``, ``true/false``, ``1/0`` (any case)."""
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConversionError(key, value, "a boolean")


def to_int(key, value):
    """Decimal, ``0x``/``0o``/``0b`` prefixed, with optional ``_`` separators."""
    try:
        return int(value.strip(), 0)
    except ValueError:
        raise ConversionError(key, value, "an integer") from None


def to_float(key, value):
    try:
        return float(value.strip())
    except ValueError:
        raise ConversionError(key, value, "a number") from None


def to_list(key, value, separator=","):
    """Split on ``separator`` and newlines; blanks are dropped.

    >>> to_list("k", "a, b,,c\\n d")
    ['a', 'b', 'c', 'd']
    """
    items = []
    for line in value.splitlines():
        for item in line.split(separator):
            item = item.strip()
            if item:
                items.append(item)
    return items


def to_duration(key, value):
    """Seconds (as a float) from ``90``, ``1.5s``, ``250ms``, ``1h30m``...

    >>> to_duration("k", "1h30m")
    5400.0
    """
    text = value.strip().lower().replace(" ", "")
    if not text:
        raise ConversionError(key, value, "a duration")
    try:
        return float(text)
    except ValueError:
        pass
    total = 0.0
    position = 0
    for match in _DURATION_RE.finditer(text):
        if match.start() != position:
            raise ConversionError(key, value, "a duration")
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        position = match.end()
    if position != len(text):
        raise ConversionError(key, value, "a duration")
    return total


def to_size(key, value):
    """Bytes (as an int) from ``512``, ``64k``, ``10MiB``, ``1.5GB``...

    Binary (``KiB``) and decimal (``kB``) suffixes are distinguished; a
    bare ``k``/``M``/``G`` is binary, as in most server configuration.

    >>> to_size("k", "10MiB"), to_size("k", "1kB"), to_size("k", "2k")
    (10485760, 1000, 2048)
    """
    match = _SIZE_RE.match(value.strip())
    if match is None:
        raise ConversionError(key, value, "a size")
    number = float(match.group(1))
    unit = (match.group(2) or "b").lower()
    if unit == "b":
        return int(number)
    base = 1000 if unit.endswith("b") and "i" not in unit else 1024
    return int(number * base ** _SIZE_POWERS[unit[0]])
