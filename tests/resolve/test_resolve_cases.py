"""Resolution cases on recorded dependency graphs (tests/data/resolution/, README there):
each case's requirements resolved by the real catalog and resolver against the graph served
on 127.0.0.1, on both images, compared pin for pin or by the conflict's message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from loopback import LoopbackIndex
from synthetic_index import write_index
from wheelfit.compat.targets import default_targets
from wheelfit.index.client import open_index
from wheelfit.resolve import resolver as resolver_module
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.requirements import make_req
from wheelfit.resolve.resolver import Outcome, resolve

DATA = Path(__file__).resolve().parents[1] / "data" / "resolution"
CASES = {p.stem: json.loads(p.read_text()) for p in sorted((DATA / "cases").glob("*.json"))}
TARGETS = default_targets(python="3.12")


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Every recorded graph, served: index name → URL."""
    servers = []
    urls = {}
    for path in sorted((DATA / "index").glob("*.json")):
        graph = json.loads(path.read_text())["projects"]
        projects = {name: {version: {"requires": lines} for version, lines in versions.items()}
                    for name, versions in graph.items()}
        server = LoopbackIndex(write_index(tmp_path_factory.mktemp(path.stem), projects))
        servers.append(server.__enter__())
        urls[path.stem] = server.url
    yield urls
    for server in servers:
        server.__exit__(None, None, None)


def run_case(case: dict[str, Any], url: str, target_index: int, cache: Path) -> Outcome:
    """Resolve one case on one image."""
    lines = case.get("requested") or CASES[case["requested_from"]]["requested"]
    reqs = [make_req(Requirement(line), "<input>") for line in lines]
    with open_index([url], cache_dir=cache, retries=0) as index:
        catalog = ProjectCatalog(index, TARGETS[target_index], {})
        try:
            return resolve(catalog, reqs)
        finally:
            catalog.close()


@pytest.mark.parametrize("target_index", range(len(TARGETS)), ids=[t.name for t in TARGETS])
@pytest.mark.parametrize("case_id", list(CASES))
def test_case(case_id: str, target_index: int, indexes: dict[str, str], tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[case_id]
    if "max_rounds" in case:
        monkeypatch.setattr(resolver_module, "MAX_ROUNDS", case["max_rounds"])
    outcome = run_case(case, indexes[case["index"]], target_index, tmp_path / "cache")
    if "resolved" in case:
        assert outcome.conflict is None
        assert {n: str(p.verdict.version) for n, p in outcome.packages.items()} == \
            case["resolved"]
    else:
        assert outcome.conflict is not None
        for expected in case["conflict"]:
            assert expected in outcome.conflict
