"""Backtest-sized workloads: a couple of weeks of one-minute bars."""

import pytest

from conftest import SYMBOLS, generate_ticks
from tickbars import BarBuilder, BuilderConfig, replay, split_sessions


@pytest.fixture(scope="module")
def eight_sessions():
    """Eight sessions of five symbols, 1,000 prints per symbol and day."""
    return generate_ticks(days=8, symbols=tuple(SYMBOLS), ticks_per_day=1000, seed=99)


def test_replay_eight_sessions_one_minute_bars(eight_sessions):
    builder = replay(eight_sessions, BuilderConfig(freq="1min", vol_window=30))
    panel = builder.panel
    assert len(builder.sessions) == 8
    assert panel["symbol"].nunique() == 5
    assert panel.groupby(["session_date", "symbol"]).size().between(300, 390).all()


def test_recorder_appends_sessions_then_summarises(eight_sessions):
    builder = BarBuilder(BuilderConfig(freq="1min", vol_window=15))
    for _, day in split_sessions(eight_sessions):
        builder.add_session(day)
    daily = builder.daily_summary()
    assert len(daily) == 40
    assert daily["day_ret"].notna().sum() == 35
