"""Fetch a wheel's zip directory and members with HTTP range requests.

`read_directory` asks for the last `Limits.tail_bytes` (`Range: bytes=-N`), which holds the
whole central directory of most wheels, and fetches the rest of the directory only when it
starts earlier (for a wheel, from METADATA on when the tail's part of the directory places
it near: `metadata_reach`); `read_member` reuses those bytes when the member lies in them
(METADATA is usually written last) and otherwise asks for exactly the member's span.
`read_wheel` does both for a wheel's METADATA but never asks for more: it returns the
directory's summary (`wheelsummary`), and METADATA only when the directory's bytes held it
(on PyPI: 9 wheels in 10), so that a caller with a PEP 658 file at hand can take that
instead of a second range request. A server that ignores `Range` is tolerated while the
whole file stays under `Limits.full_wheel_bytes`.
"""

from __future__ import annotations

import re
import struct
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Protocol

from wheelfit.errors import IndexResponseError
from wheelfit.index.limits import DEFAULT_LIMITS, Limits
from wheelfit.index.parse.rangezip import (
    CentralEntry,
    Chunk,
    NeedBytesFrom,
    check_declared,
    extract_member,
    locate_directory,
    metadata_entry,
    parse_central_directory,
    zip_error,
)
from wheelfit.index.wheelsummary import WheelSummary, summarise_columns
from wheelfit.redact import redact_url

if TYPE_CHECKING:
    from wheelfit.index.http import Transport

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE | re.ASCII)
_LOCAL_HEADER = 30
_U16_MAX = 0xFFFF
_U32_MAX = 0xFFFFFFFF
# A central directory entry's fixed part: signature, then (after 24 bytes of versions, flags,
# method, times, CRC and sizes) the name, extra and comment lengths, and (after disk number
# and attributes) the local header's offset.
_CENTRAL_HEAD = struct.Struct("<4s24xHHH8xI")
_CENTRAL_SIG = b"PK\x01\x02"
_WALK_TRIES = 64
# a `CentralEntry`'s name, uncompressed size and local header offset
_NAME, _SIZE, _OFFSET = itemgetter(0), itemgetter(2), itemgetter(3)
# (bytes ending the file, offset where the directory ends) -> an earlier offset to fetch from
Reach = Callable[["Chunk", int], "int | None"]


class RangeNotSupported(IndexResponseError):
    """The server ignored `Range` and the whole file is too big to read instead."""


@dataclass(frozen=True)
class Directory:
    """A parsed central directory and the bytes fetched to get it."""

    entries: tuple[CentralEntry, ...]
    cd_offset: int
    chunk: Chunk


class ByteSource(Protocol):
    """Random access to a remote file."""

    url: str

    def tail(self, n: int) -> Chunk:
        """The last `n` bytes (the whole file when it is shorter)."""
        ...

    def span(self, start: int, end: int) -> Chunk:
        """Bytes [start, end)."""
        ...


def read_directory(
    source: ByteSource, limits: Limits = DEFAULT_LIMITS, *, also_from: Reach | None = None
) -> Directory:
    """Fetch and parse the central directory: one tail request, more only when needed.

    When the directory starts before the tail, one more request fetches the rest; `also_from`
    may move that request's start back to a member the tail's part of the directory names
    (`metadata_reach`), so that one request brings both, if that at most doubles it."""
    chunk = source.tail(limits.tail_bytes)
    try:
        location = locate_directory(chunk, limits, source.url)
    except NeedBytesFrom as need:
        if chunk.start - need.offset > limits.central_directory_bytes:
            raise zip_error("the ZIP64 end record is too far from the end", source.url) from None
        chunk = _merge(source.span(need.offset, chunk.start), chunk, source.url)
        location = locate_directory(chunk, limits, source.url)
    if location.cd_offset < chunk.start:
        start = location.cd_offset
        wanted = also_from(chunk, location.cd_offset + location.cd_size) if also_from else None
        bound = max(limits.tail_bytes, chunk.start - location.cd_offset)
        if wanted is not None and 0 <= start - wanted <= bound:
            start = wanted
        chunk = _merge(source.span(start, chunk.start), chunk, source.url)
    raw = chunk.slice(location.cd_offset, location.cd_offset + location.cd_size)
    entries = parse_central_directory(raw, location.count, location.cd_offset, source.url)
    return Directory(entries, location.cd_offset, chunk)


