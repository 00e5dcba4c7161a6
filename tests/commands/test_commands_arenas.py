"""commands/arenas.py: the CLI caps glibc's malloc arenas before its threads start.

Each case runs a fresh interpreter that starts 12 threads which each allocate, then counts
the arenas glibc reports (`malloc_stats` prints one "Arena N:" block per arena)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ,
    reason="glibc only, and only when the environment does not choose",
)

_PROGRAM = textwrap.dedent("""
    import ctypes, sys, threading
    from wheelfit.commands.arenas import cap_arenas
    applied = cap_arenas() if sys.argv[1] == "cap" else False
    barrier = threading.Barrier(12)
    def work():
        barrier.wait()  # all alive at once: none can reuse another's arena
        keep = [bytearray(4096) for _ in range(64)]
        barrier.wait()
    threads = [threading.Thread(target=work) for _ in range(12)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(applied)
    ctypes.CDLL(None).malloc_stats()  # to stderr
""")


def _arenas(mode: str) -> tuple[str, int]:
    done = subprocess.run([sys.executable, "-c", _PROGRAM, mode], capture_output=True,
                          text=True, timeout=120, env={k: v for k, v in os.environ.items()
                                                       if k != "MALLOC_ARENA_MAX"})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), done.stderr.count("Arena ")


def _glibc() -> bool:
    import ctypes

    return hasattr(ctypes.CDLL(None), "gnu_get_libc_version")


@pytest.mark.skipif(not _glibc(), reason="glibc only")
def test_capped_threads_share_two_arenas() -> None:
    applied, arenas = _arenas("cap")
    assert applied == "True" and arenas == 2


@pytest.mark.skipif(not _glibc(), reason="glibc only")
def test_without_the_cap_threads_get_arenas_of_their_own() -> None:
    """The control: what the cap prevents happens on this machine."""
    applied, arenas = _arenas("none")
    assert applied == "False" and arenas > 2


def test_the_users_malloc_arena_max_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    from wheelfit.commands.arenas import cap_arenas

    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")
    assert cap_arenas() is False


def test_a_check_caps_the_arenas_before_it_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cli_inprocess import run_main

    calls = _spy_on_cap(monkeypatch)
    empty = tmp_path / "requirements.txt"
    empty.write_text("")
    run_main(["check", str(empty), "--index-url", "http://127.0.0.1:9/simple",
              "--cache-dir", str(tmp_path / "c")])
    assert calls == [1]


def test_an_offline_check_leaves_the_arenas_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """It starts no thread, so there is nothing to cap (and ctypes is not loaded for it)."""
    from cli_inprocess import run_main

    calls = _spy_on_cap(monkeypatch)
    empty = tmp_path / "requirements.txt"
    empty.write_text("")
    run_main(["check", str(empty), "--offline", "--cache-dir", str(tmp_path / "c")])
    assert calls == []


def _spy_on_cap(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per call of `cap_arenas` from now on (the cap itself is not applied)."""
    import wheelfit.commands.arenas as arenas

    calls: list[int] = []
    monkeypatch.setattr(arenas, "cap_arenas", lambda: calls.append(1) or True)
    return calls
