"""Plain data records shared by the rest of the package."""

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Item:
    """An item the business expects to hold.

    ``expected_qty`` is the on-hand quantity according to the ordering
    system; ``unit_cost`` is expressed in cents so that valuations stay
    exact.
    """

    sku: str
    name: str
    expected_qty: int
    unit_cost: int = 0
    location: str = ""
    discontinued: bool = False

    def __post_init__(self):
        if self.expected_qty < 0:
            raise ValueError(f"{self.sku}: expected quantity cannot be negative")
        if self.unit_cost < 0:
            raise ValueError(f"{self.sku}: unit cost cannot be negative")

    @property
    def category(self):
        """The three letter category code taken from the SKU."""
        return self.sku[:3]

    @property
    def expected_value(self):
        """Value in cents of the expected stock."""
        return self.expected_qty * self.unit_cost


@dataclass(frozen=True)
class StockCount:
    """One line of a count sheet: ``qty`` units of ``sku`` seen at ``location``."""

    sku: str
    qty: int
    location: str = ""
    counter: str = ""
    line: int = 0

    def __post_init__(self):
        if self.qty < 0:
            raise ValueError(f"{self.sku}: counted quantity cannot be negative")


class DiscrepancyKind(enum.Enum):
    """What went wrong with one SKU during reconciliation."""

    #: The item is in the catalog but nobody counted it.
    MISSING = "missing"
    #: The SKU was counted but is not in the catalog.
    UNKNOWN = "unknown"
    #: Counted and expected quantities differ by more than the tolerance.
    QUANTITY = "quantity"
    #: The same SKU was counted twice at the same location.
    DUPLICATE = "duplicate"
    #: A discontinued item still has stock on the shelves.
    DISCONTINUED = "discontinued"


@dataclass(frozen=True)
class Discrepancy:
    """A single finding of a reconciliation run."""

    kind: DiscrepancyKind
    sku: str
    expected: int = 0
    counted: int = 0
    detail: str = ""
    value_delta: int = 0

    @property
    def delta(self):
        """Counted minus expected units (negative means shrinkage)."""
        return self.counted - self.expected


@dataclass
class CountTotals:
    """Running totals for one SKU while a count is being merged."""

    sku: str
    qty: int = 0
    locations: list = field(default_factory=list)
    lines: list = field(default_factory=list)
