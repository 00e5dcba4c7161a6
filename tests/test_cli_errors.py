"""Bad input gives one paragraph naming the file/line or URL, the right exit code, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import assert_clean_error, run_cli


def test_missing_file(tmp_path: Path) -> None:
    result = run_cli("check", "nope.txt", cwd=tmp_path)
    assert_clean_error(result, 3, "nope.txt")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    result = run_cli("check", "svc", cwd=tmp_path)
    assert_clean_error(result, 3, "svc")


def test_binary_junk(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes(b"\x00\xff\xfe junk \x89PNG")
    result = run_cli("check", "requirements.txt", cwd=tmp_path)
    assert_clean_error(result, 3, "requirements.txt")


def test_unparsable_line_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("six==1.16.0\nthis is not ! a requirement\n")
    result = run_cli("check", "requirements.txt", cwd=tmp_path)
    assert_clean_error(result, 3, "requirements.txt:2")


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("check", "--frobnicate", "requirements.txt", cwd=tmp_path)
    assert_clean_error(result, 2, "--frobnicate")


def test_bad_python_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("six==1.16.0\n")
    result = run_cli("check", "--python", "2.7", "requirements.txt", cwd=tmp_path)
    assert_clean_error(result, 2, "--python")


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/simple", "http://user:s3cret@127.0.0.1:9/simple"])
def test_unreachable_index(tmp_path: Path, url: str) -> None:
    (tmp_path / "requirements.txt").write_text("six==1.16.0\n")
    result = run_cli("check", "--retries", "0", "--timeout", "2", "--index-url", url,
                     "requirements.txt", cwd=tmp_path)
    assert_clean_error(result, 5, "127.0.0.1")
    assert "s3cret" not in result.stderr + result.stdout
