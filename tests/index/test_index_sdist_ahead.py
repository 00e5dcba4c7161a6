"""An sdist read ahead (`prefetch_sdists`) or read whole with its PKG-INFO: one stream serves
the PKG-INFO and the build files, whoever asks first (issue 15, odoo's double reads)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from index_builders import metadata, publish, sdist_tar, wheel
from index_server import IndexServer, Slow
from wheelfit.index.cache import Store
from wheelfit.index.client import IndexClient
from wheelfit.index.sdistscan import ScanKeeper, SdistScan, scan_key
from wheelfit.model import DistFile

SDIST = "foo-1.0.tar.gz"
SELECTION = "top-level"
# PKG-INFO first: a PKG-INFO read alone would stop there.
MEMBERS = {"PKG-INFO": metadata("foo", "1.0", metadata_version="2.2"),
           "pyproject.toml": b"[build-system]\nrequires = ['setuptools']\n",
           "setup.py": b"raise SystemExit('never run')\n", "src/foo/a.c": b"int a;"}
BUILD_FILES = {f"foo-1.0/{k}": v for k, v in MEMBERS.items()
               if "/" not in k and k != "PKG-INFO"}


def _top_level(path: str) -> bool:
    return path.count("/") == 1 and not path.endswith("/PKG-INFO")


def _client(made: list[IndexClient], index: str, cache: Path, **kwargs: object) -> IndexClient:
    options: dict[str, object] = {"cache_dir": cache, "backoff": 0.0, "retries": 1,
                                  "sdist_scan": (SELECTION, _top_level)}
    options.update(kwargs)
    client = IndexClient([index], **options)  # type: ignore[arg-type]
    made.append(client)
    return client


def _sdist(client: IndexClient, size: int | None = None) -> DistFile:
    page = client.project("foo")
    assert page is not None
    found = next(f for f in page.files if f.filename == SDIST)
    return found if size is None else replace(found, size=size)


def _build_files(client: IndexClient, sdist: DistFile) -> dict[str, bytes] | None:
    return client.sdist_members(sdist, _top_level, cache_as=SELECTION)


def _hits(server: IndexServer) -> int:
    return len(server.hits_for(f"/files/{SDIST}"))


def _wait_for_hit(server: IndexServer) -> None:
    deadline = time.monotonic() + 10
    while not _hits(server) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_small_sdists_pkg_info_read_goes_on_to_the_end(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    client = _client(clients, index, tmp_path / "c")
    sdist = _sdist(client, size=4096)
    assert client.core_metadata(sdist) is not None
    assert _build_files(client, sdist) == BUILD_FILES
    assert _hits(server) == 1


def test_a_large_sdists_pkg_info_read_stops_at_an_early_pkg_info(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    client = _client(clients, index, tmp_path / "c")
    sdist = _sdist(client, size=50 << 20)  # as the page says: the rest is not worth reading
    assert client.core_metadata(sdist) is not None
    key = scan_key(sdist, SELECTION, 1 << 20)
    assert key is not None and not Store(tmp_path / "c", "immutable").path_for(key).exists()


def test_an_sdist_read_ahead_serves_its_pkg_info_and_its_build_files(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    server.fault(f"/files/{SDIST}", Slow(0.3))  # the PKG-INFO is asked while it streams
    client = _client(clients, index, tmp_path / "c")
    sdist = _sdist(client, size=50 << 20)
    client.prefetch_sdists([sdist])
    _wait_for_hit(server)
    meta = client.core_metadata(sdist)
    assert meta is not None and meta.name == "foo"
    assert _build_files(client, sdist) == BUILD_FILES
    assert _hits(server) == 1


def test_an_sdist_read_ahead_is_kept_for_the_next_run(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    client = _client(clients, index, tmp_path / "c")
    client.prefetch_sdists([_sdist(client)])
    _wait_for_hit(server)
    assert _build_files(client, _sdist(client)) == BUILD_FILES
    offline = _client(clients, index, tmp_path / "c", offline=True)
    assert _build_files(offline, _sdist(offline)) == BUILD_FILES
    assert _hits(server) == 1


def test_reading_ahead_needs_a_registered_selection(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    client = _client(clients, index, tmp_path / "c", sdist_scan=None)
    client.prefetch_sdists([_sdist(client)])
    client.close()
    assert _hits(server) == 0


def test_wheels_are_not_read_ahead_as_sdists(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    name = "foo-1.0-py3-none-any.whl"
    index = publish(server, "foo", {name: wheel("foo", "1.0", metadata("foo", "1.0"))})
    client = _client(clients, index, tmp_path / "c")
    page = client.project("foo")
    assert page is not None
    client.prefetch_sdists(page.files)
    client.close()
    assert not server.hits_for(f"/files/{name}")


def test_offline_nothing_is_read_ahead(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})
    _client(clients, index, tmp_path / "c").project("foo")
    offline = _client(clients, index, tmp_path / "c", offline=True)
    offline.prefetch_sdists([_sdist(offline)])
    offline.close()
    assert _hits(server) == 0


def _file() -> DistFile:
    return DistFile(filename=SDIST, url="https://files.example/foo-1.0.tar.gz",
                    hashes=(("sha256", "ab" * 32),))


def test_concurrent_callers_share_one_read() -> None:
    keeper = ScanKeeper(None, refresh=False, on_hit=lambda: None)
    started, release = threading.Event(), threading.Event()
    reads: list[int] = []
    scan = SdistScan(("foo-1.0/setup.py",), {})

    def read() -> SdistScan:
        reads.append(1)
        started.set()
        release.wait(10)
        keeper.keep(_file(), SELECTION, scan, 1 << 20)
        return scan

    results: list[tuple[SdistScan | None, bool]] = []
    first = threading.Thread(
        target=lambda: results.append(keeper.shared(_file(), SELECTION, 1 << 20, read)))
    first.start()
    started.wait(10)
    second = threading.Thread(
        target=lambda: results.append(keeper.shared(_file(), SELECTION, 1 << 20, read)))
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert len(reads) == 1
    assert sorted(fresh for _, fresh in results) == [False, True]
    assert all(found is scan for found, _ in results)


def test_a_failed_read_leaves_the_next_caller_to_read() -> None:
    keeper = ScanKeeper(None, refresh=False, on_hit=lambda: None)
    scan = SdistScan(("foo-1.0/setup.py",), {})

    def fails() -> SdistScan:
        raise OSError("connection reset")

    def works() -> SdistScan:
        keeper.keep(_file(), SELECTION, scan, 1 << 20)
        return scan

    with pytest.raises(OSError):
        keeper.shared(_file(), SELECTION, 1 << 20, fails)
    assert keeper.shared(_file(), SELECTION, 1 << 20, works) == (scan, True)


def test_a_stored_scan_is_not_read_ahead(tmp_path: Path) -> None:
    store = Store(tmp_path, "immutable")
    keeper = ScanKeeper(store, refresh=False, on_hit=lambda: None)
    assert keeper.want(_file(), SELECTION, 1 << 20)  # not stored: worth reading ahead
    keeper.keep(_file(), SELECTION, SdistScan(("foo-1.0/setup.py",), {}), 1 << 20)
    fresh = ScanKeeper(store, refresh=False, on_hit=lambda: None)
    assert not fresh.want(_file(), SELECTION, 1 << 20)
    assert not fresh.wanted(_file(), SELECTION, 1 << 20)
    assert ScanKeeper(store, refresh=True, on_hit=lambda: None).want(_file(), SELECTION, 1 << 20)


def test_an_sdist_without_a_sha256_is_not_read_ahead() -> None:
    keeper = ScanKeeper(None, refresh=False, on_hit=lambda: None)
    assert not keeper.want(replace(_file(), hashes=()), SELECTION, 1 << 20)
