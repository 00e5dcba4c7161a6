"""memoscan.py: a clean page's `files` array read whole gives the memo entry, byte for byte,
that `jsonscan`'s entry-by-entry reading gives.

The reference is `jsonscan` without `memoscan` (the path every page took before it). Each
recorded PyPI page is checked in three layouts (as recorded; as PyPI writes it, compact,
with PEP 714 keys first and PEP 740's provenance; as the loopback server writes it, with
the metadata keys last), and the array must really be read whole (else the check would pass
by never using it).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from page_entries import HEX, PAGE, PROJECT, WHEEL, _entry
from wheelfit.index.parse import jsonscan, memoscan, pages
from wheelfit.index.parse.memochunks import _ROW_JSON, parse_memo_chunks
from wheelfit.index.parse.pagerows import PageVersions
from wheelfit.index.parsed import encode_chunks

JSON = pages.JSON_CONTENT_TYPE
RECORDED = Path(__file__).resolve().parents[2] / "recorded" / "pages"


def _per_entry(body: bytes, page: str, project: str) -> dict[str, bytes] | None:
    """The memo chunks `jsonscan` writes entry by entry."""
    groups = pages.scan_json(body, page, project,
                             jsonscan.Making(jsonscan.json_of_fields, _ROW_JSON))
    if groups is None:
        return None
    return {str(v): ("[" + ",".join(rows) + "]").encode() for v, rows in groups.items()}


def _whole(body: bytes, project: str) -> object:
    """What `memoscan.read` makes of the page's array (None: not read whole)."""
    text = body.decode()
    start = text.index("[", text.index('"files"')) + 1
    return memoscan.read(text, start, PageVersions(project))


def _same(body: bytes, page: str = PAGE, project: str = PROJECT) -> bool:
    chunks = parse_memo_chunks(body, JSON, page, project)
    reference = _per_entry(body, page, project)
    assert chunks is not None and reference is not None
    assert list(map(str, chunks)) == list(reference)
    assert list(chunks.values()) == list(reference.values())
    return encode_chunks(chunks) == encode_chunks(dict(zip(chunks, reference.values(),
                                                           strict=True)))


def _layout(page: dict[str, Any], layout: str) -> bytes:
    files = page["files"]
    if layout == "pypi":  # PEP 714 keys and provenance, keys sorted, compact
        files = [{**f, "core-metadata": {"sha256": HEX}, "data-dist-info-metadata":
                  {"sha256": HEX}, "provenance": None} if f["filename"].endswith(".whl")
                 else f for f in files]
        return json.dumps({**page, "files": files}, sort_keys=True,
                          separators=(",", ":")).encode()
    if layout == "loopback":  # the metadata keys after the others
        files = [{**f, "core-metadata": {"sha256": HEX}, "dist-info-metadata": {"sha256": HEX}}
                 if f["filename"].endswith(".whl") else f for f in files]
        return json.dumps({**page, "files": files}).encode()
    return json.dumps(page).encode()


def _recorded() -> list[Path]:
    return sorted(RECORDED.glob("*.json.gz"))


@pytest.mark.parametrize("layout", ["recorded", "pypi", "loopback"])
@pytest.mark.parametrize("path", _recorded(), ids=lambda p: p.name)
def test_a_recorded_page_is_read_whole_into_the_same_memo(path: Path, layout: str) -> None:
    page = json.loads(gzip.decompress(path.read_bytes()))
    body = _layout(page, layout)
    if not page["files"] or not memoscan.clean(body):
        pytest.skip("no files, or escapes: read entry by entry")
    project = page["name"]
    assert _whole(body, project) is not None
    assert _same(body, f"https://pypi.org/simple/{project}/", project)


def _page(files: list[object]) -> bytes:
    return json.dumps({"meta": {"api-version": "1.1"}, "name": PROJECT, "files": files},
                      sort_keys=True).encode()


def _wheel(name: str, **fields: object) -> dict[str, object]:
    defaults: dict[str, object] = {"size": 1, "requires_python": None, "upload_time": None,
                                   "yanked": False}
    return _entry(filename=name, url=f"https://files.example/{name}", **{**defaults, **fields})


