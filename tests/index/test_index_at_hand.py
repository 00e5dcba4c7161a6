"""What costs no request, asked without a `stat` per file: `Store.has` (one listing per
shard), `IndexClient.page_at_hand` (fresh in the cache when the run first looked) and
`IndexClient.file_at_hand` (a wheel's directory summary read or stored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index_builders import metadata, publish, wheel, wheel_name
from index_server import IndexServer
from wheelfit.index.cache import Store
from wheelfit.index.client import IndexClient
from wheelfit.model import DistFile

META = metadata("foo", "1.0")


@pytest.fixture
def url(server: IndexServer) -> str:
    name = wheel_name("foo", "1.0")
    return publish(server, "foo", {name: wheel("foo", "1.0", META)}, meta={name: META})


@pytest.fixture
def made() -> Iterator[list[IndexClient]]:
    clients: list[IndexClient] = []
    yield clients
    for client in clients:
        client.close()


def _client(made: list[IndexClient], url: str, cache: Path, **kwargs: bool) -> IndexClient:
    client = IndexClient([url], cache_dir=cache, backoff=0.0, **kwargs)
    made.append(client)
    return client


def _wheel(client: IndexClient) -> DistFile:
    page = client.project("foo")
    assert page is not None
    return next(f for f in page.files if f.is_wheel)


def test_store_has_what_was_there_when_listed_and_what_it_wrote(tmp_path: Path) -> None:
    Store(tmp_path, "immutable").put("before", b"v")
    store = Store(tmp_path, "immutable")
    assert store.has("before")
    assert not store.has("after")  # its shard is listed now (or never will be)
    store.put("after", b"v")
    assert store.has("after")


def test_store_has_nothing_in_a_missing_folder(tmp_path: Path) -> None:
    assert not Store(tmp_path / "none", "immutable").has("k")


def test_a_page_fresh_in_the_cache_is_at_hand(
    url: str, tmp_path: Path, made: list[IndexClient], server: IndexServer,
) -> None:
    _client(made, url, tmp_path).project("foo")
    before = len(server.hits_for("/simple/foo/"))
    assert _client(made, url, tmp_path).page_at_hand("Foo")
    assert len(server.hits_for("/simple/foo/")) == before


def test_a_page_fetched_this_run_is_not_at_hand(
    url: str, tmp_path: Path, made: list[IndexClient],
) -> None:
    client = _client(made, url, tmp_path)
    client.project("foo")  # stored fresh now, but what follows from it was not looked at
    assert not client.page_at_hand("foo")


def test_without_a_cache_no_page_is_at_hand(url: str, made: list[IndexClient]) -> None:
    client = IndexClient([url], no_cache=True, backoff=0.0)
    made.append(client)
    assert not client.page_at_hand("foo")


def test_a_stored_wheel_summary_is_at_hand(
    url: str, tmp_path: Path, made: list[IndexClient],
) -> None:
    first = _client(made, url, tmp_path)
    file = _wheel(first)
    assert not first.file_at_hand(file)
    first.wheel_summary(file)
    assert first.file_at_hand(file)
    second = _client(made, url, tmp_path)
    assert second.file_at_hand(_wheel(second))
    assert not _client(made, url, tmp_path, refresh=True).file_at_hand(file)
