"""Indented JSON text for the reports, the same characters as `json.dumps(value, indent=2,
ensure_ascii=False)` at a third of its CPU.

The standard library's encoder has no C path once `indent` is given (CPython before 3.14):
each value goes through a chain of generators. A report is only dicts, lists, strings,
numbers, booleans and None, so a plain recursive writer does; strings still go through the
C `encode_basestring`. Anything else (another type, a key that is not a string, a cycle, a
tree deeper than the writer goes) is handed to `json.dumps` whole, so the text never
differs. `dumps_converted` writes a tree whose other values a converter turns into plain
ones as they are met (the report's dataclasses, without building their plain tree first).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

# Deeper trees go to `json.dumps` (a report is about 10 levels deep).
MAX_DEPTH = 64


class Unsupported(Exception):
    """A value this writer leaves to `json.dumps` (or a converter could not convert)."""


Convert = Callable[[Any], Any]
_PLAIN = frozenset({str, dict, list, tuple, int, float, bool, type(None)})


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, character for character."""
    parts: list[str] = []
    try:
        _write(value, parts, 0, None)
    except Unsupported:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(parts)


def dumps_converted(value: Any, convert: Convert) -> str:
    """`dumps_indented` of `value` with every value of another type replaced by
    `convert(value)` (one level: what it returns is written, converted again where needed)
    as it is met. Raises `Unsupported` when `convert` does, or returns another type."""
    parts: list[str] = []
    _write(value, parts, 0, convert)
    return "".join(parts)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _write(value: Any, parts: list[str], depth: int, convert: Convert | None) -> None:
    """Append the text of `value`, its nested lines indented for `depth`."""
    kind = type(value)
    if convert is not None and kind not in _PLAIN:
        value = convert(value)
        kind = type(value)
        if kind not in _PLAIN:
            raise Unsupported
    if kind is str:
        parts.append(encode_basestring(value))
    elif kind is dict:
        _write_dict(value, parts, depth, convert)
    elif kind is list or kind is tuple:
        _write_list(value, parts, depth, convert)
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is float:
        parts.append(_float(value))
    else:
        raise Unsupported


# A key's text and the `": "` after it, by key: a report repeats a few hundred keys (the
# first `MAX_KEYS` met are kept).
MAX_KEYS = 4096
_KEYS: dict[str, str] = {}


def _opening(parts: list[str], depth: int, brackets: str, empty: bool) -> tuple[str, str] | None:
    """What goes before a container's first item (its opening bracket and indent) and
    between its items; None for an empty container, written whole."""
    if empty:
        parts.append(brackets)
        return None
    if depth >= MAX_DEPTH:
        raise Unsupported
    inner = "\n" + "  " * (depth + 1)
    return brackets[0] + inner, "," + inner


def _write_dict(value: dict[Any, Any], parts: list[str], depth: int,
                convert: Convert | None) -> None:
    indents = _opening(parts, depth, "{}", not value)
    if indents is None:
        return
    lead, separator = indents
    add = parts.append
    keys = _KEYS
    for key, item in value.items():
        if type(key) is not str:
            raise Unsupported
        text = keys.get(key)
        if text is None:
            text = encode_basestring(key) + ": "
            if len(keys) < MAX_KEYS:
                keys[key] = text
        if type(item) is str:
            add(lead + text + encode_basestring(item))
        else:
            add(lead + text)
            _write(item, parts, depth + 1, convert)
        lead = separator
    add("\n" + "  " * depth + "}")


def _write_list(value: list[Any] | tuple[Any, ...], parts: list[str], depth: int,
                convert: Convert | None) -> None:
    indents = _opening(parts, depth, "[]", not value)
    if indents is None:
        return
    lead, separator = indents
    add = parts.append
    for item in value:
        if type(item) is str:
            add(lead + encode_basestring(item))
        else:
            add(lead)
            _write(item, parts, depth + 1, convert)
        lead = separator
    add("\n" + "  " * depth + "]")
