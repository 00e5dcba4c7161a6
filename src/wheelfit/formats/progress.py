"""`Progress`: the stderr progress bar of `wheelfit check` (format `text` only).

Apart from `terminal.py` so that a run in another format does not import the terminal view.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from typing import TextIO


def isatty(stream: TextIO) -> bool:
    """True when the stream is a terminal (False for closed or fake streams)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """A one-line progress bar on stderr: `Progress(total).advance()`; a no-op off a terminal.

    Thread-safe (the check runs targets in threads). `close()` (or leaving a `with` block)
    erases the line so the report that follows starts clean. Off for `TERM=dumb` too.
    """

    def __init__(self, total: int, *, label: str = "checking", stream: TextIO | None = None,
                 environ: Mapping[str, str] | None = None, width: int = 24) -> None:
        self.stream = stream if stream is not None else sys.stderr
        env = environ if environ is not None else os.environ
        self.enabled = total > 0 and isatty(self.stream) and env.get("TERM") != "dumb"
        self.total, self.done, self.label, self.width = total, 0, label, width
        self._lock = threading.Lock()

    def advance(self, n: int = 1, label: str | None = None) -> None:
        """Count `n` more items done and redraw (optionally with a new label)."""
        with self._lock:
            self.done = min(self.total, self.done + n)
            if label is not None:
                self.label = label
            if self.enabled:
                filled = self.width * self.done // self.total
                bar = "#" * filled + "-" * (self.width - filled)
                self.stream.write(f"\r\x1b[2K{self.label[:30]} [{bar}] {self.done}/{self.total}")
                self.stream.flush()

    def close(self) -> None:
        """Erase the bar."""
        with self._lock:
            if self.enabled:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
                self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
