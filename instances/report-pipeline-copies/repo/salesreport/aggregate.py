"""Aggregations over enriched order records (after ``compute_totals``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Hashable, Iterable

from .money import ZERO, round_money
from .records import Record


@dataclass
class Totals:
    """Running totals of a group of orders."""

    orders: int = 0
    units: int = 0
    net: Decimal = ZERO
    tax: Decimal = ZERO
    gross: Decimal = ZERO
    customers: set = field(default_factory=set)

    def add(self, record: Record) -> None:
        self.orders += 1
        self.units += record["units"]
        self.net += record["net"]
        self.tax += record["tax"]
        self.gross += record["gross"]
        self.customers.add(record["customer"]["id"])

    @property
    def average_order(self) -> Decimal | None:
        """Average gross order value."""
        return self.gross / self.orders if self.orders else None


def month_of(record: Record) -> str:
    """``"2024-03-14"`` -> ``"2024-03"``."""
    return record["date"][:7]


def group_totals(records: Iterable[Record], key: Callable[[Record], Hashable]) -> dict[Hashable, Totals]:
    """Totals per ``key(record)``, groups in order of first appearance."""
    groups: dict[Hashable, Totals] = {}
    for record in records:
        k = key(record)
        totals = groups.get(k)
        if totals is None:
            totals = groups[k] = Totals()
        totals.add(record)
    return groups


def overall(records: Iterable[Record]) -> Totals:
    totals = Totals()
    for record in records:
        totals.add(record)
    return totals


def category_net(records: Iterable[Record]) -> dict[str, tuple[int, Decimal]]:
    """Units and net revenue per product category (line level, before tax).

    Line nets are recomputed like ``compute_totals`` does, so the category
    figures add up to the order nets.
    """
    one = Decimal(1)
    result: dict[str, tuple[int, Decimal]] = {}
    for record in records:
        for line in record["lines"]:
            net = round_money(line["unit_price"] * line["qty"] * (one - line["discount"]))
            units, total = result.get(line["category"], (0, ZERO))
            result[line["category"]] = (units + line["qty"], total + net)
    return dict(sorted(result.items(), key=lambda item: (-item[1][1], item[0])))


def discounts_by_category(records: Iterable[Record]) -> dict[str, tuple[Decimal, Decimal]]:
    """List value and discount granted per category: ``{category: (list_value, discount)}``.

    The list value is ``qty * unit_price`` rounded to cents; the discount is
    the difference to the discounted line net.  Categories with the largest
    discount come first.
    """
    one = Decimal(1)
    result: dict[str, tuple[Decimal, Decimal]] = {}
    for record in records:
        for line in record["lines"]:
            gross_line = line["unit_price"] * line["qty"]
            list_value = round_money(gross_line)
            discount = list_value - round_money(gross_line * (one - line["discount"]))
            total, granted = result.get(line["category"], (ZERO, ZERO))
            result[line["category"]] = (total + list_value, granted + discount)
    return dict(sorted(result.items(), key=lambda item: (-item[1][1], item[0])))


def top_customers(records: Iterable[Record], n: int = 10) -> list[tuple[str, str, int, Decimal]]:
    """The ``n`` customers with the highest gross revenue: ``(id, name, orders, gross)``."""
    by_customer: dict[str, list] = {}
    for record in records:
        cust = record["customer"]
        entry = by_customer.setdefault(cust["id"], [cust["name"], 0, ZERO])
        entry[1] += 1
        entry[2] += record["gross"]
    ranked = sorted(by_customer.items(), key=lambda item: (-item[1][2], item[0]))
    return [(cid, name, orders, gross) for cid, (name, orders, gross) in ranked[:n]]


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part / whole`` or ``None`` when ``whole`` is zero."""
    return part / whole if whole else None
