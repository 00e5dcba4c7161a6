"""`wheelfit mapping export --format pep804` through the real CLI (a subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import assert_clean_error, run_cli


def test_one_ecosystem_is_one_document_on_stdout(tmp_path: Path) -> None:
    result = run_cli("mapping", "export", "--format", "pep804", "--ecosystem", "alpine",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["package_managers"][0]["name"] == "apk"
    assert len(doc["mappings"]) >= 100


def test_both_ecosystems_by_default_as_an_array_written_to_a_file(tmp_path: Path) -> None:
    result = run_cli("mapping", "export", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    docs = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [d["package_managers"][0]["name"] for d in docs] == ["apk", "apt-get"]


def test_a_bad_ecosystem_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("mapping", "export", "--ecosystem", "fedora", cwd=tmp_path)
    assert_clean_error(result, 2, "unknown ecosystem 'fedora'", "--ecosystem debian")


def test_a_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("mapping", "export", "--format", "conda", cwd=tmp_path)
    assert_clean_error(result, 2, "unknown export format 'conda'", "--format pep804")
