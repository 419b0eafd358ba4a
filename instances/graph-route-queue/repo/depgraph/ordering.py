"""Build orderings: topological order, parallel build levels, critical path.

Every ordering here lists dependencies before the targets that need them.
Among targets that are ready at the same moment, the one declared first in
the graph comes first, so orderings are stable across runs and platforms.
"""

from __future__ import annotations

from typing import Iterable

from .errors import CycleError
from .graph import DependencyGraph
from .queue import StableQueue


def find_cycle(graph: DependencyGraph, among: Iterable[str] | None = None) -> list[str] | None:
    """Return one dependency cycle as ``[a, b, ..., a]``, or ``None``.

    The search is restricted to ``among`` when given.
    """
    allowed = set(graph if among is None else among)
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {name: WHITE for name in allowed}
    for start in graph:
        if start not in allowed or colour[start] != WHITE:
            continue
        # iterative DFS; the stack holds (node, iterator over its deps)
        stack = [(start, iter(graph.dependencies(start)))]
        path = [start]
        colour[start] = GREY
        while stack:
            node, deps = stack[-1]
            for dep in deps:
                if dep not in allowed:
                    continue
                if colour[dep] == GREY:
                    return path[path.index(dep):] + [dep]
                if colour[dep] == WHITE:
                    colour[dep] = GREY
                    path.append(dep)
                    stack.append((dep, iter(graph.dependencies(dep))))
                    break
            else:
                colour[node] = BLACK
                path.pop()
                stack.pop()
    return None


def topological_order(graph: DependencyGraph) -> list[str]:
    """All targets, dependencies first.

    Ties are broken by declaration order: whenever several targets are ready
    to build, the one declared first is emitted first.

    Raises :class:`CycleError` if the graph has a cycle.
    """
    rank = {name: index for index, name in enumerate(graph)}
    waiting = {name: len(graph.dependencies(name)) for name in graph}
    ready: StableQueue[str] = StableQueue(key=rank.__getitem__)
    for name in graph:
        if waiting[name] == 0:
            ready.push(name)
    order = []
    while ready:
        name = ready.pop()
        order.append(name)
        for user in graph.dependents(name):
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.push(user)
    if len(order) != len(graph):
        stuck = [name for name in graph if waiting[name] > 0]
        cycle = find_cycle(graph, stuck)
        assert cycle is not None
        raise CycleError(cycle)
    return order


def build_levels(graph: DependencyGraph) -> list[list[str]]:
    """Group targets into levels that can be built in parallel.

    Level 0 holds the targets without dependencies; a target is in level
    ``n`` when its deepest dependency is in level ``n - 1``.  Each level is
    listed in topological order.
    """
    level: dict[str, int] = {}
    levels: list[list[str]] = []
    for name in topological_order(graph):
        deps = graph.dependencies(name)
        n = 1 + max((level[d] for d in deps), default=-1)
        level[name] = n
        if n == len(levels):
            levels.append([])
        levels[n].append(name)
    return levels


def critical_path(graph: DependencyGraph) -> tuple[float, list[str]]:
    """The most expensive dependency chain, using each target's ``cost``.

    Returns ``(total_cost, [leaf, ..., root])``.  With unlimited build
    parallelism this is the lower bound of the build time.
    """
    best: dict[str, float] = {}
    via: dict[str, str | None] = {}
    for name in topological_order(graph):
        prev = None
        prev_cost = 0.0
        for dep in graph.dependencies(name):
            if best[dep] > prev_cost:
                prev, prev_cost = dep, best[dep]
        best[name] = prev_cost + graph.cost(name)
        via[name] = prev
    if not best:
        return 0.0, []
    end = max(best, key=lambda n: best[n])
    chain = [end]
    while via[chain[-1]] is not None:
        chain.append(via[chain[-1]])  # type: ignore[arg-type]
    chain.reverse()
    return best[end], chain
