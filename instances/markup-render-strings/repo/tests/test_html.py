import pytest

from minimark import HtmlRenderer, markdown_to_html, parse
from minimark.nodes import Document, Node


def html(text, **options):
    return markdown_to_html(text, **options)


def test_paragraph_and_inline_markup():
    assert html("Hello *there* & **you** `<x>`") == (
        "<p>Hello <em>there</em> &amp; <strong>you</strong> <code>&lt;x&gt;</code></p>\n"
    )


def test_headings_get_unique_ids():
    assert html("# Intro\n## Intro\n## Hello, *World*!") == (
        '<h1 id="intro">Intro</h1>\n'
        '<h2 id="intro-1">Intro</h2>\n'
        '<h2 id="hello-world">Hello, <em>World</em>!</h2>\n'
    )
    assert html("# Intro", heading_ids=False) == "<h1>Intro</h1>\n"


def test_ids_restart_for_each_render():
    renderer = HtmlRenderer()
    doc = parse("# A\n# A")
    assert renderer.render(doc) == renderer.render(doc)


def test_links_images_and_safety():
    assert html('[x](<http://a.com/b c> "T&C")') == '<p><a href="http://a.com/b%20c" title="T&amp;C">x</a></p>\n'
    assert html("[x](javascript:alert(1))") == '<p><a href="#">x</a></p>\n'
    assert html("[x](javascript:alert(1))", safe_links=False) == '<p><a href="javascript:alert(1)">x</a></p>\n'
    assert html('![a "q"](p.png)') == '<p><img src="p.png" alt="a &quot;q&quot;" /></p>\n'


def test_line_break():
    assert html("a  \nb") == "<p>a<br />\nb</p>\n"


def test_tight_list():
    assert html("- a\n- *b*") == "<ul>\n<li>a</li>\n<li><em>b</em></li>\n</ul>\n"


def test_loose_ordered_list():
    assert html("2. a\n\n3. b") == '<ol start="2">\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ol>\n'


def test_nested_list():
    assert html("- a\n  - b\n- c") == "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul></li>\n<li>c</li>\n</ul>\n"


def test_code_block_is_escaped():
    assert html("```html\n<b>&</b>\n```") == '<pre><code class="language-html">&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>\n'
    renderer = HtmlRenderer(code_class_prefix="lang-")
    assert renderer.render(parse("```py\nx\n```")) == '<pre><code class="lang-py">x\n</code></pre>\n'


def test_block_quote_and_rule():
    assert html("> *q*\n\n---") == "<blockquote>\n<p><em>q</em></p>\n</blockquote>\n<hr />\n"


def test_table():
    assert html("| a | b |\n|:--|--:|\n| 1 | *2* |") == (
        "<table>\n<thead>\n<tr>\n"
        '<th style="text-align: left">a</th>\n<th style="text-align: right">b</th>\n'
        "</tr>\n</thead>\n<tbody>\n<tr>\n"
        '<td style="text-align: left">1</td>\n<td style="text-align: right"><em>2</em></td>\n'
        "</tr>\n</tbody>\n</table>\n"
    )


def test_table_of_contents():
    out = html("# A\n## B\n#### deep\n## C\n# D", toc=True)
    assert out.startswith(
        '<nav class="toc">\n<ul>\n<li><a href="#a">A</a>\n<ul>\n'
        '<li><a href="#b">B</a></li>\n<li><a href="#c">C</a></li>\n</ul>\n</li>\n'
        '<li><a href="#d">D</a></li>\n</ul>\n</nav>\n<h1 id="a">A</h1>'
    )
    assert 'id="deep"' in out
    assert html("no headings", toc=True) == "<p>no headings</p>\n"


def test_empty_document():
    assert html("") == ""
    assert html("\n\n   \n") == ""


def test_unknown_nodes_are_rejected():
    class Custom(Node):
        pass

    with pytest.raises(TypeError, match="Custom"):
        HtmlRenderer().render(Document([Custom()]))


def test_subclass_can_override_one_node_type():
    class NoFollow(HtmlRenderer):
        def render_inline(self, node):
            fragments = super().render_inline(node)
            if fragments and fragments[0].startswith("<a "):
                fragments = [fragments[0].replace("<a ", '<a rel="nofollow" ', 1)] + fragments[1:]
            return fragments

    out = NoFollow().render(parse("see [x](http://y) and *z*"))
    assert out == '<p>see <a rel="nofollow" href="http://y">x</a> and <em>z</em></p>\n'


def test_full_document_snapshot():
    source = """# Release notes

Version **2.0** brings *many* changes.

## Breaking changes

1. The `render()` function is now `markdown_to_html()`.
2. Python 3.9 is no longer supported.

> Upgrade with care: see the [guide](docs/upgrade.md).

| Module | Status |
|--------|:------:|
| blocks | stable |
"""
    expected = (
        '<h1 id="release-notes">Release notes</h1>\n'
        "<p>Version <strong>2.0</strong> brings <em>many</em> changes.</p>\n"
        '<h2 id="breaking-changes">Breaking changes</h2>\n'
        "<ol>\n<li>The <code>render()</code> function is now <code>markdown_to_html()</code>.</li>\n"
        "<li>Python 3.9 is no longer supported.</li>\n</ol>\n"
        '<blockquote>\n<p>Upgrade with care: see the <a href="docs/upgrade.md">guide</a>.</p>\n</blockquote>\n'
        "<table>\n<thead>\n<tr>\n<th>Module</th>\n"
        '<th style="text-align: center">Status</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>blocks</td>\n'
        '<td style="text-align: center">stable</td>\n</tr>\n</tbody>\n</table>\n'
    )
    assert html(source) == expected
