"""filenames.py: which names are a project's wheels and sdists, and whose they are."""

from __future__ import annotations

import pytest
from packaging.utils import parse_wheel_filename

from wheelfit.compat.filenames import is_project_file, project_of, wheel_project


@pytest.mark.parametrize(
    ("filename", "project"),
    [
        ("foo-1.0-py3-none-any.whl", "foo"),
        ("Foo_Bar-1.0-cp312-cp312-musllinux_1_2_x86_64.whl", "foo-bar"),
        ("foo-1.0.tar.gz", "foo"),
        ("foo-bar-1.0.tar.gz", "foo-bar"),
        ("Foo.Bar-1.0.tar.bz2", "foo-bar"),
        ("foo-1.0.zip", "foo"),
        ("foo-1.0.tgz", "foo"),
        ("foo-1.0.tar", "foo"),
        ("foo-1.0-1.tar.gz", "foo"),
    ],
)
def test_project_of_distribution_names(filename: str, project: str) -> None:
    assert project_of(filename) == project


@pytest.mark.parametrize(
    "filename",
    [
        "foo-1.0.exe",
        "foo-1.0-py2.7.egg",
        "foo.tar.gz",
        "-1.0.tar.gz",
        "foo-1.0.whl",
        "foo-x.tar.gz",
    ],
)
def test_project_of_other_names_is_none(filename: str) -> None:
    assert project_of(filename) is None


def test_a_file_of_another_project_is_not_a_project_file() -> None:
    assert is_project_file("foo-1.0.tar.gz", "foo")
    assert not is_project_file("foobar-1.0.tar.gz", "foo")
    assert not is_project_file("foo_bar-1.0-py3-none-any.whl", "foo")


WHEEL_NAMES = [
    "a-1.0-py3-none-any.whl",
    "A.B-1.0-py3-none-any.whl",
    "a__b-1.0-py3-none-any.whl",
    "a-1.0-1x-py3-none-any.whl",
    "a-1.0-x1-py3-none-any.whl",
    "a-bad ver-py3-none-any.whl",
    "a-1.0-py3--any.whl",
    "a-1.0-3py-none-any.whl",
    "-1.0-py3-none-any.whl",
    "a-1.0-py3-none-any.x.whl",
    "a-1.0-py3.py2-none-any.whl",
    "a-1.0-py3..py2-none-any.whl",
    "a-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "a-1.0-1-cp312-cp312-musllinux_1_1_aarch64.whl",
    "a-1.0-py3-none.whl",
    "a-1.0-2-3-py3-none-any.whl",
    "a-1.0-py3-none-any.zip",
]


@pytest.mark.parametrize("filename", WHEEL_NAMES)
def test_wheel_project_agrees_with_packaging(filename: str) -> None:
    try:
        expected = parse_wheel_filename(filename)[0]
    except ValueError:
        expected = None
    assert wheel_project(filename) == expected
