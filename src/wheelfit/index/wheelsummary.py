"""What verdicts and sizes need from a wheel's central directory, summarised once when the
directory is read; the directory itself is then dropped (a wheel's file list can hold
thousands of members, its summary a handful of numbers and the vendored libraries' names).

The cache holds the summary as versioned JSON; an entry of another form (an older file
list, another version, damaged values) reads as absent and is fetched again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat

FORMAT = 1
_INTS = ("files", "installed", "py", "py_files", "libs_bytes")
_LIBRARY_DIRS = ("purelib/", "platlib/")  # of a `*.data/` folder: installed as the library


@dataclass(frozen=True, slots=True)
class WheelSummary:
    """Sizes of a wheel's members and the names of the libraries it vendors."""

    files: int
    installed_bytes: int
    py_bytes: int  # the `.py` files pip byte-compiles at install (`compiled_by_pip`)
    py_files: int
    libs_bytes: int  # members under a `*.libs/` folder (auditwheel's vendored libraries)
    libs: tuple[str, ...]  # the shared objects among them, as named in the wheel


def compiled_by_pip(member: str) -> bool:
    """Whether pip byte-compiles this wheel member at install: a `.py` file of the library
    part (the root, or `*.data/purelib|platlib/`), not scripts, headers or data."""
    if not member.endswith(".py"):
        return False
    top, _, rest = member.partition("/")
    if top.endswith(".data"):
        return rest.startswith(_LIBRARY_DIRS)
    return not top.endswith(".dist-info")


def summarise(members: Iterable[tuple[str, int]]) -> WheelSummary:
    """The summary of a wheel's members, given as (name, uncompressed size)."""
    rows = list(members)
    return summarise_columns([name for name, _ in rows], [size for _, size in rows])


def summarise_columns(names: Sequence[str], sizes: Sequence[int]) -> WheelSummary:
    """`summarise` of members given as their names and their sizes, in the same order.

    A wheel can hold 10,000 members: the sums and tests run over whole columns, and only
    the members whose names hold what an exception needs (a `.dist-info/` or `.data/`
    folder among the `.py` files, `.libs/` or a backslash) are looked at one by one."""
    is_py = list(map(str.endswith, names, repeat(".py")))
    py_names = list(compress(names, is_py))
    py_sizes = list(compress(sizes, is_py))
    py, py_files = sum(py_sizes), len(py_sizes)
    py_text = "\n".join(py_names)  # no test below looks for a line break
    if ".dist-info/" in py_text or ".data/" in py_text:
        left_out = [size for name, size in zip(py_names, py_sizes, strict=True)
                    if not compiled_by_pip(name)]
        py -= sum(left_out)
        py_files -= len(left_out)
    libs_bytes = 0
    libs: list[str] = []
    text = "\n".join(names)
    if ".libs/" in text or "\\" in text:
        for name, size in zip(names, sizes, strict=True):
            in_libs = ".libs/" in name
            if in_libs:
                libs_bytes += size
            if ".so" in name and (in_libs or ".libs/" in name.replace("\\", "/")):
                libs.append(name)
    return WheelSummary(len(names), sum(sizes), py, py_files, libs_bytes, tuple(libs))


def encode_summary(summary: WheelSummary) -> bytes:
    """The cache's form of a summary."""
    row = {"v": FORMAT, "files": summary.files, "installed": summary.installed_bytes,
           "py": summary.py_bytes, "py_files": summary.py_files,
           "libs_bytes": summary.libs_bytes, "libs": list(summary.libs)}
    return json.dumps(row, separators=(",", ":")).encode()


def decode_summary(data: bytes) -> WheelSummary | None:
    """The summary of a cache entry; None for any other form (ignored, fetched again)."""
    try:
        row = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(row, dict) or row.get("v") != FORMAT:
        return None
    numbers = [row.get(k) for k in _INTS]
    libs = row.get("libs")
    if not all(type(n) is int and n >= 0 for n in numbers):
        return None
    if not isinstance(libs, list) or not all(isinstance(n, str) for n in libs):
        return None
    files, installed, py, py_files, libs_bytes = (int(n) for n in numbers if n is not None)
    return WheelSummary(files, installed, py, py_files, libs_bytes, tuple(libs))
