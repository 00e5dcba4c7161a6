"""Second pass over a report: what each source build needs, ways around it, installed sizes.

Runs after resolution. Reads the apk/apt mapping, and for projects the mapping does not
know, looks for evidence without running anything: platform wheels on the index, the
sdist's build configuration (streamed, in memory), and libraries vendored in a wheel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from wheelfit.buildneeds.builddeps import aggregate_commands, alternatives, build_needs
from wheelfit.buildneeds.mapping import ApkMapping
from wheelfit.buildneeds.native import (
    libraries_from_wheel_entries,
    native_from_wheels,
    needs_from_sonames,
)
from wheelfit.buildneeds.pythonage import predates_python
from wheelfit.errors import IndexFault
from wheelfit.index.base import PackageIndex
from wheelfit.model import (
    BuildNeeds,
    Commands,
    DistFile,
    PackageResult,
    Problem,
    Report,
    Status,
    Target,
    Variant,
    Verdict,
)
from wheelfit.pipeline.alternatives import (
    LOCK_FORMATS,
    FileLookup,
    apply_binary_twins,
    first_newer_with_wheel,
    version_alternatives,
)
from wheelfit.pipeline.athand import all_at_hand
from wheelfit.pipeline.buildchain import (
    MAX_DEPTH,
    ChainBudget,
    chain,
    chain_reason,
    with_chain,
)
from wheelfit.pipeline.sdistplan import (
    BASIS_UNKNOWN,
    SdistRead,
    SdistReads,
    from_sdist,
    plan_needs,
    plans_for,
    unknown_text,
)
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.sizing.estimate import keeps_system_packages

if TYPE_CHECKING:
    from wheelfit.pipeline.exactpyc import ExactBytecode

PURE_SDIST = "builds from its sdist; pure Python, no compiler"


def enrich(
    report: Report,
    catalogs: Mapping[str, ProjectCatalog],
    mapping: ApkMapping,
    index: PackageIndex,
    *,
    sizes: bool = True,
    workers: int = 8,
    exact: ExactBytecode | None = None,
) -> Report:
    """Fill build needs, native evidence, alternatives, installed sizes, commands, and the
    estimate with its recommendation. `workers` threads overlap the index's requests; with
    one (an offline run: everything is on disk) the packages are enriched in this thread.
    `exact`: compute the wheels' bytecode (`--exact-bytecode`) before the estimate."""
    from wheelfit.sizing.estimate import estimate
    from wheelfit.sizing.recommend import recommend

    targets = {t.name: t for t in report.targets}
    vendored: dict[tuple[str, str], int] = {}
    reads = SdistReads(index)
    locked = report.input_format in LOCK_FORMATS
    budget = ChainBudget()
    # The sizes, the download total, the twins and the bytecode ask for the same entries;
    # targets that share an index share them too (a pure wheel is one file for both).
    # (The catalogs, and so their indexes, live as long as this call: their ids are keys.)
    found: dict[tuple[int, str, str | None], DistFile | None] = {}

    def file_of(name: str, target: str, filename: str | None) -> DistFile | None:
        catalog = catalogs[target]
        key = (id(catalog.index), name, filename)
        if key not in found:
            found[key] = _file_of(catalog, name, filename)
        return found[key]

    def one(pkg: PackageResult) -> PackageResult:
        return _enrich_package(pkg, targets, catalogs, mapping, (reads, budget),
                               file_of if sizes else None, vendored, locked)

    if workers <= 1 or all_at_hand(report, mapping, index, file_of):
        packages = [one(p) for p in report.packages]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            packages = list(pool.map(one, report.packages))
    packages = apply_binary_twins(packages, targets, mapping, index, file_of)
    notes: list[str] = []
    if exact is not None:
        packages, notes = exact.apply(packages, targets, file_of, index)
    enriched = replace(report, packages=tuple(packages), commands=_commands(packages, targets),
                       problems=report.problems + tuple(Problem("note", n) for n in notes))
    downloads = {
        (p.name, t): f.size
        for p in packages for t, v in p.verdicts.items()
        if (f := file_of(p.name, t, v.file)) is not None and f.size is not None
    }
    est = estimate(enriched, wheel_sizes=downloads, vendored_bytes=vendored)
    # A package that could not be judged might block either image: recommend nothing.
    unjudged = any(v.status is Status.UNKNOWN for p in packages for v in p.verdicts.values())
    return replace(enriched, estimate=est,
                   recommendation=None if unjudged else recommend(enriched, est))


