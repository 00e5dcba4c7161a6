"""The stderr warning of an incomplete report counts packages, not per-target problems."""

from __future__ import annotations

from dataclasses import replace

from formats import canned
from wheelfit.commands.check import incomplete_warning
from wheelfit.model import Problem


def test_one_package_failing_on_both_targets_counts_once() -> None:
    problems = tuple(Problem("index", "fanout: dependencies not all followed", target)
                     for target in ("slim", "alpine"))
    report = replace(canned.clean(), problems=problems)
    warning = incomplete_warning(report, offline=False)
    assert "1 package(s) with unreadable dependencies" in warning
