"""`wheelfit inspect PROJECT`: one project's wheel availability matrix, pure over a ProjectPage.

For one version (default: the newest final release with a non-yanked file) and each of
Python 3.8-3.14, {manylinux, musllinux} and {x86_64, aarch64}, the file pip would pick on the
matching image (slim: trixie, glibc 2.41; alpine: 3.24, musl 1.2.6), restricted to that
version: `binary`, `pure`, `sdist` (a source build) or `none`. Also the first final release
that shipped a musllinux wheel for each arch (pre-releases count only with `pre`), scanning
every version's file names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from wheelfit.compat.filenames import ParsedFile, parse_file
from wheelfit.compat.select import Policy, rank_versions
from wheelfit.compat.targets import ALPINE_MUSL, ARCHES, DEBIAN_GLIBC, make_target
from wheelfit.errors import UsageError
from wheelfit.model import DistFile, ProjectPage, Status, Variant

PYTHONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
FAMILIES = {"manylinux": Variant.SLIM, "musllinux": Variant.ALPINE}
DEBIAN, ALPINE = "trixie", "3.24"
IMAGES = {"manylinux": f"python:X.Y-slim-{DEBIAN} (glibc {DEBIAN_GLIBC[DEBIAN]})",
          "musllinux": f"python:X.Y-alpine{ALPINE} (musl {ALPINE_MUSL[ALPINE]})"}
KINDS = {Status.BINARY_WHEEL: "binary", Status.PURE_WHEEL: "pure",
         Status.SOURCE_BUILD: "sdist"}


@dataclass(frozen=True)
class Cell:
    """What pip picks for one Python, platform family and arch: binary, pure, sdist or none."""

    python: str
    family: str
    arch: str
    kind: str
    file: str | None = None
    tag: str | None = None
    untrusted: bool = False


@dataclass(frozen=True)
class InspectResult:
    """The matrix for one version of one project."""

    project: str
    version: str
    chosen_by: str
    yanked: bool
    files: int
    cells: tuple[Cell, ...]
    first_musllinux: tuple[tuple[str, str | None], ...]
    pythons: tuple[str, ...] = PYTHONS
    arches: tuple[str, ...] = ARCHES

    def cell(self, python: str, family: str, arch: str) -> Cell:
        """The cell for one combination (KeyError-free: the matrix is complete)."""
        return next(c for c in self.cells
                    if (c.python, c.family, c.arch) == (python, family, arch))


def _parsed(page: ProjectPage) -> dict[Version, list[ParsedFile]]:
    by_version: dict[Version, list[ParsedFile]] = {}
    for file in (f for files in page.groups.values() for f in files):
        parsed = parse_file(file, page.name)
        if parsed is not None:
            by_version.setdefault(parsed.version, []).append(parsed)
    return by_version


def pick_version(page: ProjectPage, version: str | None = None) -> tuple[Version, str]:
    """The version to inspect and why: the requested one, else the newest final release with
    a non-yanked file (else the newest version with one, pre-releases included)."""
    by_version = _parsed(page)
    if not by_version:
        raise UsageError(f"{page.name} has no wheels or sdists on the index")
    if version is not None:
        try:
            wanted = Version(version)
        except InvalidVersion:
            raise UsageError(f"--version {version!r} is not a valid version") from None
        if wanted not in by_version:
            newest = ", ".join(str(v) for v in sorted(by_version, reverse=True)[:5])
            raise UsageError(f"{page.name} has no version {version}",
                             hint=f"The newest versions are: {newest}.")
        return wanted, "requested"
    live = [v for v, files in by_version.items() if any(not p.file.yanked for p in files)]
    final = [v for v in live if not v.is_prerelease]
    if final:
        return max(final), "newest final release"
    if live:
        return max(live), "newest release (there is no final release)"
    return max(by_version), "newest release (every file is yanked)"


def first_musllinux(page: ProjectPage, arches: Sequence[str] = ARCHES, *,
                    pre: bool = False) -> dict[str, str | None]:
    """arch → the lowest final release with a musllinux wheel for it (with `pre`, the lowest
    version, pre-releases included); None when there is none."""
    first: dict[str, Version | None] = dict.fromkeys(arches)
    for version, files in _parsed(page).items():
        if version.is_prerelease and not pre:
            continue
        for parsed in files:
            platforms = {t.platform for t in parsed.tags or ()}
            for arch in arches:
                shipped = any(p.startswith("musllinux_") and p.endswith(f"_{arch}")
                              for p in platforms)
                current = first[arch]
                if shipped and (current is None or version < current):
                    first[arch] = version
    return {arch: str(v) if v is not None else None for arch, v in first.items()}


def inspect_project(
    page: ProjectPage, version: str | None = None, *,
    pythons: Sequence[str] = PYTHONS, arches: Sequence[str] = ARCHES, pre: bool = False,
) -> InspectResult:
    """The availability matrix of one version of a project (`pre`: pre-releases count for
    the first musllinux release)."""
    chosen, why = pick_version(page, version)
    files: tuple[DistFile, ...] = tuple(p.file for p in _parsed(page)[chosen])
    cells = []
    for python in pythons:
        for family, variant in FAMILIES.items():
            for arch in arches:
                target = make_target(variant, python, arch, DEBIAN, ALPINE)
                ranked = rank_versions(files, page.name, target, Policy())
                best = ranked[0] if ranked else None
                if best is None or best.file is None:
                    cells.append(Cell(python, family, arch, "none"))
                    continue
                v = best.verdict
                cells.append(Cell(python, family, arch, KINDS[v.status], v.file, v.tag,
                                  v.untrusted))
    return InspectResult(
        project=page.name, version=str(chosen), chosen_by=why,
        yanked=all(f.yanked for f in files), files=len(files), cells=tuple(cells),
        first_musllinux=tuple(first_musllinux(page, arches, pre=pre).items()),
        pythons=tuple(pythons), arches=tuple(arches),
    )
