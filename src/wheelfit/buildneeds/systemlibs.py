"""The system-library table (`data/system-libraries.tsv`) and the toolchain versions
(`data/toolchains.tsv`), validated on load into frozen values.

The table answers both directions: a name a build file uses (pkg-config module, `-l`
library, CMake package, config script, PEP 725 DepURL) -> Alpine and Debian packages
(`lookup`), and a package -> the names it provides (`provided_by`). A bad row raises
`MappingError` naming the file, line and key: `system-libraries.tsv:12: pkg-config
'dbus-1': apk_build: 'Dbus dev' is not a package name`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from wheelfit.errors import MappingError
from wheelfit.shipped import read_data

TABLE = "system-libraries.tsv"
TOOLCHAINS = "toolchains.tsv"
KINDS = frozenset({"pkg-config", "library", "cmake", "config-tool", "pep725"})
COLUMNS = ("kind", "key", "apk_build", "apk_runtime", "apt_build", "apt_runtime",
           "apt_build_bookworm", "apt_runtime_bookworm", "apt_build_bullseye",
           "apt_runtime_bullseye", "pypi", "source")
TOOL_COLUMNS = ("distro", "release", "tool", "version", "packages", "source")
PACKAGE_DEPS = "system-package-deps.tsv"
DEPS_COLUMNS = ("distro", "release", "package", "pulls")
DEBIAN_NEWEST = "trixie"
# The Debian releases the table has columns for, oldest first (the newest's are apt_build /
# apt_runtime; each older one's are apt_build_<release> / apt_runtime_<release>).
DEBIAN_RELEASES = ("bullseye", "bookworm", DEBIAN_NEWEST)
_PACKAGE = re.compile(r"[a-z0-9][a-z0-9.+_-]*")
_MAX_ROWS = 20_000


@dataclass(frozen=True)
class AptSide:
    """Debian packages of one release; `available` is False when that release has none."""

    build: tuple[str, ...]
    runtime: tuple[str, ...]
    available: bool = True


_NO_NAMES = AptSide((), (), available=False)


@dataclass(frozen=True)
class LibraryRow:
    """One name a build may ask for, and the packages behind it."""

    kind: str
    key: str
    apk_build: tuple[str, ...]
    apk_runtime: tuple[str, ...]
    apt: AptSide
    apt_older: tuple[tuple[str, AptSide], ...]
    pypi: str | None
    source: str
    line: int

    def apt_for(self, release: str | None) -> AptSide:
        """The Debian side for `release` (trixie, the python:slim default, when None). A
        release the table has no columns for gets no packages (`available` False), never
        another release's names."""
        if release is None or release == DEBIAN_NEWEST:
            return self.apt
        return dict(self.apt_older).get(release, _NO_NAMES)

    def apt_sides(self) -> tuple[AptSide, ...]:
        """The Debian side of every release in the table."""
        return (self.apt, *(side for _, side in self.apt_older))

    @property
    def apk_available(self) -> bool:
        """False when Alpine has no package for it."""
        return bool(self.apk_build or self.apk_runtime)


@dataclass(frozen=True)
class SystemLibraries:
    """The whole table, indexed by (kind, lower-case key)."""

    rows: Mapping[tuple[str, str], LibraryRow]

    def lookup(self, kind: str, key: str) -> LibraryRow | None:
        """The row for a name as a build file writes it (case-insensitive)."""
        return self.rows.get((kind, key.lower()))

    def provided_by(self, distro: str, package: str) -> tuple[LibraryRow, ...]:
        """The other direction: every row whose build or runtime list names `package`
        (`distro` is alpine or debian; every Debian release is searched)."""
        def names(row: LibraryRow) -> tuple[str, ...]:
            if distro == "alpine":
                return row.apk_build + row.apk_runtime
            return tuple(p for side in row.apt_sides() for p in side.build + side.runtime)
        return tuple(row for row in self.rows.values() if package in names(row))


@dataclass(frozen=True)
class Toolchain:
    """One tool's version(s) in one release: rust `1.85.1`, llvm majors `17 18 19 22`."""

    distro: str
    release: str
    tool: str
    versions: tuple[str, ...]
    packages: tuple[str, ...]
    source: str


def parse_table(text: str, where: str = TABLE) -> SystemLibraries:
    """Validate the table's text (see the module docstring for the errors)."""
    rows: dict[tuple[str, str], LibraryRow] = {}
    for number, cells in _records(text, where, COLUMNS):
        row = _row(cells, f"{where}:{number}", number)
        ident = (row.kind, row.key.lower())
        if ident in rows:
            raise MappingError(f"{where}:{number}: {row.kind} {row.key!r}: listed twice "
                               f"(first on line {rows[ident].line})")
        rows[ident] = row
    return SystemLibraries(MappingProxyType(rows))


def _records(text: str, where: str, columns: tuple[str, ...]
             ) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != columns:
                raise MappingError(f"{where}:{number}: expected the header "
                                   f"{' '.join(columns)}")
            header_seen = True
            continue
        if len(cells) != len(columns):
            raise MappingError(f"{where}:{number}: {len(cells)} columns, expected "
                               f"{len(columns)}")
        if len(out) >= _MAX_ROWS:
            raise MappingError(f"{where}: more than {_MAX_ROWS} rows")
        out.append((number, cells))
    if not header_seen:
        raise MappingError(f"{where}: no header line")
    return out


