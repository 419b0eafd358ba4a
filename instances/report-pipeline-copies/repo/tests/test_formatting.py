from decimal import Decimal

import pytest

from salesreport import align, format_count, format_money, format_percent, group_thousands, truncate


@pytest.mark.parametrize("amount, currency, places, expected", [
    ("0", "EUR", 2, "€0.00"),
    ("1234.5", "EUR", 2, "€1,234.50"),
    ("-1234.5", "EUR", 2, "-€1,234.50"),
    ("999.995", "USD", 2, "$1,000.00"),
    ("0.005", "GBP", 2, "£0.01"),
    ("-0.004", "EUR", 2, "€0.00"),
    ("1234567.891", "CHF", 2, "CHF 1,234,567.89"),
    ("12", "SEK", 2, "SEK 12.00"),
    ("98765", "JPY", 0, "¥98,765"),
    ("1000000", "", 2, "1,000,000.00"),
    ("5", "", 0, "5"),
])
def test_format_money(amount, currency, places, expected):
    assert format_money(Decimal(amount), currency, places) == expected


def test_format_money_accepts_ints():
    assert format_money(1500, "EUR") == "€1,500.00"


@pytest.mark.parametrize("digits, expected", [
    ("", ""), ("1", "1"), ("123", "123"), ("1234", "1,234"), ("123456", "123,456"), ("1234567", "1,234,567"),
])
def test_group_thousands(digits, expected):
    assert group_thousands(digits) == expected
    assert group_thousands("1234567", ".") == "1.234.567"


def test_format_percent():
    assert format_percent(Decimal("0.1234")) == "12.3%"
    assert format_percent(Decimal("0.98765"), places=2) == "98.77%"
    assert format_percent(0.5) == "50.0%"
    assert format_percent(None) == "n/a"


def test_format_count():
    assert format_count(0) == "0"
    assert format_count(1234567) == "1,234,567"
    assert format_count(-4200) == "-4,200"


def test_truncate_and_align():
    assert truncate("Nordwind Handel GmbH", 10) == "Nordwind …"
    assert truncate("short", 10) == "short"
    assert truncate("abc", 0) == ""
    assert truncate("abcdef", 1) == "…"
    assert align("7", 3, ">") == "  7"
    assert align("ab", 4, "^") == " ab "
    with pytest.raises(ValueError):
        align("x", 3, "?")
