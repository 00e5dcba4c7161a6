"""wheelfit's disk cache: HTTP-cached project pages and a content-addressed immutable store.

Layout under the cache directory (default `platformdirs.user_cache_dir("wheelfit")`)::

    pages/ab/abcdef…      one entry per project page (`pagememo.py`): the answer (status,
                          validators ETag / Last-Modified, freshness from Cache-Control
                          max-age / Expires minus Age) and the page's files parsed, grouped
                          by version (`parsed.py`), in one file
    immutable/ab/abcdef…  metadata files, wheel directories, sdist PKG-INFO, sdist build-file
                          reads (`sdistscan.py`): never expire
    parsed/               only in caches of older wheelfit versions (pages' parsed files
                          apart from their answers): never read; counted and removed by
                          `wheelfit cache info|clear`

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
import itertools
import logging
import os
import re
import stat
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wheelfit.index.limits import DEFAULT_LIMITS
from wheelfit.index.urls import is_ascii_digits, strip_credentials

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import BinaryIO

MAGIC = b"WFC1"
_HEADER = struct.Struct(">4sQ32s")
ENVELOPE_SIZE = _HEADER.size
_ENTRY_NAME = re.compile(r"^[0-9a-f]{64}$")
KINDS = ("pages", "immutable", "parsed")  # "parsed": older caches' (see above)
OFFLINE_HINT = "Run once without --offline to fill the cache."
LOG = logging.getLogger("wheelfit.cache")
# Open entries without following a final symlink and without blocking on a FIFO.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def default_cache_dir() -> Path:
    """The per-user cache directory (`platformdirs.user_cache_dir("wheelfit")`)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("wheelfit"))


def resolve_cache_dir(cache_dir: str | os.PathLike[str] | None) -> Path:
    """`cache_dir` when given, else the default."""
    return Path(cache_dir) if cache_dir is not None else default_cache_dir()


# --- the checksummed, atomic store -------------------------------------------------------------


def open_entry(path: str | Path, max_payload: int) -> BinaryIO | None:
    """`path` opened for reading when it is a regular file (not a link, FIFO or device) no
    bigger than an entry of `max_payload` bytes; None otherwise (missing, or refused: a
    refusal is logged on `wheelfit.cache` at debug level and the entry counts as missing)."""
    found = _entry_fd(path, max_payload)
    return None if found is None else os.fdopen(found[0], "rb")


def read_entry(path: str | Path, max_payload: int, first: int) -> tuple[bytes, int] | None:
    """(the entry's first `first` bytes, its size), read with one `open` and no file object
    (no extra `fstat` or `lseek`); None when `open_entry` would give None."""
    found = _entry_fd(path, max_payload)
    if found is None:
        return None
    fd, size = found
    try:
        return _read_at(fd, 0, min(first, size)), size
    except OSError:
        return None
    finally:
        os.close(fd)


