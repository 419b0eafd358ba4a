"""Roll journal activity up by fiscal period and through the account hierarchy.

The roll-up frames produced here have one row per (period, account) with any
activity, where a parent account's row includes the activity of every account
below it.  Amounts are integer cents:

``debit`` / ``credit``
    total debits and credits posted,
``net``
    ``debit - credit``,
``balance``
    ``net`` in the account's natural sign: positive for a normal balance
    (debit balance of an asset or expense, credit balance of a liability,
    equity or revenue account).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .accounts import AccountType, ChartOfAccounts
from .journal import Journal
from .periods import FiscalCalendar

ROLLUP_COLUMNS = ["period", "account", "name", "type", "level", "debit", "credit", "net", "balance"]
_SIGNS = {t.value: t.normal_sign for t in AccountType}


def _activity(
    journal: Journal, calendar: FiscalCalendar | None, include_parents: bool
) -> pd.DataFrame:
    """Debit and credit totals per (period, account), sorted by period then account.

    Without a calendar every line falls into the single period ``""``.
    """
    chart = journal.chart
    totals: dict[tuple[str, str], list[int]] = {}
    for _, line in journal.frame.iterrows():
        period = calendar.period_of(line["posted"]) if calendar is not None else ""
        targets = chart.ancestors(line["account"]) if include_parents else [line["account"]]
        for code in targets:
            acc = totals.setdefault((period, code), [0, 0])
            acc[0] += int(line["debit"])
            acc[1] += int(line["credit"])
    keys = sorted(totals)
    return pd.DataFrame(
        {
            "period": [period for period, _ in keys],
            "account": [code for _, code in keys],
            "debit": np.array([totals[k][0] for k in keys], dtype=np.int64),
            "credit": np.array([totals[k][1] for k in keys], dtype=np.int64),
        }
    )


def _decorate(activity: pd.DataFrame, chart: ChartOfAccounts) -> pd.DataFrame:
    """Add account names, types, levels, net and signed balance to an activity frame."""
    info = chart.to_frame().set_index("code")
    out = activity.astype({"period": str, "account": str, "debit": np.int64, "credit": np.int64})
    out["name"] = out["account"].map(info["name"]).astype(str)
    out["type"] = out["account"].map(info["type"]).astype(str)
    out["level"] = out["account"].map(info["level"]).astype(np.int64)
    out["net"] = out["debit"] - out["credit"]
    out["balance"] = out["net"] * out["type"].map(_SIGNS).astype(np.int64)
    return out[ROLLUP_COLUMNS].reset_index(drop=True)


def period_rollup(
    journal: Journal,
    calendar: FiscalCalendar | None = None,
    include_parents: bool = True,
) -> pd.DataFrame:
    """Activity per fiscal period and account.

    Parameters
    ----------
    journal:
        The postings to summarise; use :meth:`Journal.between` to restrict dates.
    calendar:
        Fiscal calendar assigning posting dates to periods (calendar months
        by default).
    include_parents:
        Also report every ancestor account, with the activity of its subtree.
    """
    calendar = calendar or FiscalCalendar()
    return _decorate(_activity(journal, calendar, include_parents), journal.chart)


def trial_balance(
    journal: Journal, as_of=None, include_parents: bool = True
) -> pd.DataFrame:
    """Cumulative balances of all accounts with activity up to ``as_of`` (inclusive).

    Same columns as :func:`period_rollup` without ``period``.  At any date the
    ``net`` column of the top-level accounts sums to zero.
    """
    if as_of is not None:
        journal = journal.between(end=as_of)
    frame = _decorate(_activity(journal, None, include_parents), journal.chart)
    return frame.drop(columns="period")


def period_matrix(
    rollup: pd.DataFrame, value: str = "balance", max_level: int | None = None
) -> pd.DataFrame:
    """Pivot a :func:`period_rollup` frame into accounts x periods.

    Missing combinations are 0.  ``max_level`` keeps only accounts at most that
    deep (0 = top-level accounts only).
    """
    if value not in ("debit", "credit", "net", "balance"):
        raise ValueError(f"cannot pivot on {value!r}")
    frame = rollup if max_level is None else rollup[rollup["level"] <= max_level]
    matrix = frame.pivot_table(
        index="account", columns="period", values=value, aggfunc="sum", fill_value=0
    )
    matrix.columns.name = None
    return matrix.astype(np.int64)


def cumulative_balances(rollup: pd.DataFrame, opening: pd.Series | None = None) -> pd.DataFrame:
    """Closing balance of each account at the end of each period of ``rollup``.

    ``opening`` (balances by account before the first period, e.g. from
    :func:`trial_balance`) is added to every period.
    """
    matrix = period_matrix(rollup, "balance").cumsum(axis=1)
    if opening is not None:
        opening = opening.reindex(matrix.index.union(opening.index), fill_value=0)
        matrix = matrix.reindex(opening.index, fill_value=0).add(opening, axis=0)
    return matrix.astype(np.int64)
