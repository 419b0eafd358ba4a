"""Built-in pipeline stages.

Every function here is a factory: it takes the stage's configuration and
returns the stage callable (``list[Record] -> list[Record]``), named via a
``stage_name`` attribute for the pipeline statistics.

The pipeline runs on its own copy of the caller's records, so the
enrichment stages below simply update the records they receive in place.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Iterable, Mapping

from .money import ZERO, CurrencyTable, round_money, to_decimal
from .records import STATUSES, Record

Stage = Callable[[list[Record]], list[Record]]


def _named(name: str, fn: Stage) -> Stage:
    fn.stage_name = name  # type: ignore[attr-defined]
    return fn


def drop_statuses(*statuses: str) -> Stage:
    """Remove orders whose status is one of ``statuses``."""
    unknown = set(statuses) - set(STATUSES)
    if unknown:
        raise ValueError(f"unknown statuses: {sorted(unknown)}")
    excluded = frozenset(statuses)

    def stage(records: list[Record]) -> list[Record]:
        return [r for r in records if r["status"] not in excluded]

    return _named(f"drop_statuses({','.join(statuses)})", stage)


def within_period(start: str, end: str) -> Stage:
    """Keep orders dated between ``start`` and ``end`` (ISO dates, inclusive)."""
    if end < start:
        raise ValueError(f"empty period {start}..{end}")

    def stage(records: list[Record]) -> list[Record]:
        return [r for r in records if start <= r["date"] <= end]

    return _named(f"within_period({start}..{end})", stage)


def normalise_customers() -> Stage:
    """Collapse whitespace in customer names and upper-case country codes."""

    def stage(records: list[Record]) -> list[Record]:
        for record in records:
            customer = record["customer"]
            name = " ".join(customer["name"].split())
            country = customer["country"].strip().upper()
            if name != customer["name"] or country != customer["country"]:
                customer["name"] = name
                customer["country"] = country
        return records

    return _named("normalise_customers", stage)


def convert_currency(table: CurrencyTable) -> Stage:
    """Express unit prices in the table's base currency.

    Unit prices keep four decimals so that line totals computed later are
    not distorted; the original currency and the rate used are recorded.
    """

    def stage(records: list[Record]) -> list[Record]:
        for record in records:
            currency = record["currency"]
            if currency == table.base:
                continue
            rate = table.rate(currency)
            for line in record["lines"]:
                line["unit_price"] = round_money(line["unit_price"] * rate, 4)
            record["currency"] = table.base
            record["original_currency"] = currency
            record["fx_rate"] = rate
        return records

    return _named(f"convert_currency({table.base})", stage)


def compute_totals(tax_rates: Mapping[str, object], default_rate: object = "0.19") -> Stage:
    """Add ``units``, ``net``, ``tax`` and ``gross`` to every order.

    Line nets are rounded to cents before summing, and tax is computed per
    line with the rate of the line's category, as on the invoices.
    """
    rates = {category: to_decimal(rate) for category, rate in tax_rates.items()}
    default = to_decimal(default_rate)
    one = Decimal(1)

    def stage(records: list[Record]) -> list[Record]:
        for record in records:
            units = 0
            net = tax = ZERO
            for line in record["lines"]:
                line_net = round_money(line["unit_price"] * line["qty"] * (one - line["discount"]))
                units += line["qty"]
                net += line_net
                tax += round_money(line_net * rates.get(line["category"], default))
            record["units"] = units
            record["net"] = net
            record["tax"] = tax
            record["gross"] = net + tax
        return records

    return _named("compute_totals", stage)


def assign_region(regions: Mapping[str, str], default: str = "Rest of world") -> Stage:
    """Add a ``region`` field from the customer's country code."""

    def stage(records: list[Record]) -> list[Record]:
        for record in records:
            record["region"] = regions.get(record["customer"]["country"], default)
        return records

    return _named("assign_region", stage)


def tag_large_orders(threshold: object, tag: str = "large") -> Stage:
    """Tag orders whose ``gross`` total reaches ``threshold``."""
    limit = to_decimal(threshold)

    def stage(records: list[Record]) -> list[Record]:
        for record in records:
            if record["gross"] >= limit and tag not in record["tags"]:
                record["tags"].append(tag)
        return records

    return _named(f"tag_large_orders({limit})", stage)


def sort_by(*keys: str, reverse: bool = False) -> Stage:
    """Sort records by the given top-level fields."""

    def stage(records: list[Record]) -> list[Record]:
        return sorted(records, key=lambda r: tuple(r[k] for k in keys), reverse=reverse)

    return _named(f"sort_by({','.join(keys)})", stage)


def standard_stages(table: CurrencyTable, tax_rates: Mapping[str, object], regions: Mapping[str, str],
                    start: str, end: str, large_order: object,
                    exclude: Iterable[str] = ("cancelled", "returned")) -> list[Stage]:
    """The stages of the standard sales report, in order."""
    return [
        drop_statuses(*exclude),
        within_period(start, end),
        normalise_customers(),
        convert_currency(table),
        compute_totals(tax_rates),
        assign_region(regions),
        tag_large_orders(large_order),
        sort_by("date", "order_id"),
    ]
