"""The catalog of items a site expects to hold."""

from .models import Item
from .sku import category_of, normalize_sku


class DuplicateItem(ValueError):
    """Raised when the same SKU is added to a catalog twice."""


class Catalog:
    """An ordered collection of :class:`~invtrack.models.Item` keyed by SKU.

    Items keep the order in which they were added, which is the order
    used for reports.  SKUs are normalised on the way in, so lookups may
    use any spelling accepted by :func:`~invtrack.sku.normalize_sku`.
    """

    def __init__(self, items=()):
        self._items = {}
        for item in items:
            self.add(item)

    def add(self, item):
        """Add ``item``; raise :class:`DuplicateItem` if its SKU is present."""
        sku = normalize_sku(item.sku)
        if sku in self._items:
            raise DuplicateItem(f"{sku} is already in the catalog")
        if sku != item.sku:
            item = Item(
                sku=sku,
                name=item.name,
                expected_qty=item.expected_qty,
                unit_cost=item.unit_cost,
                location=item.location,
                discontinued=item.discontinued,
            )
        self._items[sku] = item
        return item

    def remove(self, sku):
        """Remove and return the item with ``sku``."""
        return self._items.pop(normalize_sku(sku))

    def get(self, sku, default=None):
        """Return the item for ``sku`` or ``default``."""
        try:
            key = normalize_sku(sku)
        except ValueError:
            return default
        return self._items.get(key, default)

    def __getitem__(self, sku):
        return self._items[normalize_sku(sku)]

    def __contains__(self, sku):
        return self.get(sku) is not None

    def __iter__(self):
        return iter(self._items.values())

    def __len__(self):
        return len(self._items)

    def skus(self):
        """Return the SKUs of all items, in catalog order."""
        return [item.sku for item in self._items.values()]

    def categories(self):
        """Return the sorted category codes present in the catalog."""
        return sorted({category_of(sku) for sku in self._items})

    def by_location(self, location):
        """Return the items whose home location is ``location``."""
        return [item for item in self._items.values() if item.location == location]

    def total_value(self):
        """Expected stock value of the whole catalog, in cents."""
        return sum(item.expected_value for item in self._items.values())
