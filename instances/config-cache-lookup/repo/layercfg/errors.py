"""Exceptions raised by layercfg."""


class ConfigError(Exception):
    """Base class of every error raised by this package."""


class ParseError(ConfigError):
    """A configuration text could not be parsed."""

    def __init__(self, source, line, message):
        super().__init__(f"{source}:{line}: {message}")
        self.source = source
        self.line = line
        self.message = message


class MissingKeyError(ConfigError, KeyError):
    """A key is not defined in any layer."""

    def __init__(self, key, referenced_from=None):
        message = f"no setting named {key!r}"
        if referenced_from:
            message += f" (referenced from {referenced_from!r})"
        super().__init__(message)
        self.key = key
        self.referenced_from = referenced_from

    def __str__(self):
        return self.args[0]


class InterpolationError(ConfigError):
    """A ``${...}`` reference is malformed or circular."""

    def __init__(self, key, message):
        super().__init__(f"{key}: {message}")
        self.key = key


class ConversionError(ConfigError, ValueError):
    """A value could not be converted to the requested type."""

    def __init__(self, key, value, wanted):
        super().__init__(f"{key}: cannot convert {value!r} to {wanted}")
        self.key = key
        self.value = value
        self.wanted = wanted
