import random

import pytest

from depgraph import (
    CycleError,
    DependencyGraph,
    build_levels,
    critical_path,
    find_cycle,
    topological_order,
)


def reference_order(graph):
    """Slow but obviously correct: repeatedly take the first declared ready target."""
    done, order = set(), []
    while len(order) < len(graph):
        for name in graph:
            if name not in done and all(d in done for d in graph.dependencies(name)):
                done.add(name)
                order.append(name)
                break
        else:
            raise AssertionError("cycle")
    return order


def random_dag(rng, n, p):
    g = DependencyGraph()
    names = [f"t{i:03d}" for i in range(n)]
    rng.shuffle(names)
    for i, name in enumerate(names):
        g.add_target(name, cost=rng.randint(1, 9))
        for dep in names[:i]:
            if rng.random() < p:
                g.add_dependency(name, dep)
    # re-declare in a scrambled order so declaration order != creation order
    scrambled = DependencyGraph()
    order = list(g)
    rng.shuffle(order)
    for name in order:
        scrambled.add_target(name, **g.attrs(name))
    for target, dep in g.edges():
        scrambled.add_dependency(target, dep)
    return scrambled


def test_diamond_order(diamond):
    assert topological_order(diamond) == ["log", "core", "net", "storage", "app"]


def test_ties_follow_declaration_order():
    g = DependencyGraph()
    for name in ["zeta", "alpha", "mid"]:
        g.add_target(name)
    g.add_dependency("alpha", "zeta")
    assert topological_order(g) == ["zeta", "alpha", "mid"]


def test_late_ready_target_with_low_rank_jumps_the_queue():
    g = DependencyGraph()
    for name in ["first", "x1", "base", "x2", "x3"]:
        g.add_target(name)
    g.add_dependency("first", "base")
    assert topological_order(g) == ["x1", "base", "first", "x2", "x3"]


@pytest.mark.parametrize("seed", range(6))
def test_matches_reference_on_random_dags(seed):
    rng = random.Random(seed)
    g = random_dag(rng, 60, 0.06)
    assert topological_order(g) == reference_order(g)


def test_cycle_is_reported():
    g = DependencyGraph.from_mapping({
        "app": ["a"],
        "a": ["b"],
        "b": ["c"],
        "c": ["a"],
        "tool": [],
    })
    with pytest.raises(CycleError) as info:
        topological_order(g)
    assert info.value.cycle == ["a", "b", "c", "a"]
    assert "a -> b -> c -> a" in str(info.value)
    assert find_cycle(g) == ["a", "b", "c", "a"]
    assert find_cycle(g, among=["a", "b", "app"]) is None


def test_find_cycle_on_dag(diamond):
    assert find_cycle(diamond) is None


def test_build_levels(diamond):
    assert build_levels(diamond) == [["log", "core"], ["net", "storage"], ["app"]]


def test_build_levels_empty_graph():
    assert build_levels(DependencyGraph()) == []
    assert topological_order(DependencyGraph()) == []


def test_critical_path():
    g = DependencyGraph.from_mapping({
        "app": ["net", "storage"],
        "net": ["core"],
        "storage": ["core"],
        "core": [],
    })
    for name, cost in {"app": 5, "net": 2, "storage": 10, "core": 3}.items():
        g.add_target(name, cost=cost)
    assert critical_path(g) == (18.0, ["core", "storage", "app"])
    assert critical_path(DependencyGraph()) == (0.0, [])


def test_monorepo_order_is_valid(monorepo):
    order = topological_order(monorepo)
    position = {name: i for i, name in enumerate(order)}
    assert len(order) == len(monorepo)
    for target, dep in monorepo.edges():
        assert position[dep] < position[target]
    levels = build_levels(monorepo)
    assert sum(len(level) for level in levels) == len(monorepo)
    assert levels[0] == monorepo.leaves()
