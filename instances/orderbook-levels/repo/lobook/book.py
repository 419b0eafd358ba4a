"""The limit order book and its price-time priority matching engine."""

from __future__ import annotations

from .errors import DuplicateOrderError, OrderRejected, UnknownOrderError
from .prices import TickScale
from .side import BookSide
from .types import Fill, Order, Side, Snapshot, Trade


class OrderBook:
    """A single-instrument limit order book.

    Incoming orders first trade against the opposite side at the resting
    orders' prices (best price first, then oldest first); any remainder of a
    limit order rests on the book unless it is immediate-or-cancel.

    >>> book = OrderBook("ACME")
    >>> _ = book.submit(1, Side.SELL, 10_050, 100)
    >>> fill = book.submit(2, Side.BUY, 10_060, 40)
    >>> [(t.price, t.qty) for t in fill.trades]
    [(10050, 40)]
    >>> book.best_ask, book.get(1).qty
    (10050, 60)
    """

    def __init__(self, symbol: str = "", scale: TickScale | None = None) -> None:
        self.symbol = symbol
        self.scale = scale or TickScale()
        self.bids = BookSide(Side.BUY)
        self.asks = BookSide(Side.SELL)
        self._orders: dict[int, Order] = {}
        self._seq = 0
        self.traded_volume = 0

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def side(self, side: Side) -> BookSide:
        """The :class:`BookSide` for ``side``."""
        return self.bids if side is Side.BUY else self.asks

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _match(self, taker: Order, fill: Fill) -> None:
        opposite = self.side(taker.side.opposite)
        while taker.qty:
            level = opposite.best()
            if level is None or not taker.crosses(level.price):
                break
            maker = level.front()
            qty = min(maker.qty, taker.qty)
            trade = Trade(maker.order_id, taker.order_id, taker.side, level.price, qty, self._next_seq())
            fill.trades.append(trade)
            self.traded_volume += qty
            taker.qty -= qty
            if qty == maker.qty:
                level.remove(maker.order_id)
                del self._orders[maker.order_id]
                if not level:
                    opposite.discard_empty_best()
            else:
                level.reduce(maker.order_id, qty)

    # ------------------------------------------------------------------
    # order entry
    # ------------------------------------------------------------------
    def submit(self, order_id: int, side: Side, price: int, qty: int, owner: str = "",
               *, ioc: bool = False, post_only: bool = False) -> Fill:
        """Enter a limit order.

        ``ioc`` (immediate-or-cancel) orders never rest; ``post_only`` orders
        are rejected with :class:`OrderRejected` if they would trade.
        """
        if order_id in self._orders:
            raise DuplicateOrderError(f"order id {order_id} is already on the book")
        order = Order(order_id, side, price, qty, owner, self._next_seq())
        if post_only:
            best = self.side(side.opposite).best_price()
            if best is not None and order.crosses(best):
                raise OrderRejected(f"post-only order {order_id} at {price} would cross {best}")
        fill = Fill(order_id)
        self._match(order, fill)
        if order.qty and not ioc:
            self.side(side).add(order)
            self._orders[order_id] = order
            fill.resting_qty = order.qty
        return fill

    def market(self, order_id: int, side: Side, qty: int, owner: str = "") -> Fill:
        """A market order: trades at any price, never rests."""
        if order_id in self._orders:
            raise DuplicateOrderError(f"order id {order_id} is already on the book")
        price = 2 ** 62 if side is Side.BUY else 1
        order = Order(order_id, side, price, qty, owner, self._next_seq())
        fill = Fill(order_id)
        self._match(order, fill)
        return fill

    def cancel(self, order_id: int) -> Order:
        """Remove a resting order and return it."""
        order = self._orders.pop(order_id, None)
        if order is None:
            raise UnknownOrderError(order_id)
        self.side(order.side).remove(order)
        self._next_seq()
        return order

    def amend(self, order_id: int, qty: int) -> Order:
        """Change the open quantity of a resting order.

        Reducing keeps the order's time priority; increasing sends it to the
        back of its price level.  ``qty == 0`` cancels the order.
        """
        order = self._orders.get(order_id)
        if order is None:
            raise UnknownOrderError(order_id)
        if qty < 0:
            raise ValueError("quantity cannot be negative")
        if qty == 0:
            return self.cancel(order_id)
        book_side = self.side(order.side)
        if qty < order.qty:
            book_side.reduce(order, order.qty - qty)
        elif qty > order.qty:
            book_side.remove(order)
            order.qty = qty
            order.seq = self._next_seq()
            book_side.add(order)
        return order

    def replace(self, order_id: int, price: int, qty: int) -> Fill:
        """Cancel/replace: move an order to a new price (loses priority)."""
        old = self.cancel(order_id)
        return self.submit(order_id, old.side, price, qty, old.owner)

    # ------------------------------------------------------------------
    # queries
    # ------------------------------------------------------------------
    def get(self, order_id: int) -> Order:
        try:
            return self._orders[order_id]
        except KeyError:
            raise UnknownOrderError(order_id) from None

    def orders(self) -> list[Order]:
        """All resting orders, in order of entry."""
        return list(self._orders.values())

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._orders

    def __len__(self) -> int:
        return len(self._orders)

    @property
    def best_bid(self) -> int | None:
        return self.bids.best_price()

    @property
    def best_ask(self) -> int | None:
        return self.asks.best_price()

    @property
    def spread(self) -> int | None:
        bid, ask = self.best_bid, self.best_ask
        return None if bid is None or ask is None else ask - bid

    @property
    def mid(self) -> float | None:
        bid, ask = self.best_bid, self.best_ask
        return None if bid is None or ask is None else (bid + ask) / 2

    def snapshot(self, depth: int = 5) -> Snapshot:
        """Aggregated top ``depth`` levels of both sides."""
        return Snapshot(
            bids=tuple(level.view() for level in self.bids.levels(depth)),
            asks=tuple(level.view() for level in self.asks.levels(depth)),
            seq=self._seq,
        )

    def depth_at(self, side: Side, price: int) -> int:
        """Quantity resting exactly at ``price`` on ``side``."""
        level = self.side(side).level(price)
        return level.qty if level is not None else 0

    def format_ladder(self, depth: int = 5) -> str:
        """A small text ladder, asks on top, for logs and debugging."""
        fmt = self.scale.format
        lines = [f"{self.symbol or 'book'} (seq {self._seq})"]
        for level in reversed(self.asks.levels(depth)):
            lines.append(f"{'':>12} {fmt(level.price):>10} {level.qty:>8}  ({len(level)})")
        lines.append("-" * 36)
        for level in self.bids.levels(depth):
            lines.append(f"({len(level)}) {level.qty:>8} {fmt(level.price):>10}")
        return "\n".join(lines)
