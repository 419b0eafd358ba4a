import pytest

from lobook import (
    DuplicateOrderError,
    LevelView,
    OrderBook,
    OrderRejected,
    Side,
    UnknownOrderError,
)


def trades(fill):
    return [(t.maker_id, t.price, t.qty) for t in fill.trades]


def test_top_of_book(book):
    assert book.best_bid == 9_999
    assert book.best_ask == 10_001
    assert book.spread == 2
    assert book.mid == 10_000.0
    assert len(book) == 6
    assert 4 in book and 99 not in book


def test_snapshot(book):
    snap = book.snapshot(depth=2)
    assert snap.bids == (LevelView(9_999, 100, 1), LevelView(9_998, 500, 2))
    assert snap.asks == (LevelView(10_001, 350, 2), LevelView(10_003, 500, 1))
    assert snap.spread == 2 and snap.best_bid == 9_999 and snap.best_ask == 10_001


def test_sweep_several_levels(book):
    fill = book.submit(10, Side.BUY, 10_003, 400, "omega")
    assert trades(fill) == [(4, 10_001, 100), (6, 10_001, 250), (5, 10_003, 50)]
    assert fill.filled_qty == 400 and fill.resting_qty == 0
    assert book.best_ask == 10_003
    assert book.get(5).qty == 450
    assert 4 not in book and 6 not in book and 10 not in book
    assert book.depth_at(Side.SELL, 10_001) == 0
    assert book.traded_volume == 400


def test_price_improvement_and_resting_remainder(book):
    fill = book.submit(11, Side.BUY, 10_002, 500)
    assert trades(fill) == [(4, 10_001, 100), (6, 10_001, 250)]
    assert fill.resting_qty == 150
    assert book.best_bid == 10_002
    assert book.best_ask == 10_003


def test_ioc_does_not_rest(book):
    fill = book.submit(12, Side.SELL, 9_999, 300, ioc=True)
    assert trades(fill) == [(2, 9_999, 100)]
    assert 12 not in book
    assert book.best_bid == 9_998


def test_market_order(book):
    fill = book.market(13, Side.SELL, 1_000)
    assert trades(fill) == [(2, 9_999, 100), (1, 9_998, 300), (3, 9_998, 200)]
    assert book.best_bid is None and book.spread is None and book.mid is None
    assert 13 not in book


def test_post_only(book):
    with pytest.raises(OrderRejected):
        book.submit(14, Side.BUY, 10_001, 100, post_only=True)
    fill = book.submit(14, Side.BUY, 10_000, 100, post_only=True)
    assert fill.resting_qty == 100 and book.best_bid == 10_000


def test_duplicate_and_unknown_ids(book):
    with pytest.raises(DuplicateOrderError):
        book.submit(1, Side.BUY, 9_000, 100)
    with pytest.raises(DuplicateOrderError):
        book.market(1, Side.BUY, 100)
    with pytest.raises(UnknownOrderError):
        book.cancel(77)
    with pytest.raises(UnknownOrderError):
        book.amend(77, 10)
    with pytest.raises(UnknownOrderError) as info:
        book.get(77)
    assert "77" in str(info.value)


def test_cancel(book):
    cancelled = book.cancel(2)
    assert cancelled.order_id == 2 and cancelled.qty == 100
    assert book.best_bid == 9_998
    assert book.depth_at(Side.BUY, 9_998) == 500
    book.cancel(1)
    assert [o.order_id for o in book.bids.level(9_998)] == [3]


def test_amend_down_keeps_priority(book):
    book.amend(1, 100)
    fill = book.submit(20, Side.SELL, 9_998, 250)
    assert trades(fill) == [(2, 9_999, 100), (1, 9_998, 100), (3, 9_998, 50)]


def test_amend_up_loses_priority(book):
    book.amend(1, 400)
    fill = book.submit(20, Side.SELL, 9_998, 250)
    assert trades(fill) == [(2, 9_999, 100), (3, 9_998, 150)]
    assert book.get(1).qty == 400


def test_amend_to_zero_cancels_and_rejects_negative(book):
    book.amend(4, 0)
    assert 4 not in book
    with pytest.raises(ValueError):
        book.amend(5, -1)
    assert book.amend(5, 500).qty == 500


def test_replace(book):
    book.replace(1, 10_000, 300)
    assert book.best_bid == 10_000
    assert book.get(1).owner == "alpha"
    fill = book.replace(3, 10_001, 400)
    assert trades(fill) == [(4, 10_001, 100), (6, 10_001, 250)]
    assert book.best_bid == 10_001 and book.get(3).qty == 50


def test_empty_book():
    book = OrderBook()
    assert book.best_bid is None and book.best_ask is None
    assert book.snapshot().bids == () and book.snapshot().spread is None
    assert book.market(1, Side.BUY, 100).trades == []


def test_format_ladder(book):
    assert book.format_ladder(depth=2).splitlines() == [
        "ACME (seq 6)",
        "                 100.03      500  (1)",
        "                 100.01      350  (2)",
        "------------------------------------",
        "(1)      100      99.99",
        "(2)      500      99.98",
    ]
