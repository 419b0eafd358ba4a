import pandas as pd
import pytest

from ledgerroll import Journal, UnbalancedEntryError


def test_normalised_frame(tiny_journal):
    frame = tiny_journal.frame
    assert frame.columns.tolist() == ["entry_id", "line", "posted", "account", "debit", "credit", "memo"]
    assert len(tiny_journal) == 8
    assert frame["debit"].dtype == "int64"
    assert frame["line"].tolist() == [1, 2, 1, 2, 3, 1, 2, 3]
    assert tiny_journal.totals() == (169050, 169050)
    assert tiny_journal.first_date == pd.Timestamp("2024-01-15")
    assert tiny_journal.last_date == pd.Timestamp("2024-02-03")
    assert repr(tiny_journal) == "<Journal 3 entries, 8 lines>"


def test_entry_lookup(tiny_journal):
    lines = tiny_journal.entry("C")
    assert lines["account"].tolist() == ["1200", "4110", "2200"]
    assert lines["memo"].tolist() == ["invoice 17"] * 3
    with pytest.raises(KeyError):
        tiny_journal.entry("Z")


def test_lines_are_sorted_by_date(chart):
    j = Journal.from_records(
        [
            dict(entry_id="late", posted="2024-03-02", account="6600", debit=500, credit=0),
            dict(entry_id="late", posted="2024-03-02", account="1110", debit=0, credit=500),
            dict(entry_id="early", posted="2024-03-01 14:30", account="6600", debit=200, credit=0),
            dict(entry_id="early", posted="2024-03-01 14:30", account="1110", debit=0, credit=200),
        ],
        chart,
    )
    assert j.frame["entry_id"].tolist() == ["early", "early", "late", "late"]
    assert j.frame["posted"].iloc[0] == pd.Timestamp("2024-03-01")


def test_unbalanced_entry_is_rejected(chart):
    lines = [
        dict(entry_id="X", posted="2024-01-01", account="1110", debit=10.0, credit=0.0),
        dict(entry_id="X", posted="2024-01-01", account="4200", debit=0.0, credit=9.99),
    ]
    with pytest.raises(UnbalancedEntryError, match="0.01"):
        Journal.from_records(lines, chart)
    assert len(Journal.from_records(lines, chart, check_balance=False)) == 2


@pytest.mark.parametrize(
    "bad,error",
    [
        (dict(account="9999"), KeyError),
        (dict(debit=-5), ValueError),
        (dict(credit=5), ValueError),
        (dict(posted="2024-01-02"), ValueError),
    ],
)
def test_invalid_lines(chart, bad, error):
    lines = [
        dict(entry_id="X", posted="2024-01-01", account="1110", debit=5, credit=0),
        dict(entry_id="X", posted="2024-01-01", account="4200", debit=0, credit=5),
    ]
    lines[0].update(bad)
    with pytest.raises(error):
        Journal.from_records(lines, chart)


def test_missing_columns(chart):
    with pytest.raises(ValueError, match="missing columns"):
        Journal.from_frame(pd.DataFrame({"entry_id": ["a"], "account": ["1110"]}), chart)


def test_between_and_for_accounts(tiny_journal):
    jan = tiny_journal.between("2024-01-01", "2024-01-31")
    assert sorted(jan.frame["entry_id"].unique()) == ["A", "B"]
    assert len(tiny_journal.between(start="2024-02-01")) == 3
    travel = tiny_journal.for_accounts(["6500"])
    assert travel.frame["account"].tolist() == ["6510", "6520"]
    assert len(tiny_journal.for_accounts(["6500"], include_children=False)) == 0


def test_empty_journal(chart):
    j = Journal.from_records([], chart)
    assert len(j) == 0
    assert j.first_date is None
    assert j.totals() == (0, 0)
