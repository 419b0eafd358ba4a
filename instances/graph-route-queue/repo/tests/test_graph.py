import pytest

from depgraph import DependencyGraph, UnknownTargetError


def test_add_dependency_declares_both_targets():
    g = DependencyGraph()
    g.add_dependency("app", "lib")
    assert g.targets() == ["app", "lib"]
    assert g.dependencies("app") == ("lib",)
    assert g.dependents("lib") == ("app",)
    assert g.dependencies("lib") == ()


def test_duplicate_edges_are_ignored():
    g = DependencyGraph()
    g.add_dependency("app", "lib")
    g.add_dependency("app", "lib")
    assert g.dependencies("app") == ("lib",)
    assert g.dependents("lib") == ("app",)
    assert list(g.edges()) == [("app", "lib")]


def test_self_dependency_is_rejected():
    g = DependencyGraph()
    with pytest.raises(ValueError):
        g.add_dependency("lib", "lib")


@pytest.mark.parametrize("bad", ["", None, 3])
def test_invalid_target_names(bad):
    with pytest.raises(ValueError):
        DependencyGraph().add_target(bad)


def test_unknown_target_errors():
    g = DependencyGraph()
    with pytest.raises(UnknownTargetError) as info:
        g.dependencies("ghost")
    assert "ghost" in str(info.value)
    assert isinstance(info.value, KeyError)


def test_attributes_merge_and_are_copied(diamond):
    diamond.add_target("core", cost=12, owner="core-team")
    diamond.add_target("core", cost=15)
    attrs = diamond.attrs("core")
    assert attrs == {"cost": 15, "owner": "core-team"}
    attrs["cost"] = 0
    assert diamond.cost("core") == 15.0
    assert diamond.cost("log") == 1.0
    assert diamond.cost("log", default=2.5) == 2.5


def test_remove_dependency(diamond):
    diamond.remove_dependency("storage", "log")
    assert diamond.dependencies("storage") == ("core",)
    assert diamond.dependents("log") == ("app",)
    diamond.remove_dependency("storage", "log")  # absent edge: no-op


def test_roots_and_leaves(diamond):
    assert diamond.roots() == ["app"]
    assert diamond.leaves() == ["log", "core"]


def test_neighbours_direction(diamond):
    assert diamond.neighbours("core") == ()
    assert diamond.neighbours("core", reverse=True) == ("net", "storage")


def test_subgraph_keeps_order_attributes_and_inner_edges(diamond):
    diamond.add_target("storage", cost=7)
    sub = diamond.subgraph(["core", "storage", "app"])
    assert sub.targets() == ["app", "storage", "core"]
    assert sub.dependencies("app") == ("storage",)
    assert sub.dependencies("storage") == ("core",)
    assert sub.cost("storage") == 7.0
    with pytest.raises(UnknownTargetError):
        diamond.subgraph(["nope"])


def test_container_protocol(diamond):
    assert "net" in diamond
    assert "ghost" not in diamond
    assert len(diamond) == 5
    assert list(diamond) == ["app", "net", "storage", "log", "core"]
    assert repr(diamond) == "<DependencyGraph targets=5 edges=6>"
