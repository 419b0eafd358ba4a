import numpy as np
import pandas as pd
import pytest

from ledgerroll import format_cents, parse_amount, to_cents


@pytest.mark.parametrize(
    "text,cents",
    [
        ("0", 0),
        ("12", 1200),
        ("12.5", 1250),
        ("12.05", 1205),
        ("1,234,567.89", 123456789),
        ("-3.10", -310),
        ("(45.00)", -4500),
        (" 7.25 ", 725),
    ],
)
def test_parse_amount(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1.234", "12,34.00", "1.2.3", "$5"])
def test_parse_amount_rejects_garbage(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_format_cents():
    assert format_cents(123456789) == "1,234,567.89"
    assert format_cents(5) == "0.05"
    assert format_cents(-150) == "-1.50"
    assert format_cents(-150, parens=True) == "(1.50)"
    assert format_cents(np.int64(100)) == "1.00"


def test_to_cents_from_floats_strings_and_ints():
    assert to_cents([1.005, 2.5, np.nan]).tolist() == [100, 250, 0]
    assert to_cents(["1,000.00", "", None, "(2.50)"]).tolist() == [100000, 0, 0, -250]
    assert to_cents(np.array([150, 99], dtype=np.int32)).tolist() == [150, 99]
    assert to_cents([]).dtype == np.int64


def test_to_cents_keeps_index():
    s = pd.Series([1.0, 2.0], index=[10, 11])
    assert to_cents(s).index.tolist() == [10, 11]
