"""Aggregating ticks into bars."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .sessions import Session

#: Columns of a bar frame, in order.
BAR_COLUMNS = [
    "symbol",
    "bar_start",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "trades",
    "vwap",
    "buy_volume",
    "sell_volume",
]


def _empty_bars() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": pd.Series([], dtype=str),
            "bar_start": pd.Series([], dtype="datetime64[ns]"),
            **{c: pd.Series([], dtype=np.float64) for c in ("open", "high", "low", "close")},
            **{c: pd.Series([], dtype=np.int64) for c in ("volume", "trades")},
            "vwap": pd.Series([], dtype=np.float64),
            **{c: pd.Series([], dtype=np.int64) for c in ("buy_volume", "sell_volume")},
        }
    )


def _aggregate(work: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """OHLCV aggregation of prepared tick rows grouped by ``keys``."""
    grouped = work.groupby(keys, sort=True)
    bars = grouped.agg(
        open=("price", "first"),
        high=("price", "max"),
        low=("price", "min"),
        close=("price", "last"),
        volume=("size", "sum"),
        trades=("size", "size"),
        notional=("notional", "sum"),
        buy_volume=("buy", "sum"),
        sell_volume=("sell", "sum"),
    ).reset_index()
    bars["vwap"] = bars["notional"] / bars["volume"]
    bars["trades"] = bars["trades"].astype(np.int64)
    return bars


def _prepare(ticks: pd.DataFrame) -> pd.DataFrame:
    size = ticks["size"].to_numpy()
    side = ticks["side"]
    return pd.DataFrame(
        {
            "symbol": ticks["symbol"],
            "price": ticks["price"],
            "size": ticks["size"],
            "notional": ticks["price"].to_numpy() * size,
            "buy": np.where(side == "B", size, 0),
            "sell": np.where(side == "S", size, 0),
        },
        index=ticks.index,
    )


def time_bars(
    ticks: pd.DataFrame, freq: str | pd.Timedelta = "5min", session: Session | None = None
) -> pd.DataFrame:
    """OHLCV bars of fixed duration, per symbol, aligned to the session open.

    Ticks outside the session are ignored.  Only bars with at least one trade
    are returned, sorted by symbol then bar start.  ``vwap`` is the
    volume-weighted average price of the bar; ``buy_volume`` / ``sell_volume``
    split the volume by aggressor side (trades of unknown side count in
    neither).
    """
    session = session or Session()
    inside = ticks[session.contains(ticks["ts"])]
    if inside.empty:
        return _empty_bars()
    work = _prepare(inside)
    work["bar_start"] = session.bar_starts(inside["ts"], freq)
    bars = _aggregate(work, ["symbol", "bar_start"])
    return bars[BAR_COLUMNS]


def volume_bars(ticks: pd.DataFrame, bar_volume: int) -> pd.DataFrame:
    """Bars of (roughly) equal traded volume, per symbol.

    A symbol's trade goes to bar ``v // bar_volume`` where ``v`` is the
    symbol's cumulative volume *before* that trade, so a new bar starts with
    the first trade after the cumulative volume reaches a multiple of
    ``bar_volume``.  Trades are never split, so bar volumes scatter around
    ``bar_volume`` (a huge print makes one large bar).  The ``bar_start``
    column is the time of the bar's first trade.  Unlike :func:`time_bars`
    this keeps ticks outside the session; filter them first if needed.
    """
    if bar_volume <= 0:
        raise ValueError("bar_volume must be positive")
    if ticks.empty:
        return _empty_bars()
    work = _prepare(ticks)
    cum = ticks.groupby("symbol", sort=False)["size"].cumsum()
    # number of completed bars before this trade
    work["bar_no"] = ((cum - ticks["size"]) // bar_volume).astype(np.int64)
    work["ts"] = ticks["ts"]
    bars = _aggregate(work, ["symbol", "bar_no"])
    starts = work.groupby(["symbol", "bar_no"], sort=True)["ts"].min().reset_index(drop=True)
    bars["bar_start"] = starts.to_numpy()
    return bars[BAR_COLUMNS]
