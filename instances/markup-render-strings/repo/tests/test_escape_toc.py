import pytest

from minimark.escape import SlugRegistry, escape_html, normalize_url, slugify
from minimark.toc import outline, render_toc


def test_escape_html():
    assert escape_html("plain") == "plain"
    assert escape_html('<a b="c">&amp;</a>') == "&lt;a b=&quot;c&quot;&gt;&amp;amp;&lt;/a&gt;"


@pytest.mark.parametrize(
    "url, safe",
    [
        ("javascript:alert(1)", "#"),
        (" JaVaScRiPt:alert(1)", "#"),
        ("java\tscript:alert(1)", "#"),
        ("data:text/html;base64,xx", "#"),
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("relative/page.html#frag", "relative/page.html#frag"),
    ],
)
def test_normalize_url(url, safe):
    assert normalize_url(url) == safe


def test_normalize_url_unsafe_mode():
    assert normalize_url("javascript:x", safe=False) == "javascript:x"


@pytest.mark.parametrize(
    "text, slug",
    [("Hello World", "hello-world"), ("  Spaces   everywhere ", "spaces-everywhere"),
     ("C++ & Rust!", "c-rust"), ("snake_case_id", "snake-case-id"), ("¿Qué?", "qué"), ("!!!", "section")],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slug_registry():
    registry = SlugRegistry()
    assert [registry.unique(t) for t in ["Intro", "Intro", "intro-1", "Intro"]] == ["intro", "intro-1", "intro-1-1", "intro-2"]


def test_render_toc_depth_and_nesting():
    headings = [(1, "a", "A"), (2, "b", "B <x>"), (3, "c", "C"), (4, "d", "D"), (2, "e", "E"), (1, "f", "F")]
    html = "".join(render_toc(headings, depth=3))
    assert html == (
        '<nav class="toc">\n<ul>\n<li><a href="#a">A</a>\n<ul>\n'
        '<li><a href="#b">B &lt;x&gt;</a>\n<ul>\n<li><a href="#c">C</a></li>\n</ul>\n</li>\n'
        '<li><a href="#e">E</a></li>\n</ul>\n</li>\n<li><a href="#f">F</a></li>\n</ul>\n</nav>\n'
    )
    assert render_toc(headings, depth=0) == []


def test_render_toc_starting_below_top_level():
    html = "".join(render_toc([(2, "a", "A"), (3, "b", "B"), (2, "c", "C")]))
    assert html.count("<ul>") == 2 and html.count("</ul>") == 2


def test_outline():
    assert outline([(2, "a", "A"), (3, "b", "B"), (5, "c", "C")], depth=4) == "A\n  B"
    assert outline([]) == ""
