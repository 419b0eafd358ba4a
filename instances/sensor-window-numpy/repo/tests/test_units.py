import numpy as np
import pytest

from sensorkit import convert, dimension_of
from sensorkit.units import canonical, convert_delta, is_known, units_of


def test_temperature_fixed_points():
    np.testing.assert_allclose(convert([0.0, 100.0], "degC", "degF"), [32.0, 212.0])
    np.testing.assert_allclose(convert([0.0], "degC", "K"), [273.15])
    np.testing.assert_allclose(convert([-40.0], "degF", "degC"), [-40.0])


def test_pressure_conversions():
    np.testing.assert_allclose(convert([1013.25], "hPa", "kPa"), [101.325])
    np.testing.assert_allclose(convert([1.0], "bar", "psi"), [14.503773773], rtol=1e-9)


def test_roundtrip_keeps_nan():
    values = np.array([12.5, np.nan, -3.0])
    back = convert(convert(values, "degC", "degF"), "degF", "degC")
    np.testing.assert_allclose(back, values)
    assert np.isnan(back[1])


def test_same_unit_returns_copy():
    values = np.array([1.0, 2.0])
    out = convert(values, "V", "V")
    out[0] = 9.0
    assert values[0] == 1.0


def test_aliases_and_dimensions():
    assert canonical("°C") == "degC"
    assert canonical("mbar") == "hPa"
    assert dimension_of("psi") == "pressure"
    assert is_known("%")
    assert not is_known("furlong")
    assert units_of("voltage") == ["V", "mV"]


def test_incompatible_and_unknown_units():
    with pytest.raises(ValueError, match="temperature"):
        convert([1.0], "degC", "Pa")
    with pytest.raises(KeyError):
        convert([1.0], "degC", "degR")


def test_delta_ignores_offset():
    np.testing.assert_allclose(convert_delta([1.0, 2.0], "degC", "degF"), [1.8, 3.6])
    np.testing.assert_allclose(convert_delta([5.0], "degC", "K"), [5.0])
