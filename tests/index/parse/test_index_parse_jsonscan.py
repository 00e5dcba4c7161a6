"""jsonscan.py: a page read entry by entry gives what `json.loads` and `pagerows` give.

The reference is the decoder path (`pages._json_rows` grouped by `group_rows`): for every
entry shape and page layout, the scan must give the same rows in the same groups, or leave
the page to that path (and so raise the same error). The memo chunks it writes must decode to
those rows. And the common shapes must really be read by the expression (else the scan would
be right only by never being used).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from page_entries import ENTRIES, HEX, PAGE, PROJECT, WHEEL, _entry
from wheelfit.errors import IndexResponseError
from wheelfit.index.parse import jsonscan, pages
from wheelfit.index.parse.memochunks import parse_memo_chunks
from wheelfit.index.parse.pagerows import dist_of, group_rows
from wheelfit.index.parsed import decode_rows, encode_chunks, encode_rows

JSON = pages.JSON_CONTENT_TYPE
RECORDED = Path(__file__).resolve().parents[2] / "recorded" / "pages"


def _reference(body: bytes, page: str = PAGE, project: str = PROJECT) -> object:
    """The decoder path's groups (as text and rows), or its error message."""
    try:
        rows = group_rows(pages._json_rows(body, page, project))
    except IndexResponseError as exc:
        return exc.message
    return [(str(v), group) for v, group in rows.items()]


def _scanned(body: bytes, page: str = PAGE, project: str = PROJECT) -> object:
    try:
        rows = pages.parse_grouped(body, JSON, page, project)
    except IndexResponseError as exc:
        return exc.message
    return [(str(v), group) for v, group in rows.items()]


def _chunks_agree(body: bytes, page: str = PAGE, project: str = PROJECT) -> bool:
    """The memo chunks, when the scan writes them, decode to the reference rows."""
    chunks = parse_memo_chunks(body, JSON, page, project)
    if chunks is None:
        return True
    reference = group_rows(pages._json_rows(body, page, project))
    return [str(v) for v in chunks] == [str(v) for v in reference] and all(
        decode_rows(chunks[v], "i") == [dist_of(r, "i") for r in reference[v]]
        for v in reference)


def _page(files: list[Any], layout: str) -> bytes:
    """A page in one of the layouts indexes write."""
    if layout == "pypi":  # sorted keys, compact
        return json.dumps({"files": files, "meta": {"api-version": "1.1"}, "name": PROJECT},
                          sort_keys=True, separators=(",", ":")).encode()
    if layout == "spaced":  # sorted keys, json.dumps' default separators
        return json.dumps({"files": files, "meta": {"api-version": "1.1"}, "name": PROJECT},
                          sort_keys=True).encode()
    if layout == "indented":
        return json.dumps({"meta": {"api-version": "1.1"}, "name": PROJECT, "files": files},
                          sort_keys=True, indent=2).encode()
    # meta first, files last, keys in the order given (the loopback server's layout)
    return json.dumps({"meta": {"api-version": "1.1"}, "name": PROJECT, "files": files}).encode()


LAYOUTS = ["pypi", "spaced", "indented", "given"]
# Entries as PyPI writes them (PEP 714 keys, PEP 740's provenance) and as others do.
PYPI_ENTRY = _entry(core_metadata={"sha256": HEX}, data_dist_info_metadata={"sha256": HEX},
                    provenance=None, requires_python=">=3.9", size=10,
                    upload_time="2024-01-02T03:04:05.000000Z", yanked=False)
