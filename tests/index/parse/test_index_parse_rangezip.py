"""rangezip.py / rangefetch.py: zip directories and METADATA from real and hostile zips."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from index_builders import BytesSource, metadata, to_zip64, wheel
from wheelfit.errors import IndexResponseError
from wheelfit.index.limits import Limits
from wheelfit.index.parse.rangezip import CentralEntry, Chunk, entries_from_tail, metadata_entry
from wheelfit.index.rangefetch import (
    held_entries,
    read_directory,
    read_member,
    read_wheel,
    read_wheel_metadata,
    wheel_metadata,
)

META = metadata("foo", "1.0", requires=["bar>=2"])
SMALL = Limits(tail_bytes=4096)


def _central(data: bytes, name: str) -> int:
    """Offset of the central directory entry of `name`."""
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        length = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + length] == name.encode():
            return pos
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(name)


def _patch(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    buffer = bytearray(data)
    struct.pack_into(fmt, buffer, offset, *values)
    return bytes(buffer)


METADATA_NAME = "foo-1.0.dist-info/METADATA"


# --- directory ----------------------------------------------------------------------------------


def test_directory_matches_what_zipfile_reads() -> None:
    data = wheel("foo", "1.0", META)
    expected = [
        (i.filename, i.compress_size, i.file_size)
        for i in zipfile.ZipFile(io.BytesIO(data)).infolist()
    ]
    parsed = [(e.name, e.compressed_size, e.uncompressed_size) for e in entries_from_tail(data)]
    assert parsed == expected


RECORDED_WHEELS = sorted((Path(__file__).resolve().parents[2] / "recorded" / "files").glob("*.whl"))


@pytest.mark.parametrize("path", RECORDED_WHEELS, ids=[p.name for p in RECORDED_WHEELS])
def test_every_field_of_a_recorded_wheel_matches_zipfile(path: Path) -> None:
    data = path.read_bytes()
    expected = [
        (i.filename, i.compress_size, i.file_size, i.header_offset, i.compress_type, i.CRC,
         i.flag_bits)
        for i in zipfile.ZipFile(io.BytesIO(data)).infolist()
    ]
    entries = entries_from_tail(data)
    assert [tuple(e) for e in entries] == expected
    assert all(type(e) is CentralEntry for e in entries)


def test_zip64_end_records_and_extra_fields_are_read() -> None:
    data = to_zip64(wheel("foo", "1.0", META))
    assert [e.name for e in entries_from_tail(data)] == zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_zip_comment_after_the_end_record_is_tolerated() -> None:
    buffer = io.BytesIO(wheel("foo", "1.0", META))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.comment = b"PK\x05\x06 looks like a signature"
    assert len(entries_from_tail(buffer.getvalue())) == 4


def test_not_a_zip_is_a_response_error() -> None:
    with pytest.raises(IndexResponseError, match="not a zip archive"):
        entries_from_tail(b"<html>404</html>" * 10)


def test_wrong_central_directory_offset_is_refused() -> None:
    data = wheel("foo", "1.0", META)
    eocd = data.rfind(b"PK\x05\x06")
    (cd_offset,) = struct.unpack_from("<L", data, eocd + 16)
    with pytest.raises(IndexResponseError, match="wrong offsets"):
        entries_from_tail(_patch(data, eocd + 16, "<L", cd_offset - 3))


def test_central_directory_above_the_cap_is_refused() -> None:
    data = wheel("foo", "1.0", META)
    with pytest.raises(IndexResponseError, match="cap 64"):
        entries_from_tail(data, limits=Limits(central_directory_bytes=64))


def test_entry_pointing_past_the_directory_is_refused() -> None:
    data = wheel("foo", "1.0", META)
    bad = _patch(data, _central(data, METADATA_NAME) + 42, "<L", len(data))
    with pytest.raises(IndexResponseError, match="outside the archive"):
        entries_from_tail(bad)


def test_multi_disk_archive_is_refused() -> None:
    data = wheel("foo", "1.0", META)
    eocd = data.rfind(b"PK\x05\x06")
    with pytest.raises(IndexResponseError, match="multi-disk"):
        entries_from_tail(_patch(data, eocd + 4, "<H", 1))


# --- members ------------------------------------------------------------------------------------


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_metadata_is_read_from_a_small_wheel_with_one_request(compression: int) -> None:
    source = BytesSource(wheel("foo", "1.0", META, compression=compression))
    _directory, data = read_wheel_metadata(source, "foo", SMALL)
    assert data == META
    assert source.calls == [("tail", 4096, 0)]


def test_directory_starting_before_the_tail_costs_one_more_request() -> None:
    data = wheel("foo", "1.0", META, filler=20_000, metadata_first=True)
    source = BytesSource(data)
    tiny = Limits(tail_bytes=100)
    directory = read_directory(source, tiny)
    assert [e.name for e in directory.entries] == zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert [c[0] for c in source.calls] == ["tail", "span"]


def test_metadata_outside_the_tail_is_fetched_by_its_exact_span() -> None:
    data = wheel("foo", "1.0", META, filler=20_000, metadata_first=True)
    source = BytesSource(data)
    _directory, read = read_wheel_metadata(source, "foo", SMALL)
    assert read == META
    kind, start, end = source.calls[-1]
    assert (kind, start) == (
        "span",
        zipfile.ZipFile(io.BytesIO(data)).getinfo(METADATA_NAME).header_offset,
    )
    assert end - start < 1000


def test_metadata_of_a_zip64_wheel_is_read() -> None:
    source = BytesSource(to_zip64(wheel("foo", "1.0", META)))
    assert read_wheel_metadata(source, "foo", SMALL)[1] == META


def test_wrong_local_header_offset_is_refused() -> None:
    data = wheel("foo", "1.0", META)
    entry = _central(data, METADATA_NAME)
    (offset,) = struct.unpack_from("<L", data, entry + 42)
    with pytest.raises(IndexResponseError, match="wrong offset"):
        read_wheel_metadata(BytesSource(_patch(data, entry + 42, "<L", offset + 7)), "foo", SMALL)


def test_offset_of_another_member_is_refused() -> None:
    data = wheel("foo", "1.0", META)
    bad = _patch(data, _central(data, METADATA_NAME) + 42, "<L", 0)  # points at __init__.py
    with pytest.raises(IndexResponseError, match="names another file"):
        read_wheel_metadata(BytesSource(bad), "foo", SMALL)


def test_declared_size_above_the_cap_is_refused_before_fetching() -> None:
    data = wheel("foo", "1.0", META, filler=20_000, metadata_first=True)
    bad = _patch(data, _central(data, METADATA_NAME) + 24, "<L", 3 * 1024 * 1024 * 1024)
    source = BytesSource(bad)
    with pytest.raises(IndexResponseError, match="declares"):
        read_wheel_metadata(source, "foo", SMALL)
    assert all(kind == "tail" for kind, _s, _e in source.calls)


def test_compression_bomb_is_refused() -> None:
    bomb = metadata("foo", "1.0") + b" " * 1_500_000
    data = wheel("foo", "1.0", bomb)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(METADATA_NAME).compress_size < 7500
    with pytest.raises(IndexResponseError, match="compression bomb"):
        read_wheel_metadata(BytesSource(data), "foo", Limits(tail_bytes=1 << 20))


def test_member_inflating_beyond_its_declared_size_is_refused() -> None:
    data = wheel("foo", "1.0", META)
    entry = _central(data, METADATA_NAME)
    bad = _patch(data, entry + 24, "<L", len(META) - 10)
    with pytest.raises(IndexResponseError, match="beyond its declared size"):
        read_wheel_metadata(BytesSource(bad), "foo", SMALL)


def test_crc_mismatch_is_refused() -> None:
    data = wheel("foo", "1.0", META)
    entry = _central(data, METADATA_NAME)
    bad = _patch(data, entry + 16, "<L", zlib.crc32(b"other"))
    with pytest.raises(IndexResponseError, match="CRC-32"):
        read_wheel_metadata(BytesSource(bad), "foo", SMALL)


def test_unsupported_compression_method_is_refused() -> None:
    data = wheel("foo", "1.0", META, compression=zipfile.ZIP_STORED)
    entry = _central(data, METADATA_NAME)
    (offset,) = struct.unpack_from("<L", data, entry + 42)
    bad = _patch(_patch(data, entry + 10, "<H", 12), offset + 8, "<H", 12)  # bzip2
    with pytest.raises(IndexResponseError, match="method 12"):
        read_wheel_metadata(BytesSource(bad), "foo", SMALL)


def test_a_member_is_read_by_name() -> None:
    source = BytesSource(wheel("foo", "1.0", META))
    directory = read_directory(source, SMALL)
    entry = next(e for e in directory.entries if e.name.endswith("WHEEL"))
    assert read_member(source, directory, entry, max_bytes=1000).startswith(b"Wheel-Version")


# --- directory and METADATA from one read ------------------------------------------------------

_FAR = wheel("foo", "1.0", META, filler=20_000, metadata_first=True)
_STORED = wheel("foo", "1.0", META, compression=zipfile.ZIP_STORED)
_CRC_BROKEN = _STORED.replace(b"Requires-Dist: bar", b"Requires-Dist: baz", 1)


@pytest.mark.parametrize(
    ("data", "project", "held", "calls", "problem"),
    [
        (wheel("foo", "1.0", META), "foo", True, ["tail"], None),
        (_FAR, "foo", False, ["tail"], None),  # METADATA before the tail: not fetched
        (_CRC_BROKEN, "foo", False, ["tail"], "CRC-32"),
        (wheel("foo", "1.0", META), "bar", False, ["tail"], r"expected one \.dist-info"),
    ],
    ids=["held", "outside-the-tail", "damaged-member", "other-project"],
)
def test_read_wheel_never_asks_for_more_than_the_directory(
    data: bytes, project: str, held: bool, calls: list[str], problem: str | None
) -> None:
    source = BytesSource(data)
    read = read_wheel(source, project, SMALL)
    assert read.summary.files == len(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert (read.metadata == META) is held
    assert [c[0] for c in source.calls] == calls
    if problem is None:
        assert read.problem is None
    else:
        assert read.problem is not None and read.problem.__traceback__ is None
        with pytest.raises(IndexResponseError, match=problem):
            wheel_metadata(source, read, SMALL)


def test_wheel_metadata_fetches_the_span_left_out() -> None:
    source = BytesSource(_FAR)
    read = read_wheel(source, "foo", SMALL)
    assert read.metadata is None and read.span is not None
    assert wheel_metadata(source, read, SMALL) == META
    assert source.calls[-1] == ("span", *read.span)


# --- choosing the .dist-info --------------------------------------------------------------------


def test_dist_info_is_matched_by_canonical_name() -> None:
    entries = entries_from_tail(wheel("Foo.Bar", "1.0", META))
    assert metadata_entry(entries, "foo-bar").name == "Foo.Bar-1.0.dist-info/METADATA"


def test_two_dist_info_directories_are_refused() -> None:
    base = entries_from_tail(wheel("foo", "1.0", META))
    twin = base[1]._replace(name="foo-2.0.dist-info/METADATA")
    with pytest.raises(IndexResponseError, match=r"expected one \.dist-info"):
        metadata_entry((*base, twin), "foo")


def test_wheel_without_metadata_is_refused() -> None:
    entries = [
        e for e in entries_from_tail(wheel("foo", "1.0", META)) if not e.name.endswith("METADATA")
    ]
    with pytest.raises(IndexResponseError, match=r"no foo-1\.0\.dist-info/METADATA"):
        metadata_entry(entries, "foo")


# --- a directory longer than the tail: its second request brings METADATA too -------------------


def _many_members(metadata_first: bool = False, record: int = 0) -> bytes:
    """A wheel whose directory (300 entries, ~25 KB) is longer than a 4 KiB tail; `record`:
    bytes of incompressible RECORD between METADATA and the directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if metadata_first:
            archive.writestr(METADATA_NAME, META)
        for i in range(300):
            archive.writestr(f"foo/a_rather_long_module_name_number_{i:04}.py", b"X = 1\n")
        if not metadata_first:
            archive.writestr(METADATA_NAME, META)
        archive.writestr("foo-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\n")
        archive.writestr("foo-1.0.dist-info/RECORD", random.Random(0).randbytes(record))
    return buffer.getvalue()


