"""A wall-clock bound on one in-process CLI run, for the fuzz and hostile-input tests.

At `WALL_SECONDS` a SIGALRM handler raises `Hang` in the main thread, so the test fails
with the input instead of hanging the suite; if even that cannot interrupt the run (a C
call that never returns), faulthandler prints every thread's stack and ends the process
at `HARD_KILL_SECONDS`.
"""

from __future__ import annotations

import faulthandler
import signal
import time
from collections.abc import Sequence
from types import FrameType

from reliability_support import CliResult, run_main

WALL_SECONDS = 10.0  # inputs take ~0.05 s; a loaded 2-core box needs a wide margin
HARD_KILL_SECONDS = 60.0


class Hang(BaseException):
    """Raised by the watchdog (a BaseException: no `except Exception` can swallow it)."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang(f"one input ran past {WALL_SECONDS} s")


def run_bounded(args: Sequence[str]) -> tuple[CliResult, float]:
    """`run_main(args)` under the watchdog; the result and the wall time it took."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    faulthandler.dump_traceback_later(HARD_KILL_SECONDS, exit=True)
    signal.setitimer(signal.ITIMER_REAL, WALL_SECONDS)
    start = time.monotonic()
    try:
        return run_main(args), time.monotonic() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)