MORE_ENTRIES: dict[str, object] = {
    "pypi": PYPI_ENTRY,
    "provenance url": {**PYPI_ENTRY, "provenance": "https://pypi.org/integrity/x"},
    "metadata last": {**_entry(size=1, requires_python=None, upload_time=None, yanked=False),
                      "core-metadata": {"sha256": HEX}, "dist-info-metadata": True},
    "metadata first and last": {"core-metadata": True, **_entry(size=1, yanked=False)},
    "escaped filename": _entry(filename="foo_bar-1.0-py3-none-any.wh\u006c", size=1,
                               requires_python=None, upload_time=None, yanked=False),
    "unknown key": {**PYPI_ENTRY, "x-extra": [1, {"a": None}]},
    "size with leading zero": PYPI_ENTRY,  # replaced in the text below
    "size huge": {**PYPI_ENTRY, "size": 10 ** 30},
    "yanked reason": {**PYPI_ENTRY, "yanked": "gone"},
    "yanked padded reason": {**PYPI_ENTRY, "yanked": " gone "},
    "yanked empty reason": {**PYPI_ENTRY, "yanked": ""},
    "url with '@'": {**PYPI_ENTRY, "url": f"https://user:pw@files.example/{WHEEL}"},
    "non-ascii reason": {**PYPI_ENTRY, "yanked": "défaut"},
    "upload-time padded": {**PYPI_ENTRY, "upload-time": " 2024 "},
    "requires-python empty": {**PYPI_ENTRY, "requires-python": ""},
    "empty hashes": {**PYPI_ENTRY, "hashes": {}},
    "two hashes": {**PYPI_ENTRY, "hashes": {"md5": "cd" * 16, "sha256": HEX}},
}
ALL_ENTRIES = {**ENTRIES, **MORE_ENTRIES}


def _as_text(entry: object, layout: str, name: str) -> bytes:
    body = _page([_entry(filename="foo_bar-0.9.tar.gz"), entry, PYPI_ENTRY], layout)
    if name == "size with leading zero":
        body = body.replace(b'"size":10', b'"size":010').replace(b'"size": 10', b'"size": 010')
    return body


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", list(ALL_ENTRIES))
def test_an_entry_reads_as_the_decoder_path_reads_it(name: str, layout: str) -> None:
    body = _as_text(json.loads(json.dumps(ALL_ENTRIES[name])), layout, name)
    assert _scanned(body) == _reference(body)
    assert _chunks_agree(body)