def _enrich_package(
    pkg: PackageResult,
    targets: Mapping[str, Target],
    catalogs: Mapping[str, ProjectCatalog],
    mapping: ApkMapping,
    pass_state: tuple[SdistReads, ChainBudget],
    sizes: FileLookup | None,
    vendored: dict[tuple[str, str], int],
    locked: bool = False,
) -> PackageResult:
    """`sizes`: the index's entry of a chosen file, for its sizes (None: no sizes)."""
    reads, budget = pass_state
    index = reads.index
    verdicts: dict[str, Verdict] = {}
    for name, verdict in pkg.verdicts.items():
        target, catalog = targets[name], catalogs[name]
        if verdict.status in (Status.BINARY_WHEEL, Status.PURE_WHEEL):
            file = sizes(pkg.name, name, verdict.file) if sizes is not None else None
            verdicts[name], libs = _wheel_verdict(verdict, file, index)
            if libs:
                vendored[(pkg.name, name)] = libs
            if verdict.status is Status.PURE_WHEEL:
                keeps = _runtime_needs(pkg.name, verdict.version, target, mapping)
                if keeps is not None:
                    verdicts[name] = replace(verdicts[name], build=keeps)
        elif verdict.status in (Status.SOURCE_BUILD, Status.UNAVAILABLE):
            verdicts[name] = _build_verdict(pkg.name, verdict, target, catalog, mapping,
                                            (reads, budget), locked=locked)
        else:
            verdicts[name] = verdict
    return replace(pkg, verdicts=verdicts)


def _runtime_needs(name: str, version: str | None, target: Target,
                   mapping: ApkMapping) -> BuildNeeds | None:
    """What the final image keeps for a pure wheel that loads a system library at run time
    (psycopg → libpq, cairocffi → cairo): runtime lists only, and only when the mapping
    calls this version pure Python."""
    entry = mapping.project(name)
    if entry is None or entry.for_version(version).native:
        return None
    release = target.release if target.variant is Variant.SLIM else None
    needs = build_needs(mapping, name, version, debian_release=release)
    if needs is None or not (needs.apk_runtime or needs.apt_runtime):
        return None
    return BuildNeeds(apk_runtime=needs.apk_runtime, apt_runtime=needs.apt_runtime,
                      source=needs.source, basis=needs.basis)


def _file_of(catalog: ProjectCatalog, name: str, filename: str | None) -> DistFile | None:
    """The index's entry for the chosen file (only its own version's files are decoded;
    the catalog's files by version, as resolution saw them: no second page lookup)."""
    if not filename:
        return None
    from wheelfit.compat.filenames import parse_file

    groups = catalog.versions(name)  # a verdict when the page is missing, empty or failed
    parsed = parse_file(DistFile(filename, ""), name)
    if isinstance(groups, Verdict) or parsed is None or parsed.version not in groups:
        return None
    return next((f for f in groups[parsed.version] if f.filename == filename), None)


def _release_files(catalog: ProjectCatalog, name: str, version: str | None
                   ) -> list[DistFile]:
    """The files of one release (only that version is decoded)."""
    try:
        page = catalog.page(name)
        wanted = Version(version) if version is not None else None
    except (IndexFault, InvalidVersion):
        return []
    if page is None or wanted is None or wanted not in page.groups:
        return []
    return page.groups[wanted]


def _page(catalog: ProjectCatalog, name: str) -> tuple[DistFile, ...]:
    try:
        page = catalog.page(name)
    except IndexFault:
        return ()
    return page.files if page else ()


def _wheel_verdict(verdict: Verdict, file: DistFile | None,
                   index: PackageIndex) -> tuple[Verdict, int]:
    """The verdict with native evidence and the chosen `file`'s installed size; also the
    vendored-library bytes."""
    binary = verdict.status is Status.BINARY_WHEEL
    evidence = (f"installs from {'a binary' if binary else 'a pure-Python'} wheel "
                f"({verdict.tag})",)
    installed, py, libs = None, None, 0
    if file is not None:
        installed, py, libs = _installed_bytes(index, file)
    return replace(verdict, native=binary, evidence=evidence, installed_bytes=installed,
                   py_bytes=py, download_bytes=file.size if file else None), libs


def _installed_bytes(index: PackageIndex,
                     file: DistFile) -> tuple[int | None, int | None, int]:
    """Uncompressed size of a wheel's members, the bytes of the `.py` files pip compiles,
    and how much of it is under `*.libs/`."""
    try:
        summary = index.wheel_summary(file)
    except IndexFault:
        return None, None, 0
    if summary is None:
        return None, None, 0
    return summary.installed_bytes, summary.py_bytes, summary.libs_bytes


