"""pagerows.py: the fast path of page parsing gives what the careful path gives.

Every unusual entry shape must come out as the careful path (`pages._json_file`) makes it:
the same `DistFile`, the same drop, or the same error message. File names must be judged
as `is_project_file` and `filenames.group_files` judge them, and the memo written from rows
must be the memo written from `DistFile`s.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.version import Version

from index_builders import json_page
from page_entries import ENTRIES, HEX, PAGE, PROJECT, WHEEL, _entry
from wheelfit.compat.filenames import group_files, is_project_file
from wheelfit.errors import IndexResponseError
from wheelfit.index.cache import Store
from wheelfit.index.pagememo import PageMemo
from wheelfit.index.parse import pages
from wheelfit.index.parse.pagerows import PageVersions, dist_groups, row_of
from wheelfit.index.parsed import encode, encode_rows
from wheelfit.model import DistFile


def _careful(entry: object) -> tuple[DistFile, ...] | str:
    """The careful path alone: its file (or none), or its error message."""
    try:
        dist = pages._json_file(entry, 0, PAGE, PROJECT)
    except IndexResponseError as exc:
        return exc.message
    return () if dist is None else (dist,)


def _fast(entry: object) -> tuple[DistFile, ...] | str:
    try:
        return pages.parse_json_page(json_page(PROJECT, [entry]), PAGE, PROJECT)  # type: ignore[list-item]
    except IndexResponseError as exc:
        return exc.message


@pytest.mark.parametrize("entry", list(ENTRIES.values()), ids=list(ENTRIES))
def test_an_entry_parses_as_the_careful_path_parses_it(entry: object) -> None:
    # Through JSON, as a page would carry it.
    entry = json.loads(json.dumps(entry))
    assert _fast(entry) == _careful(entry)


@pytest.mark.parametrize("page_url", ["file:///srv/simple/foo-bar/", "relative/foo-bar/"])
def test_a_page_that_is_not_on_the_web_takes_the_careful_path(page_url: str) -> None:
    entry = _entry()
    dist = pages._json_file(entry, 0, page_url, PROJECT)
    assert pages.parse_json_page(json_page(PROJECT, [entry]), page_url, PROJECT) == (
        (dist,) if dist else ())


FILENAMES = [
    WHEEL, "foo_bar-1.0-1-py3-none-any.whl", "foo_bar-1.0-1abc-py3-none-any.whl",
    "Foo.Bar-1.0-py3-none-any.whl", "foo__bar-1.0-py3-none-any.whl",
    "foo_bar-1.0-py3-none-any.WHL", "foo_bar-1.0-py3-none.whl", "foo_bar-1.0-py3-none-any-x-y.whl",
    "foo_bar-1.0-a-b-py3-none-any.whl", "foo_bar--py3-none-any.whl", "-1.0-py3-none-any.whl",
    "foo_bar-1.0--py3-none-any.whl", "foo_bar-1.0-py3.py2-none-any.whl",
    "foo_bar-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "foo_bar-1.0-py3--any.whl", "foo_bar-v1.0-py3-none-any.whl", "foo_bar-1.0.0-py3-none-any.whl",
    "foo_bar-1.0.tar.gz", "foo-bar-1.0.tar.gz", "foo_bar-1.0.zip", "Foo.Bar-1.0.tar.gz",
    "foo_bar-1.0.TAR.GZ", "foo_bar-1.0.tar.bz2", "foo_bar-1.0.tgz", "foo_bar-1.0.tar",
    "foo-bar-baz-1.0.tar.gz", "foo_bar-1.0-2.tar.gz", "foo_bar-banana.tar.gz", "foo_bar.tar.gz",
    "-1.0.tar.gz", "foo_bar-1.0.exe", "foo_bar-1.0.egg", "other-1.0.tar.gz",
]


@pytest.mark.parametrize("filename", FILENAMES)
def test_page_versions_judge_a_name_as_is_project_file_and_group_files(filename: str) -> None:
    file = DistFile(filename, f"https://files.example/{filename}")
    groups = group_files((file,), PROJECT)
    expected = next(iter(groups), None)
    project_file, version = PageVersions(PROJECT)(filename)
    assert project_file == is_project_file(filename, PROJECT)
    if project_file:
        assert version == expected
        assert str(version) == str(expected)


@pytest.mark.parametrize("order", [1, -1], ids=["in order", "reversed"])
def test_page_versions_judge_the_same_with_what_they_remember(order: int) -> None:
    # One judge for the whole page shares a Version between a release's wheels and sdists
    # and remembers name parts: each answer must be a fresh judge's answer.
    names = [*FILENAMES, "foo-bar-1.0.zip", "foo_bar-1.0.0.tar.gz", "Foo_Bar-1.0.tar.gz",
             "foo_bar-01.0.tar.gz", "foo_bar-v1.0.tar.gz", "foo_bar-1.0-2.tar.gz"]
    judge = PageVersions(PROJECT)
    for name in names[::order]:
        fresh = PageVersions(PROJECT)(name)
        remembered = judge(name)
        assert remembered == fresh and str(remembered[1]) == str(fresh[1]), name


def test_grouped_rows_are_the_grouped_files_and_the_same_memo() -> None:
    names = [n for n in FILENAMES if is_project_file(n, PROJECT)] + [
        "foo_bar-1.0.0-py3-none-any.whl", "foo_bar-1-py3-none-any.whl",  # 1.0 == 1.0.0 == 1
    ]
    entries = [_entry(filename=n, url=f"https://files.example/{i}/{n}",
                      yanked="Ünïcode reason" if i % 3 == 0 else False,
                      requires_python=">=3.8" if i % 2 else None)
               for i, n in enumerate(names)]
    body = json_page(PROJECT, entries)
    expected = group_files(pages.parse_json_page(body, PAGE, PROJECT), PROJECT)
    for content_type in (pages.JSON_CONTENT_TYPE,):
        rows = pages.parse_grouped(body, content_type, PAGE, PROJECT)
        assert dist_groups(rows) == expected
        assert [str(v) for v in rows] == [str(v) for v in expected]
        assert encode_rows(rows) == encode(expected)


def test_grouped_html_page_matches_group_files() -> None:
    links = "".join(f'<a href="https://files.example/{n}#sha256={HEX}">{n}</a>'
                    for n in FILENAMES)
    body = f"<html><title>Links for foo-bar</title><body>{links}</body></html>".encode()
    expected = group_files(pages.parse_page(body, "text/html", PAGE, PROJECT), PROJECT)
    rows = pages.parse_grouped(body, "text/html", PAGE, PROJECT)
    assert dist_groups(rows) == expected
    assert encode_rows(rows) == encode(expected)


def test_own_sees_every_url_with_an_at_sign_in_page_order() -> None:
    # The second is a project file that `group_files` cannot place: own sees it all the same.
    names = ["foo_bar-2.0-py3-none-any.whl", "foo_bar-1.0-2.tar.gz", "foo_bar-1.0.tar.gz"]
    entries = [_entry(filename=n, url=f"https://u{i}:p@files.example/{n}")
               for i, n in enumerate(names)]
    seen: list[str] = []

    def own(row: tuple[object, ...]) -> object:
        seen.append(str(row[1]))
        return (row[0], str(row[1]).replace(f"u{len(seen) - 1}:p@", ""), *row[2:])

    rows = pages.parse_grouped(json_page(PROJECT, entries), pages.JSON_CONTENT_TYPE, PAGE,
                               PROJECT, own)  # type: ignore[arg-type]
    assert seen == [e["url"] for e in entries]
    assert [r[1] for group in rows.values() for r in group] == [
        f"https://files.example/{n}" for n in (names[0], names[2])]


def test_put_rows_answers_as_open_would(tmp_path: Path) -> None:
    memo = PageMemo(Store(tmp_path, "parsed"))
    groups = {Version("1.0"): [DistFile(WHEEL, f"https://files.example/{WHEEL}", size=3)],
              Version("2.0"): [DistFile("foo_bar-2.0.tar.gz", "https://files.example/x",
                                        yanked=True, yanked_reason="é")]}
    rows = {v: [row_of(f) for f in files] for v, files in groups.items()}
    written = memo.put_rows("key", rows, "https://index.example/simple", dict)
    opened = memo.open("key", "https://index.example/simple", dict)
    assert written is not None and opened is not None
    assert list(written) == list(opened) == list(groups)
    assert {v: written[v] for v in written} == {v: opened[v] for v in opened} == dist_groups(
        rows, "https://index.example/simple")


def test_store_put_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = Store(tmp_path, "parsed")
    assert store.put("a", b"payload") and store.put("a", b"again")
    assert store.get("a") == b"again"
    assert [p.name for p in store.path_for("a").parent.iterdir()] == [store.path_for("a").name]


def test_store_put_failing_to_move_costs_only_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path, "parsed")

    def refuse(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", refuse)
    assert store.put("a", b"payload") is False
    assert store.get("a") is None
    assert list(store.path_for("a").parent.iterdir()) == []
