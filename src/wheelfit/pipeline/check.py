"""The pipeline: a dependency spec and targets in, a Report out. The index is a parameter."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.markers import Marker, UndefinedEnvironmentName
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from wheelfit.compat.select import Policy
from wheelfit.errors import IndexFault, IndexUnreachable, InputFileError
from wheelfit.index.base import PackageIndex
from wheelfit.model import (
    DependencySpec,
    DistFile,
    LockedPackage,
    PackageResult,
    Problem,
    Report,
    Status,
    Target,
    Verdict,
)
from wheelfit.redact import redact_url
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.fallback import direct_pins
from wheelfit.resolve.pinned import resolve_pinned
from wheelfit.resolve.requirements import Req, make_req
from wheelfit.resolve.resolver import Outcome, Resolved, resolve

if TYPE_CHECKING:
    from wheelfit.buildneeds.mapping_types import ApkMapping

NOT_REQUIRED = Verdict(Status.NOT_REQUIRED, reason="not needed on this target (markers)")


@dataclass(frozen=True)
class CheckRequest:
    """Everything `check()` needs besides the index."""

    spec: DependencySpec
    targets: tuple[Target, ...]
    python_source: str = "default"
    pre: bool = False
    exclude_newer: datetime | None = None
    only_binary: frozenset[str] = frozenset()
    no_binary: frozenset[str] = frozenset()
    prefer_binary: bool = False
    index_urls: tuple[str, ...] = field(default_factory=tuple)
    details: bool = True
    mapping_path: Path | None = None
    on_step: Callable[[str], None] | None = field(default=None, compare=False)
    find_links: tuple[str, ...] = ()
    # (project, index URL): packages a lock takes from an index of their own.
    routes: tuple[tuple[str, str], ...] = ()
    # The index answers from the cache only: nothing to fetch ahead.
    offline: bool = False
    # --exact-bytecode: compile the chosen wheels' .py files; results kept in this folder
    # (None: not kept).
    exact_bytecode: bool = False
    bytecode_cache: Path | None = None


def policies(request: CheckRequest) -> dict[str, Policy]:
    """Per-project file policy from pip's format control (`:all:` is the default key)."""
    only = {canonicalize_name(n) if n != ":all:" else n for n in request.only_binary}
    never = {canonicalize_name(n) if n != ":all:" else n for n in request.no_binary}

    def policy(key: str) -> Policy:
        return Policy(
            only_binary=key in only, no_binary=key in never,
            prefer_binary=request.prefer_binary, exclude_newer=request.exclude_newer,
        )

    return {key: policy(key) for key in {":all:"} | only | never}


