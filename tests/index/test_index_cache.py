"""cache.py and the client's use of it: freshness, revalidation, offline, corruption, sharing."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from index_builders import hammer_cache, metadata, publish, wheel, wheel_name
from index_server import IndexServer
from wheelfit.errors import OfflineMiss
from wheelfit.index.cache import (
    Store,
    cache_clear,
    cache_info,
    decode_entry,
    encode_entry,
    freshness,
    immutable_key,
)
from wheelfit.index.client import IndexClient

META = metadata("foo", "1.0", requires=["bar"])
WHEEL = wheel_name("foo", "1.0")


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def clients(cache_dir: Path) -> Iterator[list[IndexClient]]:
    made: list[IndexClient] = []
    yield made
    for client in made:
        client.close()


def _client(made: list[IndexClient], index: str, cache_dir: Path, **kwargs: object) -> IndexClient:
    client = IndexClient([index], cache_dir=cache_dir, backoff=0.0, **kwargs)  # type: ignore[arg-type]
    made.append(client)
    return client


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# --- the store ----------------------------------------------------------------------------------


def test_store_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path, "immutable")
    assert store.put("k", b"payload")
    assert store.get("k") == b"payload"


def test_store_path_is_content_addressed_under_its_kind(tmp_path: Path) -> None:
    path = Store(tmp_path, "immutable").path_for("k")
    assert path.parent.parent == tmp_path / "immutable"
    assert len(path.name) == 64 and path.parent.name == path.name[:2]


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-1],
        lambda b: b[:10],
        lambda b: b[:-1] + b"X",
        lambda b: b"",
        lambda b: b"WFC2" + b[4:],
    ],
    ids=["truncated", "header-only", "flipped", "empty", "magic"],
)
def test_damaged_entry_reads_as_missing(damage: object) -> None:
    entry = encode_entry(b"some payload")
    assert decode_entry(damage(entry)) is None  # type: ignore[operator]


def test_store_on_an_unwritable_directory_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    assert Store(blocker, "immutable").put("k", b"v") is False


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"cache-control": "max-age=600"}, (True, 600.0)),
        ({"cache-control": "max-age=600", "age": "100"}, (True, 500.0)),
        ({"cache-control": "public, no-cache"}, (True, 0.0)),
        ({"cache-control": "no-store, max-age=600"}, (False, 0.0)),
        (
            {"expires": "Thu, 01 Jan 2037 00:10:00 GMT", "date": "Thu, 01 Jan 2037 00:00:00 GMT"},
            (True, 600.0),
        ),
        ({}, (True, 600.0)),
        ({"cache-control": "max-age=\u00b2"}, (True, 0.0)),
    ],
)
def test_freshness(headers: dict[str, str], expected: tuple[bool, float]) -> None:
    assert freshness(headers) == expected


def test_immutable_key_ignores_credentials() -> None:
    with_creds = immutable_key("pep658", "https://u:s3cret@h/f.whl", "AB")
    assert with_creds == immutable_key("pep658", "https://h/f.whl", "ab")
    assert "s3cret" not in with_creds


# --- pages through the client -------------------------------------------------------------------


def test_fresh_page_is_served_from_cache_by_the_next_run(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"})
    first = _client(clients, index, cache_dir).project("foo")
    second_client = _client(clients, index, cache_dir)
    assert second_client.project("foo") == first
    assert second_client.stats().requests == 0
    assert second_client.stats().from_cache == 1
    assert len(server.hits_for("/simple/foo/")) == 1


def test_stale_page_is_revalidated_with_its_etag(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(
        server, "foo", {WHEEL: b"w"}, page_headers={"Cache-Control": "max-age=0"}, etag='"v1"'
    )
    first = _client(clients, index, cache_dir).project("foo")
    second_client = _client(clients, index, cache_dir)
    assert second_client.project("foo") == first
    revalidation = server.hits_for("/simple/foo/")[1]
    assert revalidation.headers["if-none-match"] == '"v1"'
    assert second_client.stats().requests == 1
    assert second_client.stats().from_cache == 1
    assert second_client.stats().bytes_downloaded == 0


def test_changed_page_replaces_the_cached_one(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(
        server, "foo", {WHEEL: b"w"}, page_headers={"Cache-Control": "max-age=0"}, etag='"v1"'
    )
    _client(clients, index, cache_dir).project("foo")
    publish(server, "foo", {}, page_headers={"Cache-Control": "max-age=0"}, etag='"v2"')
    page = _client(clients, index, cache_dir).project("foo")
    assert page is not None and page.files == ()


def test_refresh_revalidates_a_fresh_page(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"}, etag='"v1"')
    _client(clients, index, cache_dir).project("foo")
    _client(clients, index, cache_dir, refresh=True).project("foo")
    hits = server.hits_for("/simple/foo/")
    assert len(hits) == 2
    assert hits[1].headers["if-none-match"] == '"v1"'
    assert hits[1].headers["cache-control"] == "max-age=0"


def test_no_store_page_is_not_cached(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {}, page_headers={"Cache-Control": "no-store"})
    _client(clients, index, cache_dir).project("foo")
    _client(clients, index, cache_dir).project("foo")
    assert len(server.hits_for("/simple/foo/")) == 2


def test_no_cache_writes_nothing(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"}, meta={WHEEL: META})
    client = IndexClient([index], cache_dir=cache_dir, no_cache=True)
    clients.append(client)
    page = client.project("foo")
    assert page is not None
    client.core_metadata(page.files[0])
    assert not cache_dir.exists()


# --- offline ------------------------------------------------------------------------------------


def test_offline_miss_names_the_project_and_the_next_step(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    client = _client(clients, server.url("/simple"), cache_dir, offline=True)
    with pytest.raises(OfflineMiss, match="project page of foo") as info:
        client.project("foo")
    assert "without --offline" in (info.value.hint or "")
    assert server.hits == []


def test_offline_uses_stale_cached_pages_and_metadata_without_requests(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(
        server,
        "foo",
        {WHEEL: b"w"},
        meta={WHEEL: META},
        page_headers={"Cache-Control": "max-age=0"},
    )
    online = _client(clients, index, cache_dir)
    page = online.project("foo")
    assert page is not None
    online.core_metadata(page.files[0])
    hits_before = len(server.hits)
    offline = _client(clients, index, cache_dir, offline=True)
    offline_page = offline.project("foo")
    assert offline_page == page
    assert offline.core_metadata(page.files[0]) == online.core_metadata(page.files[0])
    assert len(server.hits) == hits_before
    assert offline.stats().requests == 0


def test_offline_reuses_an_extra_index_404(
    server: IndexServer, other_server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    primary = publish(server, "foo", {WHEEL: b"w"})
    extra = other_server.url("/simple")
    for offline in (False, True):
        client = IndexClient([primary, extra], cache_dir=cache_dir, offline=offline)
        clients.append(client)
        page = client.project("foo")
        assert page is not None and page.index_urls == (primary,)


def test_offline_metadata_miss_is_an_offline_miss(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"}, meta={WHEEL: META})
    page = _client(clients, index, cache_dir).project("foo")
    assert page is not None
    with pytest.raises(OfflineMiss, match=WHEEL):
        _client(clients, index, cache_dir, offline=True).core_metadata(page.files[0])


# --- immutable entries --------------------------------------------------------------------------


def test_metadata_is_cached_for_the_next_run(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"}, meta={WHEEL: META})
    page = _client(clients, index, cache_dir).project("foo")
    assert page is not None
    _client(clients, index, cache_dir).core_metadata(page.files[0])
    second = _client(clients, index, cache_dir)
    assert second.core_metadata(page.files[0]) is not None
    assert second.stats() == second.stats().__class__(requests=0, from_cache=1, bytes_downloaded=0)
    assert len(server.hits_for(f"/files/{WHEEL}.metadata")) == 1


def test_corrupted_immutable_entry_is_fetched_again_and_rewritten(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {WHEEL: wheel("foo", "1.0", META)})
    page = _client(clients, index, cache_dir).project("foo")
    assert page is not None
    file = page.files[0]
    _client(clients, index, cache_dir).core_metadata(file)
    entry = Store(cache_dir, "immutable").path_for(
        immutable_key("wheel-metadata", file.url, file.hash())
    )
    entry.write_bytes(entry.read_bytes()[:-5])
    hits_before = len(server.hits_for(f"/files/{WHEEL}"))
    md = _client(clients, index, cache_dir).core_metadata(file)
    assert md is not None and md.requires_dist == ("bar",)
    assert len(server.hits_for(f"/files/{WHEEL}")) > hits_before
    assert decode_entry(entry.read_bytes()) is not None


# --- sharing, info, clear, secrets --------------------------------------------------------------


def test_two_processes_sharing_a_cache_leave_it_readable(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    projects = [f"p{i}" for i in range(6)]
    for name in projects:
        filename = wheel_name(name, "1.0")
        publish(
            server, name, {filename: b"w"}, meta={filename: metadata(name, "1.0")}, etag=f'"{name}"'
        )
    index = server.url("/simple")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=hammer_cache, args=(index, str(cache_dir), projects, 4))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    entries = [p for p in _files(cache_dir) if not p.name.startswith(".tmp-")]
    assert entries and all(decode_entry(p.read_bytes()) is not None for p in entries)
    offline = _client(clients, index, cache_dir, offline=True)
    for name in projects:
        page = offline.project(name)
        assert page is not None and offline.core_metadata(page.files[0]) is not None


def test_cache_info_counts_entries_and_bytes(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"}, meta={WHEEL: META})
    client = _client(clients, index, cache_dir)
    page = client.project("foo")
    assert page is not None
    client.core_metadata(page.files[0])
    path, entries, size = cache_info(cache_dir)
    assert path == cache_dir
    assert entries == 2  # the page (answer and parsed files in one entry), the metadata file
    assert size == sum(p.stat().st_size for p in _files(cache_dir))


def test_cache_clear_removes_only_wheelfit_entries(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"})
    _client(clients, index, cache_dir).project("foo")
    (cache_dir / "keep.txt").write_text("mine")
    removed = cache_clear(cache_dir)
    assert removed[0] == 1 and removed[1] > 0  # the page: answer and parsed files, one entry
    assert cache_info(cache_dir)[1:] == (0, 0)
    assert (cache_dir / "keep.txt").read_text() == "mine"


def test_credentials_never_reach_cache_paths_or_contents(
    server: IndexServer, cache_dir: Path, clients: list[IndexClient]
) -> None:
    publish(server, "foo", {WHEEL: wheel("foo", "1.0", META)})
    client = _client(clients, f"http://user:s3cret@127.0.0.1:{server.port}/simple", cache_dir)
    page = client.project("foo")
    assert page is not None
    client.core_metadata(page.files[0])
    client.wheel_summary(page.files[0])
    files = _files(cache_dir)
    assert len(files) == 3  # page (answer and parsed files), metadata, directory
    for path in files:
        assert "s3cret" not in str(path) and "user" not in str(path)
        content = path.read_bytes()
        assert b"s3cret" not in content and b"user:" not in content
        assert b"dXNlcjpzM2NyZXQ" not in content  # base64 of user:s3cret


def test_a_leftover_temporary_file_of_the_same_name_is_left_alone(tmp_path: Path) -> None:
    """Temporary names are the process id and a counter: a crashed process that had the
    same id may have left one behind; the write takes another name."""
    import os

    from wheelfit.index import cache

    store = Store(tmp_path, "immutable")
    shard = store.path_for("k").parent
    shard.mkdir(parents=True)
    leftover = shard / f".tmp-{os.getpid()}-{next(cache._TEMP_NAMES) + 1}"
    leftover.write_bytes(b"a crashed run's")
    assert store.put("k", b"payload") and store.get("k") == b"payload"
    assert leftover.read_bytes() == b"a crashed run's"
