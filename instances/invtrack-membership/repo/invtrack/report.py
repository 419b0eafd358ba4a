"""The result of a reconciliation and its text rendering."""

from dataclasses import dataclass, field

from .models import DiscrepancyKind

_KIND_ORDER = [
    DiscrepancyKind.MISSING,
    DiscrepancyKind.QUANTITY,
    DiscrepancyKind.DISCONTINUED,
    DiscrepancyKind.UNKNOWN,
    DiscrepancyKind.DUPLICATE,
]


def format_cents(cents):
    """Format an amount of cents as a signed currency string.

    >>> format_cents(-12345)
    '-123.45'
    """
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units:,}.{rest:02d}"


@dataclass
class ReconciliationReport:
    """Everything :func:`~invtrack.reconcile.reconcile` found."""

    discrepancies: list = field(default_factory=list)
    catalog_size: int = 0
    counted_skus: int = 0
    matched: int = 0
    count_lines: int = 0

    @property
    def is_clean(self):
        """``True`` when the count agrees with the catalog entirely."""
        return not self.discrepancies

    def of_kind(self, kind):
        """Return the discrepancies of one :class:`DiscrepancyKind`."""
        return [d for d in self.discrepancies if d.kind is kind]

    def summary(self):
        """Return ``{kind value: number of findings}`` for every kind."""
        counts = {kind.value: 0 for kind in _KIND_ORDER}
        for finding in self.discrepancies:
            counts[finding.kind.value] += 1
        return counts

    @property
    def value_delta(self):
        """Net value difference (counted minus expected) in cents."""
        return sum(d.value_delta for d in self.discrepancies)

    @property
    def shrinkage(self):
        """Value of stock that is expected but was not found, in cents."""
        return -sum(d.value_delta for d in self.discrepancies if d.value_delta < 0)

    @property
    def accuracy(self):
        """Fraction of catalog items whose count matched."""
        if not self.catalog_size:
            return 1.0
        return self.matched / self.catalog_size

    def to_rows(self):
        """Return the findings as tuples ready for a CSV writer.

        Rows are grouped by kind (most serious first) and keep the
        reconciliation order inside each group.
        """
        rows = []
        for kind in _KIND_ORDER:
            for d in self.discrepancies:
                if d.kind is kind:
                    rows.append((kind.value, d.sku, d.expected, d.counted, d.delta, d.value_delta, d.detail))
        return rows


def format_report(report, *, limit=None):
    """Render ``report`` as a fixed-width text table.

    ``limit`` caps the number of rows shown per kind; the remainder is
    summarised on one line.
    """
    lines = [
        "Stock-take reconciliation",
        "=========================",
        f"catalog items : {report.catalog_size}",
        f"SKUs counted  : {report.counted_skus} ({report.count_lines} count lines)",
        f"matched       : {report.matched} ({report.accuracy:.1%})",
        f"net value     : {format_cents(report.value_delta)}",
        f"shrinkage     : {format_cents(report.shrinkage)}",
    ]
    if report.is_clean:
        lines.append("")
        lines.append("No discrepancies.")
        return "\n".join(lines) + "\n"

    by_kind = {}
    for row in report.to_rows():
        by_kind.setdefault(row[0], []).append(row)
    for kind in _KIND_ORDER:
        rows = by_kind.get(kind.value)
        if not rows:
            continue
        lines.append("")
        lines.append(f"{kind.value.upper()} ({len(rows)})")
        lines.append(f"  {'sku':<12} {'expected':>8} {'counted':>8} {'delta':>7} {'value':>12}  detail")
        shown = rows if limit is None else rows[:limit]
        for _, sku, expected, counted, delta, value, detail in shown:
            lines.append(
                f"  {sku:<12} {expected:>8} {counted:>8} {delta:>+7} {format_cents(value):>12}  {detail}"
            )
        if len(shown) < len(rows):
            lines.append(f"  ... and {len(rows) - len(shown)} more")
    return "\n".join(lines) + "\n"
