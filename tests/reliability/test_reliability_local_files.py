"""Local inputs are read with a size cap, only from regular files, and every OS error is an
input error (exit 3) naming the file and the line that named it.

Devices, FIFOs and oversized files are given as the input, as a `-r`/`-c` include, as the
--mapping overlay and as PIP_CONFIG_FILE. Those runs are child processes with 1 GiB of
address space and a 60 s deadline, so a regression (reading /dev/zero grew to 9 GB) fails
the test instead of the machine. File names of 5,000 characters (`OSError: File name too
long` tracebacks before) run in-process.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_support import OUR_CODES, CliResult, hermetic_environ, run_main

from wheelfit.buildneeds.mapping import MAPPING_MAX_BYTES
from wheelfit.sources.index_config import PIP_CONFIG
from wheelfit.sources.reading import MAX_BYTES

ADDRESS_SPACE = 1 << 30
DEADLINE = 60.0
LONG_NAME = "a" * 5000


def run_bounded(args: list[str], cwd: Path, env: dict[str, str]) -> CliResult:
    """`python -m wheelfit args` with at most ADDRESS_SPACE bytes and DEADLINE seconds."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    done = subprocess.run(
        [sys.executable, "-m", "wheelfit", *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=DEADLINE, check=False, preexec_fn=limit,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def sparse(path: Path, size: int) -> str:
    """A file of `size` bytes that takes no disk space."""
    with path.open("wb") as out:
        out.truncate(size)
    return path.name


def fifo(path: Path) -> str:
    os.mkfifo(path)
    return path.name


# Where a local file comes in: (arguments, extra environment, limit, noun) for a file name.
Place = Callable[[str], tuple[list[str], dict[str, str]]]
PLACES: dict[str, tuple[Place, int, str]] = {
    "input": (lambda f: (["check", "--offline", f], {}), MAX_BYTES, "a dependency file"),
    "-r include": (lambda f: (["check", "--offline", "includes-r.txt"], {}), MAX_BYTES,
                   "a dependency file"),
    "-c include": (lambda f: (["check", "--offline", "includes-c.txt"], {}), MAX_BYTES,
                   "a dependency file"),
    "--mapping": (lambda f: (["check", "--offline", "--mapping", f, "requirements.txt"], {}),
                  MAPPING_MAX_BYTES, "a mapping file"),
    "PIP_CONFIG_FILE": (lambda f: (["check", "--offline", "requirements.txt"],
                                   {"PIP_CONFIG_FILE": f}), PIP_CONFIG.limit,
                        "a pip configuration file"),
}
HOSTILE = {
    "/dev/zero": "is a character device, not a regular file",
    "fifo": "is a named pipe (FIFO), not a regular file",
    "oversized": "the limit for",
}


def hostile_file(kind: str, work: Path, limit: int) -> str:
    if kind == "/dev/zero":
        return "/dev/zero"
    if kind == "fifo":
        return fifo(work / "hostile.txt")
    return sparse(work / "hostile.txt", limit + 1)


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("place", list(PLACES))
def test_hostile_local_file_is_an_input_error(
    place: str, kind: str, hermetic: Path, cache_dir: Path
) -> None:
    make_args, limit, noun = PLACES[place]
    name = hostile_file(kind, hermetic, limit)
    (hermetic / "requirements.txt").write_text("six\n")
    (hermetic / "includes-r.txt").write_text(f"six\n-r {name}\n")
    (hermetic / "includes-c.txt").write_text(f"six\n-c {name}\n")
    args, extra_env = make_args(name)
    result = run_bounded(args, hermetic, hermetic_environ(cache_dir, extra_env))
    assert result.code == 3, result.err
    assert "Traceback" not in result.both
    assert f"{name}:" in result.err
    assert HOSTILE[kind] in result.err
    if kind == "oversized":
        mib = f"{limit / (1 << 20):g} MiB"
        assert f"the limit for {noun} is {mib}" in result.err
    if place.endswith("include"):
        assert f"includes-{place[1]}.txt:2: -{place[1]} {name}" in result.err


# --- names too long for the file system ---------------------------------------------------------


@pytest.mark.parametrize("flag", ["-r", "-c"])
def test_long_include_name_is_an_input_error(flag: str, hermetic: Path) -> None:
    (hermetic / "requirements.txt").write_text(f"six\n{flag} {LONG_NAME}\n")
    result = run_main(["check", "--offline", "requirements.txt"])
    assert result.code == 3
    assert f"requirements.txt:2: {flag} aaaa" in result.err
    assert "File name too long" in result.err
    assert len(result.err) < 1000  # the name is shortened for display


def test_long_include_name_with_keep_going_is_reported(hermetic: Path) -> None:
    (hermetic / "requirements.txt").write_text(f"-r {LONG_NAME}\n")
    result = run_main(["check", "--offline", "--keep-going", "--format", "json",
                       "requirements.txt"])
    assert result.code in OUR_CODES
    problems = [p["message"] for p in result.report()["problems"] if p["kind"] == "input"]
    assert len(problems) == 1 and "File name too long" in problems[0]
    assert len(problems[0]) < 300


LONG_ARGS: dict[str, Callable[[Path], tuple[list[str], dict[str, str]]]] = {
    "input": lambda w: (["check", "--offline", LONG_NAME], {}),
    "--mapping": lambda w: (["check", "--offline", "--mapping", LONG_NAME, "r.txt"], {}),
    "mapping validate": lambda w: (["mapping", "validate", LONG_NAME], {}),
    "PIP_CONFIG_FILE": lambda w: (["check", "--offline", "r.txt"],
                                  {"PIP_CONFIG_FILE": LONG_NAME}),
    "--recursive": lambda w: (["check", "--offline", "--recursive", LONG_NAME], {}),
}


@pytest.mark.parametrize("where", list(LONG_ARGS))
def test_long_file_name_is_an_input_error(
    where: str, hermetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (hermetic / "r.txt").write_text("six\n")
    args, env = LONG_ARGS[where](hermetic)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = run_main(args)
    assert result.code == 3, result.err
    assert "aaaa…aaaa" in result.err
    assert len(result.err) < 1000


def test_long_find_links_name_is_not_a_crash(hermetic: Path) -> None:
    (hermetic / "requirements.txt").write_text(f"-f {LONG_NAME}\nsix\n")
    result = run_main(["check", "--offline", "requirements.txt"])
    assert result.code in OUR_CODES
    assert "wheelfit: error" not in result.err