PAGES: dict[str, bytes] = {
    "empty files": b'{"files": [], "meta": {"api-version": "1.0"}, "name": "foo-bar"}',
    "no files key": b'{"meta": {"api-version": "1.0"}, "name": "foo-bar"}',
    "files not a list": b'{"files": {}, "name": "foo-bar"}',
    "files twice": _page([PYPI_ENTRY], "pypi")[:-1] + b',"files":[]}',
    "meta twice": _page([PYPI_ENTRY], "pypi")[:-1] + b',"meta":{"api-version":"2.0"}}',
    "api version 2": _page([PYPI_ENTRY], "pypi").replace(b'"1.1"', b'"2.0"'),
    "meta not an object": _page([PYPI_ENTRY], "pypi").replace(b'{"api-version":"1.1"}', b"7"),
    "trailing garbage": _page([PYPI_ENTRY], "pypi") + b" x",
    "trailing whitespace": _page([PYPI_ENTRY], "pypi") + b" \n",
    "leading whitespace": b"\n " + _page([PYPI_ENTRY], "pypi"),
    "byte order mark": b"\xef\xbb\xbf" + _page([PYPI_ENTRY], "pypi"),
    "not utf-8": _page([PYPI_ENTRY], "pypi").replace(b"foo-bar", b"foo-b\xffr"),
    "a list": b"[]",
    "an empty object": b"{}",
    "missing comma": _page([PYPI_ENTRY, PYPI_ENTRY], "pypi").replace(b"},{", b"}{"),
    "trailing comma": _page([PYPI_ENTRY], "pypi").replace(b"}],", b"},],"),
    "unterminated": _page([PYPI_ENTRY], "pypi")[:-30],
    "nested deeply": b'{"files": [], "x": ' + b"[" * 100000 + b"]" * 100000 + b"}",
    "NaN member": b'{"files": [], "x": NaN}',
    "bad entry after good": _page([PYPI_ENTRY, {**PYPI_ENTRY, "size": -1}], "pypi"),
    "an entry not an object": _page([PYPI_ENTRY, 3], "pypi"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_reads_as_the_decoder_path_reads_it(name: str) -> None:
    assert _scanned(PAGES[name]) == _reference(PAGES[name])
    assert _chunks_agree(PAGES[name])


def test_a_page_off_the_web_is_left_to_the_decoder_path() -> None:
    body = _page([PYPI_ENTRY], "pypi")
    assert parse_memo_chunks(body, JSON, "file:///srv/simple/foo-bar/", PROJECT) is None
    assert _scanned(body, "file:///srv/simple/foo-bar/") == _reference(
        body, "file:///srv/simple/foo-bar/")


def test_an_html_page_has_no_memo_chunks() -> None:
    assert parse_memo_chunks(b"<html></html>", "text/html", PAGE, PROJECT) is None


def _no_careful(entry: object, position: int) -> None:
    raise AssertionError(f"entry {position} was not read by the expression: {entry}")


@pytest.mark.parametrize("layout", ["pypi", "spaced", "indented"])
@pytest.mark.parametrize("name", ["pypi", "provenance url", "metadata last", "yanked reason",
                                  "empty hashes", "requires-python empty",
                                  "yanked empty reason"])
def test_common_entries_are_read_by_the_expression(name: str, layout: str) -> None:
    body = _page([MORE_ENTRIES[name], {**PYPI_ENTRY, "filename": "foo_bar-0.9.tar.gz"}], layout)
    scanned = jsonscan.scan(body.decode(), PROJECT, _no_careful, jsonscan.ROWS)
    assert scanned is not None and len(scanned[0]) == 2


def test_the_loopback_servers_entries_are_read_by_the_expression() -> None:
    # keys sorted but the metadata ones, which come last (tests/loopback.py writes them so)
    entry = {"filename": WHEEL, "hashes": {"sha256": HEX}, "requires-python": None,
             "size": 3, "upload-time": None, "url": f"http://127.0.0.1:1/files/{WHEEL}",
             "yanked": False, "core-metadata": {"sha256": HEX}, "dist-info-metadata": True}
    scanned = jsonscan.scan(_page([entry], "given").decode(), PROJECT, _no_careful,
                            jsonscan.ROWS)
    assert scanned is not None and len(scanned[0]) == 1


def test_an_entry_of_another_shape_alone_goes_to_the_careful_reader() -> None:
    body = _page([PYPI_ENTRY, {**PYPI_ENTRY, "x-extra": 1}, PYPI_ENTRY], "pypi")
    seen: list[int] = []

    def careful(entry: object, position: int) -> None:
        seen.append(position)

    assert jsonscan.scan(body.decode(), PROJECT, careful, jsonscan.ROWS) is not None
    assert seen == [1]


def test_a_page_with_credentials_in_a_url_has_no_memo_chunks() -> None:
    body = _page([PYPI_ENTRY, {**PYPI_ENTRY, "url": f"https://u:p@files.example/{WHEEL}"}],
                 "pypi")
    assert parse_memo_chunks(body, JSON, PAGE, PROJECT) is None


def _recorded() -> list[Path]:
    return sorted(RECORDED.glob("*.json.gz"))


@pytest.mark.parametrize("path", _recorded(), ids=lambda p: p.name)
def test_recorded_pages_read_and_memoise_as_the_decoder_path(path: Path) -> None:
    body = gzip.decompress(path.read_bytes())
    project = json.loads(body)["name"]
    page = f"https://pypi.org/simple/{project}/"
    assert _scanned(body, page, project) == _reference(body, page, project)
    chunks = parse_memo_chunks(body, JSON, page, project)
    assert chunks is not None  # PyPI's own pages are read by the expression
    rows = pages.parse_grouped(body, JSON, page, project)
    payload: Callable[[], bytes] = lambda: encode_rows(rows)  # noqa: E731
    assert encode_chunks(chunks) == payload()  # the same memo, byte for byte


def test_long_strings_and_whitespace_read_in_one_pass() -> None:
    # Texts the expression first takes and then gives back (trailing spaces, no closing
    # quote) must not make it retry from every position: a hostile page of a few MB reads in
    # well under a second; the bound here is generous for a loaded machine.
    import time

    spaced = {**PYPI_ENTRY, "requires-python": "x" + " " * 1_000_000 + " "}
    body = _page([spaced] * 4, "pypi") + b" " * 1_000_000
    started = time.monotonic()
    assert _scanned(body) == _reference(body)
    unterminated = b'{"files": [{"filename": "' + b"a" * 2_000_000
    assert _scanned(unterminated) == _reference(unterminated)
    assert time.monotonic() - started < 20
