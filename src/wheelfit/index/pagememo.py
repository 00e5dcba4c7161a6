"""Each project page as one cache entry: the index's answer and the page's parsed files.

A cold run writes one file per page (`pages/ab/<sha256(key)>`) and a warm or offline run
opens one per page. The entry is `parsed.py`'s memo payload whose head also holds the
answer (`page`): URL, status, the kept headers (validators, content type), when it was
stored and how long it stays fresh. An answer without files (a 404) is an entry without
groups. A 304 writes the entry again with the new answer and the same rows (`renew`).

The key names the entry format (`page_key`), so entries of older formats are never opened
(a run fetches those pages again; `wheelfit cache clear` removes the old files). Entries are
whole or absent (`cache.Store`), so the answer and its rows always belong together: a
changed page cannot be answered with another body's rows.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from packaging.version import Version

from wheelfit.index.cache import (
    ENVELOPE_SIZE,
    PageMeta,
    Store,
    envelope_length,
    read_entry,
    read_spans,
)
from wheelfit.index.parse.pagerows import Row
from wheelfit.index.parsed import (
    FORMAT,
    KEPT_BYTES,
    MAGIC,
    PREFIX,
    Encoded,
    Groups,
    MemoFiles,
    assemble,
    encode_groups,
    with_head,
)
from wheelfit.index.urls import strip_credentials

Fallback = Callable[[], Groups]


def page_key(url: str, accept: str) -> str:
    """The cache key of a project page (its URL without credentials, the Accept sent)."""
    return f"page/{FORMAT}\n{strip_credentials(url)}\n{accept}"


def answer_record(page: PageMeta) -> dict[str, Any]:
    """What an entry keeps of `page` (JSON-ready)."""
    return {"url": strip_credentials(page.url), "status": page.status,
            "headers": page.headers, "stored_at": page.stored_at, "lifetime": page.lifetime}


def answer_of(record: Any) -> PageMeta | None:
    """The answer an entry's head holds; None when there is none or it is damaged."""
    if not isinstance(record, dict):
        return None
    try:
        return PageMeta(url=str(record["url"]), status=int(record["status"]),
                        headers={str(k): str(v) for k, v in dict(record["headers"]).items()},
                        stored_at=float(record["stored_at"]),
                        lifetime=float(record["lifetime"]))
    except (ValueError, KeyError, TypeError):
        return None


