"""Tabular rendering: plain text, Markdown and CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from .formatting import align, truncate


@dataclass(frozen=True)
class Column:
    """One table column.

    ``value`` extracts the cell value from a row, ``fmt`` turns it into
    text, ``align`` is ``"<"`` or ``">"``, and ``max_width`` truncates long
    cells in the text rendering.
    """

    title: str
    value: Callable[[Any], Any]
    fmt: Callable[[Any], str] = str
    align: str = "<"
    max_width: int | None = None


class Table:
    """Rows rendered through a list of :class:`Column` definitions."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = (), title: str = "") -> None:
        self.columns = list(columns)
        self.rows = list(rows)
        self.title = title

    def cells(self) -> list[list[str]]:
        """Every row formatted to strings."""
        return [[col.fmt(col.value(row)) for col in self.columns] for row in self.rows]

    def to_text(self) -> str:
        cells = self.cells()
        for row in cells:
            for i, col in enumerate(self.columns):
                if col.max_width is not None:
                    row[i] = truncate(row[i], col.max_width)
        widths = [len(col.title) for col in self.columns]
        for row in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, row)]
        lines = []
        if self.title:
            lines += [self.title, "=" * len(self.title)]
        lines.append("  ".join(align(col.title, w, col.align) for col, w in zip(self.columns, widths)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        for row in cells:
            lines.append("  ".join(align(c, w, col.align) for c, col, w in zip(row, self.columns, widths)).rstrip())
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        def esc(text: str) -> str:
            return text.replace("|", "\\|")

        head = "| " + " | ".join(esc(c.title) for c in self.columns) + " |"
        rule = "|" + "|".join("---:" if c.align == ">" else ":---" for c in self.columns) + "|"
        body = ["| " + " | ".join(esc(c) for c in row) + " |" for row in self.cells()]
        out = ([f"### {self.title}", ""] if self.title else []) + [head, rule] + body
        return "\n".join(out) + "\n"

    def to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([c.title for c in self.columns])
        writer.writerows(self.cells())
        return buf.getvalue()

    def __len__(self) -> int:
        return len(self.rows)