def test_a_version_is_grouped_where_its_first_project_file_is() -> None:
    # 1.0's first wheel has a tag set that does not parse: 2.0 comes first in the memo.
    body = _page([_wheel("foo_bar-1.0-py3-none-.whl"), _wheel("foo_bar-2.0-py3-none-any.whl"),
                  _wheel("foo_bar-1.0-py3-none-any.whl"), _wheel("foo_bar-1.0.tar.gz"),
                  _wheel("other-1.0-py3-none-any.whl"), _wheel("foo_bar-1.0.0.zip")])
    assert _whole(body, PROJECT) is not None
    chunks = parse_memo_chunks(body, JSON, PAGE, PROJECT)
    assert chunks is not None and list(map(str, chunks)) == ["2.0", "1.0"]
    assert _same(body)


@pytest.mark.parametrize("fields", [
    {"requires_python": " >=3.8 "}, {"requires_python": ""}, {"upload_time": " 2024 "},
    {"upload_time": ""}, {"yanked": " gone "}, {"yanked": ""}, {"yanked": True},
    {"hashes": {}}, {"core_metadata": True}, {"core_metadata": {}},
    {"dist_info_metadata": {"sha256": HEX}}, {"core_metadata": False, "dist_info_metadata": True},
], ids=str)
def test_texts_jsonscan_leaves_to_its_careful_reader_are_written_as_it_writes_them(
        fields: dict[str, object]) -> None:
    body = _page([_wheel(WHEEL), _wheel("foo_bar-1.1-py3-none-any.whl", **fields)])
    assert _whole(body, PROJECT) is not None
    assert _same(body)


@pytest.mark.parametrize("odd", [
    {"hashes": {"md5": "cd" * 16, "sha256": HEX}}, {"hashes": {"sha256": HEX.upper()}},
    {"url": f"https://files.example/a b/{WHEEL}"}, {"url": f"https://files.example/{WHEEL}#x"},
    {"url": f"https://u:p@files.example/{WHEEL}"}, {"size": -1}, {"x-extra": 1},
    {"url": f"../{WHEEL}"},
], ids=str)
def test_an_entry_of_another_shape_leaves_the_array_to_jsonscan(odd: dict[str, object]) -> None:
    body = _page([_wheel(WHEEL), {**_wheel("foo_bar-1.1-py3-none-any.whl"), **odd}])
    assert memoscan.clean(body)
    assert _whole(body, PROJECT) is None
    chunks = parse_memo_chunks(body, JSON, PAGE, PROJECT)  # as before: by `jsonscan`
    if "u:p@" in body.decode():
        assert chunks is None
    else:
        assert (chunks and {str(v): c for v, c in chunks.items()}) == _per_entry(
            body, PAGE, PROJECT)


def test_a_metadata_key_twice_leaves_the_array_to_jsonscan() -> None:
    text = _page([_wheel(WHEEL, core_metadata=True)]).decode()
    body = text.replace('"yanked": false}', '"yanked": false, "core-metadata": false}').encode()
    assert _whole(body, PROJECT) is None
    chunks = parse_memo_chunks(body, JSON, PAGE, PROJECT)
    assert chunks is not None and b'"[]]' not in b"".join(chunks.values())  # the last wins


@pytest.mark.parametrize("text", ['a \\"quoted\\" reason', "d\u00e9faut", "tab\there", "del\x7f"])
def test_a_page_with_an_escape_or_a_byte_outside_printable_ascii_is_not_clean(text: str) -> None:
    body = _page([_wheel(WHEEL, yanked=text)]) if "\\" not in text else \
        _page([_wheel(WHEEL, yanked="x")]).replace(b'"x"', f'"{text}"'.encode())
    assert not memoscan.clean(body)
    assert memoscan.clean(_page([_wheel(WHEEL)]) + b"\n")


def test_entries_after_the_array_leave_it_to_jsonscan() -> None:
    # an entry-shaped object in another member: the split would read it as one of the files
    entry = json.dumps(_wheel(WHEEL), sort_keys=True)
    body = f'{{"files": [{entry}], "x": [{entry}], "name": "foo-bar"}}'.encode()
    assert _whole(body, PROJECT) is None
    assert parse_memo_chunks(body, JSON, PAGE, PROJECT) is not None
