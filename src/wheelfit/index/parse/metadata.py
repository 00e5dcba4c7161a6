"""Read a core metadata file (METADATA, PKG-INFO, PEP 658 `.metadata`) — pure, no I/O.

The format is RFC 822 style headers (the description may follow as a body, and is ignored).
Only the fields wheelfit needs are kept; anything that is not a metadata file raises
`IndexResponseError`, never another exception type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from packaging.version import InvalidVersion, Version

from wheelfit.errors import IndexResponseError
from wheelfit.index.base import CoreMetadata
from wheelfit.redact import redact_url

_FOLD = re.compile(r"\r?\n[ \t]+")
# A header line as `email.feedparser` tells one (a name of printable ASCII but `:`); the
# line breaks `str.splitlines` knows besides `\n`, which that parser splits at too.
_HEADER_NAME = re.compile(r"[\041-\071\073-\176]+:")
_ODD_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_METADATA_VERSION = re.compile(r"^\d+(\.\d+)*$", re.ASCII)
_STATIC_SINCE = Version("2.2")
_HINT = "The index served a file that is not a core metadata file; try again later."


def parse_core_metadata(data: bytes, *, source: str | None = None) -> CoreMetadata:
    """Parse a core metadata file; `source` (a URL, redacted here) names it in errors."""
    text = _decode(data, source)
    # Header parsing stops at the first blank line; the description body is not needed.
    head = text.split("\n\n", 1)[0] if "\n\n" in text else text
    plain = plain_headers(head)
    message = plain if plain is not None else _email_headers(head, source)
    defects = getattr(message, "defects", [])
    metadata_version = _single(message.get_all("Metadata-Version"))
    name = _single(message.get_all("Name"))
    version = _single(message.get_all("Version"))
    if not metadata_version or not name or not version:
        detail = "; ".join(type(d).__name__ for d in defects[:3])
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
    requires_python = _single(message.get_all("Requires-Python")) or None
    return CoreMetadata(
        name=name,
        version=version,
        metadata_version=metadata_version,
        requires_dist=_multi(message.get_all("Requires-Dist")),
        requires_python=requires_python,
        provides_extra=_multi(message.get_all("Provides-Extra")),
        dynamic=_multi(message.get_all("Dynamic")),
    )


class PlainHeaders(dict[str, list[str]]):
    """A header block's values by lower-cased name, as `email`'s compat32 parser gives
    them (`get_all`), for a block with nothing unusual in it."""

    defects: tuple[()] = ()

    def get_all(self, name: str) -> list[str] | None:
        """Every value of the header `name` (any case), in order; None when absent."""
        return self.get(name.lower())


def plain_headers(head: str) -> PlainHeaders | None:
    """The header block read without `email` (~60 M instructions of imports for a run
    whose metadata all comes from the cache): only lines `Name: value` and their
    continuations, split at `\\n` alone. Anything else (other line breaks, a first line
    that continues, a line that is not a header, a `From ` envelope line) is None, and
    `email`'s parser reads it instead, defects and all."""
    if not head or _ODD_BREAKS.search(head) is not None:
        return None
    lines = head.split("\n")
    if not lines[-1]:
        lines.pop()
    found = PlainHeaders()
    values: list[str] | None = None
    for line in lines:
        if line[:1] in (" ", "\t") and line:
            if values is None:
                return None
            values[-1] += "\n" + line
            continue
        named = _HEADER_NAME.match(line)
        if named is None or line.startswith("From "):
            return None
        values = found.setdefault(line[:named.end() - 1].lower(), [])
        values.append(line[named.end():].lstrip(" \t"))
    return found


def _email_headers(head: str, source: str | None) -> Any:
    """The header block read by `email`'s compat32 parser (loaded only for this)."""
    try:
        from email.parser import HeaderParser
        from email.policy import compat32

        return HeaderParser(policy=compat32).parsestr(head, headersonly=True)
    except Exception as exc:  # the email package has many failure modes on junk
        raise _error(f"unreadable metadata headers ({type(exc).__name__})", source) from None


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


def _clean(value: object) -> str:
    return _FOLD.sub(" ", str(value)).strip()


def _single(values: Sequence[object] | None) -> str:
    if not values:
        return ""
    return _clean(values[0])


def _multi(values: Sequence[object] | None) -> tuple[str, ...]:
    if not values:
        return ()
    return tuple(cleaned for value in values if (cleaned := _clean(value)))


def _error(reason: str, source: str | None) -> IndexResponseError:
    safe = redact_url(source) if source else None
    message = f"{safe}: {reason}" if safe else reason
    return IndexResponseError(message, url=safe, hint=_HINT)
