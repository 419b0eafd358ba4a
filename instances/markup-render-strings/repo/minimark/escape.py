"""Escaping, URL hygiene and heading identifiers."""

import re

_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_HTML_RE = re.compile(r'[&<>"]')
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
_SLUG_DROP_RE = re.compile(r"[^\w\s-]")
_SLUG_SPACE_RE = re.compile(r"[\s_-]+")


def escape_html(text):
    """Escape ``&``, ``<``, ``>`` and ``"`` for use in HTML text and attributes.

    >>> escape_html('<a href="x">&</a>')
    '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'
    """
    if not _HTML_RE.search(text):
        return text
    return _HTML_RE.sub(lambda match: _HTML_ESCAPES[match.group(0)], text)


def normalize_url(url, *, safe=True):
    """Percent-encode spaces and, when ``safe``, defuse script URLs.

    >>> normalize_url("JavaScript:alert(1)")
    '#'
    >>> normalize_url("/docs/my page.html")
    '/docs/my%20page.html'
    """
    url = url.strip()
    if safe and url.lower().replace("\t", "").replace("\n", "").startswith(_UNSAFE_SCHEMES):
        return "#"
    return url.replace(" ", "%20")


def slugify(text):
    """Turn heading text into an identifier.

    >>> slugify("Hello, World! (v2)")
    'hello-world-v2'
    """
    slug = _SLUG_DROP_RE.sub("", text.lower())
    slug = _SLUG_SPACE_RE.sub("-", slug).strip("-")
    return slug or "section"


class SlugRegistry:
    """Hands out unique identifiers: ``intro``, ``intro-1``, ``intro-2``..."""

    def __init__(self):
        self._used = {}

    def unique(self, text):
        base = slugify(text)
        slug = base
        while slug in self._used:
            self._used[base] += 1
            slug = f"{base}-{self._used[base]}"
        self._used[slug] = 0
        return slug
