"""layercfg: layered application settings with ``${...}`` interpolation.

Settings are assembled from *layers* ordered from lowest to highest
priority, typically::

    defaults shipped with the application   (TextLayer)
    the site's configuration file           (TextLayer)
    environment variables                   (EnvLayer)
    command line / runtime overrides        (MappingLayer)

A value in a higher layer replaces the value of the same key in the
layers below it.  Values are strings that may refer to other keys with
``${section.key}``; references are resolved against the merged view, so a
path defined in the defaults follows a root directory overridden by the
site file.

>>> from layercfg import Settings, TextLayer
>>> s = Settings(TextLayer("defaults", "[paths]\\nroot = /srv\\nlogs = ${paths.root}/log\\n"))
>>> s.get("paths.logs")
'/srv/log'
"""

from .errors import (
    ConfigError,
    ConversionError,
    InterpolationError,
    MissingKeyError,
    ParseError,
)
from .layers import EnvLayer, Layer, MappingLayer, TextLayer
from .settings import Settings
from .views import SettingsView

__all__ = [
    "ConfigError",
    "ConversionError",
    "EnvLayer",
    "InterpolationError",
    "Layer",
    "MappingLayer",
    "MissingKeyError",
    "ParseError",
    "Settings",
    "SettingsView",
    "TextLayer",
]

__version__ = "1.3.0"
