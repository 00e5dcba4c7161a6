"""bodies.py: an answer's body read in large pieces and its Content-Encoding undone with zlib,
never more than the cap plus one byte (pure: an in-memory reader stands for the answer)."""

from __future__ import annotations

import gzip
import io
import zlib

import pytest

from wheelfit.index.bodies import body_chunks, decoder_for

TEXT = b"wheelfit reads bodies " * 5000


class Reader:
    """Bytes read like an answer; counts the reads."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.reads = 0

    def read(self, amt: int | None = None, decode_content: bool | None = None) -> bytes:
        assert decode_content is False  # the raw bytes: decoding is bodies.py's
        self.reads += 1
        return self._data.read(-1 if amt is None else amt)


def _deflate_raw(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _body(data: bytes, encoding: str | None, limit: int = 10**7, size: int = 1 << 20) -> bytes:
    return b"".join(chunk for _raw, chunk in body_chunks(Reader(data), encoding, limit, size))


@pytest.mark.parametrize(
    ("encoding", "sent"),
    [
        (None, TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("GZIP", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", _deflate_raw(TEXT)),
        ("gzip", gzip.compress(TEXT[:1000]) + gzip.compress(TEXT[1000:])),  # two members
        ("gzip", gzip.compress(TEXT) + b"\x00\x00 trailing"),  # garbage after a member
        ("deflate, gzip", gzip.compress(zlib.compress(TEXT))),  # applied in listed order
    ],
)
def test_codings_are_undone(encoding: str | None, sent: bytes) -> None:
    assert _body(sent, encoding, size=4096) == TEXT


def test_a_coding_not_asked_for_is_passed_as_sent() -> None:
    assert decoder_for("br") is None
    assert _body(b"\x8b\x00brotli bytes", "br") == b"\x8b\x00brotli bytes"


def test_a_broken_gzip_body_raises_zlib_error() -> None:
    with pytest.raises(zlib.error):
        _body(b"\x1f\x8b\x08 not really gzip" * 10, "gzip")


def test_a_gzip_bomb_stops_one_byte_past_the_cap() -> None:
    bomb = gzip.compress(bytes(50 * 2**20), 9)  # ~50 KB that unpacks to 50 MiB
    chunks = [chunk for _raw, chunk in body_chunks(Reader(bomb), "gzip", 1000)]
    assert sum(map(len, chunks)) == 1001
    assert max(map(len, chunks)) <= 1001


def test_a_plain_body_is_not_read_past_the_cap() -> None:
    reader = Reader(bytes(10_000))
    read = sum(raw for raw, _chunk in body_chunks(reader, None, 100))
    assert read == 101


def test_a_large_body_takes_one_read_per_mebibyte() -> None:
    reader = Reader(bytes(3 * 2**20 + 5))
    assert len(b"".join(c for _r, c in body_chunks(reader, None, 2**30))) == 3 * 2**20 + 5
    assert reader.reads == 5  # four with bytes, one that finds the end


def test_decoded_chunks_are_at_most_a_read_in_size() -> None:
    """A page that unpacks 5-10x is not decoded into one buffer of its whole size."""
    packed = gzip.compress(TEXT * 20)  # 2.2 MB that packs to a few KB
    chunks = [c for _r, c in body_chunks(Reader(packed), "gzip", 10**8, read_size=65536)]
    assert b"".join(chunks) == TEXT * 20
    assert max(map(len, chunks)) <= 65536
