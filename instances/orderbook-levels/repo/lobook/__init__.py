"""lobook -- a price-time priority limit order book.

Maintain a single-instrument order book from order entry calls or by
replaying an order-level market data feed, and collect the usual
microstructure statistics (VWAP, spread, depth, imbalance) along the way.
"""

from .book import OrderBook
from .errors import BookError, DuplicateOrderError, FeedError, OrderRejected, UnknownOrderError
from .feed import Event, ReplayReport, format_feed, parse_feed, replay, replay_text
from .level import PriceLevel
from .prices import TickScale
from .side import BookSide
from .stats import SpreadTracker, TradeTape, imbalance
from .types import Fill, LevelView, Order, Side, Snapshot, Trade

__all__ = [
    "BookError", "BookSide", "DuplicateOrderError", "Event", "FeedError", "Fill", "LevelView",
    "Order", "OrderBook", "OrderRejected", "PriceLevel", "ReplayReport", "Side", "Snapshot",
    "SpreadTracker", "TickScale", "Trade", "TradeTape", "UnknownOrderError", "format_feed",
    "imbalance", "parse_feed", "replay", "replay_text",
]

__version__ = "1.3.0"
