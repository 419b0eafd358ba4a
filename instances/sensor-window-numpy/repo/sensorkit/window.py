"""Rolling-window statistics over evenly indexed samples.

All functions take a one-dimensional array (or anything :func:`numpy.asarray`
accepts, including a :class:`~sensorkit.series.SensorSeries`' ``values``) and
return an array of the same length.  Windows are counted in *samples*, not in
seconds; resample irregular data first (see :mod:`sensorkit.resample`).

Conventions shared by every function:

* ``window`` is the number of samples in a window (``>= 1``).
* By default the window *trails* the output position: the value at ``i`` uses
  samples ``i - window + 1 .. i``.  With ``center=True`` it uses samples
  ``i - (window - 1) // 2 .. i + window // 2``.  Windows are truncated at the
  ends of the array.
* NaN samples are ignored.  A position whose window holds fewer than
  ``min_periods`` valid samples gets NaN.  ``min_periods`` defaults to
  ``window``, so the first ``window - 1`` outputs of a trailing window are NaN,
  like :meth:`pandas.Series.rolling`.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def _prepare(values, window: int, min_periods: int | None) -> tuple[np.ndarray, int, int]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError("rolling statistics need a one-dimensional array")
    if int(window) != window or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
    window = int(window)
    if min_periods is None:
        min_periods = window
    if not 0 <= min_periods <= window:
        raise ValueError(f"min_periods must be between 0 and window ({window})")
    return arr, window, int(min_periods)


def window_bounds(n: int, window: int, center: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Start (inclusive) and stop (exclusive) sample index of each of ``n`` windows.

    >>> start, stop = window_bounds(4, 3)
    >>> start.tolist(), stop.tolist()
    ([0, 0, 0, 1], [1, 2, 3, 4])
    """
    if window < 1:
        raise ValueError("window must be positive")
    idx = np.arange(n, dtype=np.int64)
    first = idx - ((window - 1) // 2 if center else window - 1)
    start = np.clip(first, 0, n)
    stop = np.clip(first + window, 0, n)
    return start, stop


def _rolling(
    values,
    window: int,
    reducer: Callable[[np.ndarray], float],
    min_periods: int | None,
    center: bool,
    min_count: int = 1,
) -> np.ndarray:
    """Apply ``reducer`` to the valid samples of every window.

    ``min_count`` is the least number of valid samples the statistic itself
    needs (e.g. 2 for a sample standard deviation); it applies on top of
    ``min_periods``.
    """
    arr, window, min_periods = _prepare(values, window, min_periods)
    n = arr.size
    start, stop = window_bounds(n, window, center)
    need = max(min_periods, min_count)
    out = np.full(n, np.nan)
    for i in range(n):
        seg = arr[start[i] : stop[i]]
        seg = seg[~np.isnan(seg)]
        if seg.size >= need:
            out[i] = reducer(seg)
    return out


def rolling_count(values, window: int, center: bool = False) -> np.ndarray:
    """Number of valid (non-NaN) samples in each window, as float64."""
    return _rolling(values, window, lambda seg: float(seg.size), 0, center, min_count=0)


def rolling_sum(
    values, window: int, min_periods: int | None = None, center: bool = False
) -> np.ndarray:
    """Sum of the valid samples in each window."""
    return _rolling(values, window, np.sum, min_periods, center)


def rolling_mean(
    values, window: int, min_periods: int | None = None, center: bool = False
) -> np.ndarray:
    """Mean of the valid samples in each window (a moving average)."""
    return _rolling(values, window, np.mean, min_periods, center)


def rolling_var(
    values,
    window: int,
    min_periods: int | None = None,
    center: bool = False,
    ddof: int = 1,
) -> np.ndarray:
    """Variance of the valid samples in each window.

    ``ddof=1`` (the default) gives the unbiased sample variance; windows with
    ``ddof`` or fewer valid samples are NaN.
    """
    if ddof < 0:
        raise ValueError("ddof must be non-negative")
    return _rolling(
        values, window, lambda seg: seg.var(ddof=ddof), min_periods, center, ddof + 1
    )


def rolling_std(
    values,
    window: int,
    min_periods: int | None = None,
    center: bool = False,
    ddof: int = 1,
) -> np.ndarray:
    """Standard deviation of the valid samples in each window (see :func:`rolling_var`)."""
    return np.sqrt(rolling_var(values, window, min_periods, center, ddof))


def rolling_min(
    values, window: int, min_periods: int | None = None, center: bool = False
) -> np.ndarray:
    """Smallest valid sample in each window."""
    return _rolling(values, window, np.min, min_periods, center)


def rolling_max(
    values, window: int, min_periods: int | None = None, center: bool = False
) -> np.ndarray:
    """Largest valid sample in each window."""
    return _rolling(values, window, np.max, min_periods, center)


def rolling_median(
    values, window: int, min_periods: int | None = None, center: bool = False
) -> np.ndarray:
    """Median of the valid samples in each window."""
    return _rolling(values, window, np.median, min_periods, center)


def _mad(seg: np.ndarray) -> float:
    return np.median(np.abs(seg - np.median(seg)))


def rolling_mad(
    values, window: int, min_periods: int | None = None, center: bool = False
) -> np.ndarray:
    """Median absolute deviation from the window median (unscaled).

    Multiply by 1.4826 to estimate the standard deviation of normally
    distributed data.
    """
    return _rolling(values, window, _mad, min_periods, center)
