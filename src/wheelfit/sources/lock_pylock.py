"""pylock.toml (PEP 751) → `DependencySpec(locked=...)`.

Format: top-level `lock-version`, `created-by`, `requires-python`, `extras`,
`dependency-groups`, `default-groups`, and `[[packages]]` with `name`, `version`, `marker`,
`index`, `wheels`/`sdist` (file name = `name`, else the last segment of `url`/`path`) or one
direct source (`vcs`, `directory`, `archive`). When the installed `packaging` has
`packaging.pylock`, each entry is also validated against the specification with it.

Selection: markers mentioning `extras`/`dependency_groups` are decided from the selection
(the `default-groups`, the groups asked for, `dev` with `dev=True`, and the extras asked
for); packages whose marker is then false are left out.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

import wheelfit.sources.lock_common as common
from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec, LockedPackage, SkippedEntry
from wheelfit.redact import redact_text, redact_url
from wheelfit.sources.pythonhint import from_requires_python
from wheelfit.sources.reading import Problems, load_toml

FORMAT = "pylock"
_HINT = "Regenerate the lock with the tool that wrote it (pip lock, uv export, pdm export...)."


def _pylock_module() -> Any:
    try:
        return importlib.import_module("packaging.pylock")
    except ImportError:  # packaging < 25: entries are read without full validation
        return None


def _selection(doc: Mapping[str, Any], display: str, extras: Sequence[str], all_extras: bool,
               groups: Sequence[str], dev: bool, notes: list[str]) -> dict[str, frozenset[str]]:
    """The marker variables the user's extras and groups select (PEP 751's `extras` and
    `dependency_groups`); unknown names are an error, a missing dev group a note."""
    declared_extras = [e for e in common.as_list(doc.get("extras")) if isinstance(e, str)]
    declared_groups = [
        g
        for g in common.as_list(doc.get("dependency-groups"))
        + common.as_list(doc.get("default-groups"))
        if isinstance(g, str)
    ]
    common.check_known(extras, declared_extras, "extra", display)
    common.check_known(groups, declared_groups, "group", display)
    chosen_groups = set(
        common.canonical_set(
            [g for g in common.as_list(doc.get("default-groups")) if isinstance(g, str)]
            + list(groups)
        )
    )
    if dev:
        if "dev" in common.canonical_set(declared_groups):
            chosen_groups.add("dev")
        else:
            notes.append(f"{display}: no dev group in the lock")
    selection = {
        "extras": common.canonical_set(declared_extras if all_extras else extras),
        "dependency_groups": frozenset(chosen_groups),
    }
    return selection


def parse_pylock(
    text: str,
    display: str,
    *,
    extras: Sequence[str] = (),
    all_extras: bool = False,
    groups: Sequence[str] = (),
    dev: bool = False,
    keep_going: bool = False,
) -> DependencySpec:
    """Read a pylock.toml; see the module docstring for what is selected."""
    doc = load_toml(text, display)
    spec_module = _pylock_module()
    _validate_top(doc, display, spec_module)
    raw_packages = doc.get("packages", [])
    notes: list[str] = []
    selection = _selection(doc, display, extras, all_extras, groups, dev, notes)
    problems = Problems(keep_going)
    lines = common.header_lines(text, "packages")
    picked: list[tuple[Mapping[str, Any], str, Any]] = []
    for i, raw in enumerate(raw_packages):
        line = lines[i] if len(lines) == len(raw_packages) else None
        where = common.entry_origin(display, lines, len(raw_packages), i)
        try:
            _validate_package(raw, spec_module, doc.get("lock-version"))
            marker = None
            if "marker" in raw:
                what = f"package {raw.get('name')!r}"
                marker = common.applied_marker(
                    common.parse_marker(raw["marker"], what), selection, what
                )
        except ValueError as exc:
            problems.report(str(exc), path=display, line=line, hint=_HINT)
            continue
        if marker is not False:
            picked.append((raw, where, marker))
    left = len(raw_packages) - len(picked) - len(problems.items)
    if left:
        notes.append(
            f"{display}: {left} package(s) are only needed by extras or groups that "
            "were not selected"
        )
    registries = [
        str(raw["index"]) if isinstance(raw.get("index"), str) else "https://pypi.org/simple"
        for raw, _, _ in picked
        if _is_index(raw)
    ]
    primary = common.primary_registry(registries)
    locked: list[LockedPackage] = []
    skipped: list[SkippedEntry] = []
    for raw, where, marker in picked:
        name = str(raw["name"])
        files = _files(raw)
        version = (
            raw.get("version") if isinstance(raw.get("version"), str) else _version_from(files)
        )
        reason = _skip_reason(raw, primary)
        if reason:
            skipped.append(SkippedEntry(f"{name} {version or ''}".strip(), where, reason))
        elif version is None:
            problems.report(
                f"package {name!r} has no version", path=display, line=_line(where), hint=_HINT
            )
        else:
            locked.append(LockedPackage(name, version, where, marker, files))
    requires = doc.get("requires-python")
    python = (
        from_requires_python(requires, f'requires-python "{requires}" in {display}')
        if isinstance(requires, str)
        else None
    )
    return common.lock_spec(display, FORMAT, locked, skipped, primary, python, problems, notes)


def _validate_top(doc: Mapping[str, Any], display: str, spec_module: Any) -> None:
    if not isinstance(doc.get("packages"), list):
        raise InputFileError("not a pylock file: no [[packages]] array", path=display, hint=_HINT)
    version = doc.get("lock-version")
    if not isinstance(version, str) or not version.startswith("1"):
        raise InputFileError(
            f"lock-version {version!r} is not supported (wheelfit reads 1.x)",
            path=display,
            hint=_HINT,
        )
    if spec_module is None:
        return
    try:
        spec_module.Pylock.from_dict({**doc, "packages": []})
    except spec_module.PylockValidationError as exc:
        raise InputFileError(f"invalid pylock file: {exc}", path=display, hint=_HINT) from None


def _validate_package(raw: Any, spec_module: Any, lock_version: Any) -> None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
        raise ValueError("a [[packages]] entry has no name")
    if spec_module is None:
        return
    try:
        spec_module.Pylock.from_dict(
            {"lock-version": str(lock_version), "created-by": "wheelfit", "packages": [raw]}
        )
    except spec_module.PylockValidationError as exc:
        context = (exc.context or "").removeprefix("packages[0]").lstrip(".")
        where = f" in {context}" if context else ""
        raise ValueError(redact_text(f"package {raw['name']!r}: {exc.message}{where}")) from None


def _is_index(raw: Mapping[str, Any]) -> bool:
    return not any(key in raw for key in ("vcs", "directory", "archive"))


def _skip_reason(raw: Mapping[str, Any], primary: str | None) -> str | None:
    vcs, directory, archive = (common.as_table(raw.get(k)) for k in ("vcs", "directory", "archive"))
    if vcs:
        where = vcs.get("url") or vcs.get("path") or ""
        return f"VCS checkout ({vcs.get('type', 'vcs')}): {redact_url(str(where))}"
    if directory:
        kind = "editable local directory" if directory.get("editable") else "local directory"
        return f"{kind}: {directory.get('path', '')}"
    if archive:
        where = archive.get("url") or archive.get("path") or ""
        return f"direct URL or archive: {redact_url(str(where))}"
    index = raw.get("index")
    return common.registry_skip_reason(index, primary) if isinstance(index, str) else None


def _files(raw: Mapping[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for entry in [*common.as_list(raw.get("wheels")), raw.get("sdist")]:
        if isinstance(entry, Mapping):
            where = entry.get("name") or entry.get("url") or entry.get("path")
            if isinstance(where, str) and where:
                names.append(common.url_filename(where))
    return tuple(names)


def _version_from(files: tuple[str, ...]) -> str | None:
    for filename in files:
        try:
            if filename.endswith(".whl"):
                return str(parse_wheel_filename(filename)[1])
            return str(parse_sdist_filename(filename)[1])
        except (InvalidWheelFilename, InvalidSdistFilename):
            continue
    return None


def _line(where: str) -> int | None:
    tail = where.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None
