from minimark import parse
from minimark.nodes import (
    BlockQuote,
    CodeBlock,
    Emphasis,
    Heading,
    ListBlock,
    Paragraph,
    Table,
    Text,
    ThematicBreak,
    text_content,
    walk,
)


def kinds(document):
    return [type(block).__name__ for block in document.blocks]


def test_headings():
    doc = parse("# One\n### Three ###\n####### seven\n#notheading")
    assert kinds(doc) == ["Heading", "Heading", "Paragraph"]
    assert doc.blocks[0] == Heading(1, [Text("One")])
    assert doc.blocks[1] == Heading(3, [Text("Three")])
    assert text_content(doc.blocks[2].content) == "####### seven\n#notheading"


def test_paragraphs_are_separated_by_blank_lines():
    doc = parse("first line\nsecond *line*\n\n\nnext\n")
    assert doc.blocks == [
        Paragraph([Text("first line\nsecond "), Emphasis([Text("line")])]),
        Paragraph([Text("next")]),
    ]


def test_blocks_interrupt_paragraphs():
    doc = parse("text\n# heading\ntext\n- item\ntext\n---\ntext\n> quote")
    assert kinds(doc) == ["Paragraph", "Heading", "Paragraph", "ListBlock", "ThematicBreak", "Paragraph", "BlockQuote"]


def test_fenced_code():
    doc = parse("```python extra\n  x = 1\n\n# not a heading\n```\n~~~\nplain\n~~~~\n")
    assert doc.blocks == [
        CodeBlock("python", "  x = 1\n\n# not a heading\n"),
        CodeBlock("", "plain\n"),
    ]


def test_unclosed_fence_runs_to_the_end():
    assert parse("```\na\nb").blocks == [CodeBlock("", "a\nb\n")]


def test_indented_fence_strips_its_indentation():
    assert parse("  ```\n  a\n    b\n c\n  ```").blocks == [CodeBlock("", "a\n  b\nc\n")]


def test_thematic_breaks():
    assert kinds(parse("---\n* * *\n___\n--")) == ["ThematicBreak", "ThematicBreak", "ThematicBreak", "Paragraph"]


def test_block_quote_with_nested_blocks_and_lazy_lines():
    doc = parse("> # Title\n> text\nlazy\n>\n> - a\n\nafter")
    quote = doc.blocks[0]
    assert isinstance(quote, BlockQuote)
    assert [type(b).__name__ for b in quote.blocks] == ["Heading", "Paragraph", "ListBlock"]
    assert text_content(quote.blocks[1].content) == "text\nlazy"
    assert isinstance(doc.blocks[1], Paragraph)


def test_tight_and_loose_lists():
    tight = parse("- a\n- b\n- c").blocks[0]
    assert isinstance(tight, ListBlock) and tight.tight and not tight.ordered
    assert len(tight.items) == 3
    loose = parse("1. a\n\n2. b").blocks[0]
    assert loose.ordered and not loose.tight and len(loose.items) == 2


def test_ordered_list_start_and_marker_changes():
    doc = parse("3) x\n4) y\n1. new list\n- bullets\n+ other bullets")
    assert [(b.ordered, b.start, len(b.items)) for b in doc.blocks] == [(True, 3, 2), (True, 1, 1), (False, 1, 1), (False, 1, 1)]


def test_nested_list_and_continuation():
    doc = parse("- one\n  still one\n- two\n  - two.a\n  - two.b\n    deep\n- three")
    outer = doc.blocks[0]
    assert len(outer.items) == 3
    assert text_content(outer.items[0].blocks[0].content) == "one\nstill one"
    inner = outer.items[1].blocks[1]
    assert isinstance(inner, ListBlock) and len(inner.items) == 2
    assert text_content(inner.items[1].blocks[0].content) == "two.b\ndeep"


def test_list_ends_at_unindented_text_after_blank():
    doc = parse("- a\n- b\n\nparagraph")
    assert kinds(doc) == ["ListBlock", "Paragraph"]
    assert doc.blocks[0].tight


def test_table_block():
    doc = parse("| a | b |\n|---|:-:|\n| 1 | 2 |\n\ntext")
    table = doc.blocks[0]
    assert isinstance(table, Table)
    assert table.aligns == [None, "center"]
    assert table.header == [[Text("a")], [Text("b")]]
    assert table.rows == [[[Text("1")], [Text("2")]]]
    assert isinstance(doc.blocks[1], Paragraph)


def test_pipe_without_separator_is_text():
    assert kinds(parse("a | b\nc | d")) == ["Paragraph"]


def test_walk_visits_everything_in_order():
    doc = parse("# T *e*\n\n- [l](u)\n\n| h |\n|---|\n| `c` |")
    names = [type(node).__name__ for node in walk(doc)]
    assert names == [
        "Document", "Heading", "Text", "Emphasis", "Text",
        "ListBlock", "ListItem", "Paragraph", "Link", "Text",
        "Table", "Text", "CodeSpan",
    ]


def test_crlf_and_tabs():
    doc = parse("# A\r\n\r\n-\titem\r\n")
    assert kinds(doc) == ["Heading", "ListBlock"]
    assert isinstance(parse("***").blocks[0], ThematicBreak)
