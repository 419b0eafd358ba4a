"""Reading and writing the plain-text build manifest format.

One target per line::

    # comments and blank lines are ignored
    libcore                         ; cost=12 owner=core
    libnet: libcore                 ; cost=4.5
    app: libnet libcore

``name: dep dep ...`` lists the direct dependencies; the optional part after
``;`` holds ``key=value`` attributes.  Integer and float values are
converted, everything else stays a string.  A dependency may be mentioned
before it is declared on its own line.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from .errors import ManifestError
from .graph import DependencyGraph

_NAME = re.compile(r"^[A-Za-z0-9_.+/@-]+$")


def _convert(value: str) -> Any:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def _check_name(name: str, lineno: int) -> str:
    if not _NAME.match(name):
        raise ManifestError(f"invalid target name {name!r}", lineno)
    return name


def parse_manifest(text: str) -> DependencyGraph:
    """Parse manifest ``text`` into a :class:`DependencyGraph`."""
    graph = DependencyGraph()
    declared: set[str] = set()
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        decl, _, attr_text = line.partition(";")
        head, colon, dep_text = decl.partition(":")
        name = _check_name(head.strip(), lineno)
        attrs: dict[str, Any] = {}
        for item in attr_text.split():
            key, eq, value = item.partition("=")
            if not eq or not key:
                raise ManifestError(f"attribute {item!r} is not key=value", lineno)
            attrs[key] = _convert(value)
        if name in declared:
            raise ManifestError(f"target {name!r} declared twice", lineno)
        declared.add(name)
        graph.add_target(name, **attrs)
        for dep in dep_text.split():
            _check_name(dep, lineno)
            if dep == name:
                raise ManifestError(f"target {name!r} depends on itself", lineno)
            graph.add_dependency(name, dep)
    return graph


def format_manifest(graph: DependencyGraph, targets: Iterable[str] | None = None) -> str:
    """Serialise ``graph`` (or just ``targets``) back to manifest text."""
    lines = []
    for name in graph.targets() if targets is None else targets:
        text = name
        deps = graph.dependencies(name)
        if deps:
            text += ": " + " ".join(deps)
        attrs = graph.attrs(name)
        if attrs:
            text += " ; " + " ".join(f"{k}={v}" for k, v in sorted(attrs.items()))
        lines.append(text)
    return "\n".join(lines) + ("\n" if lines else "")
