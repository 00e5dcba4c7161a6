"""Helpers shared by the lock-file readers: origins, file names, registries, selections.

Registry policy (uv.lock, poetry.lock, Pipfile.lock, pylock.toml): packages from PyPI are
checked. When no package comes from PyPI and every registry package comes from one other
index, that index is the project's primary one (a mirror or a private index): its packages
are checked and it becomes `DependencySpec.options.index_url`. Any other package from a
registry that is neither PyPI nor the primary index is skipped with
`from another index: <url>` (credentials redacted).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from packaging.markers import InvalidMarker, Marker, UndefinedEnvironmentName
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from wheelfit.errors import InputFileError
from wheelfit.model import (
    DependencySpec,
    IndexOptions,
    LockedPackage,
    PythonHint,
    SkippedEntry,
)
from wheelfit.redact import redact_text, redact_url
from wheelfit.sources.marker_select import Selection, specialize
from wheelfit.sources.reading import Problems

PYPI_HOSTS = ("pypi.org", "pypi.python.org", "upload.pypi.org")
_PROJECT_NAME = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE)


def header_lines(text: str, header: str) -> list[int]:
    """Line numbers of each `[[header]]` table header, in order."""
    pattern = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]\s*(#.*)?$")
    return [n for n, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]


def entry_origin(display: str, lines: Sequence[int], count: int, index: int) -> str:
    """`file:line` of the index-th entry when the headers were counted reliably."""
    if len(lines) == count and 0 <= index < count:
        return f"{display}:{lines[index]}"
    return display


@dataclass(frozen=True)
class LockEntry:
    """A `[[package]]` table with a name and a version, and where it is (`file:line`)."""

    raw: Mapping[str, Any]
    name: str
    version: str
    origin: str
    line: int | None


def lock_entries(
    raw_packages: Sequence[Any], lines: Sequence[int], display: str, problems: Problems, hint: str
) -> list[LockEntry]:
    """The well-formed `[[package]]` entries; a malformed one is reported to `problems`."""
    entries: list[LockEntry] = []
    for i, raw in enumerate(raw_packages):
        line = lines[i] if len(lines) == len(raw_packages) else None
        name = raw.get("name") if isinstance(raw, Mapping) else None
        version = raw.get("version") if isinstance(raw, Mapping) else None
        if not isinstance(raw, Mapping):
            problems.report(
                "a [[package]] entry is not a table", path=display, line=line, hint=hint
            )
        elif not isinstance(name, str) or not name or not isinstance(version, str) or not version:
            problems.report(
                "a [[package]] entry has no name or version", path=display, line=line, hint=hint
            )
        elif not _PROJECT_NAME.fullmatch(name):
            problems.report(
                f"package {redact_text(name)[:200]!r}: not a valid project name",
                path=display, line=line, hint=hint,
            )
        else:
            where = entry_origin(display, lines, len(raw_packages), i)
            entries.append(LockEntry(raw, name, version, where, line))
    return entries


def check_name(name: str) -> None:
    """Raise ValueError unless `name` is a project name (PEP 508): a locked name becomes
    part of an index URL, so a URL, a path or a credential in its place is refused."""
    if not _PROJECT_NAME.fullmatch(name):
        raise ValueError(f"package {redact_text(name)[:200]!r}: not a valid project name")


def url_filename(url: str) -> str:
    """The last path segment of a URL or path, percent-decoded."""
    try:
        path = urlsplit(url).path
    except ValueError:
        path = url
    return unquote(path.replace("\\", "/").rsplit("/", 1)[-1])


def is_pypi(url: str) -> bool:
    """True for PyPI's simple/JSON index URLs."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return host in PYPI_HOSTS and parts.path.rstrip("/") in ("/simple", "/pypi", "")


def normal_url(url: str) -> str:
    """A registry URL compared without its trailing slash."""
    return url.strip().rstrip("/")


def primary_registry(urls: Iterable[str]) -> str | None:
    """The project's single non-PyPI index when nothing comes from PyPI, else None."""
    found = {normal_url(u) for u in urls}
    if not found or any(is_pypi(u) for u in found) or len(found) != 1:
        return None
    return found.pop()


def registry_skip_reason(url: str, primary: str | None) -> str | None:
    """`from another index: <url>` unless the URL is PyPI or the primary index."""
    if is_pypi(url) or (primary is not None and normal_url(url) == primary):
        return None
    return f"from another index: {redact_url(url)}"


