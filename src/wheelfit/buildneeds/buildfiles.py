"""Read an sdist's build files (bytes handed over by `wheelfit.index.sdist`) into one
`BuildFileFacts`: backend and build requirements, languages, the crate's rust-version,
system dependencies, LLVM, PEP 725 `[external]` entries, and whether anything compiles.

Pure: members' bytes in, a frozen value out. At most `MAX_BUILD_FILES` files of at most
`MAX_FILE_BYTES` each, `MAX_TOTAL_BYTES` in all, are read (what was left is named in
`notes`); each scanner is linear.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from wheelfit.buildneeds.buildfile_types import (
    BuildFileFacts,
    ExternalDep,
    Language,
    Origin,
    RustVersion,
    SystemDep,
)
from wheelfit.buildneeds.buildmembers import (
    MAX_BUILD_FILES,
    MAX_FILE_BYTES,
    MAX_TOTAL_BYTES,
    inner_path,
    is_build_file,
    source_language,
)
from wheelfit.buildneeds.buildscan import Scan, scan_autoconf, scan_cmake, scan_meson
from wheelfit.buildneeds.native import native_from_pyproject, native_from_setup
from wheelfit.buildneeds.pep725 import read_external
from wheelfit.buildneeds.platformguard import linux_view
from wheelfit.buildneeds.setupscan import scan_setup_cfg, scan_setup_py

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

MAX_NAMES = 200_000
_RUST_BACKENDS = ("maturin",)
_RUST_REQUIRES = frozenset({"maturin", "setuptools-rust"})
_HEADERS = (".h", ".hh", ".hpp", ".hxx")


@dataclass
class _Acc:
    """The facts gathered so far."""

    scan: Scan = field(default_factory=Scan)
    backend: str | None = None
    requires: tuple[str, ...] = ()
    external: tuple[ExternalDep, ...] = ()
    rust_version: RustVersion | None = None
    evidence: list[tuple[bool | None, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    read: list[str] = field(default_factory=list)
    pure_backend: bool = False
    custom_build_ext: bool = False
    off_linux: str = ""


def read_build_files(files: Mapping[str, bytes], names: Iterable[str] = ()) -> BuildFileFacts:
    """The facts in `files` (member name as stored in the sdist -> bytes; only those
    `is_build_file` selects are read) and in the sdist's member `names` (source files
    tell languages: `.f90` is Fortran)."""
    acc = _Acc()
    texts = _texts(files, acc)
    cargo = {p: t for p, t in texts.items() if p.rsplit("/", 1)[-1] == "Cargo.toml"}
    for path, text in texts.items():
        name = path.rsplit("/", 1)[-1]
        if path == "pyproject.toml":
            _pyproject(text, path, acc)
        elif name == "Cargo.toml":
            _cargo(text, path, cargo, acc)
        elif name == "CMakeLists.txt":
            _merge(acc.scan, scan_cmake(text, path))
        elif name in ("configure.ac", "configure.in"):
            _merge(acc.scan, scan_autoconf(text, path))
        elif name in ("setup.py", "build.py"):
            view = _linux_view(text, path, acc)
            _merge(acc.scan, scan_setup_py(view, path))
            if path == "setup.py":
                acc.evidence.append(native_from_setup(view))
                acc.custom_build_ext = "build_ext" in text
        elif path == "setup.cfg":
            _merge(acc.scan, scan_setup_cfg(text, path))
    _meson(texts, acc)
    return _facts(acc, _source_languages(_linux_sources(names, acc)))


def _linux_view(text: str, path: str, acc: _Acc) -> str:
    """The setup script without its off-Linux blocks; each one left out is evidence."""
    view = linux_view(text)
    for line, header in view.guards:
        acc.evidence.append((None, f"{path}:{line}: `{header}` builds only off Linux; "
                                   "not planned"))
    acc.off_linux += view.removed
    return view.text


def _linux_sources(names: Iterable[str], acc: _Acc) -> list[str]:
    """The member names less the sources only an off-Linux block of the setup script
    names; when only headers remain then, they go too (a header is compiled only through
    the sources that include it)."""
    names = list(names)
    if not acc.off_linux:
        return names
    kept = [n for n in names if not (p := inner_path(n)) or p not in acc.off_linux]
    compiled = [n for n in kept if source_language(n) is not None]
    if compiled and all(n.lower().endswith(_HEADERS) for n in compiled):
        return [n for n in kept if n not in compiled]
    return kept


def _texts(files: Mapping[str, bytes], acc: _Acc) -> dict[str, str]:
    wanted = sorted((m for m in files if is_build_file(m)),
                    key=lambda m: (m.count("/"), m))
    if len(wanted) > MAX_BUILD_FILES:
        acc.notes.append(f"{len(wanted)} build files; only the first {MAX_BUILD_FILES} "
                         "(shallowest) were read")
    out: dict[str, str] = {}
    total = 0
    for member in wanted[:MAX_BUILD_FILES]:
        data = files[member]
        total += min(len(data), MAX_FILE_BYTES)
        if total > MAX_TOTAL_BYTES:
            acc.notes.append(f"the build files exceed {MAX_TOTAL_BYTES} bytes together; "
                             f"{inner_path(member)} and deeper ones were not read")
            break
        if len(data) > MAX_FILE_BYTES:
            acc.notes.append(f"{inner_path(member)}: only the first {MAX_FILE_BYTES} bytes "
                             "were read")
        path = inner_path(member)
        out.setdefault(path, data[:MAX_FILE_BYTES].decode("utf-8", errors="replace"))
        acc.read.append(path)
    return out


def _pyproject(text: str, path: str, acc: _Acc) -> None:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        acc.notes.append(f"{path}: not valid TOML ({exc}); its build system is unknown")
        return
    evidence = native_from_pyproject(text)
    acc.evidence.append(evidence)
    acc.pure_backend = evidence.native is False
    system = doc.get("build-system")
    system = system if isinstance(system, dict) else {}
    backend = system.get("build-backend")
    acc.backend = backend if isinstance(backend, str) else None
    requires = system.get("requires")
    acc.requires = tuple(dict.fromkeys(_names(requires if isinstance(requires, list) else [])))
    rusty = acc.backend in _RUST_BACKENDS or bool(_RUST_REQUIRES & set(acc.requires))
    if rusty:
        needle = next((r for r in ("maturin", "setuptools-rust", "setuptools_rust")
                       if r in text), "build-backend")
        acc.scan.languages.append(Language("rust", Origin(path, _line_of(text, needle))))
    acc.external, notes = read_external(doc, text, path)
    acc.notes += notes


def _names(requires: list[Any]) -> Iterable[str]:
    for item in requires:
        try:
            yield canonicalize_name(Requirement(str(item)).name)
        except InvalidRequirement:
            continue


def _cargo(text: str, path: str, cargo: Mapping[str, str], acc: _Acc) -> None:
    acc.scan.languages.append(Language("rust", Origin(path, 1)))
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        acc.notes.append(f"{path}: not valid TOML ({exc})")
        return
    package = doc.get("package")
    value = package.get("rust-version") if isinstance(package, dict) else None
    if isinstance(value, dict) and value.get("workspace") is True:
        value, path, text = _workspace_rust_version(path, cargo)
    if isinstance(value, str) and _better(path, acc.rust_version):
        acc.rust_version = RustVersion(value, Origin(path, _line_of(text, "rust-version")))


def _workspace_rust_version(member: str, cargo: Mapping[str, str]) -> tuple[Any, str, str]:
    """`rust-version.workspace = true`: the value of the nearest [workspace.package]."""
    folder = member.rpartition("/")[0]
    while True:
        root = f"{folder}/Cargo.toml" if folder else "Cargo.toml"
        if root in cargo:
            try:
                doc = tomllib.loads(cargo[root])
            except tomllib.TOMLDecodeError:
                doc = {}
            workspace = doc.get("workspace", {})
            package = workspace.get("package", {}) if isinstance(workspace, dict) else {}
            if isinstance(package, dict) and "rust-version" in package:
                return package["rust-version"], root, cargo[root]
        if not folder:
            return None, member, ""
        folder = folder.rpartition("/")[0]


def _better(path: str, current: RustVersion | None) -> bool:
    """The shallowest Cargo.toml's rust-version wins (the crate pip builds)."""
    return current is None or path.count("/") < current.origin.file.count("/")


