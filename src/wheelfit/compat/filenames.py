"""Which file names are distributions of a project (pure: no I/O).

pip considers wheels (`parse_wheel_filename`) and sdists with the archive extensions it can
unpack; legacy sdist names whose project part is not normalised (`Foo.Bar-1.0.tar.bz2`)
are accepted the way pip accepts them: the version starts after the first `-` whose prefix
is the project's name.
"""

from __future__ import annotations

from functools import lru_cache

from packaging.tags import parse_tag
from packaging.utils import (
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

# pip's archive extensions, minus the ones pip cannot build from (.egg, .exe, .msi, ...).
SDIST_EXTENSIONS = (".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar")


def is_project_file(filename: str, project: str) -> bool:
    """True when `filename` is a wheel or sdist of `project` pip would consider."""
    canonical = _canonical(project)
    if filename.endswith(".whl"):
        return wheel_project(filename) == canonical
    return sdist_version(filename, canonical) is not None


def wheel_project(filename: str) -> NormalizedName | None:
    """The project of a valid wheel file name (packaging's rules); None when invalid.

    A page lists thousands of wheels that share a few names, versions and tag sets, so
    packaging judges each distinct part once: the name, version and build through
    `parse_wheel_filename` with a neutral tag, the tag set through `parse_tag`.
    """
    if not filename.endswith(".whl"):
        return None
    stem = filename[:-4]
    dashes = stem.count("-")
    if dashes not in (4, 5):
        return None
    parts = stem.split("-", dashes - 2)
    name = wheel_head_project("-".join(parts[:-1]))
    return name if name is not None and tags_valid(parts[-1]) else None


@lru_cache(maxsize=4096)
def wheel_head_project(head: str) -> NormalizedName | None:
    """The project of a wheel whose name, version and build fields are `head` (judged by
    `parse_wheel_filename` with neutral tags); None when one of them is invalid."""
    try:
        return parse_wheel_filename(f"{head}-py3-none-any.whl")[0]
    except ValueError:
        return None


@lru_cache(maxsize=16384)  # a cold run meets a few thousand distinct tag sets
def tags_valid(tags: str) -> bool:
    """True when a wheel's compressed tag set parses (`packaging.tags.parse_tag`)."""
    try:
        parse_tag(tags)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1024)
def _canonical(project: str) -> NormalizedName:
    return canonicalize_name(project)


def sdist_version(filename: str, project: NormalizedName | str) -> Version | None:
    """The version of an sdist of `project` named `filename`; None when it is not one.

    Accepts pip's sdist extensions (.tar.gz, .zip, .tar.bz2, .tgz, .tar) and legacy names
    whose project part is not normalised (`Foo.Bar-1.0.tar.gz`).
    """
    canonical = canonicalize_name(project)
    lower = filename.lower()
    ext = next((e for e in SDIST_EXTENSIONS if lower.endswith(e)), None)
    if ext is None:
        return None
    if ext in (".tar.gz", ".zip"):
        try:
            name, version = parse_sdist_filename(filename)
        except ValueError:
            pass
        else:
            if name == canonical:
                return version
    stem = filename[: -len(ext)]
    # Legacy names: the separator is the first "-" whose prefix is the project's name.
    for index, char in enumerate(stem):
        if char != "-":
            continue
        try:
            prefix_ok = canonicalize_name(stem[:index]) == canonical
        except ValueError:
            continue
        if prefix_ok:
            try:
                return Version(stem[index + 1 :])
            except InvalidVersion:
                return None
    return None


def project_of(filename: str) -> NormalizedName | None:
    """The project a wheel or sdist belongs to, from its name; None for other names."""
    if filename.endswith(".whl"):
        try:
            return parse_wheel_filename(filename)[0]
        except ValueError:
            return None
    lower = filename.lower()
    ext = next((e for e in SDIST_EXTENSIONS if lower.endswith(e)), None)
    if ext is None:
        return None
    stem = filename[: -len(ext)]
    # The shortest "-"-separated prefix followed by a valid version is the project name.
    for index, char in enumerate(stem):
        if char != "-" or index == 0:
            continue
        try:
            Version(stem[index + 1 :])
            return canonicalize_name(stem[:index], validate=True)
        except (InvalidVersion, ValueError):
            continue
    return None
