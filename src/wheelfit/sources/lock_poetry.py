"""poetry.lock → `DependencySpec(locked=...)`.

Format: `[[package]]` tables with `name`, `version`, `optional`, `files` (lock 2.x; 1.x keeps
them in `[metadata.files]`), `[package.dependencies]` (Poetry constraints), `[package.extras]`
and `[package.source]` (`type` = git, directory, file, url, or legacy for a custom index).
`[extras]` maps each extra to its optional packages; `[metadata] python-versions` is the
project's Python constraint.

Poetry ≥ 2 writes `groups = ["main", "dev"]` and `markers` (a string, or a table of a
marker per group) on each package. Selection then: packages in the `main` group, plus the
groups asked for (`dev=True` adds `dev`); optional packages only when one of their extras
is selected. The package marker is the locked one (for a per-group table, the OR of the
selected groups' markers).

Poetry 1.x writes neither (before 1.5, `category = "main"|"dev"`): the dependency edges
are walked (`lock_graph`), so a package's marker is the OR over the chains reaching it of the
AND of the edge markers (only a Windows-only edge reaches colorama → Windows-only). The
roots are the selected groups' dependencies in the `pyproject.toml` next to the lock
(`[tool.poetry.dependencies]` = main, `[tool.poetry.group.<g>.dependencies]`, legacy
`[tool.poetry.dev-dependencies]` = dev); packages only other groups need are left out with
a note. Without it, the roots are the packages nothing depends on (in the selected
categories; with no `category`, every package is main, with a note).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.utils import canonicalize_name

import wheelfit.sources.lock_common as common
from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec, LockedPackage, SkippedEntry
from wheelfit.redact import redact_url
from wheelfit.sources.lock_graph import Dependency, DependencyGraph, entry_points
from wheelfit.sources.marker_select import Selection, combine_or
from wheelfit.sources.pyproject import parse_pyproject
from wheelfit.sources.pyproject_poetry import poetry_dependency
from wheelfit.sources.pythonhint import from_poetry_python
from wheelfit.sources.reading import Problems, load_toml, read_text

FORMAT = "poetry-lock"
_HINT = "Regenerate the lock with `poetry lock`."
_DIRECT_KEYS = ("git", "path", "url", "file")
_Picked = tuple[common.LockEntry, Marker | None]


@dataclass(frozen=True)
class _Request:
    """What the caller selected, and where the lock is."""

    display: str
    base_dir: Path | None
    groups: Sequence[str]
    dev: bool
    extras: Sequence[str]
    all_extras: bool
    optional_names: frozenset[str]
    keep_going: bool


def parse_poetry_lock(
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
    """Read a poetry.lock; see the module docstring for what is selected.

    `base_dir` is the lock's folder: a Poetry 1.x lock reads its groups from the
    `pyproject.toml` there (without one, every package counts as main, with a note).
    """
    doc = load_toml(text, display)
    raw_packages = doc.get("package", [])
    if not isinstance(raw_packages, list):
        raise InputFileError("`package` is not an array of tables", path=display, hint=_HINT)
    metadata = common.as_table(doc.get("metadata"))
    extras_table = common.as_table(doc.get("extras"))
    problems = Problems(keep_going)
    lines = common.header_lines(text, "package")
    common.check_known(extras, extras_table, "extra", display)
    chosen_extras = list(extras_table) if all_extras else list(extras)
    optional_names = frozenset(
        _package_name(n)
        for e, names in extras_table.items()
        if canonicalize_name(e) in common.canonical_set(chosen_extras)
        for n in common.as_list(names)
        if isinstance(n, str)
    )
    request = _Request(
        display, base_dir, groups, dev, chosen_extras, all_extras, optional_names, keep_going
    )
    entries = common.lock_entries(raw_packages, lines, display, problems, _HINT)
    if not entries or any("groups" in e.raw for e in entries):
        picked, notes = _by_groups(entries, request, problems)
    else:
        picked, notes = _by_edges(entries, request, problems)
    registries = [
        str(_source(e.raw).get("url", ""))
        if _source(e.raw).get("type") == "legacy"
        else "https://pypi.org/simple"
        for e, _ in picked
        if _source(e.raw).get("type") in (None, "", "pypi", "legacy")
    ]
    primary = common.primary_registry(registries)
    locked: list[LockedPackage] = []
    skipped: list[SkippedEntry] = []
    legacy_files = common.as_table(metadata.get("files"))
    for e, marker in picked:
        reason = _skip_reason(_source(e.raw), primary)
        if reason:
            skipped.append(SkippedEntry(f"{e.name} {e.version}", e.origin, reason))
        else:
            files = e.raw.get("files", legacy_files.get(e.name, []))
            source = _source(e.raw)
            other = (common.other_index(str(source.get("url", "")), primary)
                     if source.get("type") == "legacy" else None)
            name = source.get("reference") if other else None
            locked.append(LockedPackage(e.name, e.version, e.origin, marker, _files(files),
                                        index_url=other,
                                        index_name=name if isinstance(name, str) else None))
    constraint = metadata.get("python-versions")
    python = (
        from_poetry_python(constraint, f'python-versions "{constraint}" in {display}')
        if isinstance(constraint, str)
        else None
    )
    return common.lock_spec(display, FORMAT, locked, skipped, primary, python, problems, notes)


def _by_groups(
    entries: list[common.LockEntry], request: _Request, problems: Problems
) -> tuple[list[_Picked], list[str]]:
    """Poetry ≥ 2: select by each package's `groups`, marker from its `markers`."""
    display = request.display
    known_groups = {"main", *(g for e in entries for g in _groups(e.raw))}
    common.check_known(request.groups, known_groups, "group", display)
    selected = set(common.canonical_set(["main", *request.groups]))
    notes: list[str] = []
    if request.dev and "dev" in common.canonical_set(known_groups):
        selected.add("dev")
    elif request.dev:
        notes.append(f"{display}: no dev group in the lock")
    selection = {"extra": common.canonical_set(request.extras)}
    picked: list[_Picked] = []
    for entry in entries:
        try:
            marker = _select(entry, selected, request.optional_names, selection)
        except ValueError as exc:
            problems.report(str(exc), path=display, line=entry.line, hint=_HINT)
            continue
        if marker is not False:
            picked.append((entry, None if marker is True else marker))
    return picked, notes


