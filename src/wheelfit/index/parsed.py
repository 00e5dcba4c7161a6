"""A disk memo of parsed project pages, grouped by version and decoded one version at a time.

Parsing is a pure function of a page's bytes, so the memo is keyed by the body's digest
(with content type, URL and project): a changed page can never be answered with stale
entries. A page of 10,000 files is written once, grouped by version; a later run reads the
version index and decodes only the versions a check looks at (a lock looks at one).

Entry payload (inside the cache's checksummed envelope, see `cache.Store`)::

    b"WFP2" + len(index) (4 bytes, big-endian) + index (JSON) + blob

`index` is ``{"crc": crc32(blob), "groups": [[version, offset, length, crc32], ...]}``; each
group is a JSON list of rows. Opening an entry reads only its head (a wrong size, magic or
index reads as missing and the page is fetched again); a version's rows are read from the
file when first asked for and checked against their CRC (an entry of at most `_KEPT_BYTES`
is read whole when opened and its rows kept for the first read: one open, not two). A
damaged chunk, or a file that vanished or changed during a run (a concurrent `wheelfit
cache clear`), makes `fallback` fetch and store the page again. The envelope's SHA-256
covers the whole entry for `decode_entry`, but a run never reads a 5 MB entry to use one
version of it.
"""

from __future__ import annotations

import io
import json
import operator
import os
import re
import struct
import threading
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from wheelfit.index.cache import ENVELOPE_SIZE, Store, envelope_length, open_entry
from wheelfit.index.limits import DEFAULT_LIMITS
from wheelfit.index.parse.pagerows import Row, row_of
from wheelfit.index.urls import split_credentials, strip_credentials
from wheelfit.model import DistFile

FORMAT = 2
_MAGIC = b"WFP2"
_PREFIX = struct.Struct(">4sI")
_KEPT_BYTES = 64 << 10

Groups = Mapping[Version, list[DistFile]]


def memo_key(digest: str, content_type: str, url: str, project: str) -> str:
    """The memo's key for a page body with this sha256 hex digest."""
    return f"parsed-page/{FORMAT}\n{strip_credentials(url)}\n{content_type}\n{project}\n{digest}"


def storable(groups: Groups) -> bool:
    """False when a file URL carries credentials: such pages never reach the disk."""
    return not any("@" in f.url and split_credentials(f.url)[1] is not None
                   for files in groups.values() for f in files)


def storable_rows(groups: Mapping[Version, Sequence[Row]]) -> bool:
    """`storable` for rows."""
    return not any("@" in r[1] and split_credentials(r[1])[1] is not None
                   for rows in groups.values() for r in rows)


def encode(groups: Groups) -> bytes:
    """The memo payload of a page's files grouped by version."""
    return encode_rows({v: [row_of(f) for f in files] for v, files in groups.items()})


def encode_rows(groups: Mapping[Version, Sequence[Row]]) -> bytes:
    """The memo payload of a page's rows grouped by version (`encode` without `DistFile`s:
    a row's tuples serialise as the JSON lists `decode_rows` reads)."""
    return _encode(groups)[0]


def encode_chunks(groups: Mapping[Version, bytes]) -> bytes:
    """The memo payload of a page whose rows by version are already JSON lists
    (`pages.parse_memo_chunks`)."""
    return _assemble(groups)[0]


def _encode(groups: Mapping[Version, Sequence[Row]]) -> tuple[bytes, int, list[list[Any]]]:
    """(payload, offset of the blob in the payload, the index's groups)."""
    dumps = _ENCODER.encode
    return _assemble({version: dumps(rows).encode() for version, rows in groups.items()})


def _assemble(chunks: Mapping[Version, bytes]) -> tuple[bytes, int, list[list[Any]]]:
    """`_encode` of groups already encoded one by one."""
    crc32 = zlib.crc32
    index: list[list[Any]] = []
    offset = 0
    for version, chunk in chunks.items():
        index.append([str(version), offset, len(chunk), crc32(chunk)])
        offset += len(chunk)
    blob = b"".join(chunks.values())
    head = _ENCODER.encode({"crc": crc32(blob), "groups": index}).encode()
    return _PREFIX.pack(_MAGIC, len(head)) + head + blob, _PREFIX.size + len(head), index


