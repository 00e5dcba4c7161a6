"""When the resolver walks back through a project's versions (netbox: a dozen of
django-js-asset's, one metadata request each in turn), the next versions' metadata is read
at once. Real server on 127.0.0.1; asserts which requests overlap, never how fast."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from packaging.requirements import Requirement

from index_builders import metadata, publish, wheel
from index_server import IndexServer, Slow
from wheelfit.compat.targets import default_targets
from wheelfit.index.client import open_index
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.requirements import make_req
from wheelfit.resolve.resolver import Outcome, resolve

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


def test_walking_back_reads_the_next_versions_metadata_at_once(
    server: IndexServer, tmp_path: Path
) -> None:
    # b 2.0-5.0 need c>=2, which is not there: the resolver tries 5.0, 4.0, 3.0, 2.0, 1.0.
    url = _publish(server, "b", *(_wheel("b", f"{v}.0", "c>=2") for v in (5, 4, 3, 2)),
                   _wheel("b", "1.0"))
    _publish(server, "c", _wheel("c", "1.0"))
    server.fault("/files/b-4.0-py3-none-any.whl.metadata", Slow(5))
    outcome: list[Outcome] = []
    with open_index([url], cache_dir=tmp_path / "cache", retries=0) as index:
        catalog = ProjectCatalog(index, SLIM, {})
        reqs = [make_req(Requirement("c==1.0"), "r.txt:1"), make_req(Requirement("b"), "r.txt:2")]
        run = threading.Thread(target=lambda: outcome.append(resolve(catalog, reqs)),
                               daemon=True)
        run.start()
        assert _hit(server, "/files/b-4.0-py3-none-any.whl.metadata", 20)
        overlapped = _hit(server, "/files/b-3.0-py3-none-any.whl.metadata", 4)
        run.join(60)
        catalog.close()
    assert overlapped  # asked while 4.0's answer was held back
    assert str(outcome[0].packages["b"].verdict.version) == "1.0"
