"""A resolution that failed, in words: which requirement of which parent conflicts with
which, and what to do next. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, TypeAlias

from wheelfit.resolve.requirements import Cand, Req

if TYPE_CHECKING:
    from resolvelib.structs import RequirementInformation

__all__ = ["describe_conflict", "describe_too_deep"]

if TYPE_CHECKING:
    Causes: TypeAlias = Collection[RequirementInformation[Req, Cand]]


def describe_conflict(causes: Causes) -> str:
    """One sentence per project no version can satisfy, then what to do about it."""
    by_name: dict[str, dict[str | None, list[RequirementInformation[Req, Cand]]]] = {}
    for cause in causes:
        parent = cause.parent.name if cause.parent is not None else None
        by_name.setdefault(cause.requirement.name, {}).setdefault(parent, []).append(cause)
    if not by_name:
        return "no version satisfies every requirement"
    facts = [_fact(name, [_who(groups[p]) for p in sorted(groups, key=_input_first)])
             for name, groups in by_name.items()]
    direct = [name for name, groups in by_name.items() if None in groups]
    parents = sorted({p for groups in by_name.values() for p in groups if p})
    return "; ".join(facts) + ". " + _advice(direct, parents)


def _input_first(parent: str | None) -> tuple[bool, str]:
    return (parent is not None, parent or "")


def _who(group: list[RequirementInformation[Req, Cand]]) -> str:
    """What one asker (the input, or every version of one parent project) requires."""
    texts = list(dict.fromkeys(c.requirement.text for c in group))
    parents = sorted({c.parent.version for c in group if c.parent is not None
                      and c.parent.version is not None})
    first = group[0]
    if first.parent is None:
        origins = ", ".join(dict.fromkeys(c.requirement.origin or "the input" for c in group))
        return " and ".join(f"`{t}`" for t in texts) + f" (from {origins})"
    if len(parents) <= 1:
        return f"`{texts[0]}` (required by {first.parent.name} {first.parent.version})"
    ordered = sorted(group, key=lambda c: c.parent.version if c.parent and c.parent.version
                     else parents[0])
    low, high = ordered[0].requirement.text, ordered[-1].requirement.text
    asked = f"`{low}`" if low == high else f"`{low}` to `{high}`"
    return (f"{asked} (required by {first.parent.name} {parents[0]} to {parents[-1]}: "
            f"{len(parents)} versions tried)")


def _fact(name: str, items: list[str]) -> str:
    if len(items) == 1:
        return f"no version of {name} fits {items[0]}"
    if len(items) == 2:
        return f"no version of {name} fits both {items[0]} and {items[1]}"
    return f"no version of {name} fits all of " + ", ".join(items)


def _advice(direct: list[str], parents: list[str]) -> str:
    if not parents:
        return "What to do: change one of these lines of the input so they agree."
    steps = []
    if direct:
        steps.append(f"loosen the input's requirement on {', '.join(direct)}")
    steps.append(f"allow other versions of {', '.join(parents)} (or pin one whose "
                 "requirements fit)")
    return f"What to do: {', or '.join(steps)}, then check again."


def describe_too_deep(rounds: int, frequent: Causes) -> str:
    """Resolution hit its bound on rounds: say so, and name the conflict it kept meeting."""
    head = (f"resolution gave up after {rounds} rounds of trying versions "
            "(wheelfit stops there rather than search for minutes)")
    if not frequent:
        return head + ". What to do: pin the versions you use for your largest dependencies."
    names = sorted({c.requirement.name for c in frequent})
    parents = sorted({c.parent.name for c in frequent if c.parent is not None})
    conflict = describe_conflict(frequent).split(". What to do:")[0]
    pin = ", ".join(parents or names)
    return (f"{head}. The conflict it met most often: {conflict}. What to do: pin {pin} "
            f"(or {', '.join(names)}) to the version you use, e.g. from your lock file, "
            "then check again.")
