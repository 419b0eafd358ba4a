import pytest

from invtrack import Catalog, DiscrepancyKind, Item, StockCount, make_sku, parse_counts, reconcile
from invtrack.reconcile import merge_counts

A = make_sku("HWD", 1)
B = make_sku("HWD", 2)
C = make_sku("ELC", 10)
D = make_sku("ELC", 11)
X = make_sku("TOY", 999)


@pytest.fixture
def catalog():
    return Catalog(
        [
            Item(A, "Hex bolt M6", 100, 35, "A-01"),
            Item(B, "Hex bolt M8", 80, 50, "A-01"),
            Item(C, "Relay 12V", 5, 700, "E-03"),
            Item(D, "Relay 24V", 0, 800, "E-03", discontinued=True),
        ]
    )


def kinds(report):
    return [(d.kind, d.sku) for d in report.discrepancies]


def test_clean_count(catalog):
    counts = [StockCount(A, 100), StockCount(B, 80), StockCount(C, 5)]
    report = reconcile(catalog, counts)
    assert report.is_clean
    assert report.matched == 4  # D expects nothing and nothing was counted
    assert report.counted_skus == 3
    assert report.accuracy == 1.0


def test_missing_unknown_and_quantity(catalog):
    counts = [StockCount(A, 97), StockCount(X, 3, "Z-9"), StockCount(C, 5)]
    report = reconcile(catalog, counts)
    assert kinds(report) == [
        (DiscrepancyKind.UNKNOWN, X),
        (DiscrepancyKind.QUANTITY, A),
        (DiscrepancyKind.MISSING, B),
    ]
    quantity = report.of_kind(DiscrepancyKind.QUANTITY)[0]
    assert quantity.delta == -3
    assert quantity.value_delta == -105
    missing = report.of_kind(DiscrepancyKind.MISSING)[0]
    assert missing.value_delta == -80 * 50
    assert report.of_kind(DiscrepancyKind.UNKNOWN)[0].detail == "counted at Z-9"
    assert report.shrinkage == 105 + 4000


def test_counts_at_several_locations_are_summed(catalog):
    counts = [StockCount(A, 60, "A-01"), StockCount(B, 80, "A-01"), StockCount(A, 40, "OVERFLOW"), StockCount(C, 5)]
    report = reconcile(catalog, counts)
    assert report.is_clean
    totals, duplicates = merge_counts(counts)
    assert [(t.sku, t.qty, t.locations) for t in totals] == [
        (A, 100, ["A-01", "OVERFLOW"]),
        (B, 80, ["A-01"]),
        (C, 5, [""]),
    ]
    assert duplicates == []


def test_duplicate_lines_dropped_by_default(catalog):
    counts = parse_counts(f"{A},100,A-01\n{B},80,A-01\n{A},100,A-01\n{C},5,E-03\n")
    report = reconcile(catalog, counts)
    assert kinds(report) == [(DiscrepancyKind.DUPLICATE, A)]
    assert report.of_kind(DiscrepancyKind.DUPLICATE)[0].detail == "line 3 repeats A-01"
    assert report.count_lines == 4


def test_duplicate_lines_can_be_summed(catalog):
    counts = [StockCount(A, 50, "A-01", line=1), StockCount(A, 50, "A-01", line=2), StockCount(B, 80), StockCount(C, 5)]
    report = reconcile(catalog, counts, sum_duplicates=True)
    assert kinds(report) == [(DiscrepancyKind.DUPLICATE, A)]
    assert report.matched == 4
    assert report.count_lines == 4


def test_discontinued_item_with_stock(catalog):
    counts = [StockCount(A, 100), StockCount(B, 80), StockCount(C, 5), StockCount(D, 2)]
    report = reconcile(catalog, counts)
    assert kinds(report) == [(DiscrepancyKind.DISCONTINUED, D)]
    assert report.discrepancies[0].value_delta == 1600


@pytest.mark.parametrize(
    "tolerance, clean",
    [(0, False), (2, False), (3, True), (0.02, False), (0.05, True)],
)
def test_tolerance(catalog, tolerance, clean):
    counts = [StockCount(A, 97), StockCount(B, 80), StockCount(C, 5)]
    assert reconcile(catalog, counts, tolerance=tolerance).is_clean is clean


@pytest.mark.parametrize("tolerance", [-1, "2", True, None])
def test_bad_tolerance(catalog, tolerance):
    with pytest.raises((TypeError, ValueError)):
        reconcile(catalog, [], tolerance=tolerance)


def test_empty_count_reports_everything_missing(catalog):
    report = reconcile(catalog, iter([]))
    assert [d.sku for d in report.discrepancies] == [A, B, C]
    assert report.matched == 1
    assert report.counted_skus == 0


def test_order_follows_counts_then_catalog():
    skus = [make_sku("GRD", n) for n in range(1, 9)]
    catalog = Catalog(Item(s, f"item {i}", 10) for i, s in enumerate(skus))
    counts = [StockCount(s, 9) for s in reversed(skus[2:6])]
    report = reconcile(catalog, counts)
    assert [d.sku for d in report.of_kind(DiscrepancyKind.QUANTITY)] == list(reversed(skus[2:6]))
    assert [d.sku for d in report.of_kind(DiscrepancyKind.MISSING)] == skus[:2] + skus[6:]
