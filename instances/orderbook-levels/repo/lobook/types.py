"""Core value types: sides, orders, trades and book snapshots."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Side(enum.Enum):
    """Which side of the book an order rests on."""

    BUY = "B"
    SELL = "S"

    @property
    def opposite(self) -> "Side":
        return Side.SELL if self is Side.BUY else Side.BUY

    @classmethod
    def parse(cls, text: str) -> "Side":
        """Accept ``B``/``S``, ``BUY``/``SELL`` or ``bid``/``ask`` in any case."""
        key = text.strip().upper()
        if key in ("B", "BUY", "BID"):
            return cls.BUY
        if key in ("S", "SELL", "ASK", "OFFER"):
            return cls.SELL
        raise ValueError(f"unknown side {text!r}")


@dataclass
class Order:
    """A limit order.  ``price`` is in integer ticks, ``qty`` is the open quantity."""

    order_id: int
    side: Side
    price: int
    qty: int
    owner: str = ""
    seq: int = 0

    def __post_init__(self) -> None:
        if self.qty <= 0:
            raise ValueError(f"order {self.order_id}: quantity must be positive, got {self.qty}")
        if self.price <= 0:
            raise ValueError(f"order {self.order_id}: price must be positive, got {self.price}")

    def crosses(self, price: int) -> bool:
        """Whether this order would trade against a resting order at ``price``."""
        return price <= self.price if self.side is Side.BUY else price >= self.price


@dataclass(frozen=True)
class Trade:
    """An execution between a resting (maker) and an incoming (taker) order."""

    maker_id: int
    taker_id: int
    side: Side  # the taker's side
    price: int
    qty: int
    seq: int

    @property
    def notional(self) -> int:
        return self.price * self.qty


@dataclass(frozen=True)
class LevelView:
    """Aggregated view of one price level."""

    price: int
    qty: int
    orders: int


@dataclass(frozen=True)
class Snapshot:
    """Top-of-book depth, best level first on each side."""

    bids: tuple[LevelView, ...] = ()
    asks: tuple[LevelView, ...] = ()
    seq: int = 0

    @property
    def best_bid(self) -> int | None:
        return self.bids[0].price if self.bids else None

    @property
    def best_ask(self) -> int | None:
        return self.asks[0].price if self.asks else None

    @property
    def spread(self) -> int | None:
        if self.bids and self.asks:
            return self.asks[0].price - self.bids[0].price
        return None


@dataclass
class Fill:
    """Result of submitting an order: the trades it caused and what rests."""

    order_id: int
    trades: list[Trade] = field(default_factory=list)
    resting_qty: int = 0

    @property
    def filled_qty(self) -> int:
        return sum(t.qty for t in self.trades)
