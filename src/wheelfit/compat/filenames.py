"""The one home of distribution file-name rules (pure: no I/O): which names are a
project's wheels and sdists, their versions, tags and build tags, and a file list grouped
by version.

pip considers wheels (`parse_wheel_filename`) and sdists with the archive extensions it can
unpack; legacy sdist names whose project part is not normalised (`Foo.Bar-1.0.tar.bz2`)
are accepted the way pip accepts them: the version starts after the first `-` whose prefix
is the project's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from packaging.tags import Tag, parse_tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from wheelfit.model import DistFile, ProjectPage

# pip's archive extensions, minus the ones pip cannot build from (.egg, .exe, .msi, ...).
SDIST_EXTENSIONS = (".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar")
_BUILD_TAG = re.compile(r"^(\d+)(.*)$")


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


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A distribution file with its name, version, tags and build tag parsed once."""

    file: DistFile
    name: str
    version: Version
    tags: frozenset[Tag] | None
    build: tuple[int, str] | tuple[()]

    @property
    def is_wheel(self) -> bool:
        """True for wheels (sdists have no tags)."""
        return self.tags is not None


_Parts = tuple[str, Version, frozenset[Tag] | None, tuple[int, str] | tuple[()]]


def parse_file(file: DistFile, project: str) -> ParsedFile | None:
    """Parse a file name; None for names that are not a wheel or sdist of `project`."""
    return parse_file_of(file, canonicalize_name(project))


def parse_file_of(file: DistFile, canonical: str) -> ParsedFile | None:
    """`parse_file` for a project name already canonical (a release's files share it)."""
    parts = _parse_name(file.filename, canonical)
    return None if parts is None else ParsedFile(file, *parts)


# Both targets (and enrichment) ask about the same files: a name is parsed once while it is
# in use. Bounded, so a run over many huge pages keeps only the recent names.
@lru_cache(maxsize=16384)
def _parse_name(filename: str, want: str) -> _Parts | None:
    try:
        if filename.endswith(".whl"):
            name, version, build, tags = parse_wheel_filename(filename)
            build_key: tuple[int, str] | tuple[()] = ()
            if build:
                match = _BUILD_TAG.match(f"{build[0]}{build[1]}")
                build_key = (int(match.group(1)), match.group(2)) if match else ()
            if name != want:
                return None
            return (name, version, tags, build_key)
        if filename.endswith(".tar.gz") or filename.endswith(".zip"):
            name, version = parse_sdist_filename(filename)
            return (name, version, None, ()) if name == want else None
        return _parse_legacy_sdist(filename, want)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None


def _parse_legacy_sdist(filename: str, want: str) -> _Parts | None:
    for suffix in SDIST_EXTENSIONS:
        if filename.endswith(suffix):
            stem = filename[: -len(suffix)]
            name, sep, version = stem.rpartition("-")
            if sep and canonicalize_name(name) == want:
                return (want, Version(version), None, ())
    return None


def group_files(files: tuple[DistFile, ...], project: str) -> dict[Version, list[DistFile]]:
    """A project's files by version, read from the file names only (tags are parsed later,
    and only for the versions a resolution actually looks at)."""
    want = canonicalize_name(project)
    names: dict[str, bool] = {}
    versions: dict[str, Version | None] = {}
    groups: dict[Version, list[DistFile]] = {}
    for file in files:
        version: Version | None = None
        if file.filename.endswith(".whl"):
            parts = file.filename[:-4].split("-")
            if len(parts) in (5, 6):
                if parts[0] not in names:
                    names[parts[0]] = canonicalize_name(parts[0]) == want
                if names[parts[0]]:
                    if parts[1] not in versions:
                        versions[parts[1]] = _version_or_none(parts[1])
                    version = versions[parts[1]]
        else:
            parsed = parse_file(file, project)
            version = parsed.version if parsed else None
        if version is not None:
            groups.setdefault(version, []).append(file)
    return groups


def _version_or_none(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def project_page(name: str, files: tuple[DistFile, ...],
                 index_urls: tuple[str, ...] = ()) -> ProjectPage:
    """A page from a flat file list (files whose names are not the project's drop out)."""
    return ProjectPage(name, group_files(files, name), index_urls)
