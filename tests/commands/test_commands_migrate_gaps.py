"""`dockerfile --diff` says what the plan names no system package for (the Qt 6 sentence of
check's outputs) in the migrated build stage, and says when the official images never had
the target's Python on its release."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from formats.canned import QT6_GAP, with_pyqt6
from loopback import LoopbackIndex
from wheelfit.cli import cli
from wheelfit.commands.migrate import _plan
from wheelfit.model import BuildNeeds

CUTOFF = "2025-01-15T00:00:00Z"


def test_the_plan_carries_the_reports_gaps_once() -> None:
    report = with_pyqt6(BuildNeeds(apt=("libx11-dev",), unknown=(QT6_GAP,)))
    plan = _plan([report, report], "slim")
    assert plan.gaps == (("pyqt6", QT6_GAP),)


def test_a_gap_on_slim_is_not_in_an_alpine_plan() -> None:
    report = with_pyqt6(BuildNeeds(apt=("libx11-dev",), unknown=(QT6_GAP,)))
    assert _plan([report], "alpine").gaps == ()


def test_the_diff_header_says_no_official_image_exists(fresh_index_server: LoopbackIndex,
                                                       tmp_path: Path) -> None:
    folder = tmp_path / "svc"
    folder.mkdir()
    (folder / "Dockerfile").write_text("FROM python:3.8-slim-bookworm\n"
                                       "COPY requirements.txt .\n"
                                       "RUN pip install -r requirements.txt\n")
    (folder / "requirements.txt").write_text("idna==3.7\n")
    result = CliRunner().invoke(cli, [
        "dockerfile", str(folder / "Dockerfile"), "--diff", "--variant", "slim", "--debian",
        "trixie", "--index-url", fresh_index_server.url, "--cache-dir", str(tmp_path / "c"),
        "--retries", "0", "--exclude-newer", CUTOFF], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    header = result.stdout.split("\n---", 1)[0]
    assert "# No official python 3.8 image exists for Debian trixie" in header
    assert "python:3.8.20-slim-bookworm" in header
