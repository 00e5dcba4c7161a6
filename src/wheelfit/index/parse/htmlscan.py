"""A linear-time HTML tag scanner for PEP 503 pages (pure: no I/O).

`html.parser.HTMLParser` rescans the rest of the document from every `<` it cannot close,
so a page of unterminated tags (`<a href='` repeated) costs time quadratic in its size.
This scanner reads the same tag grammar as `HTMLParser`'s tolerant mode (names lower-cased,
quotes stripped, character references in values and text unescaped, `script`/`style`
content skipped as raw text) but every step consumes what it reads:

* a well-formed page gives exactly `HTMLParser`'s start tags, end tags and text;
* the first construct that never ends (a tag, comment or declaration running to the end of
  the document) ends the scan: `HTMLParser` would only have turned the rest into text;
* a page with more than `max_tags` start tags, or a tag with more than `max_attributes`
  attributes, raises `MarkupLimit` instead of building them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

# HTMLParser's tolerant grammar (Lib/html/parser.py), one token at a time.
_TAG_OPEN = re.compile(r"<[a-zA-Z]")
_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTR_NAME = re.compile(r"[^\s/>][^\s/=>]*")
_VALUE_SIGN = re.compile(r"\s*=+\s*")
_BARE_VALUE = re.compile(r"[^>\s]*")
_GAP = re.compile(r"(?:\s|/(?!>))*")
_END_TAG_NAME = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)")
_RAW_TEXT = ("script", "style")

Attrs = list[tuple[str, str | None]]
# ("start", tag, attrs) | ("end", tag, []) | ("data", text, [])
Token = tuple[str, str, Attrs]


class MarkupLimit(ValueError):
    """The page exceeds a scanner cap; the message names the cap."""


def scan(text: str, *, max_tags: int, max_attributes: int) -> Iterator[Token]:
    """The page's tokens in document order (see the module docstring)."""
    size = len(text)
    pos = 0
    tags = 0
    while pos < size:
        lt = text.find("<", pos)
        if lt < 0:
            yield "data", unescape(text[pos:]), []
            return
        if lt > pos:
            yield "data", unescape(text[pos:lt]), []
        if _TAG_OPEN.match(text, lt):
            tags += 1
            if tags > max_tags:
                raise MarkupLimit(f"more than {max_tags} tags")
            parsed = _start_tag(text, lt, max_attributes)
            if parsed is None:
                return
            tag, attrs, pos = parsed
            yield "start", tag, attrs
            if tag in _RAW_TEXT:
                close = re.compile(rf"</\s*{tag}\s*>", re.IGNORECASE).search(text, pos)
                if close is None:
                    return
                if close.start() > pos:
                    yield "data", text[pos:close.start()], []
                yield "end", tag, []
                pos = close.end()
            continue
        other = _other(text, lt)
        if other is None:
            return
        kind, pos = other
        if kind == "<":
            yield "data", "<", []
        elif kind:
            yield "end", kind, []


def _start_tag(text: str, start: int, max_attributes: int) -> tuple[str, Attrs, int] | None:
    """(tag, attributes, position after the tag) of the tag at `start`; None when it never
    ends."""
    name = _TAG_NAME.match(text, start + 1)
    assert name is not None  # _TAG_OPEN matched
    tag = name.group(1).lower()
    pos = name.end()
    attrs: Attrs = []
    while True:
        if text.startswith(">", pos):
            return tag, attrs, pos + 1
        if text.startswith("/>", pos):
            return tag, attrs, pos + 2
        if pos >= len(text) or not (text[pos - 1] in "'\"/" or text[pos - 1].isspace()):
            return None
        attr = _ATTR_NAME.match(text, pos)
        if attr is None:
            return None
        if len(attrs) >= max_attributes:
            raise MarkupLimit(f"a tag with more than {max_attributes} attributes")
        pos = attr.end()
        value: str | None = None
        sign = _VALUE_SIGN.match(text, pos)
        if sign is not None:
            pos = sign.end()
            quote = text[pos:pos + 1]
            if quote in ("'", '"'):
                close = text.find(quote, pos + 1)
                if close < 0:
                    return None
                value, pos = text[pos + 1:close], close + 1
            else:
                bare = _BARE_VALUE.match(text, pos)
                assert bare is not None  # matches the empty string
                value, pos = bare.group(), bare.end()
            if value:
                value = unescape(value)
        attrs.append((attr.group().lower(), value))
        gap = _GAP.match(text, pos)
        assert gap is not None  # matches the empty string
        pos = gap.end()


def _other(text: str, start: int) -> tuple[str, int] | None:
    """A construct at `start` that is not a start tag: (end tag name, "" for a comment or
    declaration, "<" for a `<` that starts nothing; position after it); None when it
    never ends."""
    if text.startswith("<!--", start):
        close = text.find("-->", start + 4)
        return None if close < 0 else ("", close + 3)
    if text.startswith(("<!", "<?"), start):
        close = text.find(">", start + 2)
        return None if close < 0 else ("", close + 1)
    if text.startswith("</", start):
        close = text.find(">", start + 2)
        if close < 0:
            return None
        name = _END_TAG_NAME.match(text, start, close)
        return (name.group(1).lower() if name else ""), close + 1
    return "<", start + 1
