"""Ways around a source build that help (issue 13 item 6).

* Another version: the newest release with a wheel for the target (an upgrade), named for
  what it ships ("pure wheel" for `py3-none-any`, else the image's wheel family), saying
  when it is a new major version and then also offering the newest release of the current
  major; an older one only when nothing newer has a wheel. A locked input is offered
  "change the lock to …", never a version its lock does not pin.
* A `-binary` twin in the same input: a pure project that loads a library at run time
  (psycopg) does not need the system package of a library the twin's wheel bundles
  (psycopg-binary bundles libpq). A project built from source that shares its import
  package with the twin (psycopg2 and psycopg2-binary) still links the system library,
  since the one installed last wins; it is told to drop the source build instead.

Alpine's own py3-* packages are never offered: python:alpine images carry their own
CPython, not Alpine's python3 (`buildneeds.builddeps.alternatives` leaves them out).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import replace

from packaging.version import InvalidVersion, Version

from wheelfit.buildneeds.mapping import ApkMapping
from wheelfit.buildneeds.native import libraries_from_wheel_entries, needs_from_sonames
from wheelfit.compat.select import may_have_wheel, wheel_needles
from wheelfit.errors import IndexFault
from wheelfit.index.base import PackageIndex
from wheelfit.index.memorows import stored_names
from wheelfit.index.parsed import MemoFiles
from wheelfit.model import (
    Alternative,
    BuildNeeds,
    DistFile,
    PackageResult,
    Status,
    Target,
    Variant,
    Verdict,
)
from wheelfit.resolve.catalog import ProjectCatalog

LOCK_FORMATS = frozenset({"uv-lock", "poetry-lock", "pipfile-lock", "pylock"})
_WHEELS = (Status.BINARY_WHEEL, Status.PURE_WHEEL)
FileLookup = Callable[[str, str, str | None], DistFile | None]


def version_alternatives(name: str, verdict: Verdict, catalog: ProjectCatalog, *,
                         locked: bool = False) -> tuple[Alternative, ...]:
    """Other releases of `name` with a wheel for the catalog's target (see the module
    docstring for which and how they are worded). Releases are judged lazily, newest
    first, so a long history costs only the releases looked at."""
    releases = _WheelReleases.of(name, verdict, catalog)
    if releases is None:
        return ()
    current = releases.current
    best = releases.first(releases.newer[::-1])
    if best is not None:
        picks = [(best, "the newest release")]
        if best.major > current.major:
            same = releases.first(v for v in reversed(releases.newer)
                                  if v.major == current.major)
            if same is not None:
                picks.append((same, f"the newest {current.major}.x release"))
    else:
        older = releases.first(reversed(releases.older))
        picks = [(older, "the closest older release")] if older is not None else []
    family = catalog.target.libc.wheel_family
    return tuple(
        Alternative("version", name, str(v),
                    _note(name, current, v, what, releases.verdict(v), family, locked))
        for v, what in picks)


def first_newer_with_wheel(name: str, verdict: Verdict,
                           catalog: ProjectCatalog) -> str | None:
    """The oldest final release newer than the verdict's with a wheel for the catalog's
    target (the first one that serves it), or None."""
    releases = _WheelReleases.of(name, verdict, catalog)
    found = releases.first(releases.newer) if releases is not None else None
    return str(found) if found is not None else None


class _WheelReleases:
    """A project's final releases around the verdict's version, judged on demand."""

    def __init__(self, name: str, current: Version, ordered: list[Version],
                 catalog: ProjectCatalog) -> None:
        self.name, self.current, self.catalog = name, current, catalog
        oldest_first = ordered[::-1]
        self.newer = oldest_first[bisect_right(oldest_first, current):]
        self.older = oldest_first[:bisect_left(oldest_first, current)]
        self._groups = catalog.versions(name)

    @classmethod
    def of(cls, name: str, verdict: Verdict, catalog: ProjectCatalog) -> _WheelReleases | None:
        ordered = catalog.newest_first(name)
        if ordered is None or verdict.version is None:
            return None
        try:
            current = Version(verdict.version)
        except InvalidVersion:
            return None
        return cls(name, current, ordered, catalog)

    def verdict(self, version: Version) -> Verdict:
        cand = self.catalog.candidate(self.name, version)
        assert cand is not None  # only versions `first` accepted reach here
        return cand.verdict

    def first(self, versions: Iterable[Version]) -> Version | None:
        """The first of `versions` that is final, not yanked and has a wheel. From the
        cache, the releases' file names are read through one open of the page."""
        if isinstance(self._groups, Verdict):
            return None
        finals = (v for v in versions if not v.is_prerelease)
        if not isinstance(self._groups, MemoFiles):
            return next((v for v in finals if self._has_wheel(v)), None)
        needles = wheel_needles(self.catalog.target)
        with closing(stored_names(self._groups, finals, needles)) as names:
            return next((v for v, found in names if self._has_wheel(v, found)), None)

    def _has_wheel(self, version: Version, names: list[str] | None = None) -> bool:
        """`names`: the release's file names when already read."""
        if version.is_prerelease or isinstance(self._groups, Verdict):
            return False
        if names is None:
            names = _filenames(self._groups, version)
        if not names or not may_have_wheel(names, self.catalog.target):
            return False  # no files, or Windows or macOS wheels only: nothing to judge
        cand = self.catalog.candidate(self.name, version)
        return (cand is not None and not cand.yanked
                and cand.verdict.status in _WHEELS)


