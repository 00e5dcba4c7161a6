"""Packaged size tables: official python base images, system packages, source-build times.

The tables live in `data/*.tsv`; each row carries its basis (measured or derived), its
source and its date. docs/estimate.md explains every derivation. Nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from wheelfit.model import Target, Variant
from wheelfit.shipped import read_tsv

MB = 1_000_000
KIB = 1024
# A system package missing from the table: assumed size and range (documented in docs/estimate.md).
UNKNOWN_SYSTEM_KIB = (1024, 100, 5 * 1024)
# Members of the compiler toolchain: already counted by build-essential / build-base.
TOOLCHAIN = {"debian": "build-essential", "alpine": "build-base"}
TOOLCHAIN_MEMBERS = {
    "debian": frozenset({"build-essential", "gcc", "g++", "make", "libc6-dev", "libc-dev",
                         "dpkg-dev", "binutils", "patch"}),
    "alpine": frozenset({"build-base", "gcc", "g++", "make", "musl-dev", "libc-dev", "binutils",
                         "fortify-headers", "patch", "file"}),
}


@dataclass(frozen=True)
class Span:
    """A size in bytes with its uncertainty range."""

    point: float
    lo: float
    hi: float

    def __add__(self, other: Span) -> Span:
        return Span(self.point + other.point, self.lo + other.lo, self.hi + other.hi)

    def scaled(self, factor: float) -> Span:
        """The span multiplied by a factor."""
        return Span(self.point * factor, self.lo * factor, self.hi * factor)


ZERO = Span(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class BaseImage:
    """One official python image: its on-disk and compressed size, and what they rest on."""

    python: str
    python_full: str
    variant: str
    release: str
    arch: str
    tag: str
    on_disk_mb: float
    on_disk_basis: str
    uncertainty_pct: float
    on_disk_source: str
    on_disk_date: str
    compressed_mb: float
    compressed_basis: str
    compressed_source: str
    compressed_date: str

    @property
    def span(self) -> Span:
        """On-disk size in bytes with the row's uncertainty."""
        size = self.on_disk_mb * MB
        pct = self.uncertainty_pct / 100
        return Span(size, size * (1 - pct), size * (1 + pct))

    def line(self) -> str:
        """The basis line for this base image."""
        return (f"base {self.tag} {self.arch} = {self.on_disk_mb:.1f} MB on disk "
                f"(±{self.uncertainty_pct:g}%; {self.on_disk_basis}; {self.on_disk_source}, "
                f"{self.on_disk_date})")


@dataclass(frozen=True)
class SystemPackage:
    """Installed size a Debian or Alpine package adds to a python image."""

    distro: str
    release: str
    package: str
    role: str
    group: str
    size_kib: int
    lo_kib: int
    hi_kib: int
    basis: str
    method: str
    source: str
    date: str

    @property
    def span(self) -> Span:
        """Size in bytes with its range."""
        return Span(self.size_kib * KIB, self.lo_kib * KIB, self.hi_kib * KIB)


@dataclass(frozen=True)
class BuildTime:
    """Minutes a source build takes, for one package or one build class."""

    key: str
    klass: str
    minutes_lo: float
    minutes_hi: float
    basis: str
    evidence: str
    source: str
    date: str


@lru_cache(maxsize=8)
def _rows(name: str) -> tuple[dict[str, str], ...]:
    return read_tsv(name)


@lru_cache(maxsize=1)
def base_images() -> dict[tuple[str, str, str, str], BaseImage]:
    """(python minor, variant, release, arch) → base image row."""
    table = {}
    for r in _rows("base-images.tsv"):
        row = BaseImage(
            r["python"], r["python_full"], r["variant"], r["release"], r["arch"], r["tag"],
            float(r["on_disk_mb"]), r["on_disk_basis"], float(r["uncertainty_pct"]),
            r["on_disk_source"], r["on_disk_date"], float(r["compressed_mb"]),
            r["compressed_basis"], r["compressed_source"], r["compressed_date"],
        )
        table[(row.python, row.variant, row.release, row.arch)] = row
    return table


def minors_with_rows(variant: str, release: str) -> tuple[str, ...]:
    """The Python minors the base-image table has rows for on a variant's release, oldest
    first."""
    found = {k[0] for k in base_images() if k[1] == variant and k[2] == release}
    return tuple(sorted(found, key=lambda m: tuple(int(p) for p in m.split("."))))


def base_image(target: Target) -> BaseImage | None:
    """The size row for a target's image, or None when wheelfit knows no size of that tag."""
    return base_images().get((target.python, target.variant.value, target.release, target.arch))


@lru_cache(maxsize=1)
def system_table() -> dict[tuple[str, str, str], SystemPackage]:
    """(distro, release or '*', package) → size row (x86_64)."""
    return _package_rows("system-packages.tsv")


@lru_cache(maxsize=1)
def arm64_table() -> dict[tuple[str, str, str], SystemPackage]:
    """(distro, release, package) → size row measured on arm64 (aarch64 targets)."""
    return _package_rows("system-packages-arm64.tsv")


