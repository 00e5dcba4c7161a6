"""docopt 0.6.2 + promise 2.3 + orjson 3.6.0 on Python 3.12, through the real pipeline on the
recorded loopback index: only orjson compiles; the two pure-Python sdists are counted apart."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from case_runner import CASES_DIR, run_case
from loopback import LoopbackIndex
from wheelfit.model import Report, Status

CASE = yaml.safe_load((CASES_DIR / "pure-sdists-beside-native.yaml").read_text())


@pytest.fixture
def report(index_server: LoopbackIndex, tmp_path: Path) -> Report:
    return run_case(CASE, index_server.url, tmp_path)


def test_every_variant_counts_one_source_build(report: Report) -> None:
    assert report.estimate is not None
    assert {v.name: v.source_builds for v in report.estimate.variants} == {
        "slim": 1, "slim-multistage": 1, "alpine": 1, "alpine-cleanup": 1,
        "alpine-multistage": 1}


def test_every_variant_counts_two_pure_sdists(report: Report) -> None:
    assert report.estimate is not None
    assert {v.pure_sdists for v in report.estimate.variants} == {2}


def test_pure_sdists_say_they_need_no_compiler(report: Report) -> None:
    reasons = {p.name: {v.reason for v in p.verdicts.values()} for p in report.packages
               if all(v.status is Status.SOURCE_BUILD for v in p.verdicts.values())}
    assert reasons["docopt"] == reasons["promise"] == {
        "builds from its sdist; pure Python, no compiler"}
    # orjson's reason is the item-7 prediction (3.6.0 predates Python 3.12), never "pure".
    assert not any("pure Python" in (r or "") for r in reasons["orjson"])
