"""pyproject.toml → `DependencySpec` (requirements to resolve).

Reads, in this order of preference for the main dependencies: `[project].dependencies`;
else Poetry's `[tool.poetry.dependencies]` (Poetry 1, or Poetry 2 with dynamic
dependencies); else setuptools' `[tool.setuptools.dynamic] dependencies = {file = [...]}`.
Extras: `[project.optional-dependencies]` (self-references `name[x]` expand to extra x) and
Poetry's `[tool.poetry.extras]` (which names optional dependencies). Groups: PEP 735
`[dependency-groups]`, Poetry's `[tool.poetry.group.<name>.dependencies]` (and the legacy
`[tool.poetry.dev-dependencies]` as `dev`), uv's legacy `[tool.uv] dev-dependencies` as
`dev`; `dev=True` adds the `dev` group. Python hint: `requires-python`, else Poetry's
`python` dependency. Origins carry the line of the entry when it can be found in the text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

import wheelfit.sources.lock_common as common
from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec, PythonHint, RequirementEntry, SkippedEntry
from wheelfit.redact import redact_text
from wheelfit.sources.groups import GroupError, resolve_group
from wheelfit.sources.marker_select import combine_and, lock_only_message, lock_only_variable
from wheelfit.sources.pyproject_poetry import poetry_dependency
from wheelfit.sources.pythonhint import from_poetry_python, from_requires_python
from wheelfit.sources.reading import Problems, load_toml, origin
from wheelfit.sources.requirements import parse_requirements_file

FORMAT = "pyproject"
_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")


class _Locator:
    """Finds the line of a table header, a key, or a quoted string in TOML text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.tables: dict[str, int] = {}
        for number, line in enumerate(self.lines, start=1):
            found = _HEADER.match(line)
            if found:
                self.tables.setdefault(re.sub(r"[\s\"']", "", found.group(1)), number)

    def table(self, name: str) -> int:
        """The line of a `[table]` header (1 when absent)."""
        return self.tables.get(name, 1)

    def key(self, key: str, after: int) -> int | None:
        """The first line at or after `after` that assigns `key`."""
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        return self._find(lambda line: bool(pattern.match(line)), after)

    def string(self, value: str, after: int) -> int | None:
        """The first line at or after `after` holding the quoted value."""
        quoted = (f'"{value}"', f"'{value}'")
        return self._find(lambda line: any(q in line for q in quoted), after)

    def _find(self, test: Any, after: int) -> int | None:
        for number in range(max(after, 1), len(self.lines) + 1):
            if test(self.lines[number - 1]):
                return number
        return None


@dataclass
class _Out:
    display: str
    problems: Problems
    requirements: list[RequirementEntry] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, requirement: Requirement, line: int | None) -> None:
        """Append a requirement with its `file:line` origin."""
        self.requirements.append(RequirementEntry(requirement, origin(self.display, line)))


def parse_pyproject(
    text: str,
    display: str,
    *,
    base_dir: Path | None = None,
    extras: Sequence[str] = (),
    all_extras: bool = False,
    groups: Sequence[str] = (),
    dev: bool = False,
    keep_going: bool = False,
) -> DependencySpec:
    """Read a pyproject.toml; see the module docstring for what is read."""
    doc = load_toml(text, display)
    project = common.as_table(doc.get("project"))
    tool = common.as_table(doc.get("tool"))
    poetry = common.as_table(tool.get("poetry"))
    loc = _Locator(text)
    out = _Out(display, Problems(keep_going))
    reader = _Reader(doc, loc, out, str(project.get("name") or poetry.get("name") or ""))
    poetry_deps = common.as_table(poetry.get("dependencies"))
    if "dependencies" in project:
        reader.pep508_list(project["dependencies"], "[project].dependencies", loc.table("project"))
    elif poetry_deps:
        reader.poetry_table(poetry_deps, "tool.poetry.dependencies", optional_ok=())
    elif "dependencies" in common.as_list(project.get("dynamic")):
        reader.dynamic(tool, base_dir)
    elif not project and not poetry:
        out.notes.append(
            f"{display} has no [project] or [tool.poetry] table: no dependencies to check"
        )
    reader.extras(extras, all_extras, project, poetry)
    reader.groups(groups, dev, doc, poetry, tool)
    return DependencySpec(
        path=display,
        format=FORMAT,
        requirements=tuple(out.requirements),
        skipped=tuple(out.skipped),
        python=_python(project, poetry_deps, display),
        problems=tuple(out.problems.items),
        notes=tuple(out.notes),
    )


