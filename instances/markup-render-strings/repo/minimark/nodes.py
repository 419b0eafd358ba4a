"""The document tree produced by the parsers and consumed by renderers."""

from dataclasses import dataclass, field


@dataclass
class Node:
    """Base class of every node."""

    @property
    def children(self):
        return []


# -- block nodes -------------------------------------------------------------


@dataclass
class Document(Node):
    blocks: list = field(default_factory=list)

    @property
    def children(self):
        return self.blocks


@dataclass
class Heading(Node):
    level: int
    content: list = field(default_factory=list)

    @property
    def children(self):
        return self.content


@dataclass
class Paragraph(Node):
    content: list = field(default_factory=list)

    @property
    def children(self):
        return self.content


@dataclass
class BlockQuote(Node):
    blocks: list = field(default_factory=list)

    @property
    def children(self):
        return self.blocks


@dataclass
class ListItem(Node):
    blocks: list = field(default_factory=list)

    @property
    def children(self):
        return self.blocks


@dataclass
class ListBlock(Node):
    ordered: bool = False
    start: int = 1
    tight: bool = True
    items: list = field(default_factory=list)

    @property
    def children(self):
        return self.items


@dataclass
class CodeBlock(Node):
    info: str = ""
    text: str = ""


@dataclass
class ThematicBreak(Node):
    pass


@dataclass
class Table(Node):
    """A pipe table; ``header`` and each row are lists of cells (inline node lists)."""

    header: list = field(default_factory=list)
    aligns: list = field(default_factory=list)
    rows: list = field(default_factory=list)


# -- inline nodes ------------------------------------------------------------


@dataclass
class Text(Node):
    value: str = ""


@dataclass
class CodeSpan(Node):
    value: str = ""


@dataclass
class Emphasis(Node):
    content: list = field(default_factory=list)

    @property
    def children(self):
        return self.content


@dataclass
class Strong(Node):
    content: list = field(default_factory=list)

    @property
    def children(self):
        return self.content


@dataclass
class Link(Node):
    href: str = ""
    title: str = ""
    content: list = field(default_factory=list)

    @property
    def children(self):
        return self.content


@dataclass
class Image(Node):
    src: str = ""
    alt: str = ""
    title: str = ""


@dataclass
class LineBreak(Node):
    pass


def walk(node):
    """Yield ``node`` and all its descendants, depth first, in document order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Table):
            for row in reversed([current.header, *current.rows]):
                for cell in reversed(row):
                    stack.extend(reversed(cell))
        else:
            stack.extend(reversed(current.children))


def text_content(nodes):
    """Plain text of a list of inline nodes (used for ids, alt text, the TOC)."""
    parts = []
    for node in nodes:
        if isinstance(node, (Text, CodeSpan)):
            parts.append(node.value)
        elif isinstance(node, Image):
            parts.append(node.alt)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        else:
            parts.append(text_content(node.children))
    return "".join(parts)
