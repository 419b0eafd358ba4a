import numpy as np
import pytest

from sensorkit import SensorSeries, hampel_filter, hampel_flags, iqr_flags, zscore_flags
from sensorkit.outliers import mask_outliers


def test_hampel_finds_injected_spikes(greenhouse):
    series, spikes = greenhouse(1440, seed=3, spikes=8)
    flags = hampel_flags(series, 31, n_sigmas=3.5)
    assert set(spikes.tolist()) <= set(np.flatnonzero(flags).tolist())
    assert flags.sum() <= len(spikes) + 3


def test_zscore_finds_injected_spikes(greenhouse):
    series, spikes = greenhouse(1440, seed=5, spikes=6)
    flags = zscore_flags(series, 31, threshold=3.0)
    assert set(spikes.tolist()) <= set(np.flatnonzero(flags).tolist())
    assert flags.sum() <= len(spikes) + 10


def test_clean_signal_has_no_outliers():
    t = np.arange(500, dtype=float)
    values = 10.0 + np.sin(t / 40.0)
    assert not hampel_flags(values, 11).any()
    assert not zscore_flags(values, 11).any()


def test_missing_samples_are_never_flagged(small_day):
    missing = np.isnan(small_day.values)
    assert missing.any()
    for flags in (hampel_flags(small_day, 9), zscore_flags(small_day, 9), iqr_flags(small_day)):
        assert not flags[missing].any()


def test_constant_window_is_not_flagged_by_zscore():
    values = np.array([5.0] * 20 + [5.5] + [5.0] * 20)
    flags = zscore_flags(values, 5)
    assert flags.sum() == 0


def test_hampel_filter_replaces_spikes_with_median():
    values = np.array([1.0, 1.1, 0.9, 1.0, 50.0, 1.05, 0.95, 1.0, 1.1])
    series = SensorSeries.regular("s", 0.0, 1.0, values, unit="V")
    cleaned, flags = hampel_filter(series, 5)
    assert flags.tolist() == [False] * 4 + [True] + [False] * 4
    assert cleaned.values[4] == pytest.approx(1.0)
    np.testing.assert_array_equal(cleaned.values[~flags], values[~flags])
    assert cleaned.unit == "V"
    with pytest.raises(TypeError):
        hampel_filter(values, 5)


def test_iqr_flags():
    values = np.array([10.0, 11.0, 9.5, 10.5, 10.2, 30.0, np.nan, 9.8])
    assert np.flatnonzero(iqr_flags(values)).tolist() == [5]
    assert not iqr_flags(np.array([np.nan, np.nan])).any()


def test_mask_outliers_sets_nan():
    s = SensorSeries.regular("s", 0.0, 1.0, [1.0, 2.0, 3.0])
    masked = mask_outliers(s, [False, True, False])
    assert np.isnan(masked.values[1])
    with pytest.raises(ValueError):
        mask_outliers(s, [True])


@pytest.mark.parametrize(
    "call",
    [
        lambda v: hampel_flags(v, 2),
        lambda v: hampel_flags(v, 5, n_sigmas=0),
        lambda v: zscore_flags(v, 5, threshold=-1),
        lambda v: iqr_flags(v, k=-0.5),
        lambda v: zscore_flags(np.zeros((2, 5)), 3),
    ],
)
def test_invalid_arguments(call):
    with pytest.raises(ValueError):
        call(np.arange(10.0))
