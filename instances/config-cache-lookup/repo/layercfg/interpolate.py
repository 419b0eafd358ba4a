"""``${...}`` references inside values.

Supported forms:

``${section.key}``
    the resolved value of another setting;
``${.key}``
    a setting in the same section as the value being resolved
    (``${..key}`` goes one section up);
``${section.key:-fallback}``
    like the first form, but ``fallback`` is used when the key is not
    defined anywhere (the fallback may itself contain references);
``$$``
    a literal dollar sign.

A ``$`` followed by anything else is kept as is, so shell snippets such as
``$HOME`` survive untouched.
"""

from .errors import InterpolationError, MissingKeyError
from .keys import parent_of, split_key


def absolute_key(reference, current_key):
    """Resolve a possibly relative ``reference`` seen in ``current_key``.

    >>> absolute_key(".port", "server.url")
    'server.port'
    >>> absolute_key("..name", "app.server.url")
    'app.name'
    >>> absolute_key("paths.root", "server.url")
    'paths.root'
    """
    if not reference.startswith("."):
        return reference
    dots = len(reference) - len(reference.lstrip("."))
    base = parent_of(current_key)
    for _ in range(dots - 1):
        if not base:
            raise InterpolationError(current_key, f"reference {reference!r} climbs above the top level")
        base = parent_of(base)
    name = reference[dots:]
    return f"{base}.{name}" if base else name


def find_references(value):
    """Yield ``(start, end, body)`` for every ``${body}`` in ``value``.

    ``$$`` escapes are skipped.  Nested braces inside a fallback are
    balanced, so ``${a:-${b}}`` is a single reference.
    """
    i = 0
    length = len(value)
    while i < length:
        if value[i] != "$" or i + 1 >= length:
            i += 1
            continue
        following = value[i + 1]
        if following == "$":
            i += 2
            continue
        if following != "{":
            i += 1
            continue
        depth = 0
        j = i + 1
        while j < length:
            if value[j] == "{":
                depth += 1
            elif value[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= length:
            raise InterpolationError("?", f"unterminated reference in {value!r}")
        yield i, j + 1, value[i + 2 : j]
        i = j + 1


def interpolate(value, current_key, lookup):
    """Return ``value`` with every reference replaced.

    ``lookup(key)`` must return the fully resolved value of ``key`` or
    raise :class:`~layercfg.errors.MissingKeyError`; cycle detection is
    the caller's business since only it knows what is being resolved.
    """
    if "$" not in value:
        return value
    pieces = []
    last = 0
    try:
        references = list(find_references(value))
    except InterpolationError as exc:
        raise InterpolationError(current_key, str(exc).split(": ", 1)[1]) from None
    for start, end, body in references:
        pieces.append(value[last:start].replace("$$", "$"))
        name, sep, fallback = body.partition(":-")
        name = name.strip()
        if not name:
            raise InterpolationError(current_key, "empty reference '${}'")
        target = absolute_key(name, current_key)
        try:
            split_key(target)
        except ValueError:
            raise InterpolationError(current_key, f"invalid reference {name!r}") from None
        try:
            pieces.append(lookup(target))
        except MissingKeyError as exc:
            if not sep or exc.key != target:
                if exc.referenced_from is None:
                    raise MissingKeyError(target, current_key) from None
                raise
            pieces.append(interpolate(fallback, current_key, lookup))
        last = end
    pieces.append(value[last:].replace("$$", "$"))
    return "".join(pieces)
