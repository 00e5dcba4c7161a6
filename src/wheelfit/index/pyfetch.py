"""A wheel's Python sources, fetched by HTTP ranges (for `--exact-bytecode`).

The central directory is read again (one tail request, as `rangefetch.read_directory`
does), the members a caller wants (pip's `.py` files) are located, their local-file spans
are merged when they lie close together (`coalesce`), and each merged span is one range
request. Every member is inflated under the caps of `SourceCaps` and checked against the
directory's sizes and CRC (`parse.rangezip.extract_member`: no compression bomb gets
through). A server that ignores `Range` answers with the whole wheel, which is read up to
`SourceCaps.whole_wheel_bytes`. Nothing is written to disk; members are yielded one at a
time, so memory holds one merged span and its members.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from wheelfit.index.limits import DEFAULT_LIMITS, KIB, MIB, Limits
from wheelfit.index.parse.rangezip import CentralEntry, check_declared, extract_member, zip_error
from wheelfit.index.rangefetch import ByteSource, read_directory

_LOCAL_HEADER = 30
_U16_MAX = 0xFFFF
_DESCRIPTOR = 24


@dataclass(frozen=True)
class SourceCaps:
    """Bounds on what one wheel's sources may cost."""

    # One member, uncompressed (the largest `.py` files on PyPI are a few MiB).
    member_bytes: int = 32 * MIB
    # All wanted members of one wheel, uncompressed (kubernetes: 74 MB of `.py`).
    wheel_bytes: int = 512 * MIB
    # Spans closer than this are fetched in one request; a merged span stays below
    # `request_bytes` unless one member alone is bigger.
    gap_bytes: int = 64 * KIB
    request_bytes: int = 8 * MIB
    # A server that ignores `Range` sends the whole wheel: read it up to this size.
    whole_wheel_bytes: int = 256 * MIB


DEFAULT_CAPS = SourceCaps()


@dataclass(frozen=True)
class Span:
    """Bytes [start, end) of the archive that hold `entries`, in archive order."""

    start: int
    end: int
    entries: tuple[CentralEntry, ...]


def member_spans(entries: Sequence[CentralEntry], cd_offset: int,
                 wanted: Callable[[str], bool]) -> list[Span]:
    """The span of each wanted member: from its local header to the next member's (or the
    directory), never more than its header, data and data descriptor can take."""
    ordered = sorted(entries, key=lambda e: e.local_header_offset)
    offsets = sorted({e.local_header_offset for e in ordered} | {cd_offset})
    after = dict(pairwise(offsets))
    spans = []
    for entry in ordered:
        if not wanted(entry.name):
            continue
        start = entry.local_header_offset
        following = after.get(start, cd_offset)
        most = start + _LOCAL_HEADER + 2 * _U16_MAX + entry.compressed_size + _DESCRIPTOR
        end = min(following, cd_offset, most)
        if end <= start:
            raise zip_error(f"entry {entry.name[:100]!r} has no room (wrong offset)", None)
        spans.append(Span(start, end, (entry,)))
    return spans


def coalesce(spans: Sequence[Span], *, gap: int, most: int) -> list[Span]:
    """Spans in archive order, neighbours closer than `gap` merged while the merged span
    stays within `most` bytes (a span bigger than `most` alone stays alone)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        last = merged[-1] if merged else None
        if (last is not None and span.start - last.end <= gap
                and max(span.end, last.end) - last.start <= most):
            merged[-1] = Span(last.start, max(last.end, span.end), last.entries + span.entries)
        else:
            merged.append(span)
    return merged


def iter_sources(
    source: ByteSource,
    wanted: Callable[[str], bool],
    caps: SourceCaps = DEFAULT_CAPS,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[tuple[str, bytes]]:
    """(member name, inflated bytes) of every wanted member, in archive order.

    Raises `IndexResponseError` (a damaged or hostile archive, a cap) before the first
    request for members when the directory's declared sizes break a cap."""
    directory = read_directory(source, limits)
    spans = member_spans(directory.entries, directory.cd_offset, wanted)
    declared = 0
    for span in spans:
        for entry in span.entries:
            check_declared(entry, caps.member_bytes, limits, source.url)
            declared += entry.uncompressed_size
    if declared > caps.wheel_bytes:
        raise zip_error(f"its Python files declare {declared} bytes (cap {caps.wheel_bytes}); "
                        "not compiled", source.url)
    held = directory.chunk
    ends = {s.start: s.end for s in spans}
    for group in coalesce(spans, gap=caps.gap_bytes, most=caps.request_bytes):
        chunk = held if held.holds(group.start, group.end) else source.span(group.start,
                                                                             group.end)
        if chunk.total != held.total:
            raise zip_error("the file changed between two range requests", source.url)
        if chunk.start == 0 and chunk.end == chunk.total:
            held = chunk  # the whole wheel came: the server ignores Range
        for entry in group.entries:
            start = entry.local_header_offset
            end = ends[start]
            if not chunk.holds(start, end):
                raise zip_error("the server sent fewer bytes than the range asked", source.url)
            yield entry.name, extract_member(chunk.slice(start, end), entry,
                                             max_bytes=caps.member_bytes, limits=limits,
                                             url=source.url)


def source_limits(limits: Limits, caps: SourceCaps) -> Limits:
    """The index limits for a sources read: a whole-wheel answer may be this big."""
    return replace(limits, full_wheel_bytes=caps.whole_wheel_bytes)
