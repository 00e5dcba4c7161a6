"""Image size and build-time estimate per way of building the image (pure: Report → Estimate).

Five ways are estimated: `slim`, `slim-multistage` (only when slim compiles something), `alpine`
(one stage, build packages left in), `alpine-cleanup` (build packages in a virtual package removed
in the same RUN) and `alpine-multistage` (wheels built in a builder stage). Every figure carries a
basis line saying what it rests on; the model and its ratios are documented in docs/estimate.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from wheelfit.compat.targets import image_gap, image_tag
from wheelfit.model import (
    BuildRequirement,
    Bytecode,
    Estimate,
    PackageResult,
    Report,
    Status,
    Target,
    Variant,
    VariantEstimate,
    Verdict,
)
from wheelfit.sizing.exactterm import bytecode_term
from wheelfit.sizing.pycratio import pyc_span
from wheelfit.sizing.sizes import (
    MB,
    TOOLCHAIN,
    ZERO,
    BuildTime,
    Span,
    base_image,
    build_time,
    distro_of,
    minors_with_rows,
    system_size,
)

SLIM, SLIM_MULTISTAGE = "slim", "slim-multistage"
ALPINE, ALPINE_CLEANUP, ALPINE_MULTISTAGE = "alpine", "alpine-cleanup", "alpine-multistage"
VARIANTS = (SLIM, SLIM_MULTISTAGE, ALPINE, ALPINE_CLEANUP, ALPINE_MULTISTAGE)
KEEPS_BUILD_PACKAGES = frozenset({SLIM, ALPINE})

# Installed bytes per downloaded wheel byte (79 wheels measured, docs/estimate.md): point, lo, hi.
WHEEL_RATIO = {"pure": (3.4, 2.6, 4.3), "binary": (3.1, 2.5, 3.5)}
# A source build's installed size relative to the other target's wheel.
BUILT_MINUS_VENDORED = (1.0, 0.8, 1.1)
BUILT_FROM_OTHER_WHEEL = (0.75, 0.4, 1.0)
# A wheel of unknown size, borrowed from the other target's wheel of the same version.
BORROWED = (1.0, 0.8, 1.25)
UNKNOWN_PACKAGE_HI_MB = 25.0
TOOLCHAIN_INSTALL_MINUTES = {"debian": (0.5, 2.0), "alpine": (0.2, 1.0)}
RUST_TOOLCHAIN_MINUTES = (1.0, 3.0)
RUST_PACKAGES = frozenset({"cargo", "rust", "rustc"})
FORTRAN_PACKAGES = frozenset({"gfortran", "fortran"})
HEAVY_CLASSES = frozenset({"rust", "cpp-heavy", "fortran", "c-large"})
BLOCKING = frozenset({Status.UNAVAILABLE, Status.NOT_FOUND})


@dataclass(frozen=True)
class SystemPackages:
    """System packages one target needs: to build (toolchain included) and to run."""

    build: tuple[str, ...]
    runtime: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()

    @property
    def build_only(self) -> tuple[str, ...]:
        """Build packages that the final image does not keep."""
        return tuple(p for p in self.build if p not in self.runtime)


def keeps_system_packages(verdict: Verdict) -> bool:
    """A source build, or a pure wheel that loads a system library at run time
    (psycopg → libpq, cairocffi → cairo): its build needs name what the image keeps."""
    return verdict.status is Status.SOURCE_BUILD or (
        verdict.status is Status.PURE_WHEEL and verdict.build is not None)


def system_packages(report: Report, target: Target) -> SystemPackages:
    """Sorted, unique apk/apt packages from the verdicts' build needs for one target.

    The compiler toolchain (build-base / build-essential) is added whenever a source build
    compiles code (`Verdict.native` is not False).
    """
    alpine = target.variant is Variant.ALPINE
    build: set[str] = set()
    runtime: set[str] = set()
    env: dict[str, str] = {}
    compiles = False
    for pkg in report.packages:
        verdict = pkg.verdicts.get(target.name)
        if verdict is None or not keeps_system_packages(verdict):
            continue
        if verdict.status is Status.SOURCE_BUILD:
            compiles = compiles or verdict.native is not False
        needs = verdict.build
        if needs is not None:
            build.update(needs.apk if alpine else needs.apt)
            runtime.update(needs.apk_runtime if alpine else needs.apt_runtime)
            env.update(needs.env)
    if compiles:
        build.add(TOOLCHAIN[distro_of(target)])
    return SystemPackages(tuple(sorted(build)), tuple(sorted(runtime)), tuple(sorted(env.items())))


def build_class(verdict: Verdict) -> str:
    """The build class of a source build, from what it needs (docs/estimate.md)."""
    if verdict.native is False:
        return "pure"
    needs = verdict.build
    names = set(needs.apk) | set(needs.apt) if needs else set()
    if names & RUST_PACKAGES:
        return "rust"
    if names & FORTRAN_PACKAGES:
        return "fortran"
    return "c-small"


@dataclass(frozen=True)
class PackageSize:
    """One package's installed size on a target, with its basis line and its wheel facts."""

    name: str
    size: Span | None
    kind: str
    line: str
    py_bytes: int | None = None
    download_bytes: int | None = None
    built: bool = False
    bytecode: Bytecode | None = None  # computed (--exact-bytecode)


