"""Per-bar features used by our intraday models.

Every function takes a bar frame (see :mod:`tickbars.bars`) holding one or
more symbols of a *single* session and returns a new frame with extra
columns.  Rolling quantities restart for each symbol.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _by_symbol(bars: pd.DataFrame):
    return bars.groupby("symbol", sort=False)


def add_returns(bars: pd.DataFrame) -> pd.DataFrame:
    """``ret``: log return from the previous bar's close (first bar: from its open)."""
    prev_close = _by_symbol(bars)["close"].shift(1)
    base = prev_close.fillna(bars["open"])
    return bars.assign(ret=np.log(bars["close"].to_numpy() / base.to_numpy()))


def add_realized_vol(bars: pd.DataFrame, window: int = 12) -> pd.DataFrame:
    """``rvol``: square root of the rolling sum of squared returns over ``window`` bars.

    Needs the ``ret`` column (see :func:`add_returns`).  Defined from the
    first bar on (shorter windows at the start of the session).
    """
    if window < 1:
        raise ValueError("window must be positive")
    sq = bars["ret"] ** 2
    rolled = sq.groupby(bars["symbol"], sort=False).rolling(window, min_periods=1).sum()
    rolled = rolled.reset_index(level=0, drop=True).reindex(bars.index)
    return bars.assign(rvol=np.sqrt(rolled.to_numpy()))


def add_order_flow(bars: pd.DataFrame) -> pd.DataFrame:
    """``imbalance``: (buy - sell) / volume in [-1, 1]; ``cum_delta``: running buy - sell."""
    delta = bars["buy_volume"] - bars["sell_volume"]
    return bars.assign(
        imbalance=delta / bars["volume"],
        cum_delta=delta.groupby(bars["symbol"], sort=False).cumsum(),
    )


def add_vwap_gap(bars: pd.DataFrame) -> pd.DataFrame:
    """``vwap_gap_bp``: close relative to the session VWAP so far, in basis points."""
    grouped = _by_symbol(bars)
    notional = (bars["vwap"] * bars["volume"]).groupby(bars["symbol"], sort=False).cumsum()
    volume = grouped["volume"].cumsum()
    session_vwap = notional / volume
    return bars.assign(vwap_gap_bp=(bars["close"] / session_vwap - 1.0) * 1e4)


def add_features(bars: pd.DataFrame, vol_window: int = 12) -> pd.DataFrame:
    """All of the above, in order."""
    out = add_returns(bars)
    out = add_realized_vol(out, vol_window)
    out = add_order_flow(out)
    return add_vwap_gap(out)


FEATURE_COLUMNS = ["ret", "rvol", "imbalance", "cum_delta", "vwap_gap_bp"]
