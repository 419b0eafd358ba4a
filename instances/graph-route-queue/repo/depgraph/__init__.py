"""depgraph -- dependency graphs for build systems.

Model a monorepo's targets and their dependencies, then ask the questions a
build tool needs answered: in which order to build, what can run in
parallel, what must be rebuilt after a change, and why one target depends
on another.
"""

from .errors import CycleError, DepGraphError, ManifestError, UnknownTargetError
from .graph import DependencyGraph
from .manifest import format_manifest, parse_manifest
from .ordering import build_levels, critical_path, find_cycle, topological_order
from .plan import BuildPlan, plan_rebuild
from .queue import FifoQueue, StableQueue
from .traversal import affected_targets, components, distances, reachable, shortest_path, walk

__all__ = [
    "BuildPlan",
    "CycleError",
    "DepGraphError",
    "DependencyGraph",
    "FifoQueue",
    "ManifestError",
    "StableQueue",
    "UnknownTargetError",
    "affected_targets",
    "build_levels",
    "components",
    "critical_path",
    "distances",
    "find_cycle",
    "format_manifest",
    "parse_manifest",
    "plan_rebuild",
    "reachable",
    "shortest_path",
    "topological_order",
    "walk",
]

__version__ = "0.4.2"
