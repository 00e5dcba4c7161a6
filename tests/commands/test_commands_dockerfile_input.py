"""A Dockerfile given to `check` (the pre-commit hook passes changed Dockerfiles) stands for
the dependency file beside it (issue 17 item 8)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cli_inprocess import Run
from wheelfit.errors import ExitCode


def test_a_dockerfile_checks_its_services_file(wheelfit: Callable[..., Run], work: Path) -> None:
    (work / "requirements.txt").write_text("idna==3.7\n", encoding="utf-8")
    (work / "Dockerfile").write_text("FROM python:3.12-slim\n", encoding="utf-8")
    result = wheelfit(str(work / "Dockerfile"), "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["input"] == str(work / "requirements.txt")


def test_a_dockerfile_and_its_file_are_checked_once(wheelfit: Callable[..., Run],
                                                    work: Path) -> None:
    (work / "requirements.txt").write_text("idna==3.7\n", encoding="utf-8")
    (work / "Dockerfile").write_text("FROM python:3.12-slim\n", encoding="utf-8")
    result = wheelfit(str(work / "Dockerfile"), str(work / "requirements.txt"),
                      "--format", "json")
    assert json.loads(result.out)["input"] == str(work / "requirements.txt")


def test_a_lone_dockerfile_is_an_input_error(wheelfit: Callable[..., Run], work: Path) -> None:
    (work / "Dockerfile").write_text("FROM python:3.12-slim\n", encoding="utf-8")
    result = wheelfit(str(work / "Dockerfile"))
    assert result.code == ExitCode.INPUT
    assert "its folder holds none" in result.err and "Dockerfile" in result.err
