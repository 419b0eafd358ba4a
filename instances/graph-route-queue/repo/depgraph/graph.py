"""The :class:`DependencyGraph` data model.

A dependency graph is a set of *targets* (libraries, binaries, generated
files, test suites ...) and directed edges ``target -> dependency`` meaning
"``target`` needs ``dependency`` to be built first".  Targets keep the order
in which they were declared; every algorithm in the package uses that order
to break ties so results are deterministic.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

from .errors import UnknownTargetError


class DependencyGraph:
    """A directed graph of build targets.

    >>> g = DependencyGraph()
    >>> g.add_dependency("app", "libcore")
    >>> g.dependencies("app")
    ('libcore',)
    >>> g.dependents("libcore")
    ('app',)
    """

    def __init__(self) -> None:
        self._deps: dict[str, list[str]] = {}
        self._rdeps: dict[str, list[str]] = {}
        self._attrs: dict[str, dict[str, Any]] = {}

    # ------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------
    def add_target(self, name: str, **attrs: Any) -> None:
        """Declare ``name`` (idempotent); keyword arguments update its attributes."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"target names must be non-empty strings, got {name!r}")
        if name not in self._deps:
            self._deps[name] = []
            self._rdeps[name] = []
            self._attrs[name] = {}
        self._attrs[name].update(attrs)

    def add_dependency(self, target: str, dependency: str) -> None:
        """Record that ``target`` depends on ``dependency``.

        Both targets are declared if needed.  Duplicate edges are ignored and
        self-dependencies are rejected.
        """
        if target == dependency:
            raise ValueError(f"target {target!r} cannot depend on itself")
        self.add_target(target)
        self.add_target(dependency)
        deps = self._deps[target]
        if dependency not in deps:
            deps.append(dependency)
            self._rdeps[dependency].append(target)

    def remove_dependency(self, target: str, dependency: str) -> None:
        """Delete the edge ``target -> dependency`` if present."""
        self._require(target)
        self._require(dependency)
        if dependency in self._deps[target]:
            self._deps[target].remove(dependency)
            self._rdeps[dependency].remove(target)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Iterable[str]]) -> "DependencyGraph":
        """Build a graph from ``{target: [dependencies, ...]}``."""
        graph = cls()
        for target, deps in mapping.items():
            graph.add_target(target)
            for dep in deps:
                graph.add_dependency(target, dep)
        return graph

    # ------------------------------------------------------------------
    # queries
    # ------------------------------------------------------------------
    def _require(self, name: str) -> None:
        if name not in self._deps:
            raise UnknownTargetError(name)

    def dependencies(self, name: str) -> tuple[str, ...]:
        """Direct dependencies of ``name`` in declaration order."""
        self._require(name)
        return tuple(self._deps[name])

    def dependents(self, name: str) -> tuple[str, ...]:
        """Targets that directly depend on ``name`` in declaration order."""
        self._require(name)
        return tuple(self._rdeps[name])

    def neighbours(self, name: str, *, reverse: bool = False) -> tuple[str, ...]:
        """Dependencies of ``name``, or its dependents when ``reverse`` is true."""
        return self.dependents(name) if reverse else self.dependencies(name)

    def attrs(self, name: str) -> dict[str, Any]:
        """A copy of the attributes of ``name``."""
        self._require(name)
        return dict(self._attrs[name])

    def cost(self, name: str, default: float = 1.0) -> float:
        """The ``cost`` attribute of ``name`` (estimated build seconds)."""
        self._require(name)
        return float(self._attrs[name].get("cost", default))

    def targets(self) -> list[str]:
        """All targets in declaration order."""
        return list(self._deps)

    def edges(self) -> Iterator[tuple[str, str]]:
        """Yield ``(target, dependency)`` pairs."""
        for target, deps in self._deps.items():
            for dep in deps:
                yield target, dep

    def roots(self) -> list[str]:
        """Targets nothing depends on (the final artefacts)."""
        return [name for name, rdeps in self._rdeps.items() if not rdeps]

    def leaves(self) -> list[str]:
        """Targets without dependencies (sources, third-party inputs)."""
        return [name for name, deps in self._deps.items() if not deps]

    def subgraph(self, names: Iterable[str]) -> "DependencyGraph":
        """The graph induced by ``names`` (declaration order is preserved)."""
        keep = set(names)
        for name in keep:
            self._require(name)
        sub = DependencyGraph()
        for name in self._deps:
            if name in keep:
                sub.add_target(name, **self._attrs[name])
        for target, dep in self.edges():
            if target in keep and dep in keep:
                sub.add_dependency(target, dep)
        return sub

    def __contains__(self, name: object) -> bool:
        return name in self._deps

    def __iter__(self) -> Iterator[str]:
        return iter(self._deps)

    def __len__(self) -> int:
        return len(self._deps)

    def __repr__(self) -> str:
        n_edges = sum(len(d) for d in self._deps.values())
        return f"<DependencyGraph targets={len(self)} edges={n_edges}>"
