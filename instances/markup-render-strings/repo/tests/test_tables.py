import pytest

from minimark import HtmlRenderer, parse
from minimark.nodes import Table, Text
from minimark.tables import parse_alignments, render_table, split_row, starts_table


@pytest.mark.parametrize(
    "line, cells",
    [
        ("| a | b |", ["a", "b"]),
        ("a | b", ["a", "b"]),
        ("| a \\| b |", ["a | b"]),
        ("|  | x |", ["", "x"]),
        ("| a | b \\|", ["a", "b |"]),
    ],
)
def test_split_row(line, cells):
    assert split_row(line) == cells


def test_parse_alignments():
    assert parse_alignments("|:--|:-:|--:|---|") == ["left", "center", "right", None]
    assert parse_alignments("| a | b |") is None
    assert parse_alignments("|---|x--|") is None


def test_starts_table_requires_matching_widths():
    assert starts_table(["a | b", "--|--"], 0)
    assert not starts_table(["a | b", "--|--|--"], 0)
    assert not starts_table(["a | b"], 0)
    assert not starts_table(["ab", "---"], 0)


def test_rows_are_padded_and_truncated():
    table = parse("| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |").blocks[0]
    assert table.rows == [[[Text("1")], []], [[Text("1")], [Text("2")]]]


def test_table_ends_at_line_without_pipe():
    doc = parse("a | b\n--|--\n1 | 2\nplain")
    assert len(doc.blocks[0].rows) == 1
    assert doc.blocks[1].content == [Text("plain")]


def test_render_table_with_caption_and_no_body():
    table = Table(header=[[Text("h")]], aligns=[None], rows=[])
    html = "".join(render_table(HtmlRenderer(), table, caption="Totals <2024>"))
    assert html == (
        "<table>\n<caption>Totals &lt;2024&gt;</caption>\n"
        "<thead>\n<tr>\n<th>h</th>\n</tr>\n</thead>\n</table>"
    )


def test_cells_are_escaped_and_formatted():
    html = HtmlRenderer().render(parse("| x |\n|---|\n| a < b & `c|d` |"))
    assert "<td>a &lt; b &amp; <code>c</code></td>" not in html
    assert "<td>a &lt; b &amp; `c</td>" in html
