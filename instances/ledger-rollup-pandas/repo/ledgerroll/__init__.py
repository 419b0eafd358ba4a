"""ledgerroll: double-entry journals, fiscal-period roll-ups and statements on pandas.

Typical use::

    chart = ChartOfAccounts.from_records(accounts)
    journal = Journal.from_records(lines, chart)
    monthly = period_rollup(journal, FiscalCalendar(start_month=7))
    print(balance_sheet(journal).render())

Amounts are integer cents throughout (see :mod:`ledgerroll.money`).
"""

from .accounts import Account, AccountType, ChartError, ChartOfAccounts
from .journal import Journal, UnbalancedEntryError
from .money import format_cents, parse_amount, to_cents
from .periods import FiscalCalendar
from .reports import Statement, balance_sheet, income_statement, monthly_income
from .rollup import cumulative_balances, period_matrix, period_rollup, trial_balance

__version__ = "1.4.0"

__all__ = [
    "Account",
    "AccountType",
    "ChartError",
    "ChartOfAccounts",
    "Journal",
    "UnbalancedEntryError",
    "format_cents",
    "parse_amount",
    "to_cents",
    "FiscalCalendar",
    "Statement",
    "balance_sheet",
    "income_statement",
    "monthly_income",
    "cumulative_balances",
    "period_matrix",
    "period_rollup",
    "trial_balance",
]
