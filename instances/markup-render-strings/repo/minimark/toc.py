"""Tables of contents built from the headings of a rendered document."""

from .escape import escape_html


def render_toc(headings, depth=3):
    """Fragments of a nested ``<nav class="toc">`` list.

    ``headings`` is a list of ``(level, id, text)`` in document order, as
    collected by :class:`~minimark.html.HtmlRenderer`.  Headings deeper
    than ``depth`` are left out.  Skipped levels (an ``h2`` followed by an
    ``h4``) are nested one level only.
    """
    entries = [(level, slug, text) for level, slug, text in headings if level <= depth]
    if not entries:
        return []
    fragments = ['<nav class="toc">\n']
    stack = []
    for level, slug, text in entries:
        if stack and level > stack[-1]:
            fragments.append("\n<ul>\n")
            stack.append(level)
        else:
            if stack:
                fragments.append("</li>\n")
            while len(stack) > 1 and level < stack[-1]:
                stack.pop()
                fragments.append("</ul>\n</li>\n")
            if not stack:
                fragments.append("<ul>\n")
                stack.append(level)
        fragments.append(f'<li><a href="#{slug}">{escape_html(text)}</a>')
    fragments.append("</li>\n")
    while len(stack) > 1:
        stack.pop()
        fragments.append("</ul>\n</li>\n")
    fragments.append("</ul>\n</nav>\n")
    return fragments


def outline(headings, depth=6):
    """Plain-text outline of the headings, indented two spaces per level.

    >>> print(outline([(1, "a", "Intro"), (2, "b", "Setup"), (2, "c", "Usage")]))
    Intro
      Setup
      Usage
    """
    lines = []
    if not headings:
        return ""
    top = min(level for level, _, _ in headings)
    for level, _, text in headings:
        if level <= depth:
            lines.append("  " * (level - top) + text)
    return "\n".join(lines)
