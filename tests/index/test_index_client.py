"""IndexClient against a loopback index: pages, merging, metadata paths, concurrency, stats."""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from index_builders import (
    JSON_TYPE,
    metadata,
    publish,
    sdist_tar,
    sdist_zip,
    sha256,
    wheel,
    wheel_name,
)
from index_server import IndexServer, Slow, Status
from wheelfit.errors import IndexResponseError, UsageError
from wheelfit.index.base import PackageIndex
from wheelfit.index.client import IndexClient, open_index
from wheelfit.index.limits import Limits
from wheelfit.model import DistFile

META = metadata("foo", "1.0", requires=["bar>=2", 'baz; extra == "x"'], extras=["x"])
WHEEL = wheel_name("foo", "1.0")
SDIST = "foo-1.0.tar.gz"


@pytest.fixture
def client_for(tmp_path: Path) -> Iterator[type[IndexClient]]:
    """Build clients with a private cache and no backoff; all closed at the end."""
    made: list[IndexClient] = []

    def make(index_urls: list[str], **kwargs: object) -> IndexClient:
        options: dict[str, object] = {"cache_dir": tmp_path / "cache", "backoff": 0.0, "retries": 2}
        options.update(kwargs)
        client = IndexClient(index_urls, **options)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield make  # type: ignore[misc]
    for client in made:
        client.close()


def _file(client: IndexClient, name: str, filename: str) -> DistFile:
    page = client.project(name)
    assert page is not None
    return next(f for f in page.files if f.filename == filename)


def test_client_satisfies_the_package_index_protocol(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    client: PackageIndex = client_for([server.url("/simple")])
    assert client.stats().requests == 0


def test_project_page_is_read_from_json(client_for: type[IndexClient], server: IndexServer) -> None:
    index = publish(server, "foo", {WHEEL: b"w", SDIST: b"s"})
    page = client_for([index]).project("Foo")
    assert page is not None
    assert page.name == "foo"
    assert [(f.filename, f.url, f.index_url) for f in page.files] == [
        (WHEEL, server.url(f"/files/{WHEEL}"), index),
        (SDIST, server.url(f"/files/{SDIST}"), index),
    ]
    assert page.files[0].hashes == (("sha256", sha256(b"w")),)


def test_project_page_is_read_from_html(client_for: type[IndexClient], server: IndexServer) -> None:
    index = publish(server, "foo", {WHEEL: b"w"}, fmt="html")
    page = client_for([index]).project("foo")
    assert page is not None
    assert [f.hashes for f in page.files] == [(("sha256", sha256(b"w")),)]


def test_project_url_is_the_canonical_name_and_json_is_preferred(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    publish(server, "foo-bar", {})
    client_for([server.url("/simple")]).project("Foo_Bar")
    (hit,) = server.hits_for("/simple/foo-bar/")
    assert hit.headers["accept"].startswith("application/vnd.pypi.simple.v1+json")
    assert "text/html;q=0.01" in hit.headers["accept"]


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b'{"meta": {"api-version": "1.1"}, "files": [{"filen', JSON_TYPE, "not valid JSON"),
        (
            b"<html><title>Service Unavailable</title><h1>503</h1></html>",
            "text/html",
            "lists no files",
        ),
        (b'{"files": []}', "application/octet-stream", "unexpected Content-Type"),
        (bytes(range(256)) * 12_000, "text/html", "lists no files"),
    ],
    ids=["truncated-json", "html-error-page-200", "wrong-content-type", "megabytes-of-junk"],
)
def test_unusable_project_page_is_a_response_error(
    client_for: type[IndexClient], server: IndexServer, body: bytes, content_type: str, reason: str
) -> None:
    server.route("/simple/foo/", body, content_type=content_type)
    with pytest.raises(IndexResponseError, match=reason) as info:
        client_for([server.url("/simple")]).project("foo")
    assert info.value.url == server.url("/simple/foo/")


