"""`RenderOptions`: how one report is shown (the same for every format; each reads what
applies to it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderOptions:
    """Display options of one rendering.

    `color`, `quiet`, `verbose` and `all` shape the terminal view; `max_chars` caps the
    markdown comment (None: the format's own limit).
    """

    color: bool = False
    quiet: bool = False
    verbose: bool = False
    all: bool = False
    max_chars: int | None = None
