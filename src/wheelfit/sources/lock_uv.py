"""uv.lock → `DependencySpec(locked=...)`.

Format (uv's lockfile, `version = 1`): `[[package]]` tables with `name`, `version`,
`source = { registry | git | url | path | directory | editable | virtual = ... }`,
`dependencies = [{ name, version?, source?, marker?, extra? }]`,
`[package.optional-dependencies]`, `[package.dev-dependencies]`, `sdist`, `wheels`.

Selection: the project itself (packages with an `editable`/`virtual` source, or the
`[manifest] members`) is the root. Its `dependencies` are followed, plus the
`optional-dependencies` of the selected extras and the `dev-dependencies` of the selected
groups (`dev=True` adds the `dev` group); edges that activate extras of a dependency pull
that dependency's optional dependencies in. Packages only reachable through unselected
extras/groups are left out (with a note). `resolution-markers` say which fork of the
resolution a package version belongs to, not when it is installed, so they are not used:
each package's marker is computed from the markers on the dependency edges that reach it
(see `lock_graph`). uv's conflict markers (`extra == 'extra-N-project-x'`) are decided from
the selection. A lock without a project root: every package, without markers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from packaging.utils import canonicalize_name

import wheelfit.sources.lock_common as common
from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec, LockedPackage, SkippedEntry
from wheelfit.redact import redact_url
from wheelfit.sources.lock_graph import Edge, propagate
from wheelfit.sources.marker_select import Selection
from wheelfit.sources.pythonhint import from_requires_python
from wheelfit.sources.reading import Problems, load_toml

FORMAT = "uv-lock"
_LOCAL_KINDS = ("editable", "virtual")


@dataclass(frozen=True)
class _Package:
    name: str
    canon: str
    version: str
    source: Mapping[str, Any]
    origin: str
    line: int | None
    raw: Mapping[str, Any]

    @property
    def local(self) -> bool:
        """True for the project or a workspace member (editable/virtual source)."""
        return any(kind in self.source for kind in _LOCAL_KINDS)


def parse_uv_lock(
    text: str,
    display: str,
    *,
    extras: Sequence[str] = (),
    all_extras: bool = False,
    groups: Sequence[str] = (),
    dev: bool = False,
    keep_going: bool = False,
) -> DependencySpec:
    """Read a uv.lock; see the module docstring for what is selected."""
    doc = load_toml(text, display)
    problems = Problems(keep_going)
    packages = _read_packages(doc, text, display, problems)
    roots = _roots(packages, common.as_table(doc.get("manifest")))
    known_extras = {
        e for r in roots for e in common.as_table(packages[r].raw.get("optional-dependencies"))
    }
    known_groups = {
        g for r in roots for g in common.as_table(packages[r].raw.get("dev-dependencies"))
    }
    common.check_known(extras, known_extras, "extra", display)
    common.check_known(groups, known_groups, "group", display)
    notes: list[str] = []
    sel_extras = common.canonical_set(known_extras if all_extras else extras)
    sel_groups = set(common.canonical_set(groups))
    if dev:
        if "dev" in common.canonical_set(known_groups):
            sel_groups.add("dev")
        else:
            notes.append(f"{display}: no dev group in the lock")
    selection = _selection(packages, roots, sel_extras, frozenset(sel_groups))
    graph = _Graph(packages, roots, sel_extras, frozenset(sel_groups), selection, problems, display)
    reached = propagate(roots, graph.edges) if roots else dict.fromkeys(range(len(packages)))
    if roots and len(reached) < len(packages):
        left = len(packages) - len(reached)
        notes.append(
            f"{display}: {left} package(s) are only needed by extras or groups that "
            "were not selected"
        )
    registries = [
        str(p.source["registry"])
        for i, p in enumerate(packages)
        if i in reached and "registry" in p.source
    ]
    primary = common.primary_registry(registries)
    locked: list[LockedPackage] = []
    skipped: list[SkippedEntry] = []
    for i in sorted(reached):
        package = packages[i]
        reason = _skip_reason(package, i in roots, primary)
        if reason:
            skipped.append(
                SkippedEntry(f"{package.name} {package.version}".strip(), package.origin, reason)
            )
        else:
            locked.append(
                LockedPackage(
                    package.name, package.version, package.origin, reached[i], _files(package.raw)
                )
            )
    requires = doc.get("requires-python")
    python = (
        from_requires_python(requires, f'requires-python "{requires}" in {display}')
        if isinstance(requires, str)
        else None
    )
    return common.lock_spec(display, FORMAT, locked, skipped, primary, python, problems, notes)


def _read_packages(doc: Mapping[str, Any], text: str, display: str,
                   problems: Problems) -> list[_Package]:
    """The lock's `[[package]]` tables (a bad one is a problem, reported or raised)."""
    version = doc.get("version")
    if version is not None and version != 1:
        raise InputFileError(
            f"uv.lock version {version!r} is not supported",
            path=display,
            hint="wheelfit reads uv.lock version 1; re-lock with uv.",
        )
    raw_packages = doc.get("package", [])
    if not isinstance(raw_packages, list):
        raise InputFileError(
            "`package` is not an array of tables",
            path=display,
            hint="Regenerate the lock with `uv lock`.",
        )
    lines = common.header_lines(text, "package")
    packages: list[_Package] = []
    for i, raw in enumerate(raw_packages):
        line = lines[i] if len(lines) == len(raw_packages) else None
        where = common.entry_origin(display, lines, len(raw_packages), i)
        try:
            packages.append(_read_package(raw, where, line))
        except ValueError as exc:
            problems.report(
                str(exc), path=display, line=line, hint="Regenerate the lock with `uv lock`."
            )
    return packages


