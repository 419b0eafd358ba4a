import numpy as np
import pandas as pd
import pytest

from ledgerroll import FiscalCalendar, Journal, cumulative_balances, period_matrix, period_rollup, trial_balance
from ledgerroll.rollup import ROLLUP_COLUMNS


def rows(frame, *columns):
    return [tuple(r) for r in frame[list(columns)].itertuples(index=False)]


def test_tiny_rollup_exact(tiny_journal):
    r = period_rollup(tiny_journal)
    assert r.columns.tolist() == ROLLUP_COLUMNS
    assert rows(r, "period", "account", "debit", "credit", "balance") == [
        ("FY2024-P01", "1000", 100000, 15050, 84950),
        ("FY2024-P01", "1100", 100000, 15050, 84950),
        ("FY2024-P01", "1110", 100000, 15050, 84950),
        ("FY2024-P01", "3000", 0, 100000, 100000),
        ("FY2024-P01", "3100", 0, 100000, 100000),
        ("FY2024-P01", "6000", 15050, 0, 15050),
        ("FY2024-P01", "6500", 15050, 0, 15050),
        ("FY2024-P01", "6510", 12050, 0, 12050),
        ("FY2024-P01", "6520", 3000, 0, 3000),
        ("FY2024-P02", "1000", 54000, 0, 54000),
        ("FY2024-P02", "1200", 54000, 0, 54000),
        ("FY2024-P02", "2000", 0, 4000, 4000),
        ("FY2024-P02", "2200", 0, 4000, 4000),
        ("FY2024-P02", "4000", 0, 50000, 50000),
        ("FY2024-P02", "4100", 0, 50000, 50000),
        ("FY2024-P02", "4110", 0, 50000, 50000),
    ]
    first = r.iloc[0]
    assert (first["name"], first["type"], first["level"]) == ("Assets", "asset", 0)
    assert r.loc[r["account"] == "2200", "net"].item() == -4000


def test_rollup_without_parents(tiny_journal):
    r = period_rollup(tiny_journal, include_parents=False)
    assert set(r["account"]) == {"1110", "3100", "6510", "6520", "1200", "2200", "4110"}
    assert (r["level"] > 0).all()


def test_rollup_dtypes(tiny_journal):
    r = period_rollup(tiny_journal, FiscalCalendar(start_month=2))
    for col in ("level", "debit", "credit", "net", "balance"):
        assert r[col].dtype == np.int64
    assert r["period"].unique().tolist() == ["FY2024-P12", "FY2025-P01"]


def test_trial_balance_tiny(tiny_journal):
    tb = trial_balance(tiny_journal)
    assert "period" not in tb.columns
    assert tb["account"].tolist() == sorted(tb["account"])
    assert tb.loc[tb["level"] == 0, "net"].sum() == 0
    tb_jan = trial_balance(tiny_journal, as_of="2024-01-31")
    assert "4000" not in set(tb_jan["account"])
    assert tb_jan.loc[tb_jan["account"] == "1110", "balance"].item() == 84950


def test_empty_rollup(chart):
    j = Journal.from_records([], chart)
    r = period_rollup(j)
    assert r.columns.tolist() == ROLLUP_COLUMNS
    assert len(r) == 0
    assert r["balance"].dtype == np.int64
    assert len(trial_balance(j)) == 0


def test_year_rollup_matches_line_totals(year_journal):
    cal = FiscalCalendar(start_month=7)
    r = period_rollup(year_journal, cal, include_parents=False)
    lines = year_journal.frame.assign(
        period=[cal.period_of(d) for d in year_journal.frame["posted"]]
    )
    expected = lines.groupby(["period", "account"])[["debit", "credit"]].sum()
    got = r.set_index(["period", "account"])[["debit", "credit"]]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_index_type=False)
    assert len(r["period"].unique()) == 12


def test_year_rollup_parents_sum_children(year_journal, chart):
    cal = FiscalCalendar(start_month=7)
    r = period_rollup(year_journal, cal)
    leaves = period_rollup(year_journal, cal, include_parents=False)
    expected = {}
    for period, account, net in rows(leaves, "period", "account", "net"):
        for code in chart.ancestors(account):
            expected[period, code] = expected.get((period, code), 0) + net
    assert dict(zip(zip(r["period"], r["account"]), r["net"])) == expected
    # double entry: every period's top-level accounts net to zero
    top = r[r["level"] == 0].groupby("period")["net"].sum()
    assert (top == 0).all()


def test_periods_sum_to_trial_balance(year_journal):
    r = period_rollup(year_journal, FiscalCalendar(start_month=7))
    tb = trial_balance(year_journal).set_index("account")
    summed = r.groupby("account")[["debit", "credit", "balance"]].sum()
    pd.testing.assert_frame_equal(summed, tb[["debit", "credit", "balance"]], check_index_type=False)


def test_trial_balance_as_of(year_journal):
    cutoff = pd.Timestamp("2024-12-31")
    tb = trial_balance(year_journal, as_of=cutoff)
    early = year_journal.frame[year_journal.frame["posted"] <= cutoff]
    assert tb.loc[tb["account"] == "1000", "debit"].item() == early.loc[
        early["account"].str.startswith("1"), "debit"
    ].sum()


def test_period_matrix_and_cumulative(tiny_journal):
    r = period_rollup(tiny_journal)
    m = period_matrix(r, "balance", max_level=0)
    assert m.columns.tolist() == ["FY2024-P01", "FY2024-P02"]
    assert m.loc["1000"].tolist() == [84950, 54000]
    assert m.loc["2000"].tolist() == [0, 4000]
    c = cumulative_balances(r)
    assert c.loc["1110"].tolist() == [84950, 84950]
    assert c.loc["1000"].tolist() == [84950, 138950]
    opening = pd.Series({"1000": 1000, "3200": 1000})
    c2 = cumulative_balances(r, opening)
    assert c2.loc["1000"].tolist() == [85950, 139950]
    assert c2.loc["3200"].tolist() == [1000, 1000]
    with pytest.raises(ValueError):
        period_matrix(r, "name")
