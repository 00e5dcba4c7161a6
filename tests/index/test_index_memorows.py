"""memorows.stored_rows: many releases' stored rows through one open of the memo entry."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from packaging.version import Version

from wheelfit.index.cache import Store
from wheelfit.index.memorows import stored_names, stored_rows
from wheelfit.index.pagememo import PageMemo
from wheelfit.index.parsed import MemoFiles
from wheelfit.model import DistFile

VERSIONS = [Version(f"1.{n}") for n in range(6)]
GROUPS = {v: [DistFile(f"foo-{v}.tar.gz", f"https://files.example/foo-{v}.tar.gz"),
              DistFile(f"foo-{v}-py3-none-any.whl", f"https://files.example/foo-{v}.whl")]
          for v in VERSIONS}


def _unused() -> dict[Version, list[DistFile]]:
    raise AssertionError("the memo should not need the network")


def _open(tmp_path: Path,
          fallback: Callable[[], dict[Version, list[DistFile]]] = _unused) -> MemoFiles:
    memo = PageMemo(Store(tmp_path, "parsed"))
    assert memo.put("key", GROUPS)
    files = memo.open("key", "", fallback)
    assert files is not None
    return files


def test_rows_of_every_version_come_through_one_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wheelfit.index.memorows as memorows

    files = _open(tmp_path)
    opens: list[object] = []
    real = memorows.open_entry
    monkeypatch.setattr(memorows, "open_entry", lambda *a: opens.append(a) or real(*a))
    found = list(stored_rows(files, VERSIONS))
    assert len(opens) == 1
    assert [v for v, _ in found] == VERSIONS
    for version, raw in found:
        assert raw is not None
        assert [row[0] for row in json.loads(raw)] == files.filenames(version)


def test_a_version_the_head_does_not_name_has_no_rows(tmp_path: Path) -> None:
    files = _open(tmp_path)
    assert list(stored_rows(files, [Version("9.0"), Version("1.0.0")])) == [
        (Version("9.0"), None), (Version("1.0.0"), None)]


def test_a_damaged_version_has_no_rows_and_the_others_are_read(tmp_path: Path) -> None:
    files = _open(tmp_path, lambda: {})
    path = Store(tmp_path, "parsed").path_for("key")
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF  # inside the last version's chunk
    path.write_bytes(bytes(data))
    found = dict(stored_rows(files, VERSIONS))
    assert found[VERSIONS[-1]] is None
    assert all(found[v] is not None for v in VERSIONS[:-1])


def test_an_entry_that_vanished_has_no_rows(tmp_path: Path) -> None:
    files = _open(tmp_path)
    Store(tmp_path, "parsed").path_for("key").unlink()
    assert dict(stored_rows(files, VERSIONS[:2])) == {VERSIONS[0]: None, VERSIONS[1]: None}


def test_the_entry_is_closed_when_the_caller_stops_early(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wheelfit.index.memorows as memorows

    files = _open(tmp_path)
    handles = []
    real = memorows.open_entry
    monkeypatch.setattr(memorows, "open_entry", lambda *a: handles.append(real(*a)) or handles[-1])
    rows = stored_rows(files, VERSIONS)
    next(rows)
    rows.close()
    assert len(handles) == 1 and handles[0].closed


def test_file_names_of_every_version_are_those_the_page_gives(tmp_path: Path) -> None:
    files = _open(tmp_path)
    found = dict(stored_names(files, VERSIONS))
    assert found == {v: [f.filename for f in GROUPS[v]] for v in VERSIONS}


@pytest.mark.parametrize("chunk", [b"[[1, 2]]", b"not json", b"[[]]"])
def test_rows_that_are_not_names_have_no_names(tmp_path: Path, chunk: bytes) -> None:
    files = PageMemo(Store(tmp_path, "parsed")).put_chunks("key", {VERSIONS[0]: chunk}, "",
                                                           _unused)
    assert files is not None
    assert dict(stored_names(files, VERSIONS[:1])) == {VERSIONS[0]: None}


def test_rows_without_a_needle_are_not_parsed(tmp_path: Path) -> None:
    files = _open(tmp_path)
    found = dict(stored_names(files, VERSIONS[:2], (b"musllinux", b"none-any.")))
    assert found == {v: [f"foo-{v}.tar.gz", f"foo-{v}-py3-none-any.whl"] for v in VERSIONS[:2]}
    assert dict(stored_names(files, VERSIONS[:2], (b"musllinux",))) == {
        VERSIONS[0]: [], VERSIONS[1]: []}


def test_needles_are_looked_for_in_lower_case(tmp_path: Path) -> None:
    memo = PageMemo(Store(tmp_path, "parsed"))
    assert memo.put("key", {Version("1.0"): [DistFile("foo-1.0-py3-none-ANY.whl", "u")]})
    files = memo.open("key", "", _unused)
    assert files is not None
    assert dict(stored_names(files, [Version("1.0")], (b"any.",))) == {
        Version("1.0"): ["foo-1.0-py3-none-ANY.whl"]}


def test_rows_with_an_escape_are_parsed_whatever_the_needles(tmp_path: Path) -> None:
    """`\\u0061ny` is `any` once parsed: text with an escape is not judged by its bytes."""
    memo = PageMemo(Store(tmp_path, "parsed"))
    name = 'foo-1.0-py3-none-any".whl'  # the quote is written escaped
    assert memo.put("key", {Version("1.0"): [DistFile(name, "u")]})
    files = memo.open("key", "", _unused)
    assert files is not None
    assert dict(stored_names(files, [Version("1.0")], (b"musllinux",))) == {
        Version("1.0"): [name]}
