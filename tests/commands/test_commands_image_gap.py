"""A Python and release the official images never had together (python 3.8 on trixie, 3.8
on alpine3.22, 3.14 on bullseye): the run says so early on stderr, the report carries the
nearest published tag, and no output names the unpublished pair's tag as something to use."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_inprocess import Run

GAP_FLAGS = ("--python", "3.8", "--debian", "trixie", "--alpine", "3.22")
SLIM_SENTENCE = ("no official python 3.8 image exists for Debian trixie (python 3.8's images "
                 "ended before Debian trixie's began); the nearest published one is "
                 "python:3.8.20-slim-bookworm: check it with --debian bookworm")


@pytest.fixture
def inputs(work: Path) -> Path:
    path = work / "requirements.txt"
    path.write_text("idna==3.7\n", encoding="utf-8")
    return path


def test_stderr_says_it_once_per_target(wheelfit: Callable[..., Run], inputs: Path) -> None:
    done = wheelfit(str(inputs), *GAP_FLAGS)
    assert done.code == 0, done.err
    assert done.err.count(f"wheelfit: warning: slim: {SLIM_SENTENCE}\n") == 1
    assert "wheelfit: warning: alpine: no official python 3.8 image exists for Alpine 3.22" \
        in done.err and "python:3.8.20-alpine3.20: check it with --alpine 3.20" in done.err


def test_a_published_pair_says_nothing(wheelfit: Callable[..., Run], inputs: Path) -> None:
    done = wheelfit(str(inputs), "--python", "3.8", "--debian", "bookworm")
    assert done.code == 0, done.err
    assert "no official" not in done.err + done.out


def test_json_carries_the_nearest_published_tag(wheelfit: Callable[..., Run],
                                                inputs: Path) -> None:
    done = wheelfit(str(inputs), "--python", "3.14", "--debian", "bullseye", "--format", "json")
    targets = {t["name"]: t for t in json.loads(done.out)["targets"]}
    assert targets["slim"]["nearest_published"] == "python:3.14.7-slim-bookworm"
    assert "nearest_published" not in targets["alpine"]


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_no_format_recommends_the_unpublished_tag(wheelfit: Callable[..., Run], inputs: Path,
                                                  fmt: str) -> None:
    done = wheelfit(str(inputs), *GAP_FLAGS, "--format", fmt)
    assert done.code == 0, done.err
    for never in ("python:3.8.20-slim-trixie", "python:3.8.20-alpine3.22"):
        assert never not in done.out


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_shows_the_nearest_tag(wheelfit: Callable[..., Run], inputs: Path,
                                            fmt: str) -> None:
    done = wheelfit(str(inputs), *GAP_FLAGS, "--format", fmt)
    assert "python:3.8.20-slim-bookworm" in done.out and "python:3.8.20-alpine3.20" in done.out


def test_the_recommendation_names_the_nearest_tag(wheelfit: Callable[..., Run],
                                                  inputs: Path) -> None:
    done = wheelfit(str(inputs), *GAP_FLAGS, "--format", "json")
    sentence = json.loads(done.out)["recommendation"]["sentence"]
    assert sentence.startswith("Use slim: ")
    assert sentence.endswith(f"But {SLIM_SENTENCE}.")


@pytest.mark.parametrize("variant", ["slim", "slim-multistage", "alpine", "alpine-cleanup",
                                     "alpine-multistage"])
def test_the_dockerfile_takes_the_image_as_a_build_argument(
        wheelfit: Callable[..., Run], inputs: Path, variant: str) -> None:
    done = wheelfit(str(inputs), *GAP_FLAGS, "--variant", variant, command="dockerfile")
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    froms = [line for line in lines if line.startswith("FROM ")]
    assert froms and all(f.split()[1] == "${PYTHON_IMAGE}" for f in froms)
    assert lines.index("ARG PYTHON_IMAGE") < lines.index(froms[0])
    assert any(line.startswith("# No official python 3.8 image exists for ") for line in lines)


def test_a_published_pair_keeps_its_pinned_tag(wheelfit: Callable[..., Run],
                                               inputs: Path) -> None:
    done = wheelfit(str(inputs), "--python", "3.8", "--debian", "bookworm", "--variant", "slim",
                    command="dockerfile")
    assert "FROM python:3.8.20-slim-bookworm\n" in done.out and "ARG" not in done.out
