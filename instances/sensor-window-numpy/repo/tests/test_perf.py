"""Workloads at realistic sizes: days of one-minute readings from one probe."""

import numpy as np

from sensorkit import assess, hampel_filter, zscore_flags


def test_hampel_filter_day_of_minutes(greenhouse):
    series, spikes = greenhouse(1440, interval=60.0, seed=21, spikes=12, missing=0.01)
    cleaned, flags = hampel_filter(series, 41, n_sigmas=3.5)
    assert set(spikes.tolist()) <= set(np.flatnonzero(flags).tolist())
    assert np.nanmax(np.abs(cleaned.values - 21.0)) < 9.0


def test_zscore_flags_four_days_of_minutes(greenhouse):
    series, spikes = greenhouse(6000, interval=60.0, seed=22, spikes=30, missing=0.02)
    flags = zscore_flags(series, 61, threshold=3.5)
    assert set(spikes.tolist()) <= set(np.flatnonzero(flags).tolist())
    assert flags.sum() < len(spikes) + 20


def test_assess_long_recording(greenhouse):
    series, _ = greenhouse(2000, interval=60.0, seed=23, spikes=10, missing=0.01)
    report = assess(series, outlier_window=31)
    assert report.n_gaps == 0
    assert report.flatline_fraction == 0.0
    assert report.ok
