import pytest

from conftest import synthetic_feed
from lobook import (
    BookError,
    FeedError,
    OrderBook,
    Side,
    TickScale,
    UnknownOrderError,
    format_feed,
    parse_feed,
    replay,
    replay_text,
)

FEED = """seq,action,order_id,side,price,qty,owner
1,ADD,1001,B,101.25,300,alpha
2,ADD,1002,S,101.30,200,beta
3,ADD,1003,B,101.20,100,gamma
4,AMEND,1001,,,100,
5,MARKET,1004,S,,150,delta
6,CANCEL,1002,,,,
7,ADD,1005,S,101.40,100,beta
8,IOC,1006,B,101.40,250,alpha
9,REPLACE,1003,,101.35,100,
10,CANCEL,1002,,,,
"""


def test_parse_feed():
    events = list(parse_feed(FEED))
    assert len(events) == 10
    first = events[0]
    assert (first.seq, first.action, first.order_id, first.side, first.price, first.qty, first.owner) == \
        (1, "ADD", 1001, Side.BUY, 10_125, 300, "alpha")
    assert events[3].action == "AMEND" and events[3].qty == 100 and events[3].side is None
    assert events[8].price == 10_135


def test_replay_small_feed():
    book, report = replay(parse_feed(FEED), sample_every=5)
    assert report.events == 10
    assert report.rejected == 1
    assert report.errors == ["seq 10: unknown order id 1002"]
    # MARKET 150: 100 from 1001 @101.25 and 50 from 1003 @101.20; IOC: 100 @101.40
    assert report.tape.count == 3
    assert report.tape.volume == 250
    assert report.tape.by_owner == {"alpha": 200, "delta": 150, "gamma": 50, "beta": 100}
    assert report.tape.high == 10_140 and report.tape.low == 10_120
    assert report.tape.vwap == pytest.approx((10_125 * 100 + 10_120 * 50 + 10_140 * 100) / 250)
    assert len(report.samples) == 2
    assert report.samples[0].best_bid == 10_120
    assert book.best_bid == 10_135 and book.best_ask is None
    assert len(book) == 1
    assert report.max_levels == 2


def test_replay_strict_raises():
    with pytest.raises(UnknownOrderError):
        replay(parse_feed(FEED), strict=True)


def test_replay_into_existing_book(book):
    feed = "seq,action,order_id,side,price,qty,owner\n1,MARKET,50,B,,100,omega\n"
    same, report = replay(parse_feed(feed), book)
    assert same is book
    assert report.tape.by_owner == {"alpha": 100, "omega": 100}
    assert book.best_ask == 10_001 and book.depth_at(Side.SELL, 10_001) == 250


@pytest.mark.parametrize("text, lineno", [
    ("seq,action\n", 1),
    ("seq,action,order_id,side,price,qty,owner\n1,ADD,1,B,1.00\n", 2),
    ("seq,action,order_id,side,price,qty,owner\n1,FOO,1,B,1.00,1,\n", 2),
    ("seq,action,order_id,side,price,qty,owner\n1,ADD,1,B,1.00,1,\n1,ADD,2,B,1.00,1,\n", 3),
    ("seq,action,order_id,side,price,qty,owner\n1,ADD,1,B,,1,\n", 2),
    ("seq,action,order_id,side,price,qty,owner\n1,ADD,1,B,1.001,1,\n", 2),
    ("seq,action,order_id,side,price,qty,owner\n1,ADD,x,B,1.00,1,\n", 2),
    ("seq,action,order_id,side,price,qty,owner\n1,ADD,1,Q,1.00,1,\n", 2),
])
def test_feed_errors(text, lineno):
    with pytest.raises(FeedError) as info:
        list(parse_feed(text))
    assert info.value.lineno == lineno


def test_empty_feed():
    assert list(parse_feed("")) == []
    assert list(parse_feed("seq,action,order_id,side,price,qty,owner\n\n")) == []


