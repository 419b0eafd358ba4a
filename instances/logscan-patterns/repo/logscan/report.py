"""Plain-text rendering of a :class:`~logscan.scanner.ScanReport`."""

from .rules import SEVERITIES


def _percent(part, whole):
    return f"{100 * part / whole:5.1f}%" if whole else "  -  "


def format_report(report, *, top=3):
    """Render ``report`` for a terminal or an e-mail."""
    lines = [
        f"lines      {report.total:>8}",
        f"classified {report.matched:>8} {_percent(report.matched, report.total)}",
        f"unmatched  {report.unmatched:>8} {_percent(report.unmatched, report.total)}",
        "",
        "by severity:",
    ]
    for severity in reversed(SEVERITIES):
        count = report.by_severity.get(severity, 0)
        if count:
            lines.append(f"  {severity:<10} {count:>8}")
    lines.append("")
    lines.append("by category:")
    for category, count in sorted(report.by_category.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {category:<28} {count:>8} {_percent(count, report.total)}")
    for (rule, name), counter in sorted(report.values.items()):
        shown = ", ".join(f"{value} ({n})" for value, n in counter.most_common(top))
        lines.append(f"top {rule}.{name}: {shown}")
    for (rule, name), stats in sorted(report.stats.items()):
        lines.append(
            f"{rule}.{name}: n={stats.count} min={stats.minimum:g} "
            f"mean={stats.mean:.1f} max={stats.maximum:g}"
        )
    for rule, (first, last) in sorted(report.time_range.items()):
        lines.append(f"{rule}: {first.isoformat()} .. {last.isoformat()}")
    if report.unmatched_samples:
        lines.append("")
        lines.append("unmatched examples:")
        lines.extend(f"  {line}" for line in report.unmatched_samples)
    return "\n".join(lines) + "\n"
