"""Poetry version constraints → PEP 440 specifiers (and Python constraints → markers).

Poetry's rules (https://python-poetry.org/docs/dependency-specification/):

* caret `^1.2.3` → `>=1.2.3,<2.0.0`; the first non-zero part is bumped (`^0.2.3` →
  `<0.3.0`, `^0.0.3` → `<0.0.4`); an all-zero version bumps its last part (`^0.0` →
  `<0.1`, `^0` → `<1`);
* tilde `~1.2.3` → `>=1.2.3,<1.3.0`, `~1.2` → `<1.3`, `~1` → `<2`;
* `*` (or empty) → any version; a bare `1.2.3` or `=1.2.3` → `==1.2.3`; `1.2.*` → `==1.2.*`;
* clauses are separated by commas or spaces; PEP 440 operators pass through;
* `a || b` (or `a | b`) is a union of alternatives.

The upper bound keeps as many parts as the version was written with (`^1.2` → `<2.0`).
"""

from __future__ import annotations

import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

_OPERATOR_SPACE = re.compile(r"(===|==|!=|~=|>=|<=|>|<|=|\^|~)\s+")
_PEP440_OPS = ("===", "==", "!=", "~=", ">=", "<=", ">", "<")


class ConstraintError(ValueError):
    """A Poetry constraint that cannot be read."""


def alternatives(constraint: str) -> list[str]:
    """The PEP 440 specifier string of each `||` alternative (`""` means any version)."""
    parts = re.split(r"\s*\|\|?\s*", constraint.strip())
    return [to_specifier(part) for part in parts]


def to_specifier(constraint: str) -> str:
    """One Poetry constraint without `||` → a PEP 440 specifier string; raises ConstraintError."""
    text = _OPERATOR_SPACE.sub(r"\1", constraint.strip())
    clauses: list[str] = []
    for token in re.split(r"[,\s]+", text):
        if token and token != "*":
            clauses.extend(_clause(token))
    result = ",".join(clauses)
    try:
        SpecifierSet(result)
    except InvalidSpecifier as exc:
        raise ConstraintError(f"invalid version constraint {constraint!r}: {exc}") from None
    return result


def _clause(token: str) -> list[str]:
    if token.startswith("^"):
        return _bounded(token, token[1:], caret=True)
    if token.startswith("~") and not token.startswith("~="):
        return _bounded(token, token[1:], caret=False)
    if token.startswith(_PEP440_OPS):
        return [token]
    if token.startswith("="):
        return ["==" + token[1:]]
    return ["==" + token]


def _bounded(token: str, text: str, *, caret: bool) -> list[str]:
    try:
        release = list(Version(text).release)
    except InvalidVersion:
        raise ConstraintError(f"invalid version in constraint {token!r}") from None
    if caret:
        bump = next((i for i, part in enumerate(release) if part != 0), len(release) - 1)
    else:
        bump = 1 if len(release) >= 2 else 0
    upper = [*release[:bump], release[bump] + 1]
    upper += [0] * (len(release) - len(upper))
    return [f">={text}", "<" + ".".join(str(part) for part in upper)]


def python_marker(constraint: str) -> str:
    """A Poetry `python = "..."` constraint → a PEP 508 marker expression ('' = always)."""
    ors: list[str] = []
    for spec in alternatives(constraint):
        ands = [_python_clause(s.operator, s.version) for s in SpecifierSet(spec)]
        if not ands:
            return ""
        ors.append(" and ".join(sorted(ands)))
    if len(ors) == 1:
        return ors[0]
    return " or ".join(f"({alt})" for alt in ors)


def _python_clause(operator: str, version: str) -> str:
    parts = version.removesuffix(".*").split(".")
    variable = (
        "python_full_version" if len(parts) > 2 or version.endswith(".*") else ("python_version")
    )
    return f'{variable} {operator} "{version}"'
