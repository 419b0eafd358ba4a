import pandas as pd

from ledgerroll import FiscalCalendar, balance_sheet, income_statement, monthly_income


def test_income_statement_tiny(tiny_journal):
    st = income_statement(tiny_journal, "2024-01-01", "2024-12-31")
    assert st.totals == {"Total revenue": 50000, "Total expenses": 15050, "Net income": 34950}
    assert st.sections["Revenue"]["account"].tolist() == ["4000", "4100"]
    assert st.sections["Expenses"]["account"].tolist() == ["6000", "6500"]
    text = st.render()
    assert text.splitlines()[0] == "Income statement 2024-01-01 to 2024-12-31"
    assert "Net income" in text and "349.50" in text


def test_income_statement_deeper_levels(tiny_journal):
    st = income_statement(tiny_journal, "2024-01-01", "2024-01-31", max_level=2)
    assert st.sections["Expenses"]["account"].tolist() == ["6000", "6500", "6510", "6520"]
    assert st.totals["Total revenue"] == 0


def test_balance_sheet_tiny(tiny_journal):
    bs = balance_sheet(tiny_journal)
    assert bs.totals == {
        "Total assets": 138950,
        "Total liabilities": 4000,
        "Current earnings": 34950,
        "Total equity": 134950,
    }
    assert bs.title == "Balance sheet at 2024-02-03"
    assert "(" not in bs.render().split("Total assets")[0]


def test_year_statements_agree(year_journal):
    cal = FiscalCalendar(start_month=7)
    bs = balance_sheet(year_journal, as_of="2025-06-30")
    assert bs.totals["Total assets"] == bs.totals["Total liabilities"] + bs.totals["Total equity"]
    income = income_statement(year_journal, "2024-07-01", "2025-06-30", cal)
    assert income.totals["Net income"] == bs.totals["Current earnings"]
    monthly = monthly_income(year_journal, cal)
    assert len(monthly) == 12
    assert monthly["net_income"].sum() == income.totals["Net income"]
    assert (monthly["revenue"] > 0).all()


def test_half_year_balance_sheet(year_journal):
    bs = balance_sheet(year_journal, as_of=pd.Timestamp("2024-12-31"))
    assert bs.title == "Balance sheet at 2024-12-31"
    assert bs.totals["Total assets"] == bs.totals["Total liabilities"] + bs.totals["Total equity"]