_Package = PackageSize


@dataclass(frozen=True)
class _Content:
    target: Target
    packages: tuple[_Package, ...]
    builds: tuple[tuple[str, BuildTime], ...]
    pure: tuple[tuple[str, BuildTime], ...]
    blockers: tuple[str, ...]
    unknown: tuple[str, ...]
    system: SystemPackages
    left_out: tuple[str, ...] = ()
    # Source builds of build requirements (pip's isolated build compiles them first): they
    # add minutes, not packages of the image.
    chained: tuple[tuple[str, BuildTime], ...] = ()


def _span(value: float, ratio: tuple[float, float, float]) -> Span:
    return Span(value * ratio[0], value * ratio[1], value * ratio[2])


def _mb(value: float) -> str:
    return f"{value / MB:.1f} MB"


class _Sizer:
    """Installed size of one package on one target, from the best evidence available."""

    def __init__(self, report: Report, wheel_sizes: Mapping[tuple[str, str], int],
                 vendored: Mapping[tuple[str, str], int]) -> None:
        self.by_name = {pkg.name: pkg for pkg in report.packages}
        self.wheel_sizes = wheel_sizes
        self.vendored = vendored

    def wheel_bytes(self, name: str, target: Target) -> tuple[Span, str] | None:
        """A wheel's installed size: central directory, else download size x ratio."""
        verdict = self._verdict(name, target)
        if verdict is None or verdict.status not in (Status.BINARY_WHEEL, Status.PURE_WHEEL):
            return None
        if verdict.installed_bytes:
            size = float(verdict.installed_bytes)
            return Span(size, size, size), f"{_mb(size)} installed (central directory)"
        download = self.wheel_sizes.get((name, target.name))
        if download:
            kind = "pure" if verdict.status is Status.PURE_WHEEL else "binary"
            ratio = WHEEL_RATIO[kind]
            return (_span(download, ratio), f"{_mb(download * ratio[0])} installed (estimated: "
                    f"{_mb(download)} download x {ratio[0]} {kind}-wheel ratio)")
        return None

    def _verdict(self, name: str, target: Target) -> Verdict | None:
        pkg = self.by_name.get(name)
        return pkg.verdicts.get(target.name) if pkg else None

    def size(self, name: str, verdict: Verdict, target: Target,
             others: tuple[Target, ...]) -> tuple[Span | None, str]:
        label = f"{name} {verdict.version or '?'}"
        own = self.wheel_bytes(name, target)
        if own is not None:
            wheel = f"{target.libc.wheel_family} wheel" if verdict.status is Status.BINARY_WHEEL \
                else "pure wheel"
            return own[0], f"{label} {wheel}: {own[1]}"
        for other in others:
            theirs = self.wheel_bytes(name, other)
            if theirs is None:
                continue
            span, how = theirs
            if verdict.status is Status.SOURCE_BUILD:
                return self._built(label, name, span, how, other)
            return (Span(span.point, span.lo * BORROWED[1], span.hi * BORROWED[2]),
                    f"{label}: size unknown here, assumed like the {other.name} wheel ({how})")
        return None, f"{label}: installed size unknown (no wheel size for it on any target)"

    def _built(self, label: str, name: str, wheel: Span, how: str,
               other: Target) -> tuple[Span, str]:
        vendored = self.vendored.get((name, other.name))
        if vendored is not None:
            span = _span(max(wheel.point - vendored, 0.0), BUILT_MINUS_VENDORED)
            return span, (f"{label} built from source: estimated {_mb(span.point)} from the "
                          f"{other.name} wheel ({how}) minus its vendored libraries "
                          f"({_mb(vendored)})")
        span = _span(wheel.point, BUILT_FROM_OTHER_WHEEL)
        return span, (f"{label} built from source: estimated {_mb(span.point)} = "
                      f"{BUILT_FROM_OTHER_WHEEL[0]} x the {other.name} wheel ({how}); vendored "
                      f"library size unknown (range {_mb(span.lo)}-{_mb(span.hi)})")


