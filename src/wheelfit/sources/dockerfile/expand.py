"""`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}` substitution, bounded.

`values` maps a declared name to its value, or to None when it was declared without one
(`ARG NAME`). A reference to a name with no value is kept as written, so a report shows
`${VERSION}` rather than an empty string; `Expansion.unset` says it happened. A reference
to an undeclared name is kept too (`unknown`). Nesting depth and result length are capped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MAX_DEPTH = 8
MAX_EXPANDED_CHARS = 1_000_000
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME = _NAME_START | frozenset("0123456789")


class ExpansionLimit(ValueError):
    """Expansion went deeper or longer than its bound."""


@dataclass
class Expansion:
    """The result text and what it met on the way."""

    text: str
    unset: bool = False
    unknown: bool = False


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


class _Expander:
    def __init__(self, values: Mapping[str, str | None], escape: str, empty_unset: bool):
        self.values = values
        self.escape = escape
        self.empty_unset = empty_unset
        self.unset = False
        self.unknown = False

    def lookup(self, name: str) -> str | None:
        if name not in self.values:
            self.unknown = True
            return None
        value = self.values[name]
        if value is None:
            self.unset = True
            return "" if self.empty_unset else None
        return value

    def braced(self, inner: str, raw: str, depth: int) -> str:
        i = 0
        while i < len(inner) and inner[i] in _NAME:
            i += 1
        name, op = inner[:i], inner[i:]
        if not name or name[0] not in _NAME_START:
            return raw
        known = name in self.values and self.values[name] is not None
        value = self.values.get(name) if known else None
        for marker in (":-", ":+", "-", "+"):
            if op.startswith(marker):
                word = op[len(marker):]
                empty = value is None or (marker.startswith(":") and value == "")
                if marker.endswith("-"):
                    return self.run(word, depth + 1) if empty else str(value)
                return "" if empty else self.run(word, depth + 1)
        if op:
            self.unknown = True
            return raw
        found = self.lookup(name)
        return raw if found is None else found

    def run(self, text: str, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise ExpansionLimit(f"variables nested deeper than {MAX_DEPTH}")
        out: list[str] = []
        size = 0
        i, n = 0, len(text)
        while i < n:
            char = text[i]
            piece = char
            if char == self.escape and i + 1 < n and text[i + 1] == "$":
                piece, i = "$", i + 2
            elif char == "$" and i + 1 < n and text[i + 1] == "{":
                end = _closing_brace(text, i + 1)
                if end < 0:
                    piece, i = text[i:], n
                else:
                    piece, i = self.braced(text[i + 2:end], text[i:end + 1], depth), end + 1
            elif char == "$" and i + 1 < n and text[i + 1] in _NAME_START:
                j = i + 1
                while j < n and text[j] in _NAME:
                    j += 1
                found = self.lookup(text[i + 1:j])
                piece, i = (text[i:j] if found is None else found), j
            else:
                i += 1
            size += len(piece)
            if size > MAX_EXPANDED_CHARS:
                raise ExpansionLimit(f"a value grows past {MAX_EXPANDED_CHARS:,} characters "
                                     "when its variables are substituted")
            out.append(piece)
        return "".join(out)


def expand(text: str, values: Mapping[str, str | None], *, escape: str = "\\",
           empty_unset: bool = False) -> Expansion:
    """Substitute the variables of `text` (Dockerfile rules); raises ExpansionLimit."""
    if "$" not in text:
        return Expansion(text)
    expander = _Expander(values, escape, empty_unset)
    result = expander.run(text, 0)
    return Expansion(result, expander.unset, expander.unknown)
