"""Read a wheel's zip directory and one member from bytes (pure: no I/O).

Parse the end-of-central-directory records (with ZIP64), the central directory and a local
file header, and inflate one member (stored or deflated) under caps. `rangefetch.py` gets
the bytes with HTTP range requests.

Every way a hostile or broken archive can fail ends as `IndexResponseError` with a reason;
nothing here writes to disk or executes anything.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from packaging.utils import canonicalize_name

from wheelfit.errors import IndexResponseError
from wheelfit.index.limits import DEFAULT_LIMITS, Limits
from wheelfit.redact import redact_url

_EOCD = struct.Struct("<4s4H2LH")  # sig, disk, cd disk, n here, n total, size, offset, comment
_EOCD_SIG = b"PK\x05\x06"
_LOCATOR = struct.Struct("<4sLQL")  # sig, disk with zip64 EOCD, its offset, total disks
_LOCATOR_SIG = b"PK\x06\x07"
_EOCD64 = struct.Struct("<4sQ2H2L4Q")  # sig, size, made, needed, disk, cd disk, n, n, size, off
_EOCD64_SIG = b"PK\x06\x06"
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
# The fields of an entry's fixed part that are used: signature, flags, method, CRC-32,
# compressed and uncompressed sizes, name, extra and comment lengths, local header offset.
_CENTRAL_USED = struct.Struct("<I4xHH4xLLLHHH8xL")  # the signature as a number
_CENTRAL_SIG = b"PK\x01\x02"
_CENTRAL_SIG_NUMBER = int.from_bytes(_CENTRAL_SIG, "little")
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIZE = _LOCAL.size
_LOCAL_SIG = b"PK\x03\x04"
_ZIP64_EXTRA_ID = 0x0001
_U16_MAX = 0xFFFF
_U32_MAX = 0xFFFFFFFF
_STORED, _DEFLATED = 0, 8
HINT = "The file on the index looks damaged or hostile; wheelfit will not read it."


class CentralEntry(NamedTuple):
    """A central directory entry, with what is needed to read the member (a named tuple:
    a wheel's directory can hold thousands, and a tuple is made 3-4 times faster than a
    frozen dataclass)."""

    name: str
    compressed_size: int
    uncompressed_size: int
    local_header_offset: int
    method: int
    crc32: int
    flags: int


@dataclass(frozen=True)
class Chunk:
    """`data` is the bytes of a file of `total` bytes starting at offset `start`."""

    start: int
    data: bytes
    total: int

    @property
    def end(self) -> int:
        """Offset just past the last byte held."""
        return self.start + len(self.data)

    def holds(self, start: int, end: int) -> bool:
        """True when bytes [start, end) are all in this chunk."""
        return self.start <= start and end <= self.end

    def slice(self, start: int, end: int) -> bytes:
        """Bytes [start, end) of the file; the caller checked `holds`."""
        return self.data[start - self.start : end - self.start]


@dataclass(frozen=True)
class _Location:
    cd_offset: int
    cd_size: int
    count: int


class NeedBytesFrom(Exception):
    """The ZIP64 end record lies before the fetched tail; fetch from `offset`."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def zip_error(reason: str, url: str | None) -> IndexResponseError:
    """An `IndexResponseError` about an archive, with its URL redacted."""
    safe = redact_url(url) if url else None
    return IndexResponseError(f"{safe}: {reason}" if safe else reason, url=safe, hint=HINT)


# --- pure part: end records -----------------------------------------------------------------


def locate_directory(chunk: Chunk, limits: Limits, url: str | None) -> _Location:
    data = chunk.data
    if chunk.end != chunk.total:
        raise zip_error("internal: the bytes given are not the end of the file", url)
    eocd = _find_eocd(data)
    if eocd is None:
        raise zip_error("not a zip archive (no end of central directory record)", url)
    _sig, disk, cd_disk, n_here, n_total, cd_size, cd_offset, _comment = _EOCD.unpack_from(
        data, eocd
    )
    eocd_abs = chunk.start + eocd
    end_of_cd = eocd_abs
    locator = eocd - _LOCATOR.size
    has_locator = locator >= 0 and data[locator : locator + 4] == _LOCATOR_SIG
    saturated = _U16_MAX in (n_here, n_total) or _U32_MAX in (cd_size, cd_offset)
    if has_locator:
        _s, z_disk, z_offset, disks = _LOCATOR.unpack_from(data, locator)
        if z_disk != 0 or disks > 1:
            raise zip_error("multi-disk zip archives are not supported", url)
        locator_abs = chunk.start + locator
        if z_offset + _EOCD64.size > locator_abs:
            raise zip_error("the ZIP64 end record offset points past its locator", url)
        if z_offset < chunk.start:
            raise NeedBytesFrom(z_offset)
        rec = z_offset - chunk.start
        (sig64, size64, _made, _needed, disk, cd_disk, n_here, n_total, cd_size, cd_offset) = (
            _EOCD64.unpack_from(data, rec)
        )
        if sig64 != _EOCD64_SIG:
            raise zip_error("no ZIP64 end record where the locator points (wrong offset)", url)
        if z_offset + 12 + size64 != locator_abs:
            raise zip_error("the ZIP64 end record size does not match its locator", url)
        end_of_cd = z_offset
    elif saturated:
        raise zip_error("ZIP64 archive without a ZIP64 end record locator", url)
    if disk != 0 or cd_disk != 0 or n_here != n_total:
        raise zip_error("multi-disk zip archives are not supported", url)
    if cd_size > limits.central_directory_bytes:
        raise zip_error(
            f"the central directory declares {cd_size} bytes "
            f"(cap {limits.central_directory_bytes})",
            url,
        )
    if cd_offset + cd_size != end_of_cd:
        raise zip_error(
            "the central directory offset/size do not match where its end record sits "
            "(wrong offsets)",
            url,
        )
    if n_total * _CENTRAL.size > cd_size:
        raise zip_error(f"{n_total} entries cannot fit in a {cd_size}-byte directory", url)
    return _Location(cd_offset, cd_size, n_total)


