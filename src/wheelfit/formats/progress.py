"""`Progress`: what `wheelfit check` is doing, on stderr.

On a terminal, a one-line bar redrawn in place. Anywhere else (a CI log, a pipe), plain lines
— stage, steps done/total, seconds elapsed — at most one every `interval` seconds, so a long
run shows it is alive and a short one prints nothing. Apart from `terminal.py` so that a run
in another format does not import the terminal view.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import TextIO

PLAIN_INTERVAL = 5.0


def isatty(stream: TextIO) -> bool:
    """True when the stream is a terminal (False for closed or fake streams)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """Progress on stderr: `Progress(total).advance(label=…)`; `total=0` turns it off.

    Thread-safe (the check runs targets in threads). `close()` (or leaving a `with` block)
    erases the bar so the report that follows starts clean. `TERM=dumb` gets plain lines.
    """

    def __init__(self, total: int, *, label: str = "checking", stream: TextIO | None = None,
                 environ: Mapping[str, str] | None = None, width: int = 24,
                 interval: float = PLAIN_INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        env = environ if environ is not None else os.environ
        self.live = total > 0 and isatty(self.stream) and env.get("TERM") != "dumb"
        self.plain = total > 0 and not self.live
        self.enabled = self.live
        self.total, self.done, self.label, self.width = total, 0, label, width
        self.interval, self.clock = interval, clock
        self.started = self.last_line = clock()
        self._lock = threading.Lock()

    def advance(self, n: int = 1, label: str | None = None) -> None:
        """Count `n` more items done and redraw (optionally with a new label)."""
        with self._lock:
            self.done = min(self.total, self.done + n)
            if label is not None:
                self.label = label
            if self.live:
                filled = self.width * self.done // self.total
                bar = "#" * filled + "-" * (self.width - filled)
                self.stream.write(f"\r\x1b[2K{self.label[:30]} [{bar}] {self.done}/{self.total}")
                self.stream.flush()
            elif self.plain:
                self._plain_line()

    def _plain_line(self) -> None:
        now = self.clock()
        if now - self.last_line < self.interval:
            return
        self.last_line = now
        self.stream.write(f"wheelfit: {self.label} ({self.done}/{self.total} steps, "
                          f"{now - self.started:.0f} s elapsed)\n")
        self.stream.flush()

    def say(self, line: str) -> None:
        """Write one line to the stream, above the bar (even when progress is off: a
        warning; the next `advance` draws the bar again)."""
        with self._lock:
            self.stream.write(("\r\x1b[2K" if self.live else "") + line + "\n")
            self.stream.flush()

    def close(self) -> None:
        """Erase the bar."""
        with self._lock:
            if self.live:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
            self.live = self.plain = self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
