import pytest

from lobook import TickScale


@pytest.mark.parametrize("tick, price, ticks", [
    ("0.01", "101.25", 10_125),
    ("0.01", "0.07", 7),
    ("0.01", "5", 500),
    ("0.01", "5.", 500),
    ("0.01", ".5", 50),
    ("0.05", "101.35", 2_027),
    ("0.25", "99.75", 399),
    ("1", "42", 42),
    ("0.001", "1.2300", 1_230),
])
def test_to_ticks(tick, price, ticks):
    assert TickScale(tick).to_ticks(price) == ticks


@pytest.mark.parametrize("tick, ticks, text", [
    ("0.01", 10_125, "101.25"),
    ("0.01", 7, "0.07"),
    ("0.05", 2_027, "101.35"),
    ("1", 42, "42"),
])
def test_format(tick, ticks, text):
    assert TickScale(tick).format(ticks) == text


@pytest.mark.parametrize("price", ["", "-1.00", "+1", "abc", "1.2.3", "1.234", "1e3", "."])
def test_invalid_prices(price):
    with pytest.raises(ValueError):
        TickScale("0.01").to_ticks(price)


def test_off_grid_price():
    with pytest.raises(ValueError, match="not a multiple"):
        TickScale("0.05").to_ticks("101.32")


def test_invalid_tick():
    with pytest.raises(ValueError):
        TickScale("0.00")


def test_to_float_and_equality():
    assert TickScale("0.05").to_float(2027) == pytest.approx(101.35)
    assert TickScale("0.01").to_float(10_012.5) == pytest.approx(100.125)
    assert TickScale("0.01") == TickScale("0.01")
    assert TickScale("0.01").decimals == 2 and TickScale("0.25").tick_units == 25
