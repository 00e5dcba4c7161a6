"""The disk cache under damage and sharing: damaged entries are ignored and rewritten, an
unusable cache folder costs only the cache, and two runs sharing a folder both succeed and
leave it readable (a later `--offline` run works from it alone).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_support import (
    StreamingIndexServer,
    check_args,
    hermetic_environ,
    publish_wheel,
    run_main,
)

from wheelfit.index.cache import decode_entry

PROJECTS = [f"proj-{i:02d}" for i in range(12)]


@pytest.fixture
def index_url(server: StreamingIndexServer) -> str:
    url = ""
    for i, name in enumerate(PROJECTS):
        url = publish_wheel(server, name, requires=[PROJECTS[i + 1]] if i + 1 < 12 else [])
    return url


@pytest.fixture
def requirements(hermetic: Path) -> Path:
    path = hermetic / "requirements.txt"
    path.write_text(f"{PROJECTS[0]}\n")
    return path


def entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(".tmp-"))


def verdicts(out: str) -> dict[str, set[str]]:
    import json

    report = json.loads(out)
    return {p["name"]: {v["status"] for v in p["verdicts"].values()} for p in report["packages"]}


@pytest.fixture
def filled(index_url: str, requirements: Path, cache_dir: Path) -> dict[str, set[str]]:
    """Run once to fill the cache; returns that run's verdicts."""
    first = run_main(check_args(index_url, requirements))
    assert first.code == 0, first.err
    assert entries(cache_dir)
    return verdicts(first.out)


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def junk(path: Path) -> None:
    path.write_bytes(os.urandom(200))


def flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def empty(path: Path) -> None:
    path.write_bytes(b"")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": truncate, "junk": junk, "bit flip": flip_last_byte, "empty": empty,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_entries_are_ignored(
    damage: str, filled: dict[str, set[str]], index_url: str, requirements: Path,
    cache_dir: Path,
) -> None:
    for path in entries(cache_dir):
        DAMAGE[damage](path)
    second = run_main(check_args(index_url, requirements))
    assert second.code == 0, second.err
    assert verdicts(second.out) == filled


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_entries_are_refetched(
    damage: str, filled: dict[str, set[str]], index_url: str, requirements: Path,
    cache_dir: Path, server: StreamingIndexServer,
) -> None:
    for path in entries(cache_dir):
        DAMAGE[damage](path)
    server.hits.clear()
    run_main(check_args(index_url, requirements))
    fetched = {h.path for h in server.hits}
    assert {f"/simple/{name}/" for name in PROJECTS} <= fetched


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_entries_are_rewritten_valid(
    damage: str, filled: dict[str, set[str]], index_url: str, requirements: Path,
    cache_dir: Path,
) -> None:
    before = [p.relative_to(cache_dir) for p in entries(cache_dir)]
    for path in entries(cache_dir):
        DAMAGE[damage](path)
    run_main(check_args(index_url, requirements))
    after = entries(cache_dir)
    assert [p.relative_to(cache_dir) for p in after] == before
    assert all(decode_entry(p.read_bytes()) is not None for p in after)


def test_offline_works_after_repair(
    filled: dict[str, set[str]], index_url: str, requirements: Path, cache_dir: Path
) -> None:
    for path in entries(cache_dir):
        junk(path)
    run_main(check_args(index_url, requirements))
    offline = run_main(check_args(index_url, requirements, extra=["--offline"]))
    assert offline.code == 0, offline.err
    assert verdicts(offline.out) == filled


def test_offline_with_damaged_cache_is_incomplete_not_a_crash(
    filled: dict[str, set[str]], index_url: str, requirements: Path, cache_dir: Path
) -> None:
    for path in entries(cache_dir):
        junk(path)
    offline = run_main(check_args(index_url, requirements, extra=["--offline"]))
    assert offline.code == 6
    assert "not in the cache" in offline.out


def test_leftover_temp_files_are_ignored(
    filled: dict[str, set[str]], index_url: str, requirements: Path, cache_dir: Path
) -> None:
    for path in entries(cache_dir):
        (path.parent / f".tmp-{path.name[:8]}").write_bytes(b"half a write")
    offline = run_main(check_args(index_url, requirements, extra=["--offline"]))
    assert offline.code == 0, offline.err


def test_cache_folder_that_is_a_file_costs_only_the_cache(
    index_url: str, requirements: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be\n")
    result = run_main(check_args(index_url, requirements, extra=["--cache-dir", str(blocker)]))
    assert result.code == 0, result.err


# --- two runs at once ---------------------------------------------------------------------------


@pytest.fixture
def concurrent_runs(
    index_url: str, hermetic: Path, tmp_path: Path, cache_dir: Path
) -> list[tuple[int, str]]:
    """Two CLI processes started together over one cache folder: (exit code, stderr) each."""
    (hermetic / "requirements.txt").write_text("\n".join(PROJECTS) + "\n")
    env = hermetic_environ(cache_dir)
    args = [sys.executable, "-m", "wheelfit",
            *check_args(index_url, "requirements.txt", extra=["--refresh"])]
    children = [subprocess.Popen(args, cwd=hermetic, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = []
    for child in children:
        _, err = child.communicate(timeout=120)
        results.append((child.returncode, err))
    return results


def test_concurrent_runs_both_succeed(concurrent_runs: list[tuple[int, str]]) -> None:
    assert [code for code, _ in concurrent_runs] == [0, 0], concurrent_runs


def test_concurrent_runs_leave_valid_entries(
    concurrent_runs: list[tuple[int, str]], cache_dir: Path
) -> None:
    found = entries(cache_dir)
    assert found
    assert all(decode_entry(p.read_bytes()) is not None for p in found)


def test_offline_after_concurrent_runs(
    concurrent_runs: list[tuple[int, str]], index_url: str, hermetic: Path
) -> None:
    result = run_main(check_args(index_url, "requirements.txt", extra=["--offline"]))
    assert result.code == 0, result.err
    assert set(verdicts(result.out)) == set(PROJECTS)