def check(request: CheckRequest, index: PackageIndex) -> Report:
    """Check one input against every target and build the report."""
    spec = request.spec
    catalogs = [
        ProjectCatalog(index, t, policies(request), pre=request.pre or spec.options.pre,
                       warm_ahead=not request.offline)
        for t in request.targets
    ]
    names = _input_names(spec)
    _fail_fast_if_unreachable(names, catalogs[0] if catalogs else None)
    from wheelfit.buildneeds.mapping import load_mapping

    mapping = load_mapping(request.mapping_path) if request.details else None
    # Every page the input names is asked for at once (the index's pool), after the first
    # alone: among the others it was slower live (docs/benchmarks.md, "The first page").
    index.prefetch(names[1:])
    step = request.on_step or (lambda _label: None)

    made = made_requirements(spec) if spec.locked is None else None

    def one_target(catalog: ProjectCatalog) -> Outcome:
        outcome = _check_target(spec, catalog, mapping, made)
        if mapping is not None:  # the sdists enrich reads: streamed while the rest runs
            sdists = (_build_sdist(catalog, mapping, r.name, r.verdict)
                      for r in outcome.packages.values())
            index.prefetch_sdists(f for f in sdists if f is not None)
        step(f"{catalog.target.name} resolved")
        return outcome

    # One target after the other: the network work runs in the index's own pool, and two
    # CPU-bound resolutions in threads only take turns at the GIL.
    outcomes = [one_target(catalog) for catalog in catalogs]
    for catalog in catalogs:
        catalog.close()
    problems: list[Problem] = [Problem("input", p) for p in spec.problems]
    problems += [Problem("note", n) for n in spec.notes]
    if request.find_links:
        problems.append(Problem("note", "--find-links not consulted ("
                                + ", ".join(redact_url(u) for u in request.find_links)
                                + "): wheelfit judges files on indexes only"))
    if request.prefer_binary:
        problems.append(Problem("note", "--prefer-binary: like pip, an older version with a "
                                "wheel is chosen over a newer one that only has an sdist"))
    for catalog, outcome in zip(catalogs, outcomes, strict=True):
        if outcome.conflict:
            problems.append(Problem("conflict", outcome.conflict, catalog.target.name))
        problems += [Problem("index", f"{name}: {why}", catalog.target.name)
                     for name, why in sorted(catalog.faults.items())]
    packages = _merge(request.targets, outcomes, unresolved={
        c.target.name for c, o in zip(catalogs, outcomes, strict=True) if o.conflict
    }) + _excluded_everywhere(spec, packages_seen={n for o in outcomes for n in o.packages},
                              targets=request.targets)
    packages = tuple(sorted(packages, key=lambda p: p.name))
    problems += _version_differences(packages, request.targets)
    report = Report(
        input=spec.path,
        input_format=spec.format,
        targets=request.targets,
        python_source=request.python_source,
        packages=packages,
        skipped=spec.skipped,
        problems=tuple(problems),
        index_urls=tuple(dict.fromkeys(
            redact_url(u) for u in (*request.index_urls, *(u for _, u in request.routes)))),
        stats=index.stats(),
        dockerfile=spec.dockerfile,
    )
    if mapping is None:
        return report
    from wheelfit.pipeline.enrich import enrich

    exact = None
    if request.exact_bytecode:
        from wheelfit.pipeline.exactpyc import ExactBytecode

        exact = ExactBytecode(request.bytecode_cache)
    report = enrich(report, {c.target.name: c for c in catalogs}, mapping, index,
                    workers=1 if request.offline else 8, exact=exact)
    step("sizes and build needs")
    return replace(report, stats=index.stats())


def _excluded_everywhere(
    spec: DependencySpec, packages_seen: set[str], targets: Sequence[Target]
) -> tuple[PackageResult, ...]:
    """Direct requirements and locked packages whose markers exclude them on every target:
    listed as not needed, not checked."""
    result: dict[str, PackageResult] = {}
    entries = [(e.requirement.name, e.origin) for e in spec.requirements]
    entries += [(p.name, p.origin) for p in spec.locked or ()]
    for raw_name, origin in entries:
        name = canonicalize_name(raw_name)
        if name in packages_seen:
            continue
        prior = result.get(name)
        origins = tuple(sorted({origin, *(prior.requested_by if prior else ())}))
        result[name] = PackageResult(
            name=name, version=None, requested_by=origins,
            verdicts={t.name: NOT_REQUIRED for t in targets}, direct=True,
        )
    return tuple(result.values())


def _input_names(spec: DependencySpec) -> list[str]:
    """The projects the input names (requirements, then locked packages), first seen first."""
    names = [canonicalize_name(e.requirement.name) for e in spec.requirements]
    names += [canonicalize_name(p.name) for p in spec.locked or ()]
    return list(dict.fromkeys(names))


def _fail_fast_if_unreachable(names: list[str], catalog: ProjectCatalog | None) -> None:
    """If the very first project cannot be fetched at all, the index is down: exit 5."""
    if catalog is None or not names:
        return
    try:
        catalog.page(names[0])
    except IndexUnreachable:
        raise
    except Exception:  # other faults become `unknown` verdicts later
        return


