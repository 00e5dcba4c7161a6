"""Which Python the input asks for: requires-python, `.python-version`, a Dockerfile's FROM.

Rule for a version specifier (requires-python, Poetry's python constraint, a lock's
requires-python): the hint is the lowest minor version among 3.8 … 3.14 that the
specifier allows, where a minor X.Y counts as allowed when one of its releases does —
X.Y.0, or a version in the X.Y series the specifier itself names, or the patch release right
after it (so `>3.11.4` and `>=3.11.4` both give 3.11; `!=3.11.*` skips 3.11). The lowest is
chosen because it is the oldest image the project says it supports.

Priority when the input gives none itself: `.python-version` next to the input (its first
version line, kept as written: `3.11` or `3.11.4`), else the last `FROM python:X.Y…` of a
`Dockerfile` next to the input (the final stage is the image that runs the service;
`ARG` defaults before it are substituted).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from wheelfit.errors import InputFileError
from wheelfit.model import PythonHint
from wheelfit.sources.bounds import check_numbers
from wheelfit.sources.poetry_constraints import ConstraintError, alternatives
from wheelfit.sources.reading import read_text

MINORS = tuple((3, minor) for minor in range(8, 15))
_VERSION_LINE = re.compile(r"^(?:cpython-?|python)?(3)\.(\d+)(?:\.(\d+))?")
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(?P<image>\S+)", re.IGNORECASE)
_ARG = re.compile(r"^\s*ARG\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>\S*)", re.IGNORECASE)
_PYTHON_IMAGE = re.compile(r"^(?:[^@\s]*/)?python:(?P<tag>(?P<version>3\.\d+(?:\.\d+)?)\S*)$")
_DOCKER_VAR = re.compile(
    r"\$\{(?P<a>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?P<default>[^}]*))?\}|"
    r"\$(?P<b>[A-Za-z_][A-Za-z0-9_]*)"
)


def lowest_minor(specifier: SpecifierSet) -> str | None:
    """The lowest X.Y among 3.8 … 3.14 the specifier allows (see the module rule)."""
    for major, minor in MINORS:
        candidates = {Version(f"{major}.{minor}.0")}
        for clause in specifier:
            try:
                named = Version(clause.version.removesuffix(".*"))
            except InvalidVersion:
                continue
            if named.release[:2] == (major, minor):
                patch = named.release[2] if len(named.release) > 2 else 0
                candidates |= {named, Version(f"{major}.{minor}.{patch + 1}")}
        if any(specifier.contains(candidate, prereleases=True) for candidate in candidates):
            return f"{major}.{minor}"
    return None


def from_requires_python(text: str, source: str) -> PythonHint | None:
    """A hint from a PEP 440 specifier text; None when invalid or allowing none of 3.8 … 3.14."""
    try:
        specifier = SpecifierSet(text)
    except InvalidSpecifier:
        return None
    found = lowest_minor(specifier) if len(specifier) else None
    return PythonHint(found, source) if found else None


def from_poetry_python(text: str, source: str) -> PythonHint | None:
    """A hint from Poetry's python constraint (`^3.11`, `>=3.9,<3.13`, `~2.7 || ^3.8`)."""
    try:
        specifiers = [SpecifierSet(alt) for alt in alternatives(text)]
    except (ConstraintError, InvalidSpecifier):
        return None
    if any(not len(s) for s in specifiers):
        return None  # `*`: any Python, no hint
    found = [lowest_minor(s) for s in specifiers]
    minors = sorted((m for m in found if m), key=lambda m: tuple(int(p) for p in m.split(".")))
    return PythonHint(minors[0], source) if minors else None


def neighbour_hint(input_path: Path, display: str) -> PythonHint | None:
    """A hint from `.python-version`, else from the Dockerfile, next to the input file."""
    folder = os.path.dirname(display)
    return python_version_file(
        input_path.parent / ".python-version", os.path.join(folder, ".python-version")
    ) or dockerfile(input_path.parent / "Dockerfile", os.path.join(folder, "Dockerfile"))


def python_version_file(path: Path, display: str) -> PythonHint | None:
    """The first version line of a `.python-version` file (pyenv/uv format)."""
    text = _read_quietly(path, display)
    if text is None:
        return None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = _VERSION_LINE.match(line)
        if not found:
            return None
        version = ".".join(g for g in found.groups() if g is not None)
        return PythonHint(version, f"{version} in {display}:{number}")
    return None


def dockerfile(path: Path, display: str) -> PythonHint | None:
    """The Python version of the last `FROM python:X.Y…` line of a Dockerfile."""
    text = _read_quietly(path, display)
    if text is None:
        return None
    args: dict[str, str] = {}
    best: PythonHint | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        arg = _ARG.match(line)
        if arg:
            args.setdefault(arg.group("name"), arg.group("value").strip("\"'"))
            continue
        found = _FROM.match(line)
        if not found:
            continue
        image = _DOCKER_VAR.sub(lambda m: _docker_var(m, args), found.group("image"))
        python = _PYTHON_IMAGE.match(image)
        if python:
            best = PythonHint(python.group("version"), f"FROM {image} in {display}:{number}")
    return best


def _docker_var(match: re.Match[str], args: dict[str, str]) -> str:
    name = match.group("a") or match.group("b")
    return args.get(name) or match.group("default") or ""


def _read_quietly(path: Path, display: str) -> str | None:
    if not os.path.isfile(path):
        return None
    try:
        text = read_text(path, display)
        check_numbers(text, display)
    except InputFileError:
        return None
    return text
