"""The acceptance table: every case in tests/cases/ through the real pipeline and the
loopback replay of recorded PyPI data (JSON API, HTML-only API, and a file:// tree)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from case_runner import CASES, CASES_DIR, run_case
from loopback import FileIndex, LoopbackIndex
from wheelfit.model import Report

# Cases without an upload-time cut-off also hold on an HTML-only index (no PEP 700 fields).
HTML_CASES = [c for c in CASES if "exclude_newer" not in c.read_text()]


def assert_matches(report: Report, case: dict[str, Any]) -> None:
    if case.get("resolution") == "impossible":
        conflicts = [p.message for p in report.problems if p.kind == "conflict"]
        assert conflicts, "expected a conflict"
        for name in case.get("conflict", []):
            assert all(name in message for message in conflicts), conflicts
        assert all(p.unresolved for p in report.packages if p.direct)
        if "expected" not in case:
            return
    if "complete" in case:
        assert report.complete is case["complete"], report.problems
    expected = case["expected"]
    assert sorted(p.name for p in report.packages) == sorted(expected)
    for pkg in report.packages:
        for target, want in expected[pkg.name].items():
            got = pkg.verdicts[target]
            assert got.status.value == want["status"], (pkg.name, target, got)
            if "version" in want:
                assert got.version == str(want["version"]), (pkg.name, target)
            if "file" in want:
                assert got.file == want["file"], (pkg.name, target)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_on_json_index(path: Path, index_server: LoopbackIndex, tmp_path: Path) -> None:
    index_server.restore_defaults()
    assert_matches(run_case(yaml.safe_load(path.read_text()), index_server.url, tmp_path),
                   yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("path", HTML_CASES, ids=[p.stem for p in HTML_CASES])
def test_case_on_html_only_index(path: Path, index_server_factory: Any, tmp_path: Path) -> None:
    server = index_server_factory(html_only=True)
    case = yaml.safe_load(path.read_text())
    assert_matches(run_case(case, server.url, tmp_path), case)


@pytest.mark.parametrize("name", ["musllinux-1-1-only", "binary-twin", "not-found"])
def test_case_on_file_index(name: str, file_index: FileIndex, tmp_path: Path) -> None:
    case = yaml.safe_load((CASES_DIR / f"{name}.yaml").read_text())
    assert_matches(run_case(case, file_index.url, tmp_path), case)


def test_conflict_names_both_requirements_and_their_origins(
    index_server: LoopbackIndex, tmp_path: Path
) -> None:
    case = yaml.safe_load((CASES_DIR / "conflict.yaml").read_text())
    report = run_case(case, index_server.url, tmp_path)
    message = next(p.message for p in report.problems if p.kind == "conflict")
    assert "urllib3==1.20" in message and "requirements.txt:2" in message
    assert "required by requests 2.32.3" in message


def test_conflict_still_judges_the_pins_written_in_the_file(
    index_server: LoopbackIndex, tmp_path: Path
) -> None:
    case = yaml.safe_load((CASES_DIR / "conflict.yaml").read_text())
    report = run_case(case, index_server.url, tmp_path)
    verdicts = {p.name: p.verdicts["alpine"] for p in report.packages}
    assert verdicts["requests"].version == "2.32.3"
    assert verdicts["urllib3"].version == "1.20"
