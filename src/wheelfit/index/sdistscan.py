"""One scan of an sdist, kept for the run and in the immutable store.

A scan is what one streamed read of an sdist yields for a fixed selection (`cache_as`,
e.g. the build files): every member name handed to the selection, in archive order, the
selected members' bytes, and the note on the index's hash. It is stored under the
sdist's URL *and* its sha256 from the index page (a file with no sha256 is never stored:
without it the entry could not be tied to immutable bytes), with the selection's name and
`SCAN_FORMAT` in the key, so a changed selection or format reads as a miss.

Callers with the same `cache_as` get the scan replayed: their `wanted` is called on every
stored name, as a fresh read would call it, and they receive the members it selects.

Payload: one line of JSON (`{"v", "names", "members": [[name, length]...], "note"}`), a
newline, then the members' bytes back to back. Anything that does not decode exactly reads
as a miss (and is rewritten by the next read).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass

from wheelfit.index.cache import Store, immutable_key
from wheelfit.index.reqlog import log_hit
from wheelfit.index.sdistnames import is_top_level
from wheelfit.model import DistFile

SCAN_FORMAT = 1


@dataclass(frozen=True)
class SdistScan:
    """Member names seen (archive order), selected members' bytes, the hash note."""

    names: tuple[str, ...]
    members: dict[str, bytes]
    hash_note: str | None = None

    def replay(self, wanted: Callable[[str], bool]) -> dict[str, bytes]:
        """The members `wanted` selects, calling it on every name as a read would."""
        return {name: self.members[name] for name in self.names
                if wanted(name) and name in self.members}


def pkg_info_of(scan: SdistScan | None) -> bytes | None:
    """The top-level PKG-INFO a scan kept (`FileReader.scan_ahead` keeps it); b"" when the
    sdist has none; None when the scan did not keep it (not read, or over the cap)."""
    if scan is None:
        return None
    found = next((v for k, v in scan.members.items() if is_top_level(k, "PKG-INFO")), None)
    if found is None and not any(is_top_level(n, "PKG-INFO") for n in scan.names):
        return b""
    return found


def scan_key(file: DistFile, cache_as: str, max_member_bytes: int) -> str | None:
    """The store key of a scan; None when the index gave no sha256 (never stored)."""
    sha256 = file.hash("sha256")
    if not sha256:
        return None
    return immutable_key(f"sdist-scan-{SCAN_FORMAT}-{cache_as}-{max_member_bytes}",
                         file.url, sha256)


def encode_scan(scan: SdistScan) -> bytes:
    """The payload stored for `scan`."""
    blobs = list(scan.members.items())
    head = {"v": SCAN_FORMAT, "names": list(scan.names),
            "members": [[name, len(data)] for name, data in blobs], "note": scan.hash_note}
    return json.dumps(head, separators=(",", ":")).encode() + b"\n" + b"".join(
        data for _name, data in blobs)


def decode_scan(payload: bytes) -> SdistScan | None:
    """The scan of a payload; None when it is not exactly one `encode_scan` wrote."""
    line, newline, body = payload.partition(b"\n")
    if not newline:
        return None
    try:
        head = json.loads(line)
    except ValueError:
        return None
    if not isinstance(head, dict) or head.get("v") != SCAN_FORMAT:
        return None
    names, rows, note = head.get("names"), head.get("members"), head.get("note")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    if not isinstance(rows, list) or not (note is None or isinstance(note, str)):
        return None
    members: dict[str, bytes] = {}
    offset = 0
    known = set(names)
    for row in rows:
        if not (isinstance(row, list) and len(row) == 2 and isinstance(row[0], str)
                and type(row[1]) is int and row[1] >= 0 and row[0] in known):
            return None
        members[row[0]] = body[offset:offset + row[1]]
        offset += row[1]
    if offset != len(body) or len(members) != len(rows):
        return None
    return SdistScan(tuple(names), members, note)


