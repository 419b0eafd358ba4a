"""Small formatting helpers used by the renderers and the detail export."""

from __future__ import annotations

from decimal import Decimal

from .money import round_money

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}


def group_thousands(digits: str, sep: str = ",") -> str:
    """Insert ``sep`` every three digits from the right: ``"1234567"`` -> ``"1,234,567"``."""
    groups = []
    while len(digits) > 3:
        groups.append(digits[-3:])
        digits = digits[:-3]
    groups.append(digits)
    return sep.join(reversed(groups))


def format_money(amount: Decimal, currency: str = "", places: int = 2) -> str:
    """Render an amount for people: ``format_money(Decimal("-1234.5"), "EUR") == "-€1,234.50"``.

    Rounds half up; an unknown currency code is written in front
    (``"SEK 12.00"``); an empty currency prints the bare number.
    """
    value = round_money(Decimal(amount), places)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{places}f}"
    whole, _, frac = text.partition(".")
    number = group_thousands(whole) + ("." + frac if frac else "")
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} " if currency else "")
    return f"{sign}{symbol}{number}"


def format_percent(ratio: Decimal | float | None, places: int = 1) -> str:
    """``0.1234`` -> ``"12.3%"``; ``None`` (undefined ratio) -> ``"n/a"``."""
    if ratio is None:
        return "n/a"
    value = round_money(Decimal(str(ratio)) * 100, places)
    return f"{value}%"


def format_count(n: int) -> str:
    """Integer with thousands separators."""
    return ("-" if n < 0 else "") + group_thousands(str(abs(n)))


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """Shorten ``text`` to at most ``width`` characters."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(0, width - len(ellipsis))] + ellipsis[:width]


def align(text: str, width: int, how: str = "<") -> str:
    """Pad ``text`` to ``width`` (``"<"`` left, ``">"`` right, ``"^"`` centre)."""
    if how not in "<>^" or len(how) != 1:
        raise ValueError(f"bad alignment {how!r}")
    return f"{text:{how}{width}}"
