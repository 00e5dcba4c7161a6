"""pagememo.py: a project page's answer and parsed files as one cache entry (format 3): read
through one open, written again with a 304's answer, older caches ignored and still cleared."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from index_builders import publish, wheel_name
from index_server import IndexServer
from wheelfit.index.cache import PageMeta, Store, cache_clear, cache_info
from wheelfit.index.client import IndexClient
from wheelfit.index.pagememo import PageMemo, page_key
from wheelfit.index.parsed import encode
from wheelfit.model import DistFile

V1, V2 = Version("1.0"), Version("2.0")
GROUPS = {V1: [DistFile("foo-1.0.tar.gz", "https://files.example/foo-1.0.tar.gz")],
          V2: [DistFile("foo-2.0-py3-none-any.whl", "https://files.example/foo-2.0.whl")]}
ANSWER = PageMeta("https://i.example/simple/foo/", 200, {"etag": '"a"'}, 100.0, 600.0)


def _unused() -> dict[Version, list[DistFile]]:
    raise AssertionError("the entry should not need the network")


def _names(files: Mapping[Version, list[DistFile]]) -> dict[str, list[str]]:
    return {str(v): [f.filename for f in fs] for v, fs in files.items()}


def test_the_answer_and_the_files_come_from_one_entry(tmp_path: Path) -> None:
    memo = PageMemo(Store(tmp_path, "pages"))
    assert memo.put("k", GROUPS, ANSWER)
    found = memo.load("k", "", _unused)
    assert found is not None
    assert found[0] == ANSWER and _names(found[1]) == _names(GROUPS)
    assert len(list((tmp_path / "pages").rglob("*"))) == 2  # one folder, one file


def test_an_answer_without_files_is_an_empty_page(tmp_path: Path) -> None:
    memo = PageMemo(Store(tmp_path, "pages"))
    gone = PageMeta("https://i.example/simple/nope/", 404, {}, 100.0, 600.0)
    assert memo.put_answer("k", gone)
    found = memo.load("k", "", _unused)
    assert found is not None and found[0] == gone and len(found[1]) == 0


def test_an_entry_without_an_answer_does_not_load(tmp_path: Path) -> None:
    memo = PageMemo(Store(tmp_path, "pages"))
    assert memo.put("k", GROUPS)
    assert memo.load("k", "", _unused) is None
    assert memo.open("k", "", _unused) is not None


def test_renewing_keeps_the_files_at_their_new_places(tmp_path: Path) -> None:
    memo = PageMemo(Store(tmp_path, "pages"))
    assert memo.put("k", GROUPS, PageMeta("u", 200, {}, 1.0, 0.0))
    renewed = memo.renew("k", ANSWER, "", _unused)  # a longer head: the rows move
    assert renewed is not None and _names(renewed) == _names(GROUPS)
    found = memo.load("k", "", _unused)
    assert found is not None and found[0] == ANSWER and _names(found[1]) == _names(GROUPS)


def test_a_reader_of_the_old_entry_reads_the_renewed_one(tmp_path: Path) -> None:
    memo = PageMemo(Store(tmp_path, "pages"))
    before = memo.put_rows("k", {v: [(f.filename, f.url, (), None, False, None, None, None,
                                      None) for f in fs] for v, fs in GROUPS.items()},
                           "", _unused, ANSWER)
    later = PageMeta(ANSWER.url, 200, {"etag": '"b"'}, 1765162800.123456, 0.0)
    assert memo.renew("k", later, "", _unused) is not None
    assert before is not None and _names(before) == _names(GROUPS)  # no fallback: same places


def test_an_entry_of_the_older_format_reads_as_missing(tmp_path: Path) -> None:
    store = Store(tmp_path, "pages")
    assert store.put("k", b"WFP2" + encode(GROUPS)[4:])  # the memo head of format 2
    assert PageMemo(store).open("k", "", _unused) is None
    assert "page/3\n" in page_key("https://i.example/simple/foo/", "a")


def test_an_older_caches_parsed_entries_are_counted_and_cleared(tmp_path: Path) -> None:
    assert Store(tmp_path, "parsed").put("old", b"x" * 10)
    assert cache_info(tmp_path)[1] == 1
    assert cache_clear(tmp_path)[0] == 1 and not (tmp_path / "parsed").exists()


def test_a_stale_page_answered_304_keeps_its_files_and_its_one_entry(
    server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {wheel_name("foo", "1.0"): b"w"}, etag='"v1"',
                    page_headers={"Cache-Control": "max-age=0"})
    with IndexClient([index], cache_dir=tmp_path) as first:
        cold = first.project("foo")
        with IndexClient([index], cache_dir=tmp_path) as second:
            again = second.project("foo")  # a 304: the entry is written again
        # the first run reads its rows after that, from where its head said they were
        assert cold is not None and again is not None and again.files == cold.files
    hits = server.hits_for("/simple/foo/")
    assert len(hits) == 2 and hits[1].headers.get("if-none-match") == '"v1"'
    assert len([p for p in (tmp_path / "pages").rglob("*") if p.is_file()]) == 1


def test_a_run_on_an_empty_cache_looks_no_page_up_first(
    server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = publish(server, "foo", {wheel_name("foo", "1.0"): b"w"})
    looked: list[str] = []
    load = PageMemo.load

    def counted(self: PageMemo, key: str, *args: Any) -> Any:
        looked.append(key)
        return load(self, key, *args)

    monkeypatch.setattr(PageMemo, "load", counted)
    with IndexClient([index], cache_dir=tmp_path) as first:
        assert first.project("foo") is not None
    assert looked == [] and len(server.hits_for("/simple/foo/")) == 1
    with IndexClient([index], cache_dir=tmp_path) as second:
        assert second.project("foo") is not None
    assert looked and len(server.hits_for("/simple/foo/")) == 1  # the entry answered