# One encoder for every call: `json.dumps` with `separators` builds a new one each time.
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if len(value) == 1:  # the usual row: one sha256, two texts; no generator for it
        (a, b), = value
        if type(a) is str and type(b) is str:
            return ((a, b),)
    return tuple((str(a), str(b)) for a, b in value)


def decode_rows(chunk: bytes, index_url: str) -> list[DistFile]:
    """One group's rows as `DistFile`s tagged with `index_url` (ValueError when damaged)."""
    try:
        return [
            DistFile(filename=r[0], url=r[1], hashes=_pairs(r[2]), requires_python=r[3],
                     yanked=bool(r[4]), yanked_reason=r[5], size=r[6], upload_time=r[7],
                     metadata_hashes=None if r[8] is None else _pairs(r[8]),
                     index_url=index_url)
            for r in json.loads(chunk)
        ]
    except (TypeError, IndexError, KeyError) as exc:
        raise ValueError(f"damaged memo rows: {exc}") from None


_Slice = tuple[int, int, int]  # offset in the file, length, crc32
_FIRST = operator.itemgetter(0)
_VERSION = Version


_RELEASE = re.compile(r"(?:(\d+)!)?(\d+(?:\.\d+)*)(.*)")


def public_key(text: str) -> tuple[str, str, str] | None:
    """The key under which two normalised version texts (`str(Version)`) have equal public
    versions: epoch, release without trailing zeros, the rest; the local label dropped."""
    found = _RELEASE.fullmatch(text.partition("+")[0])
    if found is None:
        return None
    epoch, release, rest = found.groups()
    parts = release.split(".")
    while len(parts) > 1 and parts[-1] == "0":  # normalised: no leading zeros
        parts.pop()
    return (epoch or "0", ".".join(parts), rest)


