"""A gzip stream read in large pieces: few calls into zlib, so few GIL hand-offs.

`gzip.GzipFile` inflates 8 KiB at a time and runs `zlib.crc32` on each piece, and both calls
release the GIL: a 100 MB sdist tarball became ~25,000 releases, each a chance for another
thread to take the GIL and for the reader to wait out a switch interval to get it back.
`GunzipReader` inflates up to `OUT_SIZE` bytes per call from `IN_SIZE` bytes of input, and
lets zlib check each member's CRC-32 and length (wbits 16 + MAX_WBITS), as `gzip` does in
Python. Concatenated members and zero padding between or after them are read as `gzip`
reads them; anything else after a member, a truncated stream or a bad check raises.
"""

from __future__ import annotations

import io
import zlib
from typing import Protocol

IN_SIZE = 256 * 1024  # compressed bytes handed to zlib at a time
OUT_SIZE = 1 << 20  # at most this many bytes inflated per call
_WBITS = 16 + zlib.MAX_WBITS  # gzip framing: header, CRC-32 and length checked by zlib
_MAGIC = b"\x1f\x8b"


class Source(Protocol):
    """Where the compressed bytes come from (a buffered file)."""

    def read(self, size: int = -1, /) -> bytes: ...


class GunzipReader(io.RawIOBase):
    """The decompressed bytes of a gzip stream (one or more members), as a raw file."""

    def __init__(self, source: Source, in_size: int = IN_SIZE) -> None:
        self._source = source
        self._in_size = in_size
        self._state = zlib.decompressobj(_WBITS)
        self._input = b""  # compressed bytes not yet handed to zlib
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Up to `len(buffer)` (at most `OUT_SIZE`) decompressed bytes; 0 at the end."""
        most = min(len(buffer), OUT_SIZE)
        while not self._ended and most:
            if self._state.eof and not self._next_member():
                break
            data = self._state.unconsumed_tail or self._more()
            if not data:
                raise EOFError("the gzip stream ends inside a member")
            out = self._state.decompress(data, most)
            self._input = self._state.unused_data if self._state.eof else b""
            if out:
                buffer[: len(out)] = out
                return len(out)
        return 0

    def _more(self) -> bytes:
        data, self._input = self._input, b""
        return data or self._source.read(self._in_size)

    def _next_member(self) -> bool:
        """After a member's end: True when another member starts (zero padding skipped),
        False at the end of the stream."""
        while True:
            rest = self._input.lstrip(b"\0")
            if len(rest) < len(_MAGIC):
                more = self._source.read(self._in_size)
                if not more:
                    if rest:
                        raise OSError("the gzip stream ends inside a member header")
                    self._ended = True
                    return False
                self._input = rest + more
                continue
            if not rest.startswith(_MAGIC):
                raise OSError(f"not a gzip member after the first ({rest[:2]!r})")
            self._input = rest
            self._state = zlib.decompressobj(_WBITS)
            return True
