"""PEP 735 dependency groups: `[dependency-groups]` name → its requirement strings.

Uses `packaging.dependency_groups` when the installed packaging has it (26.1+); otherwise
the fallback here implements the same rules: names compare normalised, an item is a PEP 508
string or `{include-group = "name"}`, includes are expanded in place, and an include cycle
or an unknown group is an error.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from wheelfit.sources.marker_select import lock_only_message, lock_only_variable


class GroupError(ValueError):
    """The dependency groups table is malformed, cyclic, or lacks a group."""


def resolve_group(table: Mapping[str, Any], group: str) -> list[Requirement]:
    """The requirements of one group, includes expanded; raises GroupError."""
    try:
        module = importlib.import_module("packaging.dependency_groups")
    except ImportError:
        found = resolve_group_fallback(table, group)
    else:
        try:
            found = list(module.DependencyGroupResolver(table).resolve(group))
        except Exception as exc:  # packaging raises (Exception)Group, LookupError, TypeError...
            raise GroupError(_flatten(exc)) from None
    for requirement in found:
        lock_only = lock_only_variable(requirement.marker)
        if lock_only:
            raise GroupError(f"requirement {str(requirement)!r} in group {group!r}: "
                             + lock_only_message(lock_only))
    return found


def resolve_group_fallback(table: Mapping[str, Any], group: str) -> list[Requirement]:
    """PEP 735 resolution without packaging.dependency_groups; raises GroupError."""
    groups: dict[str, Any] = {}
    for name, items in table.items():
        key = canonicalize_name(name)
        if key in groups:
            raise GroupError(f"duplicate dependency group names: {key}")
        groups[key] = items
    return _expand(groups, canonicalize_name(group), ())


def _expand(groups: dict[str, Any], group: str, stack: tuple[str, ...]) -> list[Requirement]:
    if group in stack:
        chain = " -> ".join((*stack[stack.index(group) :], group))
        raise GroupError(f"cyclic dependency group include: {chain}")
    if group not in groups:
        raise GroupError(f"dependency group {group!r} not found")
    items = groups[group]
    if isinstance(items, str) or not isinstance(items, list):
        raise GroupError(f"dependency group {group!r} is not a list")
    found: list[Requirement] = []
    for item in items:
        if isinstance(item, str):
            try:
                found.append(Requirement(item))
            except InvalidRequirement as exc:
                raise GroupError(
                    f"invalid requirement {item!r} in group {group!r}: {exc}"
                ) from None
        elif (
            isinstance(item, Mapping)
            and list(item) == ["include-group"]
            and isinstance(item["include-group"], str)
        ):
            found.extend(_expand(groups, canonicalize_name(item["include-group"]), (*stack, group)))
        else:
            raise GroupError(f"invalid dependency group item in {group!r}: {item!r}")
    return found


def _flatten(exc: BaseException) -> str:
    inner = getattr(exc, "exceptions", None)
    if isinstance(inner, (list, tuple)) and inner:
        return "; ".join(_flatten(e) for e in inner)
    return str(exc).strip("'\"")
