"""End-to-end report build on a year of orders (about 3,000 orders)."""

from conftest import make_config
from salesreport import build_report


def test_year_report_text_and_export(year_orders):
    report = build_report(year_orders, make_config())
    text = report.to_text()
    export = report.detail_csv()
    assert "Gross revenue  €7,725,186.85" in text
    assert "Customers                450" in text
    assert export.count("\n") == 1 + len(report.orders) == 2699
