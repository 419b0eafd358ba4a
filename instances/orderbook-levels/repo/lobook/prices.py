"""Conversion between decimal price strings and integer ticks.

The book works on integer tick counts so that price comparisons are exact.
A venue quotes prices with a fixed number of decimals and a tick size, for
example ``tick="0.05"``: price ``"101.35"`` is ``2027`` ticks.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _to_units(text: str, decimals: int) -> int:
    """Parse a non-negative decimal string into an integer of ``10**-decimals`` units."""
    text = text.strip()
    if not text or text.startswith(("-", "+")):
        raise ValueError(f"invalid price {text!r}")
    whole, dot, frac = text.partition(".")
    if not (whole or frac) or not (whole or "0").isdigit() or (frac and not frac.isdigit()):
        raise ValueError(f"invalid price {text!r}")
    if len(frac) > decimals:
        if frac[decimals:].strip("0"):
            raise ValueError(f"price {text!r} has more than {decimals} decimals")
        frac = frac[:decimals]
    return int(whole or "0") * 10 ** decimals + int(frac.ljust(decimals, "0") or "0")


@dataclass(frozen=True)
class TickScale:
    """Price grid of an instrument.

    >>> scale = TickScale("0.05")
    >>> scale.to_ticks("101.35")
    2027
    >>> scale.format(2027)
    '101.35'
    """

    tick: str = "0.01"
    decimals: int = field(init=False, repr=False, compare=False)
    tick_units: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        decimals = len(self.tick.partition(".")[2])
        units = _to_units(self.tick, decimals)
        if units <= 0:
            raise ValueError(f"tick size must be positive, got {self.tick!r}")
        # frozen dataclass: derived fields are set once, here
        object.__setattr__(self, "decimals", decimals)
        object.__setattr__(self, "tick_units", units)

    def to_ticks(self, price: str) -> int:
        """Convert a price string to ticks; raises if it is off the grid."""
        units = _to_units(price, self.decimals)
        ticks, rem = divmod(units, self.tick_units)
        if rem:
            raise ValueError(f"price {price!r} is not a multiple of the tick {self.tick}")
        return ticks

    def format(self, ticks: int) -> str:
        """Render ``ticks`` as a price string with the instrument's decimals."""
        units = ticks * self.tick_units
        if self.decimals == 0:
            return str(units)
        whole, frac = divmod(units, 10 ** self.decimals)
        return f"{whole}.{frac:0{self.decimals}d}"

    def to_float(self, ticks: float) -> float:
        """Ticks (possibly fractional, e.g. a VWAP) as a float price."""
        return ticks * self.tick_units / 10 ** self.decimals
