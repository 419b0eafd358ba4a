"""Scanning a whole log and aggregating what the classifier found."""

import datetime
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class FieldStats:
    """Running summary of a numeric field."""

    count: int = 0
    total: float = 0
    minimum: float = None
    maximum: float = None

    def add(self, value):
        self.count += 1
        self.total += value
        if self.minimum is None or value < self.minimum:
            self.minimum = value
        if self.maximum is None or value > self.maximum:
            self.maximum = value

    @property
    def mean(self):
        return self.total / self.count if self.count else None


@dataclass
class ScanReport:
    """Aggregated results of :func:`scan`."""

    total: int = 0
    unmatched: int = 0
    by_rule: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    by_severity: Counter = field(default_factory=Counter)
    values: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    time_range: dict = field(default_factory=dict)
    timeline: Counter = field(default_factory=Counter)
    samples: dict = field(default_factory=dict)
    unmatched_samples: list = field(default_factory=list)

    @property
    def matched(self):
        return self.total - self.unmatched

    def top(self, rule, field_name, n=5):
        """The ``n`` most frequent values of ``field_name`` for ``rule``."""
        counter = self.values.get((rule, field_name), Counter())
        return counter.most_common(n)

    def field_stats(self, rule, field_name):
        """The :class:`FieldStats` of a measured field (``None`` if never seen)."""
        return self.stats.get((rule, field_name))

    def busiest(self, n=5, severity=None):
        """The ``n`` minutes with the most lines (of ``severity`` if given).

        Returns ``[(minute, count)]`` with minutes written ``YYYY-MM-DD HH:MM``
        in the time zone of the log, busiest first.
        """
        totals = Counter()
        for (minute, line_severity), count in self.timeline.items():
            if severity is None or line_severity == severity:
                totals[minute] += count
        return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:n]

    def at_least(self, severity):
        """Number of classified lines of ``severity`` or worse."""
        from .rules import SEVERITIES

        threshold = SEVERITIES.index(severity)
        return sum(n for name, n in self.by_severity.items() if SEVERITIES.index(name) >= threshold)


def scan(lines, classifier, *, sample_size=3):
    """Classify every line and aggregate the results.

    ``lines`` is any iterable of strings (an open file works).  Blank lines
    are skipped.  For each rule the scanner keeps

    * how many lines it matched and up to ``sample_size`` example lines,
    * a tally of the values of the rule's ``count`` fields,
    * a :class:`FieldStats` for each of its ``measure`` fields,
    * the earliest and latest timestamp seen in its datetime fields.

    It also counts lines per minute and severity (using the first
    timestamp of each line) in :attr:`ScanReport.timeline`.
    """
    report = ScanReport()
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        report.total += 1
        result = classifier.classify(line)
        if result is None:
            report.unmatched += 1
            if len(report.unmatched_samples) < sample_size:
                report.unmatched_samples.append(line)
            continue
        rule = result.rule
        report.by_rule[rule.name] += 1
        report.by_category[rule.category] += 1
        report.by_severity[rule.severity] += 1
        samples = report.samples.setdefault(rule.name, [])
        if len(samples) < sample_size:
            samples.append(line)
        fields = result.fields
        for name in rule.count:
            key = (rule.name, name)
            counter = report.values.get(key)
            if counter is None:
                counter = report.values[key] = Counter()
            counter[fields[name]] += 1
        for name in rule.measure:
            value = fields[name]
            if value is None:
                continue
            key = (rule.name, name)
            stats = report.stats.get(key)
            if stats is None:
                stats = report.stats[key] = FieldStats()
            stats.add(value)
        stamped = False
        for value in fields.values():
            if isinstance(value, datetime.datetime):
                if not stamped:
                    report.timeline[value.strftime("%Y-%m-%d %H:%M"), rule.severity] += 1
                    stamped = True
                span = report.time_range.get(rule.name)
                if span is None:
                    report.time_range[rule.name] = (value, value)
                elif value < span[0]:
                    report.time_range[rule.name] = (value, span[1])
                elif value > span[1]:
                    report.time_range[rule.name] = (span[0], value)
    return report
