"""The parse helper as a queue (index/parseproc.py): a page waiting for the helper holds no
index thread, pages someone waits for go first, and a helper that dies mid-page leaves the
page to be parsed in the run's own process, with the page's own errors."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from index_builders import publish
from index_server import IndexServer
from wheelfit.errors import IndexResponseError
from wheelfit.index.ahead import AHEAD_PAGES, AheadSlots
from wheelfit.index.client import IndexClient
from wheelfit.index.parseproc import MIN_BODY_BYTES, ParseHelper

VERSIONS = [f"1.{n}" for n in range(400)]  # a page well over MIN_BODY_BYTES
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def _big_project(server: IndexServer, name: str = "big") -> str:
    files = {f"{name}-{v}-py3-none-any.whl": v.encode() for v in VERSIONS}
    files.update({f"{name}-{v}.tar.gz": v.encode() for v in VERSIONS})
    return publish(server, name, files)


def _fake_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """Start `body` (Python) as the helper process instead of the real one."""
    script = tmp_path / "helper.py"
    script.write_text(f"#!{sys.executable}\nimport os, sys, json, struct\n{body}\n")
    script.chmod(0o755)
    monkeypatch.setattr("sys.executable", str(script))


def _wait_for(seen: object, what: str) -> None:
    """Poll until `seen()` holds; the bound only stops a broken build from hanging."""
    deadline = time.monotonic() + 60
    while not seen():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _files(client: IndexClient, name: str = "big") -> dict[str, list[str]]:
    page = client.project(name)
    assert page is not None
    return {str(v): sorted(f.filename for f in page.groups[v]) for v in page.groups}


def test_a_page_waiting_for_the_helper_holds_no_index_thread(
        server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = _big_project(server)
    publish(server, "small", {"small-1.0-py3-none-any.whl": b"x"})
    # A helper that takes every body and never answers: the big page waits for it for ever.
    _fake_helper(tmp_path, monkeypatch, "sys.stdin.buffer.read()")
    with IndexClient([url], cache_dir=tmp_path / "c", max_workers=1) as client:
        client.prefetch(["big", "small"])  # one index thread: big's job, then small's
        _wait_for(lambda: server.hits_for("/simple/small/"),
                  "the only index thread is still holding the big page")
        big = client._jobs.future(("page", "big"))
        assert big is not None
        assert not big.done()  # still with the helper, yet the next job ran


def test_pages_someone_waits_for_go_to_the_helper_first(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    go, log = tmp_path / "go", tmp_path / "order"
    # Reads a frame, waits for `go`, logs its key and answers "not written".
    _fake_helper(tmp_path, monkeypatch, f"""
import time
src, out = sys.stdin.buffer, sys.stdout.buffer
while head := src.read(4):
    header = json.loads(src.read(struct.unpack(">I", head)[0]))
    src.read(struct.unpack(">Q", src.read(8))[0])
    while not os.path.exists({str(go)!r}):
        time.sleep(0.01)
    with open({str(log)!r}, "a") as f:
        f.write(header["key"] + "\\n")
    out.write(b"0"); out.flush()
""")
    helper = ParseHelper(min_body_bytes=1)
    try:
        done = {key: helper.submit(tmp_path, key, b"x", JSON_TYPE, "u", "p", tag=key)
                for key in ("a", "b", "c", "d")}
        helper.hurry("d")  # c and d at least wait: at most IN_FLIGHT frames are written
        go.touch()
        assert all(f is not None and f.result(timeout=60) is False for f in done.values())
    finally:
        helper.close()
    order = log.read_text().split()
    assert sorted(order) == ["a", "b", "c", "d"]
    assert order.index("d") < order.index("c")  # queued after c, sent before it


@pytest.mark.parametrize("ahead", [False, True], ids=["asked", "fetched-ahead"])
def test_a_helper_that_dies_mid_page_leaves_the_page_to_this_process(
        server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        ahead: bool) -> None:
    url = _big_project(server)
    with IndexClient([url], no_cache=True) as here:
        expected = _files(here)
    _fake_helper(tmp_path, monkeypatch, "sys.stdin.buffer.read(1000); os._exit(3)")
    with IndexClient([url], cache_dir=tmp_path / "c") as client:
        if ahead:
            client.prefetch(["big"])
        assert _files(client) == expected


@pytest.mark.parametrize("ahead", [False, True], ids=["asked", "fetched-ahead"])
def test_a_page_the_dead_helper_had_raises_its_own_error(
        server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        ahead: bool) -> None:
    body = json.dumps({"meta": {"api-version": "1.1"}, "name": "big",
                       "files": "x" * MIN_BODY_BYTES}).encode()
    server.route("/simple/big/", body, content_type=JSON_TYPE)
    _fake_helper(tmp_path, monkeypatch, "sys.stdin.buffer.read(1000); os._exit(3)")
    with IndexClient([server.url("/simple")], cache_dir=tmp_path / "c", retries=0) as client:
        if ahead:
            client.prefetch(["big"])
        with pytest.raises(IndexResponseError, match="big"):
            client.project("big")


def test_pages_fetched_ahead_give_the_files_parsing_here_gives(
        server: IndexServer, tmp_path: Path) -> None:
    url = _big_project(server)
    _big_project(server, "other")
    with IndexClient([url], no_cache=True) as here:
        expected = {name: _files(here, name) for name in ("big", "other")}
    with IndexClient([url], cache_dir=tmp_path / "c") as client:
        client.prefetch(["big", "other"])
        got = {name: _files(client, name) for name in ("big", "other")}
        helper = client._pages._helper  # white box: the helper did the work
        assert helper is not None and helper._proc is not None
    assert got == expected


def test_pages_past_the_ahead_slots_wait_for_one_and_then_come(
        server: IndexServer, tmp_path: Path) -> None:
    names = [f"p{n}" for n in range(AHEAD_PAGES + 4)]
    url = ""
    for name in names:
        url = _big_project(server, name)
    with IndexClient([url], no_cache=True) as here:
        expected = {name: _files(here, name) for name in names}
    with IndexClient([url], cache_dir=tmp_path / "c") as client:
        client.prefetch(names)
        # nobody asks: the parked pages are fetched as earlier ones settle
        _wait_for(lambda: all(server.hits_for(f"/simple/{n}/") for n in names),
                  "a parked page was never fetched")
        got = {name: _files(client, name) for name in names}
    assert got == expected


def test_the_slots_park_pages_in_order() -> None:
    slots = AheadSlots(2)
    assert [slots.take(n) for n in ("a", "b", "c", "d")] == [True, True, False, False]
    assert slots.spare() is None  # no slot free
    assert slots.give_back() == "c"  # its slot goes to the first parked page
    assert slots.take("c")
    assert slots.give_back() == "d"
    assert slots.give_back() is None
    assert slots.spare() is None  # nothing parked
