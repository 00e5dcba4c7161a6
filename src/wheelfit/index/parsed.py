"""A disk memo of parsed project pages: parsing is a pure function of the page's bytes.

A warm run reads a page body from the HTTP cache; turning thousands of file entries into
`DistFile`s again costs more than the rest of the run. The memo stores the parsed entries as
compact JSON under a key derived from the body's digest, content type, URL and project, so
a changed page can never be answered with stale entries. A damaged memo is ignored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from wheelfit.index.cache import Store
from wheelfit.index.urls import split_credentials, strip_credentials
from wheelfit.model import DistFile

FORMAT = 1


def memo_key(body: bytes, content_type: str, url: str, project: str) -> str:
    """The memo's key for one page body."""
    digest = hashlib.sha256(body).hexdigest()
    return f"parsed-page/{FORMAT}\n{strip_credentials(url)}\n{content_type}\n{project}\n{digest}"


def _encode(files: tuple[DistFile, ...]) -> bytes:
    rows = [
        [f.filename, f.url, [list(h) for h in f.hashes], f.requires_python, f.yanked,
         f.yanked_reason, f.size, f.upload_time,
         None if f.metadata_hashes is None else [list(h) for h in f.metadata_hashes]]
        for f in files
    ]
    return json.dumps(rows, separators=(",", ":")).encode()


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(a), str(b)) for a, b in value)


def _decode(data: bytes, index_url: str) -> tuple[DistFile, ...] | None:
    try:
        rows = json.loads(data)
        return tuple(
            DistFile(filename=r[0], url=r[1], hashes=_pairs(r[2]), requires_python=r[3],
                     yanked=bool(r[4]), yanked_reason=r[5], size=r[6], upload_time=r[7],
                     metadata_hashes=None if r[8] is None else _pairs(r[8]),
                     index_url=index_url)
            for r in rows
        )
    except (ValueError, TypeError, IndexError, KeyError):
        return None


def parse_with_memo(
    store: Store | None,
    body: bytes,
    content_type: str,
    url: str,
    project: str,
    parse: Callable[[], tuple[DistFile, ...]],
    index_url: str = "",
) -> tuple[tuple[DistFile, ...], bool]:
    """(files, from the memo): the parsed page from the memo when present (tagged with
    `index_url`; memo entries never hold credentials), else `parse()` (and remember it)."""
    if store is None:
        return parse(), False
    key = memo_key(body, content_type, url, project)
    stored = store.get(key)
    if stored is not None:
        decoded = _decode(stored, index_url)
        if decoded is not None:
            return decoded, True
    files = parse()
    if not any("@" in f.url and split_credentials(f.url)[1] is not None for f in files):
        store.put(key, _encode(files))  # links carrying credentials never reach the disk
    return files, False
