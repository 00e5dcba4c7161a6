"""Fewer malloc arenas for the command-line process on glibc.

glibc gives each thread that allocates its own malloc arena, up to 8 per core; a check runs
dozens of threads (index workers, warmers, both targets), each arena keeps the memory its
thread freed, and a cold 1,000-pin run peaked 40-50 MB higher than with two arenas (the
threads allocate under the GIL anyway, so they hardly contend for an arena). `cap_arenas`
sets glibc's `M_ARENA_MAX` before any thread starts, unless `MALLOC_ARENA_MAX` is set (the
user's choice wins). Elsewhere (musl, macOS, Windows) it does nothing.
"""

from __future__ import annotations

import os
import sys

ARENAS = 2
_M_ARENA_MAX = -8  # glibc's malloc.h


def cap_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas at `arenas` for threads started from now on; True when
    applied."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):  # not glibc
            return False
        return bool(libc.mallopt(_M_ARENA_MAX, arenas) == 1)
    except (OSError, AttributeError):
        return False