def _find_eocd(data: bytes) -> int | None:
    """Position of the end record whose comment ends exactly at the end of `data`."""
    lowest = max(0, len(data) - _EOCD.size - _U16_MAX)
    pos = len(data) - _EOCD.size
    while pos >= lowest:
        pos = data.rfind(_EOCD_SIG, lowest, pos + 4)
        if pos < 0:
            return None
        comment_len = struct.unpack_from("<H", data, pos + 20)[0]
        if pos + _EOCD.size + comment_len == len(data):
            return pos
        pos -= 1
    return None


# --- pure part: central directory -------------------------------------------------------------


def parse_central_directory(
    data: bytes, count: int, cd_offset: int, url: str | None = None
) -> tuple[CentralEntry, ...]:
    """Parse `count` central directory entries from `data` (the whole directory)."""
    entries: list[CentralEntry] = []
    append, unpack, head = entries.append, _CENTRAL_USED.unpack_from, _CENTRAL.size
    total, wide = len(data), _U32_MAX
    reach = cd_offset - _LOCAL_SIZE  # a member's local header and data end by the directory
    make = tuple.__new__  # `CentralEntry(...)` without its Python-level `__new__`
    pos = 0
    for index in range(count):
        try:
            sig, flags, method, crc, csize, usize, name_len, extra_len, comment_len, offset = \
                unpack(data, pos)
        except struct.error:  # fewer than `head` bytes left
            raise zip_error(f"central directory truncated at entry {index}", url) from None
        if sig != _CENTRAL_SIG_NUMBER:
            raise zip_error(f"bad central directory entry signature at entry {index}", url)
        start = pos + head
        name_end = start + name_len
        pos = name_end + extra_len + comment_len
        if pos > total:
            raise zip_error(f"central directory entry {index} runs past the directory", url)
        if usize == wide or csize == wide or offset == wide:
            extra = data[name_end : name_end + extra_len]
            usize, csize, offset = _apply_zip64(extra, usize, csize, offset, index, url)
        try:  # ASCII reads the same in UTF-8 and cp437 (whose Python codec is slow)
            name = data[start:name_end].decode("ascii")
        except UnicodeDecodeError:
            name = data[start:name_end].decode("utf-8" if flags & 0x800 else "cp437",
                                               errors="replace")
        if offset + csize > reach:
            raise zip_error(f"entry {name[:100]!r} points outside the archive (wrong offset)", url)
        append(make(CentralEntry, (name, csize, usize, offset, method, crc, flags)))
    return tuple(entries)


def _apply_zip64(
    extra: bytes, usize: int, csize: int, offset: int, index: int, url: str | None
) -> tuple[int, int, int]:
    needs = [usize == _U32_MAX, csize == _U32_MAX, offset == _U32_MAX]
    if not any(needs):
        return usize, csize, offset
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + size]
        if tag == _ZIP64_EXTRA_ID:
            values = [usize, csize, offset]
            cursor = 0
            for slot, needed in enumerate(needs):
                if needed:
                    if cursor + 8 > len(body):
                        raise zip_error(f"entry {index}: short ZIP64 extra field", url)
                    values[slot] = struct.unpack_from("<Q", body, cursor)[0]
                    cursor += 8
            return values[0], values[1], values[2]
        pos += 4 + size
    raise zip_error(f"entry {index}: ZIP64 sizes without a ZIP64 extra field", url)


