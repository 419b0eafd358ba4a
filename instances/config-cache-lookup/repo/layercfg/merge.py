"""Combining the nested dictionaries produced by the layers."""

import copy


def deep_merge(base, override):
    """Return a new nested dict with ``override`` applied on top of ``base``.

    Sections are merged recursively; a value replaces a value.  A value
    may not replace a section or the other way round, since that almost
    always means a typo in one of the files.

    >>> deep_merge({"a": {"b": "1", "c": "2"}}, {"a": {"c": "3"}})
    {'a': {'b': '1', 'c': '3'}}
    """
    result = copy.deepcopy(base)
    _merge_into(result, override, "")
    return result


def _merge_into(target, override, prefix):
    for name, value in override.items():
        path = f"{prefix}.{name}" if prefix else name
        current = target.get(name)
        if isinstance(value, dict):
            if current is None:
                target[name] = copy.deepcopy(value)
            elif isinstance(current, dict):
                _merge_into(current, value, path)
            else:
                raise TypeError(f"{path!r} is a value in a lower layer but a section here")
        else:
            if isinstance(current, dict):
                raise TypeError(f"{path!r} is a section in a lower layer but a value here")
            target[name] = value


def flatten(tree, prefix=""):
    """Turn a nested dict into ``{dotted key: value}``.

    >>> flatten({"a": {"b": "1"}, "c": "2"})
    {'a.b': '1', 'c': '2'}
    """
    flat = {}
    for name, value in tree.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict):
            flat.update(flatten(value, key))
        else:
            flat[key] = value
    return flat


def unflatten(flat):
    """Inverse of :func:`flatten`."""
    tree = {}
    for key, value in flat.items():
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree
