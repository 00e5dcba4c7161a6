"""An answer's body: read in large pieces, `Content-Encoding` undone with zlib, under a cap.

The transport reads the raw bytes itself (urllib3's decoding layer costs more Python per
read than the bytes it decodes) and undoes `gzip`/`x-gzip`/`deflate` with `zlib`
directly, several encodings in reverse order as listed; any other coding is passed on as
sent (wheelfit asks for gzip and deflate only). Decoding never makes more than the cap
allows: `zlib` is asked for at most what is left of it, so a small compressed body that
unpacks to gigabytes stops at the cap plus one byte. `inflate` decodes a body kept as sent
(`Transport.get(keep_coding=True)`) the same way, with the same errors.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from typing import Protocol

from wheelfit.errors import IndexFault, IndexResponseError
from wheelfit.index.faults import HINT_BAD_ANSWER, bad, reason_of
from wheelfit.redact import redact_url

READ_SIZE = 1 << 20  # one read per MiB of a body: fewer calls, the socket decides syscalls
ACCEPT_ENCODING = "gzip, deflate"


class RawReader(Protocol):
    """What is read of an answer here (urllib3's response, or a file's)."""

    def read(self, amt: int | None = None, decode_content: bool | None = None) -> bytes: ...


class _Zlib:
    """One coding: gzip (members concatenated, trailing garbage after a whole member
    ignored, as urllib3 reads them) or deflate (zlib framing, or raw as some servers
    send it)."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
        self._state = zlib.decompressobj(self._wbits)
        self._started = False
        self._later_member = False
        self._swallow = False
        self._pending = b""

    def decode(self, data: bytes, most: int) -> bytes:
        """Decoded bytes of `data` (and of what earlier calls left), at most `most`."""
        data, self._pending = self._pending + data, b""
        if self._swallow:
            return b""
        try:
            out = self._state.decompress(data, most)
        except zlib.error:
            if self._later_member:  # trailing garbage after a whole member: ignored
                self._swallow = True
                return b""
            if self._gzip or self._started:
                raise
            self._wbits = -zlib.MAX_WBITS  # deflate without its zlib header
            self._state = zlib.decompressobj(self._wbits)
            out = self._state.decompress(data, most)
        self._started = True
        self._pending = self._state.unconsumed_tail
        if self._gzip and self._state.eof and self._state.unused_data:
            self._pending += self._state.unused_data  # the next gzip member
            self._state = zlib.decompressobj(self._wbits)
            self._later_member = True
        return out

    @property
    def pending(self) -> bool:
        """Input is waiting for room under the cap."""
        return bool(self._pending)


class Decoder:
    """The codings of one `Content-Encoding` header, undone in reverse order."""

    def __init__(self, codings: list[_Zlib]) -> None:
        self._codings = codings

    def decode(self, data: bytes, most: int) -> bytes:
        """Decoded bytes of `data`, at most `most` of them."""
        for coding in reversed(self._codings):
            data = coding.decode(data, most)
        return data

    @property
    def pending(self) -> bool:
        """Some coding holds input it could not decode within the last `most`."""
        return any(coding.pending for coding in self._codings)


def decoder_for(content_encoding: str | None) -> Decoder | None:
    """The decoder for a `Content-Encoding` value; None when there is nothing to undo."""
    if not content_encoding:
        return None
    codings = []
    for token in content_encoding.lower().split(","):
        token = token.strip()
        if token in ("gzip", "x-gzip"):
            codings.append(_Zlib(gzip=True))
        elif token == "deflate":
            codings.append(_Zlib(gzip=False))
        elif token not in ("", "identity"):
            return None  # a coding wheelfit did not ask for: the bytes as sent
    return Decoder(codings) if codings else None


def body_chunks(
    answer: RawReader, content_encoding: str | None, limit: int, read_size: int = READ_SIZE
) -> Iterator[tuple[int, bytes]]:
    """(raw bytes read, decoded chunk) pairs of the body, `read_size` raw bytes a read and
    at most `read_size` decoded bytes a chunk; together at most `limit + 1` decoded bytes
    (one more than the cap says the body is over it). `zlib.error` when a coding is
    broken."""
    decoder = decoder_for(content_encoding)
    room = limit + 1
    while room > 0:
        if decoder is not None and decoder.pending:
            data = b""
        else:
            data = answer.read(read_size if decoder else min(read_size, room),
                               decode_content=False)
            if not data:
                return
        if decoder is None:
            room -= len(data)
            yield len(data), data
            continue
        # decoded a read's worth at a time: zlib's output buffer stays that size
        out = decoder.decode(data, min(room, read_size))
        room -= len(out)
        if out or data:
            yield len(data), out


class BodyTooLarge(IndexResponseError):
    """A body exceeded its cap; `status` is the HTTP status of the answer."""

    def __init__(self, message: str, *, url: str, status: int) -> None:
        super().__init__(message, url=url, hint=HINT_BAD_ANSWER)
        self.status = status


def too_large(url: str, max_bytes: int, status: int) -> BodyTooLarge:
    """The error of a body that decodes to more than `max_bytes`."""
    return BodyTooLarge(f"{redact_url(url)}: the answer is larger than {max_bytes} bytes",
                        url=redact_url(url), status=status)


def undecodable(encoding: str | None, exc: Exception, url: str) -> IndexFault:
    """The error of a body whose coding is broken."""
    return bad(f"undecodable body ({encoding}: {reason_of(exc)})", url)


class _Replay:
    """A body already read, read again as `body_chunks` reads an answer."""

    def __init__(self, body: bytes) -> None:
        self._source = io.BytesIO(body)

    def read(self, amt: int | None = None, decode_content: bool | None = None) -> bytes:
        return self._source.read(amt)


def inflate(body: bytes, coding: str, url: str, status: int, max_bytes: int) -> bytes:
    """`body` as sent with `Content-Encoding: coding`, decoded: at most `max_bytes`, with
    the errors `Transport.get` raises for a body over its cap or an undecodable one."""
    parts = []
    decoded = 0
    try:
        for _raw, chunk in body_chunks(_Replay(body), coding, max_bytes):
            decoded += len(chunk)
            if decoded > max_bytes:
                raise too_large(url, max_bytes, status)
            parts.append(chunk)
    except zlib.error as exc:
        raise undecodable(coding, exc, url) from None
    return b"".join(parts)


def inflated(body: bytes, coding: str, max_bytes: int) -> bytes | None:
    """`inflate` without errors: None when the body is over the cap or undecodable (the
    parse helper's use: the run's process then raises the error)."""
    try:
        out = b"".join(chunk for _raw, chunk in body_chunks(_Replay(body), coding, max_bytes))
    except zlib.error:
        return None
    return out if len(out) <= max_bytes else None
