"""Format specs: a readable notation for the shape of a log line.

Syntax:

``{name:type}``
    a field called ``name`` of the given :mod:`field type <logscan.fields>`;
    ``{name}`` alone is a ``word``.
``{name:type?}``
    the same, but the field may also be a lone ``-`` (as web servers write
    for missing values), in which case its value is ``None``.
``{_:type}``
    a field that must be present but is not captured.
``{{`` and ``}}``
    literal braces.
whitespace
    any run of spaces or tabs in the spec matches one or more blanks.

Everything else is matched literally.  A spec must match the whole line
(trailing whitespace is ignored).
"""

import re

from .fields import get_field_type

_TOKEN_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[ \t]+|[^{} \t]+|[{}]")
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SpecError(ValueError):
    """A format spec is malformed."""

    def __init__(self, spec, message):
        super().__init__(f"{message} in format spec {spec!r}")
        self.spec = spec


def tokenize(spec):
    """Split ``spec`` into ``(kind, value)`` tokens.

    ``kind`` is ``"literal"``, ``"blank"`` or ``"field"``; the value of a
    field token is the text between its braces.

    >>> list(tokenize("{ip} - [{t:clf}]"))
    [('field', 'ip'), ('blank', ' '), ('literal', '-'), ('blank', ' '), ('literal', '['), ('field', 't:clf'), ('literal', ']')]
    """
    for match in _TOKEN_RE.finditer(spec):
        text = match.group(0)
        if text == "{{":
            yield "literal", "{"
        elif text == "}}":
            yield "literal", "}"
        elif match.group(1) is not None:
            yield "field", match.group(1)
        elif text in "{}":
            raise SpecError(spec, f"unbalanced {text!r}")
        elif text[0] in " \t":
            yield "blank", text
        else:
            yield "literal", text


def parse_placeholder(spec, body):
    """Return ``(name, field_type, optional)`` for a placeholder body."""
    name, _, type_name = body.partition(":")
    name = name.strip()
    type_name = type_name.strip() or "word"
    optional = type_name.endswith("?")
    if optional:
        type_name = type_name[:-1]
    if not _NAME_RE.match(name):
        raise SpecError(spec, f"invalid field name {name!r}")
    try:
        field_type = get_field_type(type_name)
    except KeyError:
        raise SpecError(spec, f"unknown field type {type_name!r}") from None
    return name, field_type, optional


def translate(spec):
    """Translate ``spec`` into a regular expression.

    Returns ``(pattern, fields)`` where ``fields`` is a list of
    ``(name, field_type, optional)`` for the captured fields, in order.

    >>> translate("{status:int} {size:int?}")[0]
    '(?P<status>-?\\\\d+)[ \\\\t]+(?:(?P<size>-?\\\\d+)|-)[ \\\\t]*$'
    """
    parts = []
    fields = []
    names = set()
    for kind, value in tokenize(spec):
        if kind == "literal":
            parts.append(re.escape(value))
        elif kind == "blank":
            parts.append(r"[ \t]+")
        else:
            name, field_type, optional = parse_placeholder(spec, value)
            if name == "_":
                group = f"(?:{field_type.pattern})"
            else:
                if name in names:
                    raise SpecError(spec, f"field {name!r} appears twice")
                names.add(name)
                fields.append((name, field_type, optional))
                group = f"(?P<{name}>{field_type.pattern})"
            parts.append(f"(?:{group}|-)" if optional else group)
    if not parts:
        raise SpecError(spec, "empty spec")
    parts.append(r"[ \t]*$")
    return "".join(parts), fields


class CompiledSpec:
    """A format spec turned into a regular expression and converters."""

    def __init__(self, spec, regex, fields):
        self.spec = spec
        self.regex = regex
        self.fields = fields

    @property
    def names(self):
        """Names of the captured fields, in spec order."""
        return [name for name, _, _ in self.fields]

    def parse(self, line):
        """Return ``{field: converted value}`` if ``line`` matches, else ``None``.

        A field whose converter fails makes the whole line not match (the
        spec was too loose for this line, e.g. a month name of ``Foo``).
        """
        match = self.regex.match(line)
        if match is None:
            return None
        values = {}
        for name, field_type, optional in self.fields:
            text = match.group(name)
            if text is None:
                values[name] = None
                continue
            try:
                values[name] = field_type.convert(text)
            except (ValueError, KeyError):
                return None
        return values

    def __repr__(self):
        return f"CompiledSpec({self.spec!r})"


def compile_spec(spec, flags=0):
    """Translate and compile ``spec`` with the ``re`` ``flags`` given."""
    pattern, fields = translate(spec)
    try:
        regex = re.compile(pattern, flags)
    except re.error as exc:
        raise SpecError(spec, f"bad field pattern ({exc})") from None
    return CompiledSpec(spec, regex, fields)