def _row(cells: list[str], at: str, number: int) -> LibraryRow:
    values = dict(zip(COLUMNS, cells, strict=True))
    kind, key = values["kind"], values["key"]
    where = f"{at}: {kind} {key!r}"
    if kind not in KINDS:
        raise MappingError(f"{at}: unknown kind {kind!r} (known: {', '.join(sorted(KINDS))})")
    if not key or key != key.strip() or " " in key:
        raise MappingError(f"{at}: the key {key!r} must be one word")
    packages = {c: _packages(values[c], f"{where}: {c}") for c in COLUMNS[2:10]}
    apt = AptSide(packages["apt_build"], packages["apt_runtime"], bool(packages["apt_build"]))
    older = tuple((release, _older_side(values, packages, release, apt))
                  for release in DEBIAN_RELEASES[:-1])
    pypi = None if values["pypi"] == "-" else values["pypi"]
    if pypi is not None and (apt.available or packages["apk_build"]):
        raise MappingError(f"{where}: a row provided by PyPI ({pypi}) names no packages")
    if pypi is None and not (any(s.available for _, s in older) or apt.available
                             or packages["apk_build"]):
        raise MappingError(f"{where}: names no package on any distribution")
    if not values["source"].strip():
        raise MappingError(f"{where}: source: say where the packages were read")
    return LibraryRow(kind, key, packages["apk_build"], packages["apk_runtime"], apt, older,
                      pypi, values["source"], number)


def _older_side(values: dict[str, str], packages: dict[str, tuple[str, ...]], release: str,
                newest: AptSide) -> AptSide:
    """An older release's columns; "=" in both means the newest release's packages."""
    build, runtime = f"apt_build_{release}", f"apt_runtime_{release}"
    if values[build] == "=" and values[runtime] == "=":
        return newest
    return AptSide(packages[build], packages[runtime], bool(packages[build]))


def _packages(cell: str, where: str) -> tuple[str, ...]:
    if cell in ("-", "="):
        return ()
    names = tuple(cell.split())
    for name in names:
        if not _PACKAGE.fullmatch(name):
            raise MappingError(f"{where}: {name!r} is not a package name")
    return names


def parse_toolchains(text: str, where: str = TOOLCHAINS) -> tuple[Toolchain, ...]:
    """Validate `data/toolchains.tsv`."""
    out: list[Toolchain] = []
    for number, cells in _records(text, where, TOOL_COLUMNS):
        values = dict(zip(TOOL_COLUMNS, cells, strict=True))
        at = f"{where}:{number}: {values['distro']} {values['release']} {values['tool']}"
        if values["distro"] not in ("alpine", "debian"):
            raise MappingError(f"{at}: distro must be alpine or debian")
        versions = tuple(values["version"].split())
        if not versions or not all(re.fullmatch(r"\d+(\.\d+)*", v) for v in versions):
            raise MappingError(f"{at}: version {values['version']!r} is not N[.N...]")
        out.append(Toolchain(values["distro"], values["release"], values["tool"], versions,
                             tuple(values["packages"].split()), values["source"]))
    return tuple(out)


@lru_cache(maxsize=1)
def bundled_system_libraries() -> SystemLibraries:
    """The shipped table, loaded once."""
    return parse_table(read_data(TABLE))


@lru_cache(maxsize=1)
def bundled_toolchains() -> tuple[Toolchain, ...]:
    """The shipped toolchain versions, loaded once."""
    return parse_toolchains(read_data(TOOLCHAINS))


def toolchain(toolchains: tuple[Toolchain, ...], distro: str, release: str | None,
              tool: str) -> Toolchain | None:
    """The row for a release; with `release` None or unknown, the newest row of the distro
    (the last one listed for Alpine; trixie for Debian)."""
    rows = [t for t in toolchains if t.distro == distro and t.tool == tool]
    exact = [t for t in rows if t.release == release]
    if exact:
        return exact[0]
    if distro == "debian":
        newest = [t for t in rows if t.release == DEBIAN_NEWEST]
        return newest[0] if newest else None
    return rows[-1] if rows else None


PackageDeps = Mapping[tuple[str, str, str], frozenset[str]]


def parse_package_deps(text: str, where: str = PACKAGE_DEPS) -> PackageDeps:
    """(distro, release, package) -> the table's packages it installs anyway."""
    out: dict[tuple[str, str, str], frozenset[str]] = {}
    for number, cells in _records(text, where, DEPS_COLUMNS):
        distro, release, package, pulls = cells
        names = _packages(pulls, f"{where}:{number}: {package}: pulls")
        _packages(package, f"{where}:{number}: package")
        out[(distro, release, package)] = frozenset(names)
    return MappingProxyType(out)


@lru_cache(maxsize=1)
def bundled_package_deps() -> PackageDeps:
    """The shipped package dependencies, loaded once."""
    return parse_package_deps(read_data(PACKAGE_DEPS))


def drop_pulled_leaves(packages: tuple[str, ...], pulls: Mapping[str, frozenset[str]],
                       keep: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Leave out a package another listed one installs anyway, when it installs none of
    the listed ones itself (libffi-dev beside libglib2.0-dev; libcairo2 beside
    libcairo-gobject2). Packages in `keep` (the toolchain, pkg-config) always stay."""
    listed = set(packages)
    def pulled(p: str) -> bool:
        return any(p in pulls.get(other, ()) for other in listed - {p})
    def leaf(p: str) -> bool:
        return not (pulls.get(p, frozenset()) & (listed - {p}))
    return tuple(p for p in packages if p in keep or not (pulled(p) and leaf(p)))
