"""salesreport -- turn shop order exports into periodic sales reports.

Orders are loaded from JSON lines, pushed through a pipeline of stages
(filtering, currency conversion, totals, regions, tagging), aggregated and
rendered as text, Markdown or CSV.
"""

from .aggregate import (
    Totals,
    category_net,
    discounts_by_category,
    group_totals,
    month_of,
    overall,
    share,
    top_customers,
)
from .formatting import align, format_count, format_money, format_percent, group_thousands, truncate
from .money import CurrencyTable, UnknownCurrencyError, round_money, to_decimal
from .pipeline import Pipeline, StageStats, stage_name
from .records import RecordError, dump_orders, load_orders, parse_order
from .render import Column, Table
from .report import Report, ReportConfig, build_report
from .stages import (
    assign_region,
    compute_totals,
    convert_currency,
    drop_statuses,
    normalise_customers,
    sort_by,
    standard_stages,
    tag_large_orders,
    within_period,
)

__all__ = [
    "Column", "CurrencyTable", "Pipeline", "RecordError", "Report", "ReportConfig", "StageStats",
    "Table", "Totals", "UnknownCurrencyError", "align", "assign_region", "build_report",
    "category_net", "compute_totals", "discounts_by_category", "convert_currency", "drop_statuses", "dump_orders",
    "format_count", "format_money", "format_percent", "group_thousands", "group_totals",
    "load_orders", "month_of", "normalise_customers", "overall", "parse_order", "round_money",
    "share", "sort_by", "stage_name", "standard_stages", "tag_large_orders", "to_decimal",
    "top_customers", "truncate", "within_period",
]

__version__ = "2.1.0"