class _Reader:
    def __init__(self, doc: Mapping[str, Any], loc: _Locator, out: _Out, name: str) -> None:
        self.doc, self.loc, self.out = doc, loc, out
        self.project_name = canonicalize_name(name) if name else ""
        self.optional = common.as_table(
            common.as_table(doc.get("project")).get("optional-dependencies")
        )
        self.expanded: set[str] = set()

    def pep508_list(self, items: Any, where: str, anchor: int, marker: str = "") -> None:
        """Read an array of PEP 508 strings (AND-ing `marker` onto each)."""
        if not isinstance(items, list):
            self.out.problems.report(f"{where} is not an array", path=self.out.display, line=anchor)
            return
        for item in items:
            line = self.loc.string(item, anchor) if isinstance(item, str) else None
            if not isinstance(item, str):
                self.out.problems.report(
                    f"{where}: {item!r} is not a string", path=self.out.display, line=anchor
                )
                continue
            try:
                requirement = Requirement(item)
            except InvalidRequirement as exc:
                self.out.problems.report(
                    redact_text(f"{where}: invalid requirement {item!r}: {exc}"),
                    path=self.out.display,
                    line=line or anchor,
                    hint="Write it as a PEP 508 requirement.",
                )
                continue
            lock_only = lock_only_variable(requirement.marker)
            if lock_only:
                self.out.problems.report(
                    f"{where}: requirement {item!r}: {lock_only_message(lock_only)}",
                    path=self.out.display, line=line or anchor,
                    hint="Select groups and extras with --group/--extra instead.",
                )
                continue
            self.requirement(requirement, line, marker)

    def requirement(self, requirement: Requirement, line: int | None, marker: str) -> None:
        """Record one requirement: expand a self-reference, skip a URL."""
        if marker:
            parts = [str(requirement.marker)] if requirement.marker else []
            requirement.marker = Marker(combine_and([*parts, marker]))
        if self.project_name and canonicalize_name(requirement.name) == self.project_name:
            self.self_reference(requirement)
        elif requirement.url:
            self.out.skipped.append(
                SkippedEntry(
                    str(requirement),
                    origin(self.out.display, line),
                    "direct URL reference (name @ URL): not looked up on the index",
                )
            )
        else:
            self.out.add(requirement, line)

    def self_reference(self, requirement: Requirement) -> None:
        """Expand `project[extra]` into that extra's dependencies."""
        marker = str(requirement.marker) if requirement.marker else ""
        for extra in sorted(requirement.extras):
            key = canonicalize_name(extra)
            if key in self.expanded:
                continue
            self.expanded.add(key)
            for name, items in self.optional.items():
                if canonicalize_name(name) == key:
                    table = self.loc.table("project.optional-dependencies")
                    self.pep508_list(
                        items,
                        f"[project.optional-dependencies].{name}",
                        self.loc.key(name, table) or table,
                        marker,
                    )

    def poetry_table(
        self, table: Mapping[str, Any], header: str, optional_ok: Iterable[str] | None
    ) -> None:
        """Poetry entries; optional ones only when named in optional_ok (None = all)."""
        allowed = None if optional_ok is None else {canonicalize_name(n) for n in optional_ok}
        anchor = self.loc.table(header)
        for name, value in table.items():
            if canonicalize_name(name) == "python":
                continue
            line = self.loc.key(name, anchor)
            try:
                entries = poetry_dependency(name, value)
            except ValueError as exc:
                self.out.problems.report(str(exc), path=self.out.display, line=line or anchor)
                continue
            for dep in entries:
                if dep.optional and allowed is not None and canonicalize_name(name) not in allowed:
                    continue
                if dep.note:
                    self.out.notes.append(f"{origin(self.out.display, line)}: {dep.note}")
                if dep.skip_reason:
                    self.out.skipped.append(
                        SkippedEntry(name, origin(self.out.display, line), dep.skip_reason)
                    )
                elif dep.requirement is not None:
                    self.requirement(dep.requirement, line, "")

    def dynamic(self, tool: Mapping[str, Any], base_dir: Path | None) -> None:
        """setuptools' dynamic dependencies read from requirements files."""
        spec = common.as_table(
            common.as_table(common.as_table(tool.get("setuptools")).get("dynamic")).get(
                "dependencies"
            )
        )
        files = spec.get("file")
        names = (
            [files]
            if isinstance(files, str)
            else [f for f in common.as_list(files) if isinstance(f, str)]
        )
        if not names or base_dir is None:
            self.out.notes.append(
                f"{self.out.display}: dependencies are dynamic (computed by "
                "the build backend); wheelfit cannot read them"
            )
            return
        for name in names:
            # redacted before the join: a path would fold `https://` into `https:/`
            display = os.path.join(os.path.dirname(self.out.display), redact_text(name))
            try:
                found = parse_requirements_file(
                    base_dir / name, display, keep_going=self.out.problems.keep_going
                )
            except InputFileError as exc:
                self.out.problems.add(exc)
                continue
            self.out.requirements.extend(found.requirements)
            self.out.skipped.extend(found.skipped)
            self.out.problems.items.extend(found.problems)

    def extras(
        self,
        wanted: Sequence[str],
        all_extras: bool,
        project: Mapping[str, Any],
        poetry: Mapping[str, Any],
    ) -> None:
        """Add the selected extras (PEP 621 and Poetry)."""
        poetry_extras = common.as_table(poetry.get("extras"))
        known = [*self.optional, *poetry_extras]
        common.check_known(wanted, known, "extra", self.out.display)
        chosen = common.canonical_set(known if all_extras else wanted)
        for name, items in self.optional.items():
            key = canonicalize_name(name)
            if key in chosen and key not in self.expanded:
                self.expanded.add(key)
                table = self.loc.table("project.optional-dependencies")
                self.pep508_list(
                    items,
                    f"[project.optional-dependencies].{name}",
                    self.loc.key(name, table) or table,
                )
        optional_names = [
            n
            for e, names in poetry_extras.items()
            if canonicalize_name(e) in chosen
            for n in common.as_list(names)
            if isinstance(n, str)
        ]
        poetry_deps = common.as_table(poetry.get("dependencies"))
        if optional_names and "dependencies" not in project:
            picked = {
                n: v
                for n, v in poetry_deps.items()
                if canonicalize_name(n) in common.canonical_set(optional_names)
            }
            self.poetry_table(picked, "tool.poetry.dependencies", optional_ok=None)

    def groups(
        self,
        wanted: Sequence[str],
        dev: bool,
        doc: Mapping[str, Any],
        poetry: Mapping[str, Any],
        tool: Mapping[str, Any],
    ) -> None:
        """Add the selected groups (PEP 735, Poetry, uv's legacy dev group)."""
        pep735 = common.as_table(doc.get("dependency-groups"))
        poetry_groups = {
            name: common.as_table(common.as_table(g).get("dependencies"))
            for name, g in common.as_table(poetry.get("group")).items()
        }
        legacy_dev = common.as_table(poetry.get("dev-dependencies"))
        uv_dev = common.as_table(tool.get("uv")).get("dev-dependencies")
        known = [*pep735, *poetry_groups, *(["dev"] if legacy_dev or uv_dev else [])]
        common.check_known(wanted, known, "group", self.out.display)
        chosen = list(common.canonical_set(wanted))
        if dev:
            if "dev" in common.canonical_set(known):
                chosen.append("dev")
            else:
                self.out.notes.append(f"{self.out.display}: no dev group")
        for group in sorted(set(chosen)):
            self._group(group, pep735, poetry_groups, legacy_dev, uv_dev)

    def _group(
        self,
        group: str,
        pep735: Mapping[str, Any],
        poetry_groups: Mapping[str, Mapping[str, Any]],
        legacy_dev: Mapping[str, Any],
        uv_dev: Any,
    ) -> None:
        if group in common.canonical_set(pep735):
            self._pep735(pep735, group)
        for name, table in poetry_groups.items():
            if canonicalize_name(name) == group:
                self.poetry_table(table, f"tool.poetry.group.{name}.dependencies", None)
        if group == "dev" and legacy_dev:
            self.poetry_table(legacy_dev, "tool.poetry.dev-dependencies", None)
        if group == "dev" and uv_dev is not None:
            self.pep508_list(uv_dev, "[tool.uv].dev-dependencies", self.loc.table("tool.uv"))

    def _pep735(self, table: Mapping[str, Any], group: str) -> None:
        anchor = self.loc.table("dependency-groups")
        try:
            found = resolve_group(table, group)
        except GroupError as exc:
            self.out.problems.report(
                f"[dependency-groups]: {exc}",
                path=self.out.display,
                line=anchor,
                hint="See PEP 735 for the format.",
            )
            return
        raw_by_text: dict[str, str] = {}
        for items in table.values():
            for item in common.as_list(items):
                if isinstance(item, str):
                    try:
                        raw_by_text.setdefault(str(Requirement(item)), item)
                    except InvalidRequirement:
                        continue
        for requirement in found:
            raw = raw_by_text.get(str(requirement))
            self.requirement(requirement, self.loc.string(raw, anchor) if raw else None, "")


def _python(
    project: Mapping[str, Any], poetry_deps: Mapping[str, Any], display: str
) -> PythonHint | None:
    requires = project.get("requires-python")
    if isinstance(requires, str):
        hint = from_requires_python(requires, f'requires-python "{requires}" in {display}')
        if hint:
            return hint
    python = poetry_deps.get("python")
    if isinstance(python, str):
        return from_poetry_python(
            python, f'python "{python}" in [tool.poetry.dependencies] of {display}'
        )
    return None
