"""Read a core metadata file (METADATA, PKG-INFO, PEP 658 `.metadata`) — pure, no I/O.

The format is RFC 822 style headers (the description may follow as a body, and is ignored).
Only the fields wheelfit needs are kept; anything that is not a metadata file raises
`IndexResponseError`, never another exception type.

The headers are read as `email.parser` (policy compat32) reads them. A head of plain lines
(every one found on PyPI) is read by two regular expressions that give the same values at
a third of the cost; anything else, and every head missing a required field, goes through
`email` itself (tests/index/parse/test_index_parse_metadata_plain.py compares the two).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from packaging.version import InvalidVersion, Version

from wheelfit.errors import IndexResponseError
from wheelfit.index.base import CoreMetadata
from wheelfit.redact import redact_url

_FOLD = re.compile(r"\r?\n[ \t]+")
_METADATA_VERSION = re.compile(r"^\d+(\.\d+)*$", re.ASCII)
_STATIC_SINCE = Version("2.2")
_WANTED = ("metadata-version", "name", "version", "requires-python", "requires-dist",
           "provides-extra", "dynamic")
# Where `email.feedparser` ends the headers: the first line that neither continues a
# header (a leading blank) nor starts one (printable ASCII but space and colon, then a colon).
_HEADERS_END = re.compile(r"\n(?![ \t]|[\041-\071\073-\176]+:)")
# A wanted header's line and the lines that fold it.
_WANTED_HEADER = re.compile(
    r"\n(metadata-version|name|version|requires-python|requires-dist|provides-extra|dynamic):"
    r"([^\n]*(?:\n[ \t][^\n]*)*)",
    re.IGNORECASE | re.ASCII,
)
_HINT = "The index served a file that is not a core metadata file; try again later."


def parse_core_metadata(data: bytes, *, source: str | None = None) -> CoreMetadata:
    """Parse a core metadata file; `source` (a URL, redacted here) names it in errors."""
    text = _decode(data, source)
    # Header parsing stops at the first blank line; the description body is not needed.
    head = text.split("\n\n", 1)[0]
    plain = _plain_headers(head)
    headers, defects = (plain, []) if plain is not None else _email_headers(head, source)
    required = _required(headers)
    if plain is not None and not all(required):
        # A first line `email` treats specially ends a plain read early; and when a value
        # is missing, `email` names what it found wrong.
        headers, defects = _email_headers(head, source)
        required = _required(headers)
    metadata_version, name, version = required
    if not metadata_version or not name or not version:
        detail = "; ".join(defects[:3])
        missing = [
            key
            for key, value in (
                ("Metadata-Version", metadata_version),
                ("Name", name),
                ("Version", version),
            )
            if not value
        ]
        extra = f" ({detail})" if detail else ""
        raise _error(f"not a core metadata file: no {', '.join(missing)} header{extra}", source)
    if not _METADATA_VERSION.match(metadata_version):
        raise _error(f"unreadable Metadata-Version {metadata_version[:20]!r}", source)
    requires_python = _single(headers.get("requires-python")) or None
    return CoreMetadata(
        name=name,
        version=version,
        metadata_version=metadata_version,
        requires_dist=_multi(headers.get("requires-dist")),
        requires_python=requires_python,
        provides_extra=_multi(headers.get("provides-extra")),
        dynamic=_multi(headers.get("dynamic")),
    )


def _plain_headers(head: str) -> dict[str, list[str]] | None:
    """The wanted headers' values (by lower-case name, a folded value's lines joined by
    newlines), as `email`'s compat32 header parser reads them from a head of plain lines;
    None when a line holds what that parser treats specially (a carriage return, a "From "
    line, a line starting with a colon): then `_email_headers` reads it. (Such a first
    line ends the headers here before anything is found, which sends it there too.)"""
    if "\r" in head or "\nFrom " in head or "\n:" in head:
        return None
    lines = "\n" + head  # every line starts after a newline: the patterns look for those
    ended = _HEADERS_END.search(lines)
    found: dict[str, list[str]] = {}
    for header in _WANTED_HEADER.finditer(lines, 0, ended.start() if ended else len(lines)):
        field, value = header.group(1, 2)
        found.setdefault(field.lower(), []).append(value)
    return found


def _required(headers: dict[str, list[str]]) -> tuple[str, str, str]:
    """Metadata-Version, Name and Version ("" when missing)."""
    return (_single(headers.get("metadata-version")), _single(headers.get("name")),
            _single(headers.get("version")))


def _email_headers(head: str, source: str | None) -> tuple[dict[str, list[str]], list[str]]:
    """The wanted headers' values read by `email`'s parser, and the names of the defects
    it found."""
    try:
        from email.parser import HeaderParser
        from email.policy import compat32

        message = HeaderParser(policy=compat32).parsestr(head, headersonly=True)
    except Exception as exc:  # the email package has many failure modes on junk
        raise _error(f"unreadable metadata headers ({type(exc).__name__})", source) from None
    found: dict[str, list[str]] = {}
    for field in _WANTED:
        values = message.get_all(field)
        if values:
            found[field] = [str(value) for value in values]
    return found, [type(defect).__name__ for defect in getattr(message, "defects", [])]


def sdist_metadata_is_static(md: CoreMetadata) -> bool:
    """True when an sdist's PKG-INFO can be trusted for dependencies (PEP 643).

    That is Metadata-Version >= 2.2 and `Requires-Dist` not declared `Dynamic`.
    """
    try:
        if Version(md.metadata_version) < _STATIC_SINCE:
            return False
    except InvalidVersion:
        return False
    return "requires-dist" not in {field.strip().lower() for field in md.dynamic}


def _decode(data: bytes, source: str | None) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Old PKG-INFO files are sometimes Latin-1; decoding cannot fail that way.
        text = data.decode("latin-1")
    if "\x00" in text:
        raise _error("metadata contains NUL bytes (binary data)", source)
    return text.replace("\r\n", "\n")


def _clean(value: str) -> str:
    return (_FOLD.sub(" ", value) if "\n" in value else value).strip()


def _single(values: Sequence[str] | None) -> str:
    if not values:
        return ""
    return _clean(values[0])


def _multi(values: Sequence[str] | None) -> tuple[str, ...]:
    if not values:
        return ()
    return tuple(cleaned for value in values if (cleaned := _clean(value)))


def _error(reason: str, source: str | None) -> IndexResponseError:
    safe = redact_url(source) if source else None
    message = f"{safe}: {reason}" if safe else reason
    return IndexResponseError(message, url=safe, hint=_HINT)
