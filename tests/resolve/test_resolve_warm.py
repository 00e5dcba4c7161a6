"""catalog.warm: discovery feeds the fetch pool before the resolver asks (issue 7, item 1).
The test waits for the background work to show up on the server; it asserts what was
fetched, never how fast."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from packaging.requirements import Requirement

from index_builders import metadata, publish, wheel, wheel_name
from index_server import IndexServer
from wheelfit.compat.targets import default_targets
from wheelfit.index.client import IndexClient
from wheelfit.model import DistFile
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.requirements import make_req

CHAIN = {"foo": (["bar>=1"], ["1.0"]), "bar": (["baz"], ["1.0", "2.0"]), "baz": ([], ["1.0"])}


@pytest.fixture
def catalog(server: IndexServer) -> Iterator[ProjectCatalog]:
    url = ""
    for name, (requires, versions) in CHAIN.items():
        meta = {wheel_name(name, v): metadata(name, v, requires=requires) for v in versions}
        files = {wheel_name(name, v): wheel(name, v, meta[wheel_name(name, v)])
                 for v in versions}
        url = publish(server, name, files, meta=meta)
    client = IndexClient([url], no_cache=True, backoff=0.0)
    yield ProjectCatalog(client, default_targets(python="3.12")[1], {})
    client.close()


def _wait_for(server: IndexServer, path: str) -> bool:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.hits_for(path):
            return True
        time.sleep(0.01)
    return False


def _metadata_path(name: str, version: str) -> str:
    return f"/files/{wheel_name(name, version)}.metadata"


def test_warming_a_requirement_fetches_its_whole_chain(
    server: IndexServer, catalog: ProjectCatalog
) -> None:
    catalog.warm([make_req(Requirement("foo"), "requirements.txt:1")])
    assert _wait_for(server, _metadata_path("baz", "1.0"))  # foo → bar → baz, unasked
    assert server.hits_for("/simple/bar/") and server.hits_for(_metadata_path("bar", "2.0"))
    catalog.close()


def test_the_inputs_pins_narrow_what_is_warmed(
    server: IndexServer, catalog: ProjectCatalog
) -> None:
    pin = make_req(Requirement("bar==1.0"), "requirements.txt:2")
    catalog.warm([make_req(Requirement("foo"), "requirements.txt:1")], limits=[pin])
    assert _wait_for(server, _metadata_path("baz", "1.0"))
    assert server.hits_for(f"/files/{wheel_name('bar', '1.0')}")  # pinned: directory + METADATA
    assert not server.hits_for(_metadata_path("bar", "2.0"))
    assert not server.hits_for(f"/files/{wheel_name('bar', '2.0')}")
    catalog.close()


def test_a_closed_catalog_warms_nothing(server: IndexServer, catalog: ProjectCatalog) -> None:
    catalog.close()
    catalog.warm([make_req(Requirement("foo"), "requirements.txt:1")])
    time.sleep(0.2)
    assert not server.hits_for("/simple/foo/")


def test_a_catalog_without_warm_ahead_starts_no_fetch(server: IndexServer) -> None:
    url = publish(server, "foo", {wheel_name("foo", "1.0"): wheel("foo", "1.0", metadata(
        "foo", "1.0"))})
    with IndexClient([url], no_cache=True, backoff=0.0) as client:
        catalog = ProjectCatalog(client, default_targets(python="3.12")[1], {},
                                 warm_ahead=False)  # offline: everything is on disk
        catalog.warm([make_req(Requirement("foo"), "requirements.txt:1")])
        time.sleep(0.2)
        assert not server.hits_for("/simple/foo/")
        catalog.close()


def test_a_pinned_warm_reads_the_wheel_once_for_directory_and_metadata(
    server: IndexServer, catalog: ProjectCatalog
) -> None:
    """A pinned requirement's first match is nearly always chosen, and a chosen wheel's
    directory is read anyway (sizes): warming it reads the directory first, so METADATA
    comes from that read (it has the page's hash) and the metadata file is not asked."""
    catalog.warm([make_req(Requirement("baz==1.0"), "requirements.txt:1")])
    assert _wait_for(server, f"/files/{wheel_name('baz', '1.0')}")
    catalog.close()
    assert catalog.index.core_metadata(_baz_file(catalog)) is not None
    assert not server.hits_for(_metadata_path("baz", "1.0"))
    assert len(server.hits_for(f"/files/{wheel_name('baz', '1.0')}")) == 1


def test_an_unpinned_warm_reads_only_the_metadata_file(
    server: IndexServer, catalog: ProjectCatalog
) -> None:
    catalog.warm([make_req(Requirement("baz"), "requirements.txt:1")])
    assert _wait_for(server, _metadata_path("baz", "1.0"))
    catalog.close()
    assert not server.hits_for(f"/files/{wheel_name('baz', '1.0')}")


def _baz_file(catalog: ProjectCatalog) -> DistFile:
    page = catalog.index.project("baz")
    assert page is not None
    return page.files[0]


def test_warming_runs_in_the_index_pool_even_with_one_thread(server: IndexServer) -> None:
    """The catalog starts no threads of its own: each step goes on in the index's pool once
    its page is settled, so one index thread walks the whole chain (no step holds it
    waiting for a page)."""
    url = ""
    for name, (requires, versions) in CHAIN.items():
        meta = {wheel_name(name, v): metadata(name, v, requires=requires) for v in versions}
        url = publish(server, name, {n: wheel(name, v, meta[n])
                                     for v in versions if (n := wheel_name(name, v))},
                      meta=meta)
    before = {t.ident for t in threading.enumerate()}
    with IndexClient([url], no_cache=True, backoff=0.0, max_workers=1) as client:
        catalog = ProjectCatalog(client, default_targets(python="3.12")[1], {})
        catalog.warm([make_req(Requirement("foo"), "requirements.txt:1")])
        assert _wait_for(server, _metadata_path("baz", "1.0"))
        ours = [t.name for t in threading.enumerate()
                if t.ident not in before and t.name.startswith("wheelfit")]
        catalog.close()
    # the index's one pool thread (and the transport's deadline watcher); no warm-up pool
    assert {n.rstrip("_0123456789") for n in ours} - {"wheelfit-deadline"} == {
        "wheelfit-index"}, ours
