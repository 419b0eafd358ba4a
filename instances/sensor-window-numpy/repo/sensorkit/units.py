"""Physical units used by the sensors we support, and conversions between them.

Every unit belongs to a *dimension* (temperature, pressure, ...) and is related to
the dimension's base unit by an affine map ``base = value * scale + offset``.
Only conversions within one dimension are allowed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class UnitDef(NamedTuple):
    """Definition of one unit relative to the base unit of its dimension."""

    dimension: str
    scale: float
    offset: float = 0.0


_UNITS: dict[str, UnitDef] = {
    # temperature, base: kelvin
    "K": UnitDef("temperature", 1.0),
    "degC": UnitDef("temperature", 1.0, 273.15),
    "degF": UnitDef("temperature", 5.0 / 9.0, 273.15 - 32.0 * 5.0 / 9.0),
    # pressure, base: pascal
    "Pa": UnitDef("pressure", 1.0),
    "hPa": UnitDef("pressure", 100.0),
    "kPa": UnitDef("pressure", 1000.0),
    "bar": UnitDef("pressure", 1.0e5),
    "psi": UnitDef("pressure", 6894.757293168361),
    # relative humidity, base: percent
    "%RH": UnitDef("humidity", 1.0),
    "fracRH": UnitDef("humidity", 100.0),
    # gas concentration, base: parts per million
    "ppm": UnitDef("concentration", 1.0),
    "ppb": UnitDef("concentration", 1.0e-3),
    # electrical potential, base: volt
    "V": UnitDef("voltage", 1.0),
    "mV": UnitDef("voltage", 1.0e-3),
}

_ALIASES: dict[str, str] = {
    "C": "degC",
    "°C": "degC",
    "F": "degF",
    "°F": "degF",
    "kelvin": "K",
    "mbar": "hPa",
    "%": "%RH",
}


def canonical(unit: str) -> str:
    """Return the canonical spelling of ``unit`` (resolving aliases such as ``"°C"``)."""
    name = _ALIASES.get(unit, unit)
    if name not in _UNITS:
        raise KeyError(f"unknown unit {unit!r}")
    return name


def is_known(unit: str) -> bool:
    """Whether ``unit`` (or an alias of it) is a supported unit."""
    return _ALIASES.get(unit, unit) in _UNITS


def dimension_of(unit: str) -> str:
    """The physical dimension (``"temperature"``, ``"pressure"``, ...) of ``unit``."""
    return _UNITS[canonical(unit)].dimension


def units_of(dimension: str) -> list[str]:
    """All canonical units of a dimension, sorted by name."""
    return sorted(name for name, d in _UNITS.items() if d.dimension == dimension)


def convert(values, from_unit: str, to_unit: str) -> np.ndarray:
    """Convert ``values`` from ``from_unit`` to ``to_unit``.

    NaN samples stay NaN.  Raises :class:`ValueError` when the units measure
    different dimensions and :class:`KeyError` for unknown units.

    >>> float(convert([100.0], "degC", "degF")[0])
    212.0
    """
    src = _UNITS[canonical(from_unit)]
    dst = _UNITS[canonical(to_unit)]
    if src.dimension != dst.dimension:
        raise ValueError(
            f"cannot convert {src.dimension} ({from_unit}) to {dst.dimension} ({to_unit})"
        )
    arr = np.asarray(values, dtype=np.float64)
    if src == dst:
        return arr.copy()
    base = arr * src.scale + src.offset
    return (base - dst.offset) / dst.scale


def convert_delta(values, from_unit: str, to_unit: str) -> np.ndarray:
    """Convert *differences* (e.g. a standard deviation) between units.

    Unlike :func:`convert` this ignores the offsets, so a spread of 1 degC is
    a spread of 1.8 degF.
    """
    src = _UNITS[canonical(from_unit)]
    dst = _UNITS[canonical(to_unit)]
    if src.dimension != dst.dimension:
        raise ValueError(
            f"cannot convert {src.dimension} ({from_unit}) to {dst.dimension} ({to_unit})"
        )
    return np.asarray(values, dtype=np.float64) * (src.scale / dst.scale)