def _read_package(raw: Any, where: str, line: int | None) -> _Package:
    if not isinstance(raw, Mapping):
        raise ValueError("a [[package]] entry is not a table")
    name, version, source = raw.get("name"), raw.get("version", ""), raw.get("source", {})
    if not isinstance(name, str) or not name:
        raise ValueError("a [[package]] entry has no name")
    common.check_name(name)
    if not isinstance(version, str) or not isinstance(source, Mapping):
        raise ValueError(f"package {name!r}: version or source has the wrong type")
    if not version and "registry" in source:
        raise ValueError(f"package {name!r} from a registry has no version")
    for key in ("dependencies",):
        if not isinstance(raw.get(key, []), list):
            raise ValueError(f"package {name!r}: {key} is not an array")
    for key in ("optional-dependencies", "dev-dependencies"):
        table = raw.get(key, {})
        if not isinstance(table, Mapping) or not all(isinstance(v, list) for v in table.values()):
            raise ValueError(f"package {name!r}: {key} is not a table of arrays")
    return _Package(name, canonicalize_name(name), version, source, where, line, raw)


def _roots(packages: list[_Package], manifest: Mapping[str, Any]) -> list[int]:
    members = common.canonical_set(
        m for m in common.as_list(manifest.get("members")) if isinstance(m, str)
    )
    local = [i for i, p in enumerate(packages) if p.local]
    if members:
        return [i for i in local if packages[i].canon in members]
    here = [i for i in local if any(packages[i].source.get(k) == "." for k in _LOCAL_KINDS)]
    return here or local


def _selection(
    packages: list[_Package],
    roots: list[int],
    extras: frozenset[str],
    groups: frozenset[str],
) -> Selection:
    names = [packages[r].canon for r in roots]
    return {
        "extra": frozenset(f"extra-{len(n)}-{n}-{e}" for n in names for e in extras),
        "group": frozenset(f"group-{len(n)}-{n}-{g}" for n in names for g in groups),
    }


class _Graph:
    def __init__(
        self,
        packages: list[_Package],
        roots: list[int],
        extras: frozenset[str],
        groups: frozenset[str],
        selection: Selection,
        problems: Problems,
        display: str,
    ) -> None:
        self.packages, self.roots = packages, set(roots)
        self.extras, self.groups, self.selection = extras, groups, selection
        self.problems, self.display = problems, display
        self.by_name: dict[str, list[int]] = {}
        for i, package in enumerate(packages):
            self.by_name.setdefault(package.canon, []).append(i)

    def edges(self, node: int, active: frozenset[str]) -> list[Edge]:
        """The dependency edges of a node, given the extras activated on it."""
        package = self.packages[node]
        raw = package.raw
        specs: list[Any] = list(raw.get("dependencies", []))
        optional = raw.get("optional-dependencies", {})
        wanted = active | self.extras if node in self.roots else active
        for extra, deps in sorted(optional.items()):
            if canonicalize_name(extra) in wanted:
                specs.extend(deps)
        if node in self.roots:
            for group, deps in sorted(raw.get("dev-dependencies", {}).items()):
                if canonicalize_name(group) in self.groups:
                    specs.extend(deps)
        found: list[Edge] = []
        for spec in specs:
            found.extend(self._edge(package, spec))
        return found

    def _edge(self, package: _Package, spec: Any) -> list[Edge]:
        try:
            if not isinstance(spec, Mapping) or not isinstance(spec.get("name"), str):
                raise ValueError(f"package {package.name!r}: a dependency has no name")
            marker: str | None = None
            if "marker" in spec:
                what = f"package {package.name!r}"
                decided = common.applied_marker(
                    common.parse_marker(spec["marker"], what), self.selection, what
                )
                if decided is False:
                    return []
                marker = None if decided is None or decided is True else str(decided)
            activated = tuple(
                canonicalize_name(e)
                for e in common.as_list(spec.get("extra"))
                if isinstance(e, str)
            )
            return [Edge(t, marker, activated) for t in self._targets(package, spec)]
        except ValueError as exc:
            self.problems.report(
                str(exc),
                path=self.display,
                line=package.line,
                hint="Regenerate the lock with `uv lock`.",
            )
            return []

    def _targets(self, package: _Package, spec: Mapping[str, Any]) -> list[int]:
        name = str(spec["name"])
        candidates = self.by_name.get(canonicalize_name(name), [])
        for key, value in (("version", spec.get("version")), ("source", spec.get("source"))):
            if value is not None and len(candidates) > 1:
                narrowed = [c for c in candidates if self.packages[c].raw.get(key) == value]
                candidates = narrowed or candidates
        if not candidates:
            raise ValueError(
                f"package {package.name!r} depends on {name!r}, which is not in the lock"
            )
        return candidates


def _skip_reason(package: _Package, is_root: bool, primary: str | None) -> str | None:
    source = package.source
    if is_root:
        return "the project itself"
    if "registry" in source:
        return common.registry_skip_reason(str(source["registry"]), primary)
    if "git" in source:
        return f"VCS checkout (git): {redact_url(str(source['git']))}"
    if "url" in source:
        return f"direct URL: {redact_url(str(source['url']))}"
    for kind in ("editable", "virtual", "directory", "path"):
        if kind in source:
            return f"local {kind} source: {source[kind]}"
    return "unknown source: not looked up on the index"


def _files(raw: Mapping[str, Any]) -> tuple[str, ...]:
    entries = [*common.as_list(raw.get("wheels")), raw.get("sdist")]
    names: list[str] = []
    for entry in entries:
        if isinstance(entry, Mapping):
            where = entry.get("filename") or entry.get("url") or entry.get("path")
            if isinstance(where, str) and where:
                names.append(common.url_filename(where))
    return tuple(names)