def registry_options(primary: str | None) -> IndexOptions:
    """Index options naming the primary index, when there is one."""
    return IndexOptions(index_url=primary) if primary else IndexOptions()


def registry_note(primary: str | None, display: str) -> tuple[str, ...]:
    """A note saying the lock's packages come from a non-PyPI index."""
    if primary is None:
        return ()
    return (
        f"{display}: every package comes from {redact_url(primary)}; wheelfit looks them up there",
    )


def lock_spec(
    display: str,
    fmt: str,
    locked: Sequence[LockedPackage],
    skipped: Sequence[SkippedEntry],
    primary: str | None,
    python: PythonHint | None,
    problems: Problems,
    notes: Sequence[str],
) -> DependencySpec:
    """The DependencySpec every lock reader returns: locked packages, skipped entries, the
    lock's own registry as the index, its Python hint, problems and notes."""
    return DependencySpec(
        path=display,
        format=fmt,
        locked=tuple(locked),
        skipped=tuple(skipped),
        options=registry_options(primary),
        python=python,
        problems=tuple(problems.items),
        notes=(*registry_note(primary, display), *notes),
    )


def parse_marker(text: Any, what: str) -> Marker:
    """A marker from lock data; raises ValueError naming what it belongs to."""
    if not isinstance(text, str):
        raise ValueError(f"{what}: marker is not a string")
    try:
        return Marker(text)
    except InvalidMarker as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "invalid"
        raise ValueError(f"{what}: invalid marker {text!r}: {reason}") from None


def applied_marker(
    marker: Marker | None, selection: Selection, what: str | None = None
) -> Marker | bool | None:
    """The marker after deciding the selection variables: False = never applies.

    With `what` (the entry the marker belongs to), what is left must use only the
    environment markers a target defines; any other variable raises ValueError naming it."""
    if marker is None:
        return None
    decided = specialize(marker, selection)
    if decided is True:
        return None
    if isinstance(decided, Marker) and what is not None:
        _only_environment(decided, marker, selection, what)
    return decided


def _only_environment(left: Marker, marker: Marker, selection: Selection, what: str) -> None:
    """Raise ValueError when `left` needs a variable no target environment defines."""
    try:
        left.evaluate(context="requirement")
    except (UndefinedEnvironmentName, KeyError) as exc:  # packaging < 26.4: a KeyError
        variable = str(exc.args[0]) if exc.args else "?"
        if variable in selection:
            why = f'compares {variable!r} in a way PEP 751 does not define (use "x" in {variable})'
        else:
            known = ", ".join(["the PEP 508 environment markers", *sorted(selection)])
            why = f"uses {variable!r}, which is not a marker variable of this lock ({known})"
        raise ValueError(f"{what}: marker {str(marker)!r} {why}") from None


def allowed_versions(
    candidates: Sequence[int], version_of: Sequence[str], specifier: SpecifierSet
) -> list[int]:
    """The candidates (indexes into `version_of`) whose version the specifier allows.

    When a name is locked at several versions, a dependency edge points at the ones its
    constraint allows; when it allows none (or there is only one), at every candidate.
    """
    if len(candidates) < 2 or not str(specifier):
        return list(candidates)
    allowed: list[int] = []
    for candidate in candidates:
        try:
            if specifier.contains(Version(version_of[candidate]), prereleases=True):
                allowed.append(candidate)
        except InvalidVersion:
            continue
    return allowed or list(candidates)


def canonical_set(names: Iterable[str]) -> frozenset[str]:
    """Canonicalised names (extras, groups) for comparisons."""
    return frozenset(canonicalize_name(n) for n in names)


def check_known(wanted: Iterable[str], known: Iterable[str], kind: str, display: str) -> None:
    """Raise InputFileError for a requested extra/group the file does not define."""
    known_list = sorted(set(known))
    known_canon = canonical_set(known_list)
    for name in wanted:
        if canonicalize_name(name) not in known_canon:
            raise InputFileError(
                f"unknown {kind} {name!r}",
                path=display,
                hint=(
                    f"Known {kind}s: {', '.join(known_list)}."
                    if known_list
                    else f"The file defines no {kind}s."
                ),
            )


def as_table(value: Any) -> Mapping[str, Any]:
    """A TOML table or an empty one when absent/not a table."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """A TOML array or an empty list when absent/not an array."""
    return list(value) if isinstance(value, list) else []
