"""The :class:`SensorSeries` container."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import units as _units


@dataclass(frozen=True, eq=False)
class SensorSeries:
    """Samples of one sensor channel.

    Attributes
    ----------
    sensor_id:
        Free-form identifier, e.g. ``"greenhouse-3/temp"``.
    timestamps:
        Sample times in seconds (any epoch), strictly increasing, finite.
    values:
        Samples as float64; missing readings are NaN.
    unit:
        Unit of ``values`` (see :mod:`sensorkit.units`), or ``""`` if unknown.
    """

    sensor_id: str
    timestamps: np.ndarray
    values: np.ndarray
    unit: str = ""

    def __post_init__(self) -> None:
        ts = np.array(self.timestamps, dtype=np.float64, copy=True)
        vals = np.array(self.values, dtype=np.float64, copy=True)
        if ts.ndim != 1 or vals.ndim != 1:
            raise ValueError("timestamps and values must be one-dimensional")
        if ts.shape != vals.shape:
            raise ValueError(
                f"timestamps ({ts.size}) and values ({vals.size}) differ in length"
            )
        if not np.all(np.isfinite(ts)):
            raise ValueError("timestamps must be finite")
        if ts.size > 1 and np.any(np.diff(ts) <= 0):
            raise ValueError("timestamps must be strictly increasing")
        if np.any(np.isinf(vals)):
            raise ValueError("values must be finite or NaN")
        unit = _units.canonical(self.unit) if self.unit else ""
        ts.flags.writeable = False
        vals.flags.writeable = False
        object.__setattr__(self, "timestamps", ts)
        object.__setattr__(self, "values", vals)
        object.__setattr__(self, "unit", unit)

    # ------------------------------------------------------------------ creation
    @classmethod
    def regular(
        cls, sensor_id: str, start: float, interval: float, values, unit: str = ""
    ) -> "SensorSeries":
        """Build a series sampled every ``interval`` seconds from ``start``."""
        if interval <= 0:
            raise ValueError("interval must be positive")
        vals = np.asarray(values, dtype=np.float64)
        ts = start + interval * np.arange(vals.size, dtype=np.float64)
        return cls(sensor_id, ts, vals, unit)

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        return int(self.values.size)

    def __repr__(self) -> str:
        unit = f" [{self.unit}]" if self.unit else ""
        return f"SensorSeries({self.sensor_id!r}, n={len(self)}{unit})"

    @property
    def start(self) -> float:
        """Time of the first sample (NaN for an empty series)."""
        return float(self.timestamps[0]) if len(self) else float("nan")

    @property
    def end(self) -> float:
        """Time of the last sample (NaN for an empty series)."""
        return float(self.timestamps[-1]) if len(self) else float("nan")

    @property
    def duration(self) -> float:
        """Seconds between first and last sample (0 for fewer than two samples)."""
        return self.end - self.start if len(self) > 1 else 0.0

    def sampling_interval(self) -> float:
        """Typical spacing between samples: the median of the time differences."""
        if len(self) < 2:
            raise ValueError("need at least two samples to estimate the interval")
        return float(np.median(np.diff(self.timestamps)))

    def missing_mask(self) -> np.ndarray:
        """Boolean mask of missing (NaN) samples."""
        return np.isnan(self.values)

    def missing_fraction(self) -> float:
        """Fraction of samples that are missing (0 for an empty series)."""
        return float(self.missing_mask().mean()) if len(self) else 0.0

    # ------------------------------------------------------------------ derived series
    def with_values(self, values, unit: str | None = None) -> "SensorSeries":
        """Same timestamps and id, new values (and optionally a new unit)."""
        return SensorSeries(
            self.sensor_id, self.timestamps, values, self.unit if unit is None else unit
        )

    def between(self, start: float, end: float) -> "SensorSeries":
        """Samples with ``start <= t < end``."""
        lo, hi = np.searchsorted(self.timestamps, [start, end], side="left")
        return SensorSeries(
            self.sensor_id, self.timestamps[lo:hi], self.values[lo:hi], self.unit
        )

    def dropna(self) -> "SensorSeries":
        """The series without its missing samples."""
        keep = ~self.missing_mask()
        return SensorSeries(
            self.sensor_id, self.timestamps[keep], self.values[keep], self.unit
        )

    def to(self, unit: str) -> "SensorSeries":
        """The series converted to another unit of the same dimension."""
        if not self.unit:
            raise ValueError(f"{self.sensor_id}: series has no unit to convert from")
        return self.with_values(_units.convert(self.values, self.unit, unit), unit)

    def describe(self) -> dict[str, float]:
        """Basic summary statistics of the non-missing values."""
        valid = self.values[~self.missing_mask()]
        if valid.size == 0:
            nan = float("nan")
            return {"count": 0, "mean": nan, "std": nan, "min": nan, "max": nan}
        return {
            "count": int(valid.size),
            "mean": float(valid.mean()),
            "std": float(valid.std(ddof=1)) if valid.size > 1 else float("nan"),
            "min": float(valid.min()),
            "max": float(valid.max()),
        }