class MemoFiles(Mapping[Version, list[DistFile]]):
    """A page's files by version, read from a memo entry one version at a time.

    The entry's head names versions as text; `Version` objects for all of them are built only
    when something iterates the page. A lookup by version tries its text first, so checking
    a lock against a 1,500-release page parses one version, not 1,500."""

    def __init__(self, path: str | Path, head: Sequence[Sequence[Any]], base: int, index_url: str,
                 fallback: Callable[[], Groups], kept: bytes | None = None) -> None:
        """`kept`: the entry's bytes from `base` on, when they were read with the head."""
        self._path = path
        # The head's rows by version text; a row becomes a slice only when its version is
        # read (most of a page's 1,500 releases never are).
        self._rows: dict[str, Sequence[Any]] = dict(zip(map(_FIRST, head), head, strict=True))
        self._base = base
        self._repeated: dict[str, list[_Slice]] | None = None
        if len(self._rows) != len(head):  # a text twice (not written by wheelfit): every slice
            self._repeated = {}
            for text, offset, size, part_crc in head:
                self._repeated.setdefault(text, []).append(
                    (base + int(offset), int(size), int(part_crc)))
        self._by_version: dict[Version, list[_Slice]] | None = None
        self._index_url = index_url
        self._fallback = fallback
        self._decoded: dict[Version, list[DistFile]] = {}
        self._names: dict[Version, list[str]] = {}
        self._replacement: Groups | None = None
        self._pins: dict[Version, list[Version]] = {}  # by the version asked for
        self._sorted: list[str] | None = None
        self._lock = threading.Lock()
        self._kept = kept

    def _text_slices(self, text: str) -> list[_Slice] | None:
        """The slices of the version written as `text`; None when no row has that text
        (ValueError or TypeError when the row is damaged)."""
        if self._repeated is not None:
            return self._repeated.get(text)
        row = self._rows.get(text)
        if row is None:
            return None
        _text, offset, size, part_crc = row
        return [(self._base + int(offset), int(size), int(part_crc))]

    def _index(self) -> dict[Version, list[_Slice]]:
        found = self._by_version
        if found is None:
            built: dict[Version, list[_Slice]] = {}
            try:
                for text in self._rows:
                    built.setdefault(Version(text), []).extend(self._text_slices(text) or [])
            except (ValueError, TypeError):  # a damaged head: take the page from the network
                with self._lock:
                    if self._replacement is None:
                        self._replacement = self._fallback()
                built = {version: [] for version in self._replacement}
            self._by_version = found = built
        return found

    def same_public(self, wanted: Version) -> list[Version] | None:
        """The versions whose public part equals `wanted`'s, newest first, found from the
        head's texts (only those that start with its release are looked at closely, found
        by bisection in the sorted texts): an exact pin builds a `Version` for its matches
        only, not for every release. None when the head cannot answer (the caller scans
        the versions)."""
        with self._lock:
            found = self._pins.get(wanted)
        if found is None:
            key = public_key(str(Version(wanted.public)))
            if key is None:
                return None
            start = key[1] if key[0] == "0" else f"{key[0]}!{key[1]}"
            texts = self._sorted_texts()
            matching = []
            for text in islice(texts, bisect_left(texts, start), None):
                if not text.startswith(start):
                    break
                if public_key(text) == key:
                    matching.append(text)
            try:
                found = sorted((Version(t) for t in matching), reverse=True)
            except InvalidVersion:
                return None
            with self._lock:
                self._pins[wanted] = found
        return list(found)

    def _sorted_texts(self) -> list[str]:
        found = self._sorted
        if found is None:
            self._sorted = found = sorted(self._rows)
        return found

    def _slices(self, version: Version) -> list[_Slice]:
        found = self._text_slices(str(version))
        return found if found is not None else self._index()[version]

    def __getitem__(self, version: Version) -> list[DistFile]:
        found = self._decoded.get(version)  # a read of a dict needs no lock
        if found is not None:
            return found
        try:
            slices: list[_Slice] | None = self._slices(version)  # KeyError when unknown
        except (ValueError, TypeError):
            slices = None  # a damaged row
        with self._lock:
            found = self._decoded.get(version)
            if found is not None:
                return found
            if self._replacement is None:
                try:
                    if slices is None:
                        raise ValueError("damaged memo head")
                    found = self._read(slices)
                except (OSError, ValueError):
                    self._replacement = self._fallback()
            if found is None:
                found = list(self._replacement.get(version, []))  # type: ignore[union-attr]
            self._decoded[version] = found
            return found

    def filenames(self, version: Version) -> list[str]:
        """The names of one version's files (none for a version the page does not list),
        read without building its `DistFile`s: enough to tell whether a release can have a
        wheel for a target, which is all most older releases are asked (by each target:
        the names are kept)."""
        if version not in self:
            return []
        with self._lock:
            found = self._decoded.get(version)
            damaged = self._replacement is not None
            names = self._names.get(version)
        if names is not None:
            return names
        if found is None and not damaged:
            try:
                names = [row[0] for chunk in self._chunks(self._slices(version))
                         for row in json.loads(chunk)]
            except (OSError, ValueError, TypeError, IndexError, KeyError):
                names = None
            if names is not None and all(type(name) is str for name in names):
                with self._lock:
                    self._names[version] = names
                return names
        return [file.filename for file in self[version]]

    def _read(self, slices: Sequence[_Slice]) -> list[DistFile]:
        files: list[DistFile] = []
        for chunk in self._chunks(slices):
            files += decode_rows(chunk, self._index_url)
        return files

    def stored_at(self, version: Version) -> tuple[str | Path, list[_Slice]] | None:
        """The entry's path and where `version`'s rows lie in it (`memorows` reads them);
        None when the head does not name it by its text or the page was fetched again."""
        slices = None if self._replacement is not None else self._text_slices(str(version))
        return None if slices is None else (self._path, slices)

    def _chunks(self, slices: Sequence[_Slice]) -> list[bytes]:
        chunks = []
        kept, self._kept = self._kept, None  # used once: most pages decode one version
        if kept is not None:
            slices = [(offset - self._base, length, crc) for offset, length, crc in slices]
        handle = open_entry(self._path, DEFAULT_LIMITS.cache_memo_bytes) if kept is None \
            else io.BytesIO(kept)
        if handle is None:
            raise ValueError("memo entry vanished or was replaced")
        with handle:
            for offset, length, crc in slices:
                handle.seek(offset)
                chunk = handle.read(length)
                if len(chunk) != length or zlib.crc32(chunk) != crc:
                    raise ValueError("memo entry changed")
                chunks.append(chunk)
        return chunks

    def __iter__(self) -> Iterator[Version]:
        return iter(self._index())

    def __len__(self) -> int:
        # The head's texts are distinct normalised versions: counting them builds no Version.
        return len(self._by_version) if self._by_version is not None else len(self._rows)

    def __contains__(self, version: object) -> bool:
        if isinstance(version, _VERSION) and str(version) in self._rows:
            return True
        return version in self._index()