def held_entries(chunk: Chunk, cd_end: int) -> list[tuple[bytes, int]]:
    """(raw name, local header offset) of the directory entries `chunk` holds whole, when it
    holds only the directory's end: the walk from the first entry signature whose chain of
    entries ends exactly at `cd_end`. Empty when none does. A hint for what to fetch, never
    trusted: the full directory is parsed and checked once fetched."""
    data, end = chunk.data, cd_end - chunk.start
    if not 0 < end <= len(data):
        return []
    pos = data.find(_CENTRAL_SIG, 0, end)
    for _ in range(_WALK_TRIES):
        if pos < 0:
            return []
        found = _walk_entries(data, pos, end)
        if found is not None:
            return found
        pos = data.find(_CENTRAL_SIG, pos + 1, end)
    return []


def _walk_entries(data: bytes, pos: int, end: int) -> list[tuple[bytes, int]] | None:
    found = []
    while pos < end:
        if pos + _CENTRAL_HEAD.size > end or data[pos : pos + 4] != _CENTRAL_SIG:
            return None
        _sig, name_len, extra_len, comment_len, offset = _CENTRAL_HEAD.unpack_from(data, pos)
        name_at = pos + _CENTRAL_HEAD.size
        found.append((data[name_at : name_at + name_len], offset))
        pos = name_at + name_len + extra_len + comment_len
    return found if pos == end else None


def metadata_reach(chunk: Chunk, cd_end: int) -> int | None:
    """Where the one `<name>.dist-info/METADATA` among the entries `chunk` holds starts (its
    local header), so that the directory's second request can bring it too; None when the
    held entries name no such member, or several."""
    found = [offset for name, offset in held_entries(chunk, cd_end)
             if name.endswith(b".dist-info/METADATA") and name.count(b"/") == 1]
    return found[0] if len(found) == 1 and found[0] != _U32_MAX else None


def member_span(directory: Directory, entry: CentralEntry, url: str | None) -> tuple[int, int]:
    """Bytes [start, end) that hold `entry`: its local header, data and data descriptor."""
    start = entry.local_header_offset
    offsets = sorted(map(_OFFSET, directory.entries))  # the first one after `start` ends it
    after = bisect_right(offsets, start)
    end = min(offsets[after], directory.cd_offset) if after < len(offsets) else directory.cd_offset
    # Local header (30 + name + extra <= 2 x 64 KiB) + data + optional data descriptor.
    end = min(end, start + _LOCAL_HEADER + 2 * _U16_MAX + entry.compressed_size + 24)
    if end <= start:
        raise zip_error(f"entry {entry.name[:100]!r} has no room (wrong offset)", url)
    return start, end


