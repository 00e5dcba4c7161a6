"""`-v` shows what its help promises: request lines with method, URL, status, bytes, ms and
the cache's part; the settings file used (issue 17 item 6)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from cli_inprocess import Run

LINE = re.compile(r"^wheelfit: wheelfit\.http: GET http://127\.0\.0\.1:\d+/\S+ → 200, "
                  r"\d+ bytes, \d+ ms \(cache: miss(?:; gzip as sent)?\)$", re.MULTILINE)


def test_verbose_logs_each_request(wheelfit: Callable[..., Run], work: Path) -> None:
    path = work / "requirements.txt"
    path.write_text("idna==3.7\n", encoding="utf-8")
    result = wheelfit(str(path), "-v", "--format", "json")
    assert LINE.search(result.err), result.err


def test_second_run_logs_cache_hits(wheelfit: Callable[..., Run], work: Path) -> None:
    path = work / "requirements.txt"
    path.write_text("idna==3.7\n", encoding="utf-8")
    wheelfit(str(path), "--format", "json")
    result = wheelfit(str(path), "-v", "--format", "json")
    assert re.search(r"wheelfit\.cache: cache: hit http://\S+/idna/ \(fresh\)", result.err)


def test_without_verbose_no_request_lines(wheelfit: Callable[..., Run], work: Path) -> None:
    path = work / "requirements.txt"
    path.write_text("idna==3.7\n", encoding="utf-8")
    assert "GET " not in wheelfit(str(path), "--format", "json").err


def test_credentials_in_request_lines_are_redacted(index_server: object, work: Path) -> None:
    from cli_inprocess import run_main

    url = index_server.url.replace("http://", "http://me:t0ps3cret@")  # type: ignore[attr-defined]
    path = work / "requirements.txt"
    path.write_text("idna==3.7\n", encoding="utf-8")
    result = run_main(["check", str(path), "-v", "--format", "json", "--index-url", url,
                       "--cache-dir", str(work.parent / "cache2"), "--retries", "0"])
    assert "GET " in result.err and "t0ps3cret" not in result.err
