"""The general journal: double-entry postings as a validated DataFrame."""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .accounts import ChartOfAccounts
from .money import format_cents, to_cents

#: Columns of :attr:`Journal.frame`, in order.
COLUMNS = ["entry_id", "line", "posted", "account", "debit", "credit", "memo"]


class UnbalancedEntryError(ValueError):
    """A journal entry's debits and credits do not match."""


class Journal:
    """An immutable set of journal lines.

    Every line posts either a debit or a credit (in cents) to one account.
    Lines sharing an ``entry_id`` form a journal entry, which must balance
    (total debits equal total credits) and have a single posting date.

    Use :meth:`from_records` or :meth:`from_frame` to build one; the
    constructor expects an already-normalised frame.
    """

    def __init__(self, frame: pd.DataFrame, chart: ChartOfAccounts):
        self._frame = frame
        self.chart = chart

    # ------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, chart: ChartOfAccounts, check_balance: bool = True
    ) -> "Journal":
        """Normalise and validate a frame of journal lines.

        Required columns: ``entry_id``, ``posted``, ``account`` and ``debit`` /
        ``credit`` (floats in currency units, decimal strings or integer cents).
        ``line`` (numbered per entry when missing) and ``memo`` are optional.
        """
        missing = {"entry_id", "posted", "account", "debit", "credit"} - set(frame.columns)
        if missing:
            raise ValueError(f"journal is missing columns: {sorted(missing)}")
        src = frame.reset_index(drop=True)
        memo = src["memo"].fillna("") if "memo" in src.columns else pd.Series("", index=src.index)
        df = pd.DataFrame(
            {
                "entry_id": src["entry_id"].astype(str),
                "posted": pd.to_datetime(src["posted"], format="ISO8601").dt.normalize(),
                "account": src["account"].astype(str),
                "debit": to_cents(src["debit"]),
                "credit": to_cents(src["credit"]),
                "memo": memo.astype(str),
            }
        )
        if "line" in src.columns:
            df.insert(1, "line", src["line"].astype(np.int64))
        else:
            df.insert(1, "line", df.groupby("entry_id", sort=False).cumcount().astype(np.int64) + 1)
        cls._validate(df, chart, check_balance)
        df = df.sort_values(["posted", "entry_id", "line"], kind="stable").reset_index(drop=True)
        return cls(df[COLUMNS], chart)

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, object]], chart: ChartOfAccounts, **kwargs
    ) -> "Journal":
        """Build a journal from dict-like lines (see :meth:`from_frame`)."""
        frame = pd.DataFrame(list(records))
        if frame.empty:
            frame = pd.DataFrame(columns=COLUMNS)
        return cls.from_frame(frame, chart, **kwargs)

    @staticmethod
    def _validate(df: pd.DataFrame, chart: ChartOfAccounts, check_balance: bool) -> None:
        if df.empty:
            return
        if (df["debit"] < 0).any() or (df["credit"] < 0).any():
            raise ValueError("debits and credits must be non-negative")
        both = (df["debit"] > 0) & (df["credit"] > 0)
        if both.any():
            raise ValueError(f"line posts both debit and credit in entry {df.loc[both, 'entry_id'].iloc[0]}")
        unknown = sorted(set(df["account"].unique()) - set(chart.codes()))
        if unknown:
            raise KeyError(f"postings to unknown accounts: {unknown}")
        if df.duplicated(["entry_id", "line"]).any():
            raise ValueError("duplicate (entry_id, line) pairs")
        per_entry = df.groupby("entry_id", sort=True).agg(
            debit=("debit", "sum"), credit=("credit", "sum"), dates=("posted", "nunique")
        )
        if (per_entry["dates"] > 1).any():
            bad = per_entry.index[per_entry["dates"] > 1][0]
            raise ValueError(f"entry {bad} has lines on different dates")
        if check_balance:
            off = per_entry[per_entry["debit"] != per_entry["credit"]]
            if len(off):
                entry = off.index[0]
                diff = int(off["debit"].iloc[0] - off["credit"].iloc[0])
                raise UnbalancedEntryError(
                    f"entry {entry} is out of balance by {format_cents(diff)}"
                )

    # ------------------------------------------------------------ access
    @property
    def frame(self) -> pd.DataFrame:
        """The journal lines (a copy-on-write view; do not rely on mutating it)."""
        return self._frame

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        n_entries = self._frame["entry_id"].nunique()
        return f"<Journal {n_entries} entries, {len(self)} lines>"

    @property
    def first_date(self) -> pd.Timestamp | None:
        return self._frame["posted"].min() if len(self) else None

    @property
    def last_date(self) -> pd.Timestamp | None:
        return self._frame["posted"].max() if len(self) else None

    def entry(self, entry_id: str) -> pd.DataFrame:
        """The lines of one entry."""
        lines = self._frame[self._frame["entry_id"] == entry_id]
        if lines.empty:
            raise KeyError(f"no entry {entry_id!r}")
        return lines.reset_index(drop=True)

    # ------------------------------------------------------------ subsets
    def _subset(self, mask) -> "Journal":
        return Journal(self._frame[mask].reset_index(drop=True), self.chart)

    def between(self, start=None, end=None) -> "Journal":
        """Lines posted from ``start`` to ``end``, both inclusive (either may be None)."""
        mask = pd.Series(True, index=self._frame.index)
        if start is not None:
            mask &= self._frame["posted"] >= pd.Timestamp(start)
        if end is not None:
            mask &= self._frame["posted"] <= pd.Timestamp(end)
        return self._subset(mask)

    def for_accounts(self, codes: Iterable[str], include_children: bool = True) -> "Journal":
        """Lines posted to ``codes`` (and, by default, to accounts below them)."""
        wanted: set[str] = set()
        for code in codes:
            wanted.update(self.chart.descendants(code) if include_children else [self.chart[code].code])
        return self._subset(self._frame["account"].isin(sorted(wanted)))

    def totals(self) -> tuple[int, int]:
        """Total debits and credits in cents."""
        return int(self._frame["debit"].sum()), int(self._frame["credit"].sum())