@dataclass
class _Roots:
    """The project's dependencies: those selected, and all of them (None = unknown)."""

    selected: list[Dependency]
    everything: list[Dependency] | None = None
    notes: list[str] = field(default_factory=list)
    problems: tuple[str, ...] = ()


def _by_edges(
    entries: list[common.LockEntry], request: _Request, problems: Problems
) -> tuple[list[_Picked], list[str]]:
    """Poetry 1.x: walk the dependency edges from the project's (or the lock's) roots."""
    graph = DependencyGraph([e.name for e in entries], [e.version for e in entries])
    for i, entry in enumerate(entries):
        graph.deps[i] = _dependencies(graph, entry, request.display, problems)
        graph.extras_of[i] = {
            canonicalize_name(extra): {_package_name(n) for n in names if isinstance(n, str)}
            for extra, names in common.as_table(entry.raw.get("extras")).items()
            if isinstance(names, list)
        }
    pyproject = request.base_dir / "pyproject.toml" if request.base_dir else None
    roots = _project_roots(graph, pyproject, request) if pyproject and pyproject.is_file() else None
    if roots is None:
        roots = _lock_roots(graph, entries, request)
    problems.items.extend(roots.problems)
    graph.set_root(roots.selected, request.extras)
    reached = graph.walk()
    needed = set(range(len(entries)))
    if roots.everything is not None:
        graph.set_root(roots.everything, [])
        needed = set(graph.walk())
    left, stale = len(needed - set(reached)), len(entries) - len(needed | set(reached))
    if left:
        roots.notes.append(
            f"{request.display}: {left} package(s) are only needed by groups or extras "
            "that were not selected"
        )
    if stale:
        roots.notes.append(
            f"{request.display}: {stale} package(s) are needed by no dependency in the "
            "pyproject.toml next to it; left out (is the lock up to date?)"
        )
    return [(entries[i], reached[i]) for i in sorted(reached)], roots.notes


def _dependencies(
    graph: DependencyGraph, entry: common.LockEntry, display: str, problems: Problems
) -> list[Dependency]:
    """A package's `[package.dependencies]` as graph dependencies."""
    table = entry.raw.get("dependencies", {})
    found: list[Dependency] = []
    for name, value in common.as_table(table).items():
        try:
            found.extend(
                graph.dependency(d.requirement, d.optional)
                for d in poetry_dependency(name, _without_source(value))
                if d.requirement is not None
            )
        except ValueError as exc:
            problems.report(
                f"package {entry.name!r}: {exc}", path=display, line=entry.line, hint=_HINT
            )
    return found


