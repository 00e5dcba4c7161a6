"""`wheelfit check --exact-bytecode` end to end against the loopback index: the computed
.pyc bytes equal compiling the recorded wheels' files directly, and they are cached."""

from __future__ import annotations

import marshal
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formats.schema_check import assert_valid_report
from loopback import LoopbackIndex
from wheelfit.cli import cli
from wheelfit.index.wheelsummary import compiled_by_pip

RECORDED = Path(__file__).resolve().parents[1] / "recorded" / "files"
HOST = ".".join(str(n) for n in sys.version_info[:2])
HOST_FULL = ".".join(str(n) for n in sys.version_info[:3])
PINS = {"idna": "idna-3.7-py3-none-any.whl", "certifi": "certifi-2024.6.2-py3-none-any.whl"}


def direct(wheel: str) -> int:
    """The .pyc bytes of a recorded wheel, compiled here with zipfile's reading of it."""
    total = 0
    with zipfile.ZipFile(RECORDED / wheel) as archive:
        for name in archive.namelist():
            if compiled_by_pip(name):
                path = f"/usr/local/lib/python{HOST}/site-packages/{name}"
                code = compile(archive.read(name), path, "exec", dont_inherit=True)
                total += 16 + len(marshal.dumps(code))
    return total


def run(index: LoopbackIndex, tmp_path: Path, *extra: str) -> dict[str, Any]:
    req = tmp_path / "requirements.txt"
    req.write_text("idna==3.7\ncertifi==2024.6.2\n")
    result = CliRunner().invoke(cli, [
        "check", str(req), "--format", "json", "--index-url", index.url, "--python", HOST,
        "--target", "slim", "--cache-dir", str(tmp_path / "cache"), "--retries", "0", *extra,
    ], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = assert_valid_report(result.stdout)
    return report


def bytecode_line(report: dict[str, Any]) -> str:
    basis = report["estimate"]["variants"][0]["basis"]
    return next(line for line in basis if line.startswith("bytecode:"))


def test_the_flag_computes_each_wheels_bytecode(fresh_index_server: LoopbackIndex,
                                               tmp_path: Path) -> None:
    report = run(fresh_index_server, tmp_path, "--exact-bytecode")
    got = {p["name"]: p["verdicts"]["slim"]["bytecode"]["pyc_bytes"] for p in report["packages"]}
    assert got == {name: direct(wheel) for name, wheel in PINS.items()}


def test_the_basis_line_names_the_method_and_the_interpreter(
        fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    line = bytecode_line(run(fresh_index_server, tmp_path, "--exact-bytecode"))
    assert f"(exact: compiled 11 .py files of 2 package(s) with CPython {HOST}." in line


def test_without_the_flag_the_report_has_no_bytecode_key(fresh_index_server: LoopbackIndex,
                                                         tmp_path: Path) -> None:
    report = run(fresh_index_server, tmp_path)
    assert all("bytecode" not in p["verdicts"]["slim"] for p in report["packages"])
    assert "calibrated on real CPython 3.11 installs" in bytecode_line(report)


def test_a_second_run_takes_the_sizes_from_the_cache(fresh_index_server: LoopbackIndex,
                                                     tmp_path: Path) -> None:
    first = run(fresh_index_server, tmp_path, "--exact-bytecode")
    second = run(fresh_index_server, tmp_path, "--exact-bytecode", "--offline")
    assert bytecode_line(second) == bytecode_line(first)
    assert not [p for p in second["problems"] if "--exact-bytecode" in p["message"]]


def test_offline_without_a_cached_size_the_ratio_stands_in_with_a_note(
        fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    run(fresh_index_server, tmp_path)  # pages and file lists cached, no bytecode
    report = run(fresh_index_server, tmp_path, "--exact-bytecode", "--offline")
    notes = [p["message"] for p in report["problems"] if "--exact-bytecode" in p["message"]]
    assert len(notes) == 2 and "estimated by the ratio" in notes[0]
    assert "calibrated on real CPython 3.11 installs" in bytecode_line(report)


def test_another_minor_without_its_python_is_compiled_by_the_host_and_said_so(
        fresh_index_server: LoopbackIndex, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no python3.9 anywhere
    req = tmp_path / "requirements.txt"
    req.write_text("idna==3.7\n")
    result = CliRunner().invoke(cli, [
        "check", str(req), "--format", "json", "--index-url", fresh_index_server.url,
        "--python", "3.9", "--target", "slim", "--cache-dir", str(tmp_path / "cache"),
        "--retries", "0", "--exact-bytecode"], catch_exceptions=False)
    report = assert_valid_report(result.stdout)
    bytecode = report["packages"][0]["verdicts"]["slim"]["bytecode"]
    assert (bytecode["exact"], bytecode["python"]) == (False, HOST_FULL)
    assert "(host; no CPython 3.9 found on PATH), not scaled" in bytecode_line(report)
