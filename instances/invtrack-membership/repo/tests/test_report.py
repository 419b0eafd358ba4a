from invtrack import Catalog, Item, StockCount, format_report, make_sku, reconcile
from invtrack.report import format_cents

SKUS = [make_sku("HWD", n) for n in range(1, 7)]


def build_report():
    catalog = Catalog(Item(sku, f"part {i}", 10, 125) for i, sku in enumerate(SKUS))
    counts = [StockCount(SKUS[0], 10), StockCount(SKUS[1], 8), StockCount(SKUS[2], 12), StockCount(make_sku("TOY", 5), 1)]
    return reconcile(catalog, counts)


def test_format_cents():
    assert format_cents(0) == "0.00"
    assert format_cents(5) == "0.05"
    assert format_cents(123456789) == "1,234,567.89"
    assert format_cents(-12345) == "-123.45"


def test_summary_and_rows():
    report = build_report()
    assert report.summary() == {"missing": 3, "quantity": 2, "discontinued": 0, "unknown": 1, "duplicate": 0}
    rows = report.to_rows()
    assert [r[0] for r in rows] == ["missing"] * 3 + ["quantity"] * 2 + ["unknown"]
    assert rows[3][1:6] == (SKUS[1], 10, 8, -2, -250)
    assert report.value_delta == -3 * 1250 - 250 + 250


def test_format_report():
    text = format_report(build_report())
    assert "catalog items : 6" in text
    assert "matched       : 1 (16.7%)" in text
    assert "MISSING (3)" in text
    assert "QUANTITY (2)" in text
    assert "UNKNOWN (1)" in text
    assert f"  {SKUS[1]:<12}       10        8      -2        -2.50  part 1" in text
    assert "shrinkage     : 40.00" in text


def test_format_report_limit():
    text = format_report(build_report(), limit=1)
    assert "... and 2 more" in text
    assert "... and 1 more" in text


def test_clean_report():
    catalog = Catalog([Item(SKUS[0], "part", 1)])
    text = format_report(reconcile(catalog, [StockCount(SKUS[0], 1)]))
    assert text.endswith("No discrepancies.\n")
