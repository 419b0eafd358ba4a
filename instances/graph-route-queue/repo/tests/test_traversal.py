import pytest

from depgraph import (
    DependencyGraph,
    UnknownTargetError,
    affected_targets,
    components,
    distances,
    reachable,
    shortest_path,
    walk,
)


def test_walk_breadth_first_with_depths(diamond):
    assert list(walk(diamond, ["app"])) == [
        ("app", 0), ("net", 1), ("storage", 1), ("log", 1), ("core", 2),
    ]


def test_walk_reverse(diamond):
    assert list(walk(diamond, ["core"], reverse=True)) == [
        ("core", 0), ("net", 1), ("storage", 1), ("app", 2),
    ]


def test_walk_ignores_duplicate_roots(diamond):
    assert list(walk(diamond, ["log", "core", "log"], reverse=True)) == [
        ("log", 0), ("core", 0), ("app", 1), ("storage", 1), ("net", 1),
    ]


def test_walk_unknown_root(diamond):
    with pytest.raises(UnknownTargetError):
        list(walk(diamond, ["nope"]))


def test_reachable(diamond):
    assert reachable(diamond, ["storage"]) == ["storage", "core", "log"]
    assert reachable(diamond, ["storage"], include_roots=False) == ["core", "log"]
    assert reachable(diamond, ["log"], reverse=True) == ["log", "app", "storage"]


def test_distances(diamond):
    assert distances(diamond, "app") == {"app": 0, "net": 1, "storage": 1, "log": 1, "core": 2}
    assert distances(diamond, "core") == {"core": 0}
    assert distances(diamond, "core", reverse=True) == {"core": 0, "net": 1, "storage": 1, "app": 2}


def test_shortest_path(diamond):
    assert shortest_path(diamond, "app", "core") == ["app", "net", "core"]
    assert shortest_path(diamond, "app", "log") == ["app", "log"]
    assert shortest_path(diamond, "app", "app") == ["app"]
    assert shortest_path(diamond, "core", "app") is None
    with pytest.raises(UnknownTargetError):
        shortest_path(diamond, "app", "ghost")


def test_shortest_path_prefers_fewest_hops():
    g = DependencyGraph.from_mapping({
        "bin": ["a", "z"],
        "a": ["b"],
        "b": ["c"],
        "c": ["target"],
        "z": ["target"],
    })
    assert shortest_path(g, "bin", "target") == ["bin", "z", "target"]


def test_affected_targets(diamond):
    assert affected_targets(diamond, ["core"]) == ["core", "net", "storage", "app"]
    assert affected_targets(diamond, ["app"]) == ["app"]
    assert affected_targets(diamond, []) == []


def test_components():
    g = DependencyGraph.from_mapping({
        "a": ["b"],
        "c": [],
        "d": ["b", "e"],
        "f": ["c"],
    })
    g.add_target("lonely")
    assert components(g) == [["a", "b", "d", "e"], ["c", "f"], ["lonely"]]


def test_walk_on_monorepo_is_consistent_with_distances(monorepo):
    core = next(t for t in monorepo if t.startswith("lib/"))
    seen = {}
    for node, depth in walk(monorepo, [core], reverse=True):
        assert node not in seen
        seen[node] = depth
    for node, depth in seen.items():
        if node != core:
            # some dependency of the node sits exactly one level closer
            assert any(seen.get(dep) == depth - 1 for dep in monorepo.dependencies(node))
