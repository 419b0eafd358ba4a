import pytest

from invtrack import CountSheetError, make_sku, parse_catalog, parse_counts

A = make_sku("HWD", 1)
B = make_sku("HWD", 2)
C = make_sku("ELC", 10)


def test_parse_counts_basic():
    text = f"sku,qty,location,counter\n{A},4,A-01,kim\n{B.lower()},12,A-02,lee\n"
    counts = parse_counts(text)
    assert [(c.sku, c.qty, c.location, c.counter, c.line) for c in counts] == [
        (A, 4, "A-01", "kim", 2),
        (B, 12, "A-02", "lee", 3),
    ]


def test_parse_counts_skips_comments_and_blank_lines():
    text = f"# morning shift\n\n{A},1\n   \n# break\n{B},2\n"
    counts = parse_counts(text)
    assert [c.sku for c in counts] == [A, B]
    assert [c.line for c in counts] == [3, 6]


def test_parse_counts_default_location_and_thousands():
    counts = parse_counts(f"{A},\"1,200\"\n{B},3,B-07\n", default_location="DOCK")
    assert counts[0].qty == 1200
    assert counts[0].location == "DOCK"
    assert counts[1].location == "B-07"


def test_parse_counts_reports_line_numbers():
    with pytest.raises(CountSheetError) as info:
        parse_counts(f"{A},1\n{B},many\n")
    assert info.value.line == 2
    assert "whole number" in str(info.value)


def test_parse_counts_rejects_negative_and_short_rows():
    with pytest.raises(CountSheetError, match="negative"):
        parse_counts(f"{A},-1\n")
    with pytest.raises(CountSheetError, match="at least"):
        parse_counts(f"{A}\n")


def test_parse_counts_bad_sku_strict_and_lenient():
    text = f"{A},1\nHWD-99999-0,5\n{C},2\n"
    with pytest.raises(CountSheetError, match="line 2"):
        parse_counts(text)
    lenient = parse_counts(text, strict=False)
    assert [c.sku for c in lenient] == [A, C]


def test_parse_catalog():
    text = (
        "sku,name,expected_qty,unit_cost,location,discontinued\n"
        f"{A},Hex bolt M6,120,0.35,A-01,no\n"
        f"{B},Hex bolt M8,80,0.5,A-01,\n"
        f"{C},Relay 12V,5,7,E-03,yes\n"
    )
    items = parse_catalog(text)
    assert [i.sku for i in items] == [A, B, C]
    assert [i.unit_cost for i in items] == [35, 50, 700]
    assert [i.discontinued for i in items] == [False, False, True]
    assert items[2].expected_value == 3500
    assert items[0].category == "HWD"


@pytest.mark.parametrize("cost", ["1.234", "abc", "-3", "1."])
def test_parse_catalog_rejects_bad_prices(cost):
    with pytest.raises(CountSheetError, match="price"):
        parse_catalog(f"{A},Thing,1,{cost}\n")


def test_parse_catalog_rejects_bad_flag_and_sku():
    with pytest.raises(CountSheetError, match="flag"):
        parse_catalog(f"{A},Thing,1,1,X,maybe\n")
    with pytest.raises(CountSheetError, match="line 1"):
        parse_catalog("XYZ-1-1,Thing,1\n")
