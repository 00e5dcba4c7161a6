"""wheelfit's disk cache: HTTP-cached project pages and a content-addressed immutable store.

Layout under the cache directory (default `platformdirs.user_cache_dir("wheelfit")`)::

    pages/ab/abcdef…      project pages with their validators (ETag, Last-Modified) and
                          freshness (Cache-Control max-age / Expires, minus Age)
    immutable/ab/abcdef…  metadata files, wheel directories, sdist PKG-INFO: never expire

Every entry file is named by the SHA-256 of its key; keys are built from URLs *without*
credentials, so neither file names nor contents ever hold a secret. An entry is
`MAGIC + payload length + SHA-256(payload) + payload`, written to a temporary file in the
same directory and moved into place with `os.replace`: readers see a whole entry or none,
two runs sharing the cache cannot corrupt it, and a damaged or partial entry is detected
on read, ignored, and rewritten by the next fetch. Write failures (read-only or full disk)
only cost the cache; they are never errors.

This module imports no HTTP library, so `wheelfit cache info|clear` stays light.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import json
import os
import re
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass, field
from email.utils import parsedate_tz
from pathlib import Path
from typing import TYPE_CHECKING

from wheelfit.errors import OfflineMiss
from wheelfit.index.urls import is_ascii_digits, strip_credentials
from wheelfit.redact import redact_url

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from wheelfit.index.http import Fetched, Transport

MAGIC = b"WFC1"
_HEADER = struct.Struct(">4sQ32s")
_ENTRY_NAME = re.compile(r"^[0-9a-f]{64}$")
KINDS = ("pages", "immutable", "parsed")
_KEPT_HEADERS = ("content-type", "etag", "last-modified", "cache-control", "date", "expires")
OFFLINE_HINT = "Run once without --offline to fill the cache."


def default_cache_dir() -> Path:
    """The per-user cache directory (`platformdirs.user_cache_dir("wheelfit")`)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("wheelfit"))


def resolve_cache_dir(cache_dir: str | os.PathLike[str] | None) -> Path:
    """`cache_dir` when given, else the default."""
    return Path(cache_dir) if cache_dir is not None else default_cache_dir()


# --- the checksummed, atomic store -------------------------------------------------------------


