#!/usr/bin/env python3
"""Write data/system-libraries.tsv, data/system-package-deps.tsv and data/toolchains.tsv
from tools/mapping-src/system-libraries.seed.tsv and the distributions' own indexes.

    .venv/bin/python tools/gen_system_libraries.py --debian DIR [--alpine DIR]

DIR (Debian) holds, per suite (trixie = python:slim today, bookworm, bullseye), the archive's
``Contents-amd64-<suite>.gz``, ``Contents-all-<suite>.gz`` and ``Packages-<suite>.xz`` as
published under http://deb.debian.org/debian/dists/<suite>/main/ (what apt-file and apt
download); for bullseye, ``Packages-bullseye.xz`` is main + bullseye-updates +
bullseye-security concatenated (security.debian.org's index), as tools/check_apt_names.py reads.
The Alpine side comes from ../shared/data/alpine (aports 0e8f5b7e6a38, 2025-03-18).

For every seed row, each of its keys (pkg-config names, -l library names, CMake package
names, config scripts, PEP 725 ids) becomes one table row:

* apt build package: the Debian package that ships ``<name>.pc`` (pkg-config key),
  ``lib<name>.so`` (library key) or ``usr/bin/<tool>`` (config script); other keys take
  the row's first pkg-config (else library) answer;
* apt runtime packages: the packages that ship the ``lib<name>.so.<N>`` of the row's
  libraries, plus the seed's extras (typelibs);
* apk packages: the seed's, each checked against the recipes' package names.

Every name must exist in its index, or the key is written with ``-`` and reported.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import lzma
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tools" / "mapping-src" / "system-libraries.seed.tsv"
ALPINE = next((p / "shared" / "data" / "alpine" for p in ROOT.parents
               if (p / "shared" / "data" / "alpine").is_dir()), Path("shared/data/alpine"))
APORTS = "aports 0e8f5b7e6a38 (2025-03-18)"
SUITES = ("trixie", "bookworm", "bullseye")
ARCH_LIB = "usr/lib/x86_64-linux-gnu/"
OLD_LIB = "lib/x86_64-linux-gnu/"  # bookworm/bullseye, before the /usr merge of file lists
PC_DIRS = (ARCH_LIB + "pkgconfig/", "usr/share/pkgconfig/", "usr/lib/pkgconfig/")
SEED_COLUMNS = ("family", "pkgconfig", "libs", "cmake", "tools", "pep725", "apk_build",
                "apk_runtime", "apt_runtime_extra", "pypi", "apt_override")
HEADER = ("kind", "key", "apk_build", "apk_runtime", "apt_build", "apt_runtime",
          "apt_build_bookworm", "apt_runtime_bookworm", "apt_build_bullseye",
          "apt_runtime_bullseye", "pypi", "source")
# Where each older suite's (build, runtime) cells sit in a row; trixie's are 4 and 5.
OLDER = {"bookworm": (6, 7), "bullseye": (8, 9)}
# libssl.so.1.1, libldap-2.4.so.2, libSDL2-2.0.so.0: the name, with and without its version.
_SONAME = re.compile(r"lib(.+?)\.so\.\d+(?:\.\d+)*$")
_NAME_VERSION = re.compile(r"-\d+(?:\.\d+)+$")


class Debian:
    """One suite's Contents (just the paths we need) and Packages (versions, Depends)."""

    def __init__(self, folder: Path, suite: str) -> None:
        self.suite = suite
        self.pc: dict[str, str] = {}
        self.devlib: dict[str, str] = {}
        self.soname: dict[str, set[str]] = defaultdict(set)
        self.tool: dict[str, str] = {}
        for part in ("amd64", "all"):
            with gzip.open(folder / f"Contents-{part}-{suite}.gz", "rt",
                           errors="replace") as fh:
                for line in fh:
                    path, _, owners = line.rstrip("\n").rpartition(" ")
                    path = path.strip()
                    package = owners.split(",")[0].rsplit("/", 1)[-1]
                    self._index(path, package)
        self.version: dict[str, str] = {}
        self.depends: dict[str, list[str]] = {}
        with lzma.open(folder / f"Packages-{suite}.xz", "rt") as fh:
            name = ""
            for line in fh:
                if line.startswith("Package: "):
                    name = line.split()[1]
                elif line.startswith("Version: "):
                    self.version[name] = line.split()[1]
                elif line.startswith("Depends: "):
                    self.depends[name] = [d.split("|")[0].split("(")[0].split(":")[0].strip()
                                          for d in line[9:].split(",")]

    def _index(self, path: str, package: str) -> None:
        for folder in PC_DIRS:
            if path.startswith(folder) and path.endswith(".pc") and "/" not in path[len(folder):]:
                self.pc.setdefault(path[len(folder):-3], package)
        folder = ARCH_LIB if path.startswith(ARCH_LIB) else OLD_LIB
        if path.startswith(folder) and "/" not in path[len(folder):]:
            name = path[len(folder):]
            if name.startswith("lib") and name.endswith(".so"):
                self.devlib.setdefault(name[3:-3], package)
            elif m := _SONAME.match(name):
                self.soname[m.group(1)].add(package)
                self.soname[_NAME_VERSION.sub("", m.group(1))].add(package)
        elif path.startswith("usr/lib/") and "/" not in path[8:] and (m := _SONAME.match(
                path[8:])):  # bullseye's gdal sits in usr/lib itself
            self.soname[m.group(1)].add(package)
        if path.startswith("usr/bin/"):
            self.tool.setdefault(path[8:], package)

    def runtime(self, libs: list[str]) -> list[str]:
        return sorted({p for lib in libs for p in self.soname.get(lib, ())
                       if not p.endswith(("-dev", "-dbg"))})


