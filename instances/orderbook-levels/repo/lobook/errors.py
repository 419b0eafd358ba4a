"""Exceptions raised by the order book."""


class BookError(Exception):
    """Base class of order book errors."""


class DuplicateOrderError(BookError):
    """An order id that is already resting was submitted again."""


class UnknownOrderError(BookError, KeyError):
    """Cancel/amend of an order id that is not resting on the book."""

    def __str__(self) -> str:
        return f"unknown order id {self.args[0]!r}"


class OrderRejected(BookError):
    """The order was refused (e.g. a post-only order that would trade)."""


class FeedError(BookError):
    """A malformed line in a market data feed; carries the line number."""

    def __init__(self, message: str, lineno: int) -> None:
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno
