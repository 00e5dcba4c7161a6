"""Dependency resolution for one target with resolvelib, on metadata alone.

Candidates come from `verdict.rank_versions` (pip's order on that target); dependencies
come from core metadata (PEP 658 file, wheel METADATA by range reads, or a static sdist
PKG-INFO). Projects the index does not know, or that it failed to serve, become
placeholder candidates so that one bad package never stops the whole resolution.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version
from resolvelib import AbstractProvider, BaseReporter, Resolver
from resolvelib.resolvers import ResolutionImpossible, ResolutionTooDeep
from resolvelib.structs import RequirementInformation

from wheelfit.errors import IndexFault
from wheelfit.index.base import CoreMetadata, PackageIndex
from wheelfit.model import DistFile, ProjectPage, Status, Target, Verdict
from wheelfit.redact import redact_text
from wheelfit.targets import marker_environment
from wheelfit.verdict import Candidate, Policy, best_candidate, candidate_order, group_files

MAX_ROUNDS = 5000


@dataclass(frozen=True)
class Req:
    """A requirement inside the resolver: canonical name, extras, specifier, and who asked."""

    name: str
    extras: frozenset[str]
    specifier: SpecifierSet
    origin: str
    text: str

    @property
    def identifier(self) -> str:
        """resolvelib's key: the name, with extras when there are some."""
        return _identifier(self.name, self.extras)


@dataclass(frozen=True)
class Cand:
    """A resolution candidate: one version (or a placeholder) of a project, with extras."""

    name: str
    version: Version | None
    extras: frozenset[str]
    verdict: Verdict
    file: DistFile | None = None

    @property
    def identifier(self) -> str:
        """resolvelib's key for this candidate."""
        return _identifier(self.name, self.extras)

    @property
    def placeholder(self) -> bool:
        """True for not-found / unknown projects: they satisfy anything and need nothing."""
        return self.version is None


@dataclass(frozen=True)
class Resolved:
    """One project in a target's resolution."""

    name: str
    verdict: Verdict
    requested_by: tuple[str, ...]
    direct: bool
    dependencies_unknown: bool
    notes: tuple[str, ...] = ()


@dataclass
class Outcome:
    """A target's resolution: the projects, or the conflict that made it impossible."""

    packages: dict[str, Resolved] = field(default_factory=dict)
    conflict: str | None = None


def _identifier(name: str, extras: frozenset[str]) -> str:
    return f"{name}[{','.join(sorted(extras))}]" if extras else name


def _split_identifier(identifier: str) -> tuple[str, frozenset[str]]:
    name, _, rest = identifier.partition("[")
    return name, frozenset(e for e in rest.rstrip("]").split(",") if e)


def make_req(requirement: Requirement, origin: str) -> Req:
    """Turn a packaging Requirement into a resolver requirement."""
    return Req(
        name=canonicalize_name(requirement.name),
        extras=frozenset(canonicalize_name(e) for e in requirement.extras),
        specifier=requirement.specifier,
        origin=origin,
        text=str(requirement),
    )


def is_pinned(specifier: SpecifierSet) -> bool:
    """pip's rule for allowing yanked files: an exact `==` (not `.*`) or `===` pin."""
    for spec in specifier:
        if spec.operator == "===":
            return True
        if spec.operator == "==" and not spec.version.endswith(".*"):
            return True
    return False


class SharedFiles:
    """Files grouped by version per project, shared by every target's catalog."""

    def __init__(self) -> None:
        self._groups: dict[str, dict[Version, list[DistFile]]] = {}
        self._lock = threading.Lock()

    def known(self, name: str) -> dict[Version, list[DistFile]] | None:
        """The groups already computed for a project, if any."""
        with self._lock:
            return self._groups.get(name)

    def groups(self, name: str, page: ProjectPage) -> dict[Version, list[DistFile]]:
        """The page's files by version (computed once per project)."""
        with self._lock:
            found = self._groups.get(name)
        if found is None:
            found = group_files(page.files, name)
            with self._lock:
                self._groups[name] = found
        return found


class ProjectCatalog:
    """Per-target view of the index: candidates and dependencies, memoised and lazy."""

    def __init__(
        self,
        index: PackageIndex,
        target: Target,
        policies: Mapping[str, Policy] | Policy,
        pre: bool = False,
        shared: SharedFiles | None = None,
    ) -> None:
        self.index = index
        self.target = target
        self._policies = policies
        self.pre = pre
        self.shared = shared or SharedFiles()
        self._missing: dict[str, Verdict] = {}
        self._candidates: dict[tuple[str, Version], Candidate | None] = {}
        self._lock = threading.Lock()
        self.dependencies_unknown: set[str] = set()
        self.notes: dict[str, list[str]] = {}
        self.faults: dict[str, str] = {}
        self.environment = marker_environment(target)

    def policy(self, name: str) -> Policy:
        """The file-selection policy for one project (format control is per project)."""
        if isinstance(self._policies, Policy):
            return self._policies
        return self._policies.get(name) or self._policies.get(":all:") or Policy()

    def page(self, name: str) -> ProjectPage | None:
        """The project page (raises IndexFault when the index fails)."""
        return self.index.project(name)

    def versions(self, name: str) -> dict[Version, list[DistFile]] | Verdict:
        """The project's files by version, or a not-found / unknown verdict."""
        known = self.shared.known(name)
        if known is not None:
            return known
        with self._lock:
            missing = self._missing.get(name)
        if missing is not None:
            return missing
        try:
            page = self.page(name)
        except IndexFault as fault:
            missing = Verdict(Status.UNKNOWN, reason=redact_text(fault.message))
        else:
            if page is None:
                missing = Verdict(Status.NOT_FOUND, reason="not found on the index")
            elif not page.files:
                missing = Verdict(Status.NOT_FOUND, reason="the index lists no files for it")
            else:
                return self.shared.groups(name, page)
        with self._lock:
            self._missing[name] = missing
        return missing

    def candidate(self, name: str, version: Version) -> Candidate | None:
        """pip's choice among one version's files on this target (memoised)."""
        key = (name, version)
        with self._lock:
            if key in self._candidates:
                return self._candidates[key]
        groups = self.versions(name)
        found = None
        if not isinstance(groups, Verdict) and version in groups:
            found = best_candidate(version, groups[version], name, self.target,
                                   self.policy(name))
        with self._lock:
            self._candidates[key] = found
        return found

    def ranked(self, name: str) -> list[Candidate] | Verdict:
        """All versions in pip's order, or a not-found / unknown verdict."""
        groups = self.versions(name)
        if isinstance(groups, Verdict):
            return groups
        policy = self.policy(name)
        found = [c for v in groups if (c := self.candidate(name, v)) is not None]
        usable = sorted((c for c in found if c.file is not None),
                        key=lambda c: candidate_order(c, policy), reverse=True)
        return usable + sorted((c for c in found if c.file is None),
                               key=lambda c: c.version, reverse=True)

    def matches(self, name: str, specifier: SpecifierSet) -> list[Candidate] | Verdict:
        """Candidates allowed by the specifier, best first (see `iter_matches`)."""
        groups = self.versions(name)
        if isinstance(groups, Verdict):
            return groups
        return list(self.iter_matches(name, specifier))

    def iter_matches(self, name: str, specifier: SpecifierSet) -> Iterator[Candidate]:
        """Candidates allowed by the specifier, best first, with pip's pre-release and yank
        rules, evaluating versions lazily, newest first.

        When no installable file satisfies the specifier, the newest satisfying versions
        with no usable file follow, so the report can say `unavailable` instead of failing.
        """
        groups = self.versions(name)
        if isinstance(groups, Verdict):
            return
        newest_first = sorted(groups, reverse=True)
        policy = self.policy(name)
        allow_pre = self.pre or bool(specifier.prereleases)
        finals = [v for v in newest_first if (allow_pre or not v.is_prerelease)
                  and specifier.contains(v, prereleases=True)]
        yielded = False
        chosen: Iterable[Candidate]
        if policy.prefer_binary or is_pinned(specifier):
            chosen = self._eager(name, finals, specifier, policy)
        else:
            chosen = (c for v in finals if (c := self.candidate(name, v)) is not None
                      and c.file is not None and not c.yanked)
        for cand in chosen:
            yielded = True
            yield cand
        if yielded:
            return
        pres = [v for v in newest_first if v.is_prerelease and specifier.contains(v, True)]
        if not allow_pre and pres:
            for cand in self._eager(name, pres, specifier, policy):
                yielded = True
                yield cand
        if not yielded:
            for v in finals or pres:
                fallback = self.candidate(name, v)
                if fallback is not None and fallback.file is None:
                    yield fallback

    def _eager(self, name: str, versions: list[Version], specifier: SpecifierSet,
               policy: Policy) -> list[Candidate]:
        """Every candidate of these versions in pip's order, yanked ones only when pinned
        and nothing else is left."""
        usable = [c for v in versions if (c := self.candidate(name, v)) is not None
                  and c.file is not None]
        usable.sort(key=lambda c: candidate_order(c, policy), reverse=True)
        all_yanked = bool(usable) and all(c.yanked for c in usable)
        return [c for c in usable
                if not c.yanked or (all_yanked and is_pinned(specifier))]

    def metadata(self, cand: Cand) -> tuple[CoreMetadata | None, str | None]:
        """Core metadata for a candidate, trying the sources in the documented order."""
        if cand.file is None or cand.version is None:
            return None, None
        groups = self.versions(cand.name)
        siblings = sorted(
            (f for f in (groups.get(cand.version, []) if isinstance(groups, dict) else [])
             if f is not cand.file),
            key=lambda f: ("linux" not in f.filename, f.filename),
        )
        chosen = cand.file
        order: list[DistFile] = [chosen] if chosen.has_metadata_file else []
        order += [f for f in siblings if f.is_wheel and f.has_metadata_file]
        if chosen.is_wheel and not chosen.has_metadata_file:
            order.append(chosen)
        order += [f for f in siblings if f.is_wheel and not f.has_metadata_file][:1]
        if not chosen.is_wheel and not chosen.has_metadata_file:
            order.append(chosen)
        for source in order:
            metadata = self.index.core_metadata(source)
            if metadata is not None:
                note = None if source is chosen else f"dependencies read from {source.filename}"
                return metadata, note
        return None, None

    def dependencies(self, cand: Cand) -> list[Req]:
        """Requirements of a candidate that apply on this target (with its extras)."""
        if cand.placeholder or cand.version is None:
            return []
        deps: list[Req] = []
        if cand.extras:
            pin = SpecifierSet(f"=={cand.version}")
            deps.append(Req(cand.name, frozenset(), pin, f"{cand.name} {cand.version}",
                            f"{cand.name}=={cand.version}"))
        try:
            metadata, note = self.metadata(cand)
        except IndexFault as fault:
            metadata, note = None, f"dependencies unknown: {redact_text(fault.message)}"
            with self._lock:
                self.faults[cand.name] = note
        if metadata is None:
            with self._lock:
                self.dependencies_unknown.add(cand.name)
                if note:
                    self.notes.setdefault(cand.name, []).append(note)
            return deps
        if note:
            with self._lock:
                self.notes.setdefault(cand.name, []).append(note)
        parent = f"{cand.name} {cand.version}"
        for line in metadata.requires_dist:
            req = self._applicable(line, cand.extras)
            if req is not None:
                deps.append(make_req(req, parent))
        self.index.prefetch(d.name for d in deps)
        return deps

    def _applicable(self, line: str, extras: frozenset[str]) -> Requirement | None:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            return None
        if req.marker is None:
            return None if extras else req
        wanted = extras or frozenset({""})
        for extra in wanted:
            try:
                if req.marker.evaluate({**self.environment, "extra": extra}):
                    return req
            except InvalidMarker:
                return None
        return None

    def marker_applies(self, marker: Marker | None) -> bool:
        """Evaluate a requirement's marker for this target (no extra)."""
        if marker is None:
            return True
        return marker.evaluate({**self.environment, "extra": ""})


class _Provider(AbstractProvider[Req, Cand, str]):
    def __init__(self, catalog: ProjectCatalog, constraints: Mapping[str, SpecifierSet]) -> None:
        self.catalog = catalog
        self.constraints = constraints

    def identify(self, requirement_or_candidate: Req | Cand) -> str:
        return requirement_or_candidate.identifier

    def get_preference(
        self,
        identifier: str,
        resolutions: Mapping[str, Cand],
        candidates: Mapping[str, Iterator[Cand]],
        information: Mapping[str, Iterator[RequirementInformation[Req, Cand]]],
        backtrack_causes: Sequence[RequirementInformation[Req, Cand]],
    ) -> tuple[bool, bool, bool, str]:
        infos = list(information[identifier])
        pinned = any(is_pinned(i.requirement.specifier) for i in infos)
        direct = any(i.parent is None for i in infos)
        causes = {c.requirement.name for c in backtrack_causes}
        name = _split_identifier(identifier)[0]
        return (name not in causes, not pinned, not direct, identifier)

    def find_matches(
        self,
        identifier: str,
        requirements: Mapping[str, Iterator[Req]],
        incompatibilities: Mapping[str, Iterator[Cand]],
    ) -> list[Cand] | Callable[[], Iterator[Cand]]:
        name, extras = _split_identifier(identifier)
        specifier = SpecifierSet()
        for req in requirements[identifier]:
            specifier &= req.specifier
        if name in self.constraints:
            specifier &= self.constraints[name]
        bad = {c.version for c in incompatibilities[identifier]}
        missing = self.catalog.versions(name)
        if isinstance(missing, Verdict):
            return [] if None in bad else [Cand(name, None, extras, missing)]
        return functools.partial(self._lazy, name, extras, specifier, bad)

    def _lazy(self, name: str, extras: frozenset[str], specifier: SpecifierSet,
              bad: set[Version | None]) -> Iterator[Cand]:
        first = True
        for c in self.catalog.iter_matches(name, specifier):
            if c.version in bad:
                continue
            if first and c.file is not None:
                self.catalog.index.prefetch_metadata([c.file.file])
            first = False
            yield Cand(name, c.version, extras, c.verdict, c.file.file if c.file else None)

    def is_satisfied_by(self, requirement: Req, candidate: Cand) -> bool:
        if candidate.version is None:
            return True
        spec = requirement.specifier
        if requirement.name in self.constraints:
            spec = spec & self.constraints[requirement.name]
        return spec.contains(candidate.version, prereleases=True)

    def get_dependencies(self, candidate: Cand) -> Iterable[Req]:
        return self.catalog.dependencies(candidate)


