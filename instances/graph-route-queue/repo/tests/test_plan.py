import pytest

from depgraph import DependencyGraph, plan_rebuild


@pytest.fixture
def costed(diamond):
    for name, cost in {"app": 30, "net": 8, "storage": 12, "core": 20, "log": 2}.items():
        diamond.add_target(name, cost=cost)
    return diamond


def test_plan_for_leaf_change(costed):
    plan = plan_rebuild(costed, ["core"])
    assert plan.changed == ["core"]
    assert plan.levels == [["core"], ["net", "storage"], ["app"]]
    assert plan.targets == ["core", "net", "storage", "app"]
    assert len(plan) == 4
    assert plan.total_cost() == 70.0


def test_plan_deduplicates_changes(costed):
    plan = plan_rebuild(costed, ["log", "core", "log"])
    assert plan.changed == ["log", "core"]
    assert plan.levels == [["log", "core"], ["net", "storage"], ["app"]]


def test_plan_for_root_change(costed):
    plan = plan_rebuild(costed, ["app"])
    assert plan.levels == [["app"]]
    assert plan.estimated_time(4) == 30.0


def test_estimated_time(costed):
    plan = plan_rebuild(costed, ["core", "log"])
    assert plan.estimated_time(1) == 72.0
    # level 0: 20 | 2 ; level 1: 12 | 8 ; level 2: 30
    assert plan.estimated_time(2) == 20.0 + 12.0 + 30.0
    with pytest.raises(ValueError):
        plan.estimated_time(0)


def test_render(costed):
    text = plan_rebuild(costed, ["core"]).render(workers=2)
    assert text.splitlines() == [
        "rebuild plan for core: 4 targets in 3 steps",
        "  step   1:     1 targets      20.0s  core",
        "  step   2:     2 targets      20.0s  net, storage",
        "  step   3:     1 targets      30.0s  app",
        "  estimated time on 2 worker(s): 62.0s",
    ]


def test_empty_plan():
    plan = plan_rebuild(DependencyGraph(), [])
    assert plan.levels == [] and len(plan) == 0
    assert plan.render().startswith("rebuild plan for (nothing): 0 targets in 0 steps")


def test_plan_on_monorepo_is_a_valid_partial_order(monorepo):
    changed = ["third_party/testkit", "proto/core/util1"] if "proto/core/util1" in monorepo \
        else ["third_party/testkit"]
    plan = plan_rebuild(monorepo, changed)
    seen = set()
    for level in plan.levels:
        for name in level:
            assert all(dep in seen or dep not in plan.costs for dep in monorepo.dependencies(name))
        seen.update(level)
    assert set(plan.targets) == set(plan.costs)
