"""Running statistics collected while a feed is replayed."""

from __future__ import annotations

from dataclasses import dataclass, field

from .types import Snapshot, Trade


@dataclass
class TradeTape:
    """Aggregates executions: volume, VWAP, high/low and per-owner volume."""

    count: int = 0
    volume: int = 0
    notional: int = 0
    high: int | None = None
    low: int | None = None
    by_owner: dict[str, int] = field(default_factory=dict)

    def record(self, trade: Trade, maker_owner: str = "", taker_owner: str = "") -> None:
        self.count += 1
        self.volume += trade.qty
        self.notional += trade.notional
        self.high = trade.price if self.high is None else max(self.high, trade.price)
        self.low = trade.price if self.low is None else min(self.low, trade.price)
        for owner in (maker_owner, taker_owner):
            if owner:
                self.by_owner[owner] = self.by_owner.get(owner, 0) + trade.qty

    @property
    def vwap(self) -> float | None:
        """Volume weighted average price in ticks."""
        return self.notional / self.volume if self.volume else None


@dataclass
class SpreadTracker:
    """Observes the top of book after every event."""

    samples: int = 0
    crossed_or_empty: int = 0
    total_spread: int = 0
    min_spread: int | None = None
    max_spread: int | None = None

    def observe(self, bid: int | None, ask: int | None) -> None:
        if bid is None or ask is None:
            self.crossed_or_empty += 1
            return
        spread = ask - bid
        self.samples += 1
        self.total_spread += spread
        self.min_spread = spread if self.min_spread is None else min(self.min_spread, spread)
        self.max_spread = spread if self.max_spread is None else max(self.max_spread, spread)

    @property
    def mean_spread(self) -> float | None:
        return self.total_spread / self.samples if self.samples else None


def imbalance(snapshot: Snapshot, depth: int = 5) -> float | None:
    """Order book imbalance over the top ``depth`` levels, in ``[-1, 1]``.

    Positive values mean more resting bid quantity than ask quantity.
    """
    bid_qty = sum(level.qty for level in snapshot.bids[:depth])
    ask_qty = sum(level.qty for level in snapshot.asks[:depth])
    if bid_qty + ask_qty == 0:
        return None
    return (bid_qty - ask_qty) / (bid_qty + ask_qty)
