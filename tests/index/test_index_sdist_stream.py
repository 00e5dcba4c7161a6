"""sdiststream.py: the download's chunks through one decompressor into `tarfile`.

Each case is checked against `tarfile` reading the same bytes whole from memory, whatever
the chunk sizes, the compression, and the pieces' boundaries."""

from __future__ import annotations

import bz2
import gzip
import lzma
import random
import tarfile
from collections.abc import Callable, Iterator

import pytest

from index_builders import sdist_tar
from wheelfit.errors import IndexResponseError
from wheelfit.index.limits import Limits
from wheelfit.index.sdist import tar_members
from wheelfit.index.sdiststream import PIECE

URL = "https://files.example/foo-1.0.tar.gz"
# A member bigger than a decompressed piece (incompressible), text around it, and the wanted
# members last, as pymupdf's PKG-INFO comes after its vendored tarball.
MEMBERS = {
    "setup.py": b"from setuptools import setup\nsetup()\n" * 50,
    "vendor/big.tar.gz": random.Random(1).randbytes(PIECE + 300_000),
    "src/text.c": b"int main(void) { return 0; }\n" * 40_000,
    "pyproject.toml": b"[build-system]\nrequires = ['setuptools']\n",
    "PKG-INFO": b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n",
}
PLAIN = sdist_tar("foo-1.0", MEMBERS, mode="w")
COMPRESSED = {
    "gz": gzip.compress(PLAIN), "bz2": bz2.compress(PLAIN), "xz": lzma.compress(PLAIN),
    "plain": PLAIN,
}
WANTED = {"foo-1.0/setup.py", "foo-1.0/pyproject.toml", "foo-1.0/PKG-INFO", "foo-1.0/src/text.c"}


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _read(data: bytes, size: int, **kwargs: object) -> dict[str, bytes]:
    options: dict[str, object] = {"max_member_bytes": 2 << 20, "limits": Limits(), "url": URL}
    options.update(kwargs)
    return tar_members(_chunks(data, size), WANTED.__contains__, **options)  # type: ignore[arg-type]


def _expected() -> dict[str, bytes]:
    return {f"foo-1.0/{k}": v for k, v in MEMBERS.items() if f"foo-1.0/{k}" in WANTED}


@pytest.mark.parametrize("size", [1 << 20, 65536, 4099, 512])
@pytest.mark.parametrize("kind", sorted(COMPRESSED))
def test_members_are_what_tarfile_reads_whole(kind: str, size: int) -> None:
    found = _read(COMPRESSED[kind], size)
    assert found == _expected()
    assert getattr(found, "complete", False)


def test_one_byte_chunks_read_the_same() -> None:
    small = gzip.compress(sdist_tar("foo-1.0", {"setup.py": b"x" * 3000, "PKG-INFO": b"y"},
                                    mode="w"))
    found = tar_members(_chunks(small, 1), lambda _p: True, max_member_bytes=1 << 20,
                        limits=Limits(), url=URL)
    assert found == {"foo-1.0/setup.py": b"x" * 3000, "foo-1.0/PKG-INFO": b"y"}


@pytest.mark.parametrize(
    ("kind", "compress"),
    [("gz", gzip.compress), ("bz2", bz2.compress), ("xz", lzma.compress)],
)
def test_concatenated_streams_are_read_on(kind: str, compress: Callable[[bytes], bytes]) -> None:
    half = len(PLAIN) // 2
    found = _read(compress(PLAIN[:half]) + compress(PLAIN[half:]), 65536)
    assert found == _expected(), kind


@pytest.mark.parametrize("size", [1 << 30, 65536])
def test_gzip_members_that_each_unpack_past_a_piece_are_read_on(size: int) -> None:
    """A member's end reached after zlib's output cap: its rest is read once, not twice."""
    plain = sdist_tar("foo-1.0", {"zeros": bytes(3 * PIECE), "PKG-INFO": b"x"}, mode="w")
    third = len(plain) // 3
    data = b"".join(gzip.compress(plain[i:i + third]) for i in range(0, len(plain), third))
    found = tar_members(_chunks(data, size), lambda p: p.endswith("PKG-INFO"),
                        max_member_bytes=1 << 20, limits=Limits(), url=URL)
    assert found == {"foo-1.0/PKG-INFO": b"x"}


def test_zero_bytes_between_gzip_members_are_skipped() -> None:
    half = len(PLAIN) // 2
    found = _read(gzip.compress(PLAIN[:half]) + b"\0" * 700 + gzip.compress(PLAIN[half:]), 4096)
    assert found == _expected()


def test_bytes_after_a_gzip_member_that_start_no_other_are_refused() -> None:
    half = len(PLAIN) // 2
    with pytest.raises(IndexResponseError, match="Not a gzipped file"):
        _read(gzip.compress(PLAIN[:half]) + b"garbage" + gzip.compress(PLAIN[half:]), 65536)


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
def test_a_stream_cut_short_is_refused(kind: str) -> None:
    data = COMPRESSED[kind]
    with pytest.raises(IndexResponseError, match="not a readable tar archive"):
        _read(data[: len(data) * 3 // 4], 65536)


def _bad_crc(member: bytes) -> bytes:
    return member[:-8] + bytes([member[-8] ^ 0xFF]) + member[-7:]


def test_a_gzip_member_the_archive_goes_on_past_has_its_crc_checked() -> None:
    half = len(PLAIN) // 2
    with pytest.raises(IndexResponseError, match="not a readable tar archive"):
        _read(_bad_crc(gzip.compress(PLAIN[:half])) + gzip.compress(PLAIN[half:]), 65536)


def test_the_last_gzip_trailer_is_not_read_once_the_archive_has_ended() -> None:
    """As `GzipFile` under `tarfile` (and pip's unpacking) read it: the tar's end blocks
    come first, so a bad CRC there is not seen (the index's hash still covers it)."""
    assert _read(_bad_crc(COMPRESSED["gz"]), 65536) == _expected()


def test_until_is_told_the_bytes_tarfile_took_in_whole_records() -> None:
    """`unpacked` counts what `tarfile` read (10 KiB records), not how the chunks fell."""
    seen: dict[int, list[int]] = {}
    for size in (700, 65536, 1 << 20):
        counts: list[int] = []

        def until(_name: str, unpacked: int, counts: list[int] = counts) -> bool:
            counts.append(unpacked)
            return False

        _read(COMPRESSED["gz"], size, until=until)
        seen[size] = counts
    assert seen[700] == seen[65536] == seen[1 << 20]
    assert all(count % tarfile.RECORDSIZE == 0 for count in seen[700])
