"""Scale checks on a monorepo-sized graph (about 3,000 targets).

These mirror what the CLI does on every invocation in a large repository:
compute a full build order, and plan the rebuild after a change to a
low-level library that most of the tree depends on.
"""

from depgraph import build_levels, plan_rebuild, topological_order


def test_full_build_order_large_monorepo(monorepo):
    levels = build_levels(monorepo)
    assert sum(len(level) for level in levels) == len(monorepo)
    assert levels[0] == monorepo.leaves()
    assert levels[-1][-1].endswith("_test")
    level_of = {name: i for i, level in enumerate(levels) for name in level}
    for target, dep in monorepo.edges():
        assert level_of[dep] < level_of[target]


def test_rebuild_plan_after_core_library_change(monorepo):
    libs = [name for name in monorepo if name.startswith("lib/")]
    plan = plan_rebuild(monorepo, libs[3:5])
    assert plan.changed == libs[3:5]
    assert set(plan.levels[0]) <= set(libs[3:5])
    assert len(plan) > 0.85 * len(monorepo)
    assert plan.estimated_time(workers=16) < plan.total_cost()
    position = {name: i for i, name in enumerate(plan.targets)}
    for name in plan.targets:
        for dep in monorepo.dependencies(name):
            if dep in position:
                assert position[dep] < position[name]
