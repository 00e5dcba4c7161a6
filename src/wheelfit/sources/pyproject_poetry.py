"""One entry of Poetry's `[tool.poetry.dependencies]` (or a group's) → requirements or skips.

Forms (https://python-poetry.org/docs/dependency-specification/): a constraint string;
a table with `version`, `extras`, `markers`, `python`, `platform`, `optional`, `source`,
`allow-prereleases`; a `git`/`path`/`url`/`file` table (a source outside the index →
skipped); or an array of tables (multiple constraints, one per marker). A `||` union in a
version keeps its last alternative (Poetry users write them oldest first) with a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from wheelfit.redact import redact_url
from wheelfit.sources.marker_select import combine_and, lock_only_message, lock_only_variable
from wheelfit.sources.poetry_constraints import ConstraintError, alternatives, python_marker

_DIRECT = {
    "git": "VCS checkout (git)",
    "path": "local path",
    "url": "direct URL",
    "file": "local file",
}


@dataclass(frozen=True)
class PoetryDep:
    """A requirement, or a skip reason, from one Poetry dependency entry."""

    name: str
    requirement: Requirement | None = None
    skip_reason: str | None = None
    optional: bool = False
    note: str | None = None


def poetry_dependency(name: str, value: Any) -> list[PoetryDep]:
    """Translate one entry; raises ValueError for a malformed one."""
    if isinstance(value, str):
        return [_entry(name, {"version": value})]
    if isinstance(value, Mapping):
        return [_entry(name, value)]
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        return [_entry(name, v) for v in value]
    raise ValueError(f"dependency {name!r}: expected a version string or a table")


def _entry(name: str, table: Mapping[str, Any]) -> PoetryDep:
    optional = table.get("optional") is True
    for key, kind in _DIRECT.items():
        if isinstance(table.get(key), str):
            shown = redact_url(table[key]) if key in ("git", "url") else table[key]
            return PoetryDep(name, skip_reason=f"{kind}: {shown}", optional=optional)
    version = table.get("version", "*")
    if not isinstance(version, str):
        raise ValueError(f"dependency {name!r}: version is not a string")
    note = None
    try:
        options = alternatives(version)
        markers = _markers(table)
    except ConstraintError as exc:
        raise ValueError(f"dependency {name!r}: {exc}") from None
    if len(options) > 1:
        note = (
            f"dependency {name!r}: the union {version!r} cannot be written as one "
            f"specifier; checked with its last alternative {options[-1] or '*'!r}"
        )
    extras = table.get("extras", [])
    if not isinstance(extras, list) or not all(isinstance(e, str) for e in extras):
        raise ValueError(f"dependency {name!r}: extras is not a list of names")
    text = name + (f"[{','.join(extras)}]" if extras else "") + options[-1]
    if markers:
        text += f"; {markers}"
    try:
        requirement = Requirement(text)
    except InvalidRequirement as exc:
        raise ValueError(f"dependency {name!r}: cannot read {text!r}: {exc}") from None
    lock_only = lock_only_variable(requirement.marker)
    if lock_only:
        raise ValueError(f"dependency {name!r}: {lock_only_message(lock_only)}")
    if isinstance(table.get("source"), str):
        note = (note + "; " if note else "") + (
            f"dependency {name!r} comes from source {table['source']!r}; wheelfit looks it "
            "up on the index it is given"
        )
    return PoetryDep(name, requirement=requirement, optional=optional, note=note)


def _markers(table: Mapping[str, Any]) -> str:
    parts: list[str] = []
    markers = table.get("markers")
    if isinstance(markers, str) and markers.strip():
        parts.append(markers.strip())
    python = table.get("python")
    if isinstance(python, str):
        marker = python_marker(python)
        if marker:
            parts.append(marker)
    platform = table.get("platform")
    if isinstance(platform, str) and platform:
        parts.append(f'sys_platform == "{platform}"')
    return combine_and(parts) if parts else ""
