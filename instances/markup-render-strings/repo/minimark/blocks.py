"""Splitting a Markdown document into block nodes."""

import re

from . import tables
from .inline import parse_inline
from .nodes import BlockQuote, CodeBlock, Document, Heading, ListBlock, ListItem, Paragraph, ThematicBreak

_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE_RE = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$")
_BREAK_RE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_QUOTE_RE = re.compile(r"^ {0,3}> ?(.*)$")
_ITEM_RE = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*))?$")


def _is_blank(line):
    return not line.strip()


def _item_start(line):
    """Return ``(indent, marker, content_indent, content)`` if ``line`` opens a list item."""
    match = _ITEM_RE.match(line)
    if match is None:
        return None
    indent, marker, spaces, content = match.groups()
    if spaces is None:
        if content is None and not line.rstrip().endswith(marker):
            return None
        spaces, content = " ", ""
    if len(spaces) > 4:
        content = spaces[1:] + content
        spaces = " "
    return len(indent), marker, len(indent) + len(marker) + len(spaces), content or ""


def _same_list(first_marker, marker):
    if first_marker[-1] in ".)" and marker[-1] in ".)":
        return first_marker[-1] == marker[-1]
    return first_marker == marker


class BlockParser:
    """Parses Markdown text into a :class:`~minimark.nodes.Document`."""

    def __init__(self, inline_parser=parse_inline):
        self.parse_inline = inline_parser

    def parse(self, text):
        lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).split("\n")
        return Document(self.parse_blocks(lines))

    def _starts_block(self, lines, i):
        """``True`` if ``lines[i]`` interrupts a paragraph."""
        line = lines[i]
        return bool(
            _ATX_RE.match(line)
            or _FENCE_RE.match(line)
            or _BREAK_RE.match(line)
            or _QUOTE_RE.match(line)
            or (_item_start(line) and _item_start(line)[3].strip())
            or tables.starts_table(lines, i)
        )

    def parse_blocks(self, lines):
        """Parse a list of lines into a list of block nodes."""
        blocks = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if _is_blank(line):
                i += 1
                continue
            fence = _FENCE_RE.match(line)
            if fence:
                block, i = self._code_block(lines, i, fence)
                blocks.append(block)
                continue
            heading = _ATX_RE.match(line)
            if heading:
                blocks.append(Heading(len(heading.group(1)), self.parse_inline((heading.group(2) or "").strip())))
                i += 1
                continue
            if _BREAK_RE.match(line):
                blocks.append(ThematicBreak())
                i += 1
                continue
            if _QUOTE_RE.match(line):
                block, i = self._block_quote(lines, i)
                blocks.append(block)
                continue
            if _item_start(line):
                block, i = self._list(lines, i)
                blocks.append(block)
                continue
            if tables.starts_table(lines, i):
                block, i = tables.parse_table(lines, i, self.parse_inline)
                blocks.append(block)
                continue
            block, i = self._paragraph(lines, i)
            blocks.append(block)
        return blocks

    def _paragraph(self, lines, i):
        collected = [lines[i].lstrip()]
        i += 1
        while i < len(lines) and not _is_blank(lines[i]) and not self._starts_block(lines, i):
            collected.append(lines[i].lstrip())
            i += 1
        text = "\n".join(collected)
        if text.endswith("\\"):
            text = text[:-1]
        return Paragraph(self.parse_inline(text.rstrip())), i

    def _code_block(self, lines, i, fence):
        indent, marker, info = fence.group(1), fence.group(2), fence.group(3)
        body = []
        i += 1
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if stripped.startswith(marker[0] * len(marker)) and set(stripped) == {marker[0]}:
                i += 1
                break
            # Remove up to the fence's own indentation from content lines.
            remove = min(len(indent), len(line) - len(line.lstrip(" ")))
            body.append(line[remove:])
            i += 1
        text = "\n".join(body)
        return CodeBlock(info=info, text=text + "\n" if body else ""), i

    def _block_quote(self, lines, i):
        inner = []
        while i < len(lines):
            match = _QUOTE_RE.match(lines[i])
            if match:
                inner.append(match.group(1))
            elif inner and not _is_blank(lines[i]) and not _is_blank(inner[-1]) and not self._starts_block(lines, i):
                inner.append(lines[i])  # lazy continuation of a quoted paragraph
            else:
                break
            i += 1
        return BlockQuote(self.parse_blocks(inner)), i

    def _list(self, lines, i):
        indent, first_marker, _, _ = _item_start(lines[i])
        ordered = first_marker[-1] in ".)"
        start = int(first_marker[:-1]) if ordered else 1
        items = []
        tight = True
        while i < len(lines):
            opened = _item_start(lines[i])
            if opened is None or opened[0] != indent or not _same_list(first_marker, opened[1]):
                break
            _, _, content_indent, content = opened
            body = [content]
            i += 1
            saw_blank = False
            while i < len(lines):
                line = lines[i]
                if _is_blank(line):
                    body.append("")
                    saw_blank = True
                    i += 1
                    continue
                leading = len(line) - len(line.lstrip(" "))
                if leading >= content_indent:
                    body.append(line[content_indent:])
                    i += 1
                    continue
                if not saw_blank and not self._starts_block(lines, i):
                    body.append(line.lstrip())  # lazy paragraph continuation
                    i += 1
                    continue
                break
            while body and body[-1] == "":
                body.pop()
            if "" in body:
                inner_blank = body.index("")
                if any(b for b in body[inner_blank:]):
                    tight = False
            if saw_blank and i < len(lines):
                following = _item_start(lines[i])
                if following and following[0] == indent and _same_list(first_marker, following[1]):
                    tight = False
            items.append(ListItem(self.parse_blocks(body)))
            if saw_blank and (i >= len(lines) or _item_start(lines[i]) is None):
                break
        return ListBlock(ordered=ordered, start=start, tight=tight, items=items), i


_PARSER = BlockParser()


def parse(text):
    """Parse Markdown ``text`` into a :class:`~minimark.nodes.Document`."""
    return _PARSER.parse(text)
