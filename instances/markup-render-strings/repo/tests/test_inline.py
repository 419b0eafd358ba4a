import pytest

from minimark import parse_inline
from minimark.nodes import CodeSpan, Emphasis, Image, LineBreak, Link, Strong, Text


def test_plain_text():
    assert parse_inline("just words") == [Text("just words")]
    assert parse_inline("") == []


def test_emphasis_and_strong():
    assert parse_inline("*a* _b_ **c** __d__") == [
        Emphasis([Text("a")]), Text(" "), Emphasis([Text("b")]), Text(" "),
        Strong([Text("c")]), Text(" "), Strong([Text("d")]),
    ]


def test_nesting():
    assert parse_inline("*a **b** c*") == [Emphasis([Text("a "), Strong([Text("b")]), Text(" c")])]
    assert parse_inline("***x***") == [Strong([Emphasis([Text("x")])])]


@pytest.mark.parametrize("text", ["a * b * c", "2*3 = 6 and 4 * 5", "snake_case_name", "*unclosed", "**also"])
def test_literal_delimiters(text):
    assert parse_inline(text) == [Text(text)]


def test_code_spans():
    assert parse_inline("use `x = 1` here") == [Text("use "), CodeSpan("x = 1"), Text(" here")]
    assert parse_inline("``a`b``") == [CodeSpan("a`b")]
    assert parse_inline("`` `tick` ``") == [CodeSpan("`tick`")]
    assert parse_inline("`*not em*`") == [CodeSpan("*not em*")]
    assert parse_inline("lonely ` tick") == [Text("lonely ` tick")]


def test_escapes():
    assert parse_inline(r"\*not em\* \[x\] \\ \q") == [Text("*not em* [x] \\ \\q")]


def test_links():
    assert parse_inline('[the *docs*](https://example.com/docs "Docs")') == [
        Link("https://example.com/docs", "Docs", [Text("the "), Emphasis([Text("docs")])])
    ]
    assert parse_inline("[a](<with space.html>)") == [Link("with space.html", "", [Text("a")])]
    assert parse_inline("[wiki](https://en.wikipedia.org/wiki/Foo_(bar))") == [
        Link("https://en.wikipedia.org/wiki/Foo_(bar)", "", [Text("wiki")])
    ]
    assert parse_inline("[not a link] (x)") == [Text("[not a link] (x)")]
    assert parse_inline("[open") == [Text("[open")]


def test_images_and_autolinks():
    assert parse_inline('![a *b*](i.png "T")') == [Image("i.png", "a b", "T")]
    assert parse_inline("see <https://a.b/c?d=1>") == [Text("see "), Link("https://a.b/c?d=1", "", [Text("https://a.b/c?d=1")])]
    assert parse_inline("<notalink>") == [Text("<notalink>")]


def test_line_breaks():
    assert parse_inline("a  \nb\\\nc\nd") == [Text("a"), LineBreak(), Text("b"), LineBreak(), Text("c\nd")]
    assert parse_inline("a \nb") == [Text("a\nb")]
