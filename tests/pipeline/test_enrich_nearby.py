"""enrich's version alternatives on a loopback index: the newest final, unyanked release with
a wheel for the target, else the closest older one; pre-releases are never offered."""

from __future__ import annotations

from pathlib import Path

from index_builders import metadata, publish, sdist_tar, wheel, wheel_name
from index_server import IndexServer
from wheelfit.commands.inputs import build_request, load_inputs
from wheelfit.commands.options import RunOptions
from wheelfit.index.client import open_index
from wheelfit.pipeline.check import check

PYPROJECT = b'[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'



def _sdist(version: str) -> tuple[str, bytes]:
    top = f"lib-{version}"
    return f"{top}.tar.gz", sdist_tar(top, {"pyproject.toml": PYPROJECT})


def _alpine_version_alternatives(server: IndexServer, tmp_path: Path, pin: str,
                                 wheels: tuple[str, ...], sdists: tuple[str, ...]
                                 ) -> list[str | None]:
    files = dict(_sdist(v) for v in sdists)
    for version in wheels:
        files[wheel_name("lib", version)] = wheel("lib", version, metadata("lib", version))
    url = publish(server, "lib", files)
    req = tmp_path / "requirements.txt"
    req.write_text(f"lib=={pin}\n")
    options = RunOptions(python="3.12", index_url=url)
    specs, _ = load_inputs([req], options)
    request = build_request(specs[0], options)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        report = check(request, index)
    verdict = report.packages[0].verdicts["alpine"]
    assert verdict.status.value == "source-build"
    return [a.version for a in verdict.alternatives if a.kind == "version"]


def test_the_newest_final_release_with_a_wheel_is_offered(
    server: IndexServer, tmp_path: Path
) -> None:
    found = _alpine_version_alternatives(server, tmp_path, "2.0",
                                         ("1.0", "2.0rc1", "4.0", "5.0", "6.0rc1"),
                                         ("2.0", "3.0"))
    assert found == ["5.0"]


def test_the_closest_older_release_skips_pre_releases(
    server: IndexServer, tmp_path: Path
) -> None:
    found = _alpine_version_alternatives(server, tmp_path, "3.0",
                                         ("1.0", "2.0rc1", "4.0rc1"), ("3.0",))
    assert found == ["1.0"]
