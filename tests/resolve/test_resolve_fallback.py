"""After a conflict, each requirement of the file is judged alone (`wheelfit.resolve.fallback`):
every line on a project narrows the same choice, and extras add their projects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from case_runner import make_request
from loopback import LoopbackIndex
from synthetic_index import write_index
from wheelfit.index.client import open_index
from wheelfit.model import Report
from wheelfit.pipeline.check import check

DATA = Path(__file__).resolve().parents[1] / "data" / "fallback"
CONFLICT = "cryptography==50.0.0\npyopenssl==26.3.0\n"


@pytest.fixture(scope="module")
def fallback_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackIndex]:
    """tests/data/fallback/index.yaml served on 127.0.0.1."""
    projects = yaml.safe_load((DATA / "index.yaml").read_text())["projects"]
    with LoopbackIndex(write_index(tmp_path_factory.mktemp("fallback"), projects)) as server:
        yield server


def report(text: str, server: LoopbackIndex, tmp_path: Path) -> Report:
    request = make_request({"input": text}, server.url, tmp_path)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        return check(request, index)


def versions(found: Report) -> dict[str, str | None]:
    return {p.name: p.verdicts["slim"].version for p in found.packages}


def test_the_input_conflicts(fallback_index: LoopbackIndex, tmp_path: Path) -> None:
    found = report(CONFLICT, fallback_index, tmp_path)
    assert any(p.kind == "conflict" for p in found.problems)


def test_a_pin_holds_when_another_line_names_the_project(
    fallback_index: LoopbackIndex, tmp_path: Path
) -> None:
    found = report("bleach==6.3.0\nbleach[css]\n" + CONFLICT, fallback_index, tmp_path)
    assert versions(found)["bleach"] == "6.3.0"


def test_the_pin_holds_whichever_line_comes_first(
    fallback_index: LoopbackIndex, tmp_path: Path
) -> None:
    found = report("bleach[css]\nbleach==6.3.0\n" + CONFLICT, fallback_index, tmp_path)
    assert versions(found)["bleach"] == "6.3.0"


def test_an_extra_adds_its_project(fallback_index: LoopbackIndex, tmp_path: Path) -> None:
    found = report("psycopg[c]==3.3.4\n" + CONFLICT, fallback_index, tmp_path)
    assert versions(found)["psycopg-c"] == "3.3.4"


def test_an_extra_project_names_who_asked(fallback_index: LoopbackIndex, tmp_path: Path) -> None:
    found = report("psycopg[c]==3.3.4\n" + CONFLICT, fallback_index, tmp_path)
    added = next(p for p in found.packages if p.name == "psycopg-c")
    assert added.requested_by == ("psycopg 3.3.4",) and not added.direct


def test_plain_dependencies_are_not_added(fallback_index: LoopbackIndex, tmp_path: Path) -> None:
    found = report("bleach[css]==6.3.0\n" + CONFLICT, fallback_index, tmp_path)
    assert set(versions(found)) == {"bleach", "tinycss2", "cryptography", "pyopenssl"}


def test_pins_that_exclude_each_other_are_unavailable(
    fallback_index: LoopbackIndex, tmp_path: Path
) -> None:
    found = report("bleach==6.3.0\nbleach==6.4.0\n" + CONFLICT, fallback_index, tmp_path)
    bleach = next(p for p in found.packages if p.name == "bleach").verdicts["slim"]
    assert bleach.status.value == "unavailable" and "bleach==6.4.0" in (bleach.reason or "")
