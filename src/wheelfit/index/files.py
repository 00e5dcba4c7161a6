"""What wheelfit reads from one distribution file: metadata, a wheel's directory, sdist
members — through the immutable store, without downloading whole files.

Metadata comes from, in order: the PEP 658/714 `<file url>.metadata` (its hash checked),
a wheel's `.dist-info/METADATA` by range requests, an sdist's PKG-INFO when static
(PEP 643). Results are stored forever in the immutable store (keyed by the file URL without
credentials and the file's sha256), including "this sdist has no PKG-INFO".

A wheel's central directory and its METADATA come from one shared read per run
(`rangefetch.read_wheel`: usually one range request), whoever asks first. For a wheel whose
directory a caller has said it will want (`want_directory`), the PEP 658 file is skipped
when that read already holds METADATA *and* it matches the page's metadata hash, i.e. it
is byte for byte the file the index would send; anything else (no usable hash, METADATA
outside the fetched bytes, a mismatch, a failed read) falls back to the PEP 658 file.
The directory itself is kept, here and in the store, only as its summary (`wheelsummary`);
a wheel whose directory and metadata this run reads gets one store entry for both
(`wheelentries`).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from wheelfit.compat.filenames import project_of
from wheelfit.errors import IndexFault, IndexResponseError, OfflineMiss
from wheelfit.index.base import CoreMetadata
from wheelfit.index.cache import OFFLINE_HINT, Store
from wheelfit.index.http import Transport
from wheelfit.index.limits import Limits
from wheelfit.index.parse import hashes
from wheelfit.index.parse import metadata as md
from wheelfit.index.reqlog import log_hit
from wheelfit.index.sdistnames import is_top_level, is_zip_sdist
from wheelfit.index.sdistscan import ScanKeeper, SdistScan, pkg_info_of, scan_key
from wheelfit.index.urls import is_local
from wheelfit.index.wheelentries import PRESENT, WheelEntries
from wheelfit.index.wheelsummary import WheelSummary
from wheelfit.model import DistFile
from wheelfit.redact import redact_url

if TYPE_CHECKING:  # the range and sdist readers load with the first read (not offline)
    from wheelfit.index.rangefetch import WheelRead

NOT_FOUND = frozenset({404, 410})
_METADATA_HINT = "The index serves metadata that does not match the file; try again later."
# The per-member cap of a scan read together with PKG-INFO (`IndexClient.sdist_members`'s).
SCAN_MEMBER_BYTES = 1 << 20
_EARLY = 8 << 20
_WHOLE = 1 << 20  # read to the end with PKG-INFO: a second stream would cost more


class FileReader:
    """Reads files of an index for `IndexClient`; `on_cache_hit` counts store hits."""

    def __init__(
        self,
        transport: Transport,
        store: Store | None,
        limits: Limits,
        *,
        refresh: bool,
        offline: bool,
        on_cache_hit: Callable[[], None],
        scan_selection: tuple[str, Callable[[str], bool]] | None = None,
    ) -> None:
        self._transport = transport
        self._selection = scan_selection
        self._scans = ScanKeeper(store, refresh=refresh, on_hit=on_cache_hit)
        self._store = store
        self._entries = WheelEntries(store, limits) if store is not None else None
        self._limits = limits
        self._refresh = refresh
        self._offline = offline
        self._hit = on_cache_hit
        self._lock = threading.Lock()
        self._wheels: dict[str, Future[WheelRead]] = {}
        self._wanted: set[str] = set()

    # --- metadata --------------------------------------------------------------------------

    def metadata(self, file: DistFile) -> CoreMetadata | None:
        """The file's core metadata; None when it cannot be had without running code."""
        project = project_of(file.filename)
        if project is None:
            return None
        if file.has_metadata_file:
            data = self._stored_bytes(_metadata_kind(file), file, self._pep658_bytes)
            if data is not None:
                return _checked(md.parse_core_metadata(data, source=file.url), file, project)
        if file.is_wheel:
            data = self._stored_bytes("wheel-metadata", file, self._range_metadata)
            if data is None:
                return None
            return _checked(md.parse_core_metadata(data, source=file.url), file, project)
        data = self._stored_bytes("sdist-pkg-info", file, self._download_pkg_info)
        if not data:
            return None
        parsed = md.parse_core_metadata(data, source=file.url)
        if not md.sdist_metadata_is_static(parsed):
            return None
        return _checked(parsed, file, project)

    def stored(self, file: DistFile, what: str) -> bool:
        """True when the store already holds this file's `metadata`, (wheel) `summary` or
        (sdist) `scan` of the selection callers ask with (so asking costs no request).
        Looked up in the store's listing (`Store.has`), not with a `stat` per file."""
        if self._store is None or self._refresh:
            return False
        if what == "scan":
            key = scan_key(file, self._selection[0], SCAN_MEMBER_BYTES) \
                if self._selection is not None else None
            return key is not None and self._store.has(key)
        assert self._entries is not None
        if what == "summary":
            return self._entries.has_summary(_metadata_kind(file), file)
        return self._entries.has_metadata(_metadata_kind(file), file)

    def _stored_bytes(
        self, kind: str, file: DistFile, download: Callable[[DistFile], bytes | None]
    ) -> bytes | None:
        """Bytes from the store, else downloaded and stored (None = known to be absent)."""
        if self._entries is not None and not self._refresh:
            stored = self._entries.metadata(kind, file)
            if stored is not None:
                self._hit()
                log_hit(f"{kind} of {file.filename}")
                return stored[1:] if stored[:1] == PRESENT else None
        self._require_online(f"the metadata of {file.filename}", file)
        data = download(file)
        if self._entries is not None:
            self._entries.keep_metadata(kind, file, data)
        return data

    def _pep658_bytes(self, file: DistFile) -> bytes | None:
        """The PEP 658 file's bytes: METADATA from a wanted directory read when it has the
        very same hash, else the file itself."""
        if _key(file) in self._wanted and hashes.verifiable(file.metadata_hashes):
            try:
                read = self._wheel(file)
            except IndexFault:
                read = None  # the metadata file may still be there; the entries ask again
            held = read.metadata if read is not None else None
            self._drop_metadata(file)
            if held is not None and hashes.matches(held, file.metadata_hashes):
                return held
        return self._download_pep658(file)

    def _download_pep658(self, file: DistFile) -> bytes | None:
        url = f"{file.url}.metadata"
        answer = self._transport.get(
            url, max_bytes=self._limits.metadata_bytes, accept=(200, *NOT_FOUND)
        )
        if answer.status in NOT_FOUND:
            return None  # the page promised a metadata file that is not there; fall back
        for name, expected in file.metadata_hashes or ():
            known = name in hashlib.algorithms_guaranteed
            if known and hashlib.new(name, answer.body).hexdigest() != expected.lower():
                raise IndexResponseError(
                    f"{redact_url(url)}: metadata does not match its hash ({name})",
                    url=redact_url(url),
                    hint=_METADATA_HINT,
                )
        return answer.body

    def _range_metadata(self, file: DistFile) -> bytes | None:
        from wheelfit.index import rangefetch

        read = self._wheel(file)
        source = rangefetch.HttpByteSource(self._transport, file.url, self._limits)
        data = rangefetch.wheel_metadata(source, read, self._limits)
        self._drop_metadata(file)
        return data

    def _download_pkg_info(self, file: DistFile) -> bytes | None:
        combined = self._pkg_info_with_scan(file)
        if combined is not None:  # b"": the whole sdist was read and has no PKG-INFO
            return combined or None
        from wheelfit.index import rangefetch

        try:
            found = self.members(
                file,
                lambda path: is_top_level(path, "PKG-INFO"),
                self._limits.metadata_bytes,
                stop_after=1,
            )
        except rangefetch.RangeNotSupported:
            return None
        return next(iter((found or {}).values()), None)

    def _pkg_info_with_scan(self, file: DistFile) -> bytes | None:
        """PKG-INFO read with the registered selection's members (`scan_selection`): a read
        that reaches the end (an sdist of at most `_WHOLE` bytes, PKG-INFO last or past
        `_EARLY`) is the whole scan, kept and stored: the sdist is not streamed again. None:
        no selection, or no PKG-INFO within `SCAN_MEMBER_BYTES` (the caller reads it alone)."""
        if self._selection is None or is_zip_sdist(file.filename):
            return None
        cache_as, select = self._selection
        key = scan_key(file, cache_as, SCAN_MEMBER_BYTES)
        if key is None:
            return None
        if self._scans.wanted(file, cache_as, SCAN_MEMBER_BYTES):  # `scan_ahead`'s read
            return pkg_info_of(self.scan_ahead(file))
        names: list[str] = []

        def wanted(path: str) -> bool:
            names.append(path)
            return select(path) or _is_pkg_info(path)

        with self._scans.reading(key):
            whole = file.size is not None and file.size <= _WHOLE
            found = self.members(file, wanted, SCAN_MEMBER_BYTES, until=_early(whole))
            if found is None:
                return None
            if getattr(found, "complete", False):
                kept = {k: v for k, v in found.items() if select(k)}
                note = getattr(found, "hash_note", None)
                self._scans.keep(file, cache_as, SdistScan(tuple(names), kept, note),
                                 SCAN_MEMBER_BYTES)
        return next((v for k, v in found.items() if _is_pkg_info(k)), None)

    # --- wheel directories -----------------------------------------------------------------

    def want_directory(self, file: DistFile) -> None:
        """Say that this wheel's directory will be read this run: its METADATA may then come
        from the same bytes (see the module docstring). Call it before asking for either."""
        if file.is_wheel:
            with self._lock:
                self._wanted.add(_key(file))

    def summary(self, file: DistFile) -> WheelSummary | None:
        """The summary of a wheel's central directory; None when ranges are refused."""
        done = self._done_read(file)
        if done is not None:
            return done.summary
        if self._entries is not None and not self._refresh:
            summary = self._entries.summary(_metadata_kind(file), file)
            if summary is not None:
                self._hit()
                log_hit(f"file list of {file.filename}")
                return summary
        self._require_online(f"the file list of {file.filename}", file)
        from wheelfit.index import rangefetch

        try:
            return self._wheel(file).summary
        except rangefetch.RangeNotSupported:
            return None

    def holds_metadata(self, file: DistFile) -> bool:
        """True when this run's finished directory read of the wheel held its METADATA."""
        done = self._done_read(file)
        return done is not None and done.metadata is not None

    def _done_read(self, file: DistFile) -> WheelRead | None:
        """This run's finished read of the wheel, if there is one."""
        with self._lock:
            future = self._wheels.get(_key(file))
        if future is None or not future.done() or future.exception() is not None:
            return None
        return future.result()

    def _drop_metadata(self, file: DistFile) -> None:
        """METADATA has been taken from this run's read: keep the read without its bytes
        (asked again, METADATA comes by its span)."""
        key = _key(file)
        with self._lock:
            future = self._wheels.get(key)
            if future is None or not future.done() or future.exception() is not None:
                return
            read = future.result()
            if read.metadata is None:
                return
            lean: Future[WheelRead] = Future()
            lean.set_result(replace(read, metadata=None))
            self._wheels[key] = lean

    def _wheel(self, file: DistFile) -> WheelRead:
        """The wheel's directory (and METADATA when it came along), read once per run by
        whoever asks first; its summary goes to the store. Failures are not kept (the next
        caller tries again, as separate requests for metadata and entries would), except a
        server's refusal of range requests, which is its answer to every one of them."""
        key = _key(file)
        with self._lock:
            future = self._wheels.get(key)
            owner = future is None
            if future is None:
                future = self._wheels[key] = Future()
            wanted = key in self._wanted
        if not owner:
            return future.result()
        from wheelfit.index import rangefetch

        try:
            source = rangefetch.HttpByteSource(self._transport, file.url, self._limits)
            read = rangefetch.read_wheel(source, project_of(file.filename) or "", self._limits)
            if self._entries is not None:  # with the metadata when that is asked for next
                self._entries.keep_summary(_metadata_kind(file), file, read.summary,
                                           metadata_follows=wanted)
        except BaseException as exc:
            if not isinstance(exc, rangefetch.RangeNotSupported):
                with self._lock:
                    del self._wheels[key]
            future.set_exception(exc)
            raise
        future.set_result(read)
        return read

    def flush(self) -> None:
        """Store what waits for the end of the run (`wheelentries.WheelEntries.flush`)."""
        if self._entries is not None:
            self._entries.flush()

    # --- sdists ----------------------------------------------------------------------------

    def members(
        self,
        file: DistFile,
        wanted: Callable[[str], bool],
        max_member_bytes: int,
        *,
        stop_after: int | None = None,
        until: Callable[[str, int], bool] | None = None,
    ) -> dict[str, bytes] | None:
        """Wanted members of an sdist (`foo-1.0/setup.py`); None for wheels, unknown file
        types, and zip sdists whose server refuses range requests. `until(name, offset)`:
        stop at a member it accepts (`SdistMembers.complete`: the read reached the end)."""
        if file.is_wheel or project_of(file.filename) is None:
            return None
        self._require_online(f"reading {file.filename}", file)
        from wheelfit.index import rangefetch, sdist  # the readers: loaded for a real read

        if is_zip_sdist(file.filename):
            source = rangefetch.HttpByteSource(self._transport, file.url, self._limits)
            try:
                return sdist.zip_members(
                    source,
                    wanted,
                    max_member_bytes=max_member_bytes,
                    limits=self._limits,
                    stop_after=stop_after,
                    hashes=file.hashes,
                    until=until,
                )
            except rangefetch.RangeNotSupported:
                return None
        with self._transport.stream(
            file.url, max_bytes=self._limits.sdist_download_bytes
        ) as chunks:
            return sdist.tar_members(
                chunks,
                wanted,
                max_member_bytes=max_member_bytes,
                limits=self._limits,
                url=file.url,
                stop_after=stop_after,
                hashes=file.hashes,
                until=until,
            )

    def scan(self, file: DistFile, wanted: Callable[[str], bool], max_member_bytes: int,
             cache_as: str) -> tuple[SdistScan | None, bool]:
        """The whole sdist read once per run for the selection `cache_as` (`sdistscan.py`;
        concurrent callers share the read), or from the store; True when this call read it
        (`wanted` was called on every name), False when it was kept."""
        names: list[str] = []

        def recording(name: str) -> bool:
            names.append(name)
            return wanted(name)

        def read() -> SdistScan | None:
            found = self.members(file, recording, max_member_bytes)
            if found is None:
                return None
            done = SdistScan(tuple(names), dict(found), getattr(found, "hash_note", None))
            self._scans.keep(file, cache_as, done, max_member_bytes)
            return done

        return self._scans.shared(file, cache_as, max_member_bytes, read)

    def want_scan(self, file: DistFile) -> bool:
        """Mark it for `scan_ahead` (PKG-INFO reads wait for it); False: nothing to read."""
        return (self._selection is not None and not file.is_wheel
                and self._scans.want(file, self._selection[0], SCAN_MEMBER_BYTES))

    def scan_ahead(self, file: DistFile) -> SdistScan | None:
        """The registered selection's scan of this sdist, with its PKG-INFO."""
        if self._selection is None or file.is_wheel:
            return None
        cache_as, select = self._selection
        return self.scan(file, lambda p: select(p) or _is_pkg_info(p), SCAN_MEMBER_BYTES,
                         cache_as)[0]

    def _require_online(self, what: str, file: DistFile) -> None:
        if self._offline and not is_local(file.url):
            raise OfflineMiss(
                f"{what} is not in the cache ({redact_url(file.url)})",
                url=redact_url(file.url),
                hint=OFFLINE_HINT,
            )


def _is_pkg_info(path: str) -> bool:
    return is_top_level(path, "PKG-INFO")


def _early(whole: bool) -> Callable[[str, int], bool]:
    """Stop at an early PKG-INFO (unless `whole`); past `_EARLY` bytes, finish the scan."""
    return lambda path, unpacked: not whole and unpacked <= _EARLY and _is_pkg_info(path)


def _checked(parsed: CoreMetadata, file: DistFile, project: str) -> CoreMetadata:
    if canonicalize_name(parsed.name) != canonicalize_name(project):
        raise IndexResponseError(
            f"{redact_url(file.url)}: metadata names {parsed.name!r}, expected {project!r}",
            url=redact_url(file.url),
            hint=_METADATA_HINT,
        )
    return parsed


def _key(file: DistFile) -> str:
    return f"{file.url}#{file.hash() or ''}"


def _metadata_kind(file: DistFile) -> str:
    """The store's first source of a file's metadata, as `FileReader.metadata` tries them."""
    if file.has_metadata_file:
        return "pep658"
    return "wheel-metadata" if file.is_wheel else "sdist-pkg-info"

