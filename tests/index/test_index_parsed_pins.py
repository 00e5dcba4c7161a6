"""parsed.py: an exact pin is looked up by the memo head's version texts, so only the
matching releases become `Version`s (issue 15, item 3)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from packaging.version import Version

from wheelfit.index.cache import Store
from wheelfit.index.pagememo import PageMemo
from wheelfit.index.parsed import MemoFiles, public_key
from wheelfit.model import DistFile

TEXTS = ["1", "1.0", "1.0.0", "1.0+cpu", "1.0.0+cu118", "1!1.0", "1.0rc1", "1.0.post1",
         "1.0.dev0", "1.0a1.post2.dev3", "2.0.1", "2.0.10", "0", "0.0", "10.0", "1.0.1"]


@pytest.mark.parametrize(("a", "b"), list(itertools.product(TEXTS, TEXTS)))
def test_equal_keys_mean_equal_public_versions(a: str, b: str) -> None:
    va, vb = Version(a), Version(b)
    same = Version(va.public) == Version(vb.public)
    assert (public_key(str(va)) == public_key(str(vb))) is same


def _unused() -> dict[Version, list[DistFile]]:
    raise AssertionError("the memo should not need the network")


def _memo(tmp_path: Path) -> MemoFiles:
    groups = {Version(t): [DistFile(f"foo-{t}.tar.gz", f"https://f.example/foo-{t}.tar.gz")]
              for t in ("2.0", "1.0+cpu", "1.0", "1.0.1", "0.9")}
    memo = PageMemo(Store(tmp_path, "parsed"))
    assert memo.put("key", groups)
    found = memo.open("key", "https://index.example/simple", _unused)
    assert found is not None
    return found


def test_a_pin_finds_its_local_variants_newest_first(tmp_path: Path) -> None:
    assert _memo(tmp_path).same_public(Version("1")) == [Version("1.0+cpu"), Version("1.0")]


def test_a_pin_with_no_release_finds_none(tmp_path: Path) -> None:
    assert _memo(tmp_path).same_public(Version("1.1")) == []


def test_a_pin_builds_versions_for_its_matches_only(tmp_path: Path) -> None:
    files = _memo(tmp_path)
    files.same_public(Version("2.0"))
    assert files._by_version is None  # no Version was built for every release


def test_counting_the_releases_builds_no_version(tmp_path: Path) -> None:
    files = _memo(tmp_path)
    assert len(files) == 5
    assert files._by_version is None


def test_a_page_just_written_keeps_no_version_objects(tmp_path: Path) -> None:
    memo = PageMemo(Store(tmp_path, "parsed"))
    rows = {Version("1.0"): [("foo-1.0.tar.gz", "https://f.example/foo-1.0.tar.gz", (), None,
                              False, None, None, None, None)]}
    files = memo.put_rows("key", rows, "https://index.example/simple", _unused)
    assert files is not None and files._by_version is None
    assert files[Version("1.0")][0].filename == "foo-1.0.tar.gz"
