from decimal import Decimal

import pytest

from conftest import RATES, REGIONS
from salesreport import (
    CurrencyTable,
    Pipeline,
    assign_region,
    compute_totals,
    convert_currency,
    drop_statuses,
    normalise_customers,
    sort_by,
    standard_stages,
    tag_large_orders,
    within_period,
)

TAX = {"garden": "0.19", "books": "0.07", "electronics": "0.19", "apparel": "0.19", "toys": "0.19"}


def run(records, *stages):
    return Pipeline(stages).run(records)


def by_id(records):
    return {r["order_id"]: r for r in records}


def test_drop_statuses(small_orders):
    out = run(small_orders, drop_statuses("cancelled", "pending"))
    assert [r["order_id"] for r in out] == ["SO-1", "SO-2", "SO-4", "SO-5"]
    with pytest.raises(ValueError):
        drop_statuses("lost")


def test_within_period(small_orders):
    out = run(small_orders, within_period("2024-03-15", "2024-04-20"))
    assert [r["order_id"] for r in out] == ["SO-2", "SO-3", "SO-4"]
    with pytest.raises(ValueError):
        within_period("2024-02-01", "2024-01-01")


def test_normalise_customers(small_orders):
    out = by_id(run(small_orders, normalise_customers()))
    assert out["SO-1"]["customer"] == {"id": "C1", "name": "Nordwind Handel GmbH",
                                       "segment": "wholesale", "country": "DE"}
    assert out["SO-2"]["customer"]["name"] == "Atlas Supplies Inc."


def test_convert_currency(small_orders):
    table = CurrencyTable("EUR", RATES)
    out = by_id(run(small_orders, convert_currency(table)))
    assert out["SO-2"]["lines"][0]["unit_price"] == Decimal("598.8450")
    assert out["SO-2"]["currency"] == "EUR"
    assert out["SO-2"]["original_currency"] == "USD"
    assert out["SO-2"]["fx_rate"] == Decimal("0.9213")
    assert out["SO-4"]["lines"][0]["unit_price"] == Decimal("38.9361")
    assert out["SO-5"]["lines"][0]["unit_price"] == Decimal("15.4725")
    assert "original_currency" not in out["SO-1"]
    assert out["SO-1"]["lines"] == small_orders[0]["lines"]


def test_convert_unknown_currency(small_orders):
    from salesreport import UnknownCurrencyError

    with pytest.raises(UnknownCurrencyError):
        run(small_orders, convert_currency(CurrencyTable("EUR", {"USD": "0.9"})))


def test_compute_totals(small_orders):
    out = by_id(run(small_orders, convert_currency(CurrencyTable("EUR", RATES)), compute_totals(TAX)))
    so1 = out["SO-1"]
    assert (so1["units"], so1["net"], so1["tax"], so1["gross"]) == (
        3, Decimal("200.00"), Decimal("35.60"), Decimal("235.60"))
    so2 = out["SO-2"]
    assert (so2["net"], so2["tax"], so2["gross"]) == (Decimal("5988.45"), Decimal("1137.81"), Decimal("7126.26"))
    assert out["SO-4"]["net"] == Decimal("110.97")


def test_compute_totals_default_rate(small_orders):
    out = by_id(run(small_orders, compute_totals({}, default_rate="0.10")))
    assert out["SO-1"]["tax"] == Decimal("20.00")


def test_assign_region(small_orders):
    out = by_id(run(small_orders, normalise_customers(), assign_region(REGIONS)))
    assert out["SO-1"]["region"] == "DACH"
    assert out["SO-2"]["region"] == "North America"
    assert out["SO-5"]["region"] == "Rest of world"


def test_tag_large_orders(small_orders):
    stages = [convert_currency(CurrencyTable("EUR", RATES)), compute_totals(TAX)]
    out = by_id(run(small_orders, *stages, tag_large_orders("200"), tag_large_orders("200")))
    assert out["SO-1"]["tags"] == ["b2b", "large"]
    assert out["SO-2"]["tags"] == ["large"]
    assert out["SO-4"]["tags"] == ["gift"]


def test_sort_by(small_orders):
    out = run(small_orders, sort_by("channel", "date", reverse=True))
    assert [r["order_id"] for r in out] == ["SO-5", "SO-3", "SO-1", "SO-4", "SO-2"]


def test_standard_stages(small_orders):
    stages = standard_stages(CurrencyTable("EUR", RATES), TAX, REGIONS, "2024-01-01", "2024-12-31", "5000")
    out = run(small_orders, *stages)
    assert [r["order_id"] for r in out] == ["SO-1", "SO-2", "SO-4"]
    assert [r["region"] for r in out] == ["DACH", "North America", "Western Europe"]
    assert out[1]["tags"] == ["large"]
