"""The resolver's vocabulary: requirements (`Req`), candidates (`Cand`), their identifiers,
and the two pin rules (`is_pinned`: pip's, for yanked files; `is_exact`: which inputs the
pinned replay takes). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from wheelfit.model import DistFile, Verdict


@dataclass(frozen=True, slots=True)
class Req:
    """A requirement inside the resolver: canonical name, extras, specifier, and who asked."""

    name: str
    extras: frozenset[str]
    specifier: SpecifierSet
    origin: str
    text: str

    @property
    def identifier(self) -> str:
        """resolvelib's key: the name, with extras when there are some."""
        return _identifier(self.name, self.extras)

    def with_origin(self, origin: str) -> Req:
        """The same requirement asked by `origin` (`dataclasses.replace`, at a third of its
        cost: a candidate's dependencies are copied once per candidate and target)."""
        return Req(self.name, self.extras, self.specifier, origin, self.text)


@dataclass(frozen=True, slots=True)
class Cand:
    """A resolution candidate: one version (or a placeholder) of a project, with extras."""

    name: str
    version: Version | None
    extras: frozenset[str]
    verdict: Verdict
    file: DistFile | None = None

    @property
    def identifier(self) -> str:
        """resolvelib's key for this candidate."""
        return _identifier(self.name, self.extras)

    @property
    def placeholder(self) -> bool:
        """True for not-found / unknown projects: they satisfy anything and need nothing."""
        return self.version is None


def _identifier(name: str, extras: frozenset[str]) -> str:
    return f"{name}[{','.join(sorted(extras))}]" if extras else name


def split_identifier(identifier: str) -> tuple[str, frozenset[str]]:
    name, _, rest = identifier.partition("[")
    return name, frozenset(e for e in rest.rstrip("]").split(",") if e)


def make_req(requirement: Requirement, origin: str) -> Req:
    """Turn a packaging Requirement into a resolver requirement."""
    return Req(
        name=canonicalize_name(requirement.name),
        extras=frozenset(canonicalize_name(e) for e in requirement.extras),
        specifier=requirement.specifier,
        origin=origin,
        text=str(requirement),
    )


# `REQ ; extra == "NAME"`: a Requires-Dist line only an extra brings in (most optional
# dependencies are written so).
_EXTRA_ONLY = re.compile(r"""[^;]*;[ \t]*extra[ \t]*==[ \t]*(["'])[A-Za-z0-9._-]+\1[ \t]*""")


def extra_only(line: str) -> bool:
    """True for a line `REQ ; extra == "NAME"`: its marker is false for a candidate asked
    for without extras, so it need not be parsed (an invalid `REQ` does not apply either)."""
    return "extra" in line and _EXTRA_ONLY.fullmatch(line) is not None


@lru_cache(maxsize=32768)
def requirement_line(line: str) -> tuple[Requirement, Req] | None:
    """A Requires-Dist line parsed once per run (thousands of releases share lines), with
    its resolver requirement minus the origin; None when it is not a valid requirement."""
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return None
    return requirement, make_req(requirement, "")


def intersection(specifiers: Iterable[SpecifierSet]) -> SpecifierSet:
    """`SpecifierSet() & a & b …`, the same clauses and pre-release setting; one set alone
    is returned as it is (most requirements meet no other), none as an empty set."""
    found: SpecifierSet | None = None
    for specifier in specifiers:
        found = specifier if found is None else found & specifier
    return SpecifierSet() if found is None else found


def is_pinned(specifier: SpecifierSet) -> bool:
    """pip's rule for allowing yanked files: an exact `==` (not `.*`) or `===` pin. The
    resolver also prefers such requirements and reads the pinned file's directory first."""
    for spec in specifier:
        if spec.operator == "===":
            return True
        if spec.operator == "==" and not spec.version.endswith(".*"):
            return True
    return False


class SpecifierFacts:
    """Whether a specifier pins (`is_pinned`), its text and its pre-release setting, worked
    out once per specifier object: the replay, resolvelib and the fallback pass the input's
    own requirements' sets again and again. Kept by id together with the object (so the id
    stays its own), at most `limit` at a time; nothing in wheelfit changes a `SpecifierSet`."""

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._found: dict[int, tuple[SpecifierSet, bool, str, bool | None]] = {}

    def __call__(self, specifier: SpecifierSet) -> tuple[bool, str, bool | None]:
        found = self._found.get(id(specifier))
        if found is None or found[0] is not specifier:
            found = (specifier, is_pinned(specifier), str(specifier), specifier.prereleases)
            if len(self._found) >= self._limit:
                self._found.clear()
            self._found[id(specifier)] = found  # one dict operation: no lock needed
        return found[1], found[2], found[3]


def is_exact(specifier: SpecifierSet) -> bool:
    """The pinned replay's stricter rule: an `==` pin without `.*`. `===` (arbitrary
    equality, a string match) is left to the resolver, so the replay only handles pins it
    can look up as versions."""
    return any(s.operator == "==" and not s.version.endswith(".*") for s in specifier)
