"""sdist.py: members of tarballs (streamed) and zip sdists (range reads), in memory, capped."""

from __future__ import annotations

import os
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from index_builders import BytesSource, metadata, sdist_tar, sdist_zip
from wheelfit.errors import IndexResponseError
from wheelfit.index.limits import Limits
from wheelfit.index.sdist import member_path, tar_members, zip_members
from wheelfit.index.sdistnames import is_top_level

LIMITS = Limits()
URL = "https://files.example/foo-1.0.tar.gz"
MEMBERS = {
    "PKG-INFO": metadata("foo", "1.0", metadata_version="2.2"),
    "pyproject.toml": b"[build-system]\nrequires = ['setuptools']\n",
    "setup.py": b"raise SystemExit('never run')\n",
    "src/foo/__init__.py": b"",
}
TOP_LEVEL = {"PKG-INFO", "pyproject.toml", "setup.py", "setup.cfg"}
EXPECTED = {f"foo-1.0/{k}": v for k, v in MEMBERS.items() if k in TOP_LEVEL}


def _top_level(path: str) -> bool:
    return any(is_top_level(path, name) for name in TOP_LEVEL)


def _chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _read(data: bytes, **kwargs: object) -> dict[str, bytes]:
    options: dict[str, object] = {"max_member_bytes": 1 << 20, "limits": LIMITS, "url": URL}
    options.update(kwargs)
    return tar_members(_chunks(data), _top_level, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["w:gz", "w:bz2", "w:xz", "w"])
def test_wanted_top_level_members_are_returned_by_archive_name(mode: str) -> None:
    assert _read(sdist_tar("foo-1.0", MEMBERS, mode=mode)) == EXPECTED


def test_links_and_escaping_paths_are_skipped() -> None:
    link = tarfile.TarInfo("foo-1.0/setup.cfg")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    escape = tarfile.TarInfo("foo-1.0/../PKG-INFO")
    found = _read(sdist_tar("foo-1.0", {"setup.py": b"x"}, extra=[link, escape]))
    assert found == {"foo-1.0/setup.py": b"x"}


def test_member_above_the_size_cap_is_skipped() -> None:
    found = _read(sdist_tar("foo-1.0", MEMBERS), max_member_bytes=40)
    assert set(found) == {"foo-1.0/setup.py"}


def test_unpacked_size_cap_is_a_response_error() -> None:
    data = sdist_tar("foo-1.0", {"big.bin": b"\0" * 200_000, "PKG-INFO": b"x"})
    with pytest.raises(IndexResponseError, match="unpacks to more than"):
        _read(data, limits=Limits(sdist_unpacked_bytes=100_000))


def test_member_count_cap_is_a_response_error() -> None:
    data = sdist_tar("foo-1.0", {f"m{i}": b"" for i in range(20)})
    with pytest.raises(IndexResponseError, match="more than 10 members"):
        _read(data, limits=Limits(sdist_members=10))


@pytest.mark.parametrize(
    "data",
    [b"\x1f\x8b\x08\x00garbage" * 50, b"BZh9garbage", b"not a tarball at all" * 100],
    ids=["gzip", "bzip2", "plain"],
)
def test_garbage_is_a_response_error(data: bytes) -> None:
    with pytest.raises(IndexResponseError, match="not a readable tar archive"):
        _read(data)


@pytest.mark.parametrize("mode", ["w", "w:gz"])
def test_tarball_truncated_inside_a_wanted_member_is_a_response_error(mode: str) -> None:
    members = {"setup.py": b"x" * 5000, "PKG-INFO": bytes(range(256)) * 20}
    data = sdist_tar("foo-1.0", members, mode=mode)
    with pytest.raises(IndexResponseError, match="not a readable tar archive"):
        _read(data[: len(data) // 2 if mode == "w:gz" else 6500])


def test_stop_after_abandons_the_rest_of_the_download() -> None:
    data = sdist_tar("foo-1.0", {"PKG-INFO": b"x", "big.bin": os.urandom(300_000)})
    consumed: list[int] = []

    def chunks() -> Iterator[bytes]:
        for piece in _chunks(data, 100):
            consumed.append(len(piece))
            yield piece

    found = tar_members(
        chunks(),
        lambda p: p == "foo-1.0/PKG-INFO",
        max_member_bytes=100,
        limits=LIMITS,
        url=URL,
        stop_after=1,
    )
    assert found == {"foo-1.0/PKG-INFO": b"x"}
    assert sum(consumed) < len(data)


def test_zip_sdist_members_are_read_by_range_requests() -> None:
    source = BytesSource(sdist_zip("foo-1.0", MEMBERS))
    found = zip_members(source, _top_level, max_member_bytes=1 << 20, limits=LIMITS)
    assert found == EXPECTED


def test_nothing_is_extracted_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    _read(sdist_tar("foo-1.0", MEMBERS))
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("foo-1.0/PKG-INFO", "foo-1.0/PKG-INFO"),
        ("./foo-1.0/src/a.py", "foo-1.0/src/a.py"),
        ("foo-1.0\\setup.py", "foo-1.0/setup.py"),
        ("PKG-INFO", "PKG-INFO"),
        ("C:/x", None),
        ("/etc/passwd", None),
        ("foo-1.0/../../x", None),
        ("foo-1.0/dir/", None),
    ],
)
def test_member_path(name: str, expected: str | None) -> None:
    assert member_path(name) == expected


def test_time_cap_is_a_response_error_without_waiting() -> None:
    with pytest.raises(IndexResponseError, match="took longer than"):
        _read(sdist_tar("foo-1.0", MEMBERS), limits=Limits(sdist_seconds=-1))


@pytest.mark.parametrize(
    ("path", "expected"),
    [("foo-1.0/PKG-INFO", True), ("PKG-INFO", False), ("foo-1.0/foo.egg-info/PKG-INFO", False)],
)
def test_is_top_level(path: str, expected: bool) -> None:
    assert is_top_level(path, "PKG-INFO") is expected
