"""A source build's sdist is read ahead once its version is known (issue 15, odoo and the
poetry.lock): a pinned one in the replay (its PKG-INFO then comes from the same stream), a
locked one while the lock is looked up. Only the sdists enrichment reads: not those the
mapping calls pure Python. Waits for the background read to show on the server; never
asserts how fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from buildneeds.sdist_files import recorded_sdist
from index_builders import metadata, publish, sdist_tar
from index_server import IndexServer
from wheelfit.buildneeds.mapping import load_mapping
from wheelfit.commands.inputs import build_request, load_inputs
from wheelfit.commands.options import RunOptions
from wheelfit.compat.targets import default_targets
from wheelfit.index.client import open_index
from wheelfit.model import LockedPackage, Status
from wheelfit.pipeline.check import _check_locked, check
from wheelfit.pipeline.sdistplan import BUILD_FILES_SCAN, reads_build_files
from wheelfit.resolve.catalog import ProjectCatalog

SDIST = "/files/tantivy-0.26.0.tar.gz"


def _serve(server: IndexServer) -> str:
    """tantivy 0.26.0's recorded build files (other members empty) as its only file, with
    a static PKG-INFO first (as setuptools writes it: a PKG-INFO read alone stops there)."""
    files, names = recorded_sdist("tantivy-0.26.0")
    members = {"PKG-INFO": metadata("tantivy", "0.26.0", metadata_version="2.2")}  # first
    members.update({name.partition("/")[2]: b"" for name in names})
    members.update({name.partition("/")[2]: data for name, data in files.items()})
    return publish(server, "tantivy", {"tantivy-0.26.0.tar.gz": sdist_tar("tantivy-0.26.0",
                                                                          members)})


def _wait_for_hit(server: IndexServer, path: str) -> bool:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.hits_for(path):
            return True
        time.sleep(0.02)
    return False


def test_a_pinned_source_build_is_streamed_once_in_a_whole_run(
    server: IndexServer, tmp_path: Path
) -> None:
    url = _serve(server)
    req = tmp_path / "requirements.txt"
    req.write_text("tantivy==0.26.0\n")
    options = RunOptions(python="3.12", index_url=url)
    specs, _ = load_inputs([req], options)
    request = build_request(specs[0], options)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0,
                    sdist_scan=BUILD_FILES_SCAN) as index:
        report = check(request, index)
    verdicts = report.packages[0].verdicts
    assert {v.status for v in verdicts.values()} == {Status.SOURCE_BUILD}
    assert verdicts["alpine"].build is not None and "cargo" in verdicts["alpine"].build.apk
    assert len(server.hits_for(SDIST)) == 1  # PKG-INFO and build files: one stream


@pytest.mark.parametrize("mapped", [True, False])
def test_a_locked_source_builds_sdist_is_read_while_the_lock_is_looked_up(
    server: IndexServer, tmp_path: Path, mapped: bool
) -> None:
    url = _serve(server)
    locked = [LockedPackage("tantivy", "0.26.0", "poetry.lock:1")]
    with open_index([url], cache_dir=tmp_path / "cache", retries=0,
                    sdist_scan=BUILD_FILES_SCAN) as index:
        catalog = ProjectCatalog(index, default_targets(python="3.12")[1], {})
        outcome = _check_locked(locked, catalog, load_mapping() if mapped else None)
        assert outcome.packages["tantivy"].verdict.status is Status.SOURCE_BUILD
        assert _wait_for_hit(server, SDIST) is mapped  # without a mapping: no enrichment
        catalog.close()


@pytest.mark.parametrize(("name", "files", "read"), [
    ("tantivy", ["tantivy-0.26.0.tar.gz"], True),  # not in the mapping: its build files
    ("tantivy", ["tantivy-0.26.0.tar.gz", "tantivy-0.26.0-cp39-cp39-win_amd64.whl"], True),
    ("threadloop", ["threadloop-1.0.2.tar.gz", "threadloop-1.0.2-py2-none-any.whl"], False),
    ("psycopg2", ["psycopg2-2.9.10.tar.gz"], True),  # compiles: its build requirements
    ("aiodns", ["aiodns-3.2.0.tar.gz"], False),  # pure Python per the mapping
])
def test_the_sdists_read_ahead_are_those_enrichment_reads(
    name: str, files: list[str], read: bool
) -> None:
    version = files[0].removesuffix(".tar.gz").rpartition("-")[2]
    assert reads_build_files(load_mapping(), name, version, files) is read


def test_an_sdist_read_whole_without_a_pkg_info_is_not_streamed_again(
    server: IndexServer, tmp_path: Path
) -> None:
    files, names = recorded_sdist("tantivy-0.26.0")  # recorded without a PKG-INFO
    members = {name.partition("/")[2]: b"" for name in names}
    members.update({name.partition("/")[2]: data for name, data in files.items()})
    url = publish(server, "tantivy", {"tantivy-0.26.0.tar.gz": sdist_tar("tantivy-0.26.0",
                                                                         members)})
    with open_index([url], cache_dir=tmp_path / "cache", retries=0,
                    sdist_scan=BUILD_FILES_SCAN) as index:
        page = index.project("tantivy")
        assert page is not None
        index.prefetch_sdists(page.files)
        assert _wait_for_hit(server, SDIST)
        assert index.core_metadata(page.files[0]) is None
    assert len(server.hits_for(SDIST)) == 1
