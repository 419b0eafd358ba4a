"""Fixtures: the chart of accounts of a small trading company and its journals."""

import numpy as np
import pandas as pd
import pytest

from ledgerroll import ChartOfAccounts, Journal

CHART = [
    ("1000", "Assets", "asset", None),
    ("1100", "Cash and equivalents", "asset", "1000"),
    ("1110", "Operating account", "asset", "1100"),
    ("1120", "Savings account", "asset", "1100"),
    ("1200", "Accounts receivable", "asset", "1000"),
    ("1300", "Inventory", "asset", "1000"),
    ("1500", "Equipment", "asset", "1000"),
    ("2000", "Liabilities", "liability", None),
    ("2100", "Accounts payable", "liability", "2000"),
    ("2200", "Sales tax payable", "liability", "2000"),
    ("2300", "Payroll liabilities", "liability", "2000"),
    ("2500", "Bank loan", "liability", "2000"),
    ("3000", "Equity", "equity", None),
    ("3100", "Owner capital", "equity", "3000"),
    ("3200", "Retained earnings", "equity", "3000"),
    ("4000", "Revenue", "revenue", None),
    ("4100", "Product sales", "revenue", "4000"),
    ("4110", "Sales - retail", "revenue", "4100"),
    ("4120", "Sales - wholesale", "revenue", "4100"),
    ("4200", "Service revenue", "revenue", "4000"),
    ("5000", "Cost of sales", "expense", None),
    ("5100", "Materials", "expense", "5000"),
    ("5200", "Freight in", "expense", "5000"),
    ("6000", "Operating expenses", "expense", None),
    ("6100", "Rent", "expense", "6000"),
    ("6200", "Salaries", "expense", "6000"),
    ("6300", "Utilities", "expense", "6000"),
    ("6400", "Software subscriptions", "expense", "6000"),
    ("6500", "Travel and meals", "expense", "6000"),
    ("6510", "Travel", "expense", "6500"),
    ("6520", "Meals", "expense", "6500"),
    ("6600", "Bank fees", "expense", "6000"),
]


def build_chart():
    return ChartOfAccounts.from_records(
        dict(code=c, name=n, type=t, parent=p) for c, n, t, p in CHART
    )


def _entries(rng, start, days):
    """Yield (date offset, memo, [(account, debit, credit), ...]) for one entry."""
    kind = rng.choice(
        ["sale", "service", "receipt", "bill", "payment", "payroll", "card", "fee", "freight"],
        p=[0.22, 0.08, 0.2, 0.14, 0.12, 0.06, 0.1, 0.04, 0.04],
    )
    day = int(rng.integers(0, days))
    if kind == "sale":
        net = int(rng.integers(2_000, 250_000))
        tax = round(net * 0.08)
        sales = "4110" if rng.random() < 0.6 else "4120"
        return day, "Invoice", [("1200", net + tax, 0), (sales, 0, net), ("2200", 0, tax)]
    if kind == "service":
        amount = int(rng.integers(10_000, 400_000))
        return day, "Service invoice", [("1200", amount, 0), ("4200", 0, amount)]
    if kind == "receipt":
        amount = int(rng.integers(5_000, 450_000))
        return day, "Customer payment", [("1110", amount, 0), ("1200", 0, amount)]
    if kind == "bill":
        amount = int(rng.integers(1_000, 150_000))
        target = rng.choice(["5100", "1300", "6300", "6400"])
        return day, "Supplier bill", [(str(target), amount, 0), ("2100", 0, amount)]
    if kind == "payment":
        amount = int(rng.integers(1_000, 120_000))
        return day, "Bill payment", [("2100", amount, 0), ("1110", 0, amount)]
    if kind == "payroll":
        gross = int(rng.integers(100_000, 350_000))
        withheld = round(gross * 0.22)
        return day, "Payroll", [("6200", gross, 0), ("1110", 0, gross - withheld), ("2300", 0, withheld)]
    if kind == "card":
        travel, meals = int(rng.integers(500, 80_000)), int(rng.integers(500, 15_000))
        return day, "Card statement", [("6510", travel, 0), ("6520", meals, 0), ("1110", 0, travel + meals)]
    if kind == "fee":
        amount = int(rng.integers(100, 5_000))
        return day, "Bank fee", [("6600", amount, 0), ("1110", 0, amount)]
    amount = int(rng.integers(1_000, 30_000))
    return day, "Freight", [("5200", amount, 0), ("2100", 0, amount)]


def generate_lines(n_entries, seed=0, start="2024-07-01", days=365):
    """Journal lines of a plausible trading year, as a DataFrame (amounts in cents)."""
    rng = np.random.default_rng(seed)
    first = pd.Timestamp(start)
    rows = [
        # opening capital and a monthly rent on the first of each month
        dict(entry_id="JE-00000", posted=first, account="1110", debit=5_000_000, credit=0, memo="Capital"),
        dict(entry_id="JE-00000", posted=first, account="3100", debit=0, credit=5_000_000, memo="Capital"),
    ]
    for month in range(days // 30):
        date = first + pd.DateOffset(months=month)
        rows.append(dict(entry_id=f"RENT-{month:02d}", posted=date, account="6100", debit=450_000, credit=0, memo="Rent"))
        rows.append(dict(entry_id=f"RENT-{month:02d}", posted=date, account="1110", debit=0, credit=450_000, memo="Rent"))
    for i in range(1, n_entries + 1):
        day, memo, lines = _entries(rng, first, days)
        for account, debit, credit in lines:
            rows.append(
                dict(entry_id=f"JE-{i:05d}", posted=first + pd.Timedelta(days=day),
                     account=account, debit=debit, credit=credit, memo=memo)
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def chart():
    return build_chart()


@pytest.fixture(scope="session")
def year_journal(chart):
    """About 400 entries over the fiscal year July 2024 - June 2025."""
    return Journal.from_frame(generate_lines(400, seed=42), chart)


@pytest.fixture
def tiny_journal(chart):
    """Three hand-written entries with easy numbers."""
    return Journal.from_records(
        [
            dict(entry_id="A", posted="2024-01-15", account="1110", debit="1,000.00", credit="", memo="capital"),
            dict(entry_id="A", posted="2024-01-15", account="3100", debit="", credit="1,000.00", memo="capital"),
            dict(entry_id="B", posted="2024-01-31", account="6510", debit="120.50", credit=""),
            dict(entry_id="B", posted="2024-01-31", account="6520", debit="30.00", credit=""),
            dict(entry_id="B", posted="2024-01-31", account="1110", debit="", credit="150.50"),
            dict(entry_id="C", posted="2024-02-03", account="1200", debit="540.00", credit="", memo="invoice 17"),
            dict(entry_id="C", posted="2024-02-03", account="4110", debit="", credit="500.00", memo="invoice 17"),
            dict(entry_id="C", posted="2024-02-03", account="2200", debit="", credit="40.00", memo="invoice 17"),
        ],
        chart,
    )
