"""Shared pieces of the benchmark scripts: paths, a hermetic environment for the three tools,
their command lines, and the musllinux wheel check used to curate inputs.

Nothing here talks to the network; `record_snapshot.py` and `make_inputs.py` do, through
`tools/record_index.Fetcher` and its raw-response cache (`bench/snapshot/.raw/`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
INPUTS = BENCH / "inputs"
SNAPSHOT = BENCH / "snapshot"
RAW_CACHE = SNAPSHOT / ".raw"
VENV_BIN = REPO / ".venv" / "bin"
WHEELFIT = VENV_BIN / "wheelfit"
UV = VENV_BIN / "uv"
PIP = VENV_BIN / "pip"
PYPI = "https://pypi.org/simple"
PYTHON = "3.12"
# uv is given a real CPython 3.12 with --python: without it, uv's interpreter discovery runs
# this machine's broken pyenv shim (`python3.12` → "command not found") twice per run, ~0.4 s
# that a normal machine does not pay. (Only used to pick a build interpreter; uv builds nothing
# for these inputs.)
UV_PYTHON_CANDIDATES = ("/root/.pyenv/versions/3.12.1/bin/python3.12", "/usr/bin/python3.12",
                        "/usr/local/bin/python3.12")
# The unpinned input is resolved "as of" this date by every tool (wheelfit --exclude-newer,
# uv --exclude-newer, pip --uploaded-prior-to), on the snapshot and live.
EXCLUDE_NEWER = "2026-11-01"

for sub in ("tools", "tests"):
    path = str(REPO / sub)
    if path not in sys.path:
        sys.path.insert(0, path)


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment with this machine's pip/uv configuration neutralised
    (extra local indexes, find-links, a constraints file) and no proxy/index overrides."""
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("UV_") or key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL",
                                             "WHEELFIT_CACHE_DIR"):
            del env[key]
    env.update(PIP_CONFIG_FILE="/dev/null", PIP_FIND_LINKS="", PIP_CONSTRAINT="",
               UV_NO_CONFIG="1")
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Input:
    """One benchmark input: what wheelfit reads, and what uv/pip read (same pins)."""

    key: str
    wheelfit_file: Path
    requirements: Path  # uv and pip read this (for a lock: the lock exported as requirements)
    exclude_newer: str | None = None
    note: str = ""
    wheelfit_args: tuple[str, ...] = ()
    # uv's options for this input: the top-500 input is compared with
    # `uv pip compile --no-deps` for one glibc image, as issue 15 measures it
    uv_args: tuple[str, ...] = ()
    uv_platform: str = "x86_64-unknown-linux-musl"


INPUT_LIST: tuple[Input, ...] = (
    Input("pins-10", INPUTS / "pins-10.txt", INPUTS / "pins-10.txt"),
    Input("pins-100", INPUTS / "pins-100.txt", INPUTS / "pins-100.txt"),
    Input("lock-100", INPUTS / "lock-100" / "uv.lock", INPUTS / "pins-100.txt",
          wheelfit_args=("--group", "dev"),  # the export has the dev group too
          note="wheelfit reads uv.lock (no resolution); uv and pip read the same pins "
               "exported as requirements (pins-100.txt)"),
    Input("pins-1000", INPUTS / "pins-1000.txt", INPUTS / "pins-1000.txt"),
    Input("unpinned", INPUTS / "unpinned.txt", INPUTS / "unpinned.txt",
          exclude_newer=EXCLUDE_NEWER),
    Input("top-500", INPUTS / "top-500.txt", INPUTS / "top-500.txt",
          uv_args=("--no-deps",), uv_platform="x86_64-unknown-linux-gnu",
          note="the 500 most-downloaded projects at their current versions (2026-12-07); "
               "wheelfit checks both images with dependencies, uv compiles one image "
               "with --no-deps"),
)
INPUTS_BY_KEY = {i.key: i for i in INPUT_LIST}


def wheelfit_cmd(inp: Input, index_url: str, cache_dir: Path | None,
                 extra: Sequence[str] = ()) -> list[str]:
    """`wheelfit check --format json INPUT` on both default targets (slim + alpine)."""
    cmd = [str(WHEELFIT), "check", "--format", "json", str(inp.wheelfit_file),
           "--index-url", index_url, "--python", PYTHON, "-v"]
    cmd += ["--cache-dir", str(cache_dir)] if cache_dir else ["--no-cache"]
    if inp.exclude_newer:
        cmd += ["--exclude-newer", inp.exclude_newer]
    return cmd + list(inp.wheelfit_args) + list(extra)


