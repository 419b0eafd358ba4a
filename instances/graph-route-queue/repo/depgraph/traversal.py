"""Breadth-first traversals: reachability, hop distances and "why" paths.

All functions accept ``reverse=True`` (where it makes sense) to walk the
graph from dependencies towards the targets that use them, which is how
"what needs rebuilding if X changes" questions are answered.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from .graph import DependencyGraph
from .queue import FifoQueue


def walk(graph: DependencyGraph, roots: Iterable[str], *, reverse: bool = False) -> Iterator[tuple[str, int]]:
    """Yield ``(target, depth)`` in breadth-first order starting from ``roots``.

    Every reachable target is produced exactly once, at its smallest depth.
    Roots have depth 0; duplicates among the roots are ignored.
    """
    visited: list[str] = []
    queue: FifoQueue[tuple[str, int]] = FifoQueue()
    for root in roots:
        graph.dependencies(root)  # validates the name
        if root not in visited:
            visited.append(root)
            queue.push((root, 0))
    while queue:
        node, depth = queue.pop()
        yield node, depth
        for nbr in graph.neighbours(node, reverse=reverse):
            if nbr not in visited:
                visited.append(nbr)
                queue.push((nbr, depth + 1))


def reachable(graph: DependencyGraph, roots: Iterable[str], *, reverse: bool = False,
              include_roots: bool = True) -> list[str]:
    """Targets reachable from ``roots`` in breadth-first discovery order."""
    roots = list(roots)
    found = [node for node, _ in walk(graph, roots, reverse=reverse)]
    if not include_roots:
        root_set = set(roots)
        found = [node for node in found if node not in root_set]
    return found


def distances(graph: DependencyGraph, source: str, *, reverse: bool = False) -> dict[str, int]:
    """Number of edges on the shortest path from ``source`` to every reachable target."""
    return {node: depth for node, depth in walk(graph, [source], reverse=reverse)}


def shortest_path(graph: DependencyGraph, source: str, target: str) -> list[str] | None:
    """The shortest dependency chain ``source -> ... -> target``, or ``None``.

    This answers "why does ``source`` depend on ``target``?".  When several
    chains have the same length, the one using earlier-declared dependencies
    is returned.
    """
    graph.dependencies(target)  # validates the name
    parent: dict[str, str | None] = {source: None}
    for node, _ in walk(graph, [source]):
        if node == target:
            break
        for dep in graph.dependencies(node):
            parent.setdefault(dep, node)
    else:
        return None
    path = [target]
    while parent[path[-1]] is not None:
        path.append(parent[path[-1]])  # type: ignore[arg-type]
    path.reverse()
    return path


def affected_targets(graph: DependencyGraph, changed: Iterable[str]) -> list[str]:
    """Targets that must be rebuilt when ``changed`` targets change.

    That is every changed target plus everything that transitively depends
    on one of them, in breadth-first order from the changed set.
    """
    return reachable(graph, changed, reverse=True)


def components(graph: DependencyGraph) -> list[list[str]]:
    """Weakly connected components, each in discovery order.

    Components are listed in the declaration order of their first target.
    """
    assigned: set[str] = set()
    result = []
    for name in graph:
        if name in assigned:
            continue
        comp = []
        queue = FifoQueue([name])
        assigned.add(name)
        while queue:
            node = queue.pop()
            comp.append(node)
            for nbr in graph.dependencies(node) + graph.dependents(node):
                if nbr not in assigned:
                    assigned.add(nbr)
                    queue.push(nbr)
        result.append(comp)
    return result
