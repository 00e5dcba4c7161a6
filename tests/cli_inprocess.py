"""Run the real CLI (`wheelfit.cli.main`) in this process, stdout and stderr captured
(shared by the command tests)."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

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
