"""Many releases' rows, as a memo entry stores them, read through one open of the entry.

The alternatives scan asks of hundreds of older releases whether any of their files can be a
wheel for a target: their file names are read here without opening the entry for each
(`MemoFiles.filenames` does). Each slice is checked against its crc32, as `MemoFiles` does.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Generator, Iterable, Sequence
from typing import BinaryIO

from packaging.version import Version

from wheelfit.index.cache import open_entry
from wheelfit.index.limits import DEFAULT_LIMITS
from wheelfit.index.parsed import MemoFiles


def stored_rows(files: MemoFiles, versions: Iterable[Version]
                ) -> Generator[tuple[Version, bytes | None], None, None]:
    """Each of `versions` with its rows as stored (JSON text); None where they cannot be
    read that way (the head does not name the version by its text, the entry is damaged or
    gone): ask `files.filenames` then. Close the generator when stopping early."""
    handle: BinaryIO | None = None
    try:
        for version in versions:
            raw = None
            try:
                found = files.stored_at(version)
                if found is not None:
                    handle = handle or open_entry(found[0], DEFAULT_LIMITS.cache_memo_bytes)
                    raw = _read(handle, found[1]) if handle is not None else None
            except (OSError, ValueError, TypeError):
                raw = None
            yield version, raw
    finally:
        if handle is not None:
            handle.close()


def _read(handle: BinaryIO, slices: Iterable[tuple[int, int, int]]) -> bytes | None:
    chunks = []
    for offset, length, crc in slices:
        handle.seek(offset)
        chunk = handle.read(length)
        if len(chunk) != length or zlib.crc32(chunk) != crc:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def stored_names(files: MemoFiles, versions: Iterable[Version], needles: Sequence[bytes] = ()
                 ) -> Generator[tuple[Version, list[str] | None], None, None]:
    """`stored_rows`, each release's file names parsed from its rows; None where they
    cannot be read that way (ask `files.filenames` then). With `needles` (lower-case),
    rows that contain none of them once lower-cased, and no JSON escape, are not parsed:
    the release is given no names, since none of them could contain a needle either."""
    rows = stored_rows(files, versions)
    try:
        for version, raw in rows:
            if raw is not None and needles and b"\\" not in raw:
                lowered = raw.lower()
                if not any(needle in lowered for needle in needles):
                    yield version, []
                    continue
            yield version, None if raw is None else _names(raw)
    finally:
        rows.close()


def _names(raw: bytes) -> list[str] | None:
    try:
        names = [row[0] for row in json.loads(raw)]
    except (ValueError, TypeError, IndexError, KeyError):
        return None
    return names if all(type(name) is str for name in names) else None
