import copy
import json
from decimal import Decimal

import pytest

from conftest import SMALL
from salesreport import RecordError, dump_orders, load_orders, parse_order


def test_load_small(small_orders):
    assert [o["order_id"] for o in small_orders] == ["SO-1", "SO-2", "SO-3", "SO-4", "SO-5"]
    first = small_orders[0]
    assert first["lines"][0] == {"sku": "GA-1", "category": "garden", "qty": 2,
                                 "unit_price": Decimal("100.00"), "discount": Decimal("0.10")}
    assert first["lines"][1]["discount"] == Decimal(0)
    assert first["customer"]["country"] == "de"  # normalised later by a stage, not by the loader
    assert first["tags"] == ["b2b"]


def test_blank_lines_are_skipped(small_text):
    assert len(load_orders("\n" + small_text.replace("\n", "\n\n"))) == 5


def test_round_trip(small_orders):
    again = load_orders(dump_orders(small_orders))
    assert again == small_orders


def broken(path, value):
    order = copy.deepcopy(SMALL[0])
    target = order
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return order


@pytest.mark.parametrize("order, message", [
    (broken(["date"], "2024-13-01"), "invalid date"),
    (broken(["status"], "lost"), "unknown status"),
    (broken(["customer", "country"], KeyError), "missing field 'country'"),
    (broken(["lines"], []), "no lines"),
    (broken(["lines", 0, "qty"], 0), "quantity must be positive"),
    (broken(["lines", 0, "qty"], "2"), "should be int"),
    (broken(["lines", 0, "unit_price"], "abc"), "not a number"),
    (broken(["lines", 0, "unit_price"], 12.5), "should be str"),
    (broken(["lines", 0, "discount"], "1.5"), "discount"),
    (broken(["channel"], KeyError), "missing field 'channel'"),
])
def test_validation_errors(order, message):
    with pytest.raises(RecordError, match=message):
        parse_order(order)


def test_error_line_numbers(small_text):
    text = small_text + "{not json}\n"
    with pytest.raises(RecordError) as info:
        load_orders(text)
    assert info.value.lineno == 6
    with pytest.raises(RecordError, match="line 2: expected a JSON object"):
        load_orders(small_text.splitlines()[0] + "\n[1, 2]\n")
    dup = small_text + json.dumps(SMALL[1]) + "\n"
    with pytest.raises(RecordError, match="line 6: duplicate order id 'SO-2'"):
        load_orders(dup)
    with pytest.raises(RecordError, match="line 1: SO-1: invalid date"):
        load_orders(json.dumps(broken(["date"], "2024-3-1")) + "\n")