def read_member(
    source: ByteSource,
    directory: Directory,
    entry: CentralEntry,
    *,
    max_bytes: int,
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """Fetch (unless already held) and inflate one member."""
    check_declared(entry, max_bytes, limits, source.url)
    start, end = member_span(directory, entry, source.url)
    if directory.chunk.holds(start, end):
        data = directory.chunk.slice(start, end)
        return extract_member(data, entry, max_bytes=max_bytes, limits=limits, url=source.url)
    return fetch_member(source, entry, (start, end), max_bytes=max_bytes, limits=limits)


def fetch_member(
    source: ByteSource,
    entry: CentralEntry,
    span: tuple[int, int],
    *,
    max_bytes: int,
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """Fetch bytes `span` (from `member_span`) and inflate `entry` from them."""
    check_declared(entry, max_bytes, limits, source.url)
    start, end = span
    fetched = source.span(start, end)
    data = fetched.slice(start, end) if fetched.holds(start, end) else b""
    return extract_member(data, entry, max_bytes=max_bytes, limits=limits, url=source.url)


@dataclass(frozen=True)
class WheelRead:
    """What one directory read of a wheel gave (`read_wheel`).

    `metadata` is the `.dist-info/METADATA` member when the bytes fetched for the directory
    held it; `member` and `span` say what to fetch (`fetch_member`) when not, or `problem`
    says why METADATA cannot be read from this wheel (raise it to whoever wants METADATA).
    """

    summary: WheelSummary
    metadata: bytes | None = None
    member: CentralEntry | None = None
    span: tuple[int, int] | None = None
    problem: IndexResponseError | None = None


def read_wheel(source: ByteSource, project: str, limits: Limits = DEFAULT_LIMITS) -> WheelRead:
    """A wheel's directory, with its METADATA when that costs no further request.

    Errors of the directory are raised; errors of METADATA (no or several `.dist-info`,
    declared sizes above the caps, a damaged member) are returned as `problem`, since the
    directory is still good for its summary. The directory itself is not kept."""
    directory = read_directory(source, limits, also_from=metadata_reach)
    entries = directory.entries
    summary = summarise_columns(list(map(_NAME, entries)), list(map(_SIZE, entries)))
    try:
        entry = metadata_entry(directory.entries, project, source.url)
        check_declared(entry, limits.metadata_bytes, limits, source.url)
        start, end = member_span(directory, entry, source.url)
        if not directory.chunk.holds(start, end):
            return WheelRead(summary, member=entry, span=(start, end))
        data = extract_member(
            directory.chunk.slice(start, end),
            entry,
            max_bytes=limits.metadata_bytes,
            limits=limits,
            url=source.url,
        )
    except IndexResponseError as problem:
        return WheelRead(summary, problem=problem.with_traceback(None))  # keeps no bytes alive
    return WheelRead(summary, metadata=data, member=entry, span=(start, end))


def wheel_metadata(source: ByteSource, read: WheelRead, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """METADATA of a `read_wheel` result: held, else fetched by its span; or its problem."""
    if read.metadata is not None:
        return read.metadata
    if read.member is None or read.span is None:
        raise read.problem or zip_error("the wheel's METADATA was not located", source.url)
    return fetch_member(
        source, read.member, read.span, max_bytes=limits.metadata_bytes, limits=limits
    )


def read_wheel_metadata(
    source: ByteSource, project: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[Directory, bytes]:
    """The directory of a wheel and its `.dist-info/METADATA` bytes."""
    directory = read_directory(source, limits, also_from=metadata_reach)
    entry = metadata_entry(directory.entries, project, source.url)
    data = read_member(source, directory, entry, max_bytes=limits.metadata_bytes, limits=limits)
    return directory, data


def _merge(before: Chunk, after: Chunk, url: str) -> Chunk:
    if before.total != after.total or before.end < after.start or before.start > after.start:
        raise zip_error("the server answered a range request with the wrong bytes", url)
    data = before.data[: after.start - before.start] + after.data
    return Chunk(before.start, data, after.total)


class HttpByteSource:
    """`ByteSource` over HTTP range requests; falls back to a small whole-file answer."""

    def __init__(self, transport: Transport, url: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.url = url
        self._transport = transport
        self._limits = limits
        self._whole: Chunk | None = None

    def tail(self, n: int) -> Chunk:
        """`Range: bytes=-n`."""
        if self._whole is not None:
            return self._whole
        return self._get(f"bytes=-{n}", n, None)

    def span(self, start: int, end: int) -> Chunk:
        """`Range: bytes=start-(end-1)`."""
        if self._whole is not None:
            return self._whole
        return self._get(f"bytes={start}-{end - 1}", end - start, start)

    def _get(self, spec: str, wanted: int, start: int | None) -> Chunk:
        from wheelfit.index.http import BodyTooLarge

        try:
            response = self._transport.get(
                self.url,
                headers={"Range": spec, "Accept-Encoding": "identity"},
                max_bytes=max(wanted, self._limits.full_wheel_bytes),
                accept=(200, 206),
            )
        except BodyTooLarge as exc:
            if exc.status == 200:
                raise RangeNotSupported(
                    f"{redact_url(self.url)}: the server ignores Range requests and the "
                    f"file is larger than {self._limits.full_wheel_bytes} bytes; wheelfit "
                    "does not download whole wheels",
                    url=redact_url(self.url),
                    hint="Use an index that supports HTTP range requests or serves PEP 658 "
                    "metadata (PyPI does).",
                ) from None
            raise
        if response.status == 200:
            self._whole = Chunk(0, response.body, len(response.body))
            return self._whole
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if match is None:
            raise zip_error("206 answer without a usable Content-Range header", self.url)
        first, last = int(match.group(1)), int(match.group(2))
        total = last + 1 if match.group(3) == "*" else int(match.group(3))
        if last < first or last >= total or len(response.body) != last - first + 1:
            raise zip_error("the Content-Range header does not match the bytes sent", self.url)
        if start is not None and first != start:
            raise zip_error("the server answered a different range than asked", self.url)
        if start is None and last != total - 1:
            raise zip_error("the server answered a suffix range not ending the file", self.url)
        return Chunk(first, response.body, total)