def _filenames(groups: Mapping[Version, list[DistFile]], version: Version) -> list[str]:
    if isinstance(groups, MemoFiles):  # from the cache: names only, no `DistFile`s built
        return groups.filenames(version)
    return [file.filename for file in groups.get(version, ())]


def _note(name: str, current: Version, offered: Version, what: str, verdict: Verdict,
          family: str, locked: bool) -> str:
    if verdict.status is Status.PURE_WHEEL:
        kind = f"a pure wheel ({verdict.tag})" if verdict.tag else "a pure wheel"
    else:
        kind = f"a {family} wheel"
    text = f"{name} {current} has no wheel for this image; {offered} is {what} with {kind}"
    if offered.major > current.major:
        text += (f", a new major version ({current.major} → {offered.major}): read its "
                 f"changelog for breaking changes")
    if locked:
        return f"change the lock to {name} {offered} (it pins {current}): {text}"
    return text


def apply_binary_twins(packages: Sequence[PackageResult], targets: Mapping[str, Target],
                       mapping: ApkMapping, index: PackageIndex,
                       file_of: FileLookup) -> list[PackageResult]:
    """Each package whose `<name>-binary` twin is in the same report, adjusted per target
    (see the module docstring); `file_of(name, target, filename)` finds a chosen file."""
    by_name = {p.name: p for p in packages}
    out: list[PackageResult] = []
    for pkg in packages:
        twin = by_name.get(f"{pkg.name}-binary")
        if twin is None:
            out.append(pkg)
            continue
        verdicts = dict(pkg.verdicts)
        for target_name, verdict in pkg.verdicts.items():
            twin_verdict = twin.verdicts.get(target_name)
            if twin_verdict is None or twin_verdict.status is not Status.BINARY_WHEEL:
                continue
            sonames = _bundled(index, file_of(twin.name, target_name, twin_verdict.file))
            verdicts[target_name] = _with_twin(
                pkg.name, verdict, twin.name, twin_verdict.version, sonames,
                mapping, targets[target_name])
        out.append(replace(pkg, verdicts=verdicts))
    return out


def _bundled(index: PackageIndex, file: DistFile | None) -> tuple[str, ...]:
    """The SONAMEs a wheel vendors (from its central directory), or () when unreadable."""
    if file is None:
        return ()
    try:
        summary = index.wheel_summary(file)
    except IndexFault:
        return ()
    return libraries_from_wheel_entries(summary.libs if summary else ())


def _with_twin(name: str, verdict: Verdict, twin: str, twin_version: str | None,
               sonames: tuple[str, ...], mapping: ApkMapping, target: Target) -> Verdict:
    release = target.release if target.variant is Variant.SLIM else None
    bundled = needs_from_sonames(mapping, sonames, debian_release=release)
    if verdict.status is Status.PURE_WHEEL and verdict.build is not None:
        build = _without_runtime(verdict.build, bundled)
        kept = set(build.apk_runtime + build.apt_runtime) if build else set()
        dropped = [p for p in verdict.build.apk_runtime + verdict.build.apt_runtime
                   if p not in kept]
        if not dropped:
            return verdict
        line = (f"{twin} {twin_version} (also in this input) bundles "
                f"{_libraries(sonames, dropped, mapping, release)}: no "
                f"{' / '.join(dict.fromkeys(dropped))} needed at run time")
        return replace(verdict, build=build, evidence=(*verdict.evidence, line))
    if verdict.status is Status.SOURCE_BUILD and verdict.native:
        runtime = (verdict.build.apk_runtime + verdict.build.apt_runtime
                   if verdict.build else ())
        note = (f"{twin} {twin_version} is also in this input and installs the same import "
                f"package from a wheel that bundles "
                f"{_libraries(sonames, runtime, mapping, release)}; both write it and the one "
                f"installed last wins, so drop {name} from the input to skip this build "
                f"and its system packages")
        others = tuple(a for a in verdict.alternatives
                       if not (a.kind == "binary-twin" and a.name == twin))
        alt = Alternative("binary-twin", twin, twin_version, note)
        return replace(verdict, alternatives=(alt, *others))
    return verdict


def _libraries(sonames: tuple[str, ...], packages: Sequence[str], mapping: ApkMapping,
               release: str | None) -> str:
    """The bundled libraries behind `packages` (libpq.so.5 for libpq), then how many
    others the wheel bundles."""
    def behind(soname: str) -> set[str]:
        entry = mapping.soname(soname)
        return set(entry.apk + entry.apt.for_release(release)) if entry else set()
    named = [s for s in sonames if behind(s) & set(packages)]
    rest = len(sonames) - len(named)
    if not named:
        return f"{rest} libraries" if rest else "its libraries"
    return ", ".join(named) + (f" and {rest} more" if rest else "")


def _without_runtime(build: BuildNeeds, bundled: BuildNeeds) -> BuildNeeds | None:
    apk = tuple(p for p in build.apk_runtime if p not in bundled.apk_runtime)
    apt = tuple(p for p in build.apt_runtime if p not in bundled.apt_runtime)
    if not (apk or apt or build.apk or build.apt):
        return None
    return replace(build, apk_runtime=apk, apt_runtime=apt)
