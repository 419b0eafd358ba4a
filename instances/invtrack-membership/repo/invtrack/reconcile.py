"""Comparing physical counts against the catalog."""

from .models import CountTotals, Discrepancy, DiscrepancyKind
from .report import ReconciliationReport


def merge_counts(counts, *, sum_duplicates=False):
    """Combine count lines into one total per SKU.

    A SKU may legitimately be counted at several locations; those lines
    are added up.  Two lines for the same SKU *and* the same location are
    almost always a shelf that was scanned twice, so by default the later
    line is dropped and returned as a duplicate.  With
    ``sum_duplicates=True`` it is added as well (and still reported).

    Returns ``(totals, duplicates)`` where ``totals`` is a list of
    :class:`~invtrack.models.CountTotals` in the order SKUs were first
    seen and ``duplicates`` is the list of repeated count lines.
    """
    totals = []
    counted = []
    seen = []
    duplicates = []
    for count in counts:
        key = (count.sku, count.location)
        if key in seen:
            duplicates.append(count)
            if not sum_duplicates:
                continue
        else:
            seen.append(key)
        if count.sku in counted:
            entry = totals[counted.index(count.sku)]
        else:
            entry = CountTotals(count.sku)
            counted.append(count.sku)
            totals.append(entry)
        entry.qty += count.qty
        if count.location not in entry.locations:
            entry.locations.append(count.location)
        entry.lines.append(count.line)
    return totals, duplicates


def _within_tolerance(expected, counted, tolerance):
    """``tolerance`` is absolute units when an int, a fraction when a float."""
    difference = abs(counted - expected)
    if isinstance(tolerance, float):
        return difference <= expected * tolerance
    return difference <= tolerance


def reconcile(catalog, counts, *, tolerance=0, sum_duplicates=False):
    """Reconcile the ``counts`` of a stock-take against ``catalog``.

    ``counts`` is an iterable of :class:`~invtrack.models.StockCount`
    (for example the concatenated output of several
    :func:`~invtrack.counts.parse_counts` calls, one per count team).

    ``tolerance`` is the accepted difference between expected and counted
    quantity: an ``int`` is a number of units, a ``float`` a fraction of
    the expected quantity (``0.02`` accepts 2% drift).

    Returns a :class:`~invtrack.report.ReconciliationReport`.
    """
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        raise TypeError("tolerance must be an int or a float")
    if tolerance < 0:
        raise ValueError("tolerance cannot be negative")

    totals, duplicates = merge_counts(counts, sum_duplicates=sum_duplicates)
    known = catalog.skus()
    counted_skus = [entry.sku for entry in totals]

    duplicate_findings = []
    for count in duplicates:
        duplicate_findings.append(
            Discrepancy(
                DiscrepancyKind.DUPLICATE,
                count.sku,
                counted=count.qty,
                detail=f"line {count.line} repeats {count.location or 'the default location'}",
            )
        )

    unknown = []
    mismatched = []
    matched = 0
    for entry in totals:
        if entry.sku not in known:
            unknown.append(
                Discrepancy(
                    DiscrepancyKind.UNKNOWN,
                    entry.sku,
                    counted=entry.qty,
                    detail="counted at " + ", ".join(loc or "-" for loc in entry.locations),
                )
            )
            continue
        item = catalog.get(entry.sku)
        if item.discontinued and entry.qty > 0:
            mismatched.append(
                Discrepancy(
                    DiscrepancyKind.DISCONTINUED,
                    item.sku,
                    expected=item.expected_qty,
                    counted=entry.qty,
                    detail=item.name,
                    value_delta=(entry.qty - item.expected_qty) * item.unit_cost,
                )
            )
        elif not _within_tolerance(item.expected_qty, entry.qty, tolerance):
            mismatched.append(
                Discrepancy(
                    DiscrepancyKind.QUANTITY,
                    item.sku,
                    expected=item.expected_qty,
                    counted=entry.qty,
                    detail=item.name,
                    value_delta=(entry.qty - item.expected_qty) * item.unit_cost,
                )
            )
        else:
            matched += 1

    missing = []
    for item in catalog:
        if item.sku in counted_skus:
            continue
        if item.expected_qty == 0:
            # Nothing expected and nothing counted: that is a match.
            matched += 1
            continue
        missing.append(
            Discrepancy(
                DiscrepancyKind.MISSING,
                item.sku,
                expected=item.expected_qty,
                detail=item.name,
                value_delta=-item.expected_value,
            )
        )

    return ReconciliationReport(
        discrepancies=duplicate_findings + unknown + mismatched + missing,
        catalog_size=len(catalog),
        counted_skus=len(counted_skus),
        matched=matched,
        count_lines=sum(len(entry.lines) for entry in totals) + (0 if sum_duplicates else len(duplicates)),
    )
