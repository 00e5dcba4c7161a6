"""wheelfit never runs package code: metadata comes from PEP 658 files, range-read wheel
METADATA and sdist PKG-INFO; sdist build files are only read as text.

The index serves a booby-trapped sdist and no wheel: its `setup.py` and its in-tree build
backend (`backend-path`) write a marker file to an absolute path as soon as Python runs
them. wheelfit must judge the project as a source build, scan the sdist for native code,
and leave no marker behind.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from reliability_support import (
    StreamingIndexServer,
    check_args,
    hermetic_environ,
    hits_with_prefix,
    package,
    publish_sdist,
    publish_wheel,
    reasons,
    run_subprocess,
    statuses,
)

from index_builders import metadata, sdist_tar

TRAP = "zz-booby-trap"
TRAP_TOP = f"{TRAP}-1.0"


def trap_members(marker: Path) -> dict[str, bytes]:
    """An sdist whose every executable file writes `marker` when run or imported."""
    payload = f"import pathlib\npathlib.Path({str(marker)!r}).write_text('code ran')\n"
    setup_py = payload + (
        "from setuptools import Extension, setup\n"
        f"setup(name={TRAP!r}, version='1.0',\n"
        "      ext_modules=[Extension('trap._speedups', ['trap/_speedups.c'])])\n"
    )
    pyproject = (
        "[build-system]\n"
        "requires = []\n"
        'build-backend = "trap_backend"\n'
        'backend-path = ["."]\n'
    )
    backend = payload + (
        "def build_wheel(*args, **kwargs):\n    raise SystemExit('never')\n"
        "def get_requires_for_build_wheel(*args, **kwargs):\n    return []\n"
        "def prepare_metadata_for_build_wheel(*args, **kwargs):\n    raise SystemExit('x')\n"
    )
    pkg_info = metadata(TRAP, "1.0", requires=["healthy"], metadata_version="2.2")
    return {
        "PKG-INFO": pkg_info,
        "setup.py": setup_py.encode(),
        "pyproject.toml": pyproject.encode(),
        "trap_backend.py": backend.encode(),
        "trap/__init__.py": payload.encode(),
        "trap/_speedups.c": b"int x;\n",
    }


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "outside" / "MARKER-code-ran"


@pytest.fixture
def trap_index(server: StreamingIndexServer, marker: Path) -> str:
    marker.parent.mkdir()
    publish_wheel(server, "healthy")
    return publish_sdist(server, TRAP, "1.0", trap_members(marker))


@pytest.fixture
def trap_run(trap_index: str, hermetic: Path, tmp_path: Path) -> dict[str, object]:
    """The real CLI in a child process over the trap; returns the JSON report."""
    (hermetic / "requirements.txt").write_text(f"{TRAP}==1.0\n")
    result = run_subprocess(
        check_args(trap_index, "requirements.txt", retries=0),
        cwd=hermetic, env=hermetic_environ(tmp_path / "cache"),
    )
    assert result.code == 0, result.err
    return result.report()


def test_the_trap_works_when_run(marker: Path, tmp_path: Path) -> None:
    """Control: running the sdist's setup.py does write the marker (so the test can fail)."""
    marker.parent.mkdir()
    data = sdist_tar(TRAP_TOP, trap_members(marker))
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    subprocess.run([sys.executable, "-c", "import trap_backend"],
                   cwd=tmp_path / "unpacked" / TRAP_TOP, check=True)
    assert marker.exists()


def test_no_code_runs(trap_run: dict[str, object], marker: Path) -> None:
    assert not marker.exists()


def test_nothing_written_beside_the_marker(
    trap_run: dict[str, object], marker: Path, hermetic: Path
) -> None:
    assert list(marker.parent.iterdir()) == []
    assert sorted(p.name for p in hermetic.iterdir()) == ["requirements.txt"]


def test_trap_is_judged_a_source_build(trap_run: dict[str, object]) -> None:
    assert statuses(trap_run, TRAP) == {"source-build"}


def test_sdist_scan_evidence_is_reported(trap_run: dict[str, object]) -> None:
    evidence = reasons(trap_run, TRAP)
    assert "setup script mentions ext_modules, Extension(, C sources" in evidence


def test_sdist_was_streamed_not_built(
    trap_run: dict[str, object], server: StreamingIndexServer
) -> None:
    hits = hits_with_prefix(server, f"/files/{TRAP_TOP}")
    assert hits  # read, ...
    assert all(h.path == f"/files/{TRAP_TOP}.tar.gz" for h in hits)  # ... and nothing else


def test_static_pkg_info_gives_dependencies(trap_run: dict[str, object]) -> None:
    assert package(trap_run, "healthy")["requested_by"] == [f"{TRAP} 1.0"]


# --- a wheel without PEP 658 metadata: METADATA by range reads ----------------------------------


FILLER = 2 * 1024 * 1024


@pytest.fixture
def ranged_run(server: StreamingIndexServer, hermetic: Path, tmp_path: Path) -> dict[str, object]:
    publish_wheel(server, "healthy")
    url = publish_wheel(server, "ranged", requires=["healthy>=1"], pep658=False, filler=FILLER)
    (hermetic / "requirements.txt").write_text("ranged\n")
    result = run_subprocess(check_args(url, "requirements.txt", retries=0), cwd=hermetic,
                            env=hermetic_environ(tmp_path / "cache"))
    assert result.code == 0, result.err
    return result.report()


def test_range_read_metadata_gives_dependencies(ranged_run: dict[str, object]) -> None:
    assert package(ranged_run, "healthy")["requested_by"] == ["ranged 1.0"]


def test_range_read_wheel_is_never_downloaded_whole(
    ranged_run: dict[str, object], server: StreamingIndexServer
) -> None:
    hits = server.hits_for("/files/ranged-1.0-py3-none-any.whl")
    assert hits
    assert all(h.headers.get("range", "").startswith("bytes=") for h in hits)


def test_range_read_downloads_far_less_than_the_wheel(ranged_run: dict[str, object]) -> None:
    stats = ranged_run["stats"]
    assert isinstance(stats, dict)
    assert stats["bytes_downloaded"] < FILLER // 4
