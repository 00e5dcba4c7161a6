"""When the resolver needs the metadata of a second version of one walk through a project's
candidates (netbox: a dozen of django-js-asset's, one request each in turn), the next
versions' metadata is read at once; a walk that only lists versions, or refuses them before
their metadata is needed, reads nothing ahead. Real server on 127.0.0.1; asserts which
requests are made and overlap, never how fast."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from index_builders import metadata, publish, wheel
from index_server import IndexServer, Slow
from wheelfit.compat.targets import default_targets
from wheelfit.errors import IndexFault
from wheelfit.index.client import open_index
from wheelfit.model import Status, Verdict
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.requirements import Cand, make_req
from wheelfit.resolve.resolver import Outcome, _Walk, resolve

SLIM = default_targets(python="3.12")[0]


def _wheel(name: str, version: str, *requires: str) -> tuple[str, bytes, bytes]:
    meta = metadata(name, version, requires=list(requires))
    return f"{name}-{version}-py3-none-any.whl", wheel(name, version, meta), meta


def _publish(server: IndexServer, name: str, *wheels: tuple[str, bytes, bytes]) -> str:
    return publish(server, name, {f: data for f, data, _ in wheels},
                   meta={f: meta for f, _, meta in wheels})


def _hit(server: IndexServer, path: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not server.hits_for(path) and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(server.hits_for(path))


def _resolve(url: str, cache: Path, *lines: str) -> Outcome:
    with open_index([url], cache_dir=cache, retries=0) as index:
        catalog = ProjectCatalog(index, SLIM, {})
        reqs = [make_req(Requirement(line), f"r.txt:{n}") for n, line in enumerate(lines, 1)]
        try:
            return resolve(catalog, reqs)
        finally:
            catalog.close()


def test_walking_back_reads_the_next_versions_metadata_at_once(
    server: IndexServer, tmp_path: Path
) -> None:
    # b 2.0-5.0 need c>=2, which is not there: the resolver tries 5.0, 4.0, 3.0, 2.0, 1.0.
    url = _publish(server, "b", *(_wheel("b", f"{v}.0", "c>=2") for v in (5, 4, 3, 2)),
                   _wheel("b", "1.0"))
    _publish(server, "c", _wheel("c", "1.0"))
    server.fault("/files/b-4.0-py3-none-any.whl.metadata", Slow(5))
    outcome: list[Outcome] = []
    run = threading.Thread(
        target=lambda: outcome.append(_resolve(url, tmp_path / "cache", "c==1.0", "b")),
        daemon=True)
    run.start()
    assert _hit(server, "/files/b-4.0-py3-none-any.whl.metadata", 20)
    overlapped = _hit(server, "/files/b-3.0-py3-none-any.whl.metadata", 4)
    run.join(60)
    assert overlapped  # asked while 4.0's answer was held back
    assert str(outcome[0].packages["b"].verdict.version) == "1.0"


def test_versions_refused_before_their_metadata_is_needed_are_not_read(
    server: IndexServer, tmp_path: Path
) -> None:
    # a[x]'s candidates are listed before b==1.0 brings a<2: 3.0 and 2.0 are then refused by
    # their own pin on a, without metadata (saleor: kombu's), so nothing is read ahead.
    # 1.0's answer is held back 2 s: a read-ahead started for 2.0 would be sent meanwhile.
    url = _publish(server, "a", *(_wheel("a", f"{v}.0") for v in (3, 2, 1)))
    _publish(server, "b", _wheel("b", "1.0", "a<2"))
    server.fault("/files/a-1.0-py3-none-any.whl.metadata", Slow(2))
    outcome = _resolve(url, tmp_path / "cache", "a[x]", "b==1.0")
    assert str(outcome.packages["a"].verdict.version) == "1.0"
    assert server.hits_for("/files/a-2.0-py3-none-any.whl.metadata") == []


def test_an_error_met_reading_ahead_is_raised_after_the_candidates_before_it() -> None:
    taken = [Cand("a", Version(v), frozenset(), Verdict(Status.PURE_WHEEL)) for v in ("2", "1")]

    def matches() -> Iterator[Cand]:
        yield from taken
        raise IndexFault("the page of a failed")

    walk = _Walk(matches())
    handed = iter(walk)
    assert next(handed) is taken[0]
    assert walk.ahead(4) == taken[1:]
    assert next(handed) is taken[1]
    with pytest.raises(IndexFault):
        next(handed)
