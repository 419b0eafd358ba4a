import numpy as np
import pandas as pd
import pytest

from tickbars import PANEL_COLUMNS, BarBuilder, BuilderConfig, Session, replay, split_sessions
from tickbars import add_features, normalize_ticks, time_bars


def test_replay_builds_panel(ticks):
    builder = replay(ticks, BuilderConfig(freq="5min"))
    panel = builder.panel
    assert panel.columns.tolist() == PANEL_COLUMNS
    assert builder.sessions == list(pd.bdate_range("2024-03-04", periods=3))
    assert len(builder) == len(panel)
    assert panel.index.tolist() == list(range(len(panel)))
    order = panel[["session_date", "symbol", "bar_start"]]
    assert order.equals(order.sort_values(["session_date", "symbol", "bar_start"]).reset_index(drop=True))
    assert (panel["bar_start"].dt.normalize() == panel["session_date"]).all()


def test_panel_matches_per_session_computation(ticks):
    cfg = BuilderConfig(freq="10min", vol_window=4)
    panel = replay(ticks, cfg).panel
    for day, part in split_sessions(ticks):
        expected = add_features(time_bars(normalize_ticks(part), "10min"), 4)
        got = panel[panel["session_date"] == day].drop(columns="session_date").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected[got.columns.tolist()])


def test_add_session_returns_that_days_bars(ticks):
    builder = BarBuilder()
    days = list(split_sessions(ticks))
    first = builder.add_session(days[0][1])
    assert (first["session_date"] == days[0][0]).all()
    second = builder.add_session(days[1][1])
    assert len(builder) == len(first) + len(second)
    # the returned frame is the caller's to keep: changing it leaves the panel alone
    second["close"] = 0.0
    assert (builder.panel["close"] > 0).all()


def test_sessions_must_be_in_order(ticks):
    builder = BarBuilder()
    days = list(split_sessions(ticks))
    builder.add_session(days[1][1])
    with pytest.raises(ValueError, match="not after"):
        builder.add_session(days[0][1])
    with pytest.raises(ValueError, match="not after"):
        builder.add_session(days[1][1])
    with pytest.raises(ValueError, match="more than one"):
        builder.add_session(ticks)
    with pytest.raises(ValueError, match="no ticks"):
        builder.add_session(ticks.iloc[:0])
    assert builder.sessions == [days[1][0]]


def test_symbol_subset_and_session_hours(ticks):
    cfg = BuilderConfig(freq="30min", symbols=("BOLT",), session=Session("10:00", "12:00"))
    panel = replay(ticks, cfg).panel
    assert set(panel["symbol"]) == {"BOLT"}
    assert panel["bar_start"].dt.hour.between(10, 11).all()
    assert panel.groupby("session_date").size().tolist() == [4, 4, 4]


def test_daily_summary(ticks):
    builder = replay(ticks)
    daily = builder.daily_summary()
    assert len(daily) == 6
    clean = normalize_ticks(ticks)
    clean = clean[Session().contains(clean["ts"])]
    by_day = clean.groupby([clean["ts"].dt.normalize(), "symbol"])
    np.testing.assert_array_equal(daily["volume"], by_day["size"].sum().to_numpy())
    np.testing.assert_allclose(daily["high"], by_day["price"].max().to_numpy())
    vwap = (clean["price"] * clean["size"]).groupby([clean["ts"].dt.normalize(), clean["symbol"]]).sum()
    np.testing.assert_allclose(daily["vwap"], (vwap / by_day["size"].sum()).to_numpy())
    assert daily["day_ret"].isna().sum() == 2


def test_empty_builder():
    builder = BarBuilder()
    assert len(builder) == 0
    assert builder.panel.columns.tolist() == PANEL_COLUMNS
    assert builder.daily_summary().empty


def test_config_validation():
    with pytest.raises(ValueError):
        BuilderConfig(freq="0s")
    with pytest.raises(ValueError):
        BuilderConfig(vol_window=0)
