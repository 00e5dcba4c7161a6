"""`wheelfit check --format html|sarif` end to end: the real CLI in a subprocess against a
loopback index (127.0.0.1), for one input and for a fleet of them."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_runner import run_cli
from index_builders import metadata, publish, wheel, wheel_name
from index_server import IndexServer


@pytest.fixture
def index_url() -> Iterator[str]:
    """A loopback index with one pure wheel, `healthy`; every other project is a 404."""
    server = IndexServer()
    server.start()
    try:
        meta = metadata("healthy", "1.0")
        name = wheel_name("healthy", "1.0")
        yield publish(server, "healthy", {name: wheel("healthy", "1.0", meta)},
                      meta={name: meta})
    finally:
        server.stop()


def check(tmp_path: Path, index_url: str, fmt: str,
          *inputs: str) -> subprocess.CompletedProcess[str]:
    for name in inputs:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("healthy\nnot-there-pkg\n", encoding="utf-8")
    done = run_cli("check", "--index-url", index_url, "--retries", "1", "--format", fmt,
                   *inputs, cwd=tmp_path, env={"NO_PROXY": "127.0.0.1"})
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_sarif_points_at_the_line_of_a_missing_package(tmp_path: Path, index_url: str) -> None:
    doc = json.loads(check(tmp_path, index_url, "sarif", "requirements.txt").stdout)
    [result] = doc["runs"][0]["results"]
    assert result["ruleId"] == "wheelfit/not-found"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "requirements.txt"}, "region": {"startLine": 2}}


def test_a_fleet_is_one_sarif_run(tmp_path: Path, index_url: str) -> None:
    out = check(tmp_path, index_url, "sarif", "a/requirements.txt", "b/requirements.txt").stdout
    runs = json.loads(out)["runs"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in runs[0]["results"]]
    assert len(runs) == 1 and uris == ["a/requirements.txt", "b/requirements.txt"]


def test_html_is_one_page(tmp_path: Path, index_url: str) -> None:
    out = check(tmp_path, index_url, "html", "requirements.txt").stdout
    assert out.startswith("<!DOCTYPE html>") and out.count("<html") == 1
    assert "not-there-pkg" in out


def test_a_fleet_is_one_html_page(tmp_path: Path, index_url: str) -> None:
    out = check(tmp_path, index_url, "html", "a/requirements.txt", "b/requirements.txt").stdout
    assert out.count("<html") == 1 and "wheelfit fleet report" in out
    assert "a/requirements.txt" in out and "b/requirements.txt" in out
