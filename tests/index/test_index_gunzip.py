"""index/gunzip.py: a gzip stream inflated in large pieces, read as `gzip` reads it."""

from __future__ import annotations

import gzip
import io
import os
import zlib

import pytest

from wheelfit.index import gunzip
from wheelfit.index.gunzip import GunzipReader

_TEXT = b"".join(b"line %d of a member\n" % i for i in range(20000))  # compressible


def _read_all(data: bytes, in_size: int = gunzip.IN_SIZE) -> bytes:
    reader = io.BufferedReader(GunzipReader(io.BytesIO(data), in_size), gunzip.OUT_SIZE)
    return reader.read()


@pytest.mark.parametrize("in_size", [1, 7, 4096, gunzip.IN_SIZE])
def test_one_member_reads_as_gzip_does(in_size: int) -> None:
    data = _TEXT + os.urandom(50000)
    assert _read_all(gzip.compress(data), in_size) == data


def test_concatenated_members_read_one_after_the_other() -> None:
    stream = gzip.compress(b"first\n") + gzip.compress(_TEXT) + gzip.compress(b"")
    assert _read_all(stream) == gzip.decompress(stream)


def test_zero_padding_between_and_after_members_is_skipped() -> None:
    stream = gzip.compress(b"a" * 1000) + b"\0" * 600 + gzip.compress(b"b") + b"\0" * 3
    assert _read_all(stream) == b"a" * 1000 + b"b"


def test_bytes_after_a_member_that_start_no_member_raise() -> None:
    with pytest.raises(OSError, match="not a gzip member"):
        _read_all(gzip.compress(b"whole") + b"garbage")


def test_a_stream_cut_inside_a_member_raises() -> None:
    whole = gzip.compress(_TEXT)
    with pytest.raises(EOFError):
        _read_all(whole[: len(whole) // 2])


def test_a_second_member_cut_inside_its_header_raises() -> None:
    with pytest.raises(OSError, match="member header"):
        _read_all(gzip.compress(b"one") + b"\x1f")


def test_a_wrong_crc_raises() -> None:
    whole = bytearray(gzip.compress(_TEXT))
    whole[-8] ^= 0xFF  # the member's CRC-32
    with pytest.raises(zlib.error):
        _read_all(bytes(whole))


class _Counting(GunzipReader):
    calls = 0

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        _Counting.calls += 1
        return super().readinto(buffer)


def test_a_large_stream_is_inflated_a_mebibyte_per_call() -> None:
    data = _TEXT * 40  # ~16 MiB unpacked
    reader = io.BufferedReader(_Counting(io.BytesIO(gzip.compress(data, 1))), gunzip.OUT_SIZE)
    got = b"".join(iter(lambda: reader.read(10240), b""))  # as tarfile reads a stream
    assert got == data
    # `gzip.GzipFile` makes one call (and one crc32) per 8 KiB: ~2,000 here
    assert _Counting.calls <= 2 * (len(data) // gunzip.OUT_SIZE + 2)