def _content(report: Report, target: Target, sizer: _Sizer) -> _Content:
    others = tuple(t for t in report.targets if t.name != target.name)
    packages: list[_Package] = []
    builds: list[tuple[str, BuildTime]] = []
    pure_builds: list[tuple[str, BuildTime]] = []
    blockers: list[str] = []
    unknown: list[str] = []
    left_out: list[str] = []
    chained: list[tuple[str, BuildTime]] = []
    for pkg in report.packages:
        verdict = pkg.verdicts.get(target.name)
        if verdict is None or verdict.status is Status.NOT_REQUIRED:
            continue
        if verdict.status in BLOCKING:
            blockers.append(pkg.name)
            continue
        if verdict.status is Status.UNKNOWN:
            unknown.append(pkg.name)
            left_out.append(f"size leaves out {pkg.name}: "
                            + (verdict.reason or "it could not be judged"))
            continue
        if verdict.status is Status.SOURCE_BUILD:
            klass = build_class(verdict)
            (pure_builds if klass == "pure" else builds).append(
                (pkg.name, build_time(pkg.name, klass)))
            chained += _chained(pkg.name, verdict.build.build_requires if verdict.build else ())
        pure = verdict.status is Status.PURE_WHEEL or verdict.native is False
        span, line = sizer.size(pkg.name, verdict, target, others)
        packages.append(_Package(pkg.name, span, "pure" if pure else "binary", line,
                                 py_bytes(pkg, target, others), verdict.download_bytes,
                                 verdict.status is Status.SOURCE_BUILD, verdict.bytecode))
    return _Content(target, tuple(packages), tuple(builds), tuple(pure_builds),
                    tuple(blockers), tuple(unknown), system_packages(report, target),
                    tuple(left_out), tuple(chained))


def _chained(parent: str, children: tuple[BuildRequirement, ...]) -> list[tuple[str, BuildTime]]:
    """The compiled build requirements under one source build, and theirs, as
    (`numpy 1.17.3, a build requirement of scipy`, its build time)."""
    out: list[tuple[str, BuildTime]] = []
    for child in children:
        if child.verdict is not Status.SOURCE_BUILD or child.build is None:
            continue
        klass = build_class(Verdict(Status.SOURCE_BUILD, native=True, build=child.build))
        label = f"{child.name} {child.version or ''}".rstrip()
        out.append((f"{label}, a build requirement of {parent}", build_time(child.name, klass)))
        out += _chained(label, child.build.build_requires)
    return out


def _pure_lines(content: _Content) -> list[str]:
    """The pure-Python sdists, in seconds: they need no compiler and no build minutes."""
    return [f"{name} builds from its sdist; pure Python, no compiler: "
            f"{t.minutes_lo * 60:g}-{t.minutes_hi * 60:g} s ({t.basis}; {t.source})"
            for name, t in content.pure]


