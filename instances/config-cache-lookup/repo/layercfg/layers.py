"""Sources of settings.

Every layer exposes its settings as a nested dictionary of strings through
:meth:`Layer.data`.  Layers are ordered inside a
:class:`~layercfg.settings.Settings`; the layer added last wins.
"""

from .keys import is_valid_part, split_key
from .merge import flatten, unflatten
from .parser import parse_ini


class Layer:
    """Base class of all layers.

    Subclasses implement :meth:`data`; the returned dictionary belongs to
    the caller, who may modify it freely.
    """

    def __init__(self, name):
        if not name:
            raise ValueError("a layer needs a name")
        self.name = name

    def data(self):
        """Return the settings of this layer as a nested dictionary."""
        raise NotImplementedError

    def flat(self):
        """Return the settings of this layer as ``{dotted key: value}``."""
        return flatten(self.data())

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}>"


class TextLayer(Layer):
    """Settings written in the INI-like syntax of :mod:`layercfg.parser`.

    The text is parsed when the layer is created so that syntax errors are
    reported early, and :meth:`update` replaces it (for example after the
    file was edited and reloaded).
    """

    def __init__(self, name, text, source=None):
        super().__init__(name)
        self.source = source or name
        parse_ini(text, self.source)  # fail early on syntax errors
        self._text = text

    @property
    def text(self):
        """The configuration text of this layer."""
        return self._text

    def update(self, text):
        """Replace the text of the layer; raises on syntax errors."""
        parse_ini(text, self.source)
        self._text = text

    def data(self):
        return parse_ini(self._text, self.source)


class MappingLayer(Layer):
    """Settings held in memory, typically runtime overrides.

    ``values`` may be nested (``{"server": {"port": "80"}}``) or use dotted
    keys (``{"server.port": "80"}``).  It is copied: later changes must go
    through :meth:`set` and :meth:`unset`.  Values are stored as strings.
    """

    def __init__(self, name, values=None):
        super().__init__(name)
        self._flat = {}
        for key, value in flatten(dict(values or {})).items():
            self.set(key, value)

    def set(self, key, value):
        """Set ``key`` (a dotted key) to ``value`` converted to a string."""
        split_key(key)
        for existing in self._flat:
            if existing.startswith(key + ".") or key.startswith(existing + "."):
                raise ValueError(f"{key!r} conflicts with {existing!r} in layer {self.name!r}")
        if isinstance(value, bool):
            value = "true" if value else "false"
        self._flat[key] = str(value)

    def unset(self, key):
        """Remove ``key`` from this layer (lower layers show through again)."""
        del self._flat[key]

    def __contains__(self, key):
        return key in self._flat

    def __len__(self):
        return len(self._flat)

    def data(self):
        return unflatten(self._flat)


class EnvLayer(Layer):
    """Settings taken from environment variables.

    With the default prefix ``APP_`` the variable ``APP_SERVER__PORT``
    sets ``server.port``: the prefix is removed, ``__`` separates the parts
    of the key and the name is lower-cased.  Variables that do not form a
    valid key are ignored.

    ``environ`` is read once, when the layer is created; pass
    ``os.environ`` in applications and a plain dict in tests.
    """

    def __init__(self, environ, prefix="APP_", name="environment", separator="__"):
        super().__init__(name)
        if not prefix:
            raise ValueError("an environment layer needs a prefix")
        self.prefix = prefix
        self.separator = separator
        self._environ = {k: v for k, v in environ.items() if k.startswith(prefix)}

    def variable_for(self, key):
        """Return the variable name that would set ``key``."""
        return self.prefix + self.separator.join(split_key(key)).upper()

    def data(self):
        values = {}
        for variable, value in self._environ.items():
            parts = variable[len(self.prefix) :].lower().split(self.separator)
            if not all(is_valid_part(part) for part in parts):
                continue
            values[".".join(parts)] = value
        # A variable naming a section (APP_DB=...) next to one inside it
        # (APP_DB__HOST=...) cannot both apply; the more specific one wins.
        for key in sorted(values, key=len):
            if any(other.startswith(key + ".") for other in values):
                del values[key]
        return unflatten(values)
