"""An sdist's `[build-system] requires`, as pip's isolated build reads them (pure, no I/O).

The requirement strings come from the sdist's top-level pyproject.toml. Without that file,
or without a `[build-system]` table, pip builds with `setuptools>=40.8.0` and `wheel`
(PEP 518's default); a `[build-system]` table without `requires` is an error in pip, and
an entry that is not a valid requirement makes pip stop too. Markers are kept: the caller
evaluates them for the target, never for the host.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement

from wheelfit.buildneeds.buildmembers import MAX_FILE_BYTES, inner_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_REQUIRES = ("setuptools>=40.8.0", "wheel")
# More entries than any real project lists; the rest are not followed.
MAX_REQUIRES = 50


@dataclass(frozen=True)
class BuildRequires:
    """What pip installs before building: the requirements (markers not yet evaluated),
    where they were read (`pyproject.toml` or `default`), and a problem when pip would
    stop before building (then `requirements` is empty)."""

    requirements: tuple[Requirement, ...]
    source: str
    problem: str | None = None


def build_requires(members: Mapping[str, bytes]) -> BuildRequires:
    """The `[build-system] requires` of an sdist given its members (`pkg-1.0/pyproject.toml`
    keyed as in the archive); pip's defaults when the file or the table is missing."""
    data = next((v for k, v in members.items() if inner_path(k) == "pyproject.toml"
                 and k != inner_path(k)), None)
    if data is None:
        return _defaults("no pyproject.toml")
    try:
        doc = tomllib.loads(data[:MAX_FILE_BYTES].decode("utf-8", errors="replace"))
    except tomllib.TOMLDecodeError as exc:
        return BuildRequires((), "pyproject.toml",
                             f"pyproject.toml is not valid TOML ({exc}); pip stops there")
    system = doc.get("build-system")
    if system is None:
        return _defaults("pyproject.toml has no [build-system]")
    if not isinstance(system, dict) or not isinstance(system.get("requires"), list):
        return BuildRequires((), "pyproject.toml",
                             "pyproject.toml's [build-system] has no `requires` list; "
                             "pip stops there")
    out: list[Requirement] = []
    for item in system["requires"][:MAX_REQUIRES]:
        try:
            out.append(Requirement(str(item)))
        except InvalidRequirement:
            return BuildRequires((), "pyproject.toml",
                                 f"pyproject.toml's build requirement {str(item)[:80]!r} is "
                                 "not a valid requirement; pip stops there")
    return BuildRequires(tuple(out), "pyproject.toml")


def _defaults(why: str) -> BuildRequires:
    return BuildRequires(tuple(Requirement(r) for r in DEFAULT_REQUIRES), f"default ({why})")