def _build_minutes(content: _Content) -> tuple[tuple[float, float], list[str]]:
    if not content.builds:
        return (0.0, 0.0), []
    every = content.builds + content.chained
    lo = sum(t.minutes_lo for _, t in every)
    hi = sum(t.minutes_hi for _, t in every)
    lines = [f"{name} build: {t.minutes_lo:g}-{t.minutes_hi:g} min ({t.basis}, "
             f"{'class ' + t.klass if t.key.startswith('class:') else t.evidence}; {t.source})"
             for name, t in every]
    distro = distro_of(content.target)
    if TOOLCHAIN[distro] in content.system.build:
        extra = TOOLCHAIN_INSTALL_MINUTES[distro]
        lo, hi = lo + extra[0], hi + extra[1]
        lines.append(f"installing the build packages: {extra[0]:g}-{extra[1]:g} min (estimate)")
    if set(content.system.build) & RUST_PACKAGES:
        lo, hi = lo + RUST_TOOLCHAIN_MINUTES[0], hi + RUST_TOOLCHAIN_MINUTES[1]
        lines.append(f"installing the Rust toolchain: {RUST_TOOLCHAIN_MINUTES[0]:g}-"
                     f"{RUST_TOOLCHAIN_MINUTES[1]:g} min (estimate)")
    return (round(lo, 2), round(hi, 2)), lines


def py_bytes(pkg: PackageResult, target: Target, others: tuple[Target, ...]) -> int | None:
    """The `.py` bytes pip compiles for this package on `target`: its own wheel's file list,
    else another target's wheel of the same version (the Python files are the same)."""
    own = pkg.verdicts.get(target.name)
    if own is None:
        return None
    if own.py_bytes is not None:
        return own.py_bytes
    for other in others:
        theirs = pkg.verdicts.get(other.name)
        if theirs is not None and theirs.py_bytes is not None and theirs.version == own.version:
            return theirs.py_bytes
    return None


def _pyc(packages: tuple[_Package, ...], python: str) -> tuple[Span, str]:
    return bytecode_term(packages, partial(pyc_span, python=python), python)


def unknown_base_line(target: Target) -> str:
    """The basis line of a base image wheelfit has no size of; when the table knows other
    minors on that release, it names them: the pair may never have been published."""
    variant, release = target.variant.value, target.release
    why = f"wheelfit has no size for python {target.python} on {variant} {release}"
    gap = image_gap(target)
    known = minors_with_rows(variant, release)
    if gap is not None:
        why += f": {gap}"
    elif known and target.python not in known:
        why += (f"; its table has {variant} {release} images for Python {known[0]}-{known[-1]}"
                f" only: check that {target.image} exists")
    return f"base {target.image} {target.arch}: size unknown ({why})"


def _image_content(content: _Content) -> tuple[bool, Span, tuple[str, ...]]:
    """Whether the base image's size is known; the base, every package and their bytecode
    summed (in the order `Span` addition would); their basis lines. The same in every
    variant of a target, so worked out once per target."""
    target = content.target
    base = base_image(target)
    start = base.span if base else ZERO
    point, lo, hi = start.point, start.lo, start.hi
    basis = [base.line() if base else unknown_base_line(target)]
    for pkg in sorted(content.packages, key=lambda p: -(p.size.point if p.size else 0.0)):
        basis.append(pkg.line)
        if pkg.size is not None:
            point, lo, hi = point + pkg.size.point, lo + pkg.size.lo, hi + pkg.size.hi
    pyc, pyc_line = _pyc(content.packages, target.python)
    basis.append(pyc_line)
    return base is not None, Span(point + pyc.point, lo + pyc.lo, hi + pyc.hi), tuple(basis)


