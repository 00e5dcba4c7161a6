"""Index faults end to end, through the real CLI against a loopback index.

Every test publishes two projects, `healthy` and `broken`, and breaks only `broken`. The
requirements file lists `healthy` first: wheelfit fetches the first project before anything
else and exits 5 only when *that* one is unreachable (connection failure, timeout, or
502/503/504 once retries run out); any other fault gives `broken` an `unknown` verdict with
the reason, `healthy` is still judged, and the exit code is 6 (report incomplete).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reliability_support import (
    CLOSED_URL,
    CliResult,
    StreamingIndexServer,
    check_args,
    package,
    publish_wheel,
    reasons,
    run_main,
    statuses,
)

from index_builders import JSON_TYPE, metadata, wheel
from index_server import Fault, Reset, Route, Slow, Status

BROKEN_PAGE = "/simple/broken/"
# Retries record their delays instead of sleeping (see conftest `sleeps`).
pytestmark = pytest.mark.usefixtures("sleeps")


@pytest.fixture
def index_url(server: StreamingIndexServer) -> str:
    publish_wheel(server, "healthy")
    return publish_wheel(server, "broken")


@pytest.fixture
def requirements(hermetic: Path) -> Path:
    path = hermetic / "requirements.txt"
    path.write_text("healthy==1.0\nbroken==1.0\n")
    return path


def check(index_url: str, requirements: Path, *, retries: int = 1,
          timeout: float = 2.0) -> CliResult:
    return run_main(check_args(index_url, requirements, retries=retries, timeout=timeout))


def assert_broken_unknown(result: CliResult, *needles: str) -> None:
    """`broken` is unknown with a reason naming the fault, `healthy` is judged, exit 6."""
    assert result.code == 6, result.err
    report = result.report()
    assert report["complete"] is False
    assert statuses(report, "broken") == {"unknown"}
    assert statuses(report, "healthy") == {"pure-wheel"}
    why = reasons(report, "broken")
    for needle in needles:
        assert needle in why
    assert "Traceback" not in result.both


def queue(server: StreamingIndexServer, fault: Fault, times: int) -> None:
    server.fault(BROKEN_PAGE, *([fault] * times))


# --- HTTP errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_error_gives_unknown_and_exit_6(
    server: StreamingIndexServer, index_url: str, requirements: Path, code: int
) -> None:
    queue(server, Status(code), 10)
    assert_broken_unknown(check(index_url, requirements), f"HTTP {code}")


@pytest.mark.parametrize("code", [500, 502, 503, 429])
def test_retries_are_bounded_by_the_option(
    server: StreamingIndexServer, index_url: str, requirements: Path, code: int,
    sleeps: list[float],
) -> None:
    queue(server, Status(code), 10)
    check(index_url, requirements, retries=2)
    assert len(server.hits_for(BROKEN_PAGE)) == 3  # one try + 2 retries, then give up


def test_no_retry_with_retries_0(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    queue(server, Status(500), 10)
    check(index_url, requirements, retries=0)
    assert len(server.hits_for(BROKEN_PAGE)) == 1


def test_transient_failure_then_success_is_judged(
    server: StreamingIndexServer, index_url: str, requirements: Path, sleeps: list[float]
) -> None:
    queue(server, Status(503), 2)
    result = check(index_url, requirements, retries=2)
    assert result.code == 0, result.err
    assert statuses(result.report(), "broken") == {"pure-wheel"}


def test_backoff_doubles_between_retries(
    server: StreamingIndexServer, index_url: str, requirements: Path, sleeps: list[float]
) -> None:
    queue(server, Status(500), 10)
    check(index_url, requirements, retries=3)
    assert sleeps == [0.5, 1.0, 2.0]


def test_429_retry_after_is_honoured(
    server: StreamingIndexServer, index_url: str, requirements: Path, sleeps: list[float]
) -> None:
    queue(server, Status(429, (("Retry-After", "7"),)), 10)
    result = check(index_url, requirements, retries=2)
    assert sleeps == [7.0, 7.0]
    assert_broken_unknown(result, "HTTP 429")


def test_retry_after_beyond_the_cap_ends_the_retries(
    server: StreamingIndexServer, index_url: str, requirements: Path, sleeps: list[float]
) -> None:
    queue(server, Status(503, (("Retry-After", "86400"),)), 10)
    result = check(index_url, requirements, retries=2)
    assert sleeps == []  # more than Limits.max_retry_after: no point waiting
    assert_broken_unknown(result, "the server asked to wait 86400 s")
    assert "it gave up after waiting 0 s" in reasons(result.report(), "broken")


def test_retry_after_http_date_in_the_past_means_backoff(
    server: StreamingIndexServer, index_url: str, requirements: Path, sleeps: list[float]
) -> None:
    queue(server, Status(429, (("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"),)), 10)
    check(index_url, requirements, retries=1)
    assert sleeps == [0.5]


# --- transport faults -------------------------------------------------------------------------


def test_slower_than_timeout_gives_unknown(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    queue(server, Slow(1.5), 2)
    result = check(index_url, requirements, retries=1, timeout=0.3)
    assert_broken_unknown(result, "timed out")
    assert len(server.hits_for(BROKEN_PAGE)) == 2


def test_connection_reset_mid_body_gives_unknown(
    server: StreamingIndexServer, index_url: str, requirements: Path, sleeps: list[float]
) -> None:
    queue(server, Reset(), 2)
    assert_broken_unknown(check(index_url, requirements), "connection broken while reading")


# --- bodies that are not a project page -------------------------------------------------------


def replace_page(server: StreamingIndexServer, body: bytes, content_type: str) -> None:
    server.routes[BROKEN_PAGE] = Route(body=body, content_type=content_type)


def test_truncated_json_gives_unknown(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    body = server.routes[BROKEN_PAGE].body
    replace_page(server, body[: len(body) // 2], JSON_TYPE)
    assert_broken_unknown(check(index_url, requirements), "not valid JSON")


def test_html_error_page_with_200_gives_unknown(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    page = b"<html><head><title>Oops</title></head><body><h1>Service Unavailable</h1></body></html>"
    replace_page(server, page, "text/html")
    assert_broken_unknown(check(index_url, requirements), "not a simple-index project page")


def test_html_error_page_labelled_json_gives_unknown(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    replace_page(server, b"<html><body>502 Bad Gateway</body></html>", JSON_TYPE)
    assert_broken_unknown(check(index_url, requirements), "not valid JSON")


def test_wrong_content_type_gives_unknown(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    replace_page(server, server.routes[BROKEN_PAGE].body, "application/octet-stream")
    assert_broken_unknown(check(index_url, requirements), "unexpected Content-Type")


def test_multi_megabyte_junk_gives_unknown(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    replace_page(server, os.urandom(6 * 1024 * 1024), JSON_TYPE)
    assert_broken_unknown(check(index_url, requirements), "not UTF-8 JSON")


def test_redirect_loop_gives_unknown(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    server.route(BROKEN_PAGE, status=302, headers={"Location": "/simple/broken-again/"})
    server.route("/simple/broken-again/", status=302, headers={"Location": BROKEN_PAGE})
    assert_broken_unknown(check(index_url, requirements), "redirect loop")


def test_redirect_loop_is_not_retried(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    server.route(BROKEN_PAGE, status=302, headers={"Location": "/simple/broken-again/"})
    server.route("/simple/broken-again/", status=302, headers={"Location": BROKEN_PAGE})
    check(index_url, requirements, retries=3)
    assert len(server.hits_for(BROKEN_PAGE)) == 1


# --- a metadata file that does not match its hash -----------------------------------------------


def tamper_metadata(server: StreamingIndexServer) -> None:
    """The index serves metadata that is not what the page's hash names: as the PEP 658 file
    and inside the wheel (whose METADATA wheelfit uses instead when it matches the hash)."""
    evil = metadata("broken", "1.0", requires=["evil-extra"])
    server.route("/files/broken-1.0-py3-none-any.whl.metadata", evil)
    server.route("/files/broken-1.0-py3-none-any.whl", wheel("broken", "1.0", evil))


def test_metadata_hash_mismatch_is_reported(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    tamper_metadata(server)
    report = check(index_url, requirements).report()
    assert package(report, "broken")["dependencies_unknown"] is True
    assert "metadata does not match its hash" in reasons(report, "broken")
    assert statuses(report, "healthy") == {"pure-wheel"}


def test_metadata_hash_mismatch_is_never_trusted(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    tamper_metadata(server)
    report = check(index_url, requirements).report()
    assert "evil-extra" not in {p["name"] for p in report["packages"]}
    assert not server.hits_for("/simple/evil-extra/")


def test_metadata_hash_mismatch_makes_the_report_incomplete(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    tamper_metadata(server)
    result = check(index_url, requirements)
    assert result.code == 6
    assert result.report()["complete"] is False


def test_metadata_hash_mismatch_reason_in_markdown(
    server: StreamingIndexServer, index_url: str, requirements: Path
) -> None:
    tamper_metadata(server)
    result = run_main(check_args(index_url, requirements, fmt="markdown"))
    assert "does not match its hash" in result.out


# --- exit 5 vs 6: the first project ------------------------------------------------------------


@pytest.fixture
def broken_first(hermetic: Path) -> Path:
    path = hermetic / "requirements.txt"
    path.write_text("broken==1.0\nhealthy==1.0\n")
    return path


def test_unreachable_index_exits_5(requirements: Path) -> None:
    result = check(CLOSED_URL, requirements, retries=0)
    assert result.code == 5
    assert result.out == ""
    assert "connection failed" in result.err


@pytest.mark.parametrize("code", [502, 503])
def test_gateway_error_on_first_project_exits_5(
    server: StreamingIndexServer, index_url: str, broken_first: Path, code: int,
    sleeps: list[float],
) -> None:
    queue(server, Status(code), 10)
    result = check(index_url, broken_first)
    assert result.code == 5
    assert f"HTTP {code}" in result.err


def test_timeout_on_first_project_exits_5(
    server: StreamingIndexServer, index_url: str, broken_first: Path
) -> None:
    queue(server, Slow(1.5), 2)
    result = check(index_url, broken_first, retries=1, timeout=0.3)
    assert result.code == 5
    assert "timed out" in result.err


def test_500_on_first_project_is_an_answer_exit_6(
    server: StreamingIndexServer, index_url: str, broken_first: Path, sleeps: list[float]
) -> None:
    queue(server, Status(500), 10)
    assert_broken_unknown(check(index_url, broken_first), "HTTP 500")


def test_exit_5_error_says_what_to_do(requirements: Path) -> None:
    result = check(CLOSED_URL, requirements, retries=0)
    assert "--index-url" in result.err and "--offline" in result.err
