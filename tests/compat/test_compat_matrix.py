"""`wheelfit inspect`: the availability matrix over Python, platform and arch, from file names."""

from __future__ import annotations

import json

import pytest

from wheelfit.compat.filenames import project_page
from wheelfit.compat.matrix import PYTHONS, first_musllinux, inspect_project, pick_version
from wheelfit.errors import UsageError
from wheelfit.formats.inspect import inspect_dict, render_inspect
from wheelfit.model import DistFile, ProjectPage

NUMPY = [
    "numpy-1.24.0.tar.gz",
    "numpy-1.24.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "numpy-1.25.0.tar.gz",
    "numpy-1.25.0-cp311-cp311-musllinux_1_1_x86_64.whl",
    "numpy-1.26.4.tar.gz",
    "numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "numpy-1.26.4-cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
    "numpy-1.26.4-cp312-cp312-musllinux_1_1_x86_64.whl",
    "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "numpy-1.26.4-cp311-cp311-musllinux_1_1_aarch64.whl",
    "numpy-2.0.0rc1-cp312-cp312-musllinux_1_2_aarch64.whl",
    "numpy-2.0.0rc1.tar.gz",
]


def page(names: list[str], name: str = "numpy", requires_python: str | None = ">=3.9",
         yanked: frozenset[str] = frozenset()) -> ProjectPage:
    """A project page of files with these names."""
    return project_page(name, tuple(
        DistFile(n, f"https://files.example/{n}", requires_python=requires_python,
                 yanked=n in yanked) for n in names))


@pytest.mark.parametrize(("python", "family", "arch", "kind"), [
    ("3.12", "manylinux", "x86_64", "binary"),
    ("3.12", "manylinux", "aarch64", "binary"),
    ("3.12", "musllinux", "x86_64", "binary"),
    ("3.12", "musllinux", "aarch64", "sdist"),
    ("3.11", "musllinux", "aarch64", "binary"),
    ("3.11", "musllinux", "x86_64", "sdist"),
    ("3.13", "manylinux", "x86_64", "sdist"),
    ("3.8", "manylinux", "x86_64", "none"),
])
def test_matrix_cell(python: str, family: str, arch: str, kind: str) -> None:
    result = inspect_project(page(NUMPY))
    assert result.cell(python, family, arch).kind == kind


def test_matrix_is_complete() -> None:
    result = inspect_project(page(NUMPY))
    assert len(result.cells) == len(PYTHONS) * 2 * 2


def test_binary_cell_names_file_and_tag() -> None:
    cell = inspect_project(page(NUMPY)).cell("3.12", "musllinux", "x86_64")
    assert cell.file == "numpy-1.26.4-cp312-cp312-musllinux_1_1_x86_64.whl"
    assert cell.tag == "cp312-cp312-musllinux_1_1_x86_64"


def test_only_the_chosen_versions_files_count() -> None:
    # 1.25.0 has an x86_64 musllinux wheel for 3.11; 1.26.4 does not.
    assert inspect_project(page(NUMPY), "1.25.0").cell("3.11", "musllinux", "x86_64").kind == (
        "binary")


def test_pure_wheel_everywhere() -> None:
    result = inspect_project(page(["six-1.17.0-py2.py3-none-any.whl", "six-1.17.0.tar.gz"],
                                  "six", None))
    assert {c.kind for c in result.cells} == {"pure"}


def test_wheel_only_project_is_none_on_musl() -> None:
    names = ["playwright-1.49.1-py3-none-manylinux1_x86_64.whl",
             "playwright-1.49.1-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.whl"]
    result = inspect_project(page(names, "playwright", ">=3.9"))
    assert result.cell("3.12", "musllinux", "x86_64").kind == "none"
    assert result.cell("3.12", "manylinux", "aarch64").kind == "binary"


def test_linux_wheel_is_marked_untrusted() -> None:
    result = inspect_project(page(["fastlib-0.3-cp312-cp312-linux_x86_64.whl"], "fastlib", None))
    cell = result.cell("3.12", "musllinux", "x86_64")
    assert cell.kind == "binary" and cell.untrusted


