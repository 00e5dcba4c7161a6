"""Run one acceptance case (tests/cases/*.yaml) through the real pipeline.

Shared by the acceptance table (test_cases.py), the golden JSON reports
(test_golden_reports.py), the pinned fast path's comparisons and the fallback tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from formats.schema_check import assert_valid_report
from wheelfit.commands.inputs import build_request, load_inputs
from wheelfit.commands.options import RunOptions
from wheelfit.formats import render
from wheelfit.index.client import open_index
from wheelfit.model import Report
from wheelfit.pipeline.check import CheckRequest

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASES = sorted(CASES_DIR.glob("*.yaml"))


def case_options(case: dict[str, Any], index_url: str) -> RunOptions:
    """The CLI options a case's `options` stand for."""
    opts = dict(case.get("options") or {})
    return RunOptions(
        python=opts.get("python", "3.12"), arch=opts.get("arch", "x86_64"),
        targets=tuple(opts.get("targets") or ("slim", "alpine")),
        exclude_newer=opts.get("exclude_newer"), pre=opts.get("pre", False),
        only_binary=tuple(opts.get("only_binary") or ()),
        no_binary=tuple(opts.get("no_binary") or ()), index_url=index_url,
    )


def run_case(case: dict[str, Any], index_url: str, tmp_path: Path) -> Report:
    """Write the case's input, check it against `index_url`, return the report."""
    req = tmp_path / "requirements.txt"
    req.write_text(case["input"])
    options = case_options(case, index_url)
    specs, _ = load_inputs([req], options)
    request = build_request(specs[0], options)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        from wheelfit.pipeline.check import check

        report = check(request, index)
    assert_valid_report(render(report, "json"))
    return report


def make_request(case: dict[str, Any], index_url: str, tmp_path: Path) -> CheckRequest:
    """The request `check()` gets for a case (as tests/test_cases.py builds it)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    req = tmp_path / "requirements.txt"
    req.write_text(case["input"])
    if case.get("constraints"):
        (tmp_path / "constraints.txt").write_text(case["constraints"])
    options = case_options(case, index_url)
    specs, _ = load_inputs([req], options)
    return build_request(specs[0], options)
