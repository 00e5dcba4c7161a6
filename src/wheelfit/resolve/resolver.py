"""Dependency resolution for one target with resolvelib, on metadata alone.

The provider asks a `catalog.ProjectCatalog` for candidates (pip's order on that target) and
dependencies. A conflict is returned as a chain a person can follow, not raised.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from packaging.specifiers import SpecifierSet
from packaging.version import Version
from resolvelib import AbstractProvider, BaseReporter, Resolver
from resolvelib.resolvers import Criterion, ResolutionImpossible, ResolutionTooDeep
from resolvelib.structs import RequirementInformation

from wheelfit.model import Verdict
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.conflicts import describe_conflict, describe_too_deep
from wheelfit.resolve.priority import ConflictScore, Preference, preference
from wheelfit.resolve.requirements import Cand, Req, intersection, is_pinned, split_identifier

__all__ = ["Outcome", "ReadAhead", "Resolved", "describe_conflict", "iter_dependencies", "record",
           "resolve"]

MAX_ROUNDS = 5000
# Versions whose metadata is read ahead once the resolver walks back (`_Walk.ahead`).
LOOK_AHEAD = 4
# (project, version) → True when that source build's sdist will be read whole (build files)
ReadAhead = Callable[[str, str], bool]


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


class _Walk:
    """One pass over a project's candidates (one call of `find_matches`' factory): hands
    them out in order and counts them; `ahead` takes the next ones early, to be handed out
    later in the same order. An error met while taking ahead is raised where the resolver
    would have met it: after the candidates taken before it."""

    def __init__(self, matches: Iterator[Cand]) -> None:
        self._matches = matches
        self._kept: deque[Cand] = deque()
        self._error: Exception | None = None
        self.handed = 0

    def __iter__(self) -> Iterator[Cand]:
        while True:
            if self._kept:
                cand: Cand | None = self._kept.popleft()
            elif self._error is not None:
                raise self._error
            else:
                cand = next(self._matches, None)
            if cand is None:
                return
            self.handed += 1
            yield cand

    def ahead(self, count: int) -> list[Cand]:
        """Up to `count` candidates kept ahead of the one handed last; the ones taken now."""
        taken = []
        while self._error is None and len(self._kept) < count:
            try:
                cand = next(self._matches, None)
            except Exception as exc:  # kept for its turn (`__iter__`)
                self._error = exc
                break
            if cand is None:
                break
            self._kept.append(cand)
            taken.append(cand)
        return taken


class _Provider(AbstractProvider[Req, Cand, str]):
    def __init__(self, catalog: ProjectCatalog, constraints: Mapping[str, SpecifierSet],
                 sdists: ReadAhead | None = None) -> None:
        self.catalog = catalog
        self.constraints = constraints
        self.sdists = sdists
        self.score = ConflictScore()
        # identifier -> the candidate handed out last and the walk that handed it
        self._last: dict[str, tuple[Cand, _Walk]] = {}

    def identify(self, requirement_or_candidate: Req | Cand) -> str:
        return requirement_or_candidate.identifier

    def get_preference(
        self,
        identifier: str,
        resolutions: Mapping[str, Cand],
        candidates: Mapping[str, Iterator[Cand]],
        information: Mapping[str, Iterator[RequirementInformation[Req, Cand]]],
        backtrack_causes: Sequence[RequirementInformation[Req, Cand]],
    ) -> Preference:
        name = split_identifier(identifier)[0]
        return preference(self.score, identifier, name, list(information[identifier]),
                          backtrack_causes)

    def narrow_requirement_selection(
        self,
        identifiers: Iterable[str],
        resolutions: Mapping[str, Cand],
        candidates: Mapping[str, Iterator[Cand]],
        information: Mapping[str, Iterator[RequirementInformation[Req, Cand]]],
        backtrack_causes: Sequence[RequirementInformation[Req, Cand]],
    ) -> Iterable[str]:
        """An exact pin is decided first and alone (it has one choice): this keeps large
        pinned files linear; otherwise every undecided project is ranked by preference."""
        names = list(identifiers)
        for identifier in names:
            self.score.order(split_identifier(identifier)[0])
        pinned = next((i for i in names if any(is_pinned(info.requirement.specifier)
                                               for info in information[i])), None)
        return [pinned] if pinned is not None else names

    def find_matches(
        self,
        identifier: str,
        requirements: Mapping[str, Iterator[Req]],
        incompatibilities: Mapping[str, Iterator[Cand]],
    ) -> list[Cand] | Callable[[], Iterator[Cand]]:
        name, extras = split_identifier(identifier)
        specifiers = [req.specifier for req in requirements[identifier]]
        if extras:  # as pip: `name[extra]` also obeys what `name` itself is required to be
            specifiers += [req.specifier for req in requirements.get(name, ())]
        if name in self.constraints:
            specifiers.append(self.constraints[name])
        specifier = intersection(specifiers)
        bad = {c.version for c in incompatibilities[identifier]}
        missing = self.catalog.versions(name)
        if isinstance(missing, Verdict):
            return [] if None in bad else [Cand(name, None, extras, missing)]
        return functools.partial(self._lazy, name, extras, specifier, bad)

    def _lazy(self, name: str, extras: frozenset[str], specifier: SpecifierSet,
              bad: set[Version | None]) -> Iterator[Cand]:
        walk = _Walk(self._matches(name, extras, specifier, bad))
        for cand in walk:
            self._last[cand.identifier] = (cand, walk)
            yield cand

    def _matches(self, name: str, extras: frozenset[str], specifier: SpecifierSet,
                 bad: set[Version | None]) -> Iterator[Cand]:
        first = True
        for c in self.catalog.iter_matches(name, specifier):
            if c.version in bad:
                continue
            if first and c.file is not None:
                if is_pinned(specifier):  # nearly always the final choice: read its directory
                    self.catalog.index.prefetch_wheels([c.file.file])
                    if (not c.file.file.is_wheel and self.sdists is not None
                            and self.sdists(name, str(c.version))):
                        self.catalog.index.prefetch_sdists([c.file.file])  # or its sdist
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

    def get_dependencies(self, candidate: Cand) -> Iterator[Req]:
        last = self._last.get(candidate.identifier)
        if last is None or last[0] is not candidate or last[1].handed < 2:
            return iter_dependencies(self.catalog, candidate)
        return iter_dependencies(self.catalog, candidate,
                                 before=functools.partial(self._read_back, last[1]))

    def _read_back(self, walk: _Walk) -> None:
        """The resolver needs the metadata of a second candidate of one walk: the first did
        not fit, and it is walking back through versions (netbox: a dozen of
        django-js-asset's, one request each in turn). The next `LOOK_AHEAD` wheels' metadata
        is read now, in the background. Not for sdists (their PKG-INFO can cost a stream),
        and not when a walk is only listed, or its candidate is refused before its metadata
        is needed (saleor: kombu's versions ruled out by a pin)."""
        files = [c.file for c in walk.ahead(LOOK_AHEAD) if c.file is not None and c.file.is_wheel]
        if files:
            self.catalog.index.prefetch_metadata(files)


def iter_dependencies(catalog: ProjectCatalog, candidate: Cand, *, warm: bool = True,
                      before: Callable[[], None] | None = None) -> Iterator[Req]:
    """A candidate's requirements, lazily: resolvelib (and the pinned replay) stop at the
    first one that conflicts, so `name[extra]` yields its pin on `name` first, and a version
    the pinned `name` rules out is rejected without fetching its metadata (celery[redis]
    walked 70 kombu releases that way). `before` runs when the metadata is needed, before
    it is read."""
    base = None
    if candidate.extras and candidate.version is not None:
        version = candidate.version
        base = Req(candidate.name, frozenset(), SpecifierSet(f"=={version}"),
                   f"{candidate.name} {version}", f"{candidate.name}=={version}")
        yield base
    if before is not None and candidate.version is not None:
        before()
    yield from (d for d in catalog.dependencies(candidate, warm=warm) if d != base)


class _Reporter(BaseReporter[Req, Cand, str]):
    """Feeds the conflict score: which project was rejected, and the conflict it led to."""

    def __init__(self, score: ConflictScore) -> None:
        self.score = score

    def rejecting_candidate(self, criterion: Criterion[Req, Cand], candidate: Cand) -> None:
        self.score.rejected(candidate.name)

    def resolving_conflicts(self, causes: Collection[RequirementInformation[Req, Cand]]) -> None:
        self.score.conflict(causes)


def resolve(
    catalog: ProjectCatalog, requirements: Sequence[Req], constraints: Sequence[Req] = (),
    *, sdists: ReadAhead | None = None,
) -> Outcome:
    """Resolve requirements for the catalog's target; a conflict is returned, not raised.
    `sdists(name, version)`: whether an exactly pinned source build's sdist is read whole
    later; then that read starts at once and its PKG-INFO comes from it."""
    merged: dict[str, SpecifierSet] = {}
    for c in constraints:
        merged[c.name] = merged.get(c.name, SpecifierSet()) & c.specifier
    provider = _Provider(catalog, merged, sdists)
    resolver: Resolver[Req, Cand, str] = Resolver(provider, _Reporter(provider.score))
    catalog.warm(requirements, limits=[*requirements, *constraints])
    try:
        result = resolver.resolve(requirements, max_rounds=MAX_ROUNDS)
    except ResolutionImpossible as exc:
        return Outcome(conflict=describe_conflict(exc.causes))
    except ResolutionTooDeep:
        return Outcome(conflict=describe_too_deep(MAX_ROUNDS, provider.score.most_frequent()))
    outcome = Outcome()
    for identifier, cand in result.mapping.items():
        name = split_identifier(identifier)[0]
        infos = list(result.criteria[identifier].information)
        requested = {
            i.requirement.origin if i.parent is None else f"{i.parent.name} {i.parent.version}"
            for i in infos
        }
        direct = any(i.parent is None for i in infos)
        record(outcome, catalog, name, result.mapping.get(name, cand).verdict, requested, direct)
    return outcome


def record(outcome: Outcome, catalog: ProjectCatalog, name: str, verdict: Verdict,
           requested: set[str], direct: bool) -> None:
    """Add one project to an outcome; `name[extra]` and `name` end up as one entry whose
    origins and directness are merged (shared by `resolve` and `pinned.resolve_pinned`)."""
    prior = outcome.packages.get(name)
    if prior is not None:
        requested = requested | set(prior.requested_by)
        direct = direct or prior.direct
    outcome.packages[name] = Resolved(
        name=name,
        verdict=verdict,
        requested_by=tuple(sorted(requested)),
        direct=direct,
        dependencies_unknown=name in catalog.dependencies_unknown,
        notes=tuple(catalog.notes.get(name, ())),
    )

