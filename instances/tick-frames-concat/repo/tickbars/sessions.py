"""Trading sessions: which ticks belong to the regular session, and of which day."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Session:
    """A daily trading session from ``open`` to ``close`` (local ``"HH:MM"`` times).

    The close is exclusive: a print stamped exactly at the close belongs to the
    closing auction, not to the continuous session.
    """

    open: str = "09:30"
    close: str = "16:00"

    def __post_init__(self) -> None:
        if self.open_offset >= self.close_offset:
            raise ValueError("session must open before it closes")

    @property
    def open_offset(self) -> pd.Timedelta:
        """Time of the open after midnight."""
        return _parse_hhmm(self.open)

    @property
    def close_offset(self) -> pd.Timedelta:
        """Time of the close after midnight."""
        return _parse_hhmm(self.close)

    @property
    def length(self) -> pd.Timedelta:
        return self.close_offset - self.open_offset

    def session_dates(self, ts: pd.Series) -> pd.Series:
        """Calendar date (midnight) of every timestamp."""
        return ts.dt.normalize()

    def contains(self, ts: pd.Series) -> pd.Series:
        """Boolean mask of timestamps inside the session."""
        offset = ts - ts.dt.normalize()
        return (offset >= self.open_offset) & (offset < self.close_offset)

    def bar_starts(self, ts: pd.Series, freq: str | pd.Timedelta) -> pd.Series:
        """Start of the session-aligned bar containing each timestamp.

        Bars are anchored at the open, so with a 09:30 open 30-minute bars
        start at 09:30, 10:00, ... regardless of ``freq`` dividing the hour.
        """
        width = pd.Timedelta(freq)
        if width <= pd.Timedelta(0):
            raise ValueError("bar width must be positive")
        opens = ts.dt.normalize() + self.open_offset
        return opens + ((ts - opens) // width) * width

    def bars_per_session(self, freq: str | pd.Timedelta) -> int:
        """Number of bars (the last one possibly partial) in a full session."""
        width = pd.Timedelta(freq)
        return int(-(-self.length // width))


def _parse_hhmm(text: str) -> pd.Timedelta:
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
        raise ValueError(f"not a HH:MM time: {text!r}")
    return pd.Timedelta(hours=int(hours), minutes=int(minutes))
