from decimal import Decimal

import pytest

from salesreport import CurrencyTable, UnknownCurrencyError, round_money, to_decimal


def test_to_decimal():
    assert to_decimal("19.99") == Decimal("19.99")
    assert to_decimal(" 7 ") == Decimal(7)
    assert to_decimal(3) == Decimal(3)
    d = Decimal("1.5")
    assert to_decimal(d) is d
    with pytest.raises(TypeError):
        to_decimal(0.1)
    with pytest.raises(ValueError):
        to_decimal("12,50")


@pytest.mark.parametrize("amount, places, expected", [
    ("2.345", 2, "2.35"),
    ("2.344", 2, "2.34"),
    ("-2.345", 2, "-2.35"),
    ("0.125", 2, "0.13"),
    ("598.84499", 4, "598.8450"),
    ("1234.5", 0, "1235"),
])
def test_round_money_half_up(amount, places, expected):
    assert str(round_money(Decimal(amount), places)) == expected


def test_currency_table():
    table = CurrencyTable("EUR", {"usd": "0.92", "GBP": "1.17"})
    assert table.convert(Decimal("10.00"), "USD") == Decimal("9.20")
    assert table.convert(Decimal("10.005"), "EUR") == Decimal("10.01")
    assert table.convert(Decimal("3.333"), "GBP", places=4) == Decimal("3.8996")
    assert table.rate("eur") == 1
    with pytest.raises(UnknownCurrencyError) as info:
        table.rate("SEK")
    assert "SEK" in str(info.value)


def test_currency_table_rejects_bad_rates():
    with pytest.raises(ValueError):
        CurrencyTable("EUR", {"USD": "0"})
