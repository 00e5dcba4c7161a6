"""An unversioned python tag in FROM (`python:slim`, `python:alpine`) means, with
--exclude-newer, the Python it meant on that date; the report says so and names the image row
of that date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from loopback import LoopbackIndex
from wheelfit.cli import cli

CASES = [
    ("python:alpine", "2025-01-15", "3.13"),
    ("python:slim", "2024-10-06", "3.12"),
    ("python:3-slim", "2024-06-01", "3.12"),
    ("python:alpine", "2026-12-07", "3.14"),
]


def check(index: LoopbackIndex, tmp_path: Path, base: str, cutoff: str) -> dict[str, object]:
    folder = tmp_path / "svc"
    folder.mkdir()
    (folder / "Dockerfile").write_text(
        f"FROM {base}\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n")
    (folder / "requirements.txt").write_text("idna==3.7\n")
    result = CliRunner().invoke(cli, [
        "check", str(folder / "Dockerfile"), "--index-url", index.url, "--cache-dir",
        str(tmp_path / "cache"), "--retries", "0", "--exclude-newer", cutoff,
        "--format", "json"], catch_exceptions=False)
    assert result.stdout.startswith("{"), result.output  # the report, whatever it found
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


@pytest.mark.parametrize(("base", "cutoff", "python"), CASES)
def test_unversioned_from_takes_the_python_of_the_exclude_newer_date(
        fresh_index_server: LoopbackIndex, tmp_path: Path, base: str, cutoff: str,
        python: str) -> None:
    doc = check(fresh_index_server, tmp_path, base, cutoff)
    targets = doc["targets"]
    assert isinstance(targets, list)
    assert {t["python"] for t in targets} == {python}


def test_the_python_source_says_what_the_tag_meant_then(fresh_index_server: LoopbackIndex,
                                                        tmp_path: Path) -> None:
    doc = check(fresh_index_server, tmp_path, "python:alpine", "2025-01-15")
    assert "on 2025-01-15 the unversioned python tags meant Python 3.13" in str(
        doc["python_source"])
