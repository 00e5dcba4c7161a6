"""`[tool.wheelfit]`, `WHEELFIT_*` and their precedence (issue 17 item 5), and `-V`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_inprocess import Run, run_main
from wheelfit.commands.config import find_pyproject, load_config, read_config
from wheelfit.errors import ExitCode, InputFileError


def pyproject(folder: Path, table: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(f"[tool.wheelfit]\n{table}\n", encoding="utf-8")
    return path


@pytest.fixture
def requirements(work: Path) -> Path:
    path = work / "requirements.txt"
    path.write_text("idna==3.7\n", encoding="utf-8")
    return path


def python_of(result: Run) -> str:
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    return str(doc["targets"][0]["python"])


def test_pyproject_python_is_used(wheelfit: Callable[..., Run], work: Path,
                                  requirements: Path) -> None:
    pyproject(work, 'python = "3.11"')
    assert python_of(wheelfit(str(requirements), "--format", "json")) == "3.11"


def test_the_report_says_the_python_came_from_the_file(
        wheelfit: Callable[..., Run], work: Path, requirements: Path) -> None:
    path = pyproject(work, 'python = "3.11"')
    doc = json.loads(wheelfit(str(requirements), "--format", "json").out)
    assert doc["python_source"] == f"{path} [tool.wheelfit]"


def test_environment_beats_pyproject(wheelfit: Callable[..., Run], work: Path,
                                     requirements: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pyproject(work, 'python = "3.11"')
    monkeypatch.setenv("WHEELFIT_PYTHON", "3.10")
    assert python_of(wheelfit(str(requirements), "--format", "json")) == "3.10"


def test_command_line_beats_environment(wheelfit: Callable[..., Run], requirements: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHEELFIT_PYTHON", "3.10")
    result = wheelfit(str(requirements), "--format", "json", "--python", "3.13")
    assert python_of(result) == "3.13"


def test_pyproject_format_and_targets(wheelfit: Callable[..., Run], work: Path,
                                      requirements: Path) -> None:
    pyproject(work, 'format = "json"\ntargets = ["alpine"]')
    doc = json.loads(wheelfit(str(requirements)).out)
    assert [t["name"] for t in doc["targets"]] == ["alpine"]


def test_nearest_pyproject_up_to_the_git_root(work: Path) -> None:
    pyproject(work, 'arch = "aarch64"')
    deep = work / "a" / "b"
    deep.mkdir(parents=True)
    (work / "a" / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert find_pyproject(deep) == work / "pyproject.toml"


def test_nothing_above_the_git_root_is_read(work: Path) -> None:
    pyproject(work.parent, 'arch = "aarch64"')
    assert find_pyproject(work) is None


def test_verbose_names_the_file_used(wheelfit: Callable[..., Run], work: Path,
                                     requirements: Path) -> None:
    path = pyproject(work, 'python = "3.11"')
    result = wheelfit(str(requirements), "-v", "--format", "json")
    assert f"wheelfit: settings: {path} [tool.wheelfit]" in result.err


@pytest.mark.parametrize(("table", "needle"), [
    ('colour = "red"', "unknown key 'colour'"),
    ('python = "three"', "python: expected a version"),
    ('arch = "sparc"', "arch: expected one of x86_64, aarch64"),
    ('targets = ["debian"]', "targets: expected a list"),
    ('fail-on = ["alpine:explodes"]', "fail-on: expected"),
    ('format = "pdf"', "format: expected one of text, json"),
    ('outputs = { pdf = "r.pdf" }', "unknown format 'pdf'"),
])
def test_a_bad_setting_names_file_and_key(work: Path, table: str, needle: str) -> None:
    path = pyproject(work, table)
    with pytest.raises(InputFileError) as caught:
        read_config(path)
    assert caught.value.exit_code == ExitCode.INPUT
    assert str(path) in caught.value.message and needle in caught.value.message


def test_index_url_with_credentials_is_refused(work: Path) -> None:
    path = pyproject(work, 'index-url = "https://bob:s3cret@pypi.example/simple/"')
    with pytest.raises(InputFileError, match="without credentials") as caught:
        read_config(path)
    assert "s3cret" not in str(caught.value) and "netrc" in caught.value.message


def test_a_bad_setting_exits_3_through_the_cli(wheelfit: Callable[..., Run], work: Path,
                                               requirements: Path) -> None:
    pyproject(work, 'colour = "red"')
    result = wheelfit(str(requirements))
    assert result.code == ExitCode.INPUT and "unknown key 'colour'" in result.err
    assert "Traceback" not in result.err


def test_paths_are_relative_to_the_file(work: Path) -> None:
    pyproject(work, 'mapping = "ops/mapping.yaml"\noutputs = { json = "out/r.json" }')
    (work / "sub").mkdir()
    values = dict(load_config(work / "sub").values)
    assert values["mapping_path"] == work / "ops" / "mapping.yaml"
    assert values["outputs"] == (f"json={work / 'out' / 'r.json'}",)


def test_fail_on_from_the_environment(wheelfit: Callable[..., Run], work: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = work / "requirements.txt"
    path.write_text("wheelfit-no-such-project==1.0\n", encoding="utf-8")
    monkeypatch.setenv("WHEELFIT_FAIL_ON", "any:not-found")
    assert wheelfit(str(path)).code == ExitCode.POLICY


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_flags(flag: str) -> None:
    result = run_main([flag])
    assert result.code == 0 and result.out.startswith("wheelfit, version ")
