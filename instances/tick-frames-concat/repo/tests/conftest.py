"""Fixtures: synthetic but plausible equity trade ticks."""

import numpy as np
import pandas as pd
import pytest

SYMBOLS = {"ACME": 48.0, "BOLT": 112.5, "CRUX": 9.8, "DYNA": 231.0, "EMBR": 27.3}


def generate_ticks(days=3, symbols=("ACME", "BOLT"), ticks_per_day=500, seed=0, start="2024-03-04",
                   extended_hours=0.03):
    """Random-walk trade prints for ``symbols`` over ``days`` business days.

    About ``extended_hours`` of the prints fall in pre-/after-market hours.
    Rows come out in feed order: sorted by time across all symbols.
    """
    rng = np.random.default_rng(seed)
    frames = []
    for day in pd.bdate_range(start, periods=days):
        for sym in symbols:
            n = ticks_per_day
            # seconds after midnight: mostly 09:30-16:00, some 08:00-09:30 / 16:00-17:00
            secs = rng.uniform(9.5 * 3600, 16 * 3600, n)
            extended = rng.random(n) < extended_hours
            secs[extended] = rng.choice([8.0 * 3600, 16.0 * 3600], extended.sum()) + rng.uniform(
                0, 3600, extended.sum()
            )
            secs = np.sort(np.round(secs, 3))
            side = rng.choice(np.array(["B", "S", "?"]), n, p=[0.48, 0.48, 0.04])
            drift = np.where(side == "B", 1.0, np.where(side == "S", -1.0, 0.0))
            ref = SYMBOLS.get(sym, 50.0)
            steps = rng.normal(0.0, 0.0004, n) + 0.0001 * drift
            price = np.round(ref * np.exp(np.cumsum(steps)), 2)
            size = (rng.pareto(1.8, n) * 100 + 1).astype(np.int64)
            frames.append(
                pd.DataFrame(
                    {
                        "ts": day + pd.to_timedelta(secs, unit="s"),
                        "symbol": sym,
                        "price": price,
                        "size": size,
                        "side": side,
                    }
                )
            )
    ticks = pd.concat(frames, ignore_index=True)
    return ticks.sort_values("ts", kind="stable").reset_index(drop=True)


@pytest.fixture
def ticks():
    """Three sessions of two symbols, 500 prints each per day."""
    return generate_ticks()


@pytest.fixture
def hand_ticks():
    """A handful of prints with easy numbers on 2024-03-04."""
    return pd.DataFrame(
        {
            "ts": pd.to_datetime(
                [
                    "2024-03-04 09:15:00",  # pre-market, ignored by bars
                    "2024-03-04 09:30:00",
                    "2024-03-04 09:31:10",
                    "2024-03-04 09:34:59.999",
                    "2024-03-04 09:35:00",
                    "2024-03-04 09:36:00",
                    "2024-03-04 09:41:00",
                    "2024-03-04 09:32:00",
                    "2024-03-04 16:00:00",  # closing auction, ignored by bars
                ],
                format="ISO8601",
            ),
            "symbol": ["X", "X", "X", "X", "X", "X", "X", "Y", "X"],
            "price": [9.0, 10.0, 11.0, 9.5, 10.5, 10.0, 12.0, 50.0, 13.0],
            "size": [5, 100, 200, 100, 300, 100, 50, 10, 1000],
            "side": ["B", "B", "B", "S", "S", "?", "B", "S", "B"],
        }
    )
