"""What verdicts and sizes need from a wheel's central directory, summarised once when the
directory is read; the directory itself is then dropped (a wheel's file list can hold
thousands of members, its summary a handful of numbers and the vendored libraries' names).

The cache holds the summary as versioned JSON; an entry of another form (an older file
list, another version, damaged values) reads as absent and is fetched again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

FORMAT = 1
_INTS = ("files", "installed", "py", "py_files", "libs_bytes")


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
        return rest.startswith(("purelib/", "platlib/"))
    return not top.endswith(".dist-info")


def summarise(members: Iterable[tuple[str, int]]) -> WheelSummary:
    """The summary of a wheel's members, given as (name, uncompressed size)."""
    files = installed = py = py_files = libs_bytes = 0
    libs: list[str] = []
    for name, size in members:
        files += 1
        installed += size
        if name.endswith(".py") and compiled_by_pip(name):
            py += size
            py_files += 1
        in_libs = ".libs/" in name
        if in_libs:
            libs_bytes += size
        if ".so" in name and (in_libs or ".libs/" in name.replace("\\", "/")):
            libs.append(name)
    return WheelSummary(files, installed, py, py_files, libs_bytes, tuple(libs))


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
