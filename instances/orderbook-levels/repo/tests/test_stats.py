import pytest

from lobook import LevelView, Side, Snapshot, SpreadTracker, Trade, TradeTape, imbalance


def test_trade_tape():
    tape = TradeTape()
    assert tape.vwap is None
    tape.record(Trade(1, 2, Side.BUY, 100, 10, 1), "mm", "fund")
    tape.record(Trade(3, 4, Side.SELL, 98, 30, 2), "mm", "")
    assert tape.count == 2 and tape.volume == 40
    assert tape.vwap == pytest.approx((100 * 10 + 98 * 30) / 40)
    assert (tape.high, tape.low) == (100, 98)
    assert tape.by_owner == {"mm": 40, "fund": 10}


def test_spread_tracker():
    tracker = SpreadTracker()
    assert tracker.mean_spread is None
    tracker.observe(99, 101)
    tracker.observe(None, 101)
    tracker.observe(100, 101)
    assert tracker.samples == 2 and tracker.crossed_or_empty == 1
    assert tracker.mean_spread == 1.5
    assert (tracker.min_spread, tracker.max_spread) == (1, 2)


def test_imbalance():
    snap = Snapshot(bids=(LevelView(99, 300, 2), LevelView(98, 100, 1)), asks=(LevelView(101, 100, 1),))
    assert imbalance(snap) == pytest.approx((400 - 100) / 500)
    assert imbalance(snap, depth=1) == pytest.approx(0.5)
    assert imbalance(Snapshot()) is None
