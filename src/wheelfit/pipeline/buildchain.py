"""Build-requirement chains: what pip's isolated build installs before a source build.

A source build's `[build-system] requires` (read from its sdist; pip's defaults when
absent) is resolved with the same catalog as the report, so the same target's wheel tags,
marker environment, `--exclude-newer` and format control apply. A build requirement
without a wheel there is a source build of its own: the caller plans it (`PlanChild`) and
its build packages join the parent's. Chains stop at `MAX_DEPTH` levels, a project already
on the path is not followed again (cycles), and one enrich pass resolves at most
`MAX_RESOLUTIONS` build environments.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import replace

from packaging.markers import InvalidMarker, UndefinedEnvironmentName

from wheelfit.model import BuildNeeds, BuildRequirement, Libc, Status, Verdict
from wheelfit.pipeline.sdistplan import SdistRead
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.requirements import Req, make_req
from wheelfit.resolve.resolver import Outcome, resolve

MAX_DEPTH = 2
MAX_RESOLUTIONS = 100

# (project, its verdict from the build environment's resolution, its level, the projects on
# the path to it) -> that verdict with its plan (and, below MAX_DEPTH, its own chain).
PlanChild = Callable[[str, Verdict, int, frozenset[str]], Verdict]


class ChainBudget:
    """The bound on build environments resolved in one enrich pass (thread-safe), and
    the resolutions that found one: sdists share their build requirements (setuptools and
    wheel, most of all), and the same requirements on the same target resolve the same."""

    def __init__(self, limit: int = MAX_RESOLUTIONS) -> None:
        self.limit = limit
        self._used = 0
        self._lock = threading.Lock()
        self._resolved: dict[tuple[object, ...], Future[Outcome]] = {}

    def resolve(self, catalog: ProjectCatalog, reqs: Sequence[Req]) -> Outcome:
        """`resolve(catalog, reqs)`, once per catalog and requirements (in their order,
        their origins aside) while others ask for the same at the same time or later. A
        conflict names the origins, so whoever gets one resolves for itself."""
        key = (catalog, *((r.name, r.extras, str(r.specifier), r.text) for r in reqs))
        with self._lock:
            pending = self._resolved.get(key)
            first = pending is None
            if pending is None:
                pending = self._resolved[key] = Future()
        if not first:
            found = pending.result()
            return found if found.conflict is None else resolve(catalog, reqs)
        try:
            found = resolve(catalog, reqs)
        except BaseException as exc:
            with self._lock:
                del self._resolved[key]
            pending.set_exception(exc)
            raise
        pending.set_result(found)
        return found

    def take(self) -> bool:
        """Count one resolution; False once the limit is reached."""
        with self._lock:
            if self._used >= self.limit:
                return False
            self._used += 1
            return True


def chain(
    parent: str,
    version: str | None,
    read: SdistRead | None,
    catalog: ProjectCatalog,
    plan_child: PlanChild,
    *,
    depth: int,
    path: frozenset[str],
    budget: ChainBudget,
) -> tuple[tuple[BuildRequirement, ...], str | None]:
    """The parent's build requirements on the catalog's target, and a note when they are
    not (all) known. `depth` is the parent's level (0 for a package of the report)."""
    if read is None or read.members is None:
        why = read.error if read is not None and read.error else "its sdist was not read"
        return (), f"build requirements unknown: {why}"
    from wheelfit.buildneeds.buildrequires import build_requires  # with the first source build

    wanted = build_requires(read.members)
    if wanted.problem is not None:
        return (), f"build requirements unknown: {wanted.problem}"
    origin = f"{parent} {version or ''} [build-system] requires".replace("  ", " ")
    written: dict[str, str] = {}
    reqs = []
    for requirement in wanted.requirements:
        try:
            applies = catalog.marker_applies(requirement.marker)
        except (InvalidMarker, UndefinedEnvironmentName):
            applies = False
        if applies:
            req = make_req(requirement, origin)
            reqs.append(req)
            written.setdefault(req.name, str(requirement))
    if not reqs:
        return (), None
    if not budget.take():
        return (), (f"build requirements not followed: more than {budget.limit} build "
                    "environments in one run")
    outcome = budget.resolve(catalog, reqs)
    if outcome.conflict is not None:
        return (), f"build requirements cannot be resolved: {outcome.conflict}"
    children = []
    for name in sorted(outcome.packages, key=lambda n: (n not in written, n)):
        resolved = outcome.packages[name]
        verdict = resolved.verdict
        text = written.get(name) or "required by " + ", ".join(resolved.requested_by)
        cycle = name in path
        if not cycle:
            verdict = plan_child(name, verdict, depth + 1, path | {name})
        children.append(_child(name, verdict, text, catalog.target.libc, cycle))
    return tuple(children), None


def _child(name: str, verdict: Verdict, requirement: str, libc: Libc,
           cycle: bool) -> BuildRequirement:
    summary = summarise(verdict, libc)
    if cycle:
        summary += f"; not followed: {name} is already on the chain (a cycle)"
    build = verdict.build if verdict.status is Status.SOURCE_BUILD else None
    return BuildRequirement(name=name, version=verdict.version, verdict=verdict.status,
                            requirement=requirement, summary=summary, build=build)


def summarise(verdict: Verdict, libc: Libc) -> str:
    """One line for a build requirement: how it installs, and for a source build its
    system packages and the basis of that plan."""
    if verdict.status is Status.BINARY_WHEEL:
        return f"binary wheel ({verdict.tag})"
    if verdict.status is Status.PURE_WHEEL:
        return "pure wheel"
    if verdict.status is not Status.SOURCE_BUILD:
        return str(verdict.status.value) + (f": {verdict.reason}" if verdict.reason else "")
    if verdict.native is False:
        return "built from source; pure Python, no compiler"
    text = "built from source"
    needs = verdict.build
    if needs is not None:
        tool, pkgs = ("apk", needs.apk) if libc is Libc.MUSL else ("apt", needs.apt)
        text += f"; {tool} {' '.join(pkgs) or '(nothing)'} (basis {needs.basis or 'unknown'})"
    return text + (f"; {verdict.reason}" if verdict.reason else "")


def with_chain(needs: BuildNeeds, children: Sequence[BuildRequirement],
               note: str | None) -> BuildNeeds:
    """The parent's needs with its build requirements attached, and the build packages of
    those that are source builds added (the isolated build compiles them first)."""
    apk, apt, env = list(needs.apk), list(needs.apt), list(needs.env)
    for child in children:
        if child.build is not None:
            apk += child.build.apk
            apt += child.build.apt
            env += child.build.env
    return replace(needs, apk=tuple(dict.fromkeys(apk)), apt=tuple(dict.fromkeys(apt)),
                   env=tuple(dict.fromkeys(env)), build_requires=tuple(children),
                   build_requires_note=note)


def chain_reason(children: Sequence[BuildRequirement]) -> str | None:
    """`needs numpy 1.17.3 built from source to build`, for the children that build from
    source or have no file for the target; None when there are none. (A build requirement
    the index does not know is listed with its verdict in `build_requires` only.)"""
    parts = []
    for child in children:
        label = f"{child.name} {child.version or ''}".rstrip()
        if child.verdict is Status.SOURCE_BUILD:
            parts.append(f"{label} built from source")
        elif child.verdict is Status.UNAVAILABLE:
            parts.append(f"{label}, which has no file for this target")
    return f"needs {', '.join(parts)} to build" if parts else None
