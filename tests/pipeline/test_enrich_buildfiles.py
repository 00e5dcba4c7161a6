"""enrich reads an unmapped project's build files from its sdist (once per run) and plans from
them: the recorded build files of real sdists, served as sdists by a loopback index."""

from __future__ import annotations

import re
from pathlib import Path

from buildneeds.sdist_files import recorded_sdist
from index_builders import metadata, publish, sdist_tar, wheel
from index_server import IndexServer
from wheelfit.commands.inputs import build_request, load_inputs
from wheelfit.commands.options import RunOptions
from wheelfit.index.client import open_index
from wheelfit.model import Report
from wheelfit.pipeline.check import check


def _serve(server: IndexServer, recorded: str, project: str, version: str) -> str:
    """The recorded build files (and every other member name, empty) as the project's sdist."""
    files, names = recorded_sdist(recorded)
    top = f"{project}-{version}"
    members = {name.partition("/")[2]: b"" for name in names}
    members.update({name.partition("/")[2]: data for name, data in files.items()})
    return publish(server, project, {f"{top}.tar.gz": sdist_tar(top, members)})


def _check(url: str, requirement: str, tmp_path: Path) -> Report:
    req = tmp_path / "requirements.txt"
    req.write_text(requirement + "\n")
    options = RunOptions(python="3.12", index_url=url)
    specs, _ = load_inputs([req], options)
    request = build_request(specs[0], options)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        return check(request, index)


def test_rust_plan_is_read_from_the_build_files(server: IndexServer, tmp_path: Path) -> None:
    url = _serve(server, "tantivy-0.26.0", "tantivy", "0.26.0")
    report = _check(url, "tantivy==0.26.0", tmp_path)
    alpine = report.packages[0].verdicts["alpine"].build
    assert alpine is not None and "cargo" in alpine.apk and alpine.basis == "build-files"


def test_the_sdist_is_read_once_for_both_targets(server: IndexServer, tmp_path: Path) -> None:
    url = _serve(server, "tantivy-0.26.0", "tantivy", "0.26.0")
    _check(url, "tantivy==0.26.0", tmp_path)
    # One stream for PKG-INFO while resolving, one for the build files of slim and alpine.
    assert len(server.hits_for("/files/tantivy-0.26.0.tar.gz")) == 2


def test_llvm_dev_package_on_slim(server: IndexServer, tmp_path: Path) -> None:
    url = _serve(server, "llvmlite-0.50.0", "llvmlite", "0.50.0")
    slim = _check(url, "llvmlite==0.50.0", tmp_path).packages[0].verdicts["slim"].build
    assert slim is not None and any(re.fullmatch(r"llvm-?\d+-dev", p) for p in slim.apt)


def test_a_c_extension_naming_no_library_is_planned_from_its_files(
        server: IndexServer, tmp_path: Path) -> None:
    top = "mystery-1.0"
    url = publish(server, "mystery", {f"{top}.tar.gz": sdist_tar(top, {
        "setup.py": b"from setuptools import setup, Extension\n"
                    b"setup(ext_modules=[Extension('m', ['m.c'])])\n"})})
    verdict = _check(url, "mystery==1.0", tmp_path).packages[0].verdicts["alpine"]
    assert verdict.build is not None and verdict.build.basis == "build-files"


def test_a_guess_says_what_is_unknown(server: IndexServer, tmp_path: Path) -> None:
    # Windows wheels show it compiles; its setup.py names no extension and no library.
    top = "mystery-1.0"
    url = publish(server, "mystery", {
        "mystery-1.0-cp312-cp312-win_amd64.whl": wheel("mystery", "1.0",
                                                        metadata("mystery", "1.0")),
        f"{top}.tar.gz": sdist_tar(top, {"setup.py": b"from setuptools import setup\n"
                                                      b"setup(name='mystery')\n"})})
    report = _check(url, "mystery==1.0", tmp_path)
    verdict = report.packages[0].verdicts["alpine"]
    assert verdict.build is not None and verdict.build.basis == "unknown"
    assert verdict.reason == "compiles C; the libraries it links are unknown"


def test_a_guess_lowers_the_confidence(server: IndexServer, tmp_path: Path) -> None:
    top = "mystery-1.0"
    url = publish(server, "mystery", {
        "mystery-1.0-cp312-cp312-win_amd64.whl": wheel("mystery", "1.0",
                                                        metadata("mystery", "1.0")),
        f"{top}.tar.gz": sdist_tar(top, {"setup.py": b"from setuptools import setup\n"
                                                      b"setup(name='mystery')\n"})})
    report = _check(url, "mystery==1.0", tmp_path)
    assert report.recommendation is not None
    assert any("leaves something unknown" in r and "mystery on" in r
               for r in report.recommendation.reasons)


def test_unknowns_are_the_verdicts_own_targets(server: IndexServer, tmp_path: Path) -> None:
    # LLVM 22 has no Alpine -dev package in the table: alpine's plan says so, slim's does not.
    url = _serve(server, "llvmlite-0.50.0", "llvmlite", "0.50.0")
    verdicts = _check(url, "llvmlite==0.50.0", tmp_path).packages[0].verdicts
    alpine, slim = verdicts["alpine"].build, verdicts["slim"].build
    assert alpine is not None and slim is not None
    assert any(u.startswith("LLVM 22") for u in alpine.unknown) and slim.unknown == ()


def test_vendored_libraries_come_from_the_wheel_already_read(
        server: IndexServer, tmp_path: Path) -> None:
    """alpine builds from the sdist; the wheel whose vendored libraries are looked at is the
    one slim chose (read already), not the first manylinux wheel of the page (issue 15)."""
    top = "nat-1.0"
    arm = "nat-1.0-cp310-cp310-manylinux_2_17_aarch64.whl"
    x86 = "nat-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"
    meta = metadata("nat", "1.0")
    url = publish(server, "nat", {
        arm: wheel("nat", "1.0", meta), x86: wheel("nat", "1.0", meta),
        f"{top}.tar.gz": sdist_tar(top, {
            "setup.py": b"from setuptools import setup, Extension\n"
                        b"setup(ext_modules=[Extension('m', ['m.c'])])\n"})})
    report = _check(url, "nat==1.0", tmp_path)
    assert report.packages[0].verdicts["slim"].file == x86
    assert report.packages[0].verdicts["alpine"].build is not None
    assert server.hits_for(f"/files/{x86}") and not server.hits_for(f"/files/{arm}")