def _build_verdict(
    name: str,
    verdict: Verdict,
    target: Target,
    catalog: ProjectCatalog,
    mapping: ApkMapping,
    pass_state: tuple[SdistReads, ChainBudget],
    depth: int = 0,
    path: frozenset[str] = frozenset(),
    *,
    locked: bool = False,
) -> Verdict:
    reads = pass_state[0]
    release = target.release if target.variant is Variant.SLIM else None
    needs = build_needs(mapping, name, verdict.version, debian_release=release)
    evidence: list[str] = []
    native: bool | None
    if needs is not None:
        entry = mapping.project(name)
        kinds = entry.for_version(verdict.version).native if entry else ()
        native = bool(kinds)
        evidence.append(f"apk mapping: {', '.join(kinds) or 'pure Python'}"
                        + (f" ({needs.source})" if needs.source else ""))
    else:
        native, found, needs = _detect(name, verdict, catalog, mapping, reads, release)
        evidence += found
    alts = (version_alternatives(name, verdict, catalog, locked=locked)
            + alternatives(mapping, name))
    if verdict.status is Status.UNAVAILABLE:
        needs = None
    reason = "; ".join(r for r in (_predates(name, verdict, target, catalog),
                                   verdict.reason) if r) or None
    if native is False and verdict.status is Status.SOURCE_BUILD and reason is None:
        reason = PURE_SDIST
    elif needs is not None and needs.basis == BASIS_UNKNOWN and reason is None:
        reason = "; ".join(needs.unknown)
    if needs is not None and native is not False and verdict.status is Status.SOURCE_BUILD:
        needs = _with_build_requires(name, verdict, needs, target, catalog, mapping,
                                     pass_state, depth, path | {name})
        said = chain_reason(needs.build_requires)
        reason = "; ".join(r for r in (reason, said) if r) or None
    return replace(verdict, native=native, evidence=tuple(evidence), build=needs,
                   alternatives=alts, reason=reason)


def _predates(name: str, verdict: Verdict, target: Target,
              catalog: ProjectCatalog) -> str | None:
    """Item 7 of issue 13: a source build of a release older than the target's Python."""
    if verdict.status is not Status.SOURCE_BUILD or verdict.version is None:
        return None
    current = Version(verdict.version)
    try:
        page = catalog.page(name)
    except IndexFault:
        page = None
    files = page.groups.get(current, []) if page is not None else []
    newer = first_newer_with_wheel(name, verdict, catalog)
    return predates_python(name, verdict.version, target.python, files, newer)


def _with_build_requires(
    name: str,
    verdict: Verdict,
    needs: BuildNeeds,
    target: Target,
    catalog: ProjectCatalog,
    mapping: ApkMapping,
    pass_state: tuple[SdistReads, ChainBudget],
    depth: int,
    path: frozenset[str],
) -> BuildNeeds:
    """The needs with the build requirements of this source build (item 3 of issue 13)."""
    if depth >= MAX_DEPTH:
        return replace(needs, build_requires_note=(
            f"build requirements not followed: deeper than {MAX_DEPTH} levels"))
    reads, budget = pass_state
    sdist = _file_of(catalog, name, verdict.file)
    read = reads.pyproject(sdist) if sdist is not None and not sdist.is_wheel else None

    def plan_child(child: str, found: Verdict, level: int, on_path: frozenset[str]) -> Verdict:
        if found.status not in (Status.SOURCE_BUILD, Status.UNAVAILABLE):
            return found
        return _build_verdict(child, found, target, catalog, mapping, pass_state, level,
                              on_path)

    children, note = chain(name, verdict.version, read, catalog, plan_child, depth=depth,
                           path=path, budget=budget)
    return with_chain(needs, children, note)


