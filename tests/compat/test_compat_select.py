"""pip's file choice per target, table-driven from data/verdict_cases.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.compat.select import Policy, parse_upload_cutoff, rank_versions
from wheelfit.compat.targets import make_target
from wheelfit.model import DistFile, Variant

CASES = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "verdict_cases.yaml").read_text())


def _file(entry: str | dict[str, Any]) -> DistFile:
    if isinstance(entry, str):
        return DistFile(filename=entry, url=f"https://files.example/{entry}")
    return DistFile(
        filename=entry["filename"],
        url=f"https://files.example/{entry['filename']}",
        requires_python=entry.get("requires_python"),
        yanked=entry.get("yanked", False),
        upload_time=entry.get("upload_time"),
    )


def _policy(raw: dict[str, Any] | None) -> Policy:
    raw = dict(raw or {})
    if "exclude_newer" in raw:
        raw["exclude_newer"] = parse_upload_cutoff(raw["exclude_newer"])
    return Policy(**raw)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_best_candidate_matches_pip(case: dict[str, Any]) -> None:
    t = case["target"]
    target = make_target(
        Variant(t["variant"]), t["python"], t.get("arch", "x86_64"),
        t.get("debian", "trixie"), t.get("alpine", "3.24"),
    )
    files = tuple(_file(f) for f in case["files"])
    best = rank_versions(files, case["project"], target, _policy(case.get("policy")))[0]
    expect = case["expect"]
    assert best.verdict.status.value == expect["status"]
    assert best.verdict.version == str(expect["version"])
    assert best.verdict.file == expect["file"]
    assert best.verdict.untrusted == expect.get("untrusted", False)
    if "platforms" in expect:
        assert list(best.verdict.available_platforms) == expect["platforms"]
