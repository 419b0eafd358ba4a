"""Incremental rebuild planning.

Given the targets touched by a change, :func:`plan_rebuild` works out what
has to be rebuilt, in which order, which steps may run in parallel, and
roughly how long it will take on a given number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .graph import DependencyGraph
from .ordering import build_levels
from .traversal import affected_targets


@dataclass
class BuildPlan:
    """The outcome of :func:`plan_rebuild`.

    ``levels[i]`` lists the targets of parallel step ``i``; ``costs`` maps each
    planned target to its estimated build time.
    """

    changed: list[str]
    levels: list[list[str]]
    costs: dict[str, float] = field(default_factory=dict)

    @property
    def targets(self) -> list[str]:
        """Every planned target, in a valid build order."""
        return [name for level in self.levels for name in level]

    def __len__(self) -> int:
        return sum(len(level) for level in self.levels)

    def total_cost(self) -> float:
        """Sum of the build costs (the time on a single worker)."""
        return sum(self.costs[name] for name in self.targets)

    def estimated_time(self, workers: int = 1) -> float:
        """Wall time estimate with ``workers`` parallel builders.

        Each level is scheduled greedily (longest job first onto the least
        loaded worker) and levels run one after another.
        """
        if workers < 1:
            raise ValueError("workers must be at least 1")
        total = 0.0
        for level in self.levels:
            loads = [0.0] * min(workers, len(level))
            for cost in sorted((self.costs[n] for n in level), reverse=True):
                i = loads.index(min(loads))
                loads[i] += cost
            total += max(loads, default=0.0)
        return total

    def render(self, workers: int = 1) -> str:
        """Human readable summary, one line per parallel step."""
        lines = [
            f"rebuild plan for {', '.join(self.changed) or '(nothing)'}: "
            f"{len(self)} targets in {len(self.levels)} steps"
        ]
        for i, level in enumerate(self.levels, start=1):
            cost = sum(self.costs[n] for n in level)
            shown = ", ".join(level[:6]) + (f", ... (+{len(level) - 6})" if len(level) > 6 else "")
            lines.append(f"  step {i:>3}: {len(level):>5} targets {cost:>9.1f}s  {shown}")
        lines.append(f"  estimated time on {workers} worker(s): {self.estimated_time(workers):.1f}s")
        return "\n".join(lines)


def plan_rebuild(graph: DependencyGraph, changed: Iterable[str]) -> BuildPlan:
    """Plan the rebuild of everything affected by ``changed``."""
    changed = list(dict.fromkeys(changed))
    affected = affected_targets(graph, changed)
    sub = graph.subgraph(affected)
    levels = build_levels(sub)
    costs = {name: graph.cost(name) for name in affected}
    return BuildPlan(changed=changed, levels=levels, costs=costs)