def alpine_names() -> dict[str, str]:
    """Every Alpine package name -> its recipe path; and depends_dev per -dev package."""
    names: dict[str, str] = {}
    with (ALPINE / "all-recipes.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            recipe = row["recipe_path"]
            names[row["pkgname"]] = recipe
            for sub in row["subpackages"].split():
                names.setdefault(sub.split(":")[0], recipe)
    return names


def read_seed() -> list[dict[str, str]]:
    rows = []
    for number, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != len(SEED_COLUMNS):
            raise SystemExit(f"{SEED.name}:{number}: {len(cells)} columns, expected "
                             f"{len(SEED_COLUMNS)}")
        rows.append(dict(zip(SEED_COLUMNS, cells, strict=False)))
    return rows


def _libs_for(kind: str, key: str, libs: list[str]) -> list[str]:
    if kind == "library":
        return [key]
    if kind == "pkg-config":
        stem = key.removeprefix("lib")
        same = [lib for lib in libs if lib in (key, stem)]
        return same or libs
    return libs


def build_rows(seed: list[dict[str, str]], deb: dict[str, Debian], apk: dict[str, str],
               problems: list[str]) -> list[list[str]]:
    rows = []
    for family in seed:
        libs = family["libs"].split()
        keys = [("pkg-config", k) for k in family["pkgconfig"].split()] + \
            [("library", k) for k in libs] + [("cmake", k) for k in family["cmake"].split()] + \
            [("config-tool", k) for k in family["tools"].split()] + \
            [("pep725", k) for k in family["pep725"].split()]
        for name in (family["apk_build"] + " " + family["apk_runtime"]).split():
            if name not in apk:
                problems.append(f"{family['family']}: apk {name} is not in Alpine's recipes")
        recipes = sorted({apk[n] for n in family["apk_build"].split() if n in apk})
        firsts = {suite: _first_build(family, deb[suite]) for suite in SUITES}
        for kind, key in keys:
            cells = [kind, key, family["apk_build"] or "-", family["apk_runtime"] or "-"]
            for suite in SUITES:
                d, fallback = deb[suite], firsts[suite]
                build = _build(kind, key, d) or fallback
                runtime = d.runtime(_libs_for(kind, key, libs))
                if build and (linked := [p for p in runtime if p in _closure(build, d)]):
                    runtime = linked  # the version the -dev package links (boost 1.74 of 2)
                if family["apt_override"]:
                    # Libraries kept in an alternatives folder (openblas-pthread/): the
                    # seed names the packages; they must exist in this suite.
                    over_build, _, over_run = family["apt_override"].partition("/")
                    build = over_build if over_build in d.version else ""
                    runtime = runtime if not over_run else \
                        [p for p in over_run.split() if p in d.version]
                runtime += [x for x in family["apt_runtime_extra"].split() if x in d.version]
                if family["pypi"] or not build:
                    build, runtime = "", []
                cells += [build or "-", " ".join(runtime) or "-"]
                if not build and not family["pypi"]:
                    problems.append(f"{kind} {key}: no Debian {suite} package ships it")
            for b, r in OLDER.values():
                if cells[b:r + 1] == cells[4:6]:
                    cells[b:r + 1] = ["=", "="]
            source = f"debian {'+'.join(SUITES)} main amd64 Contents/Packages"
            if recipes:
                source += f"; alpine {', '.join(recipes)} @ {APORTS}"
            if family["pypi"]:
                source = f"PyPI project {family['pypi']}: pip's isolated build installs it"
            rows.append([*cells, family["pypi"] or "-", source])
    return rows


def _build(kind: str, key: str, d: Debian) -> str | None:
    if kind == "pkg-config":
        return d.pc.get(key)
    if kind == "library":
        return d.devlib.get(key)
    if kind == "config-tool":
        return d.tool.get(key)
    return None


def _first_build(family: dict[str, str], d: Debian) -> str | None:
    for pc in family["pkgconfig"].split():
        if pc in d.pc:
            return d.pc[pc]
    for lib in family["libs"].split():
        if lib in d.devlib:
            return d.devlib[lib]
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debian", type=Path, required=True)
    args = parser.parse_args(argv)
    deb = {suite: Debian(args.debian, suite) for suite in SUITES}
    apk = alpine_names()
    problems: list[str] = []
    rows = build_rows(read_seed(), deb, apk, problems)
    write_tsv(ROOT / "data" / "system-libraries.tsv", HEADER, rows, TABLE_HEAD)
    write_tsv(ROOT / "data" / "toolchains.tsv", TOOL_HEADER, toolchains(deb, apk), TOOL_HEAD)
    write_tsv(ROOT / "data" / "system-package-deps.tsv", DEPS_HEADER,
              package_deps(rows, deb), DEPS_HEAD)
    write_names(rows, deb, apk)
    for line in problems:
        print("warning:", line, file=sys.stderr)
    print(f"{len(rows)} rows")
    return 0


TABLE_HEAD = """\
# System libraries a build looks for -> the packages that provide them (wheelfit issue 13).
# GENERATED by tools/gen_system_libraries.py from tools/mapping-src/system-libraries.seed.tsv;
# edit the seed and re-run. Columns (tab-separated; lists are space-separated):
#   kind        pkg-config | library (-l name) | cmake (find_package name) | config-tool |
#               pep725 (DepURL without version)
#   key         the name as a build file writes it
#   apk_build / apk_runtime        Alpine (python:alpine) -dev and run-time packages
#   apt_build / apt_runtime        Debian trixie (python:slim) -dev and run-time packages
#   apt_build_bookworm / apt_runtime_bookworm   Debian bookworm; "=" = same as trixie
#   apt_build_bullseye / apt_runtime_bullseye   Debian bullseye (main + -updates + -security);
#               "=" = same as trixie
#   pypi        a PyPI project that provides it instead (then no system package)
#   source      where each side was read
# "-" = none. Debian: which package ships <key>.pc / lib<key>.so / usr/bin/<tool> (build) and
# lib<lib>.so.<N> (run time), from the suites' Contents-amd64 and Packages indexes
# (deb.debian.org, fetched 2026-12-07; bullseye's with -updates and -security). Alpine: names
# checked against all recipes and their subpackages (../shared/data/alpine/all-recipes.tsv).
"""
TOOL_HEADER = ("distro", "release", "tool", "version", "packages", "source")
TOOL_HEAD = """\
# Toolchain versions per distribution release (wheelfit issue 13): the rustc a crate's
# rust-version is compared with, and the LLVM majors that have -dev packages.
# GENERATED by tools/gen_system_libraries.py. version: one version (rust, gfortran) or the
# space-separated majors available (llvm). packages: what to install ({N} = the major).
"""


DEPS_HEADER = ("distro", "release", "package", "pulls")
DEPS_HEAD = """\
# Which packages of data/system-libraries.tsv another one already installs (its Depends,
# followed to the end), so a plan can leave out what is pulled anyway (libglib2.0-dev
# brings libffi-dev). GENERATED by tools/gen_system_libraries.py from the Debian suites'
# Packages indexes; only packages the table names are listed.
"""


def package_deps(rows: list[list[str]], deb: dict[str, Debian]) -> list[list[str]]:
    out = []
    for suite, d in deb.items():
        build_col, run_col = OLDER.get(suite, (4, 5))
        named = {p for r in rows for c in (build_col, run_col) for p in r[c].split()
                 if p not in ("-", "=")}
        if suite in OLDER:
            named |= {p for r in rows if r[build_col] == "=" for c in (4, 5)
                      for p in r[c].split() if p != "-"}
        for package in sorted(named):
            pulled = sorted(_closure(package, d) & (named - {package}))
            if pulled:
                out.append(["debian", suite, package, " ".join(pulled)])
    return out


def _closure(package: str, d: Debian, limit: int = 5000) -> set[str]:
    seen: set[str] = set()
    todo = [package]
    while todo and len(seen) < limit:
        for dep in d.depends.get(todo.pop(), []):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def toolchains(deb: dict[str, Debian], apk: dict[str, str]) -> list[list[str]]:
    rows = []
    for suite, d in deb.items():
        index = "main" if suite != "bullseye" else "main+updates+security"
        src = f"debian {suite} {index} amd64 Packages (deb.debian.org, 2026-12-07)"
        rustc = d.version.get("rustc", "").split("+")[0]
        rows.append(["debian", suite, "rust", rustc, "cargo rustc", src])
        llvm = sorted(int(m.group(1)) for p in d.version
                      if (m := re.fullmatch(r"llvm-(\d+)-dev", p)))
        rows.append(["debian", suite, "llvm", " ".join(map(str, llvm)), "llvm-{N}-dev", src])
        gfortran = d.version.get("gfortran", "").split(":")[-1].split("-")[0]
        rows.append(["debian", suite, "fortran", gfortran, "gfortran", src])
    versions = alpine_versions()
    llvm = sorted(int(n[4:]) for n in apk if re.fullmatch(r"llvm\d+", n))
    src = f"alpine edge {APORTS}: main/rust, main/llvmNN, main/gcc recipes"
    rows.append(["alpine", "edge-2025-03-18", "rust", versions.get("rust", ""), "cargo", src])
    rows.append(["alpine", "edge-2025-03-18", "llvm", " ".join(map(str, llvm)),
                 "llvm{N}-dev", src])
    rows.append(["alpine", "edge-2025-03-18", "fortran", versions.get("gcc", ""), "gfortran",
                 src])
    return rows


def alpine_versions() -> dict[str, str]:
    with (ALPINE / "all-recipes.tsv").open(encoding="utf-8") as fh:
        return {row["pkgname"]: row["pkgver"] for row in csv.DictReader(fh, delimiter="\t")
                if row["pkgname"] in ("rust", "gcc")}


NAMES = ROOT / "tests" / "data" / "buildneeds" / "package-names.tsv"
# The toolchain packages wheelfit.buildneeds.buildplan names.
TOOLCHAIN_APK = ("build-base", "gfortran", "cargo", "libgcc", "libstdc++", "libgfortran",
                 "pkgconf")
TOOLCHAIN_APT = ("build-essential", "gfortran", "cargo", "rustc", "libgcc-s1", "libstdc++6",
                 "libgfortran5", "pkg-config")


def write_names(rows: list[list[str]], deb: dict[str, Debian], apk: dict[str, str]) -> None:
    """Every package the tables name, with the index that has it: the hermetic check of
    tests/buildneeds/test_systemlibs.py (a hand edit with a typo fails there)."""
    found: set[tuple[str, str, str]] = set()
    for row in rows:
        found |= {("alpine", "aports", p) for c in (2, 3) for p in row[c].split() if p in apk}
        for suite in SUITES:
            columns = OLDER.get(suite, (4, 5))
            cells = (4, 5) if row[columns[0]] == "=" else columns
            found |= {("debian", suite, p) for c in cells for p in row[c].split()
                      if p in deb[suite].version}
    found |= {("alpine", "aports", p) for p in TOOLCHAIN_APK if p in apk}
    found |= {("alpine", "aports", p) for p in apk if re.fullmatch(r"llvm\d+-dev", p)}
    for suite, d in deb.items():
        found |= {("debian", suite, p) for p in d.version
                  if p in TOOLCHAIN_APT or re.fullmatch(r"llvm-\d+-dev", p)}
    text = ("# Package names data/system-libraries.tsv uses, each found in its index (aports "
            "0e8f5b7e6a38;\n# Debian trixie/bookworm/bullseye Packages). GENERATED by "
            "tools/gen_system_libraries.py.\n")
    text += "".join(f"{d}\t{s}\t{p}\n" for d, s, p in sorted(found))
    NAMES.write_text(text, encoding="utf-8")


def write_tsv(path: Path, header: tuple[str, ...], rows: list[list[str]], head: str) -> None:
    text = head + "\t".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
