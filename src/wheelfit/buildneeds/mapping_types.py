"""The apk/apt mapping's data model: the frozen dataclasses `mapping.py` validates into.

Kept apart from the validation and loading code (`wheelfit.buildneeds.mapping`, which
re-exports every name here) so that each module stays small; see that module for the file's schema.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from wheelfit.errors import MappingError
from wheelfit.model import Alternative


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """The values in their first-seen order, each once (package lists)."""
    return tuple(dict.fromkeys(values))

SCHEMA_VERSION = 1
ALTERNATIVE_KINDS = frozenset(
    {"binary-twin", "extra", "pure-python", "successor", "alpine-package", "version"})


@dataclass(frozen=True)
class AptNames:
    """Debian package names: one list, or one per release (in `debian_releases` order)."""

    names: tuple[str, ...] = ()
    per_release: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def for_release(self, release: str | None = None) -> tuple[str, ...]:
        """The names for a release (None: the newest one's, the python:slim default). A plain
        list holds for every release; a per-release list not naming `release` raises
        `MappingError`, never answering with another release's names."""
        if not self.per_release:
            return self.names
        if release is None:
            return self.per_release[-1][1]
        names = dict(self.per_release).get(release)
        if names is None:
            known = ", ".join(r for r, _ in self.per_release)
            raise MappingError(f"the apk/apt mapping has no Debian {release} package names "
                               f"(it lists {known})",
                               hint=f"Add {release} to debian_releases and to each "
                                    "per-release apt list, or choose a listed release.")
        return names

    def all_names(self) -> frozenset[str]:
        """Every name in every release."""
        return frozenset(self.names).union(*(names for _, names in self.per_release))


@dataclass(frozen=True)
class BuildSpec:
    """The part of a project entry a version override may replace."""

    native: tuple[str, ...] = ()
    optional: bool = False
    uses: tuple[str, ...] = ()
    apk: tuple[str, ...] = ()
    apk_runtime: tuple[str, ...] = ()
    apt: AptNames = AptNames()
    apt_runtime: AptNames = AptNames()
    env: tuple[tuple[str, str], ...] = ()
    note: str | None = None
    # (Debian release, need) for a need that release does not package (bullseye, "Qt 6").
    apt_missing: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class VersionOverride:
    """Keys that replace the base entry's for versions matching `specifier`."""

    specifier: SpecifierSet
    spec: BuildSpec
    keys: frozenset[str]


@dataclass(frozen=True)
class AlpinePackage:
    """Alpine's own py3-* package of a project (serves Alpine's python3 only)."""

    name: str
    version: str


@dataclass(frozen=True)
class ProjectEntry:
    """What a project's source build needs, per the mapping."""

    name: str
    spec: BuildSpec
    versions: tuple[VersionOverride, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    alpine_package: AlpinePackage | None = None
    source: tuple[str, ...] = ()

    def for_version(self, version: str | None) -> BuildSpec:
        """The spec for one version: the first matching override applied to the base."""
        if version is None:
            return self.spec
        try:
            parsed = Version(version)
        except InvalidVersion:
            return self.spec
        for over in self.versions:
            if over.specifier.contains(parsed, prereleases=True):
                return dataclasses.replace(
                    self.spec, **{k: getattr(over.spec, k) for k in over.keys})
        return self.spec


@dataclass(frozen=True)
class SharedEntry:
    """A reusable package set (`c-toolchain`, `rust`, ...)."""

    name: str
    spec: BuildSpec


@dataclass(frozen=True)
class SonameEntry:
    """The packages behind one shared library."""

    apk: tuple[str, ...] = ()
    apk_dev: tuple[str, ...] = ()
    apt: AptNames = AptNames()
    apt_dev: AptNames = AptNames()
    note: str | None = None


@dataclass(frozen=True)
class ApkMapping:
    """The whole validated mapping."""

    debian_releases: tuple[str, ...]
    kinds: AbcMapping[str, tuple[str, ...]]
    shared: AbcMapping[str, SharedEntry]
    pip_provides: frozenset[str]
    sonames: AbcMapping[str, SonameEntry]
    projects: AbcMapping[str, ProjectEntry]
    origins: tuple[str, ...] = field(default=())
    schema_version: int = SCHEMA_VERSION

    def project(self, name: str) -> ProjectEntry | None:
        """The entry for a project, by any spelling of its name."""
        return self.projects.get(canonicalize_name(name))

    def soname(self, soname: str) -> SonameEntry | None:
        """The entry for a SONAME (`libpq.so.5`), else for its stem (`libpq`)."""
        return self.sonames.get(soname) or self.sonames.get(soname_stem(soname))


def soname_stem(soname: str) -> str:
    """`libscipy_openblas64_-ff651d7f.so` / `libpq.so.5` -> `libscipy_openblas64_` / `libpq`."""
    return soname.split(".", 1)[0].split("-", 1)[0]
