"""minimark: a small, dependency-free Markdown-to-HTML renderer.

minimark implements the commonly used subset of Markdown: ATX headings,
paragraphs with hard breaks, emphasis, strong emphasis, code spans,
links, images and autolinks, fenced code blocks, block quotes, nested
bullet and ordered lists, thematic breaks and GitHub-style pipe tables.
It is meant for documentation sites and README previews where pulling in
a full CommonMark implementation is not wanted.

>>> from minimark import markdown_to_html
>>> print(markdown_to_html("# Hello\\n\\nSome *text*."), end="")
<h1 id="hello">Hello</h1>
<p>Some <em>text</em>.</p>
"""

from .blocks import BlockParser, parse
from .html import HtmlRenderer
from .inline import parse_inline
from .nodes import Document

__all__ = ["BlockParser", "Document", "HtmlRenderer", "markdown_to_html", "parse", "parse_inline"]

__version__ = "0.6.0"


def markdown_to_html(text, *, toc=False, heading_ids=True, safe_links=True):
    """Render Markdown ``text`` to an HTML fragment.

    :param toc: prepend a table of contents built from the headings.
    :param heading_ids: give headings ``id`` attributes derived from their text.
    :param safe_links: neutralise ``javascript:`` and similar link targets.
    """
    renderer = HtmlRenderer(toc=toc, heading_ids=heading_ids, safe_links=safe_links)
    return renderer.render(parse(text))