class PageMemo:
    """Parsed pages in the cache's `parsed/` store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def put(self, key: str, groups: Groups) -> bool:
        """Remember a parsed page; False when the disk refused (the memo is optional)."""
        return self._store.put(key, encode(groups))

    def put_rows(self, key: str, groups: Mapping[Version, Sequence[Row]], index_url: str,
                 fallback: Callable[[], Groups]) -> MemoFiles | None:
        """Remember a page's rows and answer with the entry just written, as `open` would
        (without reading it back); None when the disk refused. The answer keeps the version
        texts only: the parsed rows and their `Version`s go when the caller drops them, and
        `Version`s come back only for a page that is iterated."""
        return self._put(key, _encode(groups), index_url, fallback)

    def put_chunks(self, key: str, chunks: Mapping[Version, bytes], index_url: str,
                   fallback: Callable[[], Groups]) -> MemoFiles | None:
        """`put_rows` for a page whose rows by version are already JSON lists
        (`pages.parse_memo_chunks`)."""
        return self._put(key, _assemble(chunks), index_url, fallback)

    def _put(self, key: str, encoded: tuple[bytes, int, list[list[Any]]], index_url: str,
             fallback: Callable[[], Groups]) -> MemoFiles | None:
        payload, blob_offset, index = encoded
        if not self._store.put(key, payload):
            return None
        return MemoFiles(self._store.path_for(key), index, ENVELOPE_SIZE + blob_offset,
                         index_url, fallback)

    def has(self, key: str) -> bool:
        """True when an entry exists under `key` (it may still turn out damaged); from the
        store's listing, not a `stat` per page (`Store.has`)."""
        return self._store.has(key)

    def open(self, key: str, index_url: str, fallback: Callable[[], Groups]) -> MemoFiles | None:
        """The memoised page, files tagged with `index_url`; None when missing or damaged."""
        path = self._store.where(key)
        handle = open_entry(path, self._store.max_payload)
        if handle is None:
            return None
        try:
            with handle:
                return _open(handle, path, index_url, fallback)
        except (OSError, ValueError, TypeError, KeyError, IndexError, struct.error):
            return None


def _open(handle: Any, path: str | Path, index_url: str,
          fallback: Callable[[], Groups]) -> MemoFiles | None:
    length = envelope_length(handle.read(ENVELOPE_SIZE))
    prefix = handle.read(_PREFIX.size)
    magic, head_length = _PREFIX.unpack(prefix)
    if magic != _MAGIC or length is None:
        return None
    size = os.fstat(handle.fileno()).st_size
    if size != ENVELOPE_SIZE + length:
        return None  # truncated or grown: not the entry that was written
    head = json.loads(handle.read(head_length))
    groups = head["groups"]
    # Checked here in C, not row by row: every row is [text, offset, size, crc].
    if type(groups) is not list or set(map(type, groups)) - {list} \
            or set(map(len, groups)) - {4} or set(map(type, map(_FIRST, groups))) - {str}:
        return None
    return MemoFiles(path, groups, ENVELOPE_SIZE + _PREFIX.size + head_length, index_url,
                     fallback, handle.read() if size <= _KEPT_BYTES else None)


def same_public(groups: Groups, wanted: Version) -> list[Version] | None:
    """`MemoFiles.same_public` for a page from the memo; None for any other mapping."""
    return groups.same_public(wanted) if isinstance(groups, MemoFiles) else None
