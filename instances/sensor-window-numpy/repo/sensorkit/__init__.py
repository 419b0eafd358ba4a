"""sensorkit: small toolkit for cleaning and summarising environmental sensor data.

The package works on :class:`~sensorkit.series.SensorSeries` objects (a sensor id,
timestamps in seconds and float samples) or on plain NumPy arrays, and offers

* unit handling (:mod:`sensorkit.units`),
* rolling-window statistics (:mod:`sensorkit.window`),
* outlier detection (:mod:`sensorkit.outliers`),
* resampling and gap filling (:mod:`sensorkit.resample`),
* data-quality assessment (:mod:`sensorkit.quality`).
"""

from .series import SensorSeries
from .units import convert, dimension_of
from .window import (
    rolling_count,
    rolling_max,
    rolling_mad,
    rolling_mean,
    rolling_median,
    rolling_min,
    rolling_std,
    rolling_sum,
    rolling_var,
    window_bounds,
)
from .outliers import hampel_filter, hampel_flags, iqr_flags, zscore_flags
from .resample import interpolate_gaps, resample_mean
from .quality import Gap, QualityReport, assess, find_gaps, flatline_mask

__version__ = "0.7.2"

__all__ = [
    "SensorSeries",
    "convert",
    "dimension_of",
    "rolling_count",
    "rolling_max",
    "rolling_mad",
    "rolling_mean",
    "rolling_median",
    "rolling_min",
    "rolling_std",
    "rolling_sum",
    "rolling_var",
    "window_bounds",
    "hampel_filter",
    "hampel_flags",
    "iqr_flags",
    "zscore_flags",
    "interpolate_gaps",
    "resample_mean",
    "Gap",
    "QualityReport",
    "assess",
    "find_gaps",
    "flatline_mask",
]
