"""Markers of locked packages from markers on dependency edges (uv.lock).

uv.lock writes no per-package marker: a package applies on a platform when some chain of
dependency edges from the project reaches it there. Each package's marker is therefore the
OR, over the chains reaching it, of the AND of the edge markers on the chain. Conditions are
kept as sets of edge markers (so cycles terminate), redundant alternatives are dropped
(`a or (a and b)` is `a`), and a package reachable by more than `MAX_ALTERNATIVES`
different conditions is treated as unconditional (checked on every target — the safe side).

`DependencyGraph` holds the locked packages (nodes 0..n-1) and a project node: its edges are
dependencies pointing at the locked versions their specifier allows; an optional dependency
is followed only when an extra active on its node lists it, and `extra == "..."` in markers
is decided from those extras. `entry_points` picks the roots of a lock that does not say
which packages the project asks for (a Poetry 1.x lock without its pyproject.toml): the
packages nothing depends on, plus one package of each dependency cycle those do not reach.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from wheelfit.sources.lock_common import allowed_versions, applied_marker
from wheelfit.sources.marker_select import combine_and, combine_or

MAX_ALTERNATIVES = 32
Condition = frozenset[str]


@dataclass(frozen=True)
class Edge:
    """A dependency edge: target node, its marker (None = always), extras it activates."""

    target: int
    marker: str | None = None
    extras: tuple[str, ...] = ()


EdgesOf = Callable[[int, frozenset[str]], Iterable[Edge]]


def propagate(roots: Iterable[int], edges_of: EdgesOf) -> dict[int, Marker | None]:
    """Every node reachable from the roots, with the marker under which it is reached."""
    alts: dict[int, set[Condition]] = {}
    extras: dict[int, set[str]] = {}
    queue: deque[int] = deque()

    def offer(node: int, condition: Condition, activated: Iterable[str]) -> None:
        """Record a condition (and activated extras) for a node; queue it when new."""
        changed = False
        known = extras.setdefault(node, set())
        new = set(activated) - known
        if new:
            known |= new
            changed = True
        current = alts.setdefault(node, set())
        if frozenset() not in current and not any(c <= condition for c in current):
            current -= {c for c in current if condition <= c}
            current.add(condition)
            if len(current) > MAX_ALTERNATIVES:
                current.clear()
                current.add(frozenset())
            changed = True
        if changed:
            queue.append(node)

    for root in roots:
        offer(root, frozenset(), ())
    while queue:
        node = queue.popleft()
        for condition in sorted(alts[node], key=sorted):
            for edge in edges_of(node, frozenset(extras[node])):
                reached = condition | {edge.marker} if edge.marker else condition
                offer(edge.target, reached, edge.extras)
    return {node: _marker(conditions) for node, conditions in alts.items()}


@dataclass(frozen=True)
class Dependency:
    """A dependency: the nodes it points at, its marker, the extras it activates on them.

    An `optional` one is only followed when an extra active on its node lists `name`.
    """

    name: str
    targets: tuple[int, ...]
    marker: Marker | None = None
    extras: tuple[str, ...] = ()
    optional: bool = False


class DependencyGraph:
    """Locked packages (nodes `0..n-1`, by canonical name) and the project (node `root`).

    Fill `deps[i]` (node i's dependencies) and `extras_of[i]` (extra → the canonical names
    it pulls in), give the project's dependencies with `set_root`, then `walk`.
    """

    def __init__(self, names: Sequence[str], versions: Sequence[str]) -> None:
        self.versions = list(versions)
        self.root = len(names)
        self.by_name: dict[str, list[int]] = {}
        for i, name in enumerate(names):
            self.by_name.setdefault(canonicalize_name(name), []).append(i)
        self.deps: list[list[Dependency]] = [[] for _ in names]
        self.extras_of: list[Mapping[str, set[str]]] = [{} for _ in names]
        self.root_deps: list[Dependency] = []
        self.root_extras: frozenset[str] = frozenset()
        self._cache: dict[tuple[int, frozenset[str]], list[Edge]] = {}

    def dependency(self, requirement: Requirement, optional: bool = False) -> Dependency:
        """A dependency on the locked versions of a name that the requirement allows."""
        name = canonicalize_name(requirement.name)
        candidates = self.by_name.get(name, [])
        targets = allowed_versions(candidates, self.versions, requirement.specifier)
        extras = tuple(sorted(canonicalize_name(e) for e in requirement.extras))
        return Dependency(name, tuple(targets), requirement.marker, extras, optional)

    def set_root(self, deps: list[Dependency], extras: Iterable[str] = ()) -> None:
        """The project's dependencies, and the project's selected extras."""
        self.root_deps = deps
        self.root_extras = frozenset(canonicalize_name(e) for e in extras)
        self._cache.clear()

    def walk(self) -> dict[int, Marker | None]:
        """Every locked package reachable from the project, with its marker."""
        reached = propagate([self.root], self.edges)
        reached.pop(self.root, None)
        return reached

    def edges(self, node: int, active: frozenset[str]) -> list[Edge]:
        """The edges of a node, given the extras activated on it (cached)."""
        key = (node, active)
        if key not in self._cache:
            self._cache[key] = self._edges(node, active)
        return self._cache[key]

    def _edges(self, node: int, active: frozenset[str]) -> list[Edge]:
        is_root = node == self.root
        deps = self.root_deps if is_root else self.deps[node]
        listed = {} if is_root else self.extras_of[node]
        wanted = {n for e in active for n in listed.get(e, set())}
        selection = {"extra": self.root_extras if is_root else active}
        found: list[Edge] = []
        for dep in deps:
            if dep.optional and not is_root and dep.name not in wanted:
                continue
            decided = applied_marker(dep.marker, selection)
            if decided is False:
                continue
            text = str(decided) if isinstance(decided, Marker) else None
            found.extend(Edge(t, text, dep.extras) for t in dep.targets)
        return found


def entry_points(nodes: Sequence[int], children: Callable[[int], Iterable[int]]) -> list[int]:
    """The nodes no other of `nodes` points to, then one node per cycle left unreached.

    Only edges between `nodes` make a node a non-entry; reachability follows every edge.
    A cycle that no entry reaches is entered at its first node in `nodes` order.
    """
    members = set(nodes)
    pointed = {t for n in nodes for t in children(n) if t in members and t != n}
    entries = [n for n in nodes if n not in pointed]
    seen: set[int] = set()

    def visit(start: int) -> None:
        """Mark everything reachable from start."""
        stack = [start]
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(children(node))

    for entry in entries:
        visit(entry)
    for node in nodes:
        if node not in seen:
            entries.append(node)
            visit(node)
    return entries


def _marker(conditions: set[Condition]) -> Marker | None:
    if not conditions or frozenset() in conditions:
        return None
    alternatives = [combine_and(sorted(c)) for c in sorted(conditions, key=sorted)]
    try:
        return Marker(combine_or(alternatives))
    except InvalidMarker:
        return None