class Store:
    """Entries under `<root>/<kind>/ab/<sha256(key)>`; see the module docstring."""

    def __init__(self, root: Path, kind: str) -> None:
        self.directory = root / kind

    def path_for(self, key: str) -> Path:
        """Where the entry of `key` lives."""
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return self.directory / digest[:2] / digest

    def get(self, key: str) -> bytes | None:
        """The payload stored under `key`; None when missing or damaged."""
        try:
            data = self.path_for(key).read_bytes()
        except OSError:
            return None
        return decode_entry(data)

    def put(self, key: str, payload: bytes) -> bool:
        """Store `payload` atomically; False when the disk refused (the cache is optional)."""
        path = self.path_for(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(encode_entry(payload))
            os.replace(temp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            return False
        return True


def encode_entry(payload: bytes) -> bytes:
    """`MAGIC + length + sha256 + payload`."""
    return _HEADER.pack(MAGIC, len(payload), hashlib.sha256(payload).digest()) + payload


def decode_entry(data: bytes) -> bytes | None:
    """The payload of an entry, or None when it is damaged or truncated."""
    if len(data) < _HEADER.size:
        return None
    magic, length, digest = _HEADER.unpack_from(data)
    payload = data[_HEADER.size :]
    if magic != MAGIC or length != len(payload) or hashlib.sha256(payload).digest() != digest:
        return None
    return payload


def immutable_key(kind: str, url: str, sha256: str | None) -> str:
    """Key of an immutable thing: its kind, its URL without credentials, its hash."""
    return f"{kind}\n{strip_credentials(url)}\n{(sha256 or '').lower()}"


# --- HTTP page cache ---------------------------------------------------------------------------


@dataclass
class CachedPage:
    """A stored answer and when it was stored."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    stored_at: float
    lifetime: float = 0.0
    validators: dict[str, str] = field(default_factory=dict)

    def is_fresh(self, now: float) -> bool:
        """True while the answer may be used without asking the server."""
        return 0 <= now - self.stored_at < self.lifetime


# Heuristic freshness (RFC 9111 §4.2.2) for answers that carry no Cache-Control or Expires
# at all, as some mirrors and proxies strip them: PyPI's own max-age for simple pages.
HEURISTIC_LIFETIME = 600.0


def freshness(headers: Mapping[str, str]) -> tuple[bool, float]:
    """(may be stored, seconds it stays fresh) from Cache-Control/Expires/Date/Age.

    With neither Cache-Control nor Expires, the answer is fresh for HEURISTIC_LIFETIME.
    """
    directives = {}
    for part in headers.get("cache-control", "").lower().split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name] = value.strip().strip('"')
    if "no-store" in directives:
        return False, 0.0
    if "no-cache" in directives:
        return True, 0.0
    explicit = bool(directives) or bool(headers.get("expires"))
    lifetime = 0.0 if explicit else HEURISTIC_LIFETIME
    max_age = directives.get("max-age", "")
    if is_ascii_digits(max_age):
        lifetime = float(max_age)
    elif headers.get("expires"):
        expires, date = _http_date(headers.get("expires")), _http_date(headers.get("date"))
        if expires is not None:
            lifetime = max(0.0, expires - (date if date is not None else time.time()))
    age = headers.get("age", "").strip()
    if is_ascii_digits(age):
        lifetime = max(0.0, lifetime - float(age))
    return True, lifetime


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    try:
        return float(calendar.timegm(parsed[:6]) - (parsed[9] or 0))
    except (OverflowError, ValueError):
        return None


_CREDENTIALS_IN_BODY = re.compile(rb"[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\s\"'<>]+@")


class PageCache:
    """Project pages keyed by their credential-free URL (and Accept header)."""

    def __init__(self, root: Path) -> None:
        self._store = Store(root, "pages")

    @staticmethod
    def key(url: str, accept: str) -> str:
        """Cache key of a page."""
        return f"page\n{strip_credentials(url)}\n{accept}"

    def load(self, url: str, accept: str) -> CachedPage | None:
        """The stored answer for `url`, fresh or not; None when missing or damaged."""
        payload = self._store.get(self.key(url, accept))
        if payload is None:
            return None
        head, sep, body = payload.partition(b"\n")
        try:
            meta = json.loads(head) if sep else None
            if not isinstance(meta, dict):
                return None
            return CachedPage(
                url=str(meta["url"]),
                status=int(meta["status"]),
                headers={str(k): str(v) for k, v in dict(meta["headers"]).items()},
                body=body,
                stored_at=float(meta["stored_at"]),
                lifetime=float(meta["lifetime"]),
            )
        except (ValueError, KeyError, TypeError):
            return None

    def save(self, url: str, accept: str, page: CachedPage) -> None:
        """Store `page` (atomically; failures are ignored). A body that carries credentials
        in its links (`scheme://user:secret@host`) is never written to disk."""
        if _CREDENTIALS_IN_BODY.search(page.body):
            return
        meta = {
            "url": strip_credentials(page.url),
            "status": page.status,
            "headers": page.headers,
            "stored_at": page.stored_at,
            "lifetime": page.lifetime,
        }
        payload = json.dumps(meta, separators=(",", ":")).encode() + b"\n" + page.body
        self._store.put(self.key(url, accept), payload)


def fetch_cached(
    transport: Transport,
    cache: PageCache | None,
    url: str,
    *,
    accept_header: str,
    max_bytes: int,
    accept: Collection[int],
    refresh: bool = False,
    offline: bool = False,
    what: str = "",
) -> tuple[Fetched, bool]:
    """GET a page through the HTTP cache: (answer, True when its body came from the cache).

    Fresh entry → no request (unless `refresh`); stale entry with a validator → conditional
    request, and a 304 reuses the stored body; `offline` uses any stored entry and raises
    `OfflineMiss` when there is none.
    """
    from wheelfit.index.http import Fetched

    cached = cache.load(url, accept_header) if cache is not None else None
    if offline:
        if cached is None:
            subject = what or redact_url(url)
            raise OfflineMiss(
                f"{subject} is not in the cache ({redact_url(url)})",
                url=redact_url(url),
                hint=OFFLINE_HINT,
            )
        return _as_fetched(cached), True
    now = time.time()
    if cached is not None and not refresh and cached.is_fresh(now):
        return _as_fetched(cached), True
    headers = {"Accept": accept_header}
    if refresh:
        headers["Cache-Control"] = "max-age=0"
    if cached is not None:
        if "etag" in cached.headers:
            headers["If-None-Match"] = cached.headers["etag"]
        if "last-modified" in cached.headers:
            headers["If-Modified-Since"] = cached.headers["last-modified"]
    conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
    statuses = {*accept, 304} if conditional else set(accept)
    answer = transport.get(url, headers=headers, max_bytes=max_bytes, accept=statuses)
    if answer.status == 304 and cached is not None:
        merged = dict(cached.headers)
        merged.update(_kept(answer.headers, keep_type=False))
        storable, lifetime = freshness(merged)
        cached = CachedPage(cached.url, cached.status, merged, cached.body, now, lifetime)
        if cache is not None and storable:
            cache.save(url, accept_header, cached)
        return _as_fetched(cached), True
    if cache is not None and answer.status in accept:
        kept = _kept(answer.headers, keep_type=True)
        storable, lifetime = freshness({**kept, "age": answer.headers.get("age", "")})
        if storable:
            page = CachedPage(answer.url, answer.status, kept, answer.body, now, lifetime)
            cache.save(url, accept_header, page)
    return Fetched(answer.url, answer.status, answer.headers, answer.body), False


def _kept(headers: Mapping[str, str], *, keep_type: bool) -> dict[str, str]:
    kept = {}
    for name in _KEPT_HEADERS:
        if name == "content-type" and not keep_type:
            continue
        value = headers.get(name)
        if value is not None:
            kept[name] = value
    return kept


def _as_fetched(page: CachedPage) -> Fetched:
    from requests.structures import CaseInsensitiveDict

    from wheelfit.index.http import Fetched

    return Fetched(page.url, page.status, CaseInsensitiveDict(page.headers), page.body)


# --- `wheelfit cache info|clear` ---------------------------------------------------------------


def _entries(root: Path) -> list[Path]:
    found: list[Path] = []
    for kind in KINDS:
        base = root / kind
        if not base.is_dir():
            continue
        for shard in base.iterdir():
            if not shard.is_dir():
                continue
            found.extend(p for p in shard.iterdir() if _ENTRY_NAME.match(p.name))
    return found


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def cache_info(cache_dir: str | os.PathLike[str] | None = None) -> tuple[Path, int, int]:
    """(cache directory, number of entries, bytes they take)."""
    root = resolve_cache_dir(cache_dir)
    entries = _entries(root)
    return root, len(entries), sum(_size(p) for p in entries)


def cache_clear(cache_dir: str | os.PathLike[str] | None = None) -> tuple[int, int]:
    """Remove every cache entry (only wheelfit's own subdirectories); (entries, bytes) removed."""
    root = resolve_cache_dir(cache_dir)
    entries = _entries(root)
    removed = (len(entries), sum(_size(p) for p in entries))
    for kind in KINDS:
        shutil.rmtree(root / kind, ignore_errors=True)
    return removed
