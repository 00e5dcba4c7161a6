"""Hostile pages, tarballs and cache entries end to end (issue 18, "parsing and storage"):
the real CLI, in a child process, against a loopback index serving a 1.8 MB page of
unterminated tags, sdists whose first tar header declares a 900 MiB pax / GNU long-name
body, and an sdist that does not match its hash; then again over a cache whose every entry
was replaced by a link to /dev/zero or grown to 3 GiB. Each run ends quickly, with a
report, and with bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from reliability_support import (
    Stream,
    StreamingIndexServer,
    check_args,
    hermetic_environ,
    package,
    publish_sdist,
    publish_wheel,
    reasons,
    statuses,
)

from hostile_bytes import UNTERMINATED_PAGE, extended_header_tar_gz
from index_builders import sdist_tar
from wheelfit.index.limits import DEFAULT_LIMITS

# Peak RSS of the child (VmHWM) and its exit code, written next to the report.
RUNNER = """
import json, sys
from wheelfit.cli import main

def peak_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0

code = None
try:
    main(sys.argv[2:])
except SystemExit as done:
    code = done.code
finally:
    with open(sys.argv[1], "w") as out:
        json.dump({"code": code, "peak_kib": peak_kib()}, out)
"""
HOSTILE = ["evil-html", "evil-pax", "evil-gnu", "bad-hash"]
NATIVE_SETUP = b"from setuptools import setup, Extension\nsetup(ext_modules=[Extension('x', [])])\n"


@dataclass(frozen=True)
class Run:
    code: int
    report: dict[str, Any]
    peak_mib: float
    stderr: str


def _run(root: Path, url: str, requirements: str, label: str) -> Run:
    work = root / label
    work.mkdir()
    (work / "requirements.txt").write_text(requirements)
    done = subprocess.run(
        [sys.executable, str(root / "runner.py"), str(work / "rss.json"),
         *check_args(url, "requirements.txt", retries=0)],
        cwd=work, env=hermetic_environ(root / "cache"), capture_output=True, text=True,
        timeout=240, check=False,
    )
    measured = json.loads((work / "rss.json").read_text())
    return Run(int(measured["code"] or 0), json.loads(done.stdout),
               measured["peak_kib"] / 1024, done.stderr)


def _tamper_cache(cache: Path) -> int:
    """Every entry replaced by a link to /dev/zero (even ones) or grown to 3 GiB (odd ones)."""
    entries = sorted(p for p in cache.rglob("*") if p.is_file() and len(p.name) == 64)
    for position, path in enumerate(entries):
        if position % 2:
            with path.open("r+b") as handle:
                handle.truncate(3 * 1024**3)
        else:
            path.unlink()
            path.symlink_to("/dev/zero")
    return len(entries)


@dataclass(frozen=True)
class Runs:
    hostile: Run
    cached: Run
    tampered: Run
    entries: int


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    root = tmp_path_factory.mktemp("parsing")
    (root / "runner.py").write_text(RUNNER)
    server = StreamingIndexServer()
    server.start()
    try:
        url = publish_wheel(server, "healthy")
        server.route("/simple/evil-html/", UNTERMINATED_PAGE, content_type="text/html")
        for name, kind in (("evil-pax", tarfile.XHDTYPE), ("evil-gnu", tarfile.GNUTYPE_LONGNAME)):
            publish_sdist(server, name, "1.0", {"setup.py": b""})
            server.streams[f"/files/{name}-1.0.tar.gz"] = Stream(
                lambda kind=kind: extended_header_tar_gz(kind))  # type: ignore[misc]
        publish_sdist(server, "bad-hash", "1.0", {"setup.py": b"from setuptools import setup\n"})
        server.route("/files/bad-hash-1.0.tar.gz", sdist_tar("bad-hash-1.0",
                                                            {"setup.py": NATIVE_SETUP}))
        hostile = _run(root, url, "\n".join(["healthy", *HOSTILE]) + "\n", "hostile")
        cached = _run(root, url, "healthy\n", "cached")
        entries = _tamper_cache(root / "cache")
        tampered = _run(root, url, "healthy\n", "tampered")
        yield Runs(hostile, cached, tampered, entries)
    finally:
        server.stop()


def test_hostile_run_keeps_the_report(runs: Runs) -> None:
    assert "Traceback" not in runs.hostile.stderr
    assert runs.hostile.code == 6  # incomplete: the hostile projects are unknown
    assert statuses(runs.hostile.report, "healthy") == {"pure-wheel"}
    assert {p["name"] for p in runs.hostile.report["packages"]} >= {"healthy", *HOSTILE}


def test_hostile_run_memory_is_bounded(runs: Runs) -> None:
    assert runs.hostile.peak_mib < 300  # before: > 2.7 GB for the pax header alone


def test_hostile_page_is_refused_naming_the_cap(runs: Runs) -> None:
    assert "evil-html/: project page has a tag with more than 100 attributes" \
        in runs.hostile.stderr + json.dumps(runs.hostile.report)
    assert statuses(runs.hostile.report, "evil-html") == {"unknown"}


@pytest.mark.parametrize(("name", "kind"), [("evil-pax", "x"), ("evil-gnu", "L")])
def test_huge_extended_header_is_refused_naming_the_cap(runs: Runs, name: str, kind: str) -> None:
    why = reasons(runs.hostile.report, name)
    assert "sdist not readable: " in why
    assert f"extended tar header (type '{kind}') declares 943718400 bytes " \
           f"(cap {DEFAULT_LIMITS.sdist_extended_header_bytes})" in why


def test_sdist_not_matching_its_hash_is_not_used(runs: Runs) -> None:
    why = reasons(runs.hostile.report, "bad-hash")
    assert "the index says" in why and "refused" in why
    assert "ext_modules" not in why  # the tampered setup.py is never judged


def test_tampered_cache_reads_as_missing(runs: Runs) -> None:
    assert runs.entries >= 3  # page answer, parsed page, metadata
    assert "Traceback" not in runs.tampered.stderr
    assert runs.tampered.code == runs.cached.code == 0
    assert package(runs.tampered.report, "healthy") == package(runs.cached.report, "healthy")
    assert runs.tampered.peak_mib < 300  # before: 6.3 GB (grown), never ended (/dev/zero)
