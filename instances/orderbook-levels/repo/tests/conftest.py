"""Fixtures: a small hand-built book and synthetic order-level feeds."""

from __future__ import annotations

import random

import pytest

from lobook import OrderBook, Side, TickScale, parse_feed

OWNERS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]


def synthetic_feed(seed: int = 7, events: int = 20_000, band: int = 250, start: int = 10_000,
                   scale: TickScale | None = None) -> str:
    """A feed that looks like a busy venue.

    Mostly passive limit orders placed up to ``band`` ticks away from a
    slowly drifting mid price, a lot of cancellations, some amendments and a
    trickle of aggressive orders.  Order ids that have been filled in the
    meantime may still be cancelled, as happens on real feeds.
    """
    scale = scale or TickScale("0.01")
    rng = random.Random(seed)
    mid = start
    live: list[int] = []
    next_id = 1
    rows = ["seq,action,order_id,side,price,qty,owner"]
    for seq in range(1, events + 1):
        if rng.random() < 0.02:
            mid += rng.choice((-1, 1))
        r = rng.random()
        if r < 0.50 or not live:
            side = rng.choice((Side.BUY, Side.SELL))
            offset = 1 + min(band - 1, int(rng.expovariate(1 / (band / 3))))
            price = mid - offset if side is Side.BUY else mid + offset
            qty = rng.choice((1, 2, 5, 10)) * 100
            rows.append(f"{seq},ADD,{next_id},{side.value},{scale.format(price)},{qty},{rng.choice(OWNERS)}")
            live.append(next_id)
            next_id += 1
        elif r < 0.85:
            i = rng.randrange(len(live))
            live[i], live[-1] = live[-1], live[i]
            rows.append(f"{seq},CANCEL,{live.pop()},,,,")
        elif r < 0.90:
            rows.append(f"{seq},AMEND,{rng.choice(live)},,,{rng.choice((1, 2, 3)) * 100},")
        elif r < 0.94:
            i = rng.randrange(len(live))
            price = mid + rng.randint(-band // 2, band // 2)
            rows.append(f"{seq},REPLACE,{live[i]},,{scale.format(max(1, price))},{rng.choice((1, 5)) * 100},")
        elif r < 0.98:
            side = rng.choice((Side.BUY, Side.SELL))
            price = mid + 3 if side is Side.BUY else mid - 3
            rows.append(f"{seq},IOC,{next_id},{side.value},{scale.format(price)},{rng.choice((1, 3)) * 100},"
                        f"{rng.choice(OWNERS)}")
            next_id += 1
        else:
            side = rng.choice((Side.BUY, Side.SELL))
            rows.append(f"{seq},MARKET,{next_id},{side.value},,{rng.choice((2, 4, 8)) * 100},{rng.choice(OWNERS)}")
            next_id += 1
    return "\n".join(rows) + "\n"


@pytest.fixture
def book() -> OrderBook:
    """Three bids and three asks around 100.00 (tick 0.01)."""
    b = OrderBook("ACME", TickScale("0.01"))
    b.submit(1, Side.BUY, 9_998, 300, "alpha")
    b.submit(2, Side.BUY, 9_999, 100, "beta")
    b.submit(3, Side.BUY, 9_998, 200, "gamma")
    b.submit(4, Side.SELL, 10_001, 100, "alpha")
    b.submit(5, Side.SELL, 10_003, 500, "delta")
    b.submit(6, Side.SELL, 10_001, 250, "beta")
    return b


@pytest.fixture(scope="session")
def busy_feed() -> str:
    return synthetic_feed()


@pytest.fixture(scope="session")
def busy_events(busy_feed) -> list:
    return list(parse_feed(busy_feed, TickScale("0.01")))
