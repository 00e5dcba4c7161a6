"""A file's metadata and a wheel's directory summary in the immutable store, one entry per
chosen wheel.

A wheel a run chooses needs both its METADATA and its directory summary; as two entries
they cost two file creations (the larger part of a store write). So when this run reads a
wheel's directory *and* its metadata, both go into one entry, `<metadata kind>+summary`
(a new kind: an older wheelfit does not read it, and this one still reads the older
separate entries). A summary whose wheel was marked as wanted waits, in memory, for the
wheel's metadata; it is written alone when the metadata is already stored or read, and
at `flush` (the end of the run) when no metadata came. A run that ends early loses
only those waiting summaries: the next run reads them again.

Payload of a paired entry: `PAIRED + 4-byte big-endian length of the metadata + metadata +
encode_summary(summary)`; anything else under that key reads as missing.
"""

from __future__ import annotations

import json
import struct
import threading

from wheelfit.index.cache import Store, immutable_key
from wheelfit.index.limits import Limits
from wheelfit.index.wheelsummary import WheelSummary, decode_summary, encode_summary, summarise
from wheelfit.model import DistFile

PRESENT, ABSENT = b"\x01", b"\x00"
PAIRED = b"\x02"
_LENGTH = struct.Struct(">I")
SUMMARY = "wheel-summary"  # a summary stored alone
# An older wheelfit's whole file list (rows of name, compressed and uncompressed size),
# summarised once when found.
OLD_LIST = "wheel-entries"


def paired_kind(kind: str) -> str:
    """The store kind of a metadata entry of `kind` paired with the wheel's summary."""
    return f"{kind}+summary"


def encode_paired(metadata: bytes, summary: WheelSummary) -> bytes:
    """The payload of a paired entry."""
    return PAIRED + _LENGTH.pack(len(metadata)) + metadata + encode_summary(summary)


def decode_paired(payload: bytes | None) -> tuple[bytes, WheelSummary] | None:
    """(metadata, summary) of a paired entry; None when it is anything else."""
    if payload is None or payload[:1] != PAIRED or len(payload) < 1 + _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack_from(payload, 1)
    start = 1 + _LENGTH.size
    if start + length > len(payload):
        return None
    summary = decode_summary(payload[start + length:])
    return None if summary is None else (payload[start:start + length], summary)


class WheelEntries:
    """Metadata and summary entries of one store, pairing them as the module says."""

    def __init__(self, store: Store, limits: Limits) -> None:
        self._store = store
        self._limits = limits
        self._lock = threading.Lock()
        self._waiting: dict[str, tuple[DistFile, WheelSummary]] = {}
        self._metadata_kept: set[str] = set()

    def _cap(self) -> int:
        return 5 + self._limits.metadata_bytes + self._limits.central_directory_bytes

    def has_metadata(self, kind: str, file: DistFile) -> bool:
        """True when the store lists an entry holding this file's metadata."""
        return any(self._store.has(immutable_key(k, file.url, file.hash()))
                   for k in (paired_kind(kind), kind))

    def has_summary(self, kind: str, file: DistFile) -> bool:
        """True when the store lists an entry holding this wheel's summary."""
        return any(self._store.has(immutable_key(k, file.url, file.hash()))
                   for k in (paired_kind(kind), SUMMARY))

    def metadata(self, kind: str, file: DistFile) -> bytes | None:
        """The stored payload of this file's metadata: PRESENT + bytes or ABSENT; None when
        nothing usable is stored."""
        paired = immutable_key(paired_kind(kind), file.url, file.hash())
        if self._store.has(paired):
            found = decode_paired(self._store.get(paired, self._cap()))
            if found is not None:
                return PRESENT + found[0]
        stored = self._store.get(immutable_key(kind, file.url, file.hash()),
                                 1 + self._limits.metadata_bytes)
        return stored if stored is not None and stored[:1] in (PRESENT, ABSENT) else None

    def summary(self, kind: str, file: DistFile) -> WheelSummary | None:
        """The stored summary of this wheel (paired, alone, or made from an older file
        list, which is then stored as a summary); None when there is none."""
        paired = immutable_key(paired_kind(kind), file.url, file.hash())
        if self._store.has(paired):
            found = decode_paired(self._store.get(paired, self._cap()))
            if found is not None:
                return found[1]
        key = immutable_key(SUMMARY, file.url, file.hash())
        stored = self._store.get(key, self._limits.central_directory_bytes)
        summary = decode_summary(stored) if stored is not None else None
        return summary if summary is not None else self._from_old_list(file, key)

    def _from_old_list(self, file: DistFile, key: str) -> WheelSummary | None:
        old = immutable_key(OLD_LIST, file.url, file.hash())
        stored = self._store.get(old, self._limits.central_directory_bytes)
        try:
            rows = json.loads(stored) if stored is not None else None
            summary = (summarise((str(n), int(u)) for n, _, u in rows)
                       if isinstance(rows, list) else None)
        except (ValueError, TypeError):
            return None
        if summary is not None:
            self._store.put(key, encode_summary(summary))
        return summary

    def keep_metadata(self, kind: str, file: DistFile, data: bytes | None) -> None:
        """Store this file's metadata (None: it has none), paired with its summary when
        one is waiting."""
        with self._lock:
            waiting = self._waiting.pop(_key(file), None)
            self._metadata_kept.add(_key(file))
        if waiting is not None and data is not None:
            self._store.put(immutable_key(paired_kind(kind), file.url, file.hash()),
                            encode_paired(data, waiting[1]))
            return
        self._store.put(immutable_key(kind, file.url, file.hash()),
                        ABSENT if data is None else PRESENT + data)
        if waiting is not None:
            self._put_summary(*waiting)

    def keep_summary(self, kind: str, file: DistFile, summary: WheelSummary,
                     *, metadata_follows: bool) -> None:
        """Store a wheel's summary: alone, or (`metadata_follows`: its metadata is asked
        for this run) waiting for the metadata, unless that is stored or read already."""
        key = _key(file)
        if metadata_follows and not self.has_metadata(kind, file):
            with self._lock:
                if key not in self._metadata_kept:
                    self._waiting[key] = (file, summary)
                    return
        self._put_summary(file, summary)

    def flush(self) -> None:
        """Store the summaries still waiting (their metadata never came this run)."""
        with self._lock:
            waiting, self._waiting = list(self._waiting.values()), {}
        for file, summary in waiting:
            self._put_summary(file, summary)

    def _put_summary(self, file: DistFile, summary: WheelSummary) -> None:
        self._store.put(immutable_key(SUMMARY, file.url, file.hash()), encode_summary(summary))


def _key(file: DistFile) -> str:
    return f"{file.url}#{file.hash() or ''}"
