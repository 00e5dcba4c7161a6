"""pagefetch.py: a new JSON page parsed in the run's own process goes to the memo as JSON
text (`memochunks.parse_memo_chunks`), with the same files as the rows path, and falls back
to the rows path when the memo cannot be written that way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index_builders import publish, wheel_name
from index_server import IndexServer
from wheelfit.index.client import IndexClient
from wheelfit.index.pagememo import PageMemo
from wheelfit.index.parsed import MemoFiles

FILES = {wheel_name("foo", v): b"w" for v in ("1.0", "1.1", "2.0")} | {"foo-2.0.tar.gz": b"s"}


def _files(client: IndexClient) -> dict[str, list[str]]:
    page = client.project("foo")
    assert page is not None
    return {str(v): [f.filename for f in page.groups[v]] for v in page.groups}


def _refuse(*_args: object) -> None:
    raise AssertionError("the rows path was taken")


def test_a_small_page_is_memoised_from_its_text(
    server: IndexServer, tmp_path: Path, clients: list[IndexClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = publish(server, "foo", FILES)
    clients.append(IndexClient([index], no_cache=True))
    expected = _files(clients[-1])
    monkeypatch.setattr(PageMemo, "put_rows", _refuse)
    clients.append(IndexClient([index], cache_dir=tmp_path))
    page = clients[-1].project("foo")
    assert page is not None and isinstance(page.groups, MemoFiles)
    assert _files(clients[-1]) == expected
    clients.append(IndexClient([index], cache_dir=tmp_path, offline=True))
    assert _files(clients[-1]) == expected  # the entry serves the next run


def test_a_memo_the_disk_refuses_falls_back_to_rows(
    server: IndexServer, tmp_path: Path, clients: list[IndexClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = publish(server, "foo", FILES)
    clients.append(IndexClient([index], no_cache=True))
    expected = _files(clients[-1])
    monkeypatch.setattr(PageMemo, "put_chunks", lambda *_args: None)
    clients.append(IndexClient([index], cache_dir=tmp_path))
    assert _files(clients[-1]) == expected


def test_a_page_with_credentials_in_a_url_takes_the_rows_path(
    server: IndexServer, tmp_path: Path, clients: list[IndexClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wheel = wheel_name("foo", "1.0")
    files = [{"filename": wheel, "url": f"{server.url('/f/')}{wheel}", "hashes": {}},
             {"filename": "foo-1.0.tar.gz", "url": "http://u:p@127.0.0.1:1/foo-1.0.tar.gz",
              "hashes": {}}]
    body = json.dumps({"meta": {"api-version": "1.1"}, "name": "foo", "files": files})
    server.route("/simple/foo/", body.encode(),
                 content_type="application/vnd.pypi.simple.v1+json")
    monkeypatch.setattr(PageMemo, "put_chunks", _refuse)
    clients.append(IndexClient([server.url("/simple")], cache_dir=tmp_path))
    assert _files(clients[-1]) == {"1.0": [wheel, "foo-1.0.tar.gz"]}
