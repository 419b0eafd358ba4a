"""Decimal money helpers and currency conversion.

All amounts are :class:`decimal.Decimal`.  Rounding to cents uses
ROUND_HALF_UP, the convention of our accounting department (and of most
invoicing systems), not Python's default banker's rounding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Mapping

CENT = Decimal("0.01")
ZERO = Decimal("0")


def to_decimal(value: object) -> Decimal:
    """Convert ``value`` (str, int, Decimal) to Decimal; floats are refused."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("refusing to convert a float to money; pass a string")
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def round_money(amount: Decimal, places: int = 2) -> Decimal:
    """Round half up to ``places`` decimals."""
    quantum = CENT if places == 2 else Decimal(1).scaleb(-places)
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


class UnknownCurrencyError(KeyError):
    def __str__(self) -> str:
        return f"no exchange rate for currency {self.args[0]!r}"


@dataclass
class CurrencyTable:
    """Exchange rates into a single base currency.

    ``rates[c]`` is the value of one unit of ``c`` in the base currency.

    >>> table = CurrencyTable("EUR", {"USD": "0.92", "GBP": "1.17"})
    >>> table.convert(Decimal("10.00"), "USD")
    Decimal('9.20')
    """

    base: str
    rates: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rates = {code.upper(): to_decimal(rate) for code, rate in self.rates.items()}
        self.rates[self.base] = Decimal(1)
        for code, rate in self.rates.items():
            if rate <= 0:
                raise ValueError(f"exchange rate for {code} must be positive")

    def rate(self, currency: str) -> Decimal:
        try:
            return self.rates[currency.upper()]
        except KeyError:
            raise UnknownCurrencyError(currency) from None

    def convert(self, amount: Decimal, currency: str, places: int = 2) -> Decimal:
        """``amount`` in ``currency`` expressed in the base currency, rounded."""
        if currency == self.base:
            return round_money(amount, places)
        return round_money(amount * self.rate(currency), places)