@pytest.mark.parametrize(("names", "yanked", "version", "why"), [
    (NUMPY, frozenset(), "1.26.4", "newest final release"),
    (NUMPY, frozenset({n for n in NUMPY if "1.26.4" in n}), "1.25.0", "newest final release"),
    (["x-2.0b1.tar.gz"], frozenset(), "2.0b1", "newest release (there is no final release)"),
    (["x-1.0.tar.gz"], frozenset({"x-1.0.tar.gz"}), "1.0",
     "newest release (every file is yanked)"),
])
def test_default_version(names: list[str], yanked: frozenset[str], version: str,
                         why: str) -> None:
    chosen, reason = pick_version(page(names, names[0].split("-")[0], None, yanked))
    assert (str(chosen), reason) == (version, why)


def test_requested_version_missing_is_a_usage_error_with_the_newest_versions() -> None:
    with pytest.raises(UsageError) as caught:
        pick_version(page(NUMPY), "9.9")
    assert caught.value.hint == "The newest versions are: 2.0.0rc1, 1.26.4, 1.25.0, 1.24.0."


@pytest.mark.parametrize("version", ["not a version", ""])
def test_invalid_requested_version_is_a_usage_error(version: str) -> None:
    with pytest.raises(UsageError):
        pick_version(page(NUMPY), version)


def test_project_without_files_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        inspect_project(page(["README.md"], "numpy"))


def test_first_musllinux_per_arch_scans_every_version() -> None:
    assert first_musllinux(page(NUMPY)) == {"x86_64": "1.25.0", "aarch64": "1.26.4"}


def test_first_musllinux_none_when_never_shipped() -> None:
    assert first_musllinux(page(NUMPY[:2])) == {"x86_64": None, "aarch64": None}


def test_render_inspect_matches_expected_text() -> None:
    assert render_inspect(inspect_project(page(NUMPY))) == EXPECTED_TEXT


EXPECTED_TEXT = """\
numpy 1.26.4 (newest final release; 6 files)
manylinux = python:X.Y-slim-trixie (glibc 2.41), musllinux = python:X.Y-alpine3.24 (musl 1.2.6)

python  manylinux x86_64  manylinux aarch64  musllinux x86_64  musllinux aarch64
3.8     none              none               none              none
3.9     sdist             sdist              sdist             sdist
3.10    sdist             sdist              sdist             sdist
3.11    binary            sdist              sdist             binary
3.12    binary            binary             binary            sdist
3.13    sdist             sdist              sdist             sdist
3.14    sdist             sdist              sdist             sdist

binary: a binary wheel · pure: a pure-Python wheel · sdist: builds from source · none: cannot \
be installed
First musllinux wheels: x86_64 1.25.0, aarch64 1.26.4
"""


def test_inspect_dict_is_json_ready() -> None:
    data = inspect_dict(inspect_project(page(NUMPY)))
    assert json.loads(json.dumps(data)) == data
    assert data["first_musllinux"] == {"x86_64": "1.25.0", "aarch64": "1.26.4"}
    assert data["matrix"][0] == {"python": "3.8", "platform": "manylinux", "arch": "x86_64",
                                 "kind": "none", "file": None, "tag": None, "untrusted": False}


GRPC_LIKE = [
    "grpcio-1.41.0rc1-cp39-cp39-musllinux_1_1_x86_64.whl",
    "grpcio-1.41.0rc1.tar.gz",
    "grpcio-1.40.0-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "grpcio-1.41.0-cp39-cp39-musllinux_1_1_x86_64.whl",
]


def test_first_musllinux_skips_release_candidates() -> None:
    assert first_musllinux(page(GRPC_LIKE, "grpcio"))["x86_64"] == "1.41.0"


def test_first_musllinux_with_pre_names_the_release_candidate() -> None:
    assert first_musllinux(page(GRPC_LIKE, "grpcio"), pre=True)["x86_64"] == "1.41.0rc1"


def test_first_musllinux_only_in_a_pre_release_is_none_by_default() -> None:
    assert first_musllinux(page(GRPC_LIKE[:3], "grpcio"))["x86_64"] is None
