"""Helpers for dotted setting keys such as ``database.pool.size``."""

import re

_PART_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def split_key(key):
    """Split a dotted key into its parts, validating each of them.

    >>> split_key("database.pool.size")
    ['database', 'pool', 'size']
    """
    if not isinstance(key, str):
        raise TypeError(f"setting keys are strings, not {type(key).__name__}")
    parts = key.split(".")
    for part in parts:
        if not _PART_RE.match(part):
            raise ValueError(f"invalid setting key {key!r}")
    return parts


def is_valid_part(part):
    """Return ``True`` if ``part`` may be used as one component of a key."""
    return bool(_PART_RE.match(part))


def join_key(*parts):
    """Join non-empty parts with dots.

    >>> join_key("database", "", "host")
    'database.host'
    """
    return ".".join(part for part in parts if part)


def parent_of(key):
    """Return the section containing ``key`` (``""`` for top-level keys)."""
    return key.rpartition(".")[0]


def is_under(key, prefix):
    """Return ``True`` if ``key`` lies inside section ``prefix``."""
    return not prefix or key == prefix or key.startswith(prefix + ".")
