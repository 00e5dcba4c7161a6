"""Fixtures of the command tests: the real CLI (`wheelfit.cli.main`) run in this process
against the loopback index, from a working folder of the test's own."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_inprocess import Run, run_main
from loopback import LoopbackIndex


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty git-root folder as the current directory, no WHEELFIT_* variables, colour
    off: nothing of the machine's configuration reaches the run."""
    folder = tmp_path / "project"
    (folder / ".git").mkdir(parents=True)
    monkeypatch.chdir(folder)
    for key in [k for k in os.environ if k.startswith("WHEELFIT_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("NO_COLOR", "1")
    return folder


@pytest.fixture
def wheelfit(index_server: LoopbackIndex, work: Path) -> Callable[..., Run]:
    """`wheelfit(*args)`: a `check` against the loopback index with a private cache."""

    def run(*args: str, command: str = "check", index: bool = True) -> Run:
        extra = ["--index-url", index_server.url] if index else []
        return run_main([command, *args, *extra, "--cache-dir", str(work.parent / "cache"),
                         "--retries", "0"])

    return run
