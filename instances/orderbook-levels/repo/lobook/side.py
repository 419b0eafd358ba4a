"""One side of the book: the bid ladder or the ask ladder.

A :class:`BookSide` owns the :class:`~lobook.level.PriceLevel` objects of one
side and keeps them ordered from the best price (highest bid, lowest ask)
to the worst.  Levels are created on demand when the first order arrives at
a price and dropped as soon as they are empty.
"""

from __future__ import annotations

from typing import Iterator

from .level import PriceLevel
from .types import Order, Side


class BookSide:
    """The price levels of one side of an order book, best price first."""

    def __init__(self, side: Side) -> None:
        self.side = side
        self._levels: list[PriceLevel] = []

    # ------------------------------------------------------------------
    # ordering helpers
    # ------------------------------------------------------------------
    def _rank(self, level: PriceLevel) -> int:
        """Sort key that puts the best level first."""
        return -level.price if self.side is Side.BUY else level.price

    def better(self, a: int, b: int) -> bool:
        """Whether price ``a`` is strictly better than ``b`` on this side."""
        return a > b if self.side is Side.BUY else a < b

    def _find(self, price: int) -> int:
        for i, level in enumerate(self._levels):
            if level.price == price:
                return i
        return -1

    # ------------------------------------------------------------------
    # mutation
    # ------------------------------------------------------------------
    def add(self, order: Order) -> PriceLevel:
        """Rest ``order`` at the back of its price level (created if needed)."""
        if order.side is not self.side:
            raise ValueError(f"order {order.order_id} is a {order.side.name} order, this is the {self.side.name} side")
        i = self._find(order.price)
        if i < 0:
            level = PriceLevel(order.price)
            self._levels.append(level)
            self._levels.sort(key=self._rank)
        else:
            level = self._levels[i]
        level.append(order)
        return level

    def remove(self, order: Order) -> None:
        """Take a resting order off the book; empty levels disappear."""
        i = self._find(order.price)
        if i < 0 or order.order_id not in self._levels[i]:
            raise KeyError(order.order_id)
        level = self._levels[i]
        level.remove(order.order_id)
        if not level:
            del self._levels[i]

    def reduce(self, order: Order, by: int) -> None:
        """Reduce a resting order's quantity in place (keeps time priority)."""
        level = self.level(order.price)
        if level is None or order.order_id not in level:
            raise KeyError(order.order_id)
        level.reduce(order.order_id, by)

    def discard_empty_best(self) -> None:
        """Drop the best level if it has been emptied by executions."""
        if self._levels and not self._levels[0]:
            del self._levels[0]

    # ------------------------------------------------------------------
    # queries
    # ------------------------------------------------------------------
    def level(self, price: int) -> PriceLevel | None:
        """The level at ``price`` or ``None``."""
        i = self._find(price)
        return self._levels[i] if i >= 0 else None

    def best(self) -> PriceLevel | None:
        """The best (most aggressive) level, or ``None`` if the side is empty."""
        return self._levels[0] if self._levels else None

    def best_price(self) -> int | None:
        return self._levels[0].price if self._levels else None

    def levels(self, depth: int | None = None) -> list[PriceLevel]:
        """The ``depth`` best levels (all of them by default), best first."""
        return list(self._levels if depth is None else self._levels[:depth])

    def qty_at_or_better(self, price: int) -> int:
        """Total quantity resting at ``price`` or at better prices."""
        total = 0
        for level in self._levels:
            if self.better(price, level.price):
                break
            total += level.qty
        return total

    def total_qty(self) -> int:
        return sum(level.qty for level in self._levels)

    def order_count(self) -> int:
        return sum(len(level) for level in self._levels)

    def __iter__(self) -> Iterator[PriceLevel]:
        return iter(list(self._levels))

    def __len__(self) -> int:
        return len(self._levels)

    def __bool__(self) -> bool:
        return bool(self._levels)

    def __repr__(self) -> str:
        return f"<BookSide {self.side.name} levels={len(self._levels)} best={self.best_price()}>"
