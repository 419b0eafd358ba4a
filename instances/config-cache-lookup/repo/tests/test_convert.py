import pytest

from layercfg import ConversionError
from layercfg import convert


@pytest.mark.parametrize("text, expected", [("yes", True), ("On", True), ("1", True), ("off", False), ("", False), (" F ", False)])
def test_bool(text, expected):
    assert convert.to_bool("k", text) is expected


def test_bool_rejects():
    with pytest.raises(ConversionError) as info:
        convert.to_bool("feature.x", "maybe")
    assert info.value.key == "feature.x"
    assert "a boolean" in str(info.value)


@pytest.mark.parametrize("text, expected", [("42", 42), ("-7", -7), ("0x1F", 31), ("1_000", 1000), ("0o17", 15)])
def test_int(text, expected):
    assert convert.to_int("k", text) == expected


def test_int_and_float_reject():
    with pytest.raises(ConversionError):
        convert.to_int("k", "4.5")
    with pytest.raises(ConversionError):
        convert.to_float("k", "fast")
    assert convert.to_float("k", " 2.5 ") == 2.5


def test_list():
    assert convert.to_list("k", "a, b,,c\n d") == ["a", "b", "c", "d"]
    assert convert.to_list("k", "") == []
    assert convert.to_list("k", "a:b", separator=":") == ["a", "b"]


@pytest.mark.parametrize(
    "text, seconds",
    [("90", 90.0), ("1.5s", 1.5), ("250ms", 0.25), ("1h30m", 5400.0), ("2d", 172800.0), ("1w 1d", 691200.0)],
)
def test_duration(text, seconds):
    assert convert.to_duration("k", text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "soon", "5x", "1h 30", "m5"])
def test_duration_rejects(text):
    with pytest.raises(ConversionError):
        convert.to_duration("k", text)


@pytest.mark.parametrize(
    "text, size",
    [("512", 512), ("64k", 65536), ("10MiB", 10485760), ("1kB", 1000), ("1.5GB", 1500000000), ("2G", 2 * 1024**3), ("7b", 7)],
)
def test_size(text, size):
    assert convert.to_size("k", text) == size


@pytest.mark.parametrize("text", ["", "lots", "10 parsecs", "-1k"])
def test_size_rejects(text):
    with pytest.raises(ConversionError):
        convert.to_size("k", text)