class PageMemo:
    """Project pages, answer and parsed files together, in one `Store` (`pages`)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def stored(self) -> bool:
        """False when the store has no directory yet (nothing was ever stored in it)."""
        return os.path.isdir(self._store.directory)

    def holds_older_entries(self) -> bool:
        """True when the cache also holds an older wheelfit's page files (`parsed/`, which
        only page formats before 3 wrote): pages it fetched are not read by this version."""
        return (self._store.directory.parent / "parsed").is_dir()

    def put(self, key: str, groups: Groups, page: PageMeta | None = None) -> bool:
        """Remember a parsed page; False when the disk refused (the cache is optional)."""
        from wheelfit.index.parse.pagerows import row_of

        rows = {v: [row_of(f) for f in files] for v, files in groups.items()}
        return self._store.put(key, encode_groups(rows, _record(page))[0])

    def put_rows(self, key: str, groups: Mapping[Version, Sequence[Row]], index_url: str,
                 fallback: Fallback, page: PageMeta | None = None) -> MemoFiles | None:
        """Remember a page's rows (and its answer) and answer with the entry just written,
        as `open` would (without reading it back); None when the disk refused. The answer
        keeps the version texts only: the parsed rows and their `Version`s go when the
        caller drops them, and `Version`s come back only for a page that is iterated."""
        return self._put(key, encode_groups(groups, _record(page)), index_url, fallback)

    def put_chunks(self, key: str, chunks: Mapping[Version, bytes], index_url: str,
                   fallback: Fallback, page: PageMeta | None = None) -> MemoFiles | None:
        """`put_rows` for a page whose rows by version are already JSON lists
        (`pages.parse_memo_chunks`)."""
        return self._put(key, assemble(chunks, _record(page)), index_url, fallback)

    def put_answer(self, key: str, page: PageMeta) -> bool:
        """Remember an answer that has no files (a project the index does not know)."""
        return self._store.put(key, with_head([], 0, b"", answer_record(page))[0])

    def _put(self, key: str, encoded: Encoded, index_url: str,
             fallback: Fallback) -> MemoFiles | None:
        payload, blob_offset, index = encoded
        if not self._store.put(key, payload):
            return None
        return MemoFiles(self._store.where(key), index, ENVELOPE_SIZE + blob_offset,
                         index_url, fallback)

    def open(self, key: str, index_url: str, fallback: Fallback) -> MemoFiles | None:
        """The memoised page, files tagged with `index_url`; None when missing or damaged."""
        found = self._read(key, index_url, fallback)
        return None if found is None else found[1]

    def load(self, key: str, index_url: str, fallback: Fallback
             ) -> tuple[PageMeta, MemoFiles] | None:
        """The stored answer and its files (no files for a 404: an empty mapping), from one
        open of the entry; None when missing, damaged or written without an answer."""
        found = self._read(key, index_url, fallback)
        if found is None:
            return None
        page = answer_of(found[0])
        return None if page is None else (page, found[1])

    def renew(self, key: str, page: PageMeta, index_url: str, fallback: Fallback
              ) -> MemoFiles | None:
        """The entry written again with the answer `page` (a 304's) and the same rows, at the
        same offsets when the answer fits the old head (`parsed.with_head`): a run reading
        the old entry meanwhile reads the same rows from the new one. The new entry's files,
        or None when the old entry cannot be read or the disk refused."""
        data = self._store.get(key)
        if data is None or len(data) < PREFIX.size:
            return None
        magic, head_length = PREFIX.unpack_from(data)
        try:
            head = json.loads(data[PREFIX.size : PREFIX.size + head_length])
            groups, crc = head["groups"], int(head["crc"])
        except (ValueError, TypeError, KeyError):
            return None
        if magic != MAGIC or not _valid(groups):
            return None
        blob = data[PREFIX.size + head_length :]
        encoded = with_head(groups, crc, blob, answer_record(page), head_length)
        return self._put(key, encoded, index_url, fallback)

    def _read(self, key: str, index_url: str, fallback: Fallback
              ) -> tuple[Any, MemoFiles] | None:
        """The entry's answer and files, from one `open` and, for an entry of at most
        `KEPT_BYTES`, one read (kept for the first version's rows)."""
        path = self._store.where(key)
        try:
            found = read_entry(path, self._store.max_payload, KEPT_BYTES)
            return None if found is None else _parse(path, *found, index_url, fallback)
        except (OSError, ValueError, TypeError, KeyError, IndexError, struct.error):
            return None


def _record(page: PageMeta | None) -> dict[str, Any] | None:
    return None if page is None else answer_record(page)


def _valid(groups: Any) -> bool:
    """Checked here in C, not row by row: every row is [text, offset, size, crc]."""
    return type(groups) is list and not (
        set(map(type, groups)) - {list} or set(map(len, groups)) - {4}
        or set(map(type, (g[0] for g in groups))) - {str})


def _parse(path: str, data: bytes, size: int, index_url: str, fallback: Fallback
           ) -> tuple[Any, MemoFiles] | None:
    """`_read` of an entry of `size` bytes whose first bytes are `data`."""
    length = envelope_length(data)
    magic, head_length = PREFIX.unpack_from(data, ENVELOPE_SIZE)
    if magic != MAGIC or length is None or size != ENVELOPE_SIZE + length:
        return None  # not an entry of this format, or truncated or grown since written
    base = ENVELOPE_SIZE + PREFIX.size + head_length
    if base > len(data):  # a head longer than the first read: the rest of it
        rest = read_spans(path, ENVELOPE_SIZE + length, [(len(data), base - len(data))])
        if rest is None:
            return None
        data += rest[0]
    head = json.loads(data[ENVELOPE_SIZE + PREFIX.size : base])
    groups = head["groups"]
    if not _valid(groups) or len(data) < base:
        return None
    files = MemoFiles(path, groups, base, index_url, fallback,
                      data[base:] if size == len(data) else None)
    return head.get("page"), files
