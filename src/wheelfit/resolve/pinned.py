"""A fast path for fully pinned requirement inputs: the resolver's answer without resolvelib.

When every requirement that applies is an exact `==` pin, resolvelib's run is replayed in one
pass, as long as it never backtracks: identifiers with a pin are pinned first, in the order
they were met, then the rest by name (`narrow_requirement_selection`); each takes the first
candidate of `find_matches` whose dependencies leave every identifier a candidate. Each
requirement is checked once, when met; resolvelib re-checks every pin every round. An
identifier the input pins takes the first candidate of its pins (later requirements only
narrow a set it tops); a dependency's `name[x]` is matched as `find_matches` does, trying and
rejecting candidates in the same order with `catalog.dependencies` run for each, so notes and
"dependencies unknown" come out the same.

`resolve_pinned` returns None, leaving the catalog's notes, faults and "dependencies unknown"
as they were, when the run would need more: a requirement that is not an exact pin (`>=`,
`==1.*`, `===`), a dependency on a project the input does not pin, a re-pin, backtracking,
or too many rounds (`MAX_ROUNDS`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from itertools import chain, islice

from packaging.specifiers import SpecifierSet

from wheelfit.model import Verdict
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.requirements import Cand, Req, intersection, is_exact, is_pinned
from wheelfit.resolve.resolver import (
    MAX_ROUNDS,
    Outcome,
    ReadAhead,
    iter_dependencies,
    record,
)

# (requirement, the candidate that asked for it; None for the input's own requirements)
_Info = tuple[Req, Cand | None]
_Saved = tuple[dict[str, list[str]], set[str], dict[str, str]]


class _GiveUp(Exception):
    """The resolver would do more than the replay follows: let it run."""


def resolve_pinned(
    catalog: ProjectCatalog, requirements: Sequence[Req], constraints: Sequence[Req] = (),
    *, sdists: ReadAhead | None = None,
) -> Outcome | None:
    """`resolve()`'s outcome for a fully pinned, consistent input; None to use the resolver.
    `sdists(name, version)`: whether a pinned source build's sdist is read whole later (its
    build files): then its PKG-INFO comes from that one read, started at once."""
    if not requirements or not all(is_exact(r.specifier) for r in requirements):
        return None
    limits: dict[str, SpecifierSet] = {}
    for c in constraints:
        limits[c.name] = limits.get(c.name, SpecifierSet()) & c.specifier
    saved = _save(catalog)
    # As resolve() warms, but each requirement once its pin's file is known (`_Replay.run`).
    catalog.warm((), limits=[*requirements, *constraints])
    replay = _Replay(catalog, limits, {r.name for r in requirements}, sdists)
    try:
        replay.run(requirements)
    except _GiveUp:
        _restore(catalog, saved)
        return None
    return replay.outcome()


class _Replay:
    """resolvelib's rounds for one input, without backtracking (see the module docstring)."""

    def __init__(self, catalog: ProjectCatalog, limits: dict[str, SpecifierSet],
                 names: set[str], sdists: ReadAhead | None = None) -> None:
        self.catalog = catalog
        self.sdists = sdists
        self.limits = limits
        self.names = names  # the projects the input pins
        self.criteria: dict[str, list[_Info]] = {}
        self.position: dict[str, int] = {}  # order of `criteria`, as resolvelib's dict
        self.mapping: dict[str, Cand] = {}
        self.anchors: dict[str, Cand] = {}  # the input's identifiers: first candidate of pins
        self.bare: dict[str, list[Req]] = {}  # `name[x]`: `name`'s requirements at its last add
        self.pinned: set[str] = set()  # identifiers with a pinned requirement (narrowing)
        self.pinned_queue: list[tuple[int, str]] = []  # by position in `criteria`
        self.loose_queue: list[str] = []  # by identifier

    def run(self, requirements: Sequence[Req]) -> None:
        """Add the input's requirements, then pin identifiers until all are pinned."""
        direct: dict[str, list[Req]] = {}
        for req in requirements:
            if req.extras:
                self.bare[req.identifier] = list(direct.get(req.name, []))
            direct.setdefault(req.identifier, []).append(req)
        for identifier, reqs in direct.items():
            first = next(self._matches(reqs[0].name, reqs[0].extras, self._spec(reqs)), None)
            if first is None:
                raise _GiveUp
            self.anchors[identifier] = first
            self._read_ahead(first)
            self.catalog.warm(reqs)
        files = [c.file for c in self.anchors.values() if c.file is not None]
        self.catalog.index.prefetch_wheels(files)  # before the metadata: one read for both
        self.catalog.index.prefetch_metadata(files)
        self._commit({i: [(r, None) for r in reqs] for i, reqs in direct.items()}, {})
        rounds = 0
        while (turn := self._next()) is not None:
            rounds += 1
            if rounds >= MAX_ROUNDS:
                raise _GiveUp
            self._pin(turn)

    def _read_ahead(self, pin: Cand) -> None:
        """A pinned source build's sdist whose build files are read later: its read starts
        now, before any warmer asks for its PKG-INFO, so one stream serves both."""
        if (pin.file is not None and not pin.file.is_wheel and pin.version is not None
                and self.sdists is not None and self.sdists(pin.name, str(pin.version))):
            self.catalog.index.prefetch_sdists([pin.file])

    def _next(self) -> str | None:
        """`narrow_requirement_selection`: the first pinned one, else the smallest name."""
        while self.pinned_queue:
            identifier = heapq.heappop(self.pinned_queue)[1]
            if identifier not in self.mapping:
                return identifier
        while self.loose_queue:
            identifier = heapq.heappop(self.loose_queue)
            if identifier not in self.mapping and identifier not in self.pinned:
                return identifier
        return None

    def _pin(self, identifier: str) -> None:
        """`_attempt_to_pin_criterion`: the first candidate whose dependencies all fit."""
        reqs = [r for r, _ in self.criteria[identifier]]
        bare = self.bare.get(identifier, [])
        found = self._matches(reqs[0].name, reqs[0].extras, self._spec(reqs + bare))
        anchor = self.anchors.get(identifier)
        if anchor is not None and not all(_satisfies(r, anchor, self.limits) for r in bare):
            raise _GiveUp  # `name` rules out the pin of `name[x]`: not the first candidate
        candidates = found if anchor is None else chain([anchor], islice(found, 1, None))
        for cand in candidates:
            pending: dict[str, list[_Info]] = {}
            snapshots: dict[str, list[Req]] = {}
            for dep in iter_dependencies(self.catalog, cand, warm=False):
                if dep.identifier == identifier:
                    raise _GiveUp  # it would re-check its own pin next round
                if not self._fits(dep, pending, snapshots):
                    break
                pending.setdefault(dep.identifier, []).append((dep, cand))
            else:
                self.mapping[identifier] = cand
                self._commit(pending, snapshots)
                return
        raise _GiveUp  # nothing fits: resolvelib would backtrack

    def _fits(self, dep: Req, pending: dict[str, list[_Info]],
              snapshots: dict[str, list[Req]]) -> bool:
        """`_add_to_criteria`: False when no candidate is left (this candidate is rejected).
        `name[x]` also obeys `name`'s requirements (`_Provider.find_matches`).

        Raises `_GiveUp` when candidates are left but not the one the identifier has or will
        have, or for a project the input does not pin."""
        if dep.name not in self.names:
            raise _GiveUp
        identifier = dep.identifier
        bare: list[Req] = []
        if dep.extras:
            infos = self.criteria.get(dep.name, []) + pending.get(dep.name, [])
            bare = snapshots[identifier] = [r for r, _ in infos]
        known = self.mapping.get(identifier) or self.anchors.get(identifier)
        if known is not None and self._among_candidates(known, dep, pending, bare):
            return True
        infos = self.criteria.get(identifier, []) + pending.get(identifier, [])
        reqs = [r for r, _ in infos] + [dep] + bare
        if next(self._matches(dep.name, dep.extras, self._spec(reqs)), None) is None:
            return False
        if known is not None and not _satisfies(dep, known, self.limits):
            raise _GiveUp
        return True

    def _among_candidates(self, known: Cand, dep: Req, pending: dict[str, list[_Info]],
                          bare: list[Req]) -> bool:
        """True when `known` satisfies `dep` (and `bare`) and so stays a candidate: with a
        pin among the requirements any version that satisfies them all is offered; without
        one, only a final, installable, not yanked one surely is."""
        if known.version is None:
            return True
        if not all(_satisfies(r, known, self.limits) for r in [dep, *bare]):
            return False
        identifier, limit = dep.identifier, self.limits.get(dep.name)
        if (identifier in self.pinned or any(is_pinned(r.specifier) for r in [dep, *bare])
                or (limit is not None and is_pinned(limit))
                or any(is_pinned(r.specifier) for r, _ in pending.get(identifier, []))):
            return True
        return (not known.version.is_prerelease and known.file is not None
                and not known.file.yanked)

    def _commit(self, infos: dict[str, list[_Info]], bare: dict[str, list[Req]]) -> None:
        self.bare.update(bare)
        for identifier, items in infos.items():
            new = identifier not in self.criteria
            if new:
                self.position[identifier] = len(self.position)
            self.criteria.setdefault(identifier, []).extend(items)
            if identifier in self.mapping or identifier in self.pinned:
                continue
            if any(is_pinned(r.specifier) for r, _ in items):
                self.pinned.add(identifier)
                heapq.heappush(self.pinned_queue, (self.position[identifier], identifier))
            elif new:
                heapq.heappush(self.loose_queue, identifier)

    def _spec(self, reqs: Sequence[Req]) -> SpecifierSet:
        spec = intersection(r.specifier for r in reqs)
        name = reqs[-1].name if reqs else ""
        return spec & self.limits[name] if name in self.limits else spec

    def _matches(self, name: str, extras: frozenset[str], spec: SpecifierSet) -> Iterator[Cand]:
        """`_Provider.find_matches`: candidates in pip's order, or a placeholder."""
        groups = self.catalog.versions(name)
        if isinstance(groups, Verdict):
            yield Cand(name, None, extras, groups)
            return
        for c in self.catalog.iter_matches(name, spec):
            yield Cand(name, c.version, extras, c.verdict, c.file.file if c.file else None)

    def outcome(self) -> Outcome:
        """The `Outcome` exactly as `resolve()` assembles it from resolvelib's result."""
        outcome = Outcome()
        for identifier, cand in self.mapping.items():
            name = cand.name
            items = self.criteria[identifier]
            requested = {
                req.origin if parent is None else f"{parent.name} {parent.version}"
                for req, parent in items
            }
            direct = any(parent is None for _, parent in items)
            record(outcome, self.catalog, name, self.mapping.get(name, cand).verdict,
                   requested, direct)
        return outcome


def _satisfies(req: Req, cand: Cand, limits: dict[str, SpecifierSet]) -> bool:
    """`_Provider.is_satisfied_by`: placeholders satisfy anything; pre-releases count."""
    if cand.version is None:
        return True
    spec = req.specifier & limits[req.name] if req.name in limits else req.specifier
    return spec.contains(cand.version, prereleases=True)


def _save(catalog: ProjectCatalog) -> _Saved:
    """What `catalog.dependencies` adds to: notes, dependencies unknown, faults."""
    notes = {name: list(items) for name, items in catalog.notes.items()}
    return notes, set(catalog.dependencies_unknown), dict(catalog.faults)


def _restore(catalog: ProjectCatalog, saved: _Saved) -> None:
    notes, unknown, faults = saved
    catalog.notes.clear()
    catalog.notes.update(notes)
    catalog.dependencies_unknown.clear()
    catalog.dependencies_unknown.update(unknown)
    catalog.faults.clear()
    catalog.faults.update(faults)
