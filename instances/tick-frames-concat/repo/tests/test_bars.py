import numpy as np
import pandas as pd
import pytest

from tickbars import BAR_COLUMNS, normalize_ticks, time_bars, volume_bars


def test_time_bars_by_hand(hand_ticks):
    bars = time_bars(normalize_ticks(hand_ticks), "5min")
    assert bars.columns.tolist() == BAR_COLUMNS
    assert bars[["symbol", "bar_start"]].astype(str).values.tolist() == [
        ["X", "2024-03-04 09:30:00"],
        ["X", "2024-03-04 09:35:00"],
        ["X", "2024-03-04 09:40:00"],
        ["Y", "2024-03-04 09:30:00"],
    ]
    first = bars.iloc[0]
    assert (first["open"], first["high"], first["low"], first["close"]) == (10.0, 11.0, 9.5, 9.5)
    assert first["volume"] == 400 and first["trades"] == 3
    assert first["vwap"] == pytest.approx((1000 + 2200 + 950) / 400)
    assert (first["buy_volume"], first["sell_volume"]) == (300, 100)
    second = bars.iloc[1]
    assert (second["buy_volume"], second["sell_volume"], second["volume"]) == (0, 300, 400)
    assert bars["volume"].dtype == np.int64 and bars["trades"].dtype == np.int64


def test_time_bars_conserve_session_volume(ticks):
    clean = normalize_ticks(ticks)
    bars = time_bars(clean, "5min")
    hours = clean["ts"].dt.hour + clean["ts"].dt.minute / 60
    inside = clean[(hours >= 9.5) & (hours < 16)]
    assert bars["volume"].sum() == inside["size"].sum()
    assert bars["trades"].sum() == len(inside)
    assert (bars["low"] <= bars["vwap"] + 1e-9).all() and (bars["vwap"] <= bars["high"] + 1e-9).all()
    assert bars.groupby("symbol")["bar_start"].is_monotonic_increasing.all()


def test_time_bars_outside_session_only(hand_ticks):
    early = normalize_ticks(hand_ticks.iloc[[0]])
    bars = time_bars(early)
    assert bars.empty and bars.columns.tolist() == BAR_COLUMNS


def test_volume_bars(hand_ticks):
    ticks = normalize_ticks(hand_ticks[hand_ticks["symbol"] == "X"])
    bars = volume_bars(ticks, 300)
    # X volume before each trade: 0, 5, 105, 305, 405, 705, 805, 855
    assert bars["volume"].tolist() == [305, 400, 1150]
    assert bars["trades"].tolist() == [3, 2, 3]
    assert bars["bar_start"].iloc[1] == pd.Timestamp("2024-03-04 09:34:59.999")
    assert bars["close"].tolist() == [11.0, 10.5, 13.0]
    with pytest.raises(ValueError):
        volume_bars(ticks, 0)


def test_volume_bars_per_symbol(ticks):
    clean = normalize_ticks(ticks)
    bars = volume_bars(clean, 5_000)
    assert set(bars["symbol"]) == {"ACME", "BOLT"}
    totals = bars.groupby("symbol")["volume"].sum()
    assert totals.to_dict() == clean.groupby("symbol")["size"].sum().to_dict()
    assert bars.groupby("symbol")["bar_start"].is_monotonic_increasing.all()
    counts = bars.groupby("symbol").size()
    expected = clean.groupby("symbol")["size"].sum() / 5_000
    assert ((counts >= expected * 0.5) & (counts <= expected + 1)).all()
