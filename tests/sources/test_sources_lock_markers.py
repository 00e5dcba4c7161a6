"""Selection markers through the real CLI: pipenv's `'dev' in dependency_groups` with
`--dev`, and a marker variable no target defines as an input error (exit 3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_runner import assert_clean_error, run_cli
from loopback import LoopbackIndex

REAL_LOCK = Path(__file__).resolve().parents[1] / "data/sources/locks/pipenv-real/Pipfile.lock"


def test_real_pipenv_lock_with_dev_reports_every_package(
    index_server: LoopbackIndex, tmp_path: Path
) -> None:
    shutil.copy(REAL_LOCK, tmp_path / "Pipfile.lock")
    result = run_cli("check", "Pipfile.lock", "--dev", "--format", "json", "--retries", "0",
                     "--python", "3.12", "--index-url", index_server.url, cwd=tmp_path)
    # the loopback index holds few of its projects: the rest are not on it (exit 3)
    assert result.returncode == 3 and "not on the index" in result.stderr, result.stderr
    packages = json.loads(result.stdout)["packages"]
    assert len(packages) == 101  # every locked package of the default and develop groups
    # on Linux + Python 3.12 three markers are false (two win32, one python >= 3.13): listed
    # as not needed on every target, like a direct requirement whose markers exclude it
    not_needed = {p["name"] for p in packages
                  if {v["status"] for v in p["verdicts"].values()} == {"not-required"}}
    assert not_needed == {"atomicwrites", "legacy-cgi", "waitress"}


def test_group_marker_in_requirements_is_an_input_error(
    index_server: LoopbackIndex, tmp_path: Path
) -> None:
    (tmp_path / "requirements.txt").write_text("idna==3.7; 'dev' in dependency_groups\n")
    result = run_cli("check", "requirements.txt", "--retries", "0",
                     "--index-url", index_server.url, cwd=tmp_path)
    assert_clean_error(result, 3, "requirements.txt:1", "dependency_groups")
