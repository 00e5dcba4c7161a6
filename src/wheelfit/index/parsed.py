"""Parsed project pages on disk, grouped by version and decoded one version at a time.

A page of 10,000 files is written once, grouped by version, in the same entry as the answer
it came in (`pagememo.py`: one entry per page); a later run reads the version index and
decodes only the versions a check looks at (a lock looks at one).

Entry payload (inside the cache's checksummed envelope, see `cache.Store`)::

    b"WFP3" + len(index) (4 bytes, big-endian) + index (JSON) + blob

`index` is ``{"page": answer, "crc": crc32(blob), "groups": [[version, offset, length,
crc32], ...]}``; `answer` is what `pagememo.py` keeps of the HTTP answer (status, URL,
validators, freshness; absent in an entry written without one), and each group is a JSON
list of rows. Opening an entry reads only its head (a wrong size, magic or
index reads as missing and the page is fetched again); a version's rows are read from the
file when first asked for and checked against their CRC (an entry of at most `KEPT_BYTES`
is read whole when opened and its rows kept for the first read: one open, not two). A
damaged chunk, or a file that vanished or changed during a run (a concurrent `wheelfit
cache clear`), makes `fallback` fetch and store the page again. The envelope's SHA-256
covers the whole entry for `decode_entry`, but a run never reads a 5 MB entry to use one
version of it.
"""

from __future__ import annotations

import json
import operator
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

from wheelfit.index.cache import read_spans
from wheelfit.index.limits import DEFAULT_LIMITS
from wheelfit.index.parse.pagerows import Row, row_of
from wheelfit.index.urls import split_credentials
from wheelfit.model import DistFile

FORMAT = 3
MAGIC = b"WFP3"
PREFIX = struct.Struct(">4sI")
KEPT_BYTES = 64 << 10
HEAD_ROOM = 48  # spare bytes in a head, for a later answer's longer validators or dates

Groups = Mapping[Version, list[DistFile]]


def storable(groups: Groups) -> bool:
    """False when a file URL carries credentials: such pages never reach the disk."""
    return not any("@" in f.url and split_credentials(f.url)[1] is not None
                   for files in groups.values() for f in files)


def storable_rows(groups: Mapping[Version, Sequence[Row]]) -> bool:
    """`storable` for rows."""
    return not any("@" in r[1] and split_credentials(r[1])[1] is not None
                   for rows in groups.values() for r in rows)


Answer = Mapping[str, Any]  # what `pagememo.py` keeps of a page's HTTP answer
Encoded = tuple[bytes, int, list[list[Any]]]  # payload, offset of its blob, the index's groups


def encode(groups: Groups, page: Answer | None = None) -> bytes:
    """The memo payload of a page's files grouped by version."""
    return encode_rows({v: [row_of(f) for f in files] for v, files in groups.items()}, page)


def encode_rows(groups: Mapping[Version, Sequence[Row]], page: Answer | None = None) -> bytes:
    """The memo payload of a page's rows grouped by version (`encode` without `DistFile`s:
    a row's tuples serialise as the JSON lists `decode_rows` reads)."""
    return encode_groups(groups, page)[0]


def encode_chunks(groups: Mapping[Version, bytes], page: Answer | None = None) -> bytes:
    """The memo payload of a page whose rows by version are already JSON lists
    (`pages.parse_memo_chunks`)."""
    return assemble(groups, page)[0]


def encode_groups(groups: Mapping[Version, Sequence[Row]], page: Answer | None = None
                  ) -> Encoded:
    """(payload, offset of the blob in the payload, the index's groups)."""
    dumps = _ENCODER.encode
    return assemble({version: dumps(rows).encode() for version, rows in groups.items()}, page)


def assemble(chunks: Mapping[Version, bytes], page: Answer | None = None) -> Encoded:
    """`encode_groups` of groups already encoded one by one."""
    crc32 = zlib.crc32
    index: list[list[Any]] = []
    offset = 0
    for version, chunk in chunks.items():
        index.append([str(version), offset, len(chunk), crc32(chunk)])
        offset += len(chunk)
    blob = b"".join(chunks.values())
    return with_head(index, crc32(blob), blob, page)


def with_head(index: list[list[Any]], crc: int, blob: bytes, page: Answer | None,
              size: int = 0) -> Encoded:
    """The payload of `blob` under a head naming its groups (`index`) and `page`. The head
    is padded with spaces (JSON ignores them) to `size` bytes, or by `HEAD_ROOM` when `size`
    is 0: an answer written again (a 304's) fits in the old head, so the rows stay where
    another run reading the entry expects them."""
    fields: dict[str, Any] = {} if page is None else {"page": page}
    fields.update(crc=crc, groups=index)
    head = _ENCODER.encode(fields).encode()
    if size >= len(head):
        head += b" " * (size - len(head))
    elif page is not None:
        head += b" " * HEAD_ROOM
    return PREFIX.pack(MAGIC, len(head)) + head + blob, PREFIX.size + len(head), index


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
        # By position, in `DistFile`'s field order (a test pins it): a tenth faster than by
        # keyword, for the thousands of rows a run decodes.
        return [
            DistFile(r[0], r[1], _pairs(r[2]), r[3], bool(r[4]), r[5], r[6], r[7],
                     None if r[8] is None else _pairs(r[8]), index_url)
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

    @property
    def kept_bytes(self) -> int:
        """How many of the entry's bytes this page holds, read with its head."""
        kept = self._kept
        return 0 if kept is None else len(kept)

    def drop_kept(self) -> None:
        """Hold no bytes of the entry: its rows are read from the file when asked for."""
        self._kept = None

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
            public = wanted if wanted.local is None else Version(wanted.public)
            own = str(public)
            key = public_key(own)
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
            try:  # the usual match is the pin's own text: its `Version` is at hand
                found = sorted((public if t == own else Version(t) for t in matching),
                               reverse=True)
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
        kept, self._kept = self._kept, None  # used once: most pages decode one version
        if kept is not None:
            chunks: list[bytes] | None = [kept[offset - self._base : offset - self._base + length]
                                          for offset, length, _crc in slices]
        else:
            chunks = read_spans(self._path, DEFAULT_LIMITS.cache_memo_bytes,
                                [(offset, length) for offset, length, _crc in slices])
        if chunks is None:
            raise ValueError("memo entry vanished or was replaced")
        for chunk, (_offset, length, crc) in zip(chunks, slices, strict=True):
            if len(chunk) != length or zlib.crc32(chunk) != crc:
                raise ValueError("memo entry changed")
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


def same_public(groups: Groups, wanted: Version) -> list[Version] | None:
    """`MemoFiles.same_public` for a page from the memo; None for any other mapping."""
    return groups.same_public(wanted) if isinstance(groups, MemoFiles) else None