def test_project_page_above_the_size_cap_is_refused(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    server.route("/simple/foo/", b" " * 3_000_000, content_type=JSON_TYPE)
    client = client_for([server.url("/simple")], limits=Limits(page_bytes=1_000_000))
    with pytest.raises(IndexResponseError, match="3000000 bytes"):
        client.project("foo")


def test_unknown_project_is_none(client_for: type[IndexClient], server: IndexServer) -> None:
    assert client_for([server.url("/simple")]).project("nope") is None


def test_extra_index_files_are_used_when_the_primary_lacks_the_project(
    client_for: type[IndexClient], server: IndexServer, other_server: IndexServer
) -> None:
    extra = publish(other_server, "foo", {WHEEL: b"w"})
    page = client_for([server.url("/simple"), extra]).project("foo")
    assert page is not None
    assert page.index_urls == (extra,)
    assert [f.url for f in page.files] == [other_server.url(f"/files/{WHEEL}")]


def test_files_of_every_index_are_merged_in_index_order(
    client_for: type[IndexClient], server: IndexServer, other_server: IndexServer
) -> None:
    primary = publish(server, "foo", {SDIST: b"s"})
    extra = publish(other_server, "foo", {WHEEL: b"w"})
    page = client_for([primary, extra]).project("foo")
    assert page is not None
    assert [(f.filename, f.index_url) for f in page.files] == [(SDIST, primary), (WHEEL, extra)]


def test_a_failing_extra_index_is_an_error_not_a_partial_answer(
    client_for: type[IndexClient], server: IndexServer, other_server: IndexServer
) -> None:
    primary = publish(server, "foo", {SDIST: b"s"})
    other_server.fault("/simple/foo/", *[Status(500)] * 5)
    with pytest.raises(IndexResponseError, match="HTTP 500"):
        client_for([primary, other_server.url("/simple")]).project("foo")


def test_retries_are_counted_as_requests(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {})
    server.fault("/simple/foo/", Status(503))
    client = client_for([index])
    assert client.project("foo") is not None
    assert client.stats().requests == 2


# --- metadata -----------------------------------------------------------------------------------


def test_pep658_metadata_is_used_without_touching_the_wheel(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {WHEEL: wheel("foo", "1.0", META)}, meta={WHEEL: META})
    client = client_for([index])
    md = client.core_metadata(_file(client, "foo", WHEEL))
    assert md is not None and md.requires_dist == ("bar>=2", 'baz; extra == "x"')
    assert server.hits_for(f"/files/{WHEEL}") == []


def test_pep658_metadata_not_matching_its_hash_is_refused(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"}, meta={WHEEL: META})
    server.route(f"/files/{WHEEL}.metadata", META.replace(b"bar>=2", b"evil"))
    client = client_for([index])
    with pytest.raises(IndexResponseError, match="does not match its hash"):
        client.core_metadata(_file(client, "foo", WHEEL))


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_wheel_metadata_is_range_read_without_a_metadata_file(
    client_for: type[IndexClient], server: IndexServer, compression: int
) -> None:
    data = wheel("foo", "1.0", META, compression=compression, filler=100_000, metadata_first=True)
    index = publish(server, "foo", {WHEEL: data})
    client = client_for([index], limits=Limits(tail_bytes=8192))
    md = client.core_metadata(_file(client, "foo", WHEEL))
    assert md is not None and md.requires_dist == ("bar>=2", 'baz; extra == "x"')
    ranges = [h.headers.get("range") for h in server.hits_for(f"/files/{WHEEL}")]
    assert ranges[0] == "bytes=-8192" and all(ranges)
    assert client.stats().bytes_downloaded < len(data) // 2


def test_wheel_served_without_range_support_is_used_when_small(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {WHEEL: wheel("foo", "1.0", META)}, ranges=False)
    client = client_for([index])
    md = client.core_metadata(_file(client, "foo", WHEEL))
    assert md is not None and md.name == "foo"


def test_large_wheel_without_range_support_has_no_summary(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    data = wheel("foo", "1.0", META, filler=300_000)
    index = publish(server, "foo", {WHEEL: data}, ranges=False)
    client = client_for([index], limits=Limits(full_wheel_bytes=100_000))
    assert client.wheel_summary(_file(client, "foo", WHEEL)) is None
    assert client.stats().bytes_downloaded < 100_000 + 10_000


def test_wheel_summary_sums_the_members(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    data = wheel("foo", "1.0", META)
    index = publish(server, "foo", {WHEEL: data})
    client = client_for([index])
    summary = client.wheel_summary(_file(client, "foo", WHEEL))
    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert summary is not None
    assert (summary.files, summary.installed_bytes) == (
        len(members), sum(m.file_size for m in members))


def test_static_sdist_pkg_info_is_used(client_for: type[IndexClient], server: IndexServer) -> None:
    pkg_info = metadata("foo", "1.0", requires=["bar"], metadata_version="2.2")
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", {"PKG-INFO": pkg_info})})
    client = client_for([index])
    md = client.core_metadata(_file(client, "foo", SDIST))
    assert md is not None and md.requires_dist == ("bar",)


@pytest.mark.parametrize(
    "pkg_info",
    [
        metadata("foo", "1.0", requires=["bar"], metadata_version="2.1"),
        metadata("foo", "1.0", requires=["bar"], metadata_version="2.2", dynamic=["Requires-Dist"]),
    ],
    ids=["old-metadata-version", "dynamic-requires-dist"],
)
def test_non_static_sdist_pkg_info_gives_no_metadata(
    client_for: type[IndexClient], server: IndexServer, pkg_info: bytes
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", {"PKG-INFO": pkg_info})})
    client = client_for([index])
    assert client.core_metadata(_file(client, "foo", SDIST)) is None


def test_nested_pkg_info_is_not_the_sdist_metadata(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    nested = metadata("foo", "1.0", requires=["bar"], metadata_version="2.2")
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", {"foo.egg-info/PKG-INFO": nested})})
    client = client_for([index])
    assert client.core_metadata(_file(client, "foo", SDIST)) is None


def test_sdist_without_pkg_info_gives_no_metadata(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", {"setup.py": b"x"})})
    client = client_for([index])
    assert client.core_metadata(_file(client, "foo", SDIST)) is None


def test_metadata_of_another_project_is_refused(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    other = metadata("evil", "1.0")
    index = publish(server, "foo", {WHEEL: b"w"}, meta={WHEEL: other})
    client = client_for([index])
    with pytest.raises(IndexResponseError, match="metadata names 'evil'"):
        client.core_metadata(_file(client, "foo", WHEEL))


def test_sdist_members_of_a_tarball(client_for: type[IndexClient], server: IndexServer) -> None:
    members = {"pyproject.toml": b"[project]\n", "setup.py": b"x", "src/a.c": b"int a;"}
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", members)})
    client = client_for([index])
    found = client.sdist_members(_file(client, "foo", SDIST), lambda p: p.count("/") == 1)
    assert found == {"foo-1.0/pyproject.toml": b"[project]\n", "foo-1.0/setup.py": b"x"}


def test_an_sdist_asked_twice_for_the_same_members_is_read_once(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {SDIST: sdist_tar("foo-1.0", {"setup.py": b"x"})})
    client = client_for([index])

    def top_level(path: str) -> bool:
        return path.count("/") == 1

    first = client.sdist_members(_file(client, "foo", SDIST), top_level)
    assert client.sdist_members(_file(client, "foo", SDIST), top_level) == first
    assert len(server.hits_for(f"/files/{SDIST}")) == 1


def test_sdist_members_of_a_zip(client_for: type[IndexClient], server: IndexServer) -> None:
    index = publish(server, "foo", {"foo-1.0.zip": sdist_zip("foo-1.0", {"setup.cfg": b"[x]"})})
    client = client_for([index])
    assert client.sdist_members(_file(client, "foo", "foo-1.0.zip"), lambda p: True) == {
        "foo-1.0/setup.cfg": b"[x]"
    }


def test_sdist_members_of_a_wheel_is_none(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {WHEEL: wheel("foo", "1.0", META)})
    client = client_for([index])
    assert client.sdist_members(_file(client, "foo", WHEEL), lambda p: True) is None


# --- once per run -------------------------------------------------------------------------------


def test_concurrent_callers_share_one_page_request(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"})
    client = client_for([index], no_cache=True)
    barrier = threading.Barrier(8)
    results: list[object] = []

    def ask() -> None:
        barrier.wait()
        results.append(client.project("foo"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.hits_for("/simple/foo/")) == 1
    assert len(results) == 8 and len({id(r) for r in results}) == 1


def test_prefetched_page_is_not_fetched_again(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"})
    publish(server, "bar", {})
    client = client_for([index], no_cache=True)
    client.prefetch(["foo", "Bar"])
    assert client.project("bar") is not None and client.project("foo") is not None
    assert len(server.hits_for("/simple/foo/")) == 1
    assert len(server.hits_for("/simple/bar/")) == 1


def test_prefetched_metadata_is_not_fetched_again(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {WHEEL: b"w"}, meta={WHEEL: META})
    client = client_for([index], no_cache=True)
    file = _file(client, "foo", WHEEL)
    client.prefetch_metadata([file, file])
    assert client.core_metadata(file) is not None
    assert len(server.hits_for(f"/files/{WHEEL}.metadata")) == 1


def test_prefetched_wheel_gives_metadata_and_entries_with_one_request(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    index = publish(server, "foo", {WHEEL: wheel("foo", "1.0", META)}, meta={WHEEL: META})
    client = client_for([index], no_cache=True)
    file = _file(client, "foo", WHEEL)
    client.prefetch_wheels([file])
    md = client.core_metadata(file)
    assert md is not None and md.requires_dist == ("bar>=2", 'baz; extra == "x"')
    assert client.wheel_summary(file) is not None
    assert len(server.hits_for(f"/files/{WHEEL}")) == 1
    assert server.hits_for(f"/files/{WHEEL}.metadata") == []



def test_offline_prefetching_looks_nothing_up_and_starts_no_thread(
    client_for: type[IndexClient], server: IndexServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = publish(server, "foo", {WHEEL: wheel("foo", "1.0", META)}, meta={WHEEL: META})
    file = _file(client_for([index]), "foo", WHEEL)
    offline = client_for([index], offline=True)
    monkeypatch.setattr(offline._files, "stored", lambda *_: pytest.fail("looked up"))
    offline.prefetch(["foo", "bar"])
    offline.prefetch_wheels([file])
    offline.prefetch_metadata([file])
    assert not offline._jobs.started

def test_failure_is_raised_again_without_a_new_request(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    server.fault("/simple/foo/", *[Status(500)] * 10)
    client = client_for([server.url("/simple")], retries=0)
    for _ in range(2):
        with pytest.raises(IndexResponseError):
            client.project("foo")
    assert len(server.hits_for("/simple/foo/")) == 1


# --- credentials, file://, construction ---------------------------------------------------------


def test_credentials_are_sent_but_never_kept_in_urls(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    publish(server, "foo", {WHEEL: b"w"}, meta={WHEEL: META})
    client = client_for([f"http://user:s3cret@127.0.0.1:{server.port}/simple"])
    page = client.project("foo")
    assert page is not None
    client.core_metadata(page.files[0])
    assert "s3cret" not in repr(page) and "user" not in repr(page)
    assert client.index_urls == (server.url("/simple"),)
    for path in ("/simple/foo/", f"/files/{WHEEL}.metadata"):
        assert server.hits_for(path)[0].headers["authorization"].startswith("Basic ")


def test_file_url_index_tree_on_disk(client_for: type[IndexClient], tmp_path: Path) -> None:
    data = wheel("foo", "1.0", META)
    (tmp_path / "simple" / "foo").mkdir(parents=True)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / WHEEL).write_bytes(data)
    (tmp_path / "simple" / "foo" / "index.html").write_text(
        f'<html><title>Links for foo</title><a href="../../files/{WHEEL}#sha256={sha256(data)}">'
        f"{WHEEL}</a></html>"
    )
    client = client_for([(tmp_path / "simple").as_uri()])
    file = _file(client, "foo", WHEEL)
    assert file.url == (tmp_path / "files" / WHEEL).as_uri()
    md = client.core_metadata(file)
    assert md is not None and md.requires_dist == ("bar>=2", 'baz; extra == "x"')
    assert client.project("absent") is None


def test_open_index_accepts_one_url(server: IndexServer) -> None:
    with open_index(server.url("/simple"), no_cache=True) as client:
        assert client.index_urls == (server.url("/simple"),)


def test_offline_without_a_cache_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        IndexClient(["https://pypi.org/simple"], offline=True, no_cache=True)


def test_prefetch_after_close_does_nothing(
    client_for: type[IndexClient], server: IndexServer
) -> None:
    client = client_for([server.url("/simple")])
    client.close()
    client.prefetch(["foo"])
    assert server.hits == []


def test_close_cancels_queued_prefetches_quietly(
    client_for: type[IndexClient], server: IndexServer, caplog: pytest.LogCaptureFixture
) -> None:
    for name in "abcde":
        publish(server, name, {})
    server.fault("/simple/a/", Slow(0.3))
    client = client_for([server.url("/simple")], max_workers=1, no_cache=True)
    client.prefetch("abcde")
    client.close()
    assert len(server.hits) < 5
    assert not [r for r in caplog.records if r.name == "concurrent.futures"]
