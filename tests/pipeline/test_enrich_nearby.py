"""enrich's version alternatives: the closest newer and older final, unyanked releases with
a wheel for the target, judged outward from the chosen version (issue 15, item 3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index_builders import metadata, publish, sdist_tar, wheel, wheel_name
from index_server import IndexServer
from wheelfit.commands.inputs import build_request, load_inputs
from wheelfit.commands.options import RunOptions
from wheelfit.index.client import open_index
from wheelfit.pipeline.check import check

PYPROJECT = b'[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'


@pytest.fixture
def server() -> Iterator[IndexServer]:
    srv = IndexServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def _sdist(version: str) -> tuple[str, bytes]:
    top = f"lib-{version}"
    return f"{top}.tar.gz", sdist_tar(top, {"pyproject.toml": PYPROJECT})


def test_the_closest_wheels_around_a_source_build_skip_pre_releases(
    server: IndexServer, tmp_path: Path
) -> None:
    files = dict([_sdist("2.0"), _sdist("3.0")])
    for version in ("1.0", "2.0rc1", "4.0", "5.0"):
        files[wheel_name("lib", version)] = wheel("lib", version, metadata("lib", version))
    url = publish(server, "lib", files)
    req = tmp_path / "requirements.txt"
    req.write_text("lib==2.0\n")
    options = RunOptions(python="3.12", index_url=url)
    specs, _ = load_inputs([req], options)
    request = build_request(specs[0], options)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        report = check(request, index)
    verdict = report.packages[0].verdicts["alpine"]
    assert verdict.status.value == "source-build"
    assert [(a.kind, a.version) for a in verdict.alternatives if a.kind == "version"] == [
        ("version", "4.0"), ("version", "1.0")]