def test_format_feed_round_trip():
    events = list(parse_feed(FEED))
    text = format_feed(events)
    assert list(parse_feed(text)) == events
    assert text.splitlines()[1] == "1,ADD,1001,B,101.25,300,alpha"


def test_replay_text_with_coarse_tick():
    feed = "seq,action,order_id,side,price,qty,owner\n1,ADD,1,B,99.50,10,a\n2,ADD,2,S,99.75,10,b\n"
    book, report = replay_text(feed, TickScale("0.25"))
    assert (book.best_bid, book.best_ask) == (398, 399)
    assert book.scale.format(book.best_ask) == "99.75"
    assert report.spreads.mean_spread == 1.0


class ReferenceBook:
    """A deliberately simple model of price-time priority, used as an oracle."""

    def __init__(self):
        self.orders = {}  # id -> [side, price, qty, priority]
        self.clock = 0

    def _tick(self):
        self.clock += 1
        return self.clock

    def match(self, oid, side, price, qty):
        out = []
        while qty:
            makers = [(o[1] if side is Side.BUY else -o[1], o[3], k)
                      for k, o in self.orders.items() if o[0] is not side]
            if not makers:
                break
            _, _, k = min(makers)
            maker = self.orders[k]
            if price is not None and (maker[1] > price if side is Side.BUY else maker[1] < price):
                break
            q = min(qty, maker[2])
            out.append((k, oid, maker[1], q))
            qty -= q
            maker[2] -= q
            if not maker[2]:
                del self.orders[k]
        return out, qty

    def apply(self, ev):
        if ev.action in ("ADD", "IOC"):
            if ev.order_id in self.orders:
                return []
            out, left = self.match(ev.order_id, ev.side, ev.price, ev.qty)
            if left and ev.action == "ADD":
                self.orders[ev.order_id] = [ev.side, ev.price, left, self._tick()]
            return out
        if ev.action == "MARKET":
            if ev.order_id in self.orders:
                return []
            return self.match(ev.order_id, ev.side, None, ev.qty)[0]
        o = self.orders.get(ev.order_id)
        if o is None:
            return []
        if ev.action == "CANCEL" or (ev.action == "AMEND" and ev.qty == 0):
            del self.orders[ev.order_id]
        elif ev.action == "AMEND":
            if ev.qty > o[2]:
                o[3] = self._tick()
            o[2] = ev.qty
        elif ev.action == "REPLACE":
            del self.orders[ev.order_id]
            out, left = self.match(ev.order_id, o[0], ev.price, ev.qty)
            if left:
                self.orders[ev.order_id] = [o[0], ev.price, left, self._tick()]
            return out
        return []


def apply_to_book(book, ev):
    """Dispatch one event the way replay() does, returning the trades."""
    try:
        if ev.action in ("ADD", "IOC"):
            fill = book.submit(ev.order_id, ev.side, ev.price, ev.qty, ev.owner, ioc=ev.action == "IOC")
        elif ev.action == "MARKET":
            fill = book.market(ev.order_id, ev.side, ev.qty, ev.owner)
        elif ev.action == "REPLACE":
            fill = book.replace(ev.order_id, ev.price, ev.qty)
        elif ev.action == "AMEND":
            book.amend(ev.order_id, ev.qty)
            return []
        else:
            book.cancel(ev.order_id)
            return []
    except (BookError, ValueError):
        return []
    return [(t.maker_id, t.taker_id, t.price, t.qty) for t in fill.trades]


@pytest.mark.parametrize("seed, band", [(99, 40), (5, 12)])
def test_book_matches_reference_model(seed, band):
    events = list(parse_feed(synthetic_feed(seed=seed, events=2_500, band=band)))
    ref = ReferenceBook()
    book = OrderBook()
    for ev in events:
        assert apply_to_book(book, ev) == ref.apply(ev), ev
    resting = {o.order_id: (o.side, o.price, o.qty)
               for book_side in (book.bids, book.asks) for level in book_side for o in level}
    assert resting == {k: (v[0], v[1], v[2]) for k, v in ref.orders.items()}
    assert len(book) == len(ref.orders)
