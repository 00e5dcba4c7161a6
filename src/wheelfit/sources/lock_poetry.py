"""poetry.lock → `DependencySpec(locked=...)`.

Format: `[[package]]` tables with `name`, `version`, `optional`, `files` (lock 2.x; 1.x keeps
them in `[metadata.files]`), `groups = ["main", "dev"]` (Poetry ≥ 2; older locks have
`category = "main"|"dev"`), `markers` (Poetry ≥ 2: a string, or a table of a marker per
group) and `[package.source]` (`type` = git, directory, file, url, or legacy for a custom
index). `[extras]` maps each extra to its optional packages; `[metadata] python-versions`
is the project's Python constraint.

Selection: packages in the `main` group, plus the groups asked for (`dev=True` adds `dev`);
optional packages only when one of their extras is selected. The package marker is the
locked one (for a per-group table, the OR of the selected groups' markers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from packaging.markers import Marker
from packaging.utils import canonicalize_name

from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec, LockedPackage, SkippedEntry
from wheelfit.redact import redact_url
from wheelfit.sources import lock_common as common
from wheelfit.sources.marker_select import combine_or
from wheelfit.sources.pythonhint import from_poetry_python
from wheelfit.sources.reading import Problems, load_toml

FORMAT = "poetry-lock"
_HINT = "Regenerate the lock with `poetry lock`."


def parse_poetry_lock(
    text: str,
    display: str,
    *,
    extras: Sequence[str] = (),
    all_extras: bool = False,
    groups: Sequence[str] = (),
    dev: bool = False,
    keep_going: bool = False,
) -> DependencySpec:
    """Read a poetry.lock; see the module docstring for what is selected."""
    doc = load_toml(text, display)
    raw_packages = doc.get("package", [])
    if not isinstance(raw_packages, list):
        raise InputFileError("`package` is not an array of tables", path=display, hint=_HINT)
    metadata = common.as_table(doc.get("metadata"))
    extras_table = common.as_table(doc.get("extras"))
    problems = Problems(keep_going)
    lines = common.header_lines(text, "package")
    known_groups = {"main"}
    for raw in raw_packages:
        if isinstance(raw, Mapping):
            known_groups.update(g for g in _groups(raw) if isinstance(g, str))
    common.check_known(extras, extras_table, "extra", display)
    common.check_known(groups, known_groups, "group", display)
    chosen_extras = list(extras_table) if all_extras else list(extras)
    optional_names = {
        _package_name(n)
        for e, names in extras_table.items()
        if canonicalize_name(e) in common.canonical_set(chosen_extras)
        for n in common.as_list(names)
        if isinstance(n, str)
    }
    selected = set(common.canonical_set(["main", *groups]))
    notes: list[str] = []
    if dev:
        if "dev" in common.canonical_set(known_groups):
            selected.add("dev")
        else:
            notes.append(f"{display}: no dev group in the lock")
    selection = {"extra": common.canonical_set(chosen_extras)}
    picked: list[tuple[Mapping[str, Any], str, Marker | None]] = []
    for i, raw in enumerate(raw_packages):
        line = lines[i] if len(lines) == len(raw_packages) else None
        where = common.entry_origin(display, lines, len(raw_packages), i)
        try:
            entry = _select(raw, selected, optional_names, selection)
        except ValueError as exc:
            problems.report(str(exc), path=display, line=line, hint=_HINT)
            continue
        if entry is not False and entry is not True:
            picked.append((raw, where, entry))
        elif entry is True:
            picked.append((raw, where, None))
    registries = [
        str(_source(raw).get("url", ""))
        if _source(raw).get("type") == "legacy"
        else "https://pypi.org/simple"
        for raw, _, _ in picked
        if _source(raw).get("type") in (None, "", "pypi", "legacy")
    ]
    primary = common.primary_registry(registries)
    locked: list[LockedPackage] = []
    skipped: list[SkippedEntry] = []
    legacy_files = common.as_table(metadata.get("files"))
    for raw, where, marker in picked:
        name, version = str(raw["name"]), str(raw["version"])
        reason = _skip_reason(_source(raw), primary)
        if reason:
            skipped.append(SkippedEntry(f"{name} {version}", where, reason))
        else:
            files = raw.get("files", legacy_files.get(name, []))
            locked.append(LockedPackage(name, version, where, marker, _files(files)))
    constraint = metadata.get("python-versions")
    python = (
        from_poetry_python(constraint, f'python-versions "{constraint}" in {display}')
        if isinstance(constraint, str)
        else None
    )
    return DependencySpec(
        path=display,
        format=FORMAT,
        locked=tuple(locked),
        skipped=tuple(skipped),
        options=common.registry_options(primary),
        python=python,
        problems=tuple(problems.items),
        notes=(*common.registry_note(primary, display), *notes),
    )


def _select(
    raw: Any, selected: set[str], optional_names: set[str], selection: Mapping[str, Any]
) -> Marker | bool | None:
    """False when not selected, else the package's marker (None = always)."""
    if not isinstance(raw, Mapping):
        raise ValueError("a [[package]] entry is not a table")
    name, version = raw.get("name"), raw.get("version")
    if not isinstance(name, str) or not name or not isinstance(version, str) or not version:
        raise ValueError("a [[package]] entry has no name or version")
    package_groups = _groups(raw)
    in_groups = [g for g in package_groups if canonicalize_name(g) in selected]
    if not in_groups:
        return False
    if raw.get("optional") is True and canonicalize_name(name) not in optional_names:
        return False
    markers = raw.get("markers")
    if markers is None:
        return None
    if isinstance(markers, Mapping):
        per_group = [markers.get(g) for g in in_groups]
        if any(m is None for m in per_group):
            return None
        texts = [str(common.parse_marker(m, f"package {name!r}")) for m in per_group]
        text = combine_or(sorted(set(texts)))
    else:
        text = str(common.parse_marker(markers, f"package {name!r}"))
    return common.applied_marker(common.parse_marker(text, f"package {name!r}"), selection)


def _groups(raw: Mapping[str, Any]) -> list[str]:
    groups = raw.get("groups")
    if isinstance(groups, list):
        return [g for g in groups if isinstance(g, str)]
    category = raw.get("category")
    return [category] if isinstance(category, str) else ["main"]


def _package_name(text: str) -> str:
    return canonicalize_name(re.split(r"[\s\[(<>=!~;]", text.strip(), maxsplit=1)[0])


def _source(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    return common.as_table(raw.get("source"))


def _skip_reason(source: Mapping[str, Any], primary: str | None) -> str | None:
    kind = source.get("type")
    url = str(source.get("url", ""))
    if not source or kind in (None, "", "pypi"):
        return None
    if kind == "legacy":
        return common.registry_skip_reason(url, primary)
    if kind == "git":
        return f"VCS checkout (git): {redact_url(url)}"
    if kind == "url":
        return f"direct URL: {redact_url(url)}"
    if kind in ("directory", "file"):
        return f"local {kind} source: {url}"
    return f"{kind} source: not looked up on the index"


def _files(entries: Any) -> tuple[str, ...]:
    names: list[str] = []
    for entry in common.as_list(entries):
        if isinstance(entry, Mapping) and isinstance(entry.get("file"), str):
            names.append(common.url_filename(entry["file"]))
    return tuple(names)
