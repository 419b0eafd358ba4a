"""Field types usable in format specs.

A field type is a regular expression fragment (without capturing
groups) plus a function converting the matched text into a Python
value.  Applications can add their own with :func:`register_field_type`.
"""

import datetime
import ipaddress
from dataclasses import dataclass

_MONTHS = {name: index for index, name in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}


@dataclass(frozen=True)
class FieldType:
    """How to recognise and convert one kind of field."""

    name: str
    pattern: str
    convert: object = str
    description: str = ""


def _unquote(text):
    """Strip the double quotes of a quoted field and undo ``\\"`` escapes."""
    return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def _clf_time(text):
    """Parse the Common Log Format timestamp ``10/Oct/2023:13:55:36 -0700``."""
    day, month, rest = text.split("/", 2)
    year, hour, minute, second_zone = rest.split(":", 3)
    second, zone = second_zone.split(" ")
    sign = -1 if zone[0] == "-" else 1
    offset = datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
    return datetime.datetime(
        int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second),
        tzinfo=datetime.timezone(offset),
    )


def _iso_time(text):
    """Parse ``2024-03-01T12:00:00.250Z`` style timestamps (``Z`` or offset optional)."""
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    value = datetime.datetime.fromisoformat(text.replace(" ", "T", 1))
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value


def _syslog_time(text):
    """Parse ``Mar  1 12:00:00`` (syslog has no year; 1900 is used)."""
    month, day, clock = text.split()
    hour, minute, second = clock.split(":")
    return datetime.datetime(1900, _MONTHS[month], int(day), int(hour), int(minute), int(second))


def _ipv4(text):
    """Validate an IPv4 address (the pattern alone accepts ``999.0.0.1``)."""
    return str(ipaddress.IPv4Address(text))


def _duration_ms(text):
    """Convert ``12ms``, ``1.5s`` or ``250us`` into milliseconds."""
    if text.endswith("ms"):
        return float(text[:-2])
    if text.endswith("us"):
        return float(text[:-2]) / 1000
    return float(text[:-1]) * 1000


def _key_values(text):
    """``a=1 b=two`` -> ``{"a": "1", "b": "two"}``."""
    result = {}
    for pair in text.split():
        key, _, value = pair.partition("=")
        result[key] = value
    return result


_REGISTRY = {}


def register_field_type(name, pattern, convert=str, description=""):
    """Register (or replace) the field type ``name``.

    ``pattern`` must not contain capturing groups; use ``(?:...)``.
    """
    if not name.isidentifier():
        raise ValueError(f"field type names must be identifiers, not {name!r}")
    field_type = FieldType(name, pattern, convert, description)
    _REGISTRY[name] = field_type
    return field_type


def get_field_type(name):
    """Return the registered field type ``name`` (``KeyError`` if unknown)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown field type {name!r}") from None


def field_type_names():
    """Names of all registered field types, sorted."""
    return sorted(_REGISTRY)


register_field_type("word", r"\S+", str, "a run of non-space characters")
register_field_type("int", r"-?\d+", int, "a decimal integer")
register_field_type("float", r"-?\d+(?:\.\d+)?", float, "a decimal number")
register_field_type("hex", r"(?:0x)?[0-9a-fA-F]+", lambda t: int(t, 16), "a hexadecimal number")
register_field_type("ip", r"\d{1,3}(?:\.\d{1,3}){3}", _ipv4, "an IPv4 address")
register_field_type("level", r"[A-Za-z]+", str.upper, "a log level name")
register_field_type("path", r"/[^\s?\"]*(?:\?[^\s\"]*)?", str, "a URL path with optional query")
register_field_type("quoted", r'"(?:[^"\\]|\\.)*"', _unquote, "a double quoted string")
register_field_type("ident", r"[A-Za-z_][\w.\-]*", str, "a dotted identifier such as a logger name")
register_field_type("duration", r"\d+(?:\.\d+)?(?:ms|us|s)", _duration_ms, "a duration, in milliseconds")
register_field_type(
    "iso",
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?",
    _iso_time,
    "an ISO 8601 timestamp",
)
register_field_type(
    "clf",
    r"\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}",
    _clf_time,
    "a Common Log Format timestamp",
)
register_field_type("syslog", r"[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d", _syslog_time, "a syslog timestamp")
register_field_type("kv", r"[\w.-]+=\S*(?: [\w.-]+=\S*)*", _key_values, "space separated key=value pairs")
register_field_type("rest", r".*", str, "everything up to the end of the line")
