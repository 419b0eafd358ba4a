"""Exception hierarchy for :mod:`depgraph`."""

from __future__ import annotations


class DepGraphError(Exception):
    """Base class for every error raised by depgraph."""


class UnknownTargetError(DepGraphError, KeyError):
    """Raised when a target name is not declared in the graph."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown target: {self.name!r}"


class CycleError(DepGraphError):
    """Raised when an operation needs an acyclic graph but a cycle exists.

    ``cycle`` holds the targets of one offending cycle, in dependency order,
    with the first target repeated at the end (``a -> b -> c -> a``).
    """

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = list(cycle)
        super().__init__("dependency cycle: " + " -> ".join(self.cycle))


class ManifestError(DepGraphError):
    """Raised for malformed build manifests; carries the 1-based line number."""

    def __init__(self, message: str, lineno: int) -> None:
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno
