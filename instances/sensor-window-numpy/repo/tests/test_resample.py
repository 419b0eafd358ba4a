import numpy as np
import pytest

from sensorkit import SensorSeries, interpolate_gaps, resample_mean


def test_resample_mean_bins_and_labels():
    s = SensorSeries("x", [0.0, 10.0, 65.0, 70.0, 190.0], [1.0, 3.0, 5.0, np.nan, 7.0], "ppm")
    out = resample_mean(s, 60.0)
    assert out.timestamps.tolist() == [0.0, 60.0, 120.0, 180.0]
    np.testing.assert_allclose(out.values, [2.0, 5.0, np.nan, 7.0])
    assert out.unit == "ppm"


def test_resample_origin_and_min_count():
    s = SensorSeries("x", [100.0, 130.0, 170.0], [1.0, 2.0, 4.0])
    out = resample_mean(s, 60.0, origin=90.0, min_count=2)
    assert out.timestamps.tolist() == [90.0, 150.0]
    np.testing.assert_allclose(out.values, [1.5, np.nan])
    with pytest.raises(ValueError):
        resample_mean(s, 60.0, origin=120.0)
    with pytest.raises(ValueError):
        resample_mean(s, 0.0)


def test_resample_keeps_daily_mean(greenhouse):
    series, _ = greenhouse(1440, seed=1)
    hourly = resample_mean(series, 3600.0)
    assert len(hourly) in (24, 25)
    weights = np.bincount(np.floor((series.timestamps - hourly.start) / 3600).astype(int))
    overall = np.average(hourly.values, weights=weights)
    assert overall == pytest.approx(series.values.mean())


def test_resample_empty_series():
    assert len(resample_mean(SensorSeries("e", [], []), 10.0)) == 0


def test_interpolate_short_gaps_only():
    values = [1.0, np.nan, 3.0, np.nan, np.nan, np.nan, np.nan, 8.0, np.nan]
    s = SensorSeries.regular("x", 0.0, 10.0, values)
    out = interpolate_gaps(s, max_gap=30.0)
    np.testing.assert_allclose(out.values[:3], [1.0, 2.0, 3.0])
    assert np.isnan(out.values[3:7]).all()
    assert out.values[7] == 8.0
    assert np.isnan(out.values[8])
    wide = interpolate_gaps(s, max_gap=100.0)
    np.testing.assert_allclose(wide.values[2:8], [3.0, 4.0, 5.0, 6.0, 7.0, 8.0])


def test_interpolate_without_missing_is_identity(small_day):
    clean = small_day.dropna()
    np.testing.assert_array_equal(interpolate_gaps(clean, 600.0).values, clean.values)
    with pytest.raises(ValueError):
        interpolate_gaps(clean, -1.0)
