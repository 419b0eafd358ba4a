"""Applying an ordered list of rules to log lines."""

import configparser
from dataclasses import dataclass, field

from .rules import Rule


@dataclass
class Classification:
    """The outcome of classifying one line."""

    rule: Rule
    fields: dict = field(default_factory=dict)

    @property
    def name(self):
        return self.rule.name

    @property
    def category(self):
        return self.rule.category

    @property
    def severity(self):
        return self.rule.severity


class Classifier:
    """Classify lines with the first rule that matches.

    Rules are tried in the order they were added, so put specific rules
    (``http 5xx``) before general ones (``any http request``).
    """

    def __init__(self, rules=()):
        self._rules = []
        for rule in rules:
            self.add(rule)

    def add(self, rule):
        """Append ``rule``; rule names must be unique."""
        if any(existing.name == rule.name for existing in self._rules):
            raise ValueError(f"duplicate rule name {rule.name!r}")
        self._rules.append(rule)
        return rule

    @property
    def rules(self):
        return tuple(self._rules)

    def rule(self, name):
        for rule in self._rules:
            if rule.name == name:
                return rule
        raise KeyError(name)

    def classify(self, line):
        """Return a :class:`Classification` or ``None`` if no rule matches.

        Consecutive rules often share a format and differ only in their
        conditions (``status >= 500``, then ``status >= 400``...); the
        line is parsed once for such a run of rules.
        """
        line = line.rstrip("\r\n")
        parsed_as = None
        fields = None
        for rule in self._rules:
            if rule.requires is not None and rule.requires not in line:
                continue
            if parsed_as != (rule.spec, rule.flags):
                fields = rule.pattern.parse(line)
                parsed_as = (rule.spec, rule.flags)
            if fields is not None and rule.check(fields) is None:
                return Classification(rule, fields)
        return None

    def explain(self, line):
        """Say, rule by rule, why ``line`` did or did not match.

        Returns a list of ``(rule name, verdict)``; it stops at the first
        rule that matches, like :meth:`classify`.
        """
        line = line.rstrip("\r\n")
        verdicts = []
        for rule in self._rules:
            if rule.requires is not None and rule.requires not in line:
                verdicts.append((rule.name, f"line lacks {rule.requires!r}"))
                continue
            fields = rule.pattern.parse(line)
            if fields is None:
                verdicts.append((rule.name, "format does not match"))
                continue
            failed = rule.check(fields)
            if failed is not None:
                verdicts.append((rule.name, f"condition on {failed!r} not met"))
                continue
            verdicts.append((rule.name, "matched"))
            break
        return verdicts


def _split_list(value):
    return [item.strip() for item in value.split(",") if item.strip()]


def load_rules(text, source="<rules>"):
    """Read rules from an INI file.

    Each rule is a section called ``[rule NAME]``::

        [rule http_5xx]
        format   = {client:ip} - {user:word} [{time:clf}] "{request:rest}" {status:int} {size:int?}
        requires = HTTP/
        category = http.error
        severity = error
        when.status = >=500
        count    = status
        measure  = size

    ``when.FIELD`` takes a comparison or glob; ``in:a,b,c`` lists accepted
    values.  ``count`` and ``measure`` are comma separated field names.
    Returns a :class:`Classifier` with the rules in file order.
    """
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",), comment_prefixes=("#",))
    parser.optionxform = str
    try:
        parser.read_string(text, source=source)
    except configparser.Error as exc:
        raise ValueError(f"{source}: {exc}") from None
    classifier = Classifier()
    for section in parser.sections():
        kind, _, name = section.partition(" ")
        if kind != "rule" or not name.strip():
            raise ValueError(f"{source}: unexpected section [{section}]")
        options = dict(parser.items(section))
        if "format" not in options:
            raise ValueError(f"{source}: rule {name!r} has no format")
        when = {}
        for key, value in options.items():
            if key.startswith("when."):
                when[key[5:]] = _split_list(value[3:]) if value.startswith("in:") else value
        classifier.add(
            Rule(
                name.strip(),
                options["format"],
                category=options.get("category"),
                severity=options.get("severity", "info"),
                when=when,
                ignore_case=options.get("ignore_case", "no").lower() in ("1", "yes", "true", "on"),
                requires=options.get("requires"),
                count=_split_list(options.get("count", "")),
                measure=_split_list(options.get("measure", "")),
            )
        )
    return classifier