def _detect(
    name: str,
    verdict: Verdict,
    catalog: ProjectCatalog,
    mapping: ApkMapping,
    reads: SdistReads,
    release: str | None,
) -> tuple[bool | None, list[str], BuildNeeds | None]:
    """Evidence for a project the mapping does not know, cheapest first; the plan is read
    from the sdist's build files when they name what compiles."""
    same = [f for f in _release_files(catalog, name, verdict.version)
            if _version(f, name) == verdict.version]
    native, why = native_from_wheels(f.filename for f in same)
    if native is not True:
        # Other releases' platform wheels are evidence of compiled code; their pure wheels
        # say nothing about this release (pyldap 2.4 compiles, its 3.0 wheel is pure).
        other, other_why = native_from_wheels(f.filename for f in _page(catalog, name))
        if other is True:
            native, why = True, f"{other_why} (other releases)"
    evidence = [why] if why else []
    sdist = next((f for f in same if not f.is_wheel), None)
    read = reads.read(sdist) if sdist is not None and native is not False else None
    if native is None and read is not None:
        native, found = from_sdist(read)
        evidence += found
    if not native:
        return native, evidence, None
    needs = _planned(read, release, evidence) or _generic(mapping, evidence, release)
    # Any release wheel shows what it vendors: one a target already read costs no request.
    wheels = [f for f in same if f.is_wheel and "manylinux" in f.filename]
    wheel = min(wheels, key=lambda f: not reads.index.metadata_at_hand(f)) if wheels else None
    if wheel is not None:
        try:
            summary = reads.index.wheel_summary(wheel)
        except IndexFault:
            summary = None
        sonames = libraries_from_wheel_entries(summary.libs if summary else ())
        if sonames:
            evidence.append(f"{wheel.filename} vendors {', '.join(sonames)}")
            libs = needs_from_sonames(mapping, sonames, debian_release=release)
            needs = _merge(needs, libs)
    return native, evidence, needs


def _planned(read: SdistRead | None, release: str | None,
             evidence: list[str]) -> BuildNeeds | None:
    """The plan read from the sdist's build files, or None when they do not tell."""
    if read is None or read.facts is None:
        return None
    alpine, debian = plans_for(read.facts, release)
    needs = plan_needs(alpine, debian, on_alpine=release is None)
    if needs is not None:
        evidence.append(f"build plan ({needs.basis}): " + "; ".join(alpine.evidence[:8]))
    return needs


def _generic(mapping: ApkMapping, evidence: list[str], release: str | None) -> BuildNeeds:
    """A C (and Rust) toolchain only, basis `unknown`, saying what is unknown."""
    rust = _mentions_rust(evidence)
    needs = _shared_needs(mapping, ["c-toolchain"] + (["rust"] if rust else []), release)
    what = unknown_text(("rust",) if rust else ("c",))
    return replace(needs, basis=BASIS_UNKNOWN, unknown=(what,))


def _mentions_rust(evidence: Sequence[str]) -> bool:
    return any("rust" in e.lower() or "maturin" in e.lower() for e in evidence)


def _shared_needs(mapping: ApkMapping, names: Sequence[str], release: str | None) -> BuildNeeds:
    specs = [mapping.shared[n].spec for n in names if n in mapping.shared]
    return BuildNeeds(
        apk=tuple(dict.fromkeys(p for s in specs for p in s.apk)),
        apk_runtime=tuple(dict.fromkeys(p for s in specs for p in s.apk_runtime)),
        apt=tuple(dict.fromkeys(p for s in specs for p in s.apt.for_release(release))),
        apt_runtime=tuple(dict.fromkeys(
            p for s in specs for p in s.apt_runtime.for_release(release))),
        source="generic toolchain for a project the mapping does not know",
    )


def _merge(a: BuildNeeds, b: BuildNeeds) -> BuildNeeds:
    return BuildNeeds(
        apk=tuple(dict.fromkeys(a.apk + b.apk)),
        apk_runtime=tuple(dict.fromkeys(a.apk_runtime + b.apk_runtime)),
        apt=tuple(dict.fromkeys(a.apt + b.apt)),
        apt_runtime=tuple(dict.fromkeys(a.apt_runtime + b.apt_runtime)),
        env=a.env + b.env,
        source=a.source,
        basis=a.basis,
        unknown=a.unknown,
    )


def _version(file: DistFile, name: str) -> str | None:
    from wheelfit.compat.filenames import parse_file

    parsed = parse_file(file, name)
    return str(parsed.version) if parsed else None


def _commands(packages: Sequence[PackageResult], targets: Mapping[str, Target]) -> Commands:
    """One apk line pair for alpine's source builds, one apt pair for slim's."""
    alpine = [v.build for p in packages for n, v in p.verdicts.items()
              if targets[n].variant is Variant.ALPINE and keeps_system_packages(v)]
    slim = [v.build for p in packages for n, v in p.verdicts.items()
            if targets[n].variant is Variant.SLIM and keeps_system_packages(v)]
    apk, apt = aggregate_commands(alpine), aggregate_commands(slim)
    return Commands(
        apk_build=apk.apk_build_line, apk_runtime=apk.apk_runtime_line,
        apt_build=apt.apt_build_line, apt_runtime=apt.apt_runtime_line,
        apk_build_packages=apk.apk_build, apk_runtime_packages=apk.apk_runtime,
        apt_build_packages=apt.apt_build, apt_runtime_packages=apt.apt_runtime,
        env=tuple(sorted(set(apk.env) | set(apt.env))),
    )
