"""Cache entries that were tampered with (issue 18): grown past their cap, or replaced by a
link, a FIFO, a device or a directory, read as missing, at once, without reading them."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from packaging.version import Version

from wheelfit.index.cache import ENVELOPE_SIZE, PageMeta, Store
from wheelfit.index.limits import DEFAULT_LIMITS
from wheelfit.index.pagememo import PageMemo, page_key
from wheelfit.model import DistFile

GROUPS = {Version("1.0"): [DistFile("foo-1.0.tar.gz", "https://files.example/foo-1.0.tar.gz")]}


def _grow(path: Path, size: int) -> None:
    """Make `path` `size` bytes long without writing them (a sparse file)."""
    with path.open("r+b") as handle:
        handle.truncate(size)


def _link_to_zero(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


TAMPERINGS: dict[str, Callable[[Path], None]] = {
    "grown to 3 GiB": lambda path: _grow(path, 3 * 1024**3),
    "link to /dev/zero": _link_to_zero,
    "fifo": _fifo,
    "directory": _directory,
}


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_tampered_store_entry_reads_as_missing(tmp_path: Path,
                                               tamper: Callable[[Path], None]) -> None:
    store = Store(tmp_path, "immutable")
    assert store.put("k", b"payload")
    tamper(store.path_for("k"))
    assert store.get("k") is None


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_tampered_memo_entry_reads_as_missing(tmp_path: Path,
                                              tamper: Callable[[Path], None]) -> None:
    memo = PageMemo(Store(tmp_path, "parsed"))
    assert memo.put("k", GROUPS)
    tamper(Store(tmp_path, "parsed").path_for("k"))
    assert memo.open("k", "", lambda: GROUPS) is None


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_tampered_page_answer_reads_as_missing(tmp_path: Path,
                                               tamper: Callable[[Path], None]) -> None:
    pages = PageMemo(Store(tmp_path, "pages"))
    key = page_key("https://i.example/simple/foo/", "a")
    pages.put_answer(key, PageMeta("u", 404, {}, 0.0))
    tamper(Store(tmp_path, "pages").path_for(key))
    assert pages.load(key, "", lambda: GROUPS) is None


def test_each_store_has_its_limit() -> None:
    assert Store(Path("/x"), "pages").max_payload == DEFAULT_LIMITS.cache_memo_bytes
    assert Store(Path("/x"), "parsed").max_payload == DEFAULT_LIMITS.cache_memo_bytes
    # a metadata file and a wheel's summary in one entry (`wheelentries.py`)
    assert Store(Path("/x"), "immutable").max_payload == 5 + \
        DEFAULT_LIMITS.metadata_bytes + DEFAULT_LIMITS.central_directory_bytes


def test_entry_just_over_the_callers_cap_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path, "immutable")
    assert store.put("k", bytes(101))
    assert store.get("k", max_payload=101) == bytes(101)
    assert store.get("k", max_payload=100) is None


def test_refusal_is_noted_in_debug_output(tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    store = Store(tmp_path, "immutable", max_payload=10)
    assert store.put("k", bytes(11))
    with caplog.at_level(logging.DEBUG, logger="wheelfit.cache"):
        assert store.get("k") is None
    assert f"{ENVELOPE_SIZE + 11} bytes (cap {ENVELOPE_SIZE + 10})" in caplog.text
    assert str(store.path_for("k")) in caplog.text
