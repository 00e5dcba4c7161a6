"""One index's project page through the HTTP cache: the files grouped by version.

* A page is one cache entry (`pagememo.py`): the answer and its parsed files. A fresh one
  costs no request and no parsing, and its versions are decoded only when asked for.
* A stale answer is revalidated with its ETag / Last-Modified; a 304 keeps the parsed files
  (the entry is written again with the new answer).
* A new body is parsed (`pages.py`), grouped by version and stored with its answer; a big
  one by the parse helper (`parseproc.py`), which gets a gzip'd body as sent and inflates
  it itself, under the same cap (a body it cannot take is inflated and parsed here, with
  the transport's errors).
* `--offline` uses any stored answer and raises `OfflineMiss` when there is none; a `file:`
  index is read from disk (no network), as uv's --offline reads local files.
* A 404/410 answer is "not on this index" (None), and is cached like any other answer.

A body whose links carry credentials is never written to disk, and neither is its answer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from wheelfit.errors import OfflineMiss
from wheelfit.index.bodies import inflate
from wheelfit.index.cache import (
    CREDENTIALS_IN_BODY,
    OFFLINE_HINT,
    PageMeta,
    freshness,
    kept_headers,
)
from wheelfit.index.http import Fetched, Transport
from wheelfit.index.pagememo import PageMemo, answer_record, page_key
from wheelfit.index.parse import pages
from wheelfit.index.parse.pagerows import RowGroups, dist_groups, dist_of, row_of
from wheelfit.index.parsed import Groups, MemoFiles, storable_rows
from wheelfit.index.parseproc import ParseHelper
from wheelfit.index.urls import is_local
from wheelfit.model import DistFile
from wheelfit.redact import redact_url

LOG = logging.getLogger("wheelfit.cache")
PARALLEL_PARSES = 2
# Bytes that entries read ahead by `answers_from_cache` (all of a run's pages, at its start)
# may hold until they are fetched; past it they are read again when a version is asked for.
PEEKED_BYTES = 4 << 20


@dataclass
class _Answer:
    """A new 200 answer on its way to the memo: what storing it needs."""

    request: PageRequest
    answer: Fetched
    page: PageMeta


def _done(value: Groups | None) -> Future[Groups | None]:
    future: Future[Groups | None] = Future()
    future.set_result(value)
    return future


def _failed(exc: BaseException) -> Future[Groups | None]:
    future: Future[Groups | None] = Future()
    future.set_exception(exc)
    return future


@dataclass(frozen=True)
class PageRequest:
    """Which page to fetch, and how."""

    url: str
    project: str
    index_url: str
    max_bytes: int
    not_found: Collection[int]
    refresh: bool = False
    offline: bool = False


class PageFetcher:
    """Fetches and parses project pages through the page cache (`pagememo.py`).

    `own_file(file, index_url)` gives a file as the client keeps it: credentials moved out
    of its URL, tagged with `index_url`. It is called only for URLs holding an "@"; every
    other file is simply tagged with `index_url`.
    """

    def __init__(self, transport: Transport, memo: PageMemo | None,
                 own_file: Callable[[DistFile, str], DistFile],
                 on_cache_hit: Callable[[], None], memo_root: Path | None = None) -> None:
        self._transport = transport
        # New bodies are parsed and memoised by a helper process when there is a memo.
        self._memo_root = memo_root
        self._helper = ParseHelper() if memo_root is not None else None
        self._memo = memo
        # A cache with no page entries at all when the run starts (a first run, a CI job's
        # empty cache): no page is looked up before it is fetched (no failed open per
        # page). A concurrent run's entries are then not seen: that costs only a fetch.
        self._none_stored = memo is not None and memo_root is not None and not memo.stored()
        self._own_file = own_file
        self._hit = on_cache_hit
        self._parsing = threading.BoundedSemaphore(PARALLEL_PARSES)
        # entries read (or found missing) by `answers_from_cache`, which `fetch` takes
        # instead of opening them again
        self._peeked: dict[str, tuple[PageMeta, MemoFiles] | None] = {}
        self._peeked_bytes = 0  # what the entries in `_peeked` hold (`PEEKED_BYTES`)
        self._peek_lock = threading.Lock()
        self._closed = False

    def fetch(self, request: PageRequest) -> Groups | None:
        """The page's files by version; None when the index does not know the project."""
        found = self._fetch(request, later=False)
        assert not isinstance(found, Future)
        return found

    def fetch_later(self, request: PageRequest) -> Future[Groups | None]:
        """`fetch`, except that a new body the helper process parses is not waited for:
        the future is settled when the helper answers (or, when it cannot, once the page
        is parsed in a thread of this process), so the calling thread goes on meanwhile."""
        try:
            found = self._fetch(request, later=True)
        except BaseException as exc:
            return _failed(exc)
        return found if isinstance(found, Future) else _done(found)

    def hurry(self, urls: Collection[str]) -> None:
        """Someone waits for these pages: bodies of them waiting for the helper go first."""
        if self._helper is not None:
            for url in urls:
                self._helper.hurry(url)

    def _fetch(self, request: PageRequest, later: bool) -> Groups | Future[Groups | None] | None:
        meta, groups = self._cached(request)
        if request.offline and not is_local(request.url):
            if meta is None:
                older = self._memo is not None and self._memo.holds_older_entries()
                raise OfflineMiss(
                    f"the project page of {request.project} is not in the cache "
                    f"({redact_url(request.url)})"
                    + ("; the cache holds entries of an older wheelfit, whose pages this "
                       "version does not read" if older else ""),
                    url=redact_url(request.url), hint=OFFLINE_HINT,
                )
            self._hit()
            LOG.info("cache: hit %s (offline)", redact_url(request.url))
            return groups
        now = time.time()
        if meta is not None and not request.refresh and meta.is_fresh(now):
            self._hit()
            LOG.info("cache: hit %s (fresh)", redact_url(request.url))
            return groups
        headers = {"Accept": pages.ACCEPT}
        if request.refresh:
            headers["Cache-Control"] = "max-age=0"
        if meta is not None:
            if "etag" in meta.headers:
                headers["If-None-Match"] = meta.headers["etag"]
            if "last-modified" in meta.headers:
                headers["If-Modified-Since"] = meta.headers["last-modified"]
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        accept = {200, *request.not_found}
        if self._helper is not None and not conditional:
            self._helper.start()  # ready by the time a page worth it arrives
        answer = self._transport.get(request.url, headers=headers, max_bytes=request.max_bytes,
                                     accept={*accept, 304} if conditional else accept,
                                     keep_coding=self._helper is not None)
        if answer.status == 304 and meta is not None:
            merged = {**meta.headers, **kept_headers(answer.headers, keep_type=False)}
            keep, lifetime = freshness(merged)
            if keep and self._memo is not None:
                renewed = self._memo.renew(
                    page_key(request.url, pages.ACCEPT),
                    PageMeta(meta.url, meta.status, merged, now, lifetime),
                    request.index_url, lambda: self._refetch(request))
                if renewed is not None and groups is not None:
                    groups = renewed  # the rows, at their places in the new entry
            self._hit()
            return groups
        return self._fresh_answer(request, answer, now, later)

    def answers_from_cache(self, request: PageRequest) -> bool:
        """True when `fetch` would answer without the network (a fresh stored entry):
        prefetching such a page in a thread would only add contention."""
        if self._memo is None or request.refresh or self._none_stored:
            return False
        found = self._memo.load(page_key(request.url, pages.ACCEPT), request.index_url,
                                lambda: self._refetch(request))
        with self._peek_lock:
            if found is not None:
                held = found[1].kept_bytes
                if self._peeked_bytes + held > PEEKED_BYTES:
                    found[1].drop_kept()
                else:
                    self._peeked_bytes += held
            self._peeked[request.url] = found  # `fetch` takes it instead of opening it again
        if found is None:
            return False
        meta = found[0]
        return (request.offline or meta.is_fresh(time.time())) \
            and (meta.status == 200 or meta.status in request.not_found)

    def _cached(self, request: PageRequest) -> tuple[PageMeta | None, Groups | None]:
        """The stored answer and, for a 200, its files; (None, None) when the entry is
        missing or damaged, so the page is fetched whole again."""
        if self._memo is None or self._none_stored:
            return None, None
        with self._peek_lock:
            peeked = request.url in self._peeked
            found = self._peeked.pop(request.url, None)
            if found is not None:
                self._peeked_bytes -= found[1].kept_bytes
        if not peeked:
            found = self._memo.load(page_key(request.url, pages.ACCEPT), request.index_url,
                                    lambda: self._refetch(request))
        if found is None:
            return None, None
        meta, files = found
        if meta.status in request.not_found:
            return meta, None
        return (meta, files) if meta.status == 200 else (None, None)

    def _refetch(self, request: PageRequest) -> Groups:
        """The page fetched and stored again: used when a memo entry turns out damaged or
        vanished while a version was being read."""
        answer = self._transport.get(request.url, headers={"Accept": pages.ACCEPT},
                                     max_bytes=request.max_bytes,
                                     accept={200, *request.not_found})
        found = self._fresh_answer(request, answer, time.time())
        assert not isinstance(found, Future)
        return found or {}

    def _fresh_answer(self, request: PageRequest, answer: Fetched, now: float,
                      later: bool = False, helper: bool = True
                      ) -> Groups | Future[Groups | None] | None:
        """A new answer stored and parsed; with `later`, a future when the helper parses
        it; with `helper` False, parsed here whatever its size."""
        kept = kept_headers(answer.headers, keep_type=True)
        keep, lifetime = freshness({**kept, "age": answer.headers.get("age", "")})
        page = PageMeta(answer.url, answer.status, kept, now, lifetime)
        key = page_key(request.url, pages.ACCEPT)
        if answer.status in request.not_found:
            if answer.coding:  # the transport's errors for a damaged body, as before
                inflate(answer.body, answer.coding, answer.url, answer.status,
                        request.max_bytes)
            if keep and self._memo is not None:
                self._memo.put_answer(key, page)
            return None
        elsewhere = self._memoised_elsewhere(_Answer(request, answer, page), later) \
            if keep and helper else None
        if elsewhere is not None:
            return elsewhere
        if answer.coding:  # the transport's errors for a body over the cap or damaged
            answer = Fetched(answer.url, answer.status, answer.headers, inflate(
                answer.body, answer.coding, answer.url, answer.status, request.max_bytes))
        # Parsing holds a page's whole object tree; two at a time keep memory flat and lose
        # nothing, since parsing is CPU work that threads would only take turns at anyway.
        with self._parsing:
            here = self._memoised_here(request, answer, page) if keep else None
            if here is not None:
                return here
            rows = self._parse_rows(request, answer)
            if not keep or self._memo is None \
                    or (b"@" in answer.body and CREDENTIALS_IN_BODY.search(answer.body)) \
                    or not storable_rows(rows):
                return dist_groups(rows, request.index_url)
            # Answered lazily from the entry: a check keeps only the versions it looks at.
            memoised = self._memo.put_rows(key, rows, request.index_url,
                                           lambda: self._refetch(request), page)
        return memoised if memoised is not None else dist_groups(rows, request.index_url)

    def _memoised_here(self, request: PageRequest, answer: Fetched,
                       page: PageMeta) -> Groups | None:
        """The page stored from its JSON text without building rows
        (`memochunks.parse_memo_chunks`); None when it is not read that way, holds an "@",
        or the disk refused: then it is parsed into rows."""
        if self._memo is None or b"@" in answer.body:
            return None
        from wheelfit.index.parse.memochunks import parse_memo_chunks  # not needed offline

        chunks = parse_memo_chunks(answer.body, answer.headers.get("Content-Type", ""),
                                   answer.url, request.project)
        if chunks is None:
            return None
        return self._memo.put_chunks(page_key(request.url, pages.ACCEPT), chunks,
                                     request.index_url, lambda: self._refetch(request), page)

    def _memoised_elsewhere(self, fresh: _Answer, later: bool
                            ) -> Groups | Future[Groups | None] | None:
        """The page parsed and stored by the helper process, opened from its entry (with
        `later`, a future of it); None when the helper is not for this body: then it is
        parsed here. A gzip'd body goes as sent: the helper inflates it, and refuses one
        over the cap, damaged, or holding an "@" (parsed here then)."""
        request, answer = fresh.request, fresh.answer
        if self._helper is None or self._memo_root is None or self._memo is None \
                or (not answer.coding and b"@" in answer.body):
            return None
        written = self._helper.submit(
            self._memo_root, page_key(request.url, pages.ACCEPT), answer.body,
            answer.headers.get("Content-Type", ""), answer.url, request.project,
            urgent=not later, tag=request.url, coding=answer.coding,
            cap=request.max_bytes, page=answer_record(fresh.page))
        if written is None:
            return None
        if not later:
            return self._open_written(fresh) if written.result() else None
        out: Future[Groups | None] = Future()
        written.add_done_callback(lambda done: self._settle(out, done.result(), fresh))
        return out

    def _open_written(self, fresh: _Answer) -> Groups | None:
        """The entry the helper wrote, opened; None when it cannot be."""
        assert self._memo is not None
        request = fresh.request
        return self._memo.open(page_key(request.url, pages.ACCEPT), request.index_url,
                               lambda: self._refetch(request))

    def _settle(self, out: Future[Groups | None], written: bool, fresh: _Answer) -> None:
        """The helper answered a page fetched with `fetch_later` (run on the helper's
        reader thread): open its entry, or parse the page in a thread of its own."""
        try:
            groups = self._open_written(fresh) if written else None
        except BaseException as exc:
            out.set_exception(exc)
            return
        if groups is not None:
            out.set_result(groups)
        elif self._closed:
            out.set_exception(RuntimeError("the index client is closed"))
        else:
            threading.Thread(target=self._parse_into, args=(out, fresh), daemon=True,
                             name="wheelfit-parse-here").start()

    def _parse_into(self, out: Future[Groups | None], fresh: _Answer) -> None:
        """Parse a page the helper did not memoise in this process, raising its errors to
        whoever waits for it."""
        try:
            found = self._fresh_answer(fresh.request, fresh.answer, fresh.page.stored_at,
                                       helper=False)
        except BaseException as exc:
            out.set_exception(exc)
            return
        assert not isinstance(found, Future)
        out.set_result(found)

    def close(self) -> None:
        """Stop the parsing helper, if one was started."""
        self._closed = True
        if self._helper is not None:
            self._helper.close()

    def _parse_rows(self, request: PageRequest, answer: Fetched) -> RowGroups:
        """The page's rows by version, URLs owned (see `own_file`); no `DistFile` is built
        for a file whose URL cannot hold credentials."""
        index_url = request.index_url
        return pages.parse_grouped(
            answer.body, answer.headers.get("Content-Type", ""), answer.url, request.project,
            lambda row: row_of(self._own_file(dist_of(row), index_url)))
