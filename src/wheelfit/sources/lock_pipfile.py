"""Pipfile.lock → `DependencySpec(locked=...)`.

Format (pipenv, `pipfile-spec` 6): JSON with `_meta` (`sources`: the indexes, the first one
is the primary; `requires`: `python_version` / `python_full_version`) and one object per
category — `default`, `develop`, and any custom category — mapping a package name to
`{"version": "==1.2.3", "hashes": [...], "markers": "...", "index": "<source name>"}` or
to a non-index source (`git`, `path`, `file`, `editable`).

Selection: `default`, plus `develop` with `dev=True`, plus the custom categories named in
`groups`. Pipfile.lock lists hashes, not file names, so `files` stays empty. Source URLs
may hold `${VAR}`/`$VAR` (pipenv expands them at install time); they are expanded from the
given environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import wheelfit.sources.lock_common as common
from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec, LockedPackage, PythonHint, SkippedEntry
from wheelfit.redact import redact_url
from wheelfit.sources.marker_select import Selection
from wheelfit.sources.reading import Problems, load_json, origin

FORMAT = "pipfile-lock"
_HINT = "Regenerate the lock with `pipenv lock`."
_DIRECT_KEYS = ("editable", "git", "hg", "svn", "bzr", "path", "file")
_SECTION = re.compile(r'^ {4}"(?P<name>(?:[^"\\]|\\.)*)"\s*:')
_ENTRY = re.compile(r'^ {8}"(?P<name>(?:[^"\\]|\\.)*)"\s*:\s*\{')
_VAR = re.compile(r"\$\{(?P<a>[A-Za-z_][A-Za-z0-9_]*)\}|\$(?P<b>[A-Za-z_][A-Za-z0-9_]*)")


def parse_pipfile_lock(
    text: str,
    display: str,
    *,
    groups: Sequence[str] = (),
    dev: bool = False,
    keep_going: bool = False,
    environ: Mapping[str, str] | None = None,
) -> DependencySpec:
    """Read a Pipfile.lock; see the module docstring for what is selected."""
    doc = load_json(text, display)
    if not isinstance(doc, Mapping) or not isinstance(doc.get("default", {}), Mapping):
        raise InputFileError(
            "not a Pipfile.lock: expected an object with a `default` object",
            path=display,
            hint=_HINT,
        )
    meta = common.as_table(doc.get("_meta"))
    categories = [k for k, v in doc.items() if k != "_meta" and isinstance(v, Mapping)]
    common.check_known(groups, [c for c in categories if c not in ("default",)], "group", display)
    chosen = [
        "default",
        *(["develop"] if dev and "develop" in categories else []),
        *[c for c in categories if c in groups and c not in ("default", "develop")],
    ]
    notes = (
        [f"{display}: no develop section in the lock"]
        if dev and "develop" not in categories
        else []
    )
    sources = _sources(meta, environ or {})
    primary_url = next(iter(sources.values()), None)
    primary = (
        None
        if primary_url is None or common.is_pypi(primary_url)
        else common.normal_url(primary_url)
    )
    lines = _entry_lines(text)
    problems = Problems(keep_going)
    locked: list[LockedPackage] = []
    skipped: list[SkippedEntry] = []
    seen: set[str] = set()
    selection = _selection(chosen)
    for category in chosen:
        for name, entry in common.as_table(doc.get(category)).items():
            if name in seen:
                continue
            seen.add(name)
            line = lines.get((category, name))
            where = origin(display, line)
            try:
                found = _read_entry(name, entry, where, sources, primary, selection)
            except ValueError as exc:
                problems.report(str(exc), path=display, line=line, hint=_HINT)
                continue
            if isinstance(found, SkippedEntry):
                skipped.append(found)
            elif found is not None:
                locked.append(found)
    return DependencySpec(
        path=display,
        format=FORMAT,
        locked=tuple(locked),
        skipped=tuple(skipped),
        options=common.registry_options(primary),
        python=_python(meta, display),
        problems=tuple(problems.items),
        notes=(*common.registry_note(primary, display), *notes),
    )


def _selection(chosen: Sequence[str]) -> Selection:
    """The marker selection of the chosen categories: pipenv marks `develop` entries with
    `'dev' in dependency_groups`, other categories with their own name; no extras."""
    groups = {"default", *chosen}
    if "develop" in chosen:
        groups.add("dev")
    return {
        "extra": frozenset(),
        "extras": frozenset(),
        "dependency_groups": common.canonical_set(groups),
    }


def _read_entry(
    name: str,
    entry: Any,
    where: str,
    sources: Mapping[str, str],
    primary: str | None,
    selection: Selection,
) -> LockedPackage | SkippedEntry | None:
    common.check_name(name)
    if not isinstance(entry, Mapping):
        raise ValueError(f"entry {name!r} is not an object")
    for key in _DIRECT_KEYS:
        if key in entry and entry[key] not in (False, None):
            value = (
                entry.get(key)
                if key != "editable"
                else (entry.get("path") or entry.get("git") or entry.get("file"))
            )
            shown = redact_url(str(value)) if isinstance(value, str) else ""
            return SkippedEntry(name, where, f"{_KIND[key]}: {shown}".rstrip(": "))
    version = entry.get("version")
    if not isinstance(version, str) or not version.startswith("=="):
        raise ValueError(f'entry {name!r} has no pinned version ("version": "==X")')
    index = entry.get("index")
    if isinstance(index, str):
        if index not in sources:
            raise ValueError(f"entry {name!r} names index {index!r}, which is not in _meta.sources")
        reason = common.registry_skip_reason(sources[index], primary)
        if reason:
            return SkippedEntry(f"{name} {version[2:].strip()}", where, reason)
    marker = None
    if "markers" in entry:
        parsed = common.parse_marker(entry["markers"], f"entry {name!r}")
        decided = common.applied_marker(parsed, selection, f"entry {name!r}")
        if decided is False:
            return None
        marker = decided if not isinstance(decided, bool) else None
    return LockedPackage(name, version[2:].strip(), where, marker)


_KIND = {
    "git": "VCS checkout (git)",
    "hg": "VCS checkout (hg)",
    "svn": "VCS checkout (svn)",
    "bzr": "VCS checkout (bzr)",
    "path": "local path",
    "file": "direct URL or file",
    "editable": "editable install",
}


def _sources(meta: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for source in common.as_list(meta.get("sources")):
        if isinstance(source, Mapping) and isinstance(source.get("url"), str):
            url = _VAR.sub(
                lambda m: environ.get(m.group("a") or m.group("b"), m.group(0)), source["url"]
            )
            found[str(source.get("name", len(found)))] = url
    return found


def _python(meta: Mapping[str, Any], display: str) -> PythonHint | None:
    requires = common.as_table(meta.get("requires"))
    for key in ("python_full_version", "python_version"):
        value = requires.get(key)
        if isinstance(value, str) and re.fullmatch(r"3\.\d+(\.\d+)?", value.strip()):
            return PythonHint(value.strip(), f'{key} "{value}" in {display}')
    return None


def _entry_lines(text: str) -> dict[tuple[str, str], int]:
    """Line of each `"name": {` under each top-level key of a pretty-printed lock."""
    lines: dict[tuple[str, str], int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        top = _SECTION.match(line)
        if top:
            section = top.group("name")
            continue
        entry = _ENTRY.match(line)
        if entry and section:
            lines.setdefault((section, entry.group("name")), number)
    return lines
