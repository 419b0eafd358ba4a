"""Reconciliation of a full warehouse stock-take.

The data is generated from a fixed seed so that every run reconciles the
same catalog and the same count sheets.
"""

import random

import pytest

from invtrack import Catalog, DiscrepancyKind, Item, format_report, make_sku, parse_counts, reconcile

CATEGORIES = ["HWD", "ELC", "PLB", "GRD", "TOY", "KIT", "PNT", "TLS"]
N_ITEMS = 1800


def _catalog(rng):
    items = []
    numbers = rng.sample(range(1, 100000), N_ITEMS)
    for i, number in enumerate(numbers):
        category = CATEGORIES[i % len(CATEGORIES)]
        aisle = "ABCDEFGH"[rng.randrange(8)]
        items.append(
            Item(
                sku=make_sku(category, number),
                name=f"{category.title()} part {number}",
                expected_qty=rng.randrange(0, 250),
                unit_cost=rng.randrange(5, 20000),
                location=f"{aisle}-{rng.randrange(1, 40):02d}",
                discontinued=rng.random() < 0.02,
            )
        )
    return Catalog(items)


def _count_sheets(rng, catalog):
    """Count sheets as the shelf teams produce them: one per aisle."""
    lines = []
    for item in catalog:
        roll = rng.random()
        if roll < 0.04:
            continue  # never found
        qty = item.expected_qty
        if roll < 0.15:
            qty = max(0, qty + rng.randrange(-5, 4))
        if item.expected_qty > 20 and rng.random() < 0.25:
            overflow = rng.randrange(1, item.expected_qty // 2)
            lines.append((item.location, item.sku, qty - overflow))
            lines.append(("OVERFLOW", item.sku, overflow))
        else:
            lines.append((item.location, item.sku, qty))
        if rng.random() < 0.03:
            lines.append((item.location, item.sku, qty))  # shelf scanned twice
    for n in range(60):
        lines.append((f"Z-{n % 7:02d}", make_sku("MSC", 90000 + n), rng.randrange(1, 30)))
    lines.sort(key=lambda line: line[0])
    sheets = {}
    for location, sku, qty in lines:
        aisle = location.split("-")[0]
        sheets.setdefault(aisle, []).append(f"{sku},{qty},{location},team-{aisle.lower()}")
    return [parse_counts("sku,qty,location,counter\n" + "\n".join(rows) + "\n") for _, rows in sorted(sheets.items())]


@pytest.fixture(scope="module")
def stocktake():
    rng = random.Random(20240611)
    catalog = _catalog(rng)
    sheets = _count_sheets(rng, catalog)
    counts = [count for sheet in sheets for count in sheet]
    return catalog, counts


def test_reconcile_large_catalog(stocktake):
    catalog, counts = stocktake
    report = reconcile(catalog, counts, tolerance=1)
    summary = report.summary()
    assert report.catalog_size == N_ITEMS
    assert summary["unknown"] == 60
    assert summary["missing"] > 0 and summary["duplicate"] > 0
    assert report.count_lines == len(counts)
    text = format_report(report, limit=25)
    assert text.startswith("Stock-take reconciliation")
    assert len(report.of_kind(DiscrepancyKind.QUANTITY)) > 50
