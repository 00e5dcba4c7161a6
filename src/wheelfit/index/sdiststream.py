"""An sdist tarball's download as the archive's bytes, for `tarfile`'s stream mode.

One decompressor (zlib for gzip, which checks the gzip trailer itself; bz2 or lzma) turns
the download's chunks into pieces of at most `PIECE` bytes, and `read` hands `tarfile`
slices of them. Large pieces keep the Python calls per megabyte few, and so the GIL
hand-offs: each decompress call releases the GIL, and a thread that gives it up in a busy
run waits to get it back. Concatenated streams are read on, as `gzip.GzipFile`,
`bz2.BZ2File` and `lzma.LZMAFile` read them; a stream cut short raises `EOFError`.

The unpacked-size cap counts the bytes handed to `tarfile` (`unpacked`); the time cap is
checked once per piece. Either raises what `fail` makes of its reason.
"""

from __future__ import annotations

import bz2
import io
import lzma
import time
import zlib
from collections.abc import Callable, Iterator
from typing import Protocol

from wheelfit.index.limits import Limits

_GZIP, _BZIP2, _XZ = b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00"
PIECE = 1 << 20  # the most bytes one decompress call makes
_TRAILER = 8  # a gzip member's CRC-32 and length
_CUT_SHORT = "Compressed file ended before the end-of-stream marker was reached"


class _Stepper(Protocol):
    def step(self) -> bytes | None: ...


class _Plain:
    """An uncompressed tar: the chunks as they come."""

    def __init__(self, first: bytes, chunks: Iterator[bytes]) -> None:
        self._first = first
        self._chunks = chunks

    def step(self) -> bytes | None:
        if self._first:
            first, self._first = self._first, b""
            return first
        return next(self._chunks, None)


class _Gzip:
    """gzip members one after another; zero bytes between them are skipped (as GzipFile).

    The download's last 8 bytes (a member's trailer: CRC and length) are held back until
    `tarfile` asks for more than the rest gives, so a member's trailer is checked when the
    archive goes on past it, as `GzipFile` under `tarfile` checked it, and the last one only
    when the archive itself does not end first."""

    def __init__(self, first: bytes, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._state = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._tail: bytes | memoryview = b""
        self._held = first
        self._ended = False

    def step(self) -> bytes | None:
        while True:
            if self._state.eof and not self._next_member():
                return None
            if not self._tail and not self._ended:
                self._feed()
            # with no input left, zlib may still hold output (a call with b"" flushes it)
            out = self._state.decompress(self._tail, PIECE)
            self._tail = self._state.unconsumed_tail
            if out:
                return out
            if self._ended and not self._tail and not self._state.eof:
                raise EOFError(_CUT_SHORT)

    def _feed(self) -> None:
        """The next input for zlib, all but the last `_TRAILER` bytes seen so far."""
        if len(self._held) <= _TRAILER:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._ended = True
                self._tail, self._held = self._held, b""
                return
            self._held += chunk
        self._tail = memoryview(self._held)[:-_TRAILER]
        self._held = self._held[-_TRAILER:]

    def _next_member(self) -> bool:
        # At a member's end zlib keeps the rest of its input in `unused_data` (and may leave
        # a stale copy of it in `unconsumed_tail`, which is not read).
        rest = (self._state.unused_data + self._held).lstrip(b"\0")
        while len(rest) < 2:
            chunk = next(self._chunks, None)
            if chunk is None:
                if rest:
                    raise EOFError(_CUT_SHORT)
                return False
            rest = (rest + chunk).lstrip(b"\0")
        if rest[:2] != _GZIP:
            raise OSError(f"Not a gzipped file ({rest[:2]!r})")
        self._state = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._tail, self._held = b"", rest
        return True


class _Streams:
    """bz2 or xz streams one after another; bytes after a stream that do not start another
    are ignored (as BZ2File and LZMAFile)."""

    def __init__(self, first: bytes, chunks: Iterator[bytes],
                 factory: Callable[[], bz2.BZ2Decompressor | lzma.LZMADecompressor],
                 trailing: type[Exception]) -> None:
        self._chunks = chunks
        self._factory = factory
        self._trailing = trailing
        self._state = factory()
        self._first = first

    def step(self) -> bytes | None:
        while True:
            if self._state.eof:
                block = self._state.unused_data or next(self._chunks, b"")
                if not block:
                    return None
                self._state = self._factory()
                try:
                    out = self._state.decompress(block, PIECE)
                except self._trailing:
                    return None
            else:
                block = b""
                if self._state.needs_input:
                    block, self._first = self._first or next(self._chunks, b""), b""
                    if not block:
                        raise EOFError(_CUT_SHORT)
                out = self._state.decompress(block, PIECE)
            if out:
                return out


def _stepper(first: bytes, chunks: Iterator[bytes]) -> _Stepper:
    if first.startswith(_GZIP):
        return _Gzip(first, chunks)
    if first.startswith(_BZIP2):
        return _Streams(first, chunks, bz2.BZ2Decompressor, OSError)
    if first.startswith(_XZ):
        return _Streams(first, chunks, lzma.LZMADecompressor, lzma.LZMAError)
    return _Plain(first, chunks)


class Unpacked(io.RawIOBase):
    """The archive's bytes out of the download's `chunks` (compression told by content)."""

    def __init__(self, chunks: Iterator[bytes], limits: Limits,
                 fail: Callable[[str], Exception]) -> None:
        first = b""
        while len(first) < len(_XZ):
            chunk = next(chunks, None)
            if chunk is None:
                break
            first += chunk
        self._stepper = _stepper(first, chunks)
        self._limits = limits
        self._fail = fail
        self._deadline = time.monotonic() + limits.sdist_seconds
        self._piece = b""
        self._at = 0
        self.unpacked = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        """`size` bytes (fewer only at the end of the archive); `size` < 0 is refused."""
        if size < 0:
            raise ValueError("the archive is read in bounded pieces")
        parts: list[bytes] = []
        wanted = size
        while wanted > 0:
            if self._at >= len(self._piece) and not self._refill():
                break
            start, self._at = self._at, min(self._at + wanted, len(self._piece))
            part = self._piece if start == 0 and self._at == len(self._piece) \
                else self._piece[start:self._at]
            parts.append(part)
            wanted -= len(part)
        out = parts[0] if len(parts) == 1 else b"".join(parts)
        self.unpacked += len(out)
        if self.unpacked > self._limits.sdist_unpacked_bytes:
            raise self._fail(
                f"the sdist unpacks to more than {self._limits.sdist_unpacked_bytes} bytes")
        return out

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _refill(self) -> bool:
        if time.monotonic() > self._deadline:
            raise self._fail(f"reading the sdist took longer than {self._limits.sdist_seconds:g} s")
        piece = self._stepper.step()
        self._piece, self._at = piece or b"", 0
        return piece is not None
