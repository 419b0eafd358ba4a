"""GitHub-style pipe tables: recognising, parsing and rendering them.

::

    | Option   | Default | Meaning            |
    |:---------|:-------:|-------------------:|
    | `width`  | 80      | wrap column        |

The separator row decides the alignment of each column (``:---`` left,
``:---:`` centre, ``---:`` right).  Body rows with fewer cells than the
header are padded, extra cells are dropped.
"""

import re

from .escape import escape_html
from .nodes import Table

_SEPARATOR_CELL_RE = re.compile(r"^\s*(:?)-+(:?)\s*$")


def split_row(line):
    """Split a table row into cell texts; ``\\|`` is a literal pipe.

    >>> split_row("| a | b \\\\| c |  d")
    ['a', 'b | c', 'd']
    """
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = []
    current = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] == "|":
            current.append("|")
            i += 2
            continue
        if text[i] == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(text[i])
        i += 1
    cells.append("".join(current).strip())
    return cells


def parse_alignments(line):
    """Return the column alignments of a separator row, or ``None`` if it is not one.

    >>> parse_alignments("|:--|:-:|--:|---|")
    ['left', 'center', 'right', None]
    """
    if "-" not in line:
        return None
    aligns = []
    for cell in split_row(line):
        match = _SEPARATOR_CELL_RE.match(cell)
        if match is None:
            return None
        left, right = match.groups()
        if left and right:
            aligns.append("center")
        elif right:
            aligns.append("right")
        elif left:
            aligns.append("left")
        else:
            aligns.append(None)
    return aligns


def starts_table(lines, index):
    """``True`` if a table (header row + separator row) begins at ``lines[index]``."""
    if index + 1 >= len(lines) or "|" not in lines[index]:
        return False
    aligns = parse_alignments(lines[index + 1])
    return aligns is not None and len(aligns) == len(split_row(lines[index]))


def parse_table(lines, index, parse_inline):
    """Parse the table starting at ``lines[index]``.

    Returns ``(table, next_index)``; the table ends at the first blank line
    or line without a pipe.
    """
    header = split_row(lines[index])
    aligns = parse_alignments(lines[index + 1])
    width = len(header)
    rows = []
    i = index + 2
    while i < len(lines) and lines[i].strip() and "|" in lines[i]:
        cells = split_row(lines[i])[:width]
        cells += [""] * (width - len(cells))
        rows.append([parse_inline(cell) for cell in cells])
        i += 1
    table = Table(header=[parse_inline(cell) for cell in header], aligns=aligns, rows=rows)
    return table, i


def _cell(renderer, tag, content, align):
    open_tag = f'<{tag} style="text-align: {align}">' if align else f"<{tag}>"
    return [open_tag] + renderer.render_inlines(content) + [f"</{tag}>\n"]


def render_row(renderer, cells, tag, aligns):
    """Fragments of one ``<tr>``."""
    fragments = ["<tr>\n"]
    for content, align in zip(cells, aligns):
        fragments = fragments + _cell(renderer, tag, content, align)
    return fragments + ["</tr>\n"]


def render_table(renderer, table, caption=None):
    """Fragments of a whole ``<table>`` element."""
    fragments = ["<table>\n"]
    if caption:
        fragments = fragments + [f"<caption>{escape_html(caption)}</caption>\n"]
    fragments = fragments + ["<thead>\n"] + render_row(renderer, table.header, "th", table.aligns) + ["</thead>\n"]
    if table.rows:
        body = []
        for row in table.rows:
            body = body + render_row(renderer, row, "td", table.aligns)
        fragments = fragments + ["<tbody>\n"] + body + ["</tbody>\n"]
    return fragments + ["</table>"]
