import numpy as np
import pandas as pd
import pytest

from tickbars import TickSchemaError, normalize_ticks, signed_size


def test_normalize_sorts_and_types(hand_ticks):
    shuffled = hand_ticks.sample(frac=1.0, random_state=3)
    ticks = normalize_ticks(shuffled)
    assert ticks.columns.tolist() == ["ts", "symbol", "price", "size", "side"]
    assert ticks["ts"].is_monotonic_increasing
    assert ticks.index.tolist() == list(range(len(hand_ticks)))
    assert ticks["size"].dtype == np.int64
    assert ticks["price"].dtype == np.float64


def test_side_defaults_to_unknown():
    raw = pd.DataFrame({"ts": ["2024-03-04 10:00"], "symbol": ["X"], "price": [1.0], "size": [3.0]})
    ticks = normalize_ticks(raw)
    assert ticks["side"].tolist() == ["?"]
    assert ticks["size"].tolist() == [3]


def test_symbol_filter(ticks):
    only = normalize_ticks(ticks, symbols=["BOLT"])
    assert set(only["symbol"]) == {"BOLT"}
    assert len(only) == (ticks["symbol"] == "BOLT").sum()


def test_equal_timestamps_keep_feed_order():
    raw = pd.DataFrame(
        {
            "ts": ["2024-03-04 10:00:01", "2024-03-04 10:00:00", "2024-03-04 10:00:01"],
            "symbol": ["X", "X", "X"],
            "price": [1.0, 2.0, 3.0],
            "size": [1, 1, 1],
        }
    )
    assert normalize_ticks(raw)["price"].tolist() == [2.0, 1.0, 3.0]


@pytest.mark.parametrize(
    "column,value,message",
    [
        ("price", 0.0, "prices"),
        ("size", -5, "sizes"),
        ("size", 2.5, "sizes"),
        ("side", "X", "side"),
        ("ts", None, "timestamps"),
    ],
)
def test_invalid_ticks(hand_ticks, column, value, message):
    bad = hand_ticks.copy()
    bad[column] = bad[column].astype(object)
    bad.loc[2, column] = value
    with pytest.raises(TickSchemaError, match=message):
        normalize_ticks(bad)


def test_missing_columns():
    with pytest.raises(TickSchemaError, match="price"):
        normalize_ticks(pd.DataFrame({"ts": [], "symbol": [], "size": []}))


def test_signed_size(hand_ticks):
    ticks = normalize_ticks(hand_ticks)
    signed = signed_size(ticks)
    assert signed.tolist() == [5, 100, 200, 10 * -1, -100, -300, 0, 50, 1000]
