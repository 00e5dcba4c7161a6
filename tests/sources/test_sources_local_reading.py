"""`read_bounded`: regular files only, at most the cap, whatever a file claims its size is."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.errors import InputFileError
from wheelfit.sources.reading import FileKind, UnreadableFile, read_bounded, read_text

TINY = FileKind("a test file", 10, "Give a small file.")


def test_a_file_of_exactly_the_cap_is_read(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"0123456789")
    assert read_bounded(tmp_path / "f", TINY) == b"0123456789"


def test_one_byte_over_the_cap_is_refused_with_the_limit(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"0123456789X")
    with pytest.raises(UnreadableFile, match="is 11 bytes: the limit for a test file is 10 bytes"):
        read_bounded(tmp_path / "f", TINY)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_the_read_stops_at_the_cap_when_the_size_lies() -> None:
    """/proc files report size 0 and hold more: the read itself is capped."""
    assert Path("/proc/self/status").stat().st_size == 0
    with pytest.raises(UnreadableFile, match=r"is larger than that: the limit .* is 10 bytes"):
        read_bounded(Path("/proc/self/status"), TINY)


def test_a_path_through_a_file_is_missing(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(UnreadableFile) as caught:
        read_bounded(tmp_path / "f" / "g", TINY)
    assert caught.value.missing


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="is a directory, not a test file"):
        read_bounded(tmp_path, TINY)


def test_read_text_names_the_file_shortened(tmp_path: Path) -> None:
    long_name = "x" * 5000
    with pytest.raises(InputFileError) as caught:
        read_text(tmp_path / long_name, long_name)
    assert caught.value.path == long_name
    assert caught.value.message.startswith("xxx")
    assert "…" in caught.value.message and len(caught.value.message) < 300
