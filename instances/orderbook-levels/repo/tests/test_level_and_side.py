import random

import pytest

from lobook import BookSide, Order, PriceLevel, Side


def order(oid, price, qty=100, side=Side.BUY):
    return Order(oid, side, price, qty)


def test_level_is_fifo_and_tracks_quantity():
    level = PriceLevel(100)
    for oid, qty in [(1, 100), (2, 300), (3, 50)]:
        level.append(order(oid, 100, qty))
    assert level.qty == 450 and len(level) == 3
    assert level.front().order_id == 1
    level.remove(1)
    assert level.front().order_id == 2
    level.reduce(2, 100)
    assert level.qty == 250
    assert [o.order_id for o in level] == [2, 3]
    assert 3 in level and 1 not in level
    assert level.view().qty == 250 and level.view().orders == 2
    assert repr(level) == "<PriceLevel 100 qty=250 orders=2>"


def test_level_rejects_bad_input():
    level = PriceLevel(100)
    level.append(order(1, 100))
    with pytest.raises(ValueError):
        level.append(order(2, 101))
    with pytest.raises(ValueError):
        level.append(order(1, 100))
    with pytest.raises(ValueError):
        level.reduce(1, 100)
    with pytest.raises(KeyError):
        level.remove(9)


def test_order_validation():
    with pytest.raises(ValueError):
        Order(1, Side.BUY, 100, 0)
    with pytest.raises(ValueError):
        Order(1, Side.BUY, 0, 10)
    assert Order(1, Side.BUY, 100, 1).crosses(99)
    assert not Order(1, Side.SELL, 100, 1).crosses(99)


def test_side_parse():
    assert Side.parse(" bid ") is Side.BUY
    assert Side.parse("OFFER") is Side.SELL
    assert Side.BUY.opposite is Side.SELL
    with pytest.raises(ValueError):
        Side.parse("X")


@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
def test_side_orders_levels_best_first(side):
    book_side = BookSide(side)
    for oid, price in enumerate([100, 97, 103, 100, 99, 101], start=1):
        book_side.add(order(oid, price, side=side))
    prices = [level.price for level in book_side]
    expected = sorted({100, 97, 103, 99, 101}, reverse=side is Side.BUY)
    assert prices == expected
    assert book_side.best_price() == expected[0]
    assert [lv.price for lv in book_side.levels(2)] == expected[:2]
    assert len(book_side) == 5 and book_side.order_count() == 6
    assert book_side.total_qty() == 600
    assert book_side.level(100).qty == 200
    assert book_side.level(98) is None


def test_side_removal_drops_empty_levels():
    bids = BookSide(Side.BUY)
    a, b, c = order(1, 100), order(2, 100), order(3, 99)
    for o in (a, b, c):
        bids.add(o)
    bids.remove(a)
    assert bids.level(100).qty == 100
    bids.remove(b)
    assert bids.level(100) is None
    assert bids.best_price() == 99
    with pytest.raises(KeyError):
        bids.remove(b)
    bids.remove(c)
    assert not bids and bids.best() is None and bids.best_price() is None


def test_side_rejects_wrong_side():
    with pytest.raises(ValueError):
        BookSide(Side.SELL).add(order(1, 100, side=Side.BUY))


def test_qty_at_or_better():
    asks = BookSide(Side.SELL)
    for oid, (price, qty) in enumerate([(101, 100), (102, 200), (105, 300)], start=1):
        asks.add(order(oid, price, qty, side=Side.SELL))
    assert asks.qty_at_or_better(100) == 0
    assert asks.qty_at_or_better(101) == 100
    assert asks.qty_at_or_better(104) == 300
    assert asks.qty_at_or_better(200) == 600
    assert asks.better(101, 102) and not asks.better(102, 101)


def test_discard_empty_best():
    asks = BookSide(Side.SELL)
    first, second = order(1, 101, side=Side.SELL), order(2, 102, side=Side.SELL)
    asks.add(first)
    asks.add(second)
    asks.discard_empty_best()
    assert asks.best_price() == 101  # not empty: untouched
    asks.best().remove(1)
    asks.discard_empty_best()
    assert asks.best_price() == 102 and len(asks) == 1


@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
def test_side_against_reference_model(side):
    rng = random.Random(3)
    book_side = BookSide(side)
    resting: dict[int, Order] = {}
    for oid in range(1, 1500):
        if resting and rng.random() < 0.45:
            victim = resting.pop(rng.choice(list(resting)))
            book_side.remove(victim)
        else:
            o = order(oid, rng.randint(90, 130), rng.randint(1, 9), side)
            book_side.add(o)
            resting[oid] = o
        if oid % 50 == 0:
            by_price: dict[int, list[int]] = {}
            for o in resting.values():
                by_price.setdefault(o.price, []).append(o.order_id)
            want = sorted(by_price, reverse=side is Side.BUY)
            assert [lv.price for lv in book_side] == want
            assert [[o.order_id for o in lv] for lv in book_side] == [by_price[p] for p in want]
