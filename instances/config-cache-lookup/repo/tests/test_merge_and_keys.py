import pytest

from layercfg.keys import is_under, join_key, parent_of, split_key
from layercfg.merge import deep_merge, flatten, unflatten


def test_deep_merge_does_not_modify_inputs():
    base = {"a": {"b": "1", "c": {"d": "2"}}}
    override = {"a": {"c": {"e": "3"}}, "f": {"g": "4"}}
    merged = deep_merge(base, override)
    assert merged == {"a": {"b": "1", "c": {"d": "2", "e": "3"}}, "f": {"g": "4"}}
    assert base == {"a": {"b": "1", "c": {"d": "2"}}}
    merged["f"]["g"] = "changed"
    assert override["f"]["g"] == "4"


def test_deep_merge_conflicts():
    with pytest.raises(TypeError, match="'a.b' is a value"):
        deep_merge({"a": {"b": "1"}}, {"a": {"b": {"c": "2"}}})
    with pytest.raises(TypeError, match="'a' is a section"):
        deep_merge({"a": {"b": "1"}}, {"a": "flat"})


def test_flatten_unflatten():
    tree = {"a": {"b": "1", "c": {"d": "2"}}, "e": "3"}
    flat = flatten(tree)
    assert flat == {"a.b": "1", "a.c.d": "2", "e": "3"}
    assert unflatten(flat) == tree


def test_key_helpers():
    assert split_key("a.b_c.d-e") == ["a", "b_c", "d-e"]
    for bad in ["", "a..b", ".a", "a.", "1a", "a b"]:
        with pytest.raises(ValueError):
            split_key(bad)
    with pytest.raises(TypeError):
        split_key(3)
    assert join_key("a", "", "b") == "a.b"
    assert parent_of("a.b.c") == "a.b"
    assert parent_of("a") == ""
    assert is_under("a.b", "a") and is_under("a", "a") and is_under("x", "")
    assert not is_under("ab.c", "a")
