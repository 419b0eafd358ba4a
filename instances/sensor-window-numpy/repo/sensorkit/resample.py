"""Putting irregular sensor data on a regular time grid."""

from __future__ import annotations

import numpy as np

from .series import SensorSeries


def _grid_origin(series: SensorSeries, interval: float, origin: float | None) -> float:
    if origin is not None:
        return float(origin)
    # align bins to multiples of the interval, like a wall clock would
    return float(np.floor(series.start / interval) * interval)


def resample_mean(
    series: SensorSeries,
    interval: float,
    origin: float | None = None,
    min_count: int = 1,
) -> SensorSeries:
    """Average the samples falling into consecutive bins of ``interval`` seconds.

    Bins are half-open ``[t, t + interval)`` and labelled by their start time.
    Bins with fewer than ``min_count`` valid samples are NaN; empty bins between
    the first and the last sample are kept (as NaN) so the output is regular.
    """
    if interval <= 0:
        raise ValueError("interval must be positive")
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    if len(series) == 0:
        return SensorSeries(series.sensor_id, [], [], series.unit)
    t0 = _grid_origin(series, interval, origin)
    if t0 > series.start:
        raise ValueError("origin must not be after the first sample")
    bins = np.floor((series.timestamps - t0) / interval).astype(np.int64)
    n_bins = int(bins[-1]) + 1
    valid = ~np.isnan(series.values)
    counts = np.bincount(bins[valid], minlength=n_bins)
    sums = np.bincount(bins[valid], weights=series.values[valid], minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    means[counts < min_count] = np.nan
    first = int(bins[0])
    stamps = t0 + interval * np.arange(first, n_bins, dtype=np.float64)
    return SensorSeries(series.sensor_id, stamps, means[first:], series.unit)


def interpolate_gaps(series: SensorSeries, max_gap: float) -> SensorSeries:
    """Linearly interpolate missing samples inside short gaps.

    A run of missing samples is filled when the valid samples on either side
    are at most ``max_gap`` seconds apart.  Leading and trailing missing
    samples, and longer gaps, stay NaN.
    """
    if max_gap <= 0:
        raise ValueError("max_gap must be positive")
    values = series.values
    missing = np.isnan(values)
    if not missing.any() or missing.all():
        return series.with_values(values)
    ts = series.timestamps
    valid_idx = np.flatnonzero(~missing)
    filled = np.interp(ts, ts[valid_idx], values[valid_idx])
    # for each missing sample find the valid neighbours around it
    right = np.searchsorted(valid_idx, np.arange(values.size), side="right")
    left = right - 1
    inside = (left >= 0) & (right < valid_idx.size)
    span = np.full(values.size, np.inf)
    span[inside] = ts[valid_idx[right[inside]]] - ts[valid_idx[left[inside]]]
    fill = missing & (span <= max_gap)
    return series.with_values(np.where(fill, filled, values))
