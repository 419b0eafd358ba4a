"""Month-end workloads on the journal of a busy year (about 3,000 lines)."""

import pytest

from ledgerroll import FiscalCalendar, Journal, trial_balance, period_rollup

from conftest import generate_lines


@pytest.fixture(scope="module")
def busy_journal(chart):
    return Journal.from_frame(generate_lines(1300, seed=2025), chart)


def test_monthly_rollup_busy_year(busy_journal):
    rollup = period_rollup(busy_journal, FiscalCalendar(start_month=7))
    assert sorted(rollup["period"].unique()) == [f"FY2025-P{p:02d}" for p in range(1, 13)]
    top = rollup[rollup["level"] == 0].groupby("period")["net"].sum()
    assert (top == 0).all()
    assert rollup["debit"].sum() > 0


def test_trial_balance_busy_year(busy_journal):
    tb = trial_balance(busy_journal, as_of="2025-06-30")
    assert tb.loc[tb["level"] == 0, "net"].sum() == 0
    debits, credits = busy_journal.totals()
    leaves = tb[tb["account"].map(busy_journal.chart.is_leaf)]
    assert leaves["debit"].sum() == debits
    assert leaves["credit"].sum() == credits