def entries_from_tail(
    data: bytes, *, total: int | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[CentralEntry, ...]:
    """Parse the central directory from the last bytes of an archive (pure; for tests/fuzz).

    `data` must hold the whole directory and the end records.
    """
    size = len(data) if total is None else total
    chunk = Chunk(size - len(data), data, size)
    try:
        location = locate_directory(chunk, limits, None)
    except NeedBytesFrom:
        raise zip_error("the ZIP64 end record is not within the bytes given", None) from None
    if not chunk.holds(location.cd_offset, location.cd_offset + location.cd_size):
        raise zip_error("the central directory is not within the bytes given", None)
    raw = chunk.slice(location.cd_offset, location.cd_offset + location.cd_size)
    return parse_central_directory(raw, location.count, location.cd_offset)


# --- pure part: one member -----------------------------------------------------------------


def extract_member(
    data: bytes, entry: CentralEntry, *, max_bytes: int, limits: Limits, url: str | None = None
) -> bytes:
    """Inflate `entry` from `data`, the archive bytes starting at its local header."""
    label = repr(entry.name[:100])
    check_declared(entry, max_bytes, limits, url)
    if len(data) < _LOCAL.size or data[:4] != _LOCAL_SIG:
        raise zip_error(f"no local file header for {label} at its offset (wrong offset)", url)
    fields = _LOCAL.unpack_from(data, 0)
    flags, method, name_len, extra_len = fields[3], fields[4], fields[10], fields[11]
    local_name = data[_LOCAL.size : _LOCAL.size + name_len]
    if local_name.decode("utf-8" if flags & 0x800 else "cp437", errors="replace") != entry.name:
        raise zip_error(f"the local header at the offset of {label} names another file", url)
    if flags & 0x1 or entry.flags & 0x1:
        raise zip_error(f"{label} is encrypted", url)
    if method != entry.method:
        raise zip_error(f"{label}: local and central compression methods differ", url)
    start = _LOCAL.size + name_len + extra_len
    payload = data[start : start + entry.compressed_size]
    if len(payload) < entry.compressed_size:
        raise zip_error(f"{label} is truncated", url)
    if method == _STORED:
        if entry.compressed_size != entry.uncompressed_size:
            raise zip_error(f"{label}: stored member with differing sizes", url)
        out = payload
    elif method == _DEFLATED:
        out = _inflate(payload, entry, label, url)
    else:
        raise zip_error(f"{label}: compression method {method} is not supported", url)
    if zlib.crc32(out) != entry.crc32:
        raise zip_error(f"{label}: CRC-32 mismatch (corrupt member)", url)
    return out


def check_declared(entry: CentralEntry, max_bytes: int, limits: Limits, url: str | None) -> None:
    label = repr(entry.name[:100])
    if entry.uncompressed_size > max_bytes or entry.compressed_size > max_bytes:
        raise zip_error(
            f"{label} declares {max(entry.uncompressed_size, entry.compressed_size)} bytes "
            f"(cap {max_bytes})",
            url,
        )
    if (
        entry.uncompressed_size > limits.bomb_min_bytes
        and entry.uncompressed_size > limits.bomb_ratio * max(entry.compressed_size, 1)
    ):
        raise zip_error(
            f"{label}: compression ratio above {limits.bomb_ratio}:1 (compression bomb?)", url
        )


def _inflate(payload: bytes, entry: CentralEntry, label: str, url: str | None) -> bytes:
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(payload, entry.uncompressed_size + 1)
    except zlib.error:
        raise zip_error(f"{label}: corrupt deflate data", url) from None
    if len(out) > entry.uncompressed_size:
        raise zip_error(f"{label} inflates beyond its declared size", url)
    if len(out) < entry.uncompressed_size or not inflater.eof:
        raise zip_error(f"{label} inflates to less than its declared size", url)
    return out


# --- choosing the METADATA member ------------------------------------------------------------


def metadata_entry(
    entries: Iterable[CentralEntry], project: str, url: str | None = None
) -> CentralEntry:
    """The `<name>-<version>.dist-info/METADATA` entry of a wheel of `project`."""
    # only names holding ".dist-info/" can be in such a folder: the rest are not split
    listed = [entry for entry in entries if ".dist-info/" in entry.name]
    canonical = canonicalize_name(project)
    dist_infos: set[str] = set()
    for entry in listed:
        top = entry.name.split("/", 1)[0]
        if top.endswith(".dist-info"):
            dist_infos.add(top)
    matching = [d for d in dist_infos if _dist_info_matches(d[: -len(".dist-info")], canonical)]
    if len(matching) != 1:
        found = ", ".join(sorted(dist_infos)[:5]) or "none"
        raise zip_error(f"expected one .dist-info directory for {project}, found {found}", url)
    wanted = f"{matching[0]}/METADATA"
    for entry in listed:
        if entry.name == wanted:
            return entry
    raise zip_error(f"the wheel has no {wanted}", url)


def _dist_info_matches(stem: str, canonical: str) -> bool:
    name = stem.rsplit("-", 1)[0] if "-" in stem else stem
    try:
        return canonicalize_name(name) == canonical
    except ValueError:
        return False
