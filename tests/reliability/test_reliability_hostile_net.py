"""Hostile index, round 2 (issue 18), through the real CLI against `hostile_server.py`.

Each attack must end with a clear error and no traceback, with the documented exit code (5
when the first project's index is unreachable, else an `unknown` verdict and 6), well
within its bound. The time bounds are generous (a loaded 2-core box); the real bound is
the request deadline, 4 x --timeout (4 s here).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_server import (
    BodyTrickle,
    HeaderTrickle,
    HostileIndex,
    RetryAfter,
    fanout,
    healthy,
    serve_page,
)
from reliability_support import CliResult, check_args, package, reasons, run_main, statuses

from wheelfit.commands.inputs import build_request, load_inputs
from wheelfit.commands.options import RunOptions
from wheelfit.index.client import open_index
from wheelfit.index.limits import Limits
from wheelfit.pipeline.check import check
from wheelfit.resolve.catalog import MAX_DEPENDENCIES

TIMEOUT = 1.0
BOUND_SECONDS = 20.0
# Faster than TIMEOUT, so that only the whole-request deadline can stop the request.
TRICKLE = 0.2


@pytest.fixture
def hostile() -> Iterator[HostileIndex]:
    """A hostile index with a healthy project, for one test."""
    index = HostileIndex()
    healthy(index)
    index.start()
    try:
        yield index
    finally:
        index.stop()


def _check(index: HostileIndex, *names: str, retries: int = 0) -> tuple[CliResult, float]:
    Path("requirements.txt").write_text("".join(f"{n}\n" for n in names))
    started = time.monotonic()
    result = run_main(check_args(index.index_url, "requirements.txt", retries=retries,
                                 timeout=TIMEOUT))
    return result, time.monotonic() - started


ATTACKS = {
    "trickle-body": BodyTrickle(interval=TRICKLE),
    "trickle-headers": HeaderTrickle(interval=TRICKLE),
}


@pytest.mark.parametrize("mode", sorted(ATTACKS))
def test_trickle_on_the_first_project_is_unreachable_at_the_deadline(
    hostile: HostileIndex, mode: str
) -> None:
    serve_page(ATTACKS[mode])(hostile, mode)
    result, elapsed = _check(hostile, mode)
    assert result.code == 5, result.both
    assert f"/simple/{mode}/: no complete answer within 4 s" in result.err
    assert "--timeout 1" in result.err
    assert "Traceback" not in result.both
    assert elapsed < BOUND_SECONDS


@pytest.mark.parametrize("mode", sorted(ATTACKS))
def test_trickle_after_the_first_project_is_an_unknown_verdict(
    hostile: HostileIndex, mode: str
) -> None:
    serve_page(ATTACKS[mode])(hostile, mode)
    result, elapsed = _check(hostile, "healthy", mode)
    assert result.code == 6, result.both
    report = result.report()
    assert statuses(report, mode) == {"unknown"}
    assert "no complete answer within 4 s" in reasons(report, mode)
    assert statuses(report, "healthy") == {"pure-wheel"}
    assert "Traceback" not in result.both
    assert elapsed < BOUND_SECONDS


def test_huge_retry_after_is_not_waited_for(hostile: HostileIndex) -> None:
    serve_page(RetryAfter("99999"))(hostile, "limited")
    result, elapsed = _check(hostile, "healthy", "limited", retries=3)
    assert result.code == 6, result.both
    why = reasons(result.report(), "limited")
    assert "the server asked to wait 99999 s" in why
    assert "it gave up after waiting 0 s" in why
    assert len(hostile.hits_for("/simple/limited/")) == 1
    assert elapsed < BOUND_SECONDS


def test_retry_after_within_the_cap_is_bounded_in_total(hostile: HostileIndex) -> None:
    serve_page(RetryAfter("1", status=503))(hostile, "busy")
    result, elapsed = _check(hostile, "healthy", "busy", retries=2)
    assert result.code == 6, result.both
    assert "after 3 attempts; the server asked to wait 1 s; it gave up after waiting 2 s" in (
        reasons(result.report(), "busy"))
    assert elapsed < BOUND_SECONDS


def test_a_wheel_with_20000_dependencies_is_followed_up_to_the_cap(
    hostile: HostileIndex,
) -> None:
    fanout(hostile, "fanout", 20_000)
    result, _elapsed = _check(hostile, "fanout", "healthy")
    assert result.code == 6, result.both
    report = result.report()
    assert report["complete"] is False
    pkg = package(report, "fanout")
    assert pkg["dependencies_unknown"] is True
    assert (f"fanout 1.0 lists 20000, and wheelfit follows at most {MAX_DEPENDENCIES} per "
            "package") in " ".join(pkg["notes"])
    assert statuses(report, "healthy") == {"pure-wheel"}
    followed = {h.path for h in hostile.hits if h.path.startswith("/simple/fanout-dep-")}
    assert len(followed) == MAX_DEPENDENCIES
    assert "Traceback" not in result.both


def test_requests_beyond_the_run_cap_become_unknown_verdicts(
    hostile: HostileIndex, tmp_path: Path
) -> None:
    fanout(hostile, "fanout", 100)
    Path("requirements.txt").write_text("fanout\nhealthy\n")
    options = RunOptions(index_url=hostile.index_url, retries=0, timeout=TIMEOUT)
    specs, _ = load_inputs([Path("requirements.txt")], options)
    request = build_request(specs[0], options)
    with open_index(request.index_urls, no_cache=True, retries=0,
                    limits=Limits(max_requests=30)) as index:
        report = check(request, index)
    assert not report.complete
    capped = [p for p in report.packages for v in p.verdicts.values()
              if v.reason and "already sent 30 index requests" in v.reason]
    assert capped
    assert len(hostile.hits) <= 30
