"""Read selected members of an sdist in memory — never extracted to disk, never executed.

Tarballs (`.tar.gz`, `.tgz`, `.tar.bz2`, `.tar`, and `.tar.xz` by content) are streamed:
the HTTP body goes through one decompressor (`sdiststream`) into `tarfile` in stream mode
(`r|`), and only the wanted regular-file members are read, each up to `max_member_bytes`.
Zip sdists are read like wheels, with range requests (`rangefetch`).

Member names handed to `wanted` (and used as keys of the result) are the names stored in
the archive, normalised (`./` prefixes and backslashes removed): `foo-1.0/PKG-INFO`.
Links, devices, directories, absolute paths and `..` components are skipped. Caps
(download, unpacked bytes, member count, seconds) raise `IndexResponseError`.
"""

from __future__ import annotations

import hashlib
import lzma
import tarfile
import zlib
from collections.abc import Callable, Iterable, Iterator

from wheelfit.errors import IndexFault, IndexResponseError
from wheelfit.index.limits import Limits
from wheelfit.index.rangefetch import ByteSource, read_directory, read_member
from wheelfit.index.sdistnames import SdistMembers
from wheelfit.index.sdiststream import Unpacked
from wheelfit.redact import redact_url

_HINT = "The sdist on the index looks damaged, or is too large to inspect."


def member_path(name: str) -> str | None:
    """`name` normalised (`foo-1.0/PKG-INFO`); None for paths that must be skipped."""
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    if not name or name.startswith("/") or name.endswith("/"):
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts) or ":" in parts[0]:
        return None
    return name


# Bytes after the end of the tar archive read to finish the hash (tar padding, the
# compressor's trailer); an sdist with more trailing bytes than this is checked partly.
_TRAILER_BYTES = 1024 * 1024
# A walk that stopped early reads the download on to a multiple of this, as the buffered
# reader before `sdiststream` did: a small sdist's hash is still checked whole.
_AHEAD_BYTES = 64 * 1024


class _Hashing:
    """The chunks of a download, hashed with the index's strongest known hash as they pass."""

    def __init__(self, chunks: Iterable[bytes], hashes: Iterable[tuple[str, str]]) -> None:
        self._chunks = iter(chunks)
        known = sorted(((n, v.lower()) for n, v in hashes if n in _ORDER),
                       key=lambda pair: _ORDER.index(pair[0]))
        self.expected = known[0] if known else None
        self._hash = hashlib.new(known[0][0]) if known else None
        self.read = 0
        self.finished = False

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self.finished = True
            raise
        self.read += len(chunk)
        if self._hash is not None:
            self._hash.update(chunk)
        return chunk

    def drain(self, budget: int) -> None:
        """Read (and hash) what is left, up to `budget` bytes."""
        while not self.finished and budget > 0:
            budget -= len(next(self, b""))

    def verdict(self, url: str) -> str | None:
        """None when the whole file matched (or there is no hash to check); a note when only
        part was read. A whole file that does not match raises `IndexResponseError`."""
        if self.expected is None or self._hash is None:
            return None
        name, value = self.expected
        if not self.finished:
            return (f"the index's {name} of the sdist was not checked: only its first "
                    f"{self.read} bytes were read")
        got = self._hash.hexdigest()
        if got != value:
            raise _error(f"the sdist's {name} is {got}, the index says {value}: refused", url)
        return None


_ORDER = ("sha512", "sha384", "sha256", "sha224", "sha1", "md5")


def _error(reason: str, url: str) -> IndexResponseError:
    safe = redact_url(url)
    return IndexResponseError(f"{safe}: {reason}", url=safe, hint=_HINT)


def tar_members(
    chunks: Iterable[bytes],
    wanted: Callable[[str], bool],
    *,
    max_member_bytes: int,
    limits: Limits,
    url: str,
    stop_after: int | None = None,
    hashes: Iterable[tuple[str, str]] = (),
    until: Callable[[str, int], bool] | None = None,
) -> SdistMembers:
    """Stream a (compressed) tarball and return the wanted members' bytes.

    `stop_after`: stop reading once that many members were found (the rest of the
    download is abandoned); `until(name, unpacked)`: stop once it accepts a member just
    read (`unpacked`: the archive's bytes unpacked so far). `hashes` (the index's, as
    `DistFile.hashes`): the download is hashed as it streams; a whole file that does not
    match raises `IndexResponseError`, a file read only in part gets a `hash_note`.
    """
    hashing = _Hashing(chunks, hashes)
    try:
        guard = Unpacked(hashing, limits, lambda reason: _error(reason, url))
        walked, complete = _walk(guard, wanted, max_member_bytes, limits, url,
                                 (stop_after, until))
        found = SdistMembers(walked)
        found.complete = complete
        hashing.drain(_TRAILER_BYTES if complete else -hashing.read % _AHEAD_BYTES)
        found.hash_note = hashing.verdict(url)
        return found
    except IndexFault:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise _error(f"not a readable tar archive ({reason})", url) from None


