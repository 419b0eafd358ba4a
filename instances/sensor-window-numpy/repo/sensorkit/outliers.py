"""Outlier (spike) detection for sensor signals.

Every detector returns a boolean mask that is ``True`` where a sample is
considered an outlier.  Missing samples are never flagged.  Detectors accept a
:class:`~sensorkit.series.SensorSeries` or a plain array of values.
"""

from __future__ import annotations

import numpy as np

from .series import SensorSeries
from .window import rolling_mad, rolling_mean, rolling_median, rolling_std

#: Factor turning a median absolute deviation into a standard-deviation estimate
#: for normally distributed data.
MAD_TO_SIGMA = 1.4826


def _values_of(data) -> np.ndarray:
    if isinstance(data, SensorSeries):
        return data.values
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError("expected a one-dimensional array of samples")
    return arr


def _check_window(window: int) -> None:
    if window < 3:
        raise ValueError("outlier windows need at least 3 samples")


def zscore_flags(
    data,
    window: int,
    threshold: float = 3.0,
    min_periods: int | None = None,
) -> np.ndarray:
    """Flag samples more than ``threshold`` rolling standard deviations from the rolling mean.

    The window is centred on each sample.  ``min_periods`` defaults to half the
    window, so samples near the ends of the recording are still checked.
    Samples whose window has zero spread are never flagged.
    """
    _check_window(window)
    if threshold <= 0:
        raise ValueError("threshold must be positive")
    values = _values_of(data)
    if min_periods is None:
        min_periods = max(2, window // 2)
    mean = rolling_mean(values, window, min_periods=min_periods, center=True)
    std = rolling_std(values, window, min_periods=min_periods, center=True)
    with np.errstate(invalid="ignore"):
        flags = np.abs(values - mean) > threshold * std
    return flags & (std > 0)


def hampel_flags(
    data,
    window: int,
    n_sigmas: float = 3.0,
    min_periods: int | None = None,
) -> np.ndarray:
    """Hampel identifier: flag samples far from the rolling median.

    A sample is an outlier when it differs from the median of its centred
    window by more than ``n_sigmas`` robust standard deviations
    (``MAD_TO_SIGMA`` times the window's median absolute deviation).  Being based
    on medians, it is not fooled by the spikes it is looking for.
    """
    _check_window(window)
    if n_sigmas <= 0:
        raise ValueError("n_sigmas must be positive")
    values = _values_of(data)
    if min_periods is None:
        min_periods = window // 2 + 1
    median = rolling_median(values, window, min_periods=min_periods, center=True)
    mad = rolling_mad(values, window, min_periods=min_periods, center=True)
    with np.errstate(invalid="ignore"):
        flags = np.abs(values - median) > n_sigmas * MAD_TO_SIGMA * mad
    return flags


def hampel_filter(
    series: SensorSeries,
    window: int,
    n_sigmas: float = 3.0,
) -> tuple[SensorSeries, np.ndarray]:
    """Replace Hampel outliers by their window median.

    Returns the cleaned series and the mask of replaced samples.
    """
    if not isinstance(series, SensorSeries):
        raise TypeError("hampel_filter expects a SensorSeries")
    flags = hampel_flags(series, window, n_sigmas)
    median = rolling_median(
        series.values, window, min_periods=window // 2 + 1, center=True
    )
    cleaned = np.where(flags, median, series.values)
    return series.with_values(cleaned), flags


def iqr_flags(data, k: float = 1.5) -> np.ndarray:
    """Flag samples outside ``[Q1 - k*IQR, Q3 + k*IQR]`` of the whole recording.

    A global (non-rolling) rule, useful for sensors without a daily cycle.
    """
    if k < 0:
        raise ValueError("k must be non-negative")
    values = _values_of(data)
    valid = values[~np.isnan(values)]
    if valid.size == 0:
        return np.zeros(values.shape, dtype=bool)
    q1, q3 = np.percentile(valid, [25.0, 75.0])
    spread = q3 - q1
    with np.errstate(invalid="ignore"):
        return (values < q1 - k * spread) | (values > q3 + k * spread)


def mask_outliers(series: SensorSeries, flags: np.ndarray) -> SensorSeries:
    """The series with flagged samples set to NaN (missing)."""
    flags = np.asarray(flags, dtype=bool)
    if flags.shape != series.values.shape:
        raise ValueError("mask and series differ in length")
    return series.with_values(np.where(flags, np.nan, series.values))
