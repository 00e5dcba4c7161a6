"""An sdist's scan for a named selection (`cache_as`): read once per run, kept by sha256."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from index_builders import metadata, publish, sdist_tar
from index_server import IndexServer, Slow
from wheelfit.errors import OfflineMiss
from wheelfit.index.cache import Store
from wheelfit.index.client import IndexClient
from wheelfit.index.sdistscan import SdistScan, decode_scan, encode_scan, scan_key
from wheelfit.model import DistFile
from wheelfit.pipeline.sdistplan import SdistReads

SDIST = "foo-1.0.tar.gz"
MEMBERS = {"PKG-INFO": b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n",
           "pyproject.toml": b"[build-system]\nrequires = ['setuptools', 'cython']\n",
           "setup.py": b"raise SystemExit('never run')\n", "src/foo/a.c": b"int a;"}
SELECTION = "top-level"


@pytest.fixture
def clients(tmp_path: Path) -> Iterator[list[IndexClient]]:
    made: list[IndexClient] = []
    yield made
    for client in made:
        client.close()


def _client(made: list[IndexClient], index: str, cache: Path, **kwargs: object) -> IndexClient:
    options: dict[str, object] = {"cache_dir": cache, "backoff": 0.0, "retries": 1}
    options.update(kwargs)
    client = IndexClient([index], **options)  # type: ignore[arg-type]
    made.append(client)
    return client


def _sdist(client: IndexClient) -> DistFile:
    page = client.project("foo")
    assert page is not None
    return next(f for f in page.files if f.filename == SDIST)


def _top(names: list[str]) -> object:
    def wanted(path: str) -> bool:
        names.append(path)
        return path.count("/") == 1
    return wanted


def _scan(client: IndexClient, names: list[str] | None = None) -> dict[str, bytes] | None:
    wanted = _top(names if names is not None else [])
    return client.sdist_members(_sdist(client), wanted, cache_as=SELECTION)  # type: ignore[arg-type]


EXPECTED = {f"foo-1.0/{k}": v for k, v in MEMBERS.items() if "/" not in k}
NAMES = [f"foo-1.0/{k}" for k in MEMBERS]


def test_a_warm_second_run_downloads_no_sdist_bytes(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    assert _scan(_client(clients, index, tmp_path / "c")) == EXPECTED
    warm = _client(clients, index, tmp_path / "c")
    names: list[str] = []
    assert _scan(warm, names) == EXPECTED
    assert sorted(names) == sorted(NAMES)  # `wanted` replayed on every stored name
    assert len(server.hits_for(f"/files/{SDIST}")) == 1
    assert warm.stats().bytes_downloaded < 1000  # the page revalidation at most


def test_one_run_reads_the_sdist_once_for_every_caller(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    client = _client(clients, index, tmp_path / "c", no_cache=True)
    first, second = [], []  # type: ignore[var-annotated]
    assert _scan(client, first) == _scan(client, second) == EXPECTED
    assert sorted(first) == sorted(second) == sorted(NAMES)
    assert len(server.hits_for(f"/files/{SDIST}")) == 1


def test_the_build_files_and_the_chain_share_one_read(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    client = _client(clients, index, tmp_path / "c")
    reads = SdistReads(client)
    chain = reads.pyproject(_sdist(client))
    assert chain.members is not None and "foo-1.0/pyproject.toml" in chain.members
    assert reads.read(_sdist(client)) is chain
    assert len(server.hits_for(f"/files/{SDIST}")) == 1


def test_the_build_files_of_a_warm_run_come_from_the_cache(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    cold = SdistReads(_client(clients, index, tmp_path / "c")).read(
        _sdist(clients[0]))
    warm_client = _client(clients, index, tmp_path / "c")
    warm = SdistReads(warm_client).read(_sdist(warm_client))
    assert (warm.members, warm.names, warm.facts) == (cold.members, cold.names, cold.facts)
    assert len(server.hits_for(f"/files/{SDIST}")) == 1


def test_a_corrupted_entry_is_ignored_and_rewritten(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    cold = _client(clients, index, tmp_path / "c")
    assert _scan(cold) == EXPECTED
    key = scan_key(_sdist(cold), SELECTION, 1 << 20)
    assert key is not None
    path = Store(tmp_path / "c", "immutable").path_for(key)
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    path.write_bytes(bytes(data))
    assert _scan(_client(clients, index, tmp_path / "c")) == EXPECTED
    assert len(server.hits_for(f"/files/{SDIST}")) == 2
    assert _scan(_client(clients, index, tmp_path / "c")) == EXPECTED
    assert len(server.hits_for(f"/files/{SDIST}")) == 2


def test_offline_uses_the_cache(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    _scan(_client(clients, index, tmp_path / "c"))
    offline = _client(clients, index, tmp_path / "c", offline=True)
    assert _scan(offline) == EXPECTED
    assert offline.stats().requests == 0


def test_offline_without_the_entry_is_a_miss(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    _client(clients, index, tmp_path / "c").project("foo")
    with pytest.raises(OfflineMiss):
        _scan(_client(clients, index, tmp_path / "c", offline=True))


@pytest.mark.parametrize("option", ["no_cache", "refresh"])
def test_no_cache_and_refresh_read_the_sdist_again(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path, option: str
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    _scan(_client(clients, index, tmp_path / "c"))
    assert _scan(_client(clients, index, tmp_path / "c", **{option: True})) == EXPECTED
    assert len(server.hits_for(f"/files/{SDIST}")) == 2


def test_an_sdist_without_a_sha256_is_not_stored() -> None:
    file = DistFile(filename=SDIST, url="https://files.example/foo-1.0.tar.gz", hashes=())
    assert scan_key(file, SELECTION, 1 << 20) is None


def test_a_scan_survives_its_encoding() -> None:
    scan = SdistScan(("a/x", "a/y", "a/z"), {"a/x": b"1", "a/z": b""}, "partly checked")
    assert decode_scan(encode_scan(scan)) == scan


@pytest.mark.parametrize("payload", [
    b"", b"{}", b'{"v":1,"names":[],"members":[],"note":null}',
    b'{"v":2,"names":[],"members":[],"note":null}\n',
    b'{"v":1,"names":["a"],"members":[["b",1]],"note":null}\nx',
    b'{"v":1,"names":["a"],"members":[["a",2]],"note":null}\nx',
    b'{"v":1,"names":["a"],"members":[["a",1]],"note":null}\nxy',
    b'{"v":1,"names":["a"],"members":[["a",-1]],"note":null}\n',
    b'{"v":1,"names":[1],"members":[],"note":null}\n',
    b'{"v":1,"names":["a"],"members":[["a",true]],"note":null}\nx',
])
def test_a_payload_that_does_not_decode_exactly_is_a_miss(payload: bytes) -> None:
    assert decode_scan(payload) is None


def _top_level(path: str) -> bool:
    return path.count("/") == 1


def test_pkg_info_read_last_is_the_whole_scan_so_the_sdist_is_streamed_once(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    last = {k: v for k, v in MEMBERS.items() if k != "PKG-INFO"}
    last["PKG-INFO"] = metadata("foo", "1.0", metadata_version="2.2")
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", last)})
    client = _client(clients, index, tmp_path / "c", sdist_scan=(SELECTION, _top_level))
    assert client.core_metadata(_sdist(client)) is not None
    names: list[str] = []
    found = _scan(client, names)
    assert found == {f"foo-1.0/{k}": v for k, v in last.items() if "/" not in k}
    assert sorted(names) == sorted(NAMES)
    assert len(server.hits_for(f"/files/{SDIST}")) == 1
    warm = _client(clients, index, tmp_path / "c", offline=True)
    assert _scan(warm) == found  # and it was stored


def test_pkg_info_read_early_stops_there(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    first = {**MEMBERS, "PKG-INFO": metadata("foo", "1.0", metadata_version="2.2")}
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", first)})
    client = _client(clients, index, tmp_path / "c", sdist_scan=(SELECTION, _top_level))
    assert client.core_metadata(_sdist(client)) is not None
    key = scan_key(_sdist(client), SELECTION, 1 << 20)
    assert key is not None
    assert not Store(tmp_path / "c", "immutable").path_for(key).exists()


def test_a_scan_asked_during_the_pkg_info_read_waits_for_it(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    last = {k: v for k, v in MEMBERS.items() if k != "PKG-INFO"}
    last["PKG-INFO"] = metadata("foo", "1.0", metadata_version="2.2")
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", last)})
    server.fault(f"/files/{SDIST}", Slow(0.5))
    client = _client(clients, index, tmp_path / "c", sdist_scan=(SELECTION, _top_level))
    sdist = _sdist(client)
    reader = threading.Thread(target=client.core_metadata, args=(sdist,))
    reader.start()
    deadline = time.monotonic() + 10
    while not server.hits_for(f"/files/{SDIST}") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _scan(client) == {f"foo-1.0/{k}": v for k, v in last.items() if "/" not in k}
    reader.join()
    assert len(server.hits_for(f"/files/{SDIST}")) == 1
