"""Parsing and replaying order-level market data feeds.

A feed is CSV text with a header line::

    seq,action,order_id,side,price,qty,owner
    1,ADD,1001,B,101.25,300,alpha
    2,ADD,1002,S,101.30,200,beta
    3,AMEND,1001,,,100,
    4,MARKET,1003,S,,150,gamma
    5,CANCEL,1002,,,,

Actions: ``ADD`` (limit order), ``IOC`` (immediate-or-cancel limit order),
``MARKET``, ``AMEND`` (new open quantity), ``REPLACE`` (new price and
quantity) and ``CANCEL``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .book import OrderBook
from .errors import BookError, FeedError
from .prices import TickScale
from .stats import SpreadTracker, TradeTape, imbalance
from .types import Side, Snapshot

ACTIONS = ("ADD", "IOC", "MARKET", "AMEND", "REPLACE", "CANCEL")
HEADER = ["seq", "action", "order_id", "side", "price", "qty", "owner"]


@dataclass(frozen=True)
class Event:
    """One parsed feed line."""

    seq: int
    action: str
    order_id: int
    side: Side | None = None
    price: int | None = None
    qty: int | None = None
    owner: str = ""


def parse_feed(text: str, scale: TickScale | None = None) -> Iterator[Event]:
    """Yield the :class:`Event` objects of feed ``text``."""
    scale = scale or TickScale()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return
    if [h.strip().lower() for h in header] != HEADER:
        raise FeedError(f"unexpected header {header!r}", 1)
    last_seq = 0
    for lineno, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(HEADER):
            raise FeedError(f"expected {len(HEADER)} fields, got {len(row)}", lineno)
        seq_s, action, oid_s, side_s, price_s, qty_s, owner = row
        action = action.strip().upper()
        if action not in ACTIONS:
            raise FeedError(f"unknown action {action!r}", lineno)
        try:
            seq = int(seq_s)
            order_id = int(oid_s)
            side = Side.parse(side_s) if side_s else None
            price = scale.to_ticks(price_s) if price_s else None
            qty = int(qty_s) if qty_s else None
        except ValueError as exc:
            raise FeedError(str(exc), lineno) from None
        if seq <= last_seq:
            raise FeedError(f"sequence number {seq} is not increasing", lineno)
        last_seq = seq
        needs = {
            "ADD": (side, price, qty), "IOC": (side, price, qty), "MARKET": (side, qty),
            "AMEND": (qty,), "REPLACE": (price, qty), "CANCEL": (),
        }[action]
        if any(value is None for value in needs):
            raise FeedError(f"{action} needs more fields", lineno)
        yield Event(seq, action, order_id, side, price, qty, owner.strip())


def format_feed(events: Iterable[Event], scale: TickScale | None = None) -> str:
    """The inverse of :func:`parse_feed`."""
    scale = scale or TickScale()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for ev in events:
        writer.writerow([
            ev.seq, ev.action, ev.order_id, ev.side.value if ev.side else "",
            scale.format(ev.price) if ev.price is not None else "",
            ev.qty if ev.qty is not None else "", ev.owner,
        ])
    return out.getvalue()


@dataclass
class ReplayReport:
    """What happened during a replay."""

    events: int = 0
    rejected: int = 0
    tape: TradeTape = field(default_factory=TradeTape)
    spreads: SpreadTracker = field(default_factory=SpreadTracker)
    max_levels: int = 0
    samples: list[Snapshot] = field(default_factory=list)
    imbalances: list[float | None] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def replay(events: Iterable[Event], book: OrderBook | None = None, *,
           sample_every: int = 1000, depth: int = 5, strict: bool = False) -> tuple[OrderBook, ReplayReport]:
    """Apply ``events`` to ``book`` (a new one by default) and collect statistics.

    Events the book refuses (unknown ids, post-only crosses ...) are counted
    in ``report.rejected``; with ``strict=True`` they raise instead.  Every
    ``sample_every`` events a depth snapshot is stored.
    """
    book = book if book is not None else OrderBook()
    report = ReplayReport()
    owners = {order.order_id: order.owner for order in book.orders()}
    for ev in events:
        report.events += 1
        try:
            if ev.action in ("ADD", "IOC"):
                fill = book.submit(ev.order_id, ev.side, ev.price, ev.qty, ev.owner, ioc=ev.action == "IOC")
            elif ev.action == "MARKET":
                fill = book.market(ev.order_id, ev.side, ev.qty, ev.owner)
            elif ev.action == "REPLACE":
                fill = book.replace(ev.order_id, ev.price, ev.qty)
            elif ev.action == "AMEND":
                book.amend(ev.order_id, ev.qty)
                fill = None
            else:
                book.cancel(ev.order_id)
                owners.pop(ev.order_id, None)
                fill = None
        except (BookError, ValueError) as exc:
            if strict:
                raise
            report.rejected += 1
            report.errors.append(f"seq {ev.seq}: {exc}")
            fill = None
        if fill is not None:
            taker_owner = ev.owner or owners.get(ev.order_id, "")
            for trade in fill.trades:
                report.tape.record(trade, owners.get(trade.maker_id, ""), taker_owner)
            if fill.resting_qty:
                owners[ev.order_id] = taker_owner
        report.spreads.observe(book.best_bid, book.best_ask)
        report.max_levels = max(report.max_levels, len(book.bids), len(book.asks))
        if report.events % sample_every == 0:
            snap = book.snapshot(depth)
            report.samples.append(snap)
            report.imbalances.append(imbalance(snap, depth))
    return book, report


def replay_text(text: str, scale: TickScale | None = None, **kwargs) -> tuple[OrderBook, ReplayReport]:
    """Parse and replay a feed given as CSV text."""
    scale = scale or TickScale()
    return replay(parse_feed(text, scale), OrderBook(scale=scale), **kwargs)
