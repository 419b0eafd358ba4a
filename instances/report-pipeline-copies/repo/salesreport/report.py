"""The periodic sales report: pipeline + aggregations + tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping

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
from .formatting import format_count, format_money, format_percent
from .money import CurrencyTable
from .pipeline import Pipeline
from .records import Record
from .render import Column, Table
from .stages import standard_stages

DEFAULT_TAX = {"books": "0.07", "food": "0.07", "garden": "0.19", "electronics": "0.19",
               "toys": "0.19", "apparel": "0.19", "home": "0.19"}


@dataclass
class ReportConfig:
    """Everything that parameterises a sales report."""

    start: str
    end: str
    currencies: CurrencyTable
    regions: Mapping[str, str]
    tax_rates: Mapping[str, object] = field(default_factory=lambda: dict(DEFAULT_TAX))
    large_order: object = "5000"
    top_n: int = 10
    exclude_statuses: tuple[str, ...] = ("cancelled", "returned")

    @property
    def currency(self) -> str:
        return self.currencies.base


@dataclass
class Report:
    """A built report; render it with :meth:`to_text`, :meth:`to_markdown` or :meth:`detail_csv`."""

    config: ReportConfig
    orders: list[Record]
    sections: list[Table]
    pipeline: Pipeline

    def to_text(self) -> str:
        head = f"Sales report {self.config.start} .. {self.config.end} ({self.config.currency})"
        parts = [head, "#" * len(head), ""]
        for table in self.sections:
            parts.append(table.to_text())
        parts.append("Pipeline\n========\n" + self.pipeline.describe() + "\n")
        return "\n".join(parts)

    def to_markdown(self) -> str:
        head = f"# Sales report {self.config.start} .. {self.config.end} ({self.config.currency})\n"
        return "\n".join([head] + [table.to_markdown() for table in self.sections])

    def detail_table(self) -> Table:
        """One row per order, for the spreadsheet export."""
        money = self._money
        return Table([
            Column("Order", lambda r: r["order_id"]),
            Column("Date", lambda r: r["date"]),
            Column("Customer", lambda r: r["customer"]["name"], max_width=28),
            Column("Region", lambda r: r["region"]),
            Column("Channel", lambda r: r["channel"]),
            Column("Units", lambda r: r["units"], format_count, ">"),
            Column("Net", lambda r: r["net"], money, ">"),
            Column("Gross", lambda r: r["gross"], money, ">"),
            Column("Tags", lambda r: " ".join(r["tags"])),
        ], self.orders, title="Orders")

    def detail_csv(self) -> str:
        return self.detail_table().to_csv()

    def _money(self, amount: Decimal) -> str:
        return format_money(amount, self.config.currency)


def _totals_columns(label: str, money, whole: Decimal) -> list[Column]:
    return [
        Column(label, lambda kv: kv[0]),
        Column("Orders", lambda kv: kv[1].orders, format_count, ">"),
        Column("Customers", lambda kv: len(kv[1].customers), format_count, ">"),
        Column("Net", lambda kv: kv[1].net, money, ">"),
        Column("Gross", lambda kv: kv[1].gross, money, ">"),
        Column("Share", lambda kv: share(kv[1].gross, whole), format_percent, ">"),
        Column("Avg order", lambda kv: kv[1].average_order, money, ">"),
    ]


def build_report(orders: Iterable[Record], config: ReportConfig, pipeline: Pipeline | None = None) -> Report:
    """Run the standard pipeline over ``orders`` and build the report sections."""
    if pipeline is None:
        pipeline = Pipeline(standard_stages(
            config.currencies, config.tax_rates, config.regions,
            config.start, config.end, config.large_order, config.exclude_statuses,
        ))
    records = pipeline.run(orders)

    def money(amount: Decimal | None) -> str:
        return "n/a" if amount is None else format_money(amount, config.currency)

    total = overall(records)
    summary_rows = [
        ("Orders", format_count(total.orders)),
        ("Customers", format_count(len(total.customers))),
        ("Units", format_count(total.units)),
        ("Net revenue", money(total.net)),
        ("Tax", money(total.tax)),
        ("Gross revenue", money(total.gross)),
        ("Average order", money(total.average_order)),
    ]
    sections = [Table([Column("Metric", lambda kv: kv[0]), Column("Value", lambda kv: kv[1], align=">")],
                      summary_rows, title="Summary")]

    by_month = sorted(group_totals(records, month_of).items())
    sections.append(Table(_totals_columns("Month", money, total.gross), by_month, title="By month"))
    for label, key in (("Region", lambda r: r["region"]), ("Country", lambda r: r["customer"]["country"]),
                       ("Channel", lambda r: r["channel"]), ("Segment", lambda r: r["customer"]["segment"])):
        groups: list[tuple[str, Totals]] = sorted(group_totals(records, key).items(),
                                                  key=lambda kv: (-kv[1].gross, kv[0]))
        sections.append(Table(_totals_columns(label, money, total.gross), groups, title=f"By {label.lower()}"))

    categories = list(category_net(records).items())
    sections.append(Table([
        Column("Category", lambda kv: kv[0]),
        Column("Units", lambda kv: kv[1][0], format_count, ">"),
        Column("Net", lambda kv: kv[1][1], money, ">"),
        Column("Share of net", lambda kv: share(kv[1][1], total.net), format_percent, ">"),
    ], categories, title="By category"))

    discounts = list(discounts_by_category(records).items())
    sections.append(Table([
        Column("Category", lambda kv: kv[0]),
        Column("List value", lambda kv: kv[1][0], money, ">"),
        Column("Discounts", lambda kv: kv[1][1], money, ">"),
        Column("Rate", lambda kv: share(kv[1][1], kv[1][0]), format_percent, ">"),
    ], discounts, title="Discounts granted"))

    sections.append(Table([
        Column("Customer", lambda row: f"{row[1]} ({row[0]})", max_width=40),
        Column("Orders", lambda row: row[2], format_count, ">"),
        Column("Gross", lambda row: row[3], money, ">"),
    ], top_customers(records, config.top_n), title=f"Top {config.top_n} customers"))

    large = [r for r in records if "large" in r["tags"]]
    large.sort(key=lambda r: (-r["gross"], r["order_id"]))
    sections.append(Table([
        Column("Order", lambda r: r["order_id"]),
        Column("Date", lambda r: r["date"]),
        Column("Customer", lambda r: r["customer"]["name"], max_width=28),
        Column("Gross", lambda r: r["gross"], money, ">"),
    ], large[:25], title=f"Large orders (>= {money(Decimal(str(config.large_order)))})"))

    return Report(config, records, sections, pipeline)
