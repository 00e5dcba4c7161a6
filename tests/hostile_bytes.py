"""Generated hostile bytes for the parsing and storage tests of issue 18 (also used by
tools/hostile_parse.py): an HTML page of unterminated tags and tarballs whose first header
is an extended header (pax `x`/`g`, GNU `L`/`K`) declaring a huge body, streamed gzip'd
without ever holding the body."""

from __future__ import annotations

import gzip
import tarfile
from collections.abc import Iterator

MIB = 1024 * 1024
# The issue's page: 1.8 MB of `<a href='`.
UNTERMINATED_PAGE = b"<a href='" * 200_000
DECLARED = 900 * MIB
_BLOCK = 16 * MIB


def extended_header(kind: bytes, declared: int) -> bytes:
    """The 512-byte tar header of an extended header of type `kind` declaring `declared`."""
    info = tarfile.TarInfo("././@PaxHeader" if kind in (b"x", b"g") else "././@LongLink")
    info.type = kind
    info.size = declared
    return info.tobuf(format=tarfile.GNU_FORMAT)


def extended_header_tar_gz(kind: bytes, declared: int = DECLARED) -> Iterator[bytes]:
    """A .tar.gz stream: one extended header of type `kind` declaring `declared` bytes, then
    that many zero bytes (gzip members concatenated, the 16 MiB one compressed once)."""
    yield gzip.compress(extended_header(kind, declared), 9)
    zeros = gzip.compress(bytes(_BLOCK), 9)
    for _ in range(declared // _BLOCK):
        yield zeros
    yield gzip.compress(bytes(declared % _BLOCK + 1024), 9)


class Counted:
    """An iterator over chunks that counts the bytes taken from it."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self.taken = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.taken += len(chunk)
            yield chunk
