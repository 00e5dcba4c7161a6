"""`SdistReads.pyproject`: the build-requirement chain's top-level pyproject.toml comes from
the sdist's one build-file read, whoever asks first, through a real loopback index."""

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


def test_the_top_level_pyproject_is_among_the_members(
    server: IndexServer, tmp_path: Path
) -> None:
    members = _read(server, tmp_path, {"pyproject.toml": PYPROJECT, "setup.py": b"x"})
    assert members is not None and members["p-1.0/pyproject.toml"] == PYPROJECT


def test_no_pyproject_reads_as_no_top_level_pyproject(
    server: IndexServer, tmp_path: Path
) -> None:
    members = _read(server, tmp_path, {"setup.py": b"x"})
    assert members is not None and "p-1.0/pyproject.toml" not in members


def test_the_chain_first_then_the_build_files_is_one_request(
    server: IndexServer, tmp_path: Path
) -> None:
    url = publish(server, "p", {"p-1.0.tar.gz": sdist_tar(
        "p-1.0", {"pyproject.toml": PYPROJECT, "setup.py": b"x"})})
    with open_index([url], cache_dir=tmp_path / "cache", retries=0) as index:
        page = index.project("p")
        assert page is not None
        reads = SdistReads(index)
        chain = reads.pyproject(page.files[0])
        assert reads.read(page.files[0]).members == chain.members
    assert len(server.hits_for("/files/p-1.0.tar.gz")) == 1
