"""Scheduling of a cold run (issue 15, held-out runs): a lock's likely source builds are
looked up first (their sdist streams are the run's longest), and the outcome and the input
errors keep the lock's order. Real servers on 127.0.0.1; asserts request order, never
speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from index_builders import metadata, publish, sdist_tar, wheel
from index_server import IndexServer, Slow
from wheelfit.buildneeds.mapping import load_mapping
from wheelfit.commands.inputs import build_request, load_inputs
from wheelfit.commands.options import RunOptions
from wheelfit.compat.targets import default_targets
from wheelfit.errors import InputFileError
from wheelfit.index.client import open_index
from wheelfit.model import LockedPackage, Status
from wheelfit.pipeline.check import _check_locked, check
from wheelfit.pipeline.lockorder import likely_source_build, sdists_first
from wheelfit.pipeline.sdistplan import BUILD_FILES_SCAN
from wheelfit.resolve.catalog import ProjectCatalog

SLIM, ALPINE = default_targets(python="3.12")


@pytest.mark.parametrize(("files", "expected"), [
    ((), False),  # the lock does not list files: keep its place
    (("foo-1.0.tar.gz",), True),
    (("foo-1.0.tar.gz", "foo-1.0-py3-none-any.whl"), False),
    (("foo-1.0-cp39-cp39-manylinux2014_x86_64.whl", "foo-1.0.tar.gz"), True),
    (("foo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",), False),
    (("foo-1.0-cp312-cp312-musllinux_1_1_x86_64.whl", "foo-1.0.tar.gz"), True),  # slim
    (("foo-1.0-cp38-abi3-manylinux2014_x86_64.whl",), False),
    (("foo-1.0-not-a-wheel.whl", "foo-1.0.zip"), True),
])
def test_a_likely_source_build_is_judged_with_the_targets_tags(
    files: tuple[str, ...], expected: bool
) -> None:
    assert likely_source_build(files, SLIM) is expected


def test_musllinux_wheels_fit_alpine() -> None:
    assert not likely_source_build(("foo-1.0-cp312-cp312-musllinux_1_1_x86_64.whl",), ALPINE)


def test_likely_source_builds_come_first_in_a_stable_order() -> None:
    def pkg(name: str, *files: str) -> LockedPackage:
        return LockedPackage(name, "1.0", f"poetry.lock:{name}", files=files)

    locked = [pkg("a", "a-1.0-py3-none-any.whl"), pkg("b", "b-1.0.tar.gz"), pkg("c"),
              pkg("d", "d-1.0.tar.gz")]
    assert [p.name for p in sdists_first(locked, SLIM)] == ["b", "d", "a", "c"]


def _lock_index(server: IndexServer) -> str:
    publish(server, "aaa", {"aaa-1.0-py3-none-any.whl": wheel("aaa", "1.0",
                                                              metadata("aaa", "1.0"))})
    return publish(server, "zzz", {"zzz-1.0.tar.gz": sdist_tar("zzz-1.0", {
        "PKG-INFO": metadata("zzz", "1.0"), "setup.py": b"raise SystemExit('never run')\n",
        "zzz.c": b"int zzz;"})})


def _locked() -> list[LockedPackage]:
    return [LockedPackage("aaa", "1.0", "poetry.lock:1", files=("aaa-1.0-py3-none-any.whl",)),
            LockedPackage("zzz", "1.0", "poetry.lock:9", files=("zzz-1.0.tar.gz",))]


def test_a_locks_source_build_is_looked_up_first_and_the_outcome_keeps_the_locks_order(
    server: IndexServer, tmp_path: Path
) -> None:
    url = _lock_index(server)
    with open_index([url], cache_dir=tmp_path / "cache", retries=0, max_workers=1,
                    sdist_scan=BUILD_FILES_SCAN) as index:
        catalog = ProjectCatalog(index, SLIM, {})
        outcome = _check_locked(_locked(), catalog, load_mapping())
        catalog.close()
    pages = [h.path for h in server.hits if h.path.startswith("/simple/")]
    assert pages[:2] == ["/simple/zzz/", "/simple/aaa/"]  # one worker: in asking order
    assert list(outcome.packages) == ["aaa", "zzz"]
    assert outcome.packages["zzz"].verdict.status is Status.SOURCE_BUILD


def test_the_first_invalid_version_in_the_locks_order_is_the_error(
    server: IndexServer, tmp_path: Path
) -> None:
    url = _lock_index(server)
    locked = [LockedPackage("aaa", "one", "poetry.lock:3", files=("aaa-1.0-py3-none-any.whl",)),
              LockedPackage("zzz", "two", "poetry.lock:9", files=("zzz-1.0.tar.gz",))]
    with open_index([url], cache_dir=tmp_path / "cache", retries=0) as index:
        catalog = ProjectCatalog(index, SLIM, {})
        with pytest.raises(InputFileError, match="aaa: 'one'") as raised:
            _check_locked(locked, catalog, None)
        catalog.close()
    assert raised.value.line == 3


POETRY_LOCK = """\
[[package]]
name = "aaa"
version = "1.0"
description = ""
category = "main"
optional = false
python-versions = "*"

[[package]]
name = "bbb"
version = "1.0"
description = ""
category = "main"
optional = false
python-versions = "*"

[[package]]
name = "zzz"
version = "1.0"
description = ""
category = "main"
optional = false
python-versions = "*"

[metadata]
lock-version = "1.1"
python-versions = "^3.8"
content-hash = "0"

[metadata.files]
aaa = [{file = "aaa-1.0-py3-none-any.whl", hash = "sha256:00"}]
bbb = [{file = "bbb-1.0-py3-none-any.whl", hash = "sha256:00"}]
zzz = [{file = "zzz-1.0.tar.gz", hash = "sha256:00"}]
"""


def test_a_whole_run_asks_for_a_locks_likely_source_builds_pages_first(
    server: IndexServer, tmp_path: Path
) -> None:
    url = _lock_index(server)
    publish(server, "bbb", {"bbb-1.0-py3-none-any.whl": wheel("bbb", "1.0",
                                                              metadata("bbb", "1.0"))})
    server.fault("/simple/aaa/", Slow(2))  # holds the one worker: the next page waits
    lock = tmp_path / "poetry.lock"
    lock.write_text(POETRY_LOCK)
    options = RunOptions(python="3.12", index_url=url)
    specs, _ = load_inputs([lock], options)
    request = build_request(specs[0], options)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0,
                    max_workers=1, sdist_scan=BUILD_FILES_SCAN) as index:
        report = check(request, index)
    pages = [h.path for h in server.hits if h.path.startswith("/simple/")]
    # In the lock's order zzz would wait behind aaa and bbb; first, it is asked at once.
    assert pages.index("/simple/zzz/") < pages.index("/simple/bbb/")
    assert [p.name for p in report.packages] == ["aaa", "bbb", "zzz"]