def _check_target(spec: DependencySpec, catalog: ProjectCatalog,
                  mapping: ApkMapping | None, made: _Made | None = None) -> Outcome:
    if spec.locked is not None:
        return _check_locked(spec.locked, catalog, mapping)
    reqs, constraints = target_requirements(spec, catalog, made)
    sdists = _sdists_read(mapping, catalog) if mapping is not None else None
    outcome = resolve_pinned(catalog, reqs, constraints, sdists=sdists)
    if outcome is None:  # not a consistent closure of `==` pins: resolve
        outcome = resolve(catalog, reqs, constraints, sdists=sdists)
    if outcome.conflict:
        outcome.packages = direct_pins(catalog, reqs, constraints)
    return outcome


# The input's requirements and constraints as resolver requirements, made once for all
# targets (each target keeps those whose markers apply).
_Made = tuple[tuple[Req, ...], tuple[Req, ...]]


def made_requirements(spec: DependencySpec) -> _Made:
    """Every requirement and constraint of the input as a resolver requirement."""
    return (tuple(make_req(e.requirement, e.origin) for e in spec.requirements),
            tuple(make_req(e.requirement, e.origin) for e in spec.constraints))


def target_requirements(
    spec: DependencySpec, catalog: ProjectCatalog, made: _Made | None = None
) -> tuple[list[Req], list[Req]]:
    """The requirements that apply on the catalog's target, and the constraints (`made`:
    `made_requirements(spec)`, when the caller has it)."""
    reqs, constraints = made if made is not None else made_requirements(spec)
    applying = [req for entry, req in zip(spec.requirements, reqs, strict=True)
                if _applies(catalog, entry.requirement.marker, entry.origin)]
    return applying, list(constraints)


def _applies(catalog: ProjectCatalog, marker: Marker | None, origin: str) -> bool:
    """The marker on the catalog's target; a variable no target defines is an input error."""
    try:
        return catalog.marker_applies(marker)
    except (UndefinedEnvironmentName, KeyError) as exc:  # packaging < 26.4: a KeyError
        variable = exc.args[0] if exc.args else "?"
        raise InputFileError(
            f"marker {str(marker)!r} uses {variable!r}, which is not an environment marker",
            path=origin,
            hint="Use the PEP 508 environment markers (python_version, sys_platform, …).",
        ) from None


def _check_locked(locked: Sequence[LockedPackage], catalog: ProjectCatalog,
                  mapping: ApkMapping | None = None) -> Outcome:
    """A lock needs no resolution: look up each locked version on the index. The chosen
    wheel's directory and a source build's sdist (with `mapping`: enrich reads them) are
    read ahead as soon as the version is looked up."""
    outcome = Outcome()
    catalog.index.prefetch(canonicalize_name(p.name) for p in locked)
    for pkg in locked:
        name = canonicalize_name(pkg.name)
        if not _applies(catalog, pkg.marker, pkg.origin):
            continue
        verdict, notes = _locked_verdict(catalog, name, pkg)
        _prefetch_wheel(catalog, name, verdict)
        sdist = _build_sdist(catalog, mapping, name, verdict) if mapping is not None else None
        if sdist is not None:
            catalog.index.prefetch_sdists([sdist])
        outcome.packages[name] = Resolved(name, verdict, (pkg.origin,), True, False, notes)
    return outcome


def _prefetch_wheel(catalog: ProjectCatalog, name: str, verdict: Verdict) -> None:
    """Start reading the locked wheel's directory now: enrichment reads its sizes."""
    if verdict.status not in (Status.BINARY_WHEEL, Status.PURE_WHEEL) or not verdict.version:
        return
    chosen = catalog.candidate(name, Version(verdict.version))
    if chosen is not None and chosen.file is not None:
        catalog.index.prefetch_wheels([chosen.file.file])


def _sdists_read(mapping: ApkMapping, catalog: ProjectCatalog) -> Callable[[str, str], bool]:
    """Which source builds' sdists enrichment reads (`sdistplan.reads_build_files`)."""
    from wheelfit.pipeline.sdistplan import reads_build_files

    def reads(name: str, version: str) -> bool:
        groups = catalog.versions(name)
        files = [] if isinstance(groups, Verdict) else groups.get(Version(version), [])
        return reads_build_files(mapping, name, version, (f.filename for f in files))

    return reads


