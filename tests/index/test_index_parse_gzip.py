"""A gzip'd page goes to the parse helper as the index sent it (index/parseproc.py): the helper
inflates it under the page cap; the files, the stored entry and the errors are those of a
run that inflates and parses the page in its own process."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import logging
import struct
from pathlib import Path

import pytest

from index_builders import publish, sha256
from index_server import IndexServer
from wheelfit.errors import IndexResponseError
from wheelfit.index.cache import Store
from wheelfit.index.client import IndexClient
from wheelfit.index.limits import DEFAULT_LIMITS
from wheelfit.index.pagememo import PageMemo
from wheelfit.index.parseproc import serve

VERSIONS = [f"1.{n}" for n in range(400)]
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def _gzip_page(server: IndexServer, body: bytes | None = None) -> str:
    """`big`'s page (or `body`) served gzip'd, as PyPI sends it; the index URL."""
    files = {f"big-{v}-py3-none-any.whl": v.encode() for v in VERSIONS}
    url = publish(server, "big", files)
    page = server.routes["/simple/big/"]
    raw = page.body if body is None else body
    server.route("/simple/big/", gzip.compress(raw, mtime=0), content_type=JSON_TYPE,
                 headers={**page.headers, "Content-Encoding": "gzip"})
    return url


def _files(client: IndexClient) -> dict[str, list[str]]:
    page = client.project("big")
    assert page is not None
    return {str(v): sorted(f.filename for f in page.groups[v]) for v in page.groups}


def _error(client: IndexClient) -> str:
    with pytest.raises(IndexResponseError) as caught:
        client.project("big")
    return str(caught.value)


def test_a_gzipd_page_is_inflated_by_the_helper(server: IndexServer, tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    url = _gzip_page(server)
    with IndexClient([url], no_cache=True) as here:
        expected = _files(here)
    caplog.set_level(logging.INFO, logger="wheelfit.http")
    with IndexClient([url], cache_dir=tmp_path / "c") as client:
        assert _files(client) == expected and len(expected) == len(VERSIONS)
        helper = client._pages._helper  # white box: the helper did the work
        assert helper is not None and helper._proc is not None
    sent = len(server.routes["/simple/big/"].body)
    assert f"200, {sent} bytes" in caplog.text and "gzip as sent" in caplog.text
    with IndexClient([url], cache_dir=tmp_path / "c", offline=True) as again:
        assert _files(again) == expected


def test_a_gzipd_page_over_the_cap_raises_the_transports_error(server: IndexServer,
                                                                 tmp_path: Path) -> None:
    url = _gzip_page(server)
    cap = len(gzip.decompress(server.routes["/simple/big/"].body)) - 1
    limits = dataclasses.replace(DEFAULT_LIMITS, page_bytes=cap)
    with IndexClient([url], no_cache=True, retries=0, limits=limits) as here:
        expected = _error(here)
    with IndexClient([url], cache_dir=tmp_path / "c", retries=0, limits=limits) as client:
        assert _error(client) == expected
    assert "larger than" in expected


def test_a_damaged_gzip_page_raises_the_transports_error(server: IndexServer,
                                                         tmp_path: Path) -> None:
    url = _gzip_page(server)
    route = server.routes["/simple/big/"]
    route.body = route.body[:10] + b"\xff" * 30 + route.body[40:]  # an invalid block
    with IndexClient([url], no_cache=True, retries=0) as here:
        expected = _error(here)
    with IndexClient([url], cache_dir=tmp_path / "c", retries=0) as client:
        assert _error(client) == expected
    assert "undecodable body (gzip" in expected


def _frame(root: Path, key: str, body: bytes, **more: object) -> bytes:
    header = json.dumps({"root": str(root), "key": key, "url": "https://x.invalid/",
                         "type": JSON_TYPE, "project": "big", **more}).encode()
    return struct.pack(">I", len(header)) + header + struct.pack(">Q", len(body)) + body


def _page_body(url: str = "https://x.invalid/1.whl") -> bytes:
    files = [{"filename": f"big-{v}-py3-none-any.whl", "url": url,
              "hashes": {"sha256": sha256(v.encode())}} for v in VERSIONS[:3]]
    return json.dumps({"meta": {"api-version": "1.1"}, "name": "big", "files": files}).encode()


ANSWER = {"url": "https://x.invalid/", "status": 200, "headers": {"etag": '"e"'},
          "stored_at": 5.0, "lifetime": 600.0}


@pytest.mark.parametrize(("body", "cap", "answer"), [
    (gzip.compress(_page_body()), 10**6, b"1"),
    (gzip.compress(_page_body()), len(_page_body()) - 1, b"0"),  # over the cap
    (gzip.compress(_page_body())[:10] + b"\xff" * 8 + gzip.compress(_page_body())[18:], 10**6,
     b"0"),  # damaged
    (gzip.compress(_page_body("https://u:p@x.invalid/1.whl")), 10**6, b"0"),  # credentials
], ids=["whole", "over the cap", "damaged", "an @"])
def test_the_helper_inflates_under_the_cap(tmp_path: Path, body: bytes, cap: int,
                                           answer: bytes) -> None:
    out = io.BytesIO()
    serve(io.BytesIO(_frame(tmp_path, "k", body, coding="gzip", cap=cap, page=ANSWER)), out)
    assert out.getvalue() == answer
    found = PageMemo(Store(tmp_path, "pages")).load("k", "", dict)
    assert (found is not None) == (answer == b"1")
    if found is not None:
        assert found[0].headers == {"etag": '"e"'} and found[0].lifetime == 600.0
        assert [str(v) for v in found[1]] == VERSIONS[:3]
