"""tickbars: turn trade ticks into feature-enriched intraday bars with pandas.

>>> from tickbars import replay, BuilderConfig
>>> builder = replay(ticks, BuilderConfig(freq="5min"))   # doctest: +SKIP
>>> builder.panel.head()                                  # doctest: +SKIP
"""

from .bars import BAR_COLUMNS, time_bars, volume_bars
from .features import (
    FEATURE_COLUMNS,
    add_features,
    add_order_flow,
    add_realized_vol,
    add_returns,
    add_vwap_gap,
)
from .pipeline import PANEL_COLUMNS, BarBuilder, BuilderConfig, replay, split_sessions
from .schema import TickSchemaError, normalize_ticks, signed_size
from .sessions import Session

__version__ = "0.9.1"

__all__ = [
    "BAR_COLUMNS",
    "FEATURE_COLUMNS",
    "PANEL_COLUMNS",
    "BarBuilder",
    "BuilderConfig",
    "Session",
    "TickSchemaError",
    "add_features",
    "add_order_flow",
    "add_realized_vol",
    "add_returns",
    "add_vwap_gap",
    "normalize_ticks",
    "replay",
    "signed_size",
    "split_sessions",
    "time_bars",
    "volume_bars",
]