def _package_rows(name: str) -> dict[tuple[str, str, str], SystemPackage]:
    table = {}
    for r in _rows(name):
        row = SystemPackage(
            r["distro"], r["release"], r["package"], r["role"], r["group"], int(r["size_kib"]),
            int(r["size_lo_kib"]), int(r["size_hi_kib"]), r["basis"], r["method"], r["source"],
            r["date"],
        )
        table[(row.distro, row.release, row.package)] = row
    return table


def distro_of(target: Target) -> str:
    """`debian` for slim targets, `alpine` for alpine targets."""
    return "debian" if target.variant is Variant.SLIM else "alpine"


# A package without a row of its release takes the next release's row, with a wider low end
# (bullseye's gcc 10 toolchain and older libraries are smaller than bookworm's gcc 12 ones).
# Every bookworm package has a bullseye row since 2026-12-07; this covers rows added later.
NEXT_RELEASE = {("debian", "bullseye"): "bookworm"}
OLDER_RELEASE_LOW = 0.8
# Said on an aarch64 target's line for a package only the x86_64 table has a row for.
X86_STAND_IN = "; x86_64 size: wheelfit has no aarch64 measurement of it"


def system_package(distro: str, release: str, package: str,
                   arch: str = "x86_64") -> SystemPackage | None:
    """The size row of a package for a release (release-specific row first, then `*`; a
    release without measurements: the next release's row, which says so). aarch64: the
    arm64 row when there is one, else the x86_64 row (see `system_size`)."""
    if arch == "aarch64":
        found = arm64_table().get((distro, release, package))
        if found is not None:
            return found
    table = system_table()
    row = table.get((distro, release, package)) or table.get((distro, "*", package))
    following = NEXT_RELEASE.get((distro, release))
    if row is not None or following is None:
        return row
    found = table.get((distro, following, package))
    if found is None:
        return None
    return replace(found, lo_kib=int(found.lo_kib * OLDER_RELEASE_LOW), basis=(
        f"{found.basis} on {following}, no {release} measurement: {following}'s row, range "
        f"down to {OLDER_RELEASE_LOW:g}x"))


@dataclass(frozen=True)
class SystemSum:
    """Total size of a set of system packages, with one basis line per counted package."""

    span: Span
    lines: tuple[str, ...]
    unknown: tuple[str, ...]


def system_size(distro: str, release: str, packages: Iterable[str],
                arch: str = "x86_64") -> SystemSum:
    """Size a set of packages adds to the image; each group counts once, as its largest member.

    Toolchain members other than build-essential / build-base count zero: the toolchain row is
    the closure that already contains them. An aarch64 package sized by its x86_64 row says so.
    """
    wanted = sorted(set(packages))
    groups: dict[str, tuple[Span, str]] = {}
    lines: list[str] = []
    unknown: list[str] = []
    total = ZERO
    for name in wanted:
        if name in TOOLCHAIN_MEMBERS[distro] and name != TOOLCHAIN[distro]:
            continue
        row = system_package(distro, release, name, arch)
        if row is None:
            unknown.append(name)
            size, lo, hi = UNKNOWN_SYSTEM_KIB
            total = total + Span(size * KIB, lo * KIB, hi * KIB)
            lines.append(f"{name}: size unknown, assumed {size / 1024:.0f} MiB "
                         f"(range {lo / 1024:.1f}-{hi / 1024:.0f} MiB)")
            continue
        stand_in = arch == "aarch64" and arm64_table().get((distro, release, name)) is None
        line = (f"{name}: {row.size_kib * KIB / MB:.1f} MB installed ({row.basis}: {row.method}; "
                f"{row.source}, {row.date}{X86_STAND_IN if stand_in else ''})")
        if row.group:
            held = groups.get(row.group)
            if held is None or row.span.point > held[0].point:
                groups[row.group] = (row.span, line)
            continue
        total = total + row.span
        lines.append(line)
    for group in sorted(groups):
        span, line = groups[group]
        total = total + span
        lines.append(f"{line} [counted once for the {group} group]")
    return SystemSum(total, tuple(lines), tuple(unknown))


@lru_cache(maxsize=1)
def build_times() -> dict[str, BuildTime]:
    """Package name or `class:<name>` → build time row."""
    return {
        r["key"]: BuildTime(r["key"], r["class"], float(r["minutes_lo"]), float(r["minutes_hi"]),
                            r["basis"], r["evidence"], r["source"], r["date"])
        for r in _rows("build-times.tsv")
    }


def build_time(name: str, klass: str) -> BuildTime:
    """The package's own row when published, else its class default."""
    table = build_times()
    return table.get(name) or table[f"class:{klass}"]


def newest_release(python: str, variant: str) -> str | None:
    """The newest Debian or Alpine release the official images were published with for this
    Python minor (from the base-image table), or None when the table does not know it."""
    releases = {k[2] for k in base_images() if k[0] == python and k[1] == variant}
    if not releases:
        return None
    if variant == "slim":
        order = ("bullseye", "bookworm", "trixie")
        return max(releases, key=lambda r: order.index(r) if r in order else -1)
    return max(releases, key=lambda r: tuple(int(x) for x in r.split(".")))
