"""`SdistReads.pyproject`: a mapped project's sdist is read only as far as its top-level
pyproject.toml (for `[build-system] requires`), through a real loopback index."""

from __future__ import annotations

from pathlib import Path

from index_builders import publish, sdist_tar
from index_server import IndexServer
from wheelfit.index.client import open_index
from wheelfit.pipeline.sdistplan import SdistReads

PYPROJECT = b"[build-system]\nrequires = ['setuptools']\n"



def _read(server: IndexServer, tmp_path: Path, members: dict[str, bytes],
          full_first: bool = False) -> dict[str, bytes] | None:
    url = publish(server, "p", {"p-1.0.tar.gz": sdist_tar("p-1.0", members)})
    with open_index([url], cache_dir=tmp_path / "cache", retries=0) as index:
        page = index.project("p")
        assert page is not None
        reads = SdistReads(index)
        if full_first:
            reads.read(page.files[0])
        return reads.pyproject(page.files[0]).members


def test_only_the_top_level_pyproject_is_kept(server: IndexServer, tmp_path: Path) -> None:
    members = _read(server, tmp_path, {"pyproject.toml": PYPROJECT, "setup.py": b"x",
                                       "sub/pyproject.toml": b"[x]\n"})
    assert members == {"p-1.0/pyproject.toml": PYPROJECT}


def test_no_pyproject_reads_as_no_members(server: IndexServer, tmp_path: Path) -> None:
    assert _read(server, tmp_path, {"setup.py": b"x"}) == {}


def test_a_whole_read_of_the_same_sdist_is_reused(server: IndexServer, tmp_path: Path) -> None:
    members = _read(server, tmp_path, {"pyproject.toml": PYPROJECT, "setup.py": b"x"},
                    full_first=True)
    assert members is not None and "p-1.0/setup.py" in members
