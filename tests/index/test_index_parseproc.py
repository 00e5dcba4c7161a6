"""New pages parsed by the helper process (index/parseproc.py): the same files as parsing in
the run's own process, the same errors, and the run goes on when the helper is missing."""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import pytest

from index_builders import publish, sha256
from index_server import IndexServer
from wheelfit.errors import IndexResponseError
from wheelfit.index.client import IndexClient
from wheelfit.index.parseproc import MIN_BODY_BYTES, ParseHelper, serve

VERSIONS = [f"1.{n}" for n in range(400)]  # a page well over MIN_BODY_BYTES


def _big_project(server: IndexServer) -> str:
    files = {f"big-{v}-py3-none-any.whl": v.encode() for v in VERSIONS}
    files.update({f"big-{v}.tar.gz": v.encode() for v in VERSIONS})
    return publish(server, "big", files)


def _files(client: IndexClient) -> dict[str, list[str]]:
    page = client.project("big")
    assert page is not None
    return {str(v): sorted(f.filename for f in page.groups[v]) for v in page.groups}


def test_the_helper_gives_the_files_parsing_here_gives(server: IndexServer,
                                                       tmp_path: Path) -> None:
    url = _big_project(server)
    with IndexClient([url], no_cache=True) as here:
        expected = _files(here)
    with IndexClient([url], cache_dir=tmp_path / "c") as client:
        got = _files(client)
        helper = client._pages._helper  # white box: the helper did the work
        assert helper is not None and helper._proc is not None
    assert got == expected and len(got) == len(VERSIONS)
    with IndexClient([url], cache_dir=tmp_path / "c", offline=True) as again:
        assert _files(again) == expected  # the memo the helper wrote serves the next run


def test_without_a_helper_the_page_is_parsed_here(server: IndexServer, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    url = _big_project(server)
    monkeypatch.setattr("sys.executable", str(tmp_path / "no-such-python"))
    with IndexClient([url], cache_dir=tmp_path / "c") as client:
        assert len(_files(client)) == len(VERSIONS)


def test_a_page_the_helper_cannot_parse_raises_its_own_error(server: IndexServer,
                                                             tmp_path: Path) -> None:
    body = b'{"meta": {"api-version": "1.1"}, "name": "big", "files": "' + b"x" * MIN_BODY_BYTES
    server.route("/simple/big/", body,
                 content_type="application/vnd.pypi.simple.v1+json")
    with IndexClient([server.url("/simple")], cache_dir=tmp_path / "c", retries=0) as client, \
            pytest.raises(IndexResponseError):
        client.project("big")


def test_serve_answers_one_byte_per_frame(tmp_path: Path) -> None:
    entries = [{"filename": f"big-{v}-py3-none-any.whl", "url": f"https://x.invalid/{v}.whl",
                "hashes": {"sha256": sha256(v.encode())}} for v in VERSIONS[:3]]
    body = json.dumps({"meta": {"api-version": "1.1"}, "name": "big",
                       "files": entries}).encode()
    frames = io.BytesIO()
    for key, payload in (("good", body), ("bad", b"not json")):
        header = json.dumps({"root": str(tmp_path), "key": key, "url": "https://x.invalid/",
                             "type": "application/vnd.pypi.simple.v1+json",
                             "project": "big"}).encode()
        frames.write(struct.pack(">I", len(header)) + header)
        frames.write(struct.pack(">Q", len(payload)) + payload)
    out = io.BytesIO()
    serve(io.BytesIO(frames.getvalue()), out)
    assert out.getvalue() == b"10"
    assert len(list((tmp_path / "pages").rglob("*"))) == 2  # one folder, one entry


def test_small_bodies_stay_here(tmp_path: Path) -> None:
    helper = ParseHelper()
    assert not helper.memoise(tmp_path, "k", b"{}", "application/json", "u", "p")
    assert helper._proc is None
    helper.close()


def test_the_switch_keeps_parsing_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHEELFIT_NO_PARSE_HELPER", "1")
    helper = ParseHelper()
    assert not helper.memoise(tmp_path, "k", b" " * MIN_BODY_BYTES, "application/json", "u", "p")
    assert helper._proc is None


def test_the_helper_starts_with_the_first_page_asked_of_the_network(server: IndexServer,
                                                                      tmp_path: Path) -> None:
    url = publish(server, "small", {"small-1.0-py3-none-any.whl": b"x"})  # far below the cap
    with IndexClient([url], cache_dir=tmp_path / "c") as client:
        assert client.project("small") is not None
        helper = client._pages._helper  # white box: started though this body stayed here
        assert helper is not None and helper._proc is not None


def test_a_run_the_cache_answers_starts_no_helper(server: IndexServer, tmp_path: Path) -> None:
    url = publish(server, "small", {"small-1.0-py3-none-any.whl": b"x"})
    with IndexClient([url], cache_dir=tmp_path / "c") as client:
        client.project("small")
    with IndexClient([url], cache_dir=tmp_path / "c", offline=True) as again:
        assert again.project("small") is not None
        helper = again._pages._helper
        assert helper is None or helper._proc is None
