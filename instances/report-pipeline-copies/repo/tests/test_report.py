import copy
import csv
import io
from decimal import Decimal

from conftest import make_config
from salesreport import Pipeline, build_report, format_money, overall, sort_by


def test_small_report_summary(small_orders, config):
    report = build_report(small_orders, config)
    text = report.to_text()
    assert text.startswith("Sales report 2024-01-01 .. 2024-12-31 (EUR)\n")
    summary = report.sections[0].to_text().splitlines()
    assert summary == [
        "Summary",
        "=======",
        "Metric             Value",
        "-------------  ---------",
        "Orders                 3",
        "Customers              3",
        "Units                 16",
        "Net revenue    €6,299.42",
        "Tax            €1,194.49",
        "Gross revenue  €7,493.91",
        "Average order  €2,497.97",
    ]
    assert "Large orders (>= €5,000.00)" in text
    assert " 8. sort_by(date,order_id)" in text


def test_small_report_sections(small_orders, config):
    report = build_report(small_orders, config)
    titles = [t.title for t in report.sections]
    assert titles == ["Summary", "By month", "By region", "By country", "By channel", "By segment",
                      "By category", "Discounts granted", "Top 10 customers", "Large orders (>= €5,000.00)"]
    by_region = report.sections[2].to_text().splitlines()
    assert by_region[4] == "North America        1          1  €5,988.45  €7,126.26  95.1%  €7,126.26"
    assert report.sections[3].to_text().splitlines()[4] == (
        "US            1          1  €5,988.45  €7,126.26  95.1%  €7,126.26")
    discounts = report.sections[7].to_text().splitlines()
    assert discounts[4:6] == ["garden          €200.00     €20.00  10.0%",
                              "apparel         €116.81      €5.84   5.0%"]
    top = report.sections[8].to_text().splitlines()
    assert top[5] == "Nordwind Handel GmbH (C1)       1    €235.60"


def test_detail_csv(small_orders, config):
    report = build_report(small_orders, config)
    assert report.detail_csv().splitlines() == [
        "Order,Date,Customer,Region,Channel,Units,Net,Gross,Tags",
        "SO-1,2024-03-02,Nordwind Handel GmbH,DACH,web,3,€200.00,€235.60,b2b",
        'SO-2,2024-03-15,Atlas Supplies Inc.,North America,phone,10,"€5,988.45","€7,126.26",large',
        "SO-4,2024-04-20,River House Ltd,Western Europe,store,3,€110.97,€132.05,gift",
    ]


def test_markdown(small_orders, config):
    md = build_report(small_orders, config).to_markdown()
    assert md.startswith("# Sales report 2024-01-01 .. 2024-12-31 (EUR)\n")
    assert "| Gross revenue | €7,493.91 |" in md


def test_custom_pipeline_and_config(small_orders):
    config = make_config(start="2024-03-01", end="2025-12-31", large_order="100", top_n=2)
    report = build_report(small_orders, config)
    assert [r["order_id"] for r in report.orders] == ["SO-1", "SO-2", "SO-4", "SO-5"]
    assert [r["order_id"] for r in report.sections[-1].rows] == ["SO-2", "SO-1", "SO-4"]
    assert report.sections[8].title == "Top 2 customers"
    rev = Pipeline(report.pipeline.stages + [sort_by("order_id", reverse=True)])
    assert [r["order_id"] for r in build_report(small_orders, config, rev).orders] == ["SO-5", "SO-4", "SO-2", "SO-1"]


def test_report_does_not_modify_input(small_orders, config):
    before = copy.deepcopy(small_orders)
    build_report(small_orders, config)
    build_report(small_orders, config)
    assert small_orders == before


def test_year_report_is_consistent(year_orders):
    before = copy.deepcopy(year_orders[:50])
    report = build_report(year_orders, make_config())
    assert year_orders[:50] == before
    total = overall(report.orders)
    assert total.orders == 2698
    assert format_money(total.gross, "EUR") == "€7,725,186.85"
    assert total.gross == total.net + total.tax
    months = report.sections[1].rows
    assert [m for m, _ in months] == [f"2024-{i:02d}" for i in range(1, 13)]
    assert sum(t.gross for _, t in months) == total.gross
    assert sum(net for _, (_, net) in report.sections[6].rows) == total.net
    list_value, discounts = (sum(values) for values in zip(*(v for _, v in report.sections[7].rows)))
    assert list_value - discounts == total.net
    assert all(r["currency"] == "EUR" for r in report.orders)
    dates = [(r["date"], r["order_id"]) for r in report.orders]
    assert dates == sorted(dates)
    rows = list(csv.reader(io.StringIO(report.detail_csv())))
    assert len(rows) == 1 + total.orders
    assert rows[3] == ["SO-101707", "2024-01-01", "Oakwerk Inc.", "North America", "web", "38",
                       "€804.01", "€933.72", "gift"]
    large = [r for r in report.orders if "large" in r["tags"]]
    assert all(r["gross"] >= Decimal(5000) for r in large)
    assert len(large) == sum(1 for r in report.orders if r["gross"] >= 5000)


def test_quarter_report(year_orders):
    report = build_report(year_orders, make_config(start="2024-10-01", end="2024-12-31"))
    total = overall(report.orders)
    assert total.orders == 691
    assert format_money(total.net, "EUR") == "€1,711,296.14"
    assert {r["date"][:7] for r in report.orders} == {"2024-10", "2024-11", "2024-12"}
