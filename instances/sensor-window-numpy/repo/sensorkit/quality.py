"""Data-quality checks: gaps, stuck sensors and an overall report."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .outliers import hampel_flags
from .series import SensorSeries
from .window import rolling_max, rolling_min


@dataclass(frozen=True)
class Gap:
    """A stretch without samples between ``start`` and ``end`` (seconds)."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def find_gaps(series: SensorSeries, max_interval: float) -> list[Gap]:
    """Intervals where consecutive samples are more than ``max_interval`` apart."""
    if max_interval <= 0:
        raise ValueError("max_interval must be positive")
    ts = series.timestamps
    if ts.size < 2:
        return []
    where = np.flatnonzero(np.diff(ts) > max_interval)
    return [Gap(float(ts[i]), float(ts[i + 1])) for i in where]


def flatline_mask(series: SensorSeries, window: int, tolerance: float = 0.0) -> np.ndarray:
    """Flag samples belonging to a *flatline*: a stuck sensor repeating one reading.

    A trailing window of ``window`` samples whose range (max - min) is at most
    ``tolerance`` marks all of its samples as flat.
    """
    if window < 2:
        raise ValueError("window must be at least 2")
    if tolerance < 0:
        raise ValueError("tolerance must be non-negative")
    values = series.values
    spread = rolling_max(values, window) - rolling_min(values, window)
    with np.errstate(invalid="ignore"):
        ends = np.flatnonzero(spread <= tolerance)
    mask = np.zeros(values.size, dtype=bool)
    if ends.size:
        # mark window [end - window + 1, end] for every flat window end
        delta = np.zeros(values.size + 1, dtype=np.int64)
        np.add.at(delta, ends - window + 1, 1)
        np.add.at(delta, ends + 1, -1)
        mask = np.cumsum(delta[:-1]) > 0
    return mask


@dataclass(frozen=True)
class QualityReport:
    """Summary of the health of one sensor recording."""

    sensor_id: str
    n_samples: int
    missing_fraction: float
    n_gaps: int
    longest_gap: float
    outlier_fraction: float
    flatline_fraction: float

    @property
    def ok(self) -> bool:
        """A recording is usable when it is mostly present, clean and moving."""
        return (
            self.missing_fraction < 0.1
            and self.outlier_fraction < 0.02
            and self.flatline_fraction < 0.05
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "sensor_id": self.sensor_id,
            "n_samples": self.n_samples,
            "missing_fraction": self.missing_fraction,
            "n_gaps": self.n_gaps,
            "longest_gap": self.longest_gap,
            "outlier_fraction": self.outlier_fraction,
            "flatline_fraction": self.flatline_fraction,
            "ok": self.ok,
        }


def assess(
    series: SensorSeries,
    expected_interval: float | None = None,
    outlier_window: int = 31,
    flatline_window: int = 60,
    flatline_tolerance: float = 0.0,
) -> QualityReport:
    """Compute a :class:`QualityReport` for ``series``.

    ``expected_interval`` defaults to the median sampling interval; a gap is any
    spacing longer than 2.5 times it.
    """
    n = len(series)
    if n == 0:
        return QualityReport(series.sensor_id, 0, 0.0, 0, 0.0, 0.0, 0.0)
    if expected_interval is None:
        expected_interval = series.sampling_interval() if n > 1 else 1.0
    gaps = find_gaps(series, 2.5 * expected_interval)
    outliers = hampel_flags(series, outlier_window) if n >= 3 else np.zeros(n, bool)
    flat = (
        flatline_mask(series, flatline_window, flatline_tolerance)
        if n >= flatline_window
        else np.zeros(n, dtype=bool)
    )
    return QualityReport(
        sensor_id=series.sensor_id,
        n_samples=n,
        missing_fraction=series.missing_fraction(),
        n_gaps=len(gaps),
        longest_gap=max((g.duration for g in gaps), default=0.0),
        outlier_fraction=float(outliers.mean()),
        flatline_fraction=float(flat.mean()),
    )
