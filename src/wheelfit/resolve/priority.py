"""Which project the resolver decides next: conflict-driven ordering for resolvelib.

resolvelib backjumps to the newest decision involved in a conflict and then re-decides every
project decided after it. When one project keeps losing against another (a newer
`google-cloud-pubsub` wants `protobuf>=6`, `opentelemetry-proto` wants `protobuf<6`), walking
the first one down a version at a time repeats all those later decisions for every version.

So, as uv's PubGrub prioritisation does, the resolver keeps score: the project whose
candidate was rejected when a conflict arose is *affected*, the other projects named in the
conflict are its *culprits*. A project affected often is decided early, a culprit that keeps
causing conflicts is decided late; then the culprit meets the already-decided projects and
its incompatible versions are merely rejected, without backjumping. Besides that: exact
pins first, then the projects behind the last conflict, projects with an upper bound, the
input's own requirements, and the order in which projects were discovered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from wheelfit.resolve.requirements import Cand, Req

if TYPE_CHECKING:
    from resolvelib.structs import RequirementInformation

__all__ = ["CONFLICT_THRESHOLD", "ConflictScore", "Preference", "preference"]

# Conflicts a project takes part in before its place in the order changes (uv uses 5 too):
# below it, ordinary ordering; a single unlucky conflict does not reorder everything.
CONFLICT_THRESHOLD = 5


if TYPE_CHECKING:
    _Info: TypeAlias = RequirementInformation[Req, Cand]


@dataclass
class ConflictScore:
    """Conflict counts per project name, kept across the rounds of one resolution."""

    affected: Counter[str] = field(default_factory=Counter)
    culprit: Counter[str] = field(default_factory=Counter)
    discovered: dict[str, int] = field(default_factory=dict)
    last_rejected: str | None = None
    seen: Counter[frozenset[str]] = field(default_factory=Counter)
    examples: dict[frozenset[str], list[_Info]] = field(default_factory=dict)

    def rejected(self, name: str) -> None:
        """A candidate of `name` was just rejected."""
        self.last_rejected = name

    def conflict(self, causes: Collection[_Info]) -> None:
        """A pin failed because of these requirements: score its project and the others."""
        names = {c.requirement.name for c in causes}
        names |= {c.parent.name for c in causes if c.parent is not None}
        hit = self.last_rejected
        if hit is not None:
            self.affected[hit] += 1
            names.discard(hit)
        for name in names:
            self.culprit[name] += 1
        self.last_rejected = None
        key = frozenset(c.requirement.name for c in causes)
        self.seen[key] += 1
        self.examples[key] = list(causes)

    def most_frequent(self) -> list[_Info]:
        """The requirements of the conflict met most often (its latest occurrence)."""
        if not self.seen:
            return []
        return self.examples[self.seen.most_common(1)[0][0]]

    def early(self, name: str) -> bool:
        """Decided before ordinary projects: affected by conflicts often enough."""
        return self.affected[name] >= CONFLICT_THRESHOLD and \
            self.affected[name] >= self.culprit[name]

    def late(self, name: str) -> bool:
        """Decided after ordinary projects: the cause of conflicts often enough."""
        return self.culprit[name] >= CONFLICT_THRESHOLD and \
            self.culprit[name] > self.affected[name]

    def order(self, name: str) -> int:
        """When the project was first seen (the input's order, then breadth of discovery)."""
        return self.discovered.setdefault(name, len(self.discovered))


Preference = tuple[bool, bool, bool, bool, bool, bool, int, str]


def preference(score: ConflictScore, identifier: str, name: str, infos: Sequence[_Info],
               causes: Sequence[_Info]) -> Preference:
    """The sort key of one undecided project (smallest is decided first)."""
    clauses = [s for i in infos for s in i.requirement.specifier]
    pinned = any(s.operator == "===" or (s.operator == "==" and not s.version.endswith(".*"))
                 for s in clauses)
    bounded = any(s.operator in ("<", "<=", "~=") or s.operator == "==" for s in clauses)
    direct = any(i.parent is None for i in infos)
    in_causes = any(c.requirement.name == name or (c.parent is not None and c.parent.name == name)
                    for c in causes)
    return (not pinned, score.late(name), not score.early(name), not in_causes,
            not bounded, not direct, score.order(name), identifier)

