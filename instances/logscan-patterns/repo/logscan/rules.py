"""Classification rules."""

import fnmatch
import re

from .spec import compile_spec, translate

SEVERITIES = ("debug", "info", "notice", "warning", "error", "critical")

_COMPARISON_RE = re.compile(r"^(>=|<=|!=|==|>|<)\s*(.+)$")
_OPERATORS = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    "!=": lambda a, b: a != b,
    "==": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}


def _number_or_text(text):
    try:
        return float(text)
    except ValueError:
        return text


def make_condition(condition):
    """Turn a ``when`` condition into a predicate on a field value.

    * ``">=500"``, ``"!=GET"``... compare (numerically when both sides are numbers);
    * any other string is a glob matched against ``str(value)``;
    * a list, tuple or set is a set of accepted values (a value also
      matches when its ``str()`` is listed, so ``["404"]`` accepts ``404``);
    * a callable is used as is.

    A field whose value is ``None`` (an optional field written as ``-``)
    only satisfies callables and ``!=`` comparisons.
    """
    if callable(condition):
        return condition
    if isinstance(condition, (list, tuple, set, frozenset)):
        accepted = frozenset(condition)
        return lambda value: value in accepted or (value is not None and str(value) in accepted)
    if not isinstance(condition, str):
        raise TypeError(f"unsupported condition {condition!r}")
    match = _COMPARISON_RE.match(condition)
    if match:
        operator = _OPERATORS[match.group(1)]
        operand = _number_or_text(match.group(2).strip())
        negated = match.group(1) == "!="

        def compare(value):
            if value is None:
                return negated
            if isinstance(operand, float) and isinstance(value, (int, float)):
                return operator(value, operand)
            return operator(str(value), str(match.group(2).strip()))

        return compare
    return lambda value: value is not None and fnmatch.fnmatchcase(str(value), condition)


class Rule:
    """A named format spec with optional conditions on its fields.

    :param name: unique name of the rule, used in reports.
    :param spec: the :mod:`format spec <logscan.spec>` of matching lines.
    :param category: dotted category reported for matching lines
        (defaults to the rule name).
    :param severity: one of :data:`SEVERITIES`.
    :param when: ``{field: condition}``, see :func:`make_condition`; all
        conditions must hold.
    :param ignore_case: match the literal parts of the spec case-insensitively.
    :param requires: a substring every matching line contains; lines
        without it are skipped cheaply.
    :param count: fields whose values are tallied by :func:`~logscan.scanner.scan`.
    :param measure: numeric fields summarised (count/total/min/max) by the scanner.
    """

    def __init__(self, name, spec, *, category=None, severity="info", when=None,
                 ignore_case=False, requires=None, count=(), measure=()):
        if severity not in SEVERITIES:
            raise ValueError(f"rule {name!r}: unknown severity {severity!r}")
        self.name = name
        self.spec = spec
        self.category = category or name
        self.severity = severity
        self.flags = re.IGNORECASE if ignore_case else 0
        self.requires = requires
        self.when = dict(when or {})
        self.count = tuple(count)
        self.measure = tuple(measure)
        field_names = {field_name for field_name, _, _ in translate(spec)[1]}
        for field_name in (*self.when, *self.count, *self.measure):
            if field_name not in field_names:
                raise ValueError(f"rule {name!r}: the spec has no field {field_name!r}")
        self._conditions = [(field_name, make_condition(c)) for field_name, c in self.when.items()]

    @property
    def pattern(self):
        """The :class:`~logscan.spec.CompiledSpec` of this rule."""
        return compile_spec(self.spec, self.flags)

    @property
    def field_names(self):
        return self.pattern.names

    def check(self, fields):
        """Return the name of the first field failing its condition, or ``None``."""
        for field_name, predicate in self._conditions:
            if not predicate(fields[field_name]):
                return field_name
        return None

    def match(self, line):
        """Return the converted fields if ``line`` satisfies this rule, else ``None``."""
        if self.requires is not None and self.requires not in line:
            return None
        fields = self.pattern.parse(line)
        if fields is None or self.check(fields) is not None:
            return None
        return fields

    def __repr__(self):
        return f"Rule({self.name!r}, {self.spec!r})"