class ScanKeeper:
    """This run's whole reads by key, the reads under way that may yield one (a PKG-INFO
    read), and the store's entries (skipped with `refresh`; none without a store)."""

    def __init__(self, store: Store | None, *, refresh: bool,
                 on_hit: Callable[[], None]) -> None:
        self._store = store
        self._refresh = refresh
        self._hit = on_hit
        self._lock = threading.Lock()
        self._done: dict[str, SdistScan] = {}
        self._running: dict[str, Future[None]] = {}
        self._wanted: set[str] = set()

    @contextmanager
    def reading(self, key: str) -> Iterator[None]:
        """Mark a read under way that may `keep` the scan of `key`: `find` waits for it."""
        running: Future[None] = Future()
        with self._lock:
            self._running[key] = running
        try:
            yield
        finally:
            running.set_result(None)

    def find(self, file: DistFile, cache_as: str, max_member_bytes: int) -> SdistScan | None:
        """The scan kept this run (after any read under way) or stored; None when neither."""
        key = scan_key(file, cache_as, max_member_bytes)
        if key is None:
            return None
        with self._lock:
            running = self._running.get(key)
        if running is not None:
            running.result()
        with self._lock:
            done = self._done.get(key)
        if done is not None or self._store is None or self._refresh:
            return done
        stored = self._store.get(key)
        kept = decode_scan(stored) if stored is not None else None
        if kept is not None:
            self._hit()
            log_hit(f"{cache_as} of {file.filename}")
        return kept

    def want(self, file: DistFile, cache_as: str, max_member_bytes: int) -> bool:
        """Say that this sdist's scan will be read this run (`wanted` then says so); False,
        and nothing marked, when the store holds it or it cannot be kept (no sha256)."""
        key = scan_key(file, cache_as, max_member_bytes)
        if key is None or (self._store is not None and not self._refresh
                           and self._store.path_for(key).is_file()):
            return False
        with self._lock:
            self._wanted.add(key)
        return True

    def wanted(self, file: DistFile, cache_as: str, max_member_bytes: int) -> bool:
        """True when a caller said this scan will be read (`want`)."""
        key = scan_key(file, cache_as, max_member_bytes)
        with self._lock:
            return key is not None and key in self._wanted

    def shared(self, file: DistFile, cache_as: str, max_member_bytes: int,
               read: Callable[[], SdistScan | None]) -> tuple[SdistScan | None, bool]:
        """The scan kept (after any read under way) or stored, else `read()` run by one
        caller at a time per key, so concurrent callers share one stream; True when this
        call ran `read`. `read` keeps what it reads (`keep`)."""
        key = scan_key(file, cache_as, max_member_bytes)
        while True:
            kept = self.find(file, cache_as, max_member_bytes)
            if kept is not None:
                return kept, False
            if key is None:
                return read(), True
            claim = self._claim(key)
            if claim is not None:
                break
        try:
            return read(), True
        finally:
            claim.set_result(None)

    def _claim(self, key: str) -> Future[None] | None:
        """Mark a read of `key` under way; None when one is already (or it is kept)."""
        with self._lock:
            running = self._running.get(key)
            if key in self._done or (running is not None and not running.done()):
                return None
            claim: Future[None] = Future()
            self._running[key] = claim
            return claim

    def keep(self, file: DistFile, cache_as: str, scan: SdistScan,
             max_member_bytes: int) -> None:
        """Keep a whole read for this run, and in the store when it fits its cap (only for
        a file with a sha256)."""
        key = scan_key(file, cache_as, max_member_bytes)
        if key is None:
            return
        with self._lock:
            self._done[key] = scan
        if self._store is not None:
            payload = encode_scan(scan)
            if len(payload) <= self._store.max_payload:
                self._store.put(key, payload)


class DerivedStore:
    """Values computed from an immutable file's bytes alone (a build-file scan's result),
    kept in the immutable store by the file's URL and sha256 under a `kind` that names the
    computation and its version. Nothing is kept for a file without a sha256; `refresh`
    reads nothing (and rewrites); without a store nothing is kept. A hit is logged but not
    counted in the run's request stats: it replaces computation, not a request."""

    def __init__(self, store: Store | None, *, refresh: bool) -> None:
        self._store = store
        self._refresh = refresh

    def get(self, file: DistFile, kind: str) -> bytes | None:
        """The payload kept for `file` under `kind`; None when there is none."""
        sha256 = file.hash("sha256")
        if self._store is None or self._refresh or not sha256:
            return None
        found = self._store.get(immutable_key(f"derived-{kind}", file.url, sha256))
        if found is not None:
            log_hit(f"{kind} of {file.filename}")
        return found

    def put(self, file: DistFile, kind: str, payload: bytes) -> None:
        """Keep `payload` for `file` under `kind` (when the file has a sha256 and it fits)."""
        sha256 = file.hash("sha256")
        if self._store is not None and sha256 and len(payload) <= self._store.max_payload:
            self._store.put(immutable_key(f"derived-{kind}", file.url, sha256), payload)

