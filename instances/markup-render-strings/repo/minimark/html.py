"""Rendering a document tree to HTML."""

from . import tables
from .escape import SlugRegistry, escape_html, normalize_url
from .nodes import (
    BlockQuote,
    CodeBlock,
    CodeSpan,
    Emphasis,
    Heading,
    Image,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Strong,
    Table,
    Text,
    ThematicBreak,
    text_content,
)
from .toc import render_toc


class HtmlRenderer:
    """Renders :mod:`minimark.nodes` trees to an HTML fragment.

    Every ``render_*`` method returns a list of string fragments; the
    fragments of the whole document are joined once at the end by
    :meth:`render`.  Subclasses can override single methods to change the
    markup of one kind of node.

    :param heading_ids: add ``id`` attributes to headings.
    :param toc: prepend a ``<nav class="toc">`` with links to the headings
        (implies ``heading_ids``).
    :param toc_depth: deepest heading level listed in the table of contents.
    :param safe_links: replace ``javascript:`` and similar URLs by ``#``.
    :param code_class_prefix: prefix of the class given to fenced code
        blocks with an info string (``language-python``).
    """

    def __init__(self, *, heading_ids=True, toc=False, toc_depth=3, safe_links=True,
                 code_class_prefix="language-"):
        self.heading_ids = heading_ids or toc
        self.toc = toc
        self.toc_depth = toc_depth
        self.safe_links = safe_links
        self.code_class_prefix = code_class_prefix
        self._slugs = SlugRegistry()
        self._headings = []

    # -- entry point --------------------------------------------------------

    def render(self, document):
        """Return the HTML of ``document`` as a string."""
        self._slugs = SlugRegistry()
        self._headings = []
        fragments = self.render_blocks(document.blocks)
        if self.toc and self._headings:
            fragments = render_toc(self._headings, self.toc_depth) + fragments
        return "".join(fragments)

    # -- blocks -------------------------------------------------------------

    def render_blocks(self, blocks, *, tight=False):
        """Fragments of a sequence of blocks, one per line."""
        fragments = []
        for block in blocks:
            if tight and isinstance(block, Paragraph):
                fragments = fragments + self.render_inlines(block.content)
            else:
                fragments = fragments + self.render_block(block)
            fragments = fragments + ["\n"]
        return fragments

    def render_block(self, block):
        if isinstance(block, Paragraph):
            return ["<p>"] + self.render_inlines(block.content) + ["</p>"]
        if isinstance(block, Heading):
            return self.render_heading(block)
        if isinstance(block, ListBlock):
            return self.render_list(block)
        if isinstance(block, CodeBlock):
            return self.render_code_block(block)
        if isinstance(block, BlockQuote):
            return ["<blockquote>\n"] + self.render_blocks(block.blocks) + ["</blockquote>"]
        if isinstance(block, Table):
            return tables.render_table(self, block)
        if isinstance(block, ThematicBreak):
            return ["<hr />"]
        raise TypeError(f"cannot render block {type(block).__name__}")

    def render_heading(self, heading):
        tag = f"h{heading.level}"
        if not self.heading_ids:
            return [f"<{tag}>"] + self.render_inlines(heading.content) + [f"</{tag}>"]
        text = text_content(heading.content)
        slug = self._slugs.unique(text)
        self._headings.append((heading.level, slug, text))
        return [f'<{tag} id="{slug}">'] + self.render_inlines(heading.content) + [f"</{tag}>"]

    def render_list(self, block):
        if block.ordered:
            opening = "<ol>\n" if block.start == 1 else f'<ol start="{block.start}">\n'
            closing = "</ol>"
        else:
            opening, closing = "<ul>\n", "</ul>"
        fragments = [opening]
        for item in block.items:
            fragments = fragments + ["<li>"]
            if block.tight:
                inner = self.render_blocks(item.blocks, tight=True)
                if inner and inner[-1] == "\n":
                    inner = inner[:-1]
                fragments = fragments + inner
            else:
                fragments = fragments + ["\n"] + self.render_blocks(item.blocks)
            fragments = fragments + ["</li>\n"]
        return fragments + [closing]

    def render_code_block(self, block):
        if block.info:
            language = escape_html(block.info)
            opening = f'<pre><code class="{self.code_class_prefix}{language}">'
        else:
            opening = "<pre><code>"
        return [opening, escape_html(block.text), "</code></pre>"]

    # -- inlines ------------------------------------------------------------

    def render_inlines(self, nodes):
        """Fragments of a list of inline nodes."""
        fragments = []
        for node in nodes:
            fragments = fragments + self.render_inline(node)
        return fragments

    def render_inline(self, node):
        if isinstance(node, Text):
            return [escape_html(node.value)]
        if isinstance(node, Emphasis):
            return ["<em>"] + self.render_inlines(node.content) + ["</em>"]
        if isinstance(node, Strong):
            return ["<strong>"] + self.render_inlines(node.content) + ["</strong>"]
        if isinstance(node, CodeSpan):
            return ["<code>", escape_html(node.value), "</code>"]
        if isinstance(node, Link):
            href = escape_html(normalize_url(node.href, safe=self.safe_links))
            title = f' title="{escape_html(node.title)}"' if node.title else ""
            return [f'<a href="{href}"{title}>'] + self.render_inlines(node.content) + ["</a>"]
        if isinstance(node, Image):
            src = escape_html(normalize_url(node.src, safe=self.safe_links))
            title = f' title="{escape_html(node.title)}"' if node.title else ""
            return [f'<img src="{src}" alt="{escape_html(node.alt)}"{title} />']
        if isinstance(node, LineBreak):
            return ["<br />\n"]
        raise TypeError(f"cannot render inline {type(node).__name__}")