def read_spans(path: str | Path, max_payload: int, spans: Iterable[tuple[int, int]]
               ) -> list[bytes] | None:
    """The bytes at each (offset, length) of the entry (shorter at its end), read with one
    `open` and a `pread` each; None when `open_entry` would give None."""
    found = _entry_fd(path, max_payload)
    if found is None:
        return None
    fd = found[0]
    try:
        return [_read_at(fd, offset, length) for offset, length in spans]
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_at(fd: int, offset: int, length: int) -> bytes:
    parts = []
    while length > 0:
        part = os.pread(fd, length, offset)
        if not part:
            break
        parts.append(part)
        offset += len(part)
        length -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _entry_fd(path: str | Path, max_payload: int) -> tuple[int, int] | None:
    """(a blocking descriptor of the entry at `path`, its size); None when missing or
    refused (see `open_entry`)."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if not isinstance(exc, FileNotFoundError):
            LOG.debug("cache entry %s ignored: cannot be opened as a file (%s)", path,
                      exc.strerror or type(exc).__name__)
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            LOG.debug("cache entry %s ignored: not a regular file", path)
        elif info.st_size > ENVELOPE_SIZE + max_payload:
            LOG.debug("cache entry %s ignored: %d bytes (cap %d)", path, info.st_size,
                      ENVELOPE_SIZE + max_payload)
        else:
            os.set_blocking(fd, True)
            return fd, info.st_size
    except OSError:
        pass
    os.close(fd)
    return None


class Store:
    """Entries under `<root>/<kind>/ab/<sha256(key)>`; see the module docstring.

    `max_payload` is the largest payload `get` reads (tied to `limits.Limits`); a bigger
    entry, or one that is not a regular file, reads as missing."""

    def __init__(self, root: Path, kind: str, max_payload: int | None = None) -> None:
        self.directory = root / kind
        self.max_payload = max_payload if max_payload is not None else _STORE_CAPS[kind]
        self._prefix = os.path.join(self.directory, "")  # one Path per lookup, not three
        self._listed: dict[str, set[str]] = {}  # entry names by shard, for `has`

    def path_for(self, key: str) -> Path:
        """Where the entry of `key` lives."""
        return Path(self.where(key))

    def where(self, key: str) -> str:
        """`path_for` as text: what a read needs, without building a `Path`."""
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return f"{self._prefix}{digest[:2]}{os.sep}{digest}"

    def has(self, key: str) -> bool:
        """True when an entry of `key` is on disk (reading it may still find it damaged).
        Each shard directory is listed once per `Store`, on its first question, instead of
        a `stat` per entry; entries this `Store` writes are added. An entry another process
        writes meanwhile may read as absent: callers only use this to skip work ahead."""
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        names = self._listed.get(digest[:2])
        if names is None:
            try:
                found = set(os.listdir(f"{self._prefix}{digest[:2]}"))
            except OSError:
                found = set()
            names = self._listed.setdefault(digest[:2], found)
        return digest in names

    def get(self, key: str, max_payload: int | None = None) -> bytes | None:
        """The payload stored under `key`; None when missing, damaged or refused (bigger
        than `max_payload`, default the store's, or not a regular file)."""
        cap = self.max_payload if max_payload is None else min(max_payload, self.max_payload)
        found = read_entry(self.where(key), cap, ENVELOPE_SIZE + cap)
        return None if found is None else decode_entry(found[0])

    def put(self, key: str, payload: bytes) -> bool:
        """Store `payload` atomically; False when the disk refused (the cache is optional)."""
        path = self.where(key)  # text, not a `Path`: this runs for every entry written
        shard, name = os.path.split(path)
        try:
            fd, temp = _create_temp(shard)
        except FileNotFoundError:
            try:
                _make_shard(shard)
                fd, temp = _create_temp(shard)
            except OSError:
                return False
        except OSError:
            return False
        try:
            try:
                _write_all(fd, (_envelope(payload), payload))
            finally:
                os.close(fd)
            os.replace(temp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            return False
        listed = self._listed.get(name[:2])
        if listed is not None:
            listed.add(name)
        return True


# The largest payload each store reads: an entry of the "immutable" store holds one marker
# byte and a metadata file, or a wheel's file list (about the size of its central directory),
# or both (`wheelentries.py`).
_STORE_CAPS = {
    "pages": DEFAULT_LIMITS.cache_memo_bytes,  # a page's answer and its parsed files
    "parsed": DEFAULT_LIMITS.cache_memo_bytes,
    "immutable": 5 + DEFAULT_LIMITS.metadata_bytes + DEFAULT_LIMITS.central_directory_bytes,
}


def _make_shard(shard: str) -> None:
    """The shard directory (and its parents when they are missing), without the `stat`
    calls of `os.makedirs` when only the shard is missing (a cold run's usual case)."""
    try:
        os.mkdir(shard)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(shard, exist_ok=True)


_JOIN_BELOW = 256 * 1024
# `tempfile.mkstemp`'s flags, without its per-call overhead (name sequence, path checks).
_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


_TEMP_NAMES = itertools.count()


def _create_temp(directory: str) -> tuple[int, str]:
    """A new private file next to the entry (so `os.replace` is atomic): (fd, path). The
    name is this process's id and a counter (no `getrandom` per entry); after a clash
    (a leftover of a process that had the same id), random names."""
    for attempt in range(100):
        unique = f"{os.getpid()}-{next(_TEMP_NAMES)}" if attempt == 0 else os.urandom(8).hex()
        temp = os.path.join(directory, f".tmp-{unique}")
        try:
            return os.open(temp, _TEMP_FLAGS, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {directory}")


def _write_all(fd: int, parts: tuple[bytes, bytes]) -> None:
    """Write every byte of `parts`: one `write` for a small entry, and a big payload is
    not copied into one buffer."""
    if len(parts[1]) <= _JOIN_BELOW:
        parts = (parts[0] + parts[1], b"")
    for part in parts:
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view):]


def _envelope(payload: bytes) -> bytes:
    """The header of an entry holding `payload`."""
    return _HEADER.pack(MAGIC, len(payload), hashlib.sha256(payload).digest())


def encode_entry(payload: bytes) -> bytes:
    """`MAGIC + length + sha256 + payload`."""
    return _envelope(payload) + payload


def envelope_length(header: bytes) -> int | None:
    """The payload length an entry's header announces; None when it is not an entry."""
    if len(header) < _HEADER.size:
        return None
    magic, length, _digest = _HEADER.unpack_from(header)
    return int(length) if magic == MAGIC else None


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
class PageMeta:
    """What the cache keeps of a project page's answer: status, headers and freshness (in
    the page's entry, beside its parsed files: `pagememo.py`)."""

    url: str
    status: int
    headers: dict[str, str]
    stored_at: float
    lifetime: float = 0.0

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
    from email.utils import parsedate_tz

    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    try:
        return float(calendar.timegm(parsed[:6]) - (parsed[9] or 0))
    except (OverflowError, ValueError):
        return None


CREDENTIALS_IN_BODY = re.compile(rb"[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\s\"'<>]+@")


KEPT_HEADERS = ("content-type", "etag", "last-modified", "cache-control", "date", "expires")


def kept_headers(headers: Mapping[str, str], *, keep_type: bool) -> dict[str, str]:
    """The response headers the page cache keeps (lower-case names)."""
    kept = {}
    for name in KEPT_HEADERS:
        if name == "content-type" and not keep_type:
            continue
        value = headers.get(name)
        if value is not None:
            kept[name] = value
    return kept


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
    import shutil  # here only: it loads bz2 and lzma, which no check needs

    root = resolve_cache_dir(cache_dir)
    entries = _entries(root)
    removed = (len(entries), sum(_size(p) for p in entries))
    for kind in KINDS:
        shutil.rmtree(root / kind, ignore_errors=True)
    return removed
