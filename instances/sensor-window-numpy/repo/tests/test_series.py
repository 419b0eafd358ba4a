import numpy as np
import pytest

from sensorkit import SensorSeries


def test_regular_constructor():
    s = SensorSeries.regular("probe", 100.0, 10.0, [1.0, 2.0, 3.0], unit="C")
    assert s.timestamps.tolist() == [100.0, 110.0, 120.0]
    assert s.unit == "degC"
    assert len(s) == 3
    assert s.duration == 20.0
    assert s.sampling_interval() == 10.0
    assert repr(s) == "SensorSeries('probe', n=3 [degC])"


def test_validation():
    with pytest.raises(ValueError, match="differ in length"):
        SensorSeries("x", [0.0, 1.0], [1.0])
    with pytest.raises(ValueError, match="strictly increasing"):
        SensorSeries("x", [0.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        SensorSeries("x", [0.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="finite or NaN"):
        SensorSeries("x", [0.0, 1.0], [1.0, np.inf])
    with pytest.raises(KeyError):
        SensorSeries("x", [0.0], [1.0], unit="parsec")


def test_arrays_are_copied_and_read_only():
    values = np.array([1.0, 2.0])
    s = SensorSeries("x", [0.0, 1.0], values)
    values[0] = 100.0
    assert s.values[0] == 1.0
    with pytest.raises(ValueError):
        s.values[0] = 5.0


def test_between_and_dropna(small_day):
    start = small_day.start + 3600.0
    part = small_day.between(start, start + 7200.0)
    assert len(part) == 24
    assert part.timestamps[0] == start
    clean = small_day.dropna()
    assert not np.isnan(clean.values).any()
    assert len(clean) == len(small_day) - int(np.isnan(small_day.values).sum())


def test_missing_fraction_and_describe():
    s = SensorSeries("x", [0.0, 1.0, 2.0, 3.0], [1.0, np.nan, 3.0, 5.0])
    assert s.missing_fraction() == 0.25
    d = s.describe()
    assert d["count"] == 3
    assert d["mean"] == pytest.approx(3.0)
    assert d["std"] == pytest.approx(2.0)
    assert (d["min"], d["max"]) == (1.0, 5.0)
    empty = SensorSeries("e", [], [])
    assert empty.describe()["count"] == 0
    assert empty.missing_fraction() == 0.0


def test_unit_conversion():
    s = SensorSeries("x", [0.0, 1.0], [20.0, 25.0], "degC")
    f = s.to("degF")
    assert f.unit == "degF"
    np.testing.assert_allclose(f.values, [68.0, 77.0])
    with pytest.raises(ValueError):
        SensorSeries("y", [0.0], [1.0]).to("degC")
