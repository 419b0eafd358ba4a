"""Money amounts as integer minor units ("cents").

Ledger arithmetic is done on ``int64`` cents so that totals are exact and do
not depend on the order in which lines are added up.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_AMOUNT = re.compile(r"^(?P<sign>-)?(?P<units>\d{1,3}(?:,\d{3})*|\d+)(?:\.(?P<frac>\d{1,2}))?$")


def parse_amount(text: str) -> int:
    """Parse a decimal amount such as ``"1,234.5"`` or ``"(12.00)"`` into cents.

    Parentheses mean a negative amount, as in printed accounting reports.

    >>> parse_amount("1,234.56")
    123456
    >>> parse_amount("(7.5)")
    -750
    """
    s = text.strip().replace(" ", "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    m = _AMOUNT.match(s)
    if m is None:
        raise ValueError(f"not an amount: {text!r}")
    cents = int(m["units"].replace(",", "")) * 100 + int((m["frac"] or "0").ljust(2, "0"))
    if m["sign"]:
        negative = not negative
    return -cents if negative else cents


def format_cents(cents: int, parens: bool = False) -> str:
    """Format cents with thousands separators: ``123456 -> "1,234.56"``.

    With ``parens=True`` negative amounts are shown as ``"(1,234.56)"``.
    """
    cents = int(cents)
    sign, value = ("-", -cents) if cents < 0 else ("", cents)
    body = f"{value // 100:,}.{value % 100:02d}"
    if sign and parens:
        return f"({body})"
    return sign + body


def to_cents(values) -> pd.Series:
    """Convert amounts (floats in major units, decimal strings or ints of cents) to cents.

    Floats are rounded to the nearest cent; strings go through :func:`parse_amount`;
    integers are taken to be cents already.  Missing values become 0.
    """
    s = pd.Series(values)
    if s.empty:
        return pd.Series([], dtype=np.int64, index=s.index)
    if pd.api.types.is_integer_dtype(s.dtype):
        return s.astype(np.int64)
    if pd.api.types.is_float_dtype(s.dtype):
        return pd.Series(np.round(s.fillna(0.0).to_numpy() * 100.0).astype(np.int64), index=s.index)
    return s.map(lambda v: 0 if v is None or v != v or v == "" else parse_amount(str(v))).astype(
        np.int64
    )
