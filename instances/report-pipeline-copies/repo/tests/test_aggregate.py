from decimal import Decimal

import pytest

from salesreport import (
    Pipeline,
    category_net,
    discounts_by_category,
    compute_totals,
    group_totals,
    month_of,
    overall,
    share,
    top_customers,
)


@pytest.fixture
def totals_orders(small_orders):
    return Pipeline([compute_totals({}, default_rate="0.10")]).run(small_orders)


def test_month_of(small_orders):
    assert month_of(small_orders[0]) == "2024-03"


def test_group_totals(totals_orders):
    groups = group_totals(totals_orders, month_of)
    assert list(groups) == ["2024-03", "2024-04", "2025-01"]
    march = groups["2024-03"]
    assert march.orders == 2 and march.units == 13
    assert march.net == Decimal("200.00") + Decimal("6500.00")
    assert march.customers == {"C1", "C2"}
    assert march.average_order == march.gross / 2


def test_overall(totals_orders):
    total = overall(totals_orders)
    assert total.orders == 5
    assert total.gross == total.net + total.tax
    assert overall([]).average_order is None


def test_category_net(totals_orders):
    cats = category_net(totals_orders)
    # no currency conversion here: 4 x 2500 JPY counts as 10,000
    assert list(cats) == ["toys", "electronics", "garden", "apparel", "books"]
    assert cats["apparel"] == (3, Decimal("94.99"))
    assert cats["garden"] == (3, Decimal("280.00"))
    assert sum(v[1] for v in cats.values()) == overall(totals_orders).net


def test_discounts_by_category(totals_orders):
    discounts = discounts_by_category(totals_orders)
    assert list(discounts)[:2] == ["garden", "apparel"]
    assert discounts["garden"] == (Decimal("300.00"), Decimal("20.00"))
    assert discounts["apparel"] == (Decimal("99.99"), Decimal("5.00"))
    assert discounts["toys"] == (Decimal("10000"), Decimal("0"))


def test_top_customers(totals_orders):
    top = top_customers(totals_orders, 2)
    assert [(cid, orders) for cid, _, orders, _ in top] == [("C4", 1), ("C2", 1)]
    assert top[1][1] == "Atlas Supplies Inc." and top[1][3] == Decimal("7150.00")
    assert len(top_customers(totals_orders)) == 4


def test_share():
    assert share(Decimal(1), Decimal(4)) == Decimal("0.25")
    assert share(Decimal(1), Decimal(0)) is None
