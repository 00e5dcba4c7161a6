"""PEP 725's `[external]` table of a pyproject.toml: which non-PyPI packages a build needs.

Keys: `build-requires` (tools run on the build machine), `host-requires` (libraries built
against), `dependencies` (needed at run time), and the `optional-*` forms of each (tables
of group -> list). Each entry is an external dependency specifier: a DepURL
`dep:<type>/<namespace>/<name>@<version>?<qualifiers>#<subpath>` and optional environment
markers after `;`. Earlier drafts' `pkg:<type>/...` (PURL) and `virtual:<namespace>/<name>`
are read as the same DepURLs (`virtual:compiler/c` is `dep:virtual/compiler/c`).
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from wheelfit.buildneeds.buildfile_types import ExternalDep, Origin

SECTIONS = ("build-requires", "host-requires", "dependencies")
MAX_ENTRIES = 500
MAX_SPEC = 400
_TYPE = re.compile(r"[a-z][a-z0-9.+-]*")
_SEGMENT = re.compile(r"[^/\s]+")


class DepUrlError(ValueError):
    """A string that is not a DepURL (the message says why)."""


def parse_depurl(spec: str) -> tuple[str, str, str, str | None]:
    """`dep:generic/openssl@>=3` -> ("generic", "", "openssl", ">=3"); namespaces joined
    with `/`. Raises `DepUrlError`."""
    text = spec.strip()
    if len(text) > MAX_SPEC:
        raise DepUrlError(f"longer than {MAX_SPEC} characters")
    scheme, sep, rest = text.partition(":")
    if not sep or scheme not in ("dep", "pkg", "virtual"):
        raise DepUrlError("does not start with dep:, pkg: or virtual:")
    if scheme == "virtual":
        rest = "virtual/" + rest
    rest = rest.lstrip("/").split("#", 1)[0].split("?", 1)[0]
    path, _, version = rest.partition("@")
    parts = path.split("/")
    if len(parts) < 2 or not all(_SEGMENT.fullmatch(p) for p in parts):
        raise DepUrlError("needs <type>/<name>")
    kind = parts[0].lower()
    if not _TYPE.fullmatch(kind):
        raise DepUrlError(f"{parts[0]!r} is not a package type")
    name = urllib.parse.unquote(parts[-1])
    namespace = "/".join(urllib.parse.unquote(p) for p in parts[1:-1])
    return kind, namespace, name, urllib.parse.unquote(version).strip() or None


def depurl_id(kind: str, namespace: str, name: str) -> str:
    """The normalised id without a version: `dep:virtual/compiler/rust`."""
    middle = f"{namespace}/" if namespace else ""
    return f"dep:{kind}/{middle}{name}"


def read_external(doc: Any, text: str, path: str) -> tuple[tuple[ExternalDep, ...],
                                                            tuple[str, ...]]:
    """The `[external]` entries of a parsed pyproject.toml, and a note per bad entry
    (`pyproject.toml:12: [external].host-requires[1]: 'x' is not a DepURL (...)`)."""
    table = doc.get("external") if isinstance(doc, dict) else None
    if not isinstance(table, dict):
        return (), ()
    found: list[ExternalDep] = []
    notes: list[str] = []
    for section in SECTIONS:
        lists: list[tuple[str | None, Any]] = [(None, table.get(section))]
        optional = table.get(f"optional-{section}")
        if isinstance(optional, dict):
            lists += [(str(group), entries) for group, entries in optional.items()]
        for group, entries in lists:
            if entries is None:
                continue
            key = f"optional-{section}.{group}" if group else section
            if not isinstance(entries, list):
                notes.append(f"{path}: [external].{key}: expected a list of strings")
                continue
            for index, entry in enumerate(entries):
                if len(found) >= MAX_ENTRIES:
                    notes.append(f"{path}: [external]: more than {MAX_ENTRIES} entries; "
                                 "the rest were not read")
                    return tuple(found), tuple(notes)
                origin = Origin(path, _line_of(text, entry))
                dep = _entry(entry, section, group, origin, f"{key}[{index}]", notes)
                if dep is not None:
                    found.append(dep)
    return tuple(found), tuple(notes)


def _entry(entry: Any, section: str, group: str | None, origin: Origin, where: str,
           notes: list[str]) -> ExternalDep | None:
    if not isinstance(entry, str):
        notes.append(f"{origin}: [external].{where}: expected a string, got "
                     f"{type(entry).__name__}")
        return None
    url, _, marker = entry.partition(";")
    try:
        kind, namespace, name, version = parse_depurl(url)
    except DepUrlError as exc:
        notes.append(f"{origin}: [external].{where}: {entry[:80]!r} is not a DepURL ({exc})")
        return None
    return ExternalDep(
        id=depurl_id(kind, namespace, name), type=kind, namespace=namespace, name=name,
        section=section, origin=origin, version=version, marker=marker.strip() or None,
        group=group)


def _line_of(text: str, entry: Any) -> int:
    """The 1-based line where `entry` is written (0 if not found)."""
    if not isinstance(entry, str) or not entry:
        return 0
    at = text.find(entry)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0
