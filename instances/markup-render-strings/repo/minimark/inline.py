"""Parsing inline Markdown: emphasis, code spans, links, images, breaks."""

import re

from .nodes import CodeSpan, Emphasis, Image, LineBreak, Link, Strong, Text

_ESCAPABLE = set("\\`*_{}[]()#+-.!|<>\"'~")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^\s<>]+)>")
_LINK_TAIL_RE = re.compile(r'\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+"([^"]*)")?\s*\)')


def _find_closing_bracket(text, start):
    """Index of the ``]`` matching the ``[`` at ``start``, or -1."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            end = _code_span_end(text, i)
            if end != -1:
                i = end
                continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _code_span_end(text, start):
    """If a code span opens at ``start``, return the index just past it, else -1."""
    run = 1
    while start + run < len(text) and text[start + run] == "`":
        run += 1
    fence = "`" * run
    search = start + run
    while True:
        close = text.find(fence, search)
        if close == -1:
            return -1
        after = close + run
        if after < len(text) and text[after] == "`":
            search = after
            while search < len(text) and text[search] == "`":
                search += 1
            continue
        return after


def _can_open(text, i, run):
    after = text[i + run] if i + run < len(text) else " "
    return not after.isspace()


def _can_close(text, i):
    before = text[i - 1] if i > 0 else " "
    return not before.isspace()


def _find_closer(text, delimiter, start):
    """Find the closing ``delimiter`` for an opener whose content begins at ``start``.

    Returns the index where the closer starts, or -1.  Runs of the same
    character that cannot close (``**`` inside ``*...*``) are skipped
    whole; a run of three closes a single or double delimiter from its
    inner end, so ``***x***`` nests.
    """
    ch = delimiter[0]
    size = len(delimiter)
    i = start
    while True:
        i = text.find(ch, i)
        if i == -1:
            return -1
        if i > 0 and text[i - 1] == "\\":
            i += 1
            continue
        run = 1
        while i + run < len(text) and text[i + run] == ch:
            run += 1
        closes = i > start and _can_close(text, i)
        if closes and ch == "_":
            after = text[i + run] if i + run < len(text) else " "
            closes = not after.isalnum()
        if closes and run == size:
            return i
        if closes and run == 3 and size < 3:
            return i + run - size
        i += run


class InlineParser:
    """Turns the text of a paragraph, heading or table cell into inline nodes."""

    def parse(self, text):
        nodes = []
        buffer = []
        i = 0
        length = len(text)

        def flush():
            if buffer:
                value = "".join(buffer)
                if nodes and isinstance(nodes[-1], Text):
                    nodes[-1] = Text(nodes[-1].value + value)
                else:
                    nodes.append(Text(value))
                buffer.clear()

        while i < length:
            ch = text[i]
            if ch == "\\" and i + 1 < length:
                following = text[i + 1]
                if following == "\n":
                    flush()
                    nodes.append(LineBreak())
                    i += 2
                    continue
                if following in _ESCAPABLE:
                    buffer.append(following)
                    i += 2
                    continue
            if ch == "\n":
                trailing = len(buffer) and "".join(buffer)
                if trailing and trailing.endswith("  "):
                    buffer[:] = [trailing.rstrip(" ")]
                    flush()
                    nodes.append(LineBreak())
                else:
                    if buffer:
                        buffer[:] = ["".join(buffer).rstrip(" ")]
                    buffer.append("\n")
                i += 1
                continue
            if ch == "`":
                end = _code_span_end(text, i)
                if end != -1:
                    run = 1
                    while text[i + run] == "`":
                        run += 1
                    content = text[i + run : end - run].replace("\n", " ")
                    if len(content) > 2 and content[0] == " " and content[-1] == " " and content.strip():
                        content = content[1:-1]
                    flush()
                    nodes.append(CodeSpan(content))
                    i = end
                    continue
                run = 1
                while i + run < length and text[i + run] == "`":
                    run += 1
                buffer.append("`" * run)
                i += run
                continue
            if ch == "<":
                match = _AUTOLINK_RE.match(text, i)
                if match:
                    flush()
                    url = match.group(1)
                    nodes.append(Link(url, "", [Text(url)]))
                    i = match.end()
                    continue
            if ch == "!" and text.startswith("[", i + 1):
                node, end = self._link_or_image(text, i + 1, image=True)
                if node is not None:
                    flush()
                    nodes.append(node)
                    i = end
                    continue
            if ch == "[":
                node, end = self._link_or_image(text, i, image=False)
                if node is not None:
                    flush()
                    nodes.append(node)
                    i = end
                    continue
            if ch in "*_":
                run = 1
                while i + run < length and text[i + run] == ch:
                    run += 1
                if ch == "_" and i > 0 and text[i - 1].isalnum():
                    buffer.append(ch * run)
                    i += run
                    continue
                handled = False
                for size in (2, 1) if run >= 2 else (1,):
                    if not _can_open(text, i, size):
                        continue
                    delimiter = ch * size
                    close = _find_closer(text, delimiter, i + size)
                    if close == -1:
                        continue
                    flush()
                    inner = self.parse(text[i + size : close])
                    nodes.append(Strong(inner) if size == 2 else Emphasis(inner))
                    i = close + size
                    handled = True
                    break
                if handled:
                    continue
                buffer.append(ch * run)
                i += run
                continue
            buffer.append(ch)
            i += 1
        flush()
        return nodes

    def _link_or_image(self, text, start, image):
        close = _find_closing_bracket(text, start)
        if close == -1:
            return None, start
        match = _LINK_TAIL_RE.match(text, close + 1)
        if match is None:
            return None, start
        label = text[start + 1 : close]
        destination = match.group(1)
        if destination.startswith("<") and destination.endswith(">"):
            destination = destination[1:-1]
        title = match.group(2) or ""
        if image:
            from .nodes import text_content

            return Image(destination, text_content(self.parse(label)), title), match.end()
        return Link(destination, title, self.parse(label)), match.end()


_PARSER = InlineParser()


def parse_inline(text):
    """Parse ``text`` into a list of inline nodes.

    >>> parse_inline("a *b* `c`")
    [Text(value='a '), Emphasis(content=[Text(value='b')]), Text(value=' '), CodeSpan(value='c')]
    """
    return _PARSER.parse(text)