def _variant(name: str, content: _Content,
             image: tuple[bool, Span, tuple[str, ...]]) -> VariantEstimate:
    """One variant's estimate; `image`: `_image_content(content)`."""
    target = content.target
    distro = distro_of(target)
    known_base, total, head = image
    basis = list(head)
    runtime = system_size(distro, target.release, content.system.runtime, target.arch)
    if content.system.runtime:
        total = total + runtime.span
        basis += [f"runtime {line}" for line in runtime.lines]
    if name in KEEPS_BUILD_PACKAGES and content.system.build_only:
        build = system_size(distro, target.release, content.system.build_only, target.arch)
        total = total + build.span
        basis += [f"build package left in the image: {line}" for line in build.lines]
    elif content.system.build_only:
        basis.append("build packages: not in the final image ("
                     + ("removed in the same RUN" if name == ALPINE_CLEANUP else
                        "only in the builder stage") + ")")
    basis += content.left_out
    missing = len(content.unknown) + sum(1 for p in content.packages if p.size is None)
    if missing:
        total = Span(total.point, total.lo, total.hi + missing * UNKNOWN_PACKAGE_HI_MB * MB)
        basis.append(f"{missing} package(s) of unknown size: not in the figure; the upper bound "
                     f"adds {UNKNOWN_PACKAGE_HI_MB:g} MB each (assumption)")
    minutes, minute_lines = _build_minutes(content)
    basis += minute_lines + _pure_lines(content)
    if content.blockers:
        basis.append(f"not installable on {target.name}: " + ", ".join(content.blockers))
    heavy = tuple(n for n, t in content.builds if t.klass in HEAVY_CLASSES or t.minutes_hi >= 10)
    tag = image_tag(target) if target.nearest_published is None else "no official image"
    return VariantEstimate(
        name=name, image=tag,
        size_mb=round(total.point / MB, 1) if known_base else None,
        size_mb_range=(round(total.lo / MB, 1), round(total.hi / MB, 1)) if known_base else None,
        source_builds=len(content.builds), pure_sdists=len(content.pure), heavy_builds=heavy,
        build_minutes_range=minutes,
        basis=tuple(basis), available=not content.blockers,
    )


def package_sizes(report: Report, target: Target) -> tuple[PackageSize, ...]:
    """Every installed package of `target` with its size, as the estimate counts them (the
    wheels' central directories; a source build from another target's wheel)."""
    downloads = {(p.name, t): v.download_bytes for p in report.packages
                 for t, v in p.verdicts.items() if v.download_bytes}
    return _content(report, target, _Sizer(report, downloads, {})).packages


def estimate(
    report: Report,
    *,
    wheel_sizes: Mapping[tuple[str, str], int] | None = None,
    vendored_bytes: Mapping[tuple[str, str], int] | None = None,
) -> Estimate:
    """Size and build cost of every way to build the image, for each target of the report.

    `wheel_sizes` maps (package name, target name) to the chosen wheel's download size in bytes,
    used when `Verdict.installed_bytes` is missing. `vendored_bytes` maps (package name, target
    name) to the bytes under `*.libs/` in that target's wheel, used to size a source build on
    the other target.
    """
    sizer = _Sizer(report, wheel_sizes or {}, vendored_bytes or {})
    variants: list[VariantEstimate] = []
    notes: list[str] = ["sizes are on-disk (uncompressed) MB = 10^6 bytes, as `docker images` "
                        "shows them; ranges are the documented uncertainty (docs/estimate.md)"]
    seen: set[Variant] = set()
    for target in report.targets:
        if target.variant in seen:
            notes.append(f"target {target.name}: only the first {target.variant.value} target "
                         "is estimated")
            continue
        seen.add(target.variant)
        content = _content(report, target, sizer)
        names: tuple[str, ...] = (ALPINE, ALPINE_CLEANUP, ALPINE_MULTISTAGE)
        if target.variant is Variant.SLIM:
            names = (SLIM, SLIM_MULTISTAGE) if content.builds else (SLIM,)
        image = _image_content(content)
        variants += [_variant(name, content, image) for name in names]
        if content.unknown:
            notes.append(f"{target.name}: {len(content.unknown)} package(s) unknown because the "
                         "index failed: " + ", ".join(content.unknown))
    if any(t.arch == "aarch64" for t in report.targets):
        notes.append("build times are for native builds; under QEMU emulation expect several "
                     "times longer")
    return Estimate(variants=tuple(variants), notes=tuple(notes))
