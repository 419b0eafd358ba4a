"""The merged, interpolated view over a stack of layers."""

from . import convert
from .errors import InterpolationError, MissingKeyError
from .interpolate import interpolate
from .keys import is_under, split_key
from .layers import MappingLayer
from .merge import deep_merge, flatten, unflatten
from .parser import dump_ini

_MISSING = object()
_NOT_FOUND = object()


class Settings:
    """Layered settings.

    ``layers`` are given from lowest to highest priority.  On top of them
    sits an implicit :class:`~layercfg.layers.MappingLayer` named
    ``"overrides"`` that :meth:`set` writes to, so runtime overrides
    always win.

    Lookups always reflect the current state of the layers: changing a
    layer (``MappingLayer.set``, ``TextLayer.update``), adding or removing
    one is visible to the next :meth:`get`.
    """

    OVERRIDES = "overrides"

    def __init__(self, *layers):
        self._layers = []
        self._overrides = MappingLayer(self.OVERRIDES)
        self._resolving = []
        for layer in layers:
            self.add_layer(layer)

    # -- managing layers -------------------------------------------------

    def add_layer(self, layer, *, below=None):
        """Add ``layer`` on top of the existing ones (below the overrides).

        With ``below="name"`` the layer is inserted just under the layer of
        that name instead.
        """
        if layer.name == self.OVERRIDES or any(l.name == layer.name for l in self._layers):
            raise ValueError(f"there is already a layer named {layer.name!r}")
        if below is None:
            self._layers.append(layer)
        else:
            self._layers.insert(self._index(below), layer)
        return layer

    def remove_layer(self, name):
        """Remove and return the layer called ``name``."""
        return self._layers.pop(self._index(name))

    def layer(self, name):
        """Return the layer called ``name``."""
        if name == self.OVERRIDES:
            return self._overrides
        return self._layers[self._index(name)]

    @property
    def layers(self):
        """All layers from lowest to highest priority, overrides last."""
        return tuple(self._layers) + (self._overrides,)

    def _index(self, name):
        for index, layer in enumerate(self._layers):
            if layer.name == name:
                return index
        raise KeyError(f"no layer named {name!r}")

    def set(self, key, value):
        """Override ``key`` at runtime (stored in the ``overrides`` layer)."""
        self._overrides.set(key, value)

    def unset(self, key):
        """Drop a runtime override; missing overrides are ignored."""
        if key in self._overrides:
            self._overrides.unset(key)

    # -- lookups ---------------------------------------------------------

    def _merged(self):
        """Return ``{dotted key: raw value}`` with all layers applied."""
        tree = {}
        for layer in self.layers:
            try:
                tree = deep_merge(tree, layer.data())
            except TypeError as exc:
                raise InterpolationError(layer.name, str(exc)) from None
        return flatten(tree)

    def raw(self, key):
        """Return the value of ``key`` before interpolation."""
        flat = self._merged()
        try:
            return flat[key]
        except KeyError:
            raise MissingKeyError(key) from None

    def get(self, key, default=_MISSING):
        """Return the resolved string value of ``key``.

        Raises :class:`~layercfg.errors.MissingKeyError` when the key is
        not defined and no ``default`` is given; a default is returned as
        is, without interpolation.
        """
        split_key(key)
        flat = self._merged()
        if key not in flat:
            if default is _MISSING:
                raise MissingKeyError(key)
            return default
        if key in self._resolving:
            cycle = self._resolving[self._resolving.index(key) :] + [key]
            raise InterpolationError(key, "circular reference: " + " -> ".join(cycle))
        self._resolving.append(key)
        try:
            return interpolate(flat[key], key, self.get)
        finally:
            self._resolving.pop()

    def __getitem__(self, key):
        return self.get(key)

    def __contains__(self, key):
        return key in self._merged()

    def _typed(self, key, default, converter):
        value = self.get(key, _NOT_FOUND)
        if value is _NOT_FOUND:
            if default is _MISSING:
                raise MissingKeyError(key)
            return default
        return converter(key, value)

    def get_int(self, key, default=_MISSING):
        return self._typed(key, default, convert.to_int)

    def get_float(self, key, default=_MISSING):
        return self._typed(key, default, convert.to_float)

    def get_bool(self, key, default=_MISSING):
        return self._typed(key, default, convert.to_bool)

    def get_list(self, key, default=_MISSING):
        return self._typed(key, default, convert.to_list)

    def get_duration(self, key, default=_MISSING):
        """Seconds as a float, see :func:`layercfg.convert.to_duration`."""
        return self._typed(key, default, convert.to_duration)

    def get_size(self, key, default=_MISSING):
        """Bytes as an int, see :func:`layercfg.convert.to_size`."""
        return self._typed(key, default, convert.to_size)

    # -- bulk access -----------------------------------------------------

    def keys(self, prefix=""):
        """Sorted dotted keys, optionally only those inside ``prefix``."""
        return sorted(key for key in self._merged() if is_under(key, prefix))

    def section(self, prefix):
        """Resolved values inside section ``prefix``, keyed relative to it."""
        if prefix:
            split_key(prefix)
        start = len(prefix) + 1 if prefix else 0
        return {key[start:]: self.get(key) for key in self.keys(prefix) if key != prefix}

    def as_dict(self):
        """All resolved settings as a nested dictionary."""
        return unflatten({key: self.get(key) for key in self.keys()})

    def explain(self, key):
        """Describe where ``key`` comes from.

        Returns a list of ``(layer name, raw value)`` for every layer that
        defines the key, lowest first; the last entry is the one in effect.
        """
        split_key(key)
        found = []
        for layer in self.layers:
            flat = layer.flat()
            if key in flat:
                found.append((layer.name, flat[key]))
        return found

    def dump(self, resolved=True):
        """Write all settings in the INI-like syntax, resolved by default."""
        if resolved:
            return dump_ini({key: self.get(key) for key in self.keys()})
        return dump_ini(self._merged())

    def view(self, prefix):
        """Return a :class:`~layercfg.views.SettingsView` scoped to ``prefix``."""
        from .views import SettingsView

        return SettingsView(self, prefix)
