"""With --exclude-newer and no release named by a flag or a FROM line, the targets take the
Debian / Alpine release the python image used on that date, and the report says which and
why (against the loopback index)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from loopback import LoopbackIndex
from wheelfit.cli import cli


def check(index: LoopbackIndex, tmp_path: Path, *args: str) -> dict[str, Any]:
    (tmp_path / "requirements.txt").write_text("PySocks==1.7.1\n")
    result = CliRunner().invoke(cli, [
        "check", str(tmp_path / "requirements.txt"), "--index-url", index.url,
        "--cache-dir", str(tmp_path / "cache"), "--retries", "0", "--format", "json",
        *args], catch_exceptions=False)
    assert result.stdout.startswith("{"), result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def releases(doc: dict[str, Any]) -> dict[str, str]:
    return {t["name"]: t["release"] for t in doc["targets"]}


def notes(doc: dict[str, Any]) -> str:
    return " | ".join(p["message"] for p in doc["problems"] if p["kind"] == "note")


def test_the_date_picks_the_release_of_that_day(fresh_index_server: LoopbackIndex,
                                                tmp_path: Path) -> None:
    doc = check(fresh_index_server, tmp_path, "--python", "3.13",
                "--exclude-newer", "2025-06-01")
    assert releases(doc) == {"slim": "bookworm", "alpine": "3.22"}
    assert "python:3.13-slim meant bookworm on 2025-06-01" in notes(doc)


def test_a_release_older_than_the_tables_is_named_in_the_report(
        fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    doc = check(fresh_index_server, tmp_path, "--python", "3.10",
                "--exclude-newer", "2022-06-01")
    assert releases(doc) == {"slim": "bullseye", "alpine": "3.18"}
    assert "python:3.10-alpine meant alpine3.16 on 2022-06-01" in notes(doc)


def test_bullseye_and_alpine_3_18_are_targets_of_their_own(
        fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    doc = check(fresh_index_server, tmp_path, "--python", "3.11",
                "--exclude-newer", "2023-06-01")
    assert releases(doc) == {"slim": "bullseye", "alpine": "3.18"}
    libc = {t["name"]: t["libc_version"] for t in doc["targets"]}
    assert libc == {"slim": "2.31", "alpine": "1.2.4"}


def test_a_release_flag_wins_over_the_date(fresh_index_server: LoopbackIndex,
                                           tmp_path: Path) -> None:
    doc = check(fresh_index_server, tmp_path, "--python", "3.13", "--debian", "trixie",
                "--exclude-newer", "2025-06-01")
    assert releases(doc)["slim"] == "trixie"
    assert "python:3.13-slim meant" not in notes(doc)


def test_bullseye_can_be_named_by_the_flag(fresh_index_server: LoopbackIndex,
                                           tmp_path: Path) -> None:
    doc = check(fresh_index_server, tmp_path, "--python", "3.11", "--debian", "bullseye")
    assert releases(doc)["slim"] == "bullseye"
    assert {t["name"]: t["libc_version"] for t in doc["targets"]}["slim"] == "2.31"
