"""Credential redaction for every URL and message that reaches output, logs, errors or cache keys.

Text is cut into words at whitespace and at `/`, `?` and `#` (an unescaped credential holds
none of them). In a word that holds an `@`, everything before its last `@` is a credential
when the word follows `//` (`https://token@host`) or when that part holds a `:`
(`user:token@host`, with or without a scheme); it becomes `***`. Opening quotes or brackets
and a `--option=` prefix in front of a scheme-less credential are kept. Each word is looked
at once, so the cost is linear in the length of the text.

`redact_data` applies the same to every string inside a report (dataclasses, tuples, lists,
mappings), so a renderer cannot print what it was never given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from enum import Enum
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit
from weakref import WeakValueDictionary

T = TypeVar("T")

_WORD = re.compile(r"[^\s/?#]+")
# What may stand before a scheme-less credential and is not part of it: `'`, `(`, `--opt=`.
_KEPT = re.compile(r"[\"'`<(\[{]*(?:--?[A-Za-z][\w-]*=)?")
_MASK = "***"
# `image:tag@sha256:<hex>` pins an image by digest: the part before `@` is no credential.
_DIGEST = re.compile(r"(?:sha256|sha384|sha512):[0-9a-fA-F]+")


def redact_url(url: str) -> str:
    """Replace the `user:token@` part of a URL with `***@`; other URLs pass unchanged."""
    if "@" not in url:  # nothing to redact: no need to split it
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    if "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        url = urlunsplit((parts.scheme, f"{_MASK}@{host}", parts.path, parts.query,
                          parts.fragment))
    return redact_text(url)


def redact_text(text: str) -> str:
    """Redact every credential (`scheme://secret@`, `user:secret@`) anywhere in a text."""
    if "@" not in text:
        return text
    return _WORD.sub(_redact_word, text)


def _redact_word(match: re.Match[str]) -> str:
    word = match.group()
    at = word.rfind("@")
    if at < 0:
        return word
    after_slashes = match.string.endswith("//", 0, match.start())
    kept = 0 if after_slashes else _KEPT.match(word, 0, at).end()  # type: ignore[union-attr]
    secret = word[kept:at]
    if not secret or (not after_slashes and ":" not in secret):
        return word
    if not after_slashes and _DIGEST.match(word, at + 1):
        return word
    return f"{word[:kept]}{_MASK}{word[at:]}"


def redact_data(value: T) -> T:
    """`value` with every string in it redacted: dataclasses, tuples, lists and mappings are
    walked; parts with nothing to redact are returned as they are (the same objects)."""
    if _CLEAN.get(id(value)) is value:
        return value
    result: T = _redact_any(value)
    if result is value and _frozen(value):
        # A report is redacted by the check and again by each renderer: walk it once.
        _CLEAN[id(value)] = value
    return result


def _frozen(value: object) -> bool:
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and bool(params.frozen) and hasattr(value, "__weakref__")


# Frozen dataclasses already walked and found clean, by id; the weak value drops an entry
# (and its id) with its object, so a later object with the same id is not taken for it.
_CLEAN: WeakValueDictionary[int, Any] = WeakValueDictionary()


_SCALARS = (bool, int, float, type(None), Enum)
_PLAIN = frozenset({bool, int, float, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _redact_any(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return value if "@" not in value else _redact_str(value)
    if kind in _PLAIN:
        return value
    if isinstance(value, str):
        if "@" not in value or isinstance(value, Enum):
            return value
        return _redact_str(value)
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (tuple, list)):
        return _redact_items(value)
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.setdefault(kind, tuple(f.name for f in fields(value) if f.init))
    if names is not None:
        changed = {}
        for name in names:
            old = getattr(value, name)
            # Most fields are plain values or text without an `@`: nothing to call for them.
            if type(old) in _PLAIN or (type(old) is str and "@" not in old):
                continue
            new = _redact_any(old)
            if new is not old:
                changed[name] = new
        return replace(value, **changed) if changed else value
    if isinstance(value, Mapping):
        pairs = [(k, _redact_any(k), v, _redact_any(v)) for k, v in value.items()]
        if all(nk is k and nv is v for k, nk, v, nv in pairs):
            return value
        redacted = {nk: nv for _, nk, _, nv in pairs}
        return MappingProxyType(redacted) if isinstance(value, MappingProxyType) else redacted
    return value


def _redact_str(value: str) -> str:
    new = redact_text(value)
    return value if new == value else new  # equal text: the same object, nothing changed


def _redact_items(value: tuple[Any, ...] | list[Any]) -> tuple[Any, ...] | list[Any]:
    """The tuple or list itself when no item changes, else a new one (a tuple for any
    tuple)."""
    for at, item in enumerate(value):
        if type(item) is str and "@" not in item:
            continue
        new = _redact_any(item)
        if new is not item:
            items = list(value)
            items[at] = new
            items[at + 1:] = [_redact_any(rest) for rest in value[at + 1:]]
            return tuple(items) if isinstance(value, tuple) else items
    return value