def _build_sdist(catalog: ProjectCatalog, mapping: ApkMapping, name: str,
                 verdict: Verdict) -> DistFile | None:
    """The sdist of a source build whose build files enrichment will read (all but the
    projects the mapping calls pure Python), or None."""
    if verdict.status is not Status.SOURCE_BUILD or not verdict.version:
        return None
    try:
        if not _sdists_read(mapping, catalog)(name, verdict.version):
            return None
        chosen = catalog.candidate(name, Version(verdict.version))
    except (IndexFault, InvalidVersion):
        return None
    file = chosen.file.file if chosen is not None and chosen.file is not None else None
    return file if file is not None and not file.is_wheel else None


def _locked_verdict(
    catalog: ProjectCatalog, name: str, pkg: LockedPackage
) -> tuple[Verdict, tuple[str, ...]]:
    try:
        version = Version(pkg.version)
    except InvalidVersion:
        path, _, line = pkg.origin.rpartition(":")
        raise InputFileError(
            f"{pkg.name}: {pkg.version!r} is not a valid version (PEP 440)",
            path=path if line.isdigit() else pkg.origin,
            line=int(line) if line.isdigit() else None,
            hint="Regenerate the lock file with the tool that wrote it.",
        ) from None
    groups = catalog.versions(name)
    if isinstance(groups, Verdict):
        return replace(groups, version=pkg.version), ()
    chosen = catalog.candidate(name, version)
    if chosen is None:
        return Verdict(Status.NOT_FOUND, pkg.version,
                       reason=f"version {pkg.version} is not on the index"), ()
    notes: list[str] = []
    if chosen.yanked:
        notes.append(f"{name} {pkg.version} is yanked on the index")
    if pkg.files:
        same_version = {f.filename for f in groups.get(version, [])}
        new = sorted(same_version - set(pkg.files))
        gone = sorted(set(pkg.files) - same_version)
        if new:
            notes.append(f"the index has {len(new)} file(s) the lock does not list: "
                         + ", ".join(new[:3]) + ("…" if len(new) > 3 else ""))
        if gone:
            notes.append(f"the lock lists {len(gone)} file(s) the index no longer has")
    return chosen.verdict, tuple(notes)


def _merge(
    targets: Sequence[Target], outcomes: Sequence[Outcome], unresolved: set[str]
) -> tuple[PackageResult, ...]:
    names = sorted({n for o in outcomes for n in o.packages})
    results = []
    for name in names:
        per_target: dict[str, Verdict] = {}
        requested: set[str] = set()
        notes: list[str] = []
        direct = unknown_deps = False
        for target, outcome in zip(targets, outcomes, strict=True):
            resolved = outcome.packages.get(name)
            if resolved is None:
                per_target[target.name] = NOT_REQUIRED
                continue
            per_target[target.name] = resolved.verdict
            requested |= set(resolved.requested_by)
            direct = direct or resolved.direct
            unknown_deps = unknown_deps or resolved.dependencies_unknown
            notes += [n for n in resolved.notes if n not in notes]
        versions = [v.version for v in per_target.values() if v.version]
        results.append(PackageResult(
            name=name,
            version=versions[0] if versions else None,
            requested_by=tuple(sorted(requested)),
            verdicts=per_target,
            direct=direct,
            unresolved=bool(unresolved & {t.name for t in targets if
                                          per_target[t.name] is not NOT_REQUIRED}),
            dependencies_unknown=unknown_deps,
            notes=tuple(notes),
        ))
    return tuple(results)


def _version_differences(
    packages: Sequence[PackageResult], targets: Sequence[Target]
) -> list[Problem]:
    problems = []
    for pkg in packages:
        seen: Mapping[str, str] = {
            t.name: v.version for t in targets
            if (v := pkg.verdicts[t.name]).version is not None
        }
        if len(set(seen.values())) > 1:
            detail = ", ".join(f"{k} {v}" for k, v in seen.items())
            problems.append(Problem(
                "versions-differ", f"{pkg.name} resolves differently per target: {detail}"
            ))
    return problems
