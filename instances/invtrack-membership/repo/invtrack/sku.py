"""Stock-keeping unit (SKU) codes.

A SKU has the shape ``CCC-NNNNN-K`` where ``CCC`` is a three letter
category code, ``NNNNN`` a zero padded item number and ``K`` a check
character computed from the rest of the code.  The check character
catches most single-character typos and adjacent transpositions made
while keying in count sheets by hand.
"""

import re

_SKU_RE = re.compile(r"^([A-Z]{3})-(\d{5})-([0-9X])$")
_SEPARATORS_RE = re.compile(r"[\s_./]+")

#: Alphabet used to map characters to numeric values for the checksum.
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class InvalidSKU(ValueError):
    """Raised when a string cannot be turned into a valid SKU."""

    def __init__(self, raw, reason):
        super().__init__(f"invalid SKU {raw!r}: {reason}")
        self.raw = raw
        self.reason = reason


def check_character(category, number):
    """Return the check character for ``category`` and ``number``.

    The checksum is a weighted sum modulo 11 over the category letters
    and item digits, with weights counting down from the length of the
    payload; a result of 10 is written as ``X`` (as in ISBN-10).

    >>> check_character("HWD", 42)
    '1'
    """
    payload = f"{category}{number:05d}"
    total = 0
    weight = len(payload) + 1
    for ch in payload:
        total += _ALPHABET.index(ch) * weight
        weight -= 1
    value = (11 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_sku(category, number):
    """Build a SKU string from a category code and an item number.

    >>> make_sku("hwd", 42)
    'HWD-00042-1'
    """
    category = category.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", category):
        raise InvalidSKU(category, "category must be three letters")
    if not 0 <= number <= 99999:
        raise InvalidSKU(str(number), "item number out of range")
    return f"{category}-{number:05d}-{check_character(category, number)}"


def normalize_sku(raw):
    """Return the canonical form of a SKU typed by a person.

    Surrounding whitespace is dropped, letters are upper-cased and runs of
    spaces, underscores, dots or slashes are treated as dashes.  A SKU
    typed without separators (``hwd000421``) is accepted as well.  The
    check character is verified.

    >>> normalize_sku(" hwd_00042 1 ")
    'HWD-00042-1'
    """
    if not isinstance(raw, str):
        raise InvalidSKU(repr(raw), "not a string")
    text = _SEPARATORS_RE.sub("-", raw.strip().upper())
    if "-" not in text and len(text) == 9:
        text = f"{text[:3]}-{text[3:8]}-{text[8:]}"
    match = _SKU_RE.match(text)
    if match is None:
        raise InvalidSKU(raw, "expected the form CCC-NNNNN-K")
    category, digits, check = match.groups()
    expected = check_character(category, int(digits))
    if check != expected:
        raise InvalidSKU(raw, f"check character should be {expected}")
    return text


def is_valid_sku(raw):
    """Return ``True`` if ``raw`` normalises to a valid SKU."""
    try:
        normalize_sku(raw)
    except InvalidSKU:
        return False
    return True


def category_of(sku):
    """Return the category code of a canonical SKU."""
    return sku[:3]
