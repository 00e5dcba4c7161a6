"""The resolver asks whether a pinned source build's sdist is read ahead only for an sdist:
a wheel's answer is never used, and the question costs a look at the release's files."""

from __future__ import annotations

from pathlib import Path

import pytest

from case_runner import make_request
from loopback import LoopbackIndex
from wheelfit.index.client import open_index
from wheelfit.pipeline.check import policies, target_requirements
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.resolver import resolve


@pytest.mark.parametrize(("target", "asked"), [("slim", []), ("alpine", [("nativepkg", "1.0")])])
def test_only_a_pinned_sdist_is_asked_about(synthetic_index: LoopbackIndex, tmp_path: Path,
                                           target: str, asked: list[tuple[str, str]]) -> None:
    """nativepkg 1.0 has a manylinux wheel (slim takes it) and an sdist (alpine builds it)."""
    case = {"input": "nativepkg==1.0\nlib==3.0\n"}
    request = make_request(case, synthetic_index.url, tmp_path)
    questions: list[tuple[str, str]] = []

    def sdists(name: str, version: str) -> bool:
        questions.append((name, version))
        return False

    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        chosen = next(t for t in request.targets if t.name == target)
        catalog = ProjectCatalog(index, chosen, policies(request))
        reqs, constraints = target_requirements(request.spec, catalog)
        outcome = resolve(catalog, reqs, constraints, sdists=sdists)
    assert outcome.conflict is None
    assert questions == asked
