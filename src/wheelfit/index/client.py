"""`IndexClient`: the `PackageIndex` wheelfit uses, over one or more simple indexes.

* Project pages: `<index>/<canonical-name>/` with PEP 691 content negotiation, through the
  HTTP page cache; files of every index that knows the project are merged in index order
  (pip's `--extra-index-url` semantics). A 404/410 means "not on this index"; any other
  failure of any index raises, because a partial file list would give wrong verdicts.
* Metadata: PEP 658/714 `<file url>.metadata` (hash-checked), else a wheel's METADATA by
  range requests, else an sdist's PKG-INFO when it is static (PEP 643), else None
  (`files.py`). Results are kept in the immutable store, keyed by file URL and sha256.
* Each page and each file's metadata is fetched at most once per run, even when several
  threads ask at the same time: callers share one future per key.

Request accounting (`stats()`): `requests` counts every request sent on the wire, including
retries, redirect hops, range requests and 304 revalidations; `from_cache` counts every
answer served from the disk cache: fresh page hits (no request), 304 revalidations (a
request *and* a cache answer) and immutable-store hits; `bytes_downloaded` counts body
bytes as received (before content decoding: a gzip'd page counts its compressed bytes).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from packaging.utils import canonicalize_name

from wheelfit.errors import UsageError
from wheelfit.index.ahead import AheadSlots, page_into, page_of
from wheelfit.index.base import CoreMetadata
from wheelfit.index.cache import Store, resolve_cache_dir
from wheelfit.index.files import NOT_FOUND, FileReader
from wheelfit.index.http import Transport
from wheelfit.index.jobs import Jobs
from wheelfit.index.limits import DEFAULT_LIMITS, Limits
from wheelfit.index.pagefetch import PageFetcher, PageRequest
from wheelfit.index.pagememo import PageMemo
from wheelfit.index.sdistnames import SdistMembers
from wheelfit.index.sdistscan import DerivedStore, SdistScan
from wheelfit.index.urls import is_local, project_url, split_credentials
from wheelfit.index.wheelsummary import WheelSummary
from wheelfit.model import DistFile, ProjectPage, RequestStats
from wheelfit.redact import redact_url

if TYPE_CHECKING:
    import requests

    from wheelfit.index.pyfetch import SourceCaps

_T = TypeVar("_T")
DEFAULT_INDEX_URL = "https://pypi.org/simple"


class IndexClient:
    """A thread-safe `PackageIndex` over `index_urls` (first = primary, then extras)."""

    def __init__(
        self,
        index_urls: Sequence[str],
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        no_cache: bool = False,
        refresh: bool = False,
        offline: bool = False,
        timeout: float = 15.0,
        retries: int = 3,
        max_workers: int = 16,
        session: requests.Session | None = None,
        backoff: float = 0.5,
        limits: Limits = DEFAULT_LIMITS,
        sdist_scan: tuple[str, Callable[[str], bool]] | None = None,
    ) -> None:
        """`sdist_scan`: a selection (`cache_as` name, `wanted`) callers will ask with; an
        sdist's PKG-INFO is then read together with it, so the sdist is streamed once."""
        if isinstance(index_urls, str):
            index_urls = (index_urls,)
        if not index_urls:
            raise UsageError("at least one index URL is needed")
        if offline and no_cache:
            raise UsageError("--offline needs the cache; it cannot be combined with --no-cache")
        self._limits = limits
        self._jobs = Jobs(max_workers)  # the one pool, and one future per key per run
        self._transport = Transport(
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            pool_size=max_workers,
            session=session,
            limits=limits,
        )
        self.index_urls = tuple(self._transport.add_credentials(u) for u in index_urls)
        self.cache_dir: Path | None = None if no_cache else resolve_cache_dir(cache_dir)
        self._pages = PageFetcher(
            self._transport,
            PageMemo(Store(self.cache_dir, "pages")) if self.cache_dir else None,
            own_file=self._own_file,
            on_cache_hit=self._hit,
            memo_root=self.cache_dir if self.cache_dir and not offline else None,
        )
        immutable = Store(self.cache_dir, "immutable") if self.cache_dir else None
        self._derived = DerivedStore(immutable, refresh=refresh)
        self._files = FileReader(
            self._transport,
            immutable,
            limits,
            refresh=refresh,
            offline=offline,
            on_cache_hit=self._hit,
            scan_selection=sdist_scan,
        )
        self._refresh = refresh
        self._offline = offline
        self._hits: list[bool] = []
        self._at_hand: dict[str, bool] = {}
        self._ahead = AheadSlots()  # pages fetched ahead at a time (`_start_project`)

    # --- PackageIndex --------------------------------------------------------------------------

    def project(self, name: str) -> ProjectPage | None:
        """All files of a project across the indexes; None when no index knows it."""
        canonical = canonicalize_name(name)
        return self._once(("page", canonical), lambda: self._fetch_project(canonical),
                          waiting=lambda: self._pages.hurry(  # to the parse helper first
                              [project_url(u, canonical) for u in self.index_urls]))

    def core_metadata(self, file: DistFile) -> CoreMetadata | None:
        """PEP 658 file, else wheel METADATA by range reads, else static sdist PKG-INFO."""
        key = ("metadata", file.url, file.hash() or "")
        return self._once(key, lambda: self._files.metadata(file))

    def wheel_summary(self, file: DistFile) -> WheelSummary | None:
        """The summary of a wheel's central directory; None when the server refuses range
        requests."""
        key = ("summary", file.url, file.hash() or "")
        return self._once(key, lambda: self._files.summary(file))

    def wheel_sources(self, file: DistFile, wanted: Callable[[str], bool],
                      caps: SourceCaps | None = None) -> Iterator[tuple[str, bytes]]:
        """The wanted members of a wheel, one at a time, by range requests (`pyfetch.py`);
        not cached (callers keep what they make of them). Offline: `OfflineMiss`."""
        from wheelfit.index import pyfetch
        from wheelfit.index.rangefetch import HttpByteSource

        if self._offline and not is_local(file.url):
            from wheelfit.errors import OfflineMiss
            from wheelfit.index.cache import OFFLINE_HINT

            raise OfflineMiss(f"the Python files of {file.filename} are not in the cache",
                              url=redact_url(file.url), hint=OFFLINE_HINT)
        caps = caps or pyfetch.DEFAULT_CAPS
        source = HttpByteSource(self._transport, file.url,
                                pyfetch.source_limits(self._limits, caps))
        return pyfetch.iter_sources(source, wanted, caps, self._limits)

    def sdist_members(
        self, file: DistFile, wanted: Callable[[str], bool], max_member_bytes: int = 1 << 20,
        *, stop_after: int | None = None, cache_as: str | None = None,
    ) -> dict[str, bytes] | None:
        """Members of an sdist, in memory, capped; never extracted, never executed.

        `wanted` gets each regular file's name as stored in the archive (`foo-1.0/setup.py`;
        links, absolute paths and `..` are skipped) and the result is keyed by that name.

        None when the file is not an sdist, or a zip sdist's server refuses range requests.
        Read once per run for the same file and the same `wanted` function (both targets
        ask for the same sdist's build files). `stop_after`: stop reading once that many
        members were found (the rest of the download is abandoned).

        `cache_as` names a fixed selection (the same `wanted`, up to its side effects, for
        the same name): the whole sdist is then read once per run for it, whoever asks,
        kept in the immutable store by its sha256 (`sdistscan.py`), and replayed to each
        caller (`wanted` called on every name, as a read would); `stop_after` is ignored.
        """
        if cache_as is not None:
            return self._scanned(file, wanted, max_member_bytes, cache_as)
        key = ("sdist", file.url, file.hash() or "", wanted, max_member_bytes, stop_after)
        return self._once(key, lambda: self._files.members(file, wanted, max_member_bytes,
                                                           stop_after=stop_after))

    def _scanned(self, file: DistFile, wanted: Callable[[str], bool], max_member_bytes: int,
                 cache_as: str) -> SdistMembers | None:
        fresh: list[bool] = []

        def work() -> SdistScan | None:
            scan, read_now = self._files.scan(file, wanted, max_member_bytes, cache_as)
            fresh.append(read_now)
            return scan

        key = ("sdist-scan", file.url, file.hash() or "", cache_as, max_member_bytes)
        scan = self._once(key, work)
        if scan is None:
            return None
        # This call's own read has called `wanted` on every name already.
        found = SdistMembers(scan.members if fresh == [True] else scan.replay(wanted))
        found.hash_note = scan.hash_note
        return found

    def derived(self, file: DistFile, kind: str) -> bytes | None:
        """What was computed from this file's bytes and kept under `kind` (see
        `sdistscan.DerivedStore`); None when nothing was (or the file has no sha256)."""
        return self._derived.get(file, kind)

    def keep_derived(self, file: DistFile, kind: str, payload: bytes) -> None:
        """Keep what was computed from this file's bytes under `kind`, for later runs."""
        self._derived.put(file, kind, payload)

    def metadata_at_hand(self, file: DistFile) -> bool:
        """True when this file's metadata costs no request: read this run (or its wheel's
        directory read held it), or in the store."""
        if self._jobs.settled(("metadata", file.url, file.hash() or "")):
            return True
        return self._files.holds_metadata(file) or self._files.stored(file, "metadata")

    def file_at_hand(self, file: DistFile) -> bool:
        """True when a wheel's directory summary or an sdist's build-file scan costs no
        request: read this run, or in the store (offline: always; a miss is an error)."""
        if self._offline:
            return True
        if not file.is_wheel:
            return self._files.stored(file, "scan")
        if self._jobs.settled(("summary", file.url, file.hash() or "")):
            return True
        return self._files.stored(file, "summary")

    def page_at_hand(self, name: str) -> bool:
        """True when the page costs no request: every index's answer was fresh in the cache
        when this run first looked (a page fetched this run does not count: what follows
        from it is likely not in the store either)."""
        if self._offline:
            return True
        known = self._at_hand.get(name)  # a canonical name decided before: no lock, no regex
        return known if known is not None else self._store_answers(canonicalize_name(name))

    def _store_answers(self, canonical: str) -> bool:
        """Whether the cache answers the page without the network, decided once per run."""
        with self._jobs.lock:
            known = self._at_hand.get(canonical)
        if known is None:
            known = all(self._pages.answers_from_cache(self._page_request(url, canonical))
                        for url in self.index_urls)
            with self._jobs.lock:
                known = self._at_hand.setdefault(canonical, known)
        return known

    def prefetch(self, names: Iterable[str]) -> None:
        """Start fetching these projects' pages in the background: only those not at hand
        (a fresh stored page is read when asked for; a thread would only add contention)."""
        if self._offline:
            return
        for name in names:
            if not self.page_at_hand(name):  # several indexes: their pages in turn
                self._submit(self._start_project if len(self.index_urls) == 1
                             else self.project, canonicalize_name(name))

    def after_project(self, name: str, then: Callable[[], object]) -> None:
        """Run `then` in the index's pool once the project's page is settled (read, failed
        or not on the index), with no thread waiting for it meanwhile: a page nobody asked
        for yet is fetched ahead (`prefetch`); one at hand is read when `then` asks."""
        canonical = canonicalize_name(name)
        if self.page_at_hand(canonical):
            self._submit(_call, then)
        elif not self._jobs.after(("page", canonical), then):
            self.prefetch([canonical])

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None:
        """Start fetching these files' metadata in the background (not offline: the store
        answers on demand, and looking ahead would only cost a `stat` per file)."""
        if self._offline:
            return
        for file in files:
            if not self._files.stored(file, "metadata"):
                self._submit(self.core_metadata, file)

    def prefetch_wheels(self, files: Iterable[DistFile]) -> None:
        """Start reading these wheels' central directories in the background. Their metadata
        then comes from the same read when it holds METADATA with the page's metadata hash
        (one request instead of two); call this before asking for their metadata. Offline,
        nothing to warm."""
        if self._offline:
            return
        for file in files:
            if file.is_wheel and not self._files.stored(file, "summary"):
                self._files.want_directory(file)
                self._submit(self.wheel_summary, file)

    def prefetch_sdists(self, files: Iterable[DistFile]) -> None:
        """Start reading these sdists' build files (the `sdist_scan` selection) in the
        background; a PKG-INFO read of one of them then comes from the same stream. Only
        for sdists that will surely be read (a source build's); offline, nothing to warm."""
        if self._offline:
            return
        for file in files:
            if self._files.want_scan(file):
                self._submit(self._files.scan_ahead, file)

    def stats(self) -> RequestStats:
        """Requests sent, answers served from the disk cache, body bytes received."""
        from_cache = len(self._hits)
        return RequestStats(
            requests=self._transport.requests_made,
            from_cache=from_cache,
            bytes_downloaded=self._transport.bytes_downloaded,
        )

    def close(self) -> None:
        """Stop the workers (their retry waits cut short) and release the pooled session."""
        self._transport.stop()
        self._jobs.close()
        self._files.flush()
        self._pages.close()
        self._transport.close()

    def __enter__(self) -> IndexClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


    def _once(self, key: tuple[object, ...], work: Callable[[], _T],
              waiting: Callable[[], None] | None = None) -> _T:
        return self._jobs.once(key, work, waiting)

    def _submit(self, fn: Callable[[_T], object], arg: _T) -> None:
        self._jobs.submit(fn, arg)

    def _hit(self) -> None:
        self._hits.append(True)  # list.append is atomic: no lock on this hot path

    # --- project pages -------------------------------------------------------------------------

    def _fetch_project(self, canonical: str) -> ProjectPage | None:
        if not self._offline:
            self._store_answers(canonical)  # before the fetch stores it; no extra read
        return page_of(canonical, [(index_url, self._pages.fetch(
            self._page_request(index_url, canonical))) for index_url in self.index_urls])

    def _start_project(self, canonical: str) -> None:
        """A page fetched ahead (see `ahead.py`), in a pool thread that does not wait for
        the parse helper: the page's future is settled when the helper answers."""
        key = ("page", canonical)
        future: Future[object] | None = None
        with self._jobs.lock:
            known = self._jobs.known(key)  # asked for meanwhile: a free slot goes on
            spare = self._ahead.spare() if known else None
            if not known and self._ahead.take(canonical):
                future = self._jobs.register(key)
        if future is None:
            if spare is not None:
                self._submit(self._start_project, spare)
            return
        index_url = self.index_urls[0]
        try:
            self._store_answers(canonical)
            pending = self._pages.fetch_later(self._page_request(index_url, canonical))
        except BaseException as exc:
            future.set_exception(exc)
            self._next_ahead()
            return
        pending.add_done_callback(
            lambda done: page_into(future, canonical, index_url, done, self._next_ahead))

    def _next_ahead(self) -> None:
        """A page fetched ahead is settled: its slot goes to the first page parked."""
        parked = self._ahead.give_back()
        if parked is not None:
            self._submit(self._start_project, parked)

    def _page_request(self, index_url: str, canonical: str) -> PageRequest:
        return PageRequest(
            url=project_url(index_url, canonical), project=canonical, index_url=index_url,
            max_bytes=self._limits.page_bytes, not_found=NOT_FOUND, refresh=self._refresh,
            offline=self._offline,
        )

    def _own_file(self, file: DistFile, index_url: str) -> DistFile:
        """Move credentials out of the file URL (into the transport) and tag its index."""
        url = file.url
        if "@" in url and split_credentials(url)[1] is not None:
            url = self._transport.add_credentials(url)
        return replace(file, url=url, index_url=index_url)


def _call(then: Callable[[], object]) -> None:
    then()


def open_index(
    index_urls: Sequence[str] | str | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    no_cache: bool = False,
    refresh: bool = False,
    offline: bool = False,
    timeout: float = 15.0,
    retries: int = 3,
    max_workers: int = 16,
    session: requests.Session | None = None,
    backoff: float = 0.5,
    limits: Limits = DEFAULT_LIMITS,
    sdist_scan: tuple[str, Callable[[str], bool]] | None = None,
) -> IndexClient:
    """An `IndexClient`; `index_urls` may be one URL, and defaults to PyPI."""
    if index_urls is None:
        urls: tuple[str, ...] = (DEFAULT_INDEX_URL,)
    elif isinstance(index_urls, str):
        urls = (index_urls,)
    else:
        urls = tuple(index_urls)
    return IndexClient(
        urls,
        cache_dir=cache_dir,
        no_cache=no_cache,
        refresh=refresh,
        offline=offline,
        timeout=timeout,
        retries=retries,
        max_workers=max_workers,
        session=session,
        backoff=backoff,
        limits=limits,
        sdist_scan=sdist_scan,
    )
