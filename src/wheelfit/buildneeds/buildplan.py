"""A build plan per target from what an sdist's build files say (`BuildFileFacts`) and
the system-library table: the apk or apt packages to build with and to keep, the
toolchain, what pip's isolated build fetches from PyPI itself, and what stays unknown.

`basis` is `pep725` when the sdist's `[external]` table named what it needs,
`build-files` when the plan was read from its build files, `unknown` when the files do not
tell whether anything compiles. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from wheelfit.buildneeds.buildfile_types import (
    CANDIDATE,
    INTERFACE,
    PKG_CONFIG,
    BuildFileFacts,
    ExternalDep,
    Origin,
    SystemDep,
)
from wheelfit.buildneeds.mapping_types import unique
from wheelfit.buildneeds.systemlibs import (
    DEBIAN_NEWEST,
    DEBIAN_RELEASES,
    LibraryRow,
    PackageDeps,
    SystemLibraries,
    Toolchain,
    drop_pulled_leaves,
    toolchain,
)

ALPINE, DEBIAN = "alpine", "debian"
COMPILED = frozenset({"c", "c++", "cython", "fortran", "rust", "cuda"})
# What build backends add to pip's isolated build environment from PyPI on their own.
BACKEND_FETCHES = {
    "mesonpy": ("meson", "ninja"), "scikit_build_core.build": ("cmake", "ninja"),
    "maturin": ("maturin",), "setuptools.build_meta:__legacy__": ("setuptools",),
}
# Toolchain packages per language: (apk build, apk runtime, apt build, apt runtime).
TOOLS: dict[str, tuple[tuple[str, ...], ...]] = {
    "c": (("build-base",), (), ("build-essential",), ()),
    "c++": (("build-base",), ("libstdc++",), ("build-essential",), ("libstdc++6",)),
    "fortran": (("gfortran",), ("libgfortran",), ("gfortran",), ("libgfortran5",)),
    "rust": (("build-base", "cargo"), ("libgcc",), ("build-essential", "cargo", "rustc"),
             ("libgcc-s1",)),
}
_PKG_CONFIG = {ALPINE: "pkgconf", DEBIAN: "pkg-config"}
_NOT_LINUX = ("msvc", "windows", "darwin", "win32", "cygwin")
_VIRTUAL = {"dep:virtual/compiler/c": "c", "dep:virtual/compiler/cxx": "c++",
            "dep:virtual/compiler/fortran": "fortran", "dep:virtual/compiler/rust": "rust",
            "dep:virtual/compiler/cuda": "cuda"}


@dataclass(frozen=True)
class Target:
    """A distribution release: `alpine` (release as in data/toolchains.tsv) or `debian`
    (`trixie`, `bookworm`, `bullseye`; None = the python:slim default)."""

    distro: str
    release: str | None = None


@dataclass(frozen=True)
class Unknown:
    """Something the plan cannot name packages for, and why."""

    what: str
    why: str
    origin: Origin | None = None


@dataclass(frozen=True)
class BuildPlan:
    """What building the sdist on one target needs."""

    target: Target
    basis: str
    pure: bool
    toolchain: tuple[str, ...] = ()
    build: tuple[str, ...] = ()
    runtime: tuple[str, ...] = ()
    pip_fetches: tuple[str, ...] = ()
    unknown: tuple[Unknown, ...] = ()
    evidence: tuple[str, ...] = ()
    rust_version: str | None = None
    rust_available: str | None = None
    llvm_major: int | None = None

    @property
    def complete(self) -> bool:
        """True when nothing is unknown."""
        return not self.unknown and self.basis != "unknown"


class _Builder:
    def __init__(self, target: Target, table: SystemLibraries) -> None:
        self.target = target
        self.table = table
        self.toolchain: list[str] = []
        self.build: list[str] = []
        self.runtime: list[str] = []
        self.fetches: list[str] = []
        self.unknown: list[Unknown] = []
        self.evidence: list[str] = []

    def language(self, name: str, origin: Origin | None) -> None:
        tools = TOOLS.get("c" if name == "cython" else name)
        if tools is None:
            self.unknown.append(Unknown(f"compiles {name}", "no distribution toolchain is "
                                        "mapped for it", origin))
            return
        apk_build, apk_run, apt_build, apt_run = tools
        alpine = self.target.distro == ALPINE
        self.toolchain += apk_build if alpine else apt_build
        self.runtime += apk_run if alpine else apt_run
        self.evidence.append(f"{name} ({origin or 'build files'})")

    def row(self, row: LibraryRow, label: str, origin: Origin | None,
            runtime_only: bool = False) -> None:
        where = f" ({origin})" if origin else ""
        if row.pypi is not None:
            self.fetches.append(row.pypi)
            self.evidence.append(f"{label}{where} -> PyPI {row.pypi}")
            return
        if self.target.distro == ALPINE:
            build, runtime, ok = row.apk_build, row.apk_runtime, row.apk_available
        else:
            side = row.apt_for(self.target.release)
            build, runtime, ok = side.build, side.runtime, side.available
        if not ok:
            release = self.target.release or "newest"
            why = f"no {self.target.distro} ({release}) package provides it"
            if self.target.distro == DEBIAN and release not in (*DEBIAN_RELEASES, "newest"):
                why = (f"wheelfit records no Debian {release} package names (it knows "
                       f"{', '.join(DEBIAN_RELEASES)})")
            self.unknown.append(Unknown(label, why, origin))
            return
        if not runtime_only:
            self.build += build
        self.runtime += runtime
        self.evidence.append(f"{label}{where} -> {' '.join(build + runtime)}")


def plan_build(facts: BuildFileFacts, table: SystemLibraries,
               toolchains: tuple[Toolchain, ...], target: Target,
               package_deps: PackageDeps | None = None) -> BuildPlan:
    """The plan for one target (see the module docstring). With `package_deps`, packages
    another listed package installs anyway are left out (`drop_pulled_leaves`)."""
    b = _Builder(target, table)
    b.fetches += list(facts.requires) + list(BACKEND_FETCHES.get(facts.backend or "", ()))
    if facts.native is False:
        return BuildPlan(target, "build-files", True, pip_fetches=unique(b.fetches),
                         evidence=facts.evidence)
    if facts.native is None:
        b.unknown.append(Unknown("whether it compiles", "its build files do not say"))
        return BuildPlan(target, "unknown", False, pip_fetches=unique(b.fetches),
                         unknown=tuple(b.unknown), evidence=facts.evidence)
    used_external = _external(facts.external, b)
    languages = [lang for lang in facts.languages if lang.name in COMPILED]
    for lang in languages:
        b.language(lang.name, lang.origin)
    if not languages and not used_external:
        b.language("c", None)
        b.unknown.append(Unknown("the compiled language", "build files name none; a C "
                                 "toolchain is assumed"))
    if not used_external:
        _system_deps(facts.system_deps, b)
    rust = _rust(facts, toolchains, b)
    llvm = _llvm(facts, toolchains, b)
    if not facts.system_deps and not used_external and not facts.llvm:
        b.evidence.append("no system libraries named in the build files")
    build, runtime = _without_toolchain(b), unique(b.runtime)
    if package_deps is not None:
        pulls = _pulls(package_deps, target)
        keep = frozenset(_PKG_CONFIG.values())
        build = drop_pulled_leaves(build, pulls, keep)
        runtime = drop_pulled_leaves(runtime, pulls, keep)
    return BuildPlan(
        target, "pep725" if used_external else "build-files", False,
        toolchain=unique(b.toolchain), build=build, runtime=runtime,
        pip_fetches=unique(b.fetches), unknown=tuple(b.unknown), evidence=tuple(b.evidence),
        rust_version=facts.rust_version.version if facts.rust_version else None,
        rust_available=rust, llvm_major=llvm)


def _pulls(deps: PackageDeps, target: Target) -> dict[str, frozenset[str]]:
    release = target.release or DEBIAN_NEWEST
    return {package: pulled for (distro, rel, package), pulled in deps.items()
            if distro == target.distro and rel == release}


def _without_toolchain(b: _Builder) -> tuple[str, ...]:
    tools = set(b.toolchain)
    return tuple(p for p in unique(b.build) if p not in tools)


def _system_deps(deps: tuple[SystemDep, ...], b: _Builder) -> None:
    candidates = [d for d in deps if d.condition == CANDIDATE]
    chosen = next((d for d in candidates if b.table.lookup(d.kind, d.name)), None)
    needs = [d for d in deps if d.condition != CANDIDATE and not d.optional
             and not _only_elsewhere(d.condition)]
    if chosen is not None:
        needs.append(chosen)
    elif candidates:
        b.unknown.append(Unknown("the library setup.py asks pkg-config for",
                                 "none of " + ", ".join(d.name for d in candidates[:6])
                                 + " is in the table", candidates[0].origin))
    if any(d.kind == PKG_CONFIG for d in needs):
        b.build.append(_PKG_CONFIG[b.target.distro])
    for dep in needs:
        kind, key = ("pep725", f"dep:virtual/interface/{dep.name}") \
            if dep.kind == INTERFACE else (dep.kind, dep.name)
        row = b.table.lookup(kind, key)
        label = f"{dep.kind} {dep.name}"
        if row is None:
            b.unknown.append(Unknown(label, "not in wheelfit's system-library table",
                                     dep.origin))
        else:
            b.row(row, label, dep.origin)


def _only_elsewhere(condition: str | None) -> bool:
    """A condition that holds only off Linux (`cc.get_id() == 'msvc'`)."""
    text = "".join((condition or "").lower().split()).replace("'", "").replace('"', "")
    return any(f"=={name}" in text and f"!={name}" not in text for name in _NOT_LINUX)


def _external(external: tuple[ExternalDep, ...], b: _Builder) -> bool:
    """PEP 725 entries (required ones only); True when there were any."""
    required = [e for e in external if not e.optional]
    for dep in required:
        if dep.id in _VIRTUAL:
            b.language(_VIRTUAL[dep.id], dep.origin)
            continue
        row = b.table.lookup("pep725", dep.id)
        if row is None:
            b.unknown.append(Unknown(dep.id, "no mapping for this DepURL", dep.origin))
            continue
        b.row(row, dep.id, dep.origin, runtime_only=dep.section == "dependencies")
    return bool(required)


def _rust(facts: BuildFileFacts, toolchains: tuple[Toolchain, ...], b: _Builder
          ) -> str | None:
    if "rust" not in facts.language_names():
        return None
    tool = toolchain(toolchains, b.target.distro, b.target.release, "rust")
    if tool is None:
        return None
    have = tool.versions[0]
    need = facts.rust_version
    if need is not None and _older(have, need.version):
        b.unknown.append(Unknown(
            f"Rust >= {need.version}", f"{b.target.distro} {tool.release} ships rustc {have}; "
            "install a newer Rust (rustup) for this build", need.origin))
    return have


def _llvm(facts: BuildFileFacts, toolchains: tuple[Toolchain, ...], b: _Builder
          ) -> int | None:
    if not facts.llvm:
        return None
    known = [n for n in facts.llvm if n.major is not None]
    if not known:
        b.unknown.append(Unknown("the LLVM version", "the build needs LLVM but its files do "
                                 "not say which major", facts.llvm[0].origin))
        return None
    need, major = known[0], known[0].major or 0
    tool = toolchain(toolchains, b.target.distro, b.target.release, "llvm")
    majors = tool.versions if tool else ()
    if str(major) not in majors or tool is None:
        b.unknown.append(Unknown(f"LLVM {major}", _llvm_gap(major, tool, b), need.origin))
        return major
    b.build += [p.replace("{N}", str(need.major)) for p in tool.packages]
    b.evidence.append(f"LLVM {need.major} ({need.origin})")
    return need.major


def _llvm_gap(major: int, tool: Toolchain | None, b: _Builder) -> str:
    """Why no llvm package of `major` is named. When the build needs a newer LLVM than any in
    the data (recorded on a date, while the distribution moves on), the newest known -dev
    package goes into the plan, and the text says that the version needed is newer."""
    where = f"{b.target.distro} {tool.release if tool else ''}".strip()
    known = sorted(int(m) for m in (tool.versions if tool else ()) if m.isdigit())
    if tool is None or not known or major < known[-1]:
        listed = ", ".join(map(str, known)) or "no version"
        return f"{where} has llvm -dev packages for {listed} only"
    newest = [p.replace("{N}", str(known[-1])) for p in tool.packages]
    b.build += newest
    return (f"newer than the newest llvm -dev package in wheelfit's {where} "
            f"data ({' '.join(newest)}, named in the plan): install "
            f"{' '.join(p.replace('{N}', str(major)) for p in tool.packages)} instead where "
            "the release has it")


def _older(have: str, need: str) -> bool:
    try:
        return Version(have) < Version(need)
    except InvalidVersion:
        return False
