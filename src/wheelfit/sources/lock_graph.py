"""Markers of locked packages from markers on dependency edges (uv.lock).

uv.lock writes no per-package marker: a package applies on a platform when some chain of
dependency edges from the project reaches it there. Each package's marker is therefore the
OR, over the chains reaching it, of the AND of the edge markers on the chain. Conditions are
kept as sets of edge markers (so cycles terminate), redundant alternatives are dropped
(`a or (a and b)` is `a`), and a package reachable by more than `MAX_ALTERNATIVES`
different conditions is treated as unconditional (checked on every target — the safe side).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from packaging.markers import InvalidMarker, Marker

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


def _marker(conditions: set[Condition]) -> Marker | None:
    if not conditions or frozenset() in conditions:
        return None
    alternatives = [combine_and(sorted(c)) for c in sorted(conditions, key=sorted)]
    try:
        return Marker(combine_or(alternatives))
    except InvalidMarker:
        return None
