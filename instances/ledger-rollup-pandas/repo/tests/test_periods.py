import pandas as pd
import pytest

from ledgerroll import FiscalCalendar


def test_calendar_year():
    cal = FiscalCalendar()
    assert cal.period_of("2024-01-01") == "FY2024-P01"
    assert cal.period_of(pd.Timestamp("2024-12-31 23:59")) == "FY2024-P12"
    assert cal.quarter_of("2024-05-10") == "FY2024-Q2"


def test_july_fiscal_year():
    cal = FiscalCalendar(start_month=7)
    assert cal.fiscal_year("2024-06-30") == 2024
    assert cal.fiscal_year("2024-07-01") == 2025
    assert cal.period_of("2024-07-01") == "FY2025-P01"
    assert cal.period_of("2025-02-14") == "FY2025-P08"
    assert cal.period_of("2025-06-30") == "FY2025-P12"
    assert cal.quarter_of("2024-12-01") == "FY2025-Q2"


def test_period_bounds():
    cal = FiscalCalendar(start_month=4)
    assert cal.period_start("FY2025-P01") == pd.Timestamp("2024-04-01")
    assert cal.period_start("FY2025-P10") == pd.Timestamp("2025-01-01")
    assert cal.period_end("FY2025-P11") == pd.Timestamp("2025-02-28")
    assert cal.period_end("FY2024-P11") == pd.Timestamp("2024-02-29")
    for label in ("FY2025-P01", "FY2025-P09", "FY2025-P12"):
        assert cal.period_of(cal.period_start(label)) == label
        assert cal.period_of(cal.period_end(label)) == label


def test_periods_between():
    cal = FiscalCalendar(start_month=10)
    assert cal.periods_between("2024-09-15", "2024-11-02") == [
        "FY2024-P12",
        "FY2025-P01",
        "FY2025-P02",
    ]
    assert cal.periods_between("2024-02-01", "2024-01-01") == []


def test_labels_and_validation():
    assert FiscalCalendar.label(2025, 3) == "FY2025-P03"
    assert FiscalCalendar.parse("FY2025-P03") == (2025, 3)
    for bad in ("FY2025-P13", "2025-03", "FY25-P01"):
        with pytest.raises(ValueError):
            FiscalCalendar.parse(bad)
    with pytest.raises(ValueError):
        FiscalCalendar(start_month=13)
    with pytest.raises(ValueError):
        FiscalCalendar.label(2025, 0)
