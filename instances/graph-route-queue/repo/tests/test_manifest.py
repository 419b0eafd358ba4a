import pytest

from depgraph import ManifestError, format_manifest, parse_manifest

MANIFEST = """
# example monorepo
third_party/zlib            ; cost=14 owner=vendor
lib/core: third_party/zlib  ; cost=12.5
lib/net: lib/core           # trailing comment
app: lib/net lib/core       ; cost=40 tier=gold
"""


def test_parse_manifest():
    g = parse_manifest(MANIFEST)
    assert g.targets() == ["third_party/zlib", "lib/core", "lib/net", "app"]
    assert g.dependencies("app") == ("lib/net", "lib/core")
    assert g.attrs("third_party/zlib") == {"cost": 14, "owner": "vendor"}
    assert g.cost("lib/core") == 12.5
    assert g.attrs("app") == {"cost": 40, "tier": "gold"}
    assert g.attrs("lib/net") == {}


def test_forward_references_are_allowed():
    g = parse_manifest("app: lib\nlib: base ; cost=2\n")
    assert g.targets() == ["app", "lib", "base"]
    assert g.cost("lib") == 2.0


@pytest.mark.parametrize("text, lineno", [
    ("ok\nbad name: x\n", 2),
    ("a: b\nb: a b\n", 2),
    ("a ; cost\n", 1),
    ("a: b\n\na: c\n", 3),
    ("a: b!\n", 1),
])
def test_manifest_errors(text, lineno):
    with pytest.raises(ManifestError) as info:
        parse_manifest(text)
    assert info.value.lineno == lineno
    assert str(info.value).startswith(f"line {lineno}:")


def test_round_trip(monorepo, monorepo_text):
    text = format_manifest(monorepo)
    again = parse_manifest(text)
    assert again.targets() == monorepo.targets()
    assert list(again.edges()) == list(monorepo.edges())
    assert all(again.attrs(n) == monorepo.attrs(n) for n in monorepo)


def test_format_selected_targets():
    g = parse_manifest(MANIFEST)
    assert format_manifest(g, ["lib/net", "app"]) == (
        "lib/net: lib/core\n"
        "app: lib/net lib/core ; cost=40 tier=gold\n"
    )
    assert format_manifest(parse_manifest("")) == ""