def _project_roots(graph: DependencyGraph, path: Path, request: _Request) -> _Roots | None:
    """The selected dependencies in the project's pyproject.toml (None: not a project)."""
    display = str(Path(request.display).parent / "pyproject.toml")
    text = read_text(path, display)
    doc = load_toml(text, display)
    poetry = common.as_table(common.as_table(doc.get("tool")).get("poetry"))
    if not poetry and "project" not in doc:
        return None
    defined = [str(g) for g in common.as_table(poetry.get("group"))]
    defined += ["dev"] if "dev-dependencies" in poetry else []
    common.check_known(request.groups, ["main", *defined], "group", request.display)
    wanted = [g for g in request.groups if canonicalize_name(g) != "main"]
    notes: list[str] = []
    if request.dev and "dev" in common.canonical_set(defined):
        wanted.append("dev")
    elif request.dev:
        notes.append(f"{request.display}: no dev group in {display}")
    extras = [
        *common.as_table(poetry.get("extras")),
        *common.as_table(common.as_table(doc.get("project")).get("optional-dependencies")),
    ]
    asked = [e for e in request.extras if canonicalize_name(e) in common.canonical_set(extras)]

    def read(groups: Sequence[str], every_extra: bool) -> tuple[list[Dependency], tuple[str, ...]]:
        """The project's dependencies for these groups and extras."""
        spec = parse_pyproject(
            text,
            display,
            base_dir=request.base_dir,
            extras=[] if every_extra else asked,
            all_extras=every_extra,
            groups=sorted(common.canonical_set(groups)),
            keep_going=request.keep_going,
        )
        deps = [graph.dependency(r.requirement) for r in spec.requirements]
        for skipped in spec.skipped:
            name = _package_name(skipped.text.replace("@", " "))
            deps.append(Dependency(name, tuple(graph.by_name.get(name, ()))))
        return deps, spec.problems

    selected, problems = read(wanted, request.all_extras)
    everything, _ = read(defined, True)
    missing = sorted({d.name for d in selected if not d.targets and d.marker is None})
    if missing:
        notes.append(
            f"{request.display}: not in the lock, so not checked: {', '.join(missing)} "
            f"(is the lock up to date with {display}?)"
        )
    return _Roots(selected, everything, notes, problems)


def _lock_roots(
    graph: DependencyGraph, entries: list[common.LockEntry], request: _Request
) -> _Roots:
    """Without the project's pyproject: the packages of the selected categories that no
    other one depends on (Poetry < 1.5 wrote `category`; later 1.x locks nothing)."""
    display = request.display
    categories = [_groups(e.raw)[0] for e in entries]
    notes: list[str] = []
    if any("category" in e.raw for e in entries):
        known = {"main", *categories}
        common.check_known(request.groups, known, "group", display)
        selected = set(common.canonical_set(["main", *request.groups]))
        if request.dev and "dev" in common.canonical_set(known):
            selected.add("dev")
        elif request.dev:
            notes.append(f"{display}: no dev group in the lock")
    else:
        unknown = [g for g in request.groups if canonicalize_name(g) != "main"]
        if unknown:
            raise InputFileError(
                f"unknown group {unknown[0]!r}",
                path=display,
                hint="This Poetry 1.x lock does not record groups and has no pyproject.toml "
                "next to it; put the project's pyproject.toml beside it.",
            )
        selected = {"main"}
        notes.append(
            f"{display}: Poetry 1.x lock without its pyproject.toml: group membership could "
            "not be determined, so every package is treated as main (markers come from the "
            "lock's dependency edges only)"
        )
    optional = request.optional_names
    nodes = [
        i
        for i, e in enumerate(entries)
        if canonicalize_name(categories[i]) in selected
        and (e.raw.get("optional") is not True or canonicalize_name(e.name) in optional)
    ]
    roots = entry_points(nodes, lambda n: [e.target for e in graph.edges(n, frozenset())])
    return _Roots([Dependency(entries[r].name, (r,)) for r in roots], None, notes)


def _without_source(value: Any) -> Any:
    """A dependency entry without its git/path/url/file key (the package is in the lock)."""
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if k not in _DIRECT_KEYS}
    if isinstance(value, list):
        return [_without_source(v) for v in value]
    return value


def _select(
    entry: common.LockEntry,
    selected: set[str],
    optional_names: frozenset[str],
    selection: Selection,
) -> Marker | bool | None:
    """False when not selected, else the package's marker (None = always)."""
    raw, name = entry.raw, entry.name
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
    what = f"package {name!r}"
    return common.applied_marker(common.parse_marker(text, what), selection, what)


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
        return None  # PyPI, the primary index, or another index the package is judged on
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
