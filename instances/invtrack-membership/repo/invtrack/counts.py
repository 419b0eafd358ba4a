"""Reading count sheets and catalog exports.

Both are small CSV dialects.  A count sheet has the columns
``sku,qty[,location[,counter]]``; a catalog export has
``sku,name,expected_qty[,unit_cost[,location[,discontinued]]]``.  Blank
lines and lines starting with ``#`` are ignored, and a header row is
recognised and skipped.
"""

import csv
import io

from .models import Item, StockCount
from .sku import InvalidSKU, normalize_sku

_TRUE = {"1", "y", "yes", "true", "x"}
_FALSE = {"", "0", "n", "no", "false"}


class CountSheetError(ValueError):
    """A malformed line in a count sheet or catalog export."""

    def __init__(self, line, message):
        super().__init__(f"line {line}: {message}")
        self.line = line


def _rows(text):
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    for lineno, row in enumerate(reader, start=1):
        row = [cell.strip() for cell in row]
        if not row or not any(row) or row[0].startswith("#"):
            continue
        if lineno == 1 and row[0].lower() == "sku":
            continue
        yield lineno, row


def _parse_int(value, what, lineno):
    try:
        number = int(value.replace(",", "").replace("_", ""))
    except ValueError:
        raise CountSheetError(lineno, f"{what} {value!r} is not a whole number") from None
    if number < 0:
        raise CountSheetError(lineno, f"{what} cannot be negative")
    return number


def _parse_cents(value, lineno):
    """Parse a price such as ``12.5`` or ``3`` into cents."""
    if not value:
        return 0
    units, dot, fraction = value.partition(".")
    if not units.isdigit() or (dot and not fraction.isdigit()) or len(fraction) > 2:
        raise CountSheetError(lineno, f"unit cost {value!r} is not a price")
    return int(units) * 100 + int(fraction.ljust(2, "0") or 0)


def _parse_flag(value, lineno):
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise CountSheetError(lineno, f"{value!r} is not a yes/no flag")


def parse_counts(text, *, default_location="", strict=True):
    """Parse a count sheet and return a list of :class:`StockCount`.

    With ``strict=False`` lines with an unreadable SKU are skipped instead
    of raising :class:`CountSheetError`.
    """
    counts = []
    for lineno, row in _rows(text):
        if len(row) < 2:
            raise CountSheetError(lineno, "expected at least sku and qty")
        try:
            sku = normalize_sku(row[0])
        except InvalidSKU as exc:
            if strict:
                raise CountSheetError(lineno, exc.reason) from None
            continue
        qty = _parse_int(row[1], "quantity", lineno)
        location = row[2] if len(row) > 2 and row[2] else default_location
        counter = row[3] if len(row) > 3 else ""
        counts.append(StockCount(sku, qty, location, counter, lineno))
    return counts


def parse_catalog(text):
    """Parse a catalog export and return a list of :class:`Item`."""
    items = []
    for lineno, row in _rows(text):
        if len(row) < 3:
            raise CountSheetError(lineno, "expected at least sku, name and expected_qty")
        try:
            sku = normalize_sku(row[0])
        except InvalidSKU as exc:
            raise CountSheetError(lineno, exc.reason) from None
        expected = _parse_int(row[2], "expected quantity", lineno)
        cost = _parse_cents(row[3], lineno) if len(row) > 3 else 0
        location = row[4] if len(row) > 4 else ""
        discontinued = _parse_flag(row[5], lineno) if len(row) > 5 else False
        items.append(Item(sku, row[1], expected, cost, location, discontinued))
    return items
