"""Section-scoped access to settings.

Components usually only care about their own section; handing them a
view keeps them from reaching into unrelated settings::

    db = settings.view("database")
    connect(db.get("host"), db.get_int("port"))
"""

from .keys import join_key, split_key

_MISSING = object()


class SettingsView:
    """Read-only access to the keys of ``settings`` under ``prefix``."""

    def __init__(self, settings, prefix):
        split_key(prefix)
        self._settings = settings
        self.prefix = prefix

    def _key(self, key):
        return join_key(self.prefix, key)

    def _call(self, method, key, default):
        getter = getattr(self._settings, method)
        if default is _MISSING:
            return getter(self._key(key))
        return getter(self._key(key), default)

    def get(self, key, default=_MISSING):
        return self._call("get", key, default)

    def get_int(self, key, default=_MISSING):
        return self._call("get_int", key, default)

    def get_float(self, key, default=_MISSING):
        return self._call("get_float", key, default)

    def get_bool(self, key, default=_MISSING):
        return self._call("get_bool", key, default)

    def get_list(self, key, default=_MISSING):
        return self._call("get_list", key, default)

    def get_duration(self, key, default=_MISSING):
        return self._call("get_duration", key, default)

    def get_size(self, key, default=_MISSING):
        return self._call("get_size", key, default)

    def __getitem__(self, key):
        return self.get(key)

    def __contains__(self, key):
        return self._key(key) in self._settings

    def keys(self):
        """Keys of this section, relative to it."""
        start = len(self.prefix) + 1
        return [key[start:] for key in self._settings.keys(self.prefix)]

    def as_dict(self):
        """Resolved values of this section as a nested dictionary."""
        from .merge import unflatten

        return unflatten(self._settings.section(self.prefix))

    def view(self, prefix):
        """A view of a sub-section."""
        return SettingsView(self._settings, self._key(prefix))

    def __repr__(self):
        return f"<SettingsView {self.prefix!r}>"
