import math
import statistics

import numpy as np
import pytest

from sensorkit import (
    rolling_count,
    rolling_mad,
    rolling_max,
    rolling_mean,
    rolling_median,
    rolling_min,
    rolling_std,
    rolling_sum,
    rolling_var,
    window_bounds,
)

NAN = float("nan")


def reference(values, window, func, min_periods=None, center=False, min_count=1):
    """Slow, obviously correct rolling statistic on Python lists."""
    if min_periods is None:
        min_periods = window
    n = len(values)
    left = (window - 1) // 2 if center else window - 1
    out = []
    for i in range(n):
        lo, hi = max(0, i - left), min(n, i - left + window)
        seg = [v for v in values[max(lo, 0):max(hi, 0)] if not math.isnan(v)]
        out.append(func(seg) if len(seg) >= max(min_periods, min_count) else NAN)
    return np.array(out)


def _mad(seg):
    med = statistics.median(seg)
    return statistics.median(abs(v - med) for v in seg)


STATS = [
    (rolling_sum, math.fsum, {}, 1),
    (rolling_mean, statistics.fmean, {}, 1),
    (rolling_var, statistics.variance, {}, 2),
    (rolling_std, statistics.stdev, {}, 2),
    (rolling_min, min, {}, 1),
    (rolling_max, max, {}, 1),
    (rolling_median, statistics.median, {}, 1),
    (rolling_mad, _mad, {}, 1),
]


def test_window_bounds_trailing_and_centered():
    start, stop = window_bounds(5, 3)
    assert start.tolist() == [0, 0, 0, 1, 2]
    assert stop.tolist() == [1, 2, 3, 4, 5]
    start, stop = window_bounds(5, 4, center=True)
    assert start.tolist() == [0, 0, 1, 2, 3]
    assert stop.tolist() == [3, 4, 5, 5, 5]


def test_rolling_mean_small_example():
    out = rolling_mean([1.0, 2.0, 3.0, 4.0, 5.0], 3)
    np.testing.assert_allclose(out, [NAN, NAN, 2.0, 3.0, 4.0])
    out = rolling_mean([1.0, 2.0, 3.0, 4.0, 5.0], 3, min_periods=1)
    np.testing.assert_allclose(out, [1.0, 1.5, 2.0, 3.0, 4.0])
    out = rolling_mean([1.0, 2.0, 3.0, 4.0, 5.0], 3, min_periods=2, center=True)
    np.testing.assert_allclose(out, [1.5, 2.0, 3.0, 4.0, 4.5])


def test_nan_samples_are_skipped():
    values = [1.0, NAN, 3.0, NAN, NAN, 6.0]
    np.testing.assert_allclose(
        rolling_sum(values, 2, min_periods=1), [1.0, 1.0, 3.0, 3.0, NAN, 6.0]
    )
    np.testing.assert_array_equal(rolling_count(values, 2), [1, 1, 1, 1, 0, 1])


def test_extremes_and_median():
    values = [4.0, 1.0, 7.0, 3.0, 9.0, 2.0]
    np.testing.assert_array_equal(rolling_min(values, 3)[2:], [1.0, 1.0, 3.0, 2.0])
    np.testing.assert_array_equal(rolling_max(values, 3)[2:], [7.0, 7.0, 9.0, 9.0])
    np.testing.assert_array_equal(rolling_median(values, 3)[2:], [4.0, 3.0, 7.0, 3.0])
    np.testing.assert_array_equal(rolling_median(values, 4)[3:], [3.5, 5.0, 5.0])


def test_mad_of_symmetric_window():
    out = rolling_mad([1.0, 2.0, 3.0, 4.0, 100.0], 5)
    assert out[-1] == 1.0


@pytest.mark.parametrize("func,ref,kwargs,min_count", STATS)
@pytest.mark.parametrize("window", [1, 2, 5, 8])
@pytest.mark.parametrize("center", [False, True])
def test_matches_reference_on_noisy_data(func, ref, kwargs, min_count, window, center):
    rng = np.random.default_rng(window * 10 + center)
    values = rng.normal(20.0, 3.0, 60)
    values[rng.random(60) < 0.15] = np.nan
    values = values.tolist()
    min_periods = max(1, window // 2)
    got = func(values, window, min_periods=min_periods, center=center, **kwargs)
    want = reference(values, window, ref, min_periods, center, min_count)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, equal_nan=True)


def test_variance_ddof():
    values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
    assert rolling_var(values, 8, ddof=0)[-1] == pytest.approx(4.0)
    assert rolling_std(values, 8, ddof=0)[-1] == pytest.approx(2.0)
    assert rolling_var(values, 8)[-1] == pytest.approx(32.0 / 7.0)
    # a single valid sample has no sample variance
    assert np.isnan(rolling_var([1.0, NAN], 2, min_periods=1)[1])
    with pytest.raises(ValueError):
        rolling_var(values, 3, ddof=-1)


def test_window_longer_than_data():
    out = rolling_mean([1.0, 2.0, 3.0], 10, min_periods=1)
    np.testing.assert_allclose(out, [1.0, 1.5, 2.0])
    assert np.isnan(rolling_mean([1.0, 2.0, 3.0], 10)).all()


def test_all_missing_and_empty_input():
    assert np.isnan(rolling_median([NAN, NAN, NAN], 2, min_periods=1)).all()
    assert rolling_mean([], 3).shape == (0,)


def test_accepts_series_values(small_day):
    out = rolling_mean(small_day.values, 12, min_periods=6)
    assert out.shape == small_day.values.shape
    assert np.nanmax(np.abs(out - np.nanmean(small_day.values))) < 8.0


@pytest.mark.parametrize("window,min_periods", [(0, None), (2.5, None), (3, 4), (3, -1)])
def test_invalid_arguments(window, min_periods):
    with pytest.raises(ValueError):
        rolling_mean([1.0, 2.0, 3.0], window, min_periods=min_periods)


def test_rejects_two_dimensional_input():
    with pytest.raises(ValueError):
        rolling_max(np.zeros((3, 3)), 2)
