"""Fiscal calendars: which fiscal year and period a posting date belongs to.

A fiscal year starts on the first day of ``start_month`` and is named after the
calendar year in which it *ends* (so with ``start_month=7`` the year running
from July 2024 to June 2025 is ``FY2025``).  Periods are the twelve calendar
months of the fiscal year, numbered from 1, and labelled like ``"FY2025-P03"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_LABEL = re.compile(r"^FY(?P<year>\d{4})-P(?P<period>\d{2})$")


@dataclass(frozen=True)
class FiscalCalendar:
    """Monthly fiscal calendar starting in ``start_month`` (1 = January)."""

    start_month: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise ValueError("start_month must be between 1 and 12")

    # ------------------------------------------------------------ single dates
    def fiscal_year(self, date) -> int:
        """Fiscal year (named by its final calendar year) containing ``date``."""
        ts = pd.Timestamp(date)
        if self.start_month != 1 and ts.month >= self.start_month:
            return ts.year + 1
        return ts.year

    def period_number(self, date) -> int:
        """Period 1..12 of ``date`` within its fiscal year."""
        ts = pd.Timestamp(date)
        return (ts.month - self.start_month) % 12 + 1

    def period_of(self, date) -> str:
        """Period label of ``date``, e.g. ``"FY2025-P03"``."""
        return self.label(self.fiscal_year(date), self.period_number(date))

    def quarter_of(self, date) -> str:
        """Fiscal quarter label of ``date``, e.g. ``"FY2025-Q1"``."""
        return f"FY{self.fiscal_year(date)}-Q{(self.period_number(date) - 1) // 3 + 1}"

    # ------------------------------------------------------------ labels
    @staticmethod
    def label(fiscal_year: int, period: int) -> str:
        if not 1 <= period <= 12:
            raise ValueError("period must be between 1 and 12")
        return f"FY{fiscal_year:04d}-P{period:02d}"

    @staticmethod
    def parse(label: str) -> tuple[int, int]:
        """``"FY2025-P03" -> (2025, 3)``."""
        m = _LABEL.match(label)
        if m is None or not 1 <= int(m["period"]) <= 12:
            raise ValueError(f"not a period label: {label!r}")
        return int(m["year"]), int(m["period"])

    def period_start(self, label: str) -> pd.Timestamp:
        """First day of the period ``label``."""
        year, period = self.parse(label)
        month0 = self.start_month - 1 + period - 1  # months since January of start year
        start_year = year - 1 if self.start_month != 1 else year
        return pd.Timestamp(year=start_year + month0 // 12, month=month0 % 12 + 1, day=1)

    def period_end(self, label: str) -> pd.Timestamp:
        """Last day of the period ``label``."""
        return self.period_start(label) + pd.offsets.MonthEnd(0)

    def periods_between(self, start, end) -> list[str]:
        """Labels of all periods overlapping the dates ``start`` .. ``end`` (inclusive)."""
        first, last = pd.Timestamp(start), pd.Timestamp(end)
        if last < first:
            return []
        months = pd.period_range(first.to_period("M"), last.to_period("M"), freq="M")
        return [self.period_of(m.to_timestamp()) for m in months]
