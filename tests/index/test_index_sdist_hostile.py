"""sdist.py against hostile tarballs (issue 18): extended headers are capped before they are
read, and the index's hash is checked on what was downloaded."""

from __future__ import annotations

import hashlib
import io
import random
import tarfile
from collections.abc import Iterator

import pytest

from hostile_bytes import Counted, extended_header, extended_header_tar_gz
from index_builders import BytesSource, sdist_tar, sdist_zip
from wheelfit.errors import IndexResponseError
from wheelfit.index.limits import Limits
from wheelfit.index.sdist import tar_members, zip_members
from wheelfit.index.sdistnames import SdistMembers

LIMITS = Limits()
CAP = LIMITS.sdist_extended_header_bytes
URL = "https://files.example/foo-1.0.tar.gz"
SETUP = b"from setuptools import setup\nsetup()\n"


def _read(chunks: object, **kwargs: object) -> SdistMembers:
    options: dict[str, object] = {"max_member_bytes": 1 << 20, "limits": LIMITS, "url": URL}
    options.update(kwargs)
    return tar_members(chunks, lambda _path: True, **options)  # type: ignore[arg-type]


def _chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize("kind", [b"x", b"g", b"L", b"K"])
def test_huge_extended_header_is_refused_before_it_is_read(kind: bytes) -> None:
    stream = Counted(extended_header_tar_gz(kind))
    with pytest.raises(IndexResponseError) as caught:
        _read(stream)
    assert f"extended tar header (type {kind.decode()!r}) declares 943718400 bytes " \
           f"(cap {CAP})" in caught.value.message
    assert URL in caught.value.message
    assert stream.taken < 20 * 1024 * 1024  # the first gzip members at most, not 900 MiB


def test_chained_extended_headers_count_together() -> None:
    """Two pax headers of 600 KiB each before one member: 1.2 MiB of headers in all."""
    body = bytes(600 * 1024)
    data = (extended_header(b"x", len(body)) + body) * 2 + bytes(1024)
    with pytest.raises(IndexResponseError, match=rf"declares {2 * len(body)} bytes"):
        _read(_chunks(data, 64 * 1024))


def test_real_pax_and_gnu_long_names_are_still_read() -> None:
    long_name = "foo-1.0/" + "d" * 150 + "/setup.py"
    for fmt in (tarfile.PAX_FORMAT, tarfile.GNU_FORMAT):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz", format=fmt) as archive:
            info = tarfile.TarInfo(long_name)
            info.size = len(SETUP)
            archive.addfile(info, io.BytesIO(SETUP))
        assert _read(_chunks(buffer.getvalue())) == {long_name: SETUP}


def test_gnu_sparse_member_is_refused() -> None:
    info = tarfile.TarInfo("foo-1.0/setup.py")
    info.type = tarfile.GNUTYPE_SPARSE
    with pytest.raises(IndexResponseError, match="GNU sparse file"):
        _read(_chunks(info.tobuf(format=tarfile.GNU_FORMAT) + bytes(1024)))


# --- the index's hash ------------------------------------------------------------------------

DATA = sdist_tar("foo-1.0", {"setup.py": SETUP, "PKG-INFO": b"Name: foo\n"})
GOOD = (("sha256", hashlib.sha256(DATA).hexdigest()),)


def test_whole_sdist_matching_its_hash_has_no_note() -> None:
    found = _read(_chunks(DATA), hashes=GOOD)
    assert found == {"foo-1.0/setup.py": SETUP, "foo-1.0/PKG-INFO": b"Name: foo\n"}
    assert found.hash_note is None


def test_whole_sdist_not_matching_its_hash_is_refused() -> None:
    wrong = (("sha256", "0" * 64),)
    with pytest.raises(IndexResponseError) as caught:
        _read(_chunks(DATA), hashes=wrong)
    assert f"the sdist's sha256 is {GOOD[0][1]}, the index says {'0' * 64}: refused" \
        in caught.value.message


def test_trailing_bytes_after_the_archive_are_hashed_too() -> None:
    """A tampered tail (after the tar's end blocks) still changes the file's hash."""
    with pytest.raises(IndexResponseError, match="refused"):
        _read(_chunks(DATA + b"tampered"), hashes=GOOD)


def test_sdist_read_in_part_says_the_check_was_partial() -> None:
    blob = random.Random(0).randbytes(3 * 1024 * 1024)  # incompressible: stays unread
    big = sdist_tar("foo-1.0", {"setup.py": SETUP, "blob": blob})
    found = _read(_chunks(big), hashes=(("sha256", "0" * 64),), stop_after=1)
    assert found.hash_note is not None
    assert "sha256 of the sdist was not checked: only its first" in found.hash_note


def test_sdist_without_hash_has_no_note() -> None:
    assert _read(_chunks(DATA)).hash_note is None


def test_zip_sdist_says_its_hash_was_not_checked() -> None:
    data = sdist_zip("foo-1.0", {"setup.py": SETUP})
    found = zip_members(BytesSource(data), lambda _p: True, max_member_bytes=1 << 20,
                        limits=LIMITS, hashes=GOOD)
    assert found == {"foo-1.0/setup.py": SETUP}
    assert found.hash_note is not None and "read in parts" in found.hash_note
