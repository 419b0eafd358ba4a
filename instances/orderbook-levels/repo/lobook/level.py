"""A single price level: a FIFO queue of resting orders at one price."""

from __future__ import annotations

from typing import Iterator

from .types import LevelView, Order


class PriceLevel:
    """Orders resting at one price, in time priority.

    Orders are kept in an insertion-ordered dict keyed by id, so the oldest
    order is always first and cancelling any order is O(1).
    """

    __slots__ = ("price", "_orders", "qty")

    def __init__(self, price: int) -> None:
        self.price = price
        self._orders: dict[int, Order] = {}
        self.qty = 0

    def append(self, order: Order) -> None:
        """Queue ``order`` behind the orders already resting here."""
        if order.price != self.price:
            raise ValueError(f"order {order.order_id} at {order.price} does not belong to level {self.price}")
        if order.order_id in self._orders:
            raise ValueError(f"order {order.order_id} already rests at {self.price}")
        self._orders[order.order_id] = order
        self.qty += order.qty

    def remove(self, order_id: int) -> Order:
        """Take order ``order_id`` out of the queue and return it."""
        order = self._orders.pop(order_id)
        self.qty -= order.qty
        return order

    def reduce(self, order_id: int, by: int) -> None:
        """Lower the open quantity of a resting order, keeping its priority."""
        order = self._orders[order_id]
        if not 0 < by < order.qty:
            raise ValueError(f"cannot reduce order {order_id} of {order.qty} by {by}")
        order.qty -= by
        self.qty -= by

    def front(self) -> Order:
        """The order with the best time priority."""
        return next(iter(self._orders.values()))

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._orders

    def __iter__(self) -> Iterator[Order]:
        return iter(list(self._orders.values()))

    def __len__(self) -> int:
        return len(self._orders)

    def __bool__(self) -> bool:
        return bool(self._orders)

    def view(self) -> LevelView:
        return LevelView(self.price, self.qty, len(self._orders))

    def __repr__(self) -> str:
        return f"<PriceLevel {self.price} qty={self.qty} orders={len(self._orders)}>"