def _cd_offset(data: bytes) -> int:
    return struct.unpack_from("<I", data, data.rfind(b"PK\x05\x06") + 16)[0]


def test_the_directorys_second_request_reaches_back_to_metadata() -> None:
    data = _many_members()
    source = BytesSource(data)
    read = read_wheel(source, "foo", SMALL)
    assert read.metadata == META and read.summary.files == 303
    header = zipfile.ZipFile(io.BytesIO(data)).getinfo(METADATA_NAME).header_offset
    assert [c[:2] for c in source.calls] == [("tail", 4096), ("span", header)]


@pytest.mark.parametrize(
    ("data", "files"),
    [
        (_many_members(record=200_000), 303),  # named in the tail, but 200 KB further back
        (_many_members(metadata_first=True), 303),  # its entry is not among the tail's
    ],
    ids=["too-far-back", "not-named-in-the-tail"],
)
def test_the_second_request_is_the_directory_alone(data: bytes, files: int) -> None:
    """Reaching back to METADATA would more than double the request, or the tail's part of
    the directory does not say where METADATA is: the directory alone, as before."""
    source = BytesSource(data)
    read = read_wheel(source, "foo", SMALL)
    assert read.metadata is None and read.span is not None and read.summary.files == files
    assert [c[:2] for c in source.calls] == [("tail", 4096), ("span", _cd_offset(data))]


def test_held_entries_are_the_directorys_last_entries() -> None:
    data = _many_members()
    cd_end = data.rfind(b"PK\x05\x06")
    chunk = Chunk(len(data) - 4096, data[-4096:], len(data))
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    held = held_entries(chunk, cd_end)
    assert 0 < len(held) < len(infos)
    assert held == [(i.filename.encode(), i.header_offset) for i in infos[-len(held):]]


def test_held_entries_of_bytes_that_are_no_directory_are_none() -> None:
    junk = b"PK\x01\x02" + bytes(100)
    assert held_entries(Chunk(0, junk * 40, len(junk) * 40), len(junk) * 40 - 7) == []
