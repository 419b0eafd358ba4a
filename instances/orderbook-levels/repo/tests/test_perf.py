"""Throughput checks on realistic volumes.

A busy instrument produces tens of thousands of order events per minute,
with resting liquidity spread over a few hundred price levels per side.
"""

import random

from lobook import OrderBook, Side, replay


def test_replay_busy_session(busy_events):
    book, report = replay(busy_events, sample_every=500)
    assert report.events == len(busy_events)
    assert report.tape.count > 1000
    assert 9_900 < report.tape.vwap < 10_100
    assert report.max_levels > 150
    assert len(report.samples) == len(busy_events) // 500
    assert book.best_bid < book.best_ask
    # the book is internally consistent at the end of the session
    assert sum(len(level) for level in book.bids) + sum(len(level) for level in book.asks) == len(book)


def test_market_maker_ladder_requotes():
    """A market maker keeps a 60-level ladder per side and re-quotes it level by level."""
    rng = random.Random(42)
    book = OrderBook("ACME")
    levels = 60
    mid = 50_000
    next_id = 1
    ladder = {}
    for i in range(1, levels + 1):
        for side, price in ((Side.BUY, mid - i), (Side.SELL, mid + i)):
            ladder[(side, i)] = next_id
            book.submit(next_id, side, price, 100 * rng.randint(1, 9), "mm")
            next_id += 1
    for _ in range(40):
        shift = rng.choice((-2, -1, 1, 2))
        mid += shift
        # move the side that gets out of the way first so quotes never cross
        sides = (Side.SELL, Side.BUY) if shift > 0 else (Side.BUY, Side.SELL)
        for side in sides:
            for i in rng.sample(range(1, levels + 1), levels):
                price = mid - i if side is Side.BUY else mid + i
                book.cancel(ladder[(side, i)])
                fill = book.submit(next_id, side, price, 100 * rng.randint(1, 9), "mm")
                assert not fill.trades
                ladder[(side, i)] = next_id
                next_id += 1
    assert len(book.bids) == len(book.asks) == levels
    assert book.spread == 2
    assert book.best_bid == mid - 1
    snap = book.snapshot(depth=3)
    assert [lv.price for lv in snap.asks] == [mid + 1, mid + 2, mid + 3]
    assert [lv.price for lv in snap.bids] == [mid - 1, mid - 2, mid - 3]
