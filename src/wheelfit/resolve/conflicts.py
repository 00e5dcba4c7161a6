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
    by_name: dict[str, dict[str, None]] = {}
    parents: dict[str, None] = {}
    direct: dict[str, None] = {}
    for cause in causes:
        req = cause.requirement
        if cause.parent is None:
            who = f"from {req.origin}" if req.origin else "from the input"
            direct[req.name] = None
        else:
            who = f"required by {cause.parent.name} {cause.parent.version}"
            parents[cause.parent.name] = None
        by_name.setdefault(req.name, {})[f"`{req.text}` ({who})"] = None
    if not by_name:
        return "no version satisfies every requirement"
    facts = [_fact(name, sorted(items)) for name, items in by_name.items()]
    return "; ".join(facts) + ". " + _advice(list(direct), list(parents))


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
