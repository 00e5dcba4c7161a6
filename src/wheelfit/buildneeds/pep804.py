"""wheelfit's knowledge as PEP 804 mapping documents, one per ecosystem (Alpine, Debian).

Pure: the shipped tables in, a JSON-ready dict out. Entries come from
`data/system-libraries.tsv` (its `pep725` rows: DepURL → -dev and run-time packages), the
shared toolchain entries of `data/apk-mapping.yaml` (`dep:virtual/compiler/*`) and
`data/toolchains.tsv` (LLVM). The document follows `schemas/external-mapping.schema.json`
of jaimergp/external-metadata-mappings (recorded in tests/data/pep804/). What pip fetches
from PyPI itself (cmake, ninja, meson, Cython) is left out: wheelfit never asks a distro
for it, so it knows no package name for it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from wheelfit.buildneeds.mapping_types import ApkMapping, BuildSpec, unique
from wheelfit.buildneeds.systemlibs import LibraryRow, SystemLibraries, Toolchain, toolchain
from wheelfit.errors import UsageError

ECOSYSTEMS = ("alpine", "debian")
SCHEMA_URL = ("https://raw.githubusercontent.com/jaimergp/external-metadata-mappings/main/"
              "schemas/external-mapping.schema.json")
DEBIAN_RELEASES = ("bullseye", "bookworm", "trixie")
# DepURLs naming a tool that runs on the build machine (PEP 804 `build`), not a library.
_TOOLS = frozenset({"dep:generic/pkg-config", "dep:generic/pkgconf", "dep:generic/make"})
# Compilers wheelfit installs, and the shared entries of apk-mapping.yaml behind each.
_COMPILERS = {
    "dep:virtual/compiler/c": ("c-toolchain",),
    "dep:virtual/compiler/cxx": ("c-toolchain", "cxx-runtime"),
    "dep:virtual/compiler/fortran": ("c-toolchain", "fortran"),
    "dep:virtual/compiler/rust": ("rust",),
    "dep:virtual/compiler/go": ("go",),
}
# Registry ids for the same project as an entry above (PEP 804 `specs_from`).
_ALIASES = {
    "dep:github/OpenMathLib/OpenBLAS": "dep:generic/openblas",
    "dep:github/llvm/llvm-project": "dep:generic/llvm",
}
_APK_MANAGER = {
    "name": "apk",
    "commands": {
        "install": {"command": ["apk", "add", "--no-cache", "{}"],
                    "requires_elevation": True},
        "query": {"command": ["apk", "info", "-e", "{}"]},
    },
    "specifier_syntax": {"name_only": ["{name}"], "exact_version": ["{name}={version}"],
                         "version_ranges": None},
}
_APT_MANAGER = {
    "name": "apt-get",
    "commands": {
        "install": {"command": ["apt-get", "install", "-y", "--no-install-recommends", "{}"],
                    "requires_elevation": True},
        "query": {"command": ["dpkg-query", "-W", "{}"]},
    },
    "specifier_syntax": {"name_only": ["{name}"], "exact_version": ["{name}={version}"],
                         "version_ranges": None},
}


def check_ecosystem(value: str | None) -> tuple[str, ...]:
    """The ecosystems to export: `alpine`, `debian`, or both when None / `both`."""
    if value is None or value.lower() == "both":
        return ECOSYSTEMS
    if value.lower() in ECOSYSTEMS:
        return (value.lower(),)
    raise UsageError(f"unknown ecosystem {value!r} for the PEP 804 export",
                     hint="Use --ecosystem alpine, --ecosystem debian, or leave it out "
                          "for both.")


def export_document(ecosystem: str, libraries: SystemLibraries, mapping: ApkMapping,
                    toolchains: tuple[Toolchain, ...], *,
                    debian_release: str = "trixie") -> dict[str, Any]:
    """One PEP 804 mapping document for `ecosystem` (see the module docstring)."""
    alpine = ecosystem == "alpine"
    if debian_release not in DEBIAN_RELEASES:
        raise UsageError(f"unknown Debian release {debian_release!r}",
                         hint=f"Use one of: {', '.join(DEBIAN_RELEASES)}.")
    names = _build_file_names(libraries)
    entries = [_library_entry(row, alpine, debian_release, names)
               for row in libraries.rows.values()
               if row.kind == "pep725" and row.pypi is None]
    entries += [_compiler_entry(depurl, names, mapping, alpine, debian_release)
                for depurl, names in _COMPILERS.items() if all(n in mapping.shared
                                                               for n in names)]
    llvm = _llvm_entry(toolchains, alpine, debian_release)
    if llvm is not None:
        entries.append(llvm)
    known = {e["id"] for e in entries}
    entries += [{"id": alias, "specs_from": target} for alias, target in _ALIASES.items()
                if target in known and alias not in known]
    entries.sort(key=lambda e: str(e["id"]))
    return {
        "$schema": SCHEMA_URL,
        "schema_version": 1,
        "name": ("Alpine Linux (python:alpine images)" if alpine
                 else f"Debian {debian_release} (python:slim images)"),
        "description": _description(alpine, debian_release),
        "mappings": entries,
        "package_managers": [_APK_MANAGER if alpine else _APT_MANAGER],
    }


def _description(alpine: bool, release: str) -> str:
    where = ("Alpine's recipes (aports)" if alpine
             else f"Debian {release}'s Contents and Packages indexes")
    return (f"Written by `wheelfit mapping export --format pep804` from wheelfit's shipped "
            f"tables; package names read from {where}. `host` lists the -dev packages a "
            f"build links against (with their run-time libraries), `run` what the final "
            f"image keeps. Each entry's extra_metadata.source says where it was read.")


def _build_file_names(libraries: SystemLibraries
                      ) -> dict[tuple[str, ...], dict[str, list[str]]]:
    """The names build files use (pkg-config modules, -l libraries, CMake packages, config
    scripts) by the packages behind them, so a DepURL entry can list its own."""
    out: dict[tuple[str, ...], dict[str, list[str]]] = {}
    for row in libraries.rows.values():
        if row.kind != "pep725":
            out.setdefault(_packages_key(row), {}).setdefault(row.kind, []).append(row.key)
    return out


def _packages_key(row: LibraryRow) -> tuple[str, ...]:
    return (*row.apk_build, "|", *row.apt.build)


def _library_entry(row: LibraryRow, alpine: bool, release: str,
                   names: dict[tuple[str, ...], dict[str, list[str]]]) -> dict[str, Any]:
    if alpine:
        build, runtime, available = row.apk_build, row.apk_runtime, row.apk_available
    else:
        side = row.apt_for(release)
        build, runtime, available = side.build, side.runtime, side.available
    entry: dict[str, Any] = {"id": row.key}
    if not available:
        entry["specs"] = []  # the registry's spelling of "this ecosystem has no package"
    elif row.key in _TOOLS:
        entry["specs"] = {"build": list(build), "host": [], "run": list(runtime)}
    else:
        entry["specs"] = {"build": [], "host": list(unique((*build, *runtime))),
                          "run": list(runtime)}
    urls = _urls(unique((*build, *runtime)) if available else (), alpine, release)
    if urls:
        entry["urls"] = urls
    entry["extra_metadata"] = {"source": row.source,
                               **{k: sorted(v) for k, v in
                                  sorted(names.get(_packages_key(row), {}).items())}}
    return entry


def _compiler_entry(depurl: str, names: tuple[str, ...], mapping: ApkMapping, alpine: bool,
                    release: str) -> dict[str, Any]:
    specs = [mapping.shared[n].spec for n in names]
    build = unique(p for s in specs for p in _side(s, alpine, release, runtime=False))
    run = unique(p for s in specs for p in _side(s, alpine, release, runtime=True))
    notes = [s.note for s in specs if s.note]
    entry: dict[str, Any] = {
        "id": depurl,
        "specs": {"build": list(build), "host": [], "run": list(run)},
        "urls": _urls(unique((*build, *run)), alpine, release),
        "extra_metadata": {"source": "data/apk-mapping.yaml shared: " + ", ".join(names)},
    }
    if notes:
        entry["description"] = " ".join(notes)
    return entry


def _side(spec: BuildSpec, alpine: bool, release: str, *, runtime: bool) -> tuple[str, ...]:
    if alpine:
        return spec.apk_runtime if runtime else spec.apk
    return (spec.apt_runtime if runtime else spec.apt).for_release(release)


def _llvm_entry(toolchains: tuple[Toolchain, ...], alpine: bool,
                release: str) -> dict[str, Any] | None:
    row = toolchain(toolchains, "alpine" if alpine else "debian",
                    None if alpine else release, "llvm")
    if row is None or not row.versions:
        return None
    newest = max(row.versions, key=int)
    packages = [p.replace("{N}", newest) for p in row.packages]
    return {
        "id": "dep:generic/llvm",
        "description": (f"The newest LLVM major packaged ({newest}); majors available: "
                        f"{', '.join(row.versions)} (replace {newest} in the names)."),
        "specs": {"build": [], "host": packages, "run": []},
        "urls": _urls(tuple(packages), alpine, release),
        "extra_metadata": {"source": row.source, "majors": list(row.versions)},
    }


def _urls(packages: tuple[str, ...], alpine: bool, release: str) -> dict[str, str]:
    if alpine:
        return {f"pkgs.alpinelinux.org ({p})":
                f"https://pkgs.alpinelinux.org/packages?name={quote(p, safe='')}&branch=edge"
                for p in packages}
    return {f"packages.debian.org ({p})": f"https://packages.debian.org/{release}/{p}"
            for p in packages}
