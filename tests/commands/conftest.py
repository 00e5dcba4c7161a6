"""Fixtures of the command tests: the real CLI (`wheelfit.cli.main`) run in this process
against the loopback index, from a working folder of the test's own."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from loopback import LoopbackIndex
from wheelfit.cli import main


@dataclass(frozen=True)
class Run:
    """Exit code, stdout and stderr of one CLI run."""

    code: int
    out: str
    err: str


def run_main(args: list[str]) -> Run:
    """`main(args)` with stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        else:
            code = 0
    return Run(code, out.getvalue(), err.getvalue())


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
