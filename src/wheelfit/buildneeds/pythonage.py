"""Old sdists on a newer Python (issue 13, item 7): a prediction, with its reason.

A release that ships CPython wheels for some Pythons, none of which can serve the target's
Python (no `cpXY`, no abi3 or pure wheel), and whose files were all uploaded before that
Python came out (data/python-releases.tsv), was never built for it: its sdist usually
fails to compile there (C API changes, removed distutils). That is what wheelfit says, as
an expectation with its reason, naming the first newer release with a wheel for the target.
Wheel tags are judged with `packaging.tags` for the target's Python, platform ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from wheelfit.model import DistFile
from wheelfit.shipped import read_tsv

_ANY = ["any"]


@dataclass(frozen=True)
class PythonRelease:
    """When a CPython minor version's X.Y.0 came out, and where that date is written."""

    python: str
    released: date
    source: str


@lru_cache(maxsize=1)
def python_releases() -> dict[str, PythonRelease]:
    """data/python-releases.tsv by version (`3.12`)."""
    return {row["python"]: PythonRelease(row["python"], date.fromisoformat(row["released"]),
                                         row["source"])
            for row in read_tsv("python-releases.tsv")}


def _serving(python: str) -> frozenset[tuple[str, str]]:
    """(interpreter, abi) pairs a wheel may carry to install on this CPython."""
    version = tuple(int(x) for x in python.split(".")[:2])
    tags = [*cpython_tags(version, platforms=_ANY),
            *compatible_tags(version, f"cp{version[0]}{version[1]}", _ANY)]
    return frozenset((t.interpreter, t.abi) for t in tags)


def _wheel_tags(files: Iterable[DistFile]) -> list[Tag]:
    out: list[Tag] = []
    for file in files:
        if not file.is_wheel:
            continue
        try:
            out.extend(parse_wheel_filename(file.filename)[3])
        except InvalidWheelFilename:
            continue
    return out


def _uploaded(files: Iterable[DistFile]) -> date | None:
    """The newest upload date of the release's files; None when one cannot be dated."""
    days = []
    for file in files:
        if not file.upload_time:
            return None
        try:
            days.append(datetime.fromisoformat(file.upload_time.replace("Z", "+00:00")).date())
        except ValueError:
            return None
    return max(days) if days else None


def predates_python(name: str, version: str, python: str, files: Iterable[DistFile],
                    first_with_wheel: str | None) -> str | None:
    """`numpy 1.19.5 predates Python 3.12 (…): its source build is expected to fail; 1.26.0
    is the first release with a wheel for Python 3.12 on this target`, or None when the
    evidence is not there. `first_with_wheel`: the closest newer version with a wheel for
    the target (None: there is none)."""
    release = python_releases().get(".".join(python.split(".")[:2]))
    files = list(files)
    tags = _wheel_tags(files)
    cpython = sorted({t.interpreter for t in tags if t.interpreter.startswith("cp")},
                     key=lambda i: (len(i), i))
    uploaded = _uploaded(files)
    if release is None or not cpython or uploaded is None or uploaded >= release.released:
        return None
    serving = _serving(release.python)
    if any((t.interpreter, t.abi) in serving for t in tags):
        return None
    text = (f"{name} {version} predates Python {release.python} (uploaded {uploaded}; Python "
            f"{release.python} came out {release.released}; its wheels stop at {cpython[-1]}): "
            "its source build is expected to fail")
    if first_with_wheel:
        text += (f"; {first_with_wheel} is the first release with a wheel for Python "
                 f"{release.python} on this target")
    return text
