"""Financial statements built on the roll-ups."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .journal import Journal
from .money import format_cents
from .periods import FiscalCalendar
from .rollup import period_rollup, trial_balance


@dataclass(frozen=True)
class Statement:
    """A financial statement: titled sections of account lines plus totals (cents)."""

    title: str
    sections: dict[str, pd.DataFrame]
    totals: dict[str, int] = field(default_factory=dict)

    def render(self) -> str:
        """Plain-text rendering, amounts right-aligned, negatives in parentheses."""
        width = 44
        out = [self.title, "=" * (width + 16)]
        for section, lines in self.sections.items():
            out.append(section)
            for row in lines.itertuples(index=False):
                label = "  " * (int(row.level) + 1) + f"{row.account} {row.name}"
                out.append(f"{label:<{width}}{format_cents(row.balance, parens=True):>16}")
        out.append("-" * (width + 16))
        for name, amount in self.totals.items():
            out.append(f"{name:<{width}}{format_cents(amount, parens=True):>16}")
        return "\n".join(out)


def _lines(frame: pd.DataFrame, account_type: str, max_level: int) -> pd.DataFrame:
    rows = frame[(frame["type"] == account_type) & (frame["level"] <= max_level)]
    return rows[["account", "name", "level", "balance"]].reset_index(drop=True)


def _top_total(frame: pd.DataFrame, account_type: str) -> int:
    rows = frame[(frame["type"] == account_type) & (frame["level"] == 0)]
    return int(rows["balance"].sum())


def income_statement(
    journal: Journal,
    start,
    end,
    calendar: FiscalCalendar | None = None,
    max_level: int = 1,
) -> Statement:
    """Revenue, expenses and net income for postings from ``start`` to ``end``.

    Accounts deeper than ``max_level`` are folded into their parents.  The
    per-period detail is in :func:`monthly_income`.
    """
    rollup = period_rollup(journal.between(start, end), calendar)
    totals = rollup.groupby(["account", "name", "type", "level"], as_index=False)[
        "balance"
    ].sum()
    revenue = _top_total(totals, "revenue")
    expenses = _top_total(totals, "expense")
    title = f"Income statement {pd.Timestamp(start):%Y-%m-%d} to {pd.Timestamp(end):%Y-%m-%d}"
    return Statement(
        title,
        {
            "Revenue": _lines(totals, "revenue", max_level),
            "Expenses": _lines(totals, "expense", max_level),
        },
        {"Total revenue": revenue, "Total expenses": expenses, "Net income": revenue - expenses},
    )


def monthly_income(journal: Journal, calendar: FiscalCalendar | None = None) -> pd.DataFrame:
    """Revenue, expenses and net income per fiscal period (cents), indexed by period."""
    rollup = period_rollup(journal, calendar)
    top = rollup[(rollup["level"] == 0) & rollup["type"].isin(["revenue", "expense"])]
    by_type = top.pivot_table(
        index="period", columns="type", values="balance", aggfunc="sum", fill_value=0
    )
    by_type = by_type.reindex(columns=["revenue", "expense"], fill_value=0)
    by_type.columns.name = None
    by_type["net_income"] = by_type["revenue"] - by_type["expense"]
    return by_type.astype("int64")


def balance_sheet(journal: Journal, as_of=None, max_level: int = 1) -> Statement:
    """Assets, liabilities and equity at ``as_of`` (end of the journal by default).

    Income-statement accounts are not closed in the journal, so their net is
    shown as *current earnings* inside equity; the statement always satisfies
    ``assets == liabilities + equity``.
    """
    tb = trial_balance(journal, as_of)
    assets = _top_total(tb, "asset")
    liabilities = _top_total(tb, "liability")
    equity = _top_total(tb, "equity")
    earnings = _top_total(tb, "revenue") - _top_total(tb, "expense")
    if assets != liabilities + equity + earnings:
        raise AssertionError("balance sheet does not balance: journal is inconsistent")
    when = pd.Timestamp(as_of) if as_of is not None else journal.last_date
    title = "Balance sheet" + (f" at {when:%Y-%m-%d}" if when is not None else "")
    return Statement(
        title,
        {
            "Assets": _lines(tb, "asset", max_level),
            "Liabilities": _lines(tb, "liability", max_level),
            "Equity": _lines(tb, "equity", max_level),
        },
        {
            "Total assets": assets,
            "Total liabilities": liabilities,
            "Current earnings": earnings,
            "Total equity": equity + earnings,
        },
    )