def resolve(
    catalog: ProjectCatalog, requirements: Sequence[Req], constraints: Sequence[Req] = ()
) -> Outcome:
    """Resolve requirements for the catalog's target; a conflict is returned, not raised."""
    merged: dict[str, SpecifierSet] = {}
    for c in constraints:
        merged[c.name] = merged.get(c.name, SpecifierSet()) & c.specifier
    provider = _Provider(catalog, merged)
    resolver: Resolver[Req, Cand, str] = Resolver(provider, BaseReporter())
    catalog.index.prefetch(r.name for r in requirements)
    try:
        result = resolver.resolve(requirements, max_rounds=MAX_ROUNDS)
    except ResolutionImpossible as exc:
        return Outcome(conflict=describe_conflict(exc.causes))
    except ResolutionTooDeep:
        return Outcome(conflict="resolution took too many steps (over "
                       f"{MAX_ROUNDS} rounds); pin some versions to help it")
    outcome = Outcome()
    for identifier, cand in result.mapping.items():
        name = _split_identifier(identifier)[0]
        infos = list(result.criteria[identifier].information)
        requested = {
            i.requirement.origin if i.parent is None else f"{i.parent.name} {i.parent.version}"
            for i in infos
        }
        direct = any(i.parent is None for i in infos)
        prior = outcome.packages.get(name)
        if prior is not None:
            requested |= set(prior.requested_by)
            direct = direct or prior.direct
        base = result.mapping.get(name, cand)
        outcome.packages[name] = Resolved(
            name=name,
            verdict=base.verdict,
            requested_by=tuple(sorted(requested)),
            direct=direct,
            dependencies_unknown=name in catalog.dependencies_unknown,
            notes=tuple(catalog.notes.get(name, ())),
        )
    return outcome


def describe_conflict(causes: Collection[RequirementInformation[Req, Cand]]) -> str:
    """A chain a person can follow: who asked for what, grouped by project."""
    by_name: dict[str, list[str]] = {}
    for cause in causes:
        req = cause.requirement
        who = (f"from {req.origin}" if cause.parent is None
               else f"required by {cause.parent.name} {cause.parent.version}")
        by_name.setdefault(req.name, []).append(f"`{req.text}` {who}")
    parts = [" conflicts with ".join(sorted(set(items))) for items in by_name.values()]
    return "; ".join(parts) if parts else "no version satisfies every requirement"
