import numpy as np
import pandas as pd
import pytest

from tickbars import (
    FEATURE_COLUMNS,
    add_features,
    add_order_flow,
    add_realized_vol,
    add_returns,
    add_vwap_gap,
    normalize_ticks,
    time_bars,
)


def make_bars():
    return pd.DataFrame(
        {
            "symbol": ["A", "A", "A", "B", "B"],
            "bar_start": pd.to_datetime(["2024-03-04 09:30", "2024-03-04 09:35", "2024-03-04 09:40"] * 1 + ["2024-03-04 09:30", "2024-03-04 09:35"]),
            "open": [10.0, 11.0, 12.1, 50.0, 49.0],
            "high": [11.0, 12.5, 12.2, 51.0, 49.5],
            "low": [9.9, 10.8, 11.0, 48.5, 48.0],
            "close": [11.0, 12.1, 11.0, 49.0, 49.0],
            "volume": [100, 300, 100, 40, 60],
            "trades": [3, 5, 2, 1, 2],
            "vwap": [10.5, 12.0, 11.5, 49.5, 48.5],
            "buy_volume": [60, 300, 0, 10, 30],
            "sell_volume": [40, 0, 100, 30, 30],
        }
    )


def test_returns_restart_per_symbol():
    out = add_returns(make_bars())
    np.testing.assert_allclose(
        out["ret"], np.log([11.0 / 10.0, 12.1 / 11.0, 11.0 / 12.1, 49.0 / 50.0, 1.0])
    )


def test_realized_vol():
    out = add_realized_vol(add_returns(make_bars()), window=2)
    r = np.log([1.1, 1.1, 11.0 / 12.1])
    np.testing.assert_allclose(out["rvol"].iloc[:3], np.sqrt([r[0] ** 2, r[0] ** 2 + r[1] ** 2, r[1] ** 2 + r[2] ** 2]))
    assert out["rvol"].iloc[4] == pytest.approx(abs(np.log(0.98)))
    with pytest.raises(ValueError):
        add_realized_vol(out, 0)


def test_order_flow():
    out = add_order_flow(make_bars())
    np.testing.assert_allclose(out["imbalance"], [0.2, 1.0, -1.0, -0.5, 0.0])
    assert out["cum_delta"].tolist() == [20, 320, 220, -20, -20]


def test_vwap_gap():
    out = add_vwap_gap(make_bars())
    session_vwap_a = np.cumsum([1050.0, 3600.0, 1150.0]) / np.cumsum([100, 300, 100])
    np.testing.assert_allclose(out["vwap_gap_bp"].iloc[:3], (np.array([11.0, 12.1, 11.0]) / session_vwap_a - 1) * 1e4)


def test_add_features_on_real_bars(ticks):
    clean = normalize_ticks(ticks)
    day = clean[clean["ts"].dt.normalize() == clean["ts"].dt.normalize().iloc[0]]
    bars = add_features(time_bars(day, "5min"), vol_window=6)
    assert set(FEATURE_COLUMNS) <= set(bars.columns)
    assert bars[FEATURE_COLUMNS].notna().all().all()
    assert (bars["imbalance"].abs() <= 1).all()
    assert (bars["rvol"] >= 0).all()
    # features do not modify the input frame
    assert "ret" not in time_bars(day, "5min").columns
