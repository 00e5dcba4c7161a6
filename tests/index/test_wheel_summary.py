"""wheelsummary.py: what verdicts and sizes need from a wheel's central directory, kept
instead of the directory itself, and its versioned form in the cache."""

from __future__ import annotations

import json

import pytest

from wheelfit.buildneeds.native import libraries_from_wheel_entries
from wheelfit.index.wheelsummary import (
    WheelSummary,
    decode_summary,
    encode_summary,
    summarise,
)

MEMBERS = [
    ("six.py", 100),
    ("pkg/__init__.py", 20),
    ("pkg.data/purelib/extra.py", 7),
    ("pkg.data/scripts/tool.py", 1_000),
    ("pkg-1.0.dist-info/METADATA", 300),
    ("pkg/_ext.cpython-312-x86_64-linux-gnu.so", 50_000),
    ("pkg.libs/libpq-9a1b2c3d.so.5.16", 200_000),
    ("pkg.libs/README.txt", 5),
    ("other/libfake.so", 9),
]


def test_installed_bytes_are_every_members_size() -> None:
    assert summarise(MEMBERS).installed_bytes == sum(size for _, size in MEMBERS)


def test_files_counts_every_member() -> None:
    assert summarise(MEMBERS).files == len(MEMBERS)


def test_py_bytes_are_the_files_pip_compiles() -> None:
    assert summarise(MEMBERS).py_bytes == 100 + 20 + 7


def test_py_files_counts_the_files_pip_compiles() -> None:
    assert summarise(MEMBERS).py_files == 3


def test_libs_bytes_are_the_members_under_a_libs_folder() -> None:
    assert summarise(MEMBERS).libs_bytes == 200_000 + 5


def test_libs_keep_only_the_shared_objects_under_a_libs_folder() -> None:
    assert summarise(MEMBERS).libs == ("pkg.libs/libpq-9a1b2c3d.so.5.16",)


@pytest.mark.parametrize("name", [
    "pkg.libs/libz-1a2b3c4d.so.1.2.13",
    "pkg\\x.libs\\libjpeg-77ae51ab.so.62.4.0",
    "deep/pkg.libs/libgfortran-040039e1.so.5.0.0",
    "pkg.libs/notalib.txt",
    "pkg/libnot-vendored.so.1",
    ".libs/libffi.so.8",
])
def test_libs_name_the_same_libraries_as_the_whole_list(name: str) -> None:
    members = [*MEMBERS, (name, 1)]
    summary = summarise(members)
    assert libraries_from_wheel_entries(summary.libs) == libraries_from_wheel_entries(
        n for n, _ in members)


def test_an_empty_directory_sums_to_nothing() -> None:
    assert summarise([]) == WheelSummary(0, 0, 0, 0, 0, ())


def test_the_cached_form_reads_back_equal() -> None:
    summary = summarise(MEMBERS)
    assert decode_summary(encode_summary(summary)) == summary


def test_the_cached_form_names_its_version() -> None:
    assert json.loads(encode_summary(summarise(MEMBERS)))["v"] == 1


BAD = {
    "another version": b'{"v":2,"files":1,"installed":1,"py":0,"py_files":0,"libs_bytes":0,'
                       b'"libs":[]}',
    "no version": b'{"files":1,"installed":1,"py":0,"py_files":0,"libs_bytes":0,"libs":[]}',
    "the old file list": b'[["six.py",10,20]]',
    "not json": b"\xff\x00",
    "a negative size": b'{"v":1,"files":1,"installed":-1,"py":0,"py_files":0,"libs_bytes":0,'
                       b'"libs":[]}',
    "a boolean size": b'{"v":1,"files":true,"installed":1,"py":0,"py_files":0,'
                      b'"libs_bytes":0,"libs":[]}',
    "a missing field": b'{"v":1,"files":1,"installed":1,"py":0,"libs_bytes":0,"libs":[]}',
    "a library that is not text": b'{"v":1,"files":1,"installed":1,"py":0,"py_files":0,'
                                  b'"libs_bytes":0,"libs":[3]}',
    "libraries that are not a list": b'{"v":1,"files":1,"installed":1,"py":0,"py_files":0,'
                                     b'"libs_bytes":0,"libs":"a.libs/x.so"}',
}


@pytest.mark.parametrize("data", BAD.values(), ids=BAD.keys())
def test_an_entry_of_another_form_is_ignored(data: bytes) -> None:
    assert decode_summary(data) is None
