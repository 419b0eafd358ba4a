"""The tick table: validation and normalisation of raw trade prints.

A tick frame has one row per trade with the columns

``ts``      trade time (``datetime64``, exchange local time, no time zone),
``symbol``  instrument identifier,
``price``   trade price (float, > 0),
``size``    traded quantity (integer, > 0),
``side``    aggressor side, ``"B"`` (buyer-initiated) or ``"S"``; optional, and
            ``"?"`` when unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TICK_COLUMNS = ["ts", "symbol", "price", "size", "side"]
SIDES = ("B", "S", "?")


class TickSchemaError(ValueError):
    """Raised for tick data that cannot be normalised."""


def normalize_ticks(raw: pd.DataFrame, symbols=None) -> pd.DataFrame:
    """Return a clean copy of ``raw`` with the canonical columns and dtypes.

    * ``ts`` is parsed to ``datetime64``; ``symbol`` and ``side`` become strings;
      ``price`` float64 and ``size`` int64.
    * Missing ``side`` is filled with ``"?"``.
    * Rows are sorted by time (stable, so prints with equal timestamps keep
      their feed order) and re-indexed from 0.
    * ``symbols``, if given, keeps only those instruments.

    Raises :class:`TickSchemaError` on missing columns, non-positive prices or
    sizes, fractional sizes or unknown side codes.
    """
    missing = [c for c in ("ts", "symbol", "price", "size") if c not in raw.columns]
    if missing:
        raise TickSchemaError(f"tick data is missing columns {missing}")
    ticks = pd.DataFrame(
        {
            "ts": pd.to_datetime(raw["ts"], format="ISO8601"),
            "symbol": raw["symbol"].astype(str),
            "price": raw["price"].astype(np.float64),
            "size": raw["size"],
            "side": raw["side"].fillna("?").astype(str) if "side" in raw.columns else "?",
        }
    )
    if symbols is not None:
        ticks = ticks[ticks["symbol"].isin(list(symbols))]
    if ticks["ts"].isna().any():
        raise TickSchemaError("tick timestamps must not be missing")
    if not (ticks["price"] > 0).all():
        raise TickSchemaError("tick prices must be positive")
    size = ticks["size"].astype(np.float64)
    if not ((size > 0) & (size == np.round(size))).all():
        raise TickSchemaError("tick sizes must be positive whole numbers")
    ticks["size"] = size.astype(np.int64)
    bad_side = ~ticks["side"].isin(SIDES)
    if bad_side.any():
        raise TickSchemaError(f"unknown side code {ticks.loc[bad_side, 'side'].iloc[0]!r}")
    ticks = ticks.sort_values("ts", kind="stable").reset_index(drop=True)
    return ticks[TICK_COLUMNS]


def signed_size(ticks: pd.DataFrame) -> pd.Series:
    """Trade size signed by aggressor side: +size for buys, -size for sells, 0 if unknown."""
    sign = np.select([ticks["side"] == "B", ticks["side"] == "S"], [1, -1], 0)
    return pd.Series(ticks["size"].to_numpy() * sign, index=ticks.index, name="signed_size")
