import pytest

from invtrack import InvalidSKU, is_valid_sku, make_sku, normalize_sku
from invtrack.sku import category_of, check_character


def test_check_character_is_stable():
    assert check_character("HWD", 42) == "1"
    assert make_sku("HWD", 42) == "HWD-00042-1"


def test_check_character_can_be_x():
    found = [n for n in range(200) if check_character("ELC", n) == "X"]
    assert found, "some item number must produce the X check character"
    sku = make_sku("ELC", found[0])
    assert sku.endswith("-X")
    assert normalize_sku(sku.lower()) == sku


def test_make_sku_normalises_category():
    assert make_sku(" grd ", 7).startswith("GRD-00007-")


@pytest.mark.parametrize("category", ["AB", "ABCD", "A1C", ""])
def test_make_sku_rejects_bad_category(category):
    with pytest.raises(InvalidSKU):
        make_sku(category, 1)


@pytest.mark.parametrize("number", [-1, 100000])
def test_make_sku_rejects_bad_number(number):
    with pytest.raises(InvalidSKU):
        make_sku("ABC", number)


@pytest.mark.parametrize(
    "raw",
    ["HWD-00042-1", "hwd-00042-1", " HWD 00042 1 ", "hwd_00042_1", "HWD.00042/1", "hwd000421"],
)
def test_normalize_accepts_common_spellings(raw):
    assert normalize_sku(raw) == "HWD-00042-1"


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("HWD-00042-2", "check character"),
        ("HWD-00024-1", "check character"),
        ("HW-00042-1", "expected the form"),
        ("HWD-0042-1", "expected the form"),
        ("", "expected the form"),
    ],
)
def test_normalize_rejects(raw, reason):
    with pytest.raises(InvalidSKU) as info:
        normalize_sku(raw)
    assert reason in info.value.reason
    assert info.value.raw == raw


def test_normalize_rejects_non_strings():
    with pytest.raises(InvalidSKU):
        normalize_sku(42)


def test_transposition_is_detected():
    sku = make_sku("TOY", 12345)
    swapped = sku[:4] + "21345" + sku[9:]
    assert not is_valid_sku(swapped)


def test_is_valid_sku_and_category():
    assert is_valid_sku("HWD-00042-1")
    assert not is_valid_sku("nonsense")
    assert category_of("HWD-00042-1") == "HWD"
