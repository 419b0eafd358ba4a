"""Incremental bar building, one trading session at a time.

:class:`BarBuilder` is what our recorders use: at the end of every session the
day's ticks are pushed into it, and strategies read the accumulated
:attr:`BarBuilder.panel`.  :func:`replay` feeds a historical tick file through
a builder session by session, exactly as it would have happened live.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .bars import BAR_COLUMNS, time_bars
from .features import FEATURE_COLUMNS, add_features
from .schema import normalize_ticks
from .sessions import Session

PANEL_COLUMNS = ["session_date", *BAR_COLUMNS, *FEATURE_COLUMNS]
PANEL_ORDER = ["session_date", "symbol", "bar_start"]


@dataclass
class BuilderConfig:
    """Settings of a :class:`BarBuilder`."""

    freq: str = "5min"
    session: Session = field(default_factory=Session)
    vol_window: int = 12
    symbols: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if pd.Timedelta(self.freq) <= pd.Timedelta(0):
            raise ValueError("freq must be a positive duration")
        if self.vol_window < 1:
            raise ValueError("vol_window must be positive")


class BarBuilder:
    """Accumulates feature-enriched bars session by session.

    Sessions must be added in chronological order, each exactly once.
    """

    def __init__(self, config: BuilderConfig | None = None):
        self.config = config or BuilderConfig()
        self._panel: pd.DataFrame | None = None
        self._dates: list[pd.Timestamp] = []

    # ------------------------------------------------------------ feeding
    def add_session(self, raw_ticks: pd.DataFrame) -> pd.DataFrame:
        """Add one session's ticks; returns that session's bars.

        All ticks must fall on the same calendar date, later than every
        session added before.  Ticks outside the trading hours are ignored.
        """
        cfg = self.config
        ticks = normalize_ticks(raw_ticks, cfg.symbols)
        if ticks.empty:
            raise ValueError("no ticks to add")
        dates = cfg.session.session_dates(ticks["ts"])
        day = dates.iloc[0]
        if dates.iloc[-1] != day:
            raise ValueError("ticks span more than one session date")
        if self._dates and day <= self._dates[-1]:
            raise ValueError(
                f"session {day:%Y-%m-%d} is not after the last one ({self._dates[-1]:%Y-%m-%d})"
            )
        bars = add_features(time_bars(ticks, cfg.freq, cfg.session), cfg.vol_window)
        bars.insert(0, "session_date", day)
        bars = bars[PANEL_COLUMNS]
        panel = bars if self._panel is None else pd.concat([self._panel, bars], ignore_index=True)
        self._panel = panel.sort_values(PANEL_ORDER, kind="stable", ignore_index=True)
        self._dates.append(day)
        return bars

    # ------------------------------------------------------------ results
    @property
    def sessions(self) -> list[pd.Timestamp]:
        """Dates of the sessions added so far."""
        return list(self._dates)

    @property
    def panel(self) -> pd.DataFrame:
        """All bars so far, ordered by session, then symbol, then bar start."""
        if self._panel is None:
            return pd.DataFrame(columns=PANEL_COLUMNS)
        return self._panel

    def __len__(self) -> int:
        return 0 if self._panel is None else len(self._panel)

    def daily_summary(self) -> pd.DataFrame:
        """One row per (session, symbol): range, volume, VWAP, close-to-close return."""
        panel = self.panel
        if panel.empty:
            return pd.DataFrame(
                columns=["session_date", "symbol", "open", "high", "low", "close",
                         "volume", "trades", "vwap", "day_ret"]
            )
        g = panel.assign(notional=panel["vwap"] * panel["volume"]).groupby(
            ["session_date", "symbol"], sort=True
        )
        daily = g.agg(
            open=("open", "first"),
            high=("high", "max"),
            low=("low", "min"),
            close=("close", "last"),
            volume=("volume", "sum"),
            trades=("trades", "sum"),
            notional=("notional", "sum"),
        ).reset_index()
        daily["vwap"] = daily["notional"] / daily["volume"]
        prev_close = daily.groupby("symbol", sort=False)["close"].shift(1)
        daily["day_ret"] = np.log(daily["close"] / prev_close)
        return daily.drop(columns="notional")


def split_sessions(ticks: pd.DataFrame, session: Session | None = None):
    """Yield ``(date, ticks_of_that_date)`` in chronological order."""
    session = session or Session()
    ts = pd.to_datetime(ticks["ts"])
    for day, part in ticks.groupby(session.session_dates(ts), sort=True):
        yield day, part


def replay(ticks: pd.DataFrame, config: BuilderConfig | None = None) -> BarBuilder:
    """Feed a multi-day tick frame through a new :class:`BarBuilder`, session by session."""
    builder = BarBuilder(config)
    for _, day_ticks in split_sessions(ticks, builder.config.session):
        builder.add_session(day_ticks)
    return builder
