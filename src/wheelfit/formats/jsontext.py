"""`json.dumps(value, indent=2, ensure_ascii=False)`, the same text, faster.

With `indent`, the standard library falls back to its pure-Python encoder, whose nested
generators pass every piece of text up through each level of the tree. Here one recursive
function appends pieces to a list and leaves strings to the C escaper (the one `json` uses).
Only the JSON types the reports are made of are written here (dict with text keys, list,
tuple, str, int, float, bool, None); for anything else the standard encoder writes the
whole document, so the text never differs from `json.dumps`.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

_FLOATS = {float("inf"): "Infinity", float("-inf"): "-Infinity"}


class _Unusual(Exception):
    """A value this writer leaves to `json.dumps`."""


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`."""
    out: list[str] = []
    try:
        _write(value, "\n", out, set())
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(out)


def _write(value: Any, newline: str, out: list[str], seen: set[int]) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        _enter(value, seen)
        inner = newline + "  "
        head = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            out.append(head + encode_basestring(key) + ": ")
            head = "," + inner
            _write(item, inner, out, seen)
        out.append(newline + "}")
        seen.discard(id(value))
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        _enter(value, seen)
        inner = newline + "  "
        head = "[" + inner
        for item in value:
            out.append(head)
            head = "," + inner
            _write(item, inner, out, seen)
        out.append(newline + "]")
        seen.discard(id(value))
    else:
        out.append(_scalar(value))


def _enter(container: Any, seen: set[int]) -> None:
    """A container inside itself is left to `json.dumps` (which says so)."""
    if id(container) in seen:
        raise _Unusual
    seen.add(id(container))


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if value != value:
            return "NaN"
        return _FLOATS.get(value) or float.__repr__(value)
    raise _Unusual
