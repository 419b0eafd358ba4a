import numpy as np
import pytest

from sensorkit import Gap, SensorSeries, assess, find_gaps, flatline_mask


def test_find_gaps():
    s = SensorSeries("x", [0.0, 60.0, 120.0, 600.0, 660.0, 2000.0], np.ones(6))
    gaps = find_gaps(s, 150.0)
    assert gaps == [Gap(120.0, 600.0), Gap(660.0, 2000.0)]
    assert gaps[1].duration == 1340.0
    assert find_gaps(SensorSeries("y", [0.0], [1.0]), 10.0) == []


def test_flatline_mask_marks_whole_stuck_stretch():
    values = np.concatenate([np.linspace(0.0, 1.0, 10), np.full(6, 2.0), np.linspace(3.0, 4.0, 10)])
    s = SensorSeries.regular("x", 0.0, 1.0, values)
    mask = flatline_mask(s, 4)
    assert np.flatnonzero(mask).tolist() == list(range(10, 16))
    assert not flatline_mask(s, 7).any()
    with pytest.raises(ValueError):
        flatline_mask(s, 1)


def test_flatline_tolerance():
    values = np.array([1.0, 1.01, 0.99, 1.0, 1.02, 5.0, 6.0])
    s = SensorSeries.regular("x", 0.0, 1.0, values)
    assert not flatline_mask(s, 3).any()
    assert flatline_mask(s, 3, tolerance=0.05)[:5].all()


def test_assess_healthy_recording(greenhouse):
    series, _ = greenhouse(720, seed=11, spikes=3, missing=0.01)
    report = assess(series)
    assert report.n_samples == 720
    assert report.n_gaps == 0
    assert 0 < report.outlier_fraction < 0.02
    assert report.flatline_fraction == 0.0
    assert report.ok
    assert report.as_dict()["ok"] is True


def test_assess_detects_problems(greenhouse):
    series, _ = greenhouse(720, seed=12)
    values = series.values.copy()
    values[100:300] = values[100]  # stuck sensor
    ts = series.timestamps.copy()
    ts[400:] += 3600.0  # one hour outage
    broken = SensorSeries(series.sensor_id, ts, values, series.unit)
    report = assess(broken)
    assert report.n_gaps == 1
    assert report.longest_gap == pytest.approx(3660.0)
    assert report.flatline_fraction == pytest.approx(200 / 720)
    assert not report.ok


def test_assess_empty():
    report = assess(SensorSeries("e", [], []))
    assert report.n_samples == 0 and report.ok