def _meson(texts: Mapping[str, str], acc: _Acc) -> None:
    """Every meson.build outside subprojects/, then those of the subprojects called."""
    called: set[str] = set()
    for path, text in texts.items():
        if path.endswith("meson.build") and not path.startswith("subprojects/"):
            scan = scan_meson(text, path)
            called.update(scan.subprojects)
            _merge(acc.scan, scan)
    for name in sorted(called):
        path = f"subprojects/{name}/meson.build"
        if path in texts:
            _merge(acc.scan, scan_meson(texts[path], path))


def _merge(into: Scan, scan: Scan) -> None:
    into.languages += scan.languages
    into.deps += scan.deps
    into.llvm += scan.llvm


def _source_languages(names: Iterable[str]) -> list[Language]:
    seen: dict[str, Language] = {}
    for count, member in enumerate(names):
        if count >= MAX_NAMES:
            break
        language = source_language(member)
        if language is not None and language not in seen:
            seen[language] = Language(language, Origin(inner_path(member)))
    return list(seen.values())


def _facts(acc: _Acc, from_sources: list[Language]) -> BuildFileFacts:
    languages = list(acc.scan.languages)
    native = _native(acc, bool(languages), from_sources)
    if native:
        named = {lang.name for lang in languages}
        languages += [lang for lang in from_sources if lang.name not in named]
    return BuildFileFacts(
        backend=acc.backend, requires=acc.requires,
        languages=tuple(_first_per_name(languages)), system_deps=_unique_deps(acc.scan.deps),
        llvm=tuple(acc.scan.llvm), rust_version=acc.rust_version, external=acc.external,
        native=native, evidence=tuple(e for _, e in acc.evidence), files_read=tuple(acc.read),
        notes=tuple(acc.notes))


def _native(acc: _Acc, build_languages: bool, from_sources: list[Language]) -> bool | None:
    """Build files that name a language, or native evidence, mean compiled code. A pure
    backend means none; a setup.py without extensions means none unless compiled sources
    sit beside it (a helper script may build them: cannot tell). Otherwise sources decide."""
    if build_languages or any(n is True for n, _ in acc.evidence) or acc.scan.llvm:
        return True
    if acc.pure_backend:
        return False
    if any(n is False for n, _ in acc.evidence):
        if from_sources and acc.custom_build_ext:
            acc.evidence.append((True, "setup.py: a custom build_ext beside compiled sources"))
            return True
        return None if from_sources else False
    return True if from_sources else None


def _unique_deps(deps: list[SystemDep]) -> tuple[SystemDep, ...]:
    """One fact per (kind, name): the first required one, else the first."""
    seen: dict[tuple[str, str], SystemDep] = {}
    for dep in deps:
        key = (dep.kind, dep.name)
        if key not in seen or (seen[key].optional and not dep.optional):
            seen[key] = dep
    return tuple(seen.values())


def _first_per_name(languages: list[Language]) -> list[Language]:
    seen: dict[str, Language] = {}
    for lang in languages:
        seen.setdefault(lang.name, lang)
    return list(seen.values())


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0
