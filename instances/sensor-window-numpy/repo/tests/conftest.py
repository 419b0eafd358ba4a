"""Shared fixtures: synthetic but realistic greenhouse sensor recordings."""

import numpy as np
import pytest

from sensorkit import SensorSeries

DAY = 86_400.0


def _greenhouse_temperature(n, interval=60.0, seed=0, spikes=0, missing=0.0):
    """Air temperature with a daily cycle, slow weather drift and sensor noise.

    Returns the series and the indices of the injected spikes.
    """
    rng = np.random.default_rng(seed)
    t = 1_700_000_000.0 + interval * np.arange(n)
    phase = 2 * np.pi * (t % DAY) / DAY
    drift = np.cumsum(rng.normal(0.0, 0.01, n))
    values = 21.0 + 4.0 * np.sin(phase - 2.0) + drift + rng.normal(0.0, 0.15, n)
    spike_idx = np.array([], dtype=np.int64)
    if spikes:
        spike_idx = np.sort(rng.choice(np.arange(20, n - 20), size=spikes, replace=False))
        values[spike_idx] += rng.choice([-1.0, 1.0], size=spikes) * rng.uniform(6.0, 12.0, spikes)
    if missing:
        holes = rng.random(n) < missing
        holes[spike_idx] = False
        values[holes] = np.nan
    return SensorSeries("greenhouse-3/air-temp", t, values, "degC"), spike_idx


@pytest.fixture
def greenhouse():
    """Factory for greenhouse temperature recordings: ``greenhouse(n, **options)``."""
    return _greenhouse_temperature


@pytest.fixture
def small_day(greenhouse):
    """One day at 5-minute resolution with a handful of spikes and dropouts."""
    series, _ = greenhouse(288, interval=300.0, seed=7, spikes=4, missing=0.02)
    return series