_EXTENDED = frozenset({tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE,
                       tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK})


class _BoundedTarInfo(tarfile.TarInfo):
    """A `TarInfo` that refuses extended headers beyond a cap before `tarfile` reads them.

    `tarfile` reads a pax or GNU long-name header's whole declared body into memory (and
    chains them, each held while the next is read); `_proc_member` is where it dispatches
    on the header type, with only the 512-byte block read. `cap` and `url` are set on the
    subclass `_bounded_info` makes per archive; `spent` lives on the archive object and is
    reset per member by `_walk`."""

    cap = 0
    url = ""

    def _proc_member(self, tarfile_: tarfile.TarFile) -> tarfile.TarInfo:
        if self.type in _EXTENDED:
            spent = getattr(tarfile_, "wheelfit_extended", 0) + max(self.size, 0)
            tarfile_.wheelfit_extended = spent  # type: ignore[attr-defined]
            if spent > self.cap:
                kind = self.type.decode("ascii", "replace")
                raise _error(
                    f"a member's extended tar header (type {kind!r}) declares {spent} bytes "
                    f"(cap {self.cap})",
                    self.url,
                )
        elif self.type == tarfile.GNUTYPE_SPARSE:
            raise _error("a member is a GNU sparse file (never in a source distribution)",
                         self.url)
        return super()._proc_member(tarfile_)  # type: ignore[misc,no-any-return]


def _bounded_info(cap: int, url: str) -> type[tarfile.TarInfo]:
    return type("_Bounded", (_BoundedTarInfo,), {"cap": cap, "url": url})


def _walk(
    guard: Unpacked,
    wanted: Callable[[str], bool],
    max_member_bytes: int,
    limits: Limits,
    url: str,
    stops: tuple[int | None, Callable[[str, int], bool] | None],
) -> tuple[dict[str, bytes], bool]:
    """The wanted members, and True when the walk reached the end of the archive."""
    stop_after, until = stops
    found: dict[str, bytes] = {}
    seen = 0
    info = _bounded_info(limits.sdist_extended_header_bytes, url)
    with tarfile.open(fileobj=guard, mode="r|", tarinfo=info) as archive:
        stopping = False
        for member in archive:
            if stopping:
                return found, False
            # Stream mode keeps every TarInfo it has read; we never go back, so drop them.
            archive.members.clear()  # type: ignore[attr-defined]
            archive.wheelfit_extended = 0  # type: ignore[attr-defined]
            seen += 1
            if seen > limits.sdist_members:
                raise _error(f"the sdist has more than {limits.sdist_members} members", url)
            if not member.isreg() or member.size > max_member_bytes:
                continue
            path = member_path(member.name)
            if path is None or path in found or not wanted(path):
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            found[path] = handle.read(max_member_bytes + 1)[:max_member_bytes]
            if stop_after is not None and len(found) >= stop_after:
                return found, False
            # `until` stops at the next header, so a member that was last reads as complete.
            stopping = until is not None and until(path, guard.unpacked)
    return found, True


def zip_members(
    source: ByteSource,
    wanted: Callable[[str], bool],
    *,
    max_member_bytes: int,
    limits: Limits,
    stop_after: int | None = None,
    hashes: Iterable[tuple[str, str]] = (),
    until: Callable[[str, int], bool] | None = None,
) -> SdistMembers:
    """Read the wanted members of a zip sdist with range requests (so the index's hash of
    the whole file, when there is one, is not checked: `hash_note` says so)."""
    directory = read_directory(source, limits)
    found = SdistMembers()
    known = [name for name, _value in hashes if name in _ORDER]
    if known:
        found.hash_note = (f"the index's {known[0]} of the sdist was not checked: a zip sdist "
                           "is read in parts (range requests)")
    for entry in directory.entries:
        if entry.uncompressed_size > max_member_bytes or entry.name.endswith("/"):
            continue
        path = member_path(entry.name)
        if path is None or path in found or not wanted(path):
            continue
        found[path] = read_member(
            source, directory, entry, max_bytes=max_member_bytes, limits=limits
        )
        if (stop_after is not None and len(found) >= stop_after) or (
                until is not None and until(path, entry.local_header_offset)):
            return found
    found.complete = True
    return found
