"""Partial evaluation of markers on the selection variables of lock files.

Lock files write markers that mention what the user selected — PEP 751's
`"dev" in dependency_groups` / `"x" in extras`, and `extra == "..."` (Poetry, uv's
conflict markers `extra == 'extra-7-project-cpu'`, `group == 'group-...'`). A target's
marker environment knows none of these, so they are decided here from the selection and the
rest of the marker is kept for the per-target evaluation.

`specialize` returns True (always applies), False (never) or the simplified `Marker`.
It reads the parsed form of `packaging.markers.Marker`; if that form is not what it expects,
the marker is returned unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.utils import canonicalize_name

Selection = Mapping[str, frozenset[str]]
_SET_VARIABLES = ("extras", "dependency_groups")


def specialize(marker: Marker, selection: Selection) -> Marker | bool:
    """Decide the atoms on the selection variables; keep the others."""
    try:
        result = _walk(marker._markers, selection)
    except (AttributeError, TypeError, ValueError, IndexError):
        return marker
    if isinstance(result, bool):
        return result
    try:
        return Marker(result)
    except InvalidMarker:
        return marker


def combine_and(parts: list[str]) -> str:
    """`a and b` with each part parenthesised when needed."""
    return " and ".join(_paren(p) for p in parts) if len(parts) > 1 else parts[0]


def combine_or(parts: list[str]) -> str:
    """`a or b` with each part parenthesised when needed."""
    return " or ".join(_paren(p) for p in parts) if len(parts) > 1 else parts[0]


def _paren(text: str) -> str:
    return f"({text})" if (" and " in text or " or " in text) else text


def _walk(items: list[Any], selection: Selection) -> str | bool:
    groups: list[list[str | bool]] = [[]]
    for item in items:
        if isinstance(item, str):
            if item == "or":
                groups.append([])
            elif item != "and":
                raise ValueError(item)
        elif isinstance(item, list):
            groups[-1].append(_walk(item, selection))
        else:
            groups[-1].append(_atom(item, selection))
    ors: list[str] = []
    for group in groups:
        if any(part is False for part in group):
            continue
        texts = [part for part in group if isinstance(part, str)]
        if not texts:
            return True
        ors.append(combine_and(texts))
    return combine_or(list(dict.fromkeys(ors))) if ors else False


def _atom(atom: tuple[Any, Any, Any], selection: Selection) -> str | bool:
    lhs, op, rhs = atom
    text = f"{lhs.serialize()} {op.serialize()} {rhs.serialize()}"
    operator = op.serialize()
    for variable, value in ((lhs, rhs), (rhs, lhs)):
        name = type(variable).__name__
        if name != "Variable" or str(variable.value) not in selection:
            continue
        key = str(variable.value)
        chosen = selection[key]
        if key in _SET_VARIABLES:
            # PEP 751's set variables: packaging decides the atom in its lock-file context
            # (a malformed comparison raises UndefinedComparison; packaging 25 asserts).
            try:
                return Marker(text).evaluate({key: chosen}, context="lock_file")
            except AssertionError as exc:
                raise ValueError(text) from exc
        wanted = canonicalize_name(str(value.value))
        if operator == "==":
            return wanted in chosen
        if operator == "!=":
            return wanted not in chosen
    return text


LOCK_ONLY_VARIABLES = ("dependency_groups", "extras")


def lock_only_variable(marker: Marker | None) -> str | None:
    """The lock-file variable (PEP 751 `extras`, `dependency_groups`) a marker outside a lock
    names, if any: no target environment defines it, so evaluating it would fail."""
    if marker is None:
        return None
    try:
        marker.evaluate({"extra": ""})
    except UndefinedEnvironmentName as exc:
        return next((v for v in LOCK_ONLY_VARIABLES if v in str(exc)), str(exc))
    except (UndefinedComparison, ValueError):
        return None
    return None


def lock_only_message(variable: str) -> str:
    """The input error for a requirement whose marker names a lock-file variable."""
    return (f"its marker uses {variable!r}, which only lock files define (PEP 751); "
            "no target environment has it")
