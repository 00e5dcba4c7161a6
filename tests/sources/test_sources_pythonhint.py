"""The Python hint: requires-python rule (table), .python-version, Dockerfile, priority."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet

from wheelfit.sources import load_spec
from wheelfit.sources.pythonhint import (
    dockerfile,
    from_poetry_python,
    from_requires_python,
    lowest_minor,
    python_version_file,
)

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "data" / "sources" / "lowest_minor.yaml")
    .read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[c["spec"] for c in CASES])
def test_lowest_minor(case: dict[str, Any]) -> None:
    assert lowest_minor(SpecifierSet(case["spec"])) == case["minor"]


def test_requires_python_source_sentence() -> None:
    hint = from_requires_python(">=3.11", 'requires-python ">=3.11" in pyproject.toml')
    assert hint is not None and hint.source == 'requires-python ">=3.11" in pyproject.toml'


def test_requires_python_invalid_gives_none() -> None:
    assert from_requires_python(">=three", "x") is None


def test_requires_python_empty_gives_none() -> None:
    assert from_requires_python("", "x") is None


def test_poetry_python_union_takes_the_lowest() -> None:
    hint = from_poetry_python("~2.7 || ^3.9", "x")
    assert hint is not None and hint.version == "3.9"


def test_poetry_python_star_gives_none() -> None:
    assert from_poetry_python("*", "x") is None


@pytest.mark.parametrize(("text", "version"), [
    ("3.11\n", "3.11"), ("3.11.4\n", "3.11.4"), ("# pinned\n\n3.12\n", "3.12"),
    ("cpython-3.13.1\n", "3.13.1"), ("3.13t\n", "3.13"),
])
def test_python_version_file(tmp_path: Path, text: str, version: str) -> None:
    (tmp_path / ".python-version").write_text(text, encoding="utf-8")
    hint = python_version_file(tmp_path / ".python-version", ".python-version")
    assert hint is not None and hint.version == version


def test_python_version_file_source_names_the_line(tmp_path: Path) -> None:
    (tmp_path / ".python-version").write_text("# c\n3.12\n", encoding="utf-8")
    hint = python_version_file(tmp_path / ".python-version", "svc/.python-version")
    assert hint is not None and hint.source == "3.12 in svc/.python-version:2"


def test_python_version_file_with_pypy_gives_none(tmp_path: Path) -> None:
    (tmp_path / ".python-version").write_text("pypy3.10\n", encoding="utf-8")
    assert python_version_file(tmp_path / ".python-version", "x") is None


def write_dockerfile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    return path


def test_dockerfile_from_line(tmp_path: Path) -> None:
    hint = dockerfile(write_dockerfile(tmp_path, "FROM python:3.11-slim\n"), "Dockerfile")
    assert hint is not None
    assert (hint.version, hint.source) == ("3.11", "FROM python:3.11-slim in Dockerfile:1")


def test_dockerfile_last_python_stage_wins(tmp_path: Path) -> None:
    text = ("FROM python:3.12-bookworm AS build\nRUN pip wheel .\n"
            "FROM --platform=linux/amd64 docker.io/library/python:3.11.9-alpine3.20\n")
    hint = dockerfile(write_dockerfile(tmp_path, text), "Dockerfile")
    assert hint is not None and hint.version == "3.11.9"


def test_dockerfile_arg_default_is_substituted(tmp_path: Path) -> None:
    text = "ARG PYTHON_VERSION=3.12\nFROM python:${PYTHON_VERSION}-slim\n"
    hint = dockerfile(write_dockerfile(tmp_path, text), "Dockerfile")
    assert hint is not None and hint.source == "FROM python:3.12-slim in Dockerfile:2"


def test_dockerfile_without_python_base_gives_none(tmp_path: Path) -> None:
    text = "FROM ubuntu:24.04\nFROM python:latest\n"
    assert dockerfile(write_dockerfile(tmp_path, text), "Dockerfile") is None


def test_neighbourhood_python_version_file_used_by_load_spec(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    (tmp_path / ".python-version").write_text("3.10\n", encoding="utf-8")
    write_dockerfile(tmp_path, "FROM python:3.12-slim\n")
    spec = load_spec(tmp_path / "requirements.txt", environ={})
    assert spec.python is not None and spec.python.version == "3.10"


def test_neighbourhood_dockerfile_used_when_no_python_version(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    write_dockerfile(tmp_path, "FROM python:3.12-slim\n")
    spec = load_spec(tmp_path / "requirements.txt", environ={})
    assert spec.python is not None and spec.python.version == "3.12"


def test_files_own_requires_python_beats_the_neighbourhood(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.13"\n', encoding="utf-8")
    (tmp_path / ".python-version").write_text("3.10\n", encoding="utf-8")
    spec = load_spec(tmp_path / "pyproject.toml", environ={})
    assert spec.python is not None and spec.python.version == "3.13"


def test_no_hint_anywhere(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    assert load_spec(tmp_path / "requirements.txt", environ={}).python is None
