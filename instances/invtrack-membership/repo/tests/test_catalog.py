import pytest

from invtrack import Catalog, Item, make_sku
from invtrack.catalog import DuplicateItem

A = make_sku("HWD", 1)
B = make_sku("HWD", 2)
C = make_sku("ELC", 10)


@pytest.fixture
def catalog():
    return Catalog(
        [
            Item(A, "Hex bolt M6", 100, 35, "A-01"),
            Item(C.lower(), "Relay 12V", 5, 700, "E-03"),
            Item(B, "Hex bolt M8", 80, 50, "A-01"),
        ]
    )


def test_items_are_normalised_and_ordered(catalog):
    assert catalog.skus() == [A, C, B]
    assert catalog[C.lower()].sku == C
    assert len(catalog) == 3


def test_lookup(catalog):
    assert A in catalog
    assert " " + A.lower() in catalog
    assert "garbage" not in catalog
    assert catalog.get("garbage", "nope") == "nope"
    assert catalog.get(make_sku("HWD", 3)) is None


def test_duplicate_rejected(catalog):
    with pytest.raises(DuplicateItem):
        catalog.add(Item(A.lower(), "again", 1))


def test_remove(catalog):
    removed = catalog.remove(C)
    assert removed.name == "Relay 12V"
    assert catalog.skus() == [A, B]


def test_queries(catalog):
    assert catalog.categories() == ["ELC", "HWD"]
    assert [i.sku for i in catalog.by_location("A-01")] == [A, B]
    assert catalog.total_value() == 100 * 35 + 5 * 700 + 80 * 50


def test_item_validation():
    with pytest.raises(ValueError):
        Item(A, "x", -1)
    with pytest.raises(ValueError):
        Item(A, "x", 1, unit_cost=-5)
