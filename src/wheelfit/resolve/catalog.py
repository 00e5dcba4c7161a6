"""Per-target view of the index for the resolver: candidates in pip's order, metadata,
dependencies, and the warm-up that fetches them ahead. Shared by resolution
(`resolver.py`), the pinned replay (`pinned.py`) and enrichment.

Candidates come from `compat.select.best_candidate` per version, evaluated lazily, newest first;
dependencies come from core metadata (PEP 658 file, wheel METADATA by range reads, or a
static sdist PKG-INFO). Projects the index does not know, or failed to serve, become
verdicts instead of exceptions so one bad package never stops a whole check.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from functools import partial

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from wheelfit.compat.select import Candidate, Policy, best_candidate, candidate_order
from wheelfit.compat.targets import marker_environment
from wheelfit.errors import IndexFault
from wheelfit.index.base import CoreMetadata, PackageIndex
from wheelfit.index.parsed import same_public
from wheelfit.model import DistFile, ProjectPage, Status, Target, Verdict
from wheelfit.redact import redact_text
from wheelfit.resolve.requirements import (
    Cand,
    Req,
    SpecifierFacts,
    extra_only,
    is_pinned,
    requirement_line,
)

# Dependencies followed per package and target. Real projects list about 100 at most; a
# package that lists more is followed up to here and its dependencies marked unknown. Each
# one costs index requests and resolver time (which grows with the square of the open
# requirements): a hostile wheel listing 20,000 would otherwise start them all.
MAX_DEPENDENCIES = 500


class ProjectCatalog:
    """Per-target view of the index: candidates and dependencies, memoised and lazy."""

    def __init__(
        self,
        index: PackageIndex,
        target: Target,
        policies: Mapping[str, Policy] | Policy,
        pre: bool = False,
        warm_ahead: bool = True,
    ) -> None:
        self.index = index
        # Offline, everything is on disk: warming threads would only take turns at the GIL.
        self._warm_ahead = warm_ahead
        self.target = target
        self._policies = policies
        self.pre = pre
        self._missing: dict[str, Verdict] = {}
        self._groups: dict[str, Mapping[Version, list[DistFile]]] = {}
        self._candidates: dict[tuple[str, Version], Candidate | None] = {}
        self._applies_memo: dict[tuple[str, frozenset[str]], bool] = {}
        self._version_index: dict[str, list[Version]] = {}
        self._public_index: dict[str, dict[Version, list[Version]]] = {}
        self._pins: dict[tuple[str, str, bool | None], list[Candidate]] = {}
        self._facts = SpecifierFacts()
        self._lock = threading.Lock()
        self.dependencies_unknown: set[str] = set()
        self.notes: dict[str, list[str]] = {}
        self.faults: dict[str, str] = {}
        self.environment = marker_environment(target)
        self._warmed: set[tuple[str, str, frozenset[str]]] = set()
        self._warm_limits: dict[str, SpecifierSet] = {}
        self._limit_queue: list[Req] = []  # limits not yet combined into `_warm_limits`
        # (set, limit) by their ids -> (set, limit, narrowed set, its text): objects kept
        self._narrowed: dict[tuple[int, int], tuple[SpecifierSet, SpecifierSet | None,
                                                    SpecifierSet, str]] = {}
        self._closed = False

    def policy(self, name: str) -> Policy:
        """The file-selection policy for one project (format control is per project)."""
        if isinstance(self._policies, Policy):
            return self._policies
        return self._policies.get(name) or self._policies.get(":all:") or Policy()

    def page(self, name: str) -> ProjectPage | None:
        """The project page (raises IndexFault when the index fails)."""
        return self.index.project(name)

    def versions(self, name: str) -> Mapping[Version, list[DistFile]] | Verdict:
        """The project's files by version, or a not-found / unknown verdict."""
        with self._lock:
            missing = self._missing.get(name)
            known = self._groups.get(name)
        if missing is not None:
            return missing
        if known is not None:
            return known
        try:
            page = self.page(name)
        except IndexFault as fault:
            missing = Verdict(Status.UNKNOWN, reason=redact_text(fault.message))
        else:
            if page is None:
                missing = Verdict(Status.NOT_FOUND, reason="not found on the index")
            elif not page.groups:
                missing = Verdict(Status.NOT_FOUND, reason="the index lists no files for it")
            else:
                with self._lock:
                    self._groups[name] = page.groups
                return page.groups
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
        A pin's list is worked out once: the replay, resolvelib and the fallback ask again.
        """
        groups = self.versions(name)
        if isinstance(groups, Verdict):
            return
        pinned, text, pre = self._facts(specifier)
        if not pinned:
            yield from self._scan(name, groups, specifier)
            return
        key = (name, text, pre)
        found = self._pins.get(key)
        if found is None:
            found = list(self._scan(name, groups, specifier))
            with self._lock:
                self._pins[key] = found
        yield from found

    def _scan(self, name: str, groups: Mapping[Version, list[DistFile]],
              specifier: SpecifierSet) -> Iterator[Candidate]:
        newest_first = self._pool(name, groups, specifier)
        policy = self.policy(name)
        allow_pre = self.pre or bool(specifier.prereleases)

        def finals() -> Iterator[Version]:  # tested as far as the caller reads
            return (v for v in newest_first if (allow_pre or not v.is_prerelease)
                    and specifier.contains(v, prereleases=True))

        yielded = False
        chosen: Iterable[Candidate]
        if policy.prefer_binary or is_pinned(specifier):
            chosen = self._eager(name, list(finals()), specifier, policy)
        else:  # resolvelib often reads only the first: the rest is not tested
            chosen = (c for v in finals() if (c := self.candidate(name, v)) is not None
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
            for v in list(finals()) or pres:
                fallback = self.candidate(name, v)
                if fallback is not None and fallback.file is None:
                    yield fallback

    def newest_first(self, name: str) -> list[Version] | None:
        """The project's versions, newest first (sorted once per run; do not modify), or
        None when the project is not found or failed."""
        groups = self.versions(name)
        if isinstance(groups, Verdict):
            return None
        return self._newest(name, groups)

    def _newest(self, name: str, groups: Mapping[Version, list[DistFile]]) -> list[Version]:
        """The versions newest first, sorted once per run."""
        with self._lock:
            newest = self._version_index.get(name)
        if newest is None:
            newest = sorted(groups, reverse=True)
            with self._lock:
                self._version_index[name] = newest
        return newest

    def _by_public(self, name: str, groups: Mapping[Version, list[DistFile]]
                   ) -> dict[Version, list[Version]]:
        """The versions by their public part, built once per run when a pin needs it."""
        with self._lock:
            found = self._public_index.get(name)
        if found is None:
            found = {}
            for version in self._newest(name, groups):
                public = version if version.local is None else Version(version.public)
                found.setdefault(public, []).append(version)
            with self._lock:
                self._public_index[name] = found
        return found

    def _pool(self, name: str, groups: Mapping[Version, list[DistFile]],
              specifier: SpecifierSet) -> list[Version]:
        """The versions a specifier can match, newest first: with an exact `==` clause only
        the versions equal to it once their local label is dropped (PEP 440), looked up
        instead of tested one by one; a 1,500-release project is scanned once per run."""
        for clause in specifier:
            if clause.operator == "==" and not clause.version.endswith(".*"):
                try:
                    wanted = Version(clause.version)
                except InvalidVersion:
                    return []
                found = same_public(groups, wanted)
                if found is None:
                    found = self._by_public(name, groups).get(Version(wanted.public), [])
                return [v for v in found if wanted.local is None or v == wanted]
        return self._newest(name, groups)

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
        files = groups.get(cand.version, []) if not isinstance(groups, Verdict) else []
        chosen = cand.file
        for source in self._metadata_sources(chosen, files):
            metadata = self.index.core_metadata(source)
            if metadata is not None:
                note = None if source is chosen else f"dependencies read from {source.filename}"
                return metadata, note
        return None, None

    def _metadata_sources(self, chosen: DistFile, files: list[DistFile]
                          ) -> Iterator[DistFile]:
        """The files whose metadata stands for `chosen`'s (one of the release's `files`),
        in the order `metadata` tries them; of the wheels without a metadata file, one
        another target already read (no request) is taken first. The siblings are sorted
        only when the chosen file's own metadata file is not the answer."""
        if chosen.has_metadata_file:
            yield chosen
        siblings = sorted((f for f in files if f is not chosen),
                          key=lambda f: ("linux" not in f.filename, f.filename))
        yield from (f for f in siblings if f.is_wheel and f.has_metadata_file)
        if chosen.is_wheel and not chosen.has_metadata_file:
            yield chosen
        spare = [f for f in siblings if f.is_wheel and not f.has_metadata_file]
        if spare:
            yield min(spare, key=lambda f: not self.index.metadata_at_hand(f))
        if not chosen.is_wheel and not chosen.has_metadata_file:
            yield chosen

    def dependencies(self, cand: Cand, *, warm: bool = True) -> list[Req]:
        """Requirements of a candidate that apply on this target (with its extras); `warm`
        starts fetching what they will need (callers that prefetched everything say no)."""
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
        applicable = [req for line in metadata.requires_dist
                      if (req := self._applicable_req(line, cand.extras)) is not None]
        if len(applicable) > MAX_DEPENDENCIES:
            self._too_many(cand, len(applicable))
        deps += [req.with_origin(parent) for req in applicable[:MAX_DEPENDENCIES]]
        if warm:
            self.warm(deps)
        return deps

    def _too_many(self, cand: Cand, count: int) -> None:
        """Record that only the first MAX_DEPENDENCIES of a candidate's are followed."""
        note = (f"dependencies not all followed: {cand.name} {cand.version} lists {count}, "
                f"and wheelfit follows at most {MAX_DEPENDENCIES} per package; only the first "
                f"{MAX_DEPENDENCIES} are checked")
        with self._lock:
            self.faults[cand.name] = note
            self.dependencies_unknown.add(cand.name)
            if note not in self.notes.get(cand.name, ()):
                self.notes.setdefault(cand.name, []).append(note)

    def warm(self, reqs: Iterable[Req], limits: Iterable[Req] = ()) -> None:
        """Fetch in the background what resolution will ask for next: each requirement's
        page, the metadata of its best candidate, and so on down that candidate's own
        requirements. Side-effect free: a warmed fact only fills the index's futures.

        `limits` (the input's own requirements and constraints) narrow every later
        requirement on the same project, as they narrow the resolver's choice: with a
        pinned file, a dependency's `>=` range warms the pinned version, not the newest.

        A requirement whose page is at hand (fresh in the cache when the run first looked)
        is not warmed: the store answers the resolver when it asks, and a thread would only
        take turns at the GIL. So a run the cache answers starts no thread, and a stale or
        new page is fetched ahead alone (its best candidate's requirements go on from there
        the same way).

        The catalog has no threads of its own: each step runs in the index's pool once its
        page is settled (`PackageIndex.after_project`), so no thread waits for a page."""
        if not self._warm_ahead:
            return
        todo = self._not_warmed([r for r in reqs if not self.index.page_at_hand(r.name)],
                                limits)
        for req in todo:
            self.index.after_project(req.name, partial(self._warm_one, req))

    def _not_warmed(self, reqs: list[Req], limits: Iterable[Req]) -> list[Req]:
        """The requirements not looked at before, narrowed by `limits` (see `warm`); the
        limits are combined only once something is to be warmed."""
        todo = []
        with self._lock:
            if self._closed:
                return []
            self._limit_queue.extend(limits)
            if not reqs:
                return []
            for given in self._limit_queue:
                self._warm_limits[given.name] = (
                    self._warm_limits.get(given.name, SpecifierSet()) & given.specifier)
            self._limit_queue.clear()
            for req in reqs:  # a set (`requirement_line`'s) meets the same limit again and again
                narrower = self._warm_limits.get(req.name)
                memo = self._narrowed.get((id(req.specifier), id(narrower)))
                if memo is None or memo[0] is not req.specifier or memo[1] is not narrower:
                    spec = req.specifier if narrower is None else req.specifier & narrower
                    memo = self._narrowed[id(req.specifier), id(narrower)] = (
                        req.specifier, narrower, spec, str(spec))
                key = (req.name, memo[3], req.extras)
                if key not in self._warmed:
                    self._warmed.add(key)
                    todo.append(req if narrower is None else replace(req, specifier=memo[2]))
        return todo

    def _warm_one(self, req: Req) -> None:
        """One requirement warmed, its page settled: its best candidate's metadata read
        (in this pool thread), then its own requirements warmed in turn."""
        if self._closed:
            return
        try:
            first = next(self.iter_matches(req.name, req.specifier), None)
            if first is None or first.file is None:
                return
            if is_pinned(req.specifier):  # nearly always the final choice, as in resolver._lazy:
                self.index.prefetch_wheels([first.file.file])  # one read for both
            cand = Cand(req.name, first.version, req.extras, first.verdict, first.file.file)
            metadata, _note = self.metadata(cand)
        except Exception:  # warming is a hint; the resolver asks again and sees any error
            return
        if metadata is None:
            return
        self.warm(itertools.islice(
            (r for line in metadata.requires_dist
             if (r := self._applicable_req(line, cand.extras)) is not None),
            MAX_DEPENDENCIES))

    def close(self) -> None:
        """Stop warming (steps still pending in the index's pool do nothing)."""
        with self._lock:
            self._closed = True

    def _applicable_req(self, line: str, extras: frozenset[str]) -> Req | None:
        if not extras and extra_only(line):
            return None
        parsed = requirement_line(line)
        if parsed is None:
            return None
        return parsed[1] if self._applies(line, parsed[0], extras) else None

    def _applies(self, line: str, req: Requirement, extras: frozenset[str]) -> bool:
        """Whether the line applies on this target for a candidate with these extras
        (remembered per line and extras: markers are a pure function of both)."""
        key = (line, extras)
        found = self._applies_memo.get(key)
        if found is None:
            found = self._evaluate(req, extras)
            self._applies_memo[key] = found
        return found

    def _evaluate(self, req: Requirement, extras: frozenset[str]) -> bool:
        if req.marker is None:
            return not extras
        for extra in extras or frozenset({""}):
            try:
                if req.marker.evaluate({**self.environment, "extra": extra}):
                    return True
            except InvalidMarker:
                return False
        return False

    def marker_applies(self, marker: Marker | None) -> bool:
        """Evaluate a requirement's marker for this target (no extra)."""
        if marker is None:
            return True
        return marker.evaluate({**self.environment, "extra": ""})
