"""Loading and validating order records.

Orders arrive as JSON lines exported from the shop system, one order per
line::

    {"order_id": "SO-100231", "date": "2024-03-14", "status": "shipped",
     "channel": "web", "currency": "EUR",
     "customer": {"id": "C0042", "name": "Nordwind Handel", "segment": "wholesale", "country": "DE"},
     "lines": [{"sku": "GA-1234", "category": "garden", "qty": 3, "unit_price": "19.99",
                "discount": "0.10"}],
     "tags": ["b2b"]}

Money fields are strings in the export and become :class:`~decimal.Decimal`
here.  Records are plain dicts so that custom pipeline stages can be
written without learning a class hierarchy.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, Iterable

from .money import to_decimal

Record = dict[str, Any]

STATUSES = ("pending", "paid", "shipped", "delivered", "cancelled", "returned")
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class RecordError(ValueError):
    """A malformed order; ``lineno`` is the 1-based line in the export."""

    def __init__(self, message: str, lineno: int | None = None) -> None:
        prefix = f"line {lineno}: " if lineno is not None else ""
        super().__init__(prefix + message)
        self.lineno = lineno


def _require(obj: dict, key: str, kind: type, where: str) -> Any:
    if key not in obj:
        raise RecordError(f"{where}: missing field {key!r}")
    value = obj[key]
    if not isinstance(value, kind):
        raise RecordError(f"{where}: field {key!r} should be {kind.__name__}, got {type(value).__name__}")
    return value


def parse_order(raw: dict) -> Record:
    """Validate one decoded JSON object and convert its money fields."""
    where = str(raw.get("order_id", "<no id>"))
    order_id = _require(raw, "order_id", str, where)
    date = _require(raw, "date", str, where)
    if not _DATE.match(date):
        raise RecordError(f"{where}: invalid date {date!r}")
    status = _require(raw, "status", str, where)
    if status not in STATUSES:
        raise RecordError(f"{where}: unknown status {status!r}")
    customer = _require(raw, "customer", dict, where)
    for key in ("id", "name", "segment", "country"):
        _require(customer, key, str, where + ".customer")
    lines = _require(raw, "lines", list, where)
    if not lines:
        raise RecordError(f"{where}: order has no lines")
    parsed_lines = []
    for i, line in enumerate(lines):
        lw = f"{where}.lines[{i}]"
        if not isinstance(line, dict):
            raise RecordError(f"{lw}: not an object")
        qty = _require(line, "qty", int, lw)
        if qty <= 0:
            raise RecordError(f"{lw}: quantity must be positive")
        try:
            price = to_decimal(_require(line, "unit_price", str, lw))
            discount = to_decimal(line.get("discount", "0"))
        except ValueError as exc:
            raise RecordError(f"{lw}: {exc}") from None
        if not Decimal(0) <= discount < Decimal(1):
            raise RecordError(f"{lw}: discount must be in [0, 1)")
        parsed_lines.append({
            "sku": _require(line, "sku", str, lw),
            "category": _require(line, "category", str, lw),
            "qty": qty,
            "unit_price": price,
            "discount": discount,
        })
    return {
        "order_id": order_id,
        "date": date,
        "status": status,
        "channel": _require(raw, "channel", str, where),
        "currency": _require(raw, "currency", str, where).upper(),
        "customer": {k: customer[k] for k in ("id", "name", "segment", "country")},
        "lines": parsed_lines,
        "tags": [str(t) for t in raw.get("tags", [])],
    }


def load_orders(text: str) -> list[Record]:
    """Parse a JSON-lines export; blank lines are skipped."""
    orders = []
    seen: set[str] = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecordError(f"invalid JSON: {exc.msg}", lineno) from None
        if not isinstance(raw, dict):
            raise RecordError("expected a JSON object", lineno)
        try:
            order = parse_order(raw)
        except RecordError as exc:
            raise RecordError(str(exc), lineno) from None
        if order["order_id"] in seen:
            raise RecordError(f"duplicate order id {order['order_id']!r}", lineno)
        seen.add(order["order_id"])
        orders.append(order)
    return orders


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def dump_orders(orders: Iterable[Record]) -> str:
    """Serialise records back to JSON lines (Decimals become strings)."""
    return "".join(json.dumps(_jsonable(order), separators=(",", ":")) + "\n" for order in orders)