def uv_cmd(inp: Input, index_url: str, cache_dir: Path | None,
           platform: str | None = None) -> list[str]:
    """`uv pip compile` for one target (the input's, musl by default)."""
    cmd = [str(UV), "pip", "compile", "--no-config", "--no-python-downloads",
           *uv_python_args(), *inp.uv_args,
           "--python-version", PYTHON, "--python-platform", platform or inp.uv_platform,
           "--index-url", index_url, "--quiet", str(inp.requirements)]
    cmd += ["--cache-dir", str(cache_dir)] if cache_dir else ["--no-cache"]
    if inp.exclude_newer:
        cmd += ["--exclude-newer", inp.exclude_newer]
    return cmd


def uv_python_args() -> list[str]:
    """``--python PATH`` of a working CPython 3.12, when this machine has one."""
    for path in UV_PYTHON_CANDIDATES:
        if os.access(path, os.X_OK):
            return ["--python", path]
    return []


def pip_cmd(inp: Input, index_url: str, cache_dir: Path | None, target: Path) -> list[str]:
    """`pip install --dry-run --report -` for one target (musllinux_1_2/1_1 x86_64)."""
    cmd = [str(PIP), "--isolated", "install", "--dry-run", "--ignore-installed",
           "--report", "-", "--quiet", "--python-version", PYTHON,
           "--platform", "musllinux_1_2_x86_64", "--platform", "musllinux_1_1_x86_64",
           "--only-binary=:all:", "--target", str(target), "--index-url", index_url,
           "--disable-pip-version-check", "-r", str(inp.requirements)]
    cmd += ["--cache-dir", str(cache_dir)] if cache_dir else ["--no-cache-dir"]
    if inp.exclude_newer:
        cmd += ["--uploaded-prior-to", inp.exclude_newer + "T00:00:00Z"]
    return cmd


# --- which wheels install on the alpine target (reuses the recorder's own tag logic) -----------

def musl_env():  # -> record_index.Env
    """python:3.12-alpine on x86_64: musllinux_1_2 and older, like uv's
    x86_64-unknown-linux-musl and pip's --platform musllinux_1_{2,1}_x86_64."""
    from record_index import Env

    return Env("musllinux", "x86_64", PYTHON, "1.2")


def glibc_env():  # -> record_index.Env
    """python:3.12-slim-trixie on x86_64 (glibc 2.41)."""
    from record_index import Env

    return Env("manylinux", "x86_64", PYTHON, "2.41")


def installable_wheels(entries: Iterable[Mapping[str, object]], env) -> list[str]:
    """Filenames of the wheels among `entries` that install on `env` (tags and
    Requires-Python), best first."""
    from packaging.utils import parse_wheel_filename
    from record_index import requires_python_ok

    rank = env.tag_rank()
    found = []
    for entry in entries:
        name = str(entry["filename"])
        if not name.endswith(".whl") or not requires_python_ok(dict(entry), env.python_full()):
            continue
        try:
            ranks = [rank[t] for t in parse_wheel_filename(name)[3] if t in rank]
        except Exception:
            continue
        if ranks:
            found.append((min(ranks), name))
    return [n for _, n in sorted(found)]


def wheel_metadata(fetch, entry: Mapping[str, object], name: str, version: str
                   ) -> tuple[bytes | None, bool]:
    """(core metadata of a wheel, True when it was read from the wheel itself).

    The PEP 658 ``<url>.metadata`` file first. The index reachable from here answers 404 for
    about half of them (real PyPI has served one for every wheel since its 2024 backfill), so
    then the wheel's own ``.dist-info/METADATA`` by range requests - the bytes PyPI's
    ``.metadata`` file holds (tools/record_index.record_partial, CRC- and name-checked)."""
    from record_index import check_metadata, record_partial

    data = fetch.get(str(entry["url"]) + ".metadata")
    if data is not None:
        check_metadata(data, name, version)
        return data, False
    if not str(entry["filename"]).endswith(".whl"):
        return None, False
    _part, data = record_partial(fetch, dict(entry), name, version)
    return data, True
