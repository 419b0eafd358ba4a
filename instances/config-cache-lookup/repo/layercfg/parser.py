"""Parsing and writing the INI-like configuration syntax.

The syntax::

    # comments start with '#' or ';'
    top_level = value

    [server]
    host = 0.0.0.0
    port = 8080              # trailing comments need whitespace before '#'

    [server.tls]             # dotted sections nest
    ciphers = ECDHE-ECDSA-AES128-GCM-SHA256,
              ECDHE-RSA-AES128-GCM-SHA256   # indented lines continue a value
    banner = "  keeps # and surrounding spaces\\n"

Values are always strings.  Double quoted values support the escapes
``\\n``, ``\\t``, ``\\"`` and ``\\\\``; unquoted values are stripped and
cut at an inline comment.
"""

from .errors import ParseError
from .keys import is_valid_part, split_key

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(raw, source, lineno):
    """Decode a double quoted value (``raw`` starts with ``"``)."""
    out = []
    i = 1
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            if i + 1 >= len(raw) or raw[i + 1] not in _ESCAPES:
                raise ParseError(source, lineno, "invalid escape in quoted value")
            out.append(_ESCAPES[raw[i + 1]])
            i += 2
            continue
        if ch == '"':
            rest = raw[i + 1 :].strip()
            if rest and not rest.startswith(("#", ";")):
                raise ParseError(source, lineno, "unexpected text after quoted value")
            return "".join(out)
        out.append(ch)
        i += 1
    raise ParseError(source, lineno, "unterminated quoted value")


def _strip_comment(raw):
    """Remove an inline comment: ``#`` or ``;`` preceded by whitespace."""
    for marker in (" #", "\t#", " ;", "\t;"):
        index = raw.find(marker)
        if index != -1:
            raw = raw[:index]
    return raw.strip()


def _insert(tree, parts, value, source, lineno):
    node = tree
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ParseError(source, lineno, f"{part!r} is a value, not a section")
        node = child
    leaf = parts[-1]
    if isinstance(node.get(leaf), dict):
        raise ParseError(source, lineno, f"{leaf!r} is a section, not a value")
    node[leaf] = value


def parse_ini(text, source="<string>"):
    """Parse configuration ``text`` into a nested dictionary of strings.

    ``source`` is only used in error messages.  A key assigned twice keeps
    its last value, like most INI readers.

    >>> parse_ini("[a]\\nb = 1\\n[a.c]\\nd = x y  # note\\n")
    {'a': {'b': '1', 'c': {'d': 'x y'}}}
    """
    tree = {}
    section = []
    last = None  # (parts, lineno) of the last assignment, for continuations
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if line[0] in " \t" and last is not None:
            parts, first_line = last
            node = tree
            for part in parts[:-1]:
                node = node[part]
            node[parts[-1]] = node[parts[-1]] + "\n" + _strip_comment(stripped)
            continue
        if stripped.startswith("["):
            closing = stripped.find("]")
            if closing == -1:
                raise ParseError(source, lineno, "section header is missing ']'")
            trailing = stripped[closing + 1 :].strip()
            if trailing and not trailing.startswith(("#", ";")):
                raise ParseError(source, lineno, "unexpected text after section header")
            name = stripped[1:closing].strip()
            try:
                section = split_key(name)
            except ValueError:
                raise ParseError(source, lineno, f"invalid section name {name!r}") from None
            last = None
            continue
        key, sep, raw = stripped.partition("=")
        if not sep:
            raise ParseError(source, lineno, "expected 'key = value'")
        key = key.strip()
        if not is_valid_part(key):
            raise ParseError(source, lineno, f"invalid key {key!r}")
        raw = raw.strip()
        if raw.startswith('"'):
            value = _unquote(raw, source, lineno)
        else:
            value = _strip_comment(raw)
        parts = section + [key]
        _insert(tree, parts, value, source, lineno)
        last = None if raw.startswith('"') else (parts, lineno)
    return tree


def _quote_if_needed(value):
    if value != value.strip() or any(c in value for c in "#;\"\n\t\\") or value.startswith("["):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        return f'"{escaped}"'
    return value


def dump_ini(flat):
    """Write a ``{dotted key: value}`` mapping in the syntax read by :func:`parse_ini`.

    Keys are grouped by section and sorted, so the output is stable.
    """
    sections = {}
    for key in sorted(flat):
        section, _, name = key.rpartition(".")
        sections.setdefault(section, []).append((name, flat[key]))
    lines = []
    for section in sorted(sections):
        if section:
            if lines:
                lines.append("")
            lines.append(f"[{section}]")
        for name, value in sections[section]:
            lines.append(f"{name} = {_quote_if_needed(value)}")
    return "\n".join(lines) + ("\n" if lines else "")
