"""invtrack: stock-take reconciliation for small warehouses.

The typical workflow is:

1. build a :class:`~invtrack.catalog.Catalog` of the items you expect to
   hold (usually exported from the ordering system),
2. parse one or more count sheets produced by the people walking the
   shelves with :func:`~invtrack.counts.parse_counts`,
3. call :func:`~invtrack.reconcile.reconcile` to compare the two, and
4. print or export the resulting
   :class:`~invtrack.report.ReconciliationReport`.
"""

from .catalog import Catalog
from .counts import CountSheetError, parse_counts, parse_catalog
from .models import Discrepancy, DiscrepancyKind, Item, StockCount
from .reconcile import reconcile
from .report import ReconciliationReport, format_report
from .sku import InvalidSKU, is_valid_sku, make_sku, normalize_sku

__all__ = [
    "Catalog",
    "CountSheetError",
    "Discrepancy",
    "DiscrepancyKind",
    "InvalidSKU",
    "Item",
    "ReconciliationReport",
    "StockCount",
    "format_report",
    "is_valid_sku",
    "make_sku",
    "normalize_sku",
    "parse_catalog",
    "parse_counts",
    "reconcile",
]

__version__ = "0.4.2"
