"""The parts of today's image, one kind of instruction each: the base, system packages, Python
installs, and `COPY --from` of another stage (pure; used by `sizing.current`).

Every part returns what the layer table shows of it (`words`), its size and its basis lines.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import partial

from wheelfit.model import Target
from wheelfit.model.docker import CurrentLayer
from wheelfit.sizing.estimate import WHEEL_RATIO, PackageSize
from wheelfit.sizing.exactterm import bytecode_term
from wheelfit.sizing.pycratio import pyc_span
from wheelfit.sizing.sizes import (
    MB,
    TOOLCHAIN,
    TOOLCHAIN_MEMBERS,
    ZERO,
    Span,
    base_images,
    distro_of,
    system_size,
)
from wheelfit.sources.dockerfile.model import (
    Cache,
    CopyFrom,
    DockerfileModel,
    ImageVariant,
    PythonInstall,
    Stage,
    SystemPackages,
    Tool,
)

# apt's lists after `apt-get update`, when the same RUN does not remove them: the release's
# main amd64 Packages.gz plus the three InRelease files (HTTP HEAD on deb.debian.org,
# 2026-12-07). The images keep the lists gzip-compressed (debuerreotype's docker-gzip-indexes);
# the -updates and -security indexes are allowed for in the upper bound.
APT_LISTS = {"bullseye": 11_089_833 + 75_123 + 44_029 + 27_111,
             "bookworm": 12_084_798 + 241_248, "trixie": 13_335_627 + 231_169}
APT_LISTS_HI = 1.2
APT_LISTS_SOURCE = "Packages.gz + InRelease sizes on deb.debian.org, 2026-12-07"
# apt-get install without --no-install-recommends: the table's closures leave Recommends out.
RECOMMENDS_HI = 1.5
# A wheel built here, as pip caches it: installed bytes / the binary-wheel ratio.
BUILT_WHEEL = (1 / WHEEL_RATIO["binary"][0], 1 / WHEEL_RATIO["binary"][2],
               1 / WHEEL_RATIO["binary"][1])
INSTALLERS = frozenset({"pip", "setuptools", "wheel", "uv", "poetry", "pipenv", "pip-tools",
                        "poetry-plugin-export"})
SHOWN_PACKAGES = 5
Part = tuple[str, Span, list[str]]
NOTHING: Part = ("", ZERO, [])


def _mb(value: float) -> str:
    return f"{value / MB:.1f} MB"


@dataclass
class ServicePackages:
    """The checked packages of the service on the Dockerfile's target, placed at most once."""

    sizes: tuple[PackageSize, ...]
    input: str
    placed: int | None = None
    notes: list[str] = field(default_factory=list)
    python: str | None = None

    def installed(self) -> tuple[Span, list[str]]:
        """Their installed bytes, with the largest packages' basis lines."""
        total, unknown = ZERO, 0
        for pkg in self.sizes:
            if pkg.size is None:
                unknown += 1
            else:
                total = total + pkg.size
        ranked = sorted(self.sizes, key=lambda p: -(p.size.point if p.size else 0.0))
        lines = [f"{len(self.sizes)} Python package(s) of {self.input}: {_mb(total.point)} "
                 "installed (wheel sizes from the index: the wheels' central directories)"]
        lines += [p.line for p in ranked[:SHOWN_PACKAGES]]
        if len(ranked) > SHOWN_PACKAGES:
            lines.append(f"… and {len(ranked) - SHOWN_PACKAGES} more (--format json: "
                         "estimate basis)")
        if unknown:
            lines.append(f"{unknown} package(s) of unknown size: not in the figure")
        return total, lines

    def bytecode(self) -> tuple[Span, str]:
        """The .pyc files pip writes for them."""
        return bytecode_term(self.sizes, partial(pyc_span, python=self.python), self.python)

    def wheels(self) -> tuple[Span, list[str]]:
        """The wheel files of them: downloaded ones as the index lists them, built ones
        estimated from their installed size."""
        downloaded = sum(p.download_bytes or 0 for p in self.sizes if not p.built)
        built = ZERO
        for pkg in self.sizes:
            if pkg.built and pkg.size is not None:
                built = built + Span(pkg.size.point * BUILT_WHEEL[0],
                                     pkg.size.lo * BUILT_WHEEL[1], pkg.size.hi * BUILT_WHEEL[2])
        lines = [f"{_mb(downloaded)} of downloaded wheels (file sizes from the index listing)"]
        if built.point:
            lines.append(f"{_mb(built.point)} of wheels built here (installed size / "
                         f"{WHEEL_RATIO['binary'][0]} binary-wheel ratio, docs/estimate.md)")
        return Span(downloaded, downloaded, downloaded) + built, lines


def base_layer(model: DockerfileModel, target: Target,
               variant: ImageVariant) -> tuple[Span | None, CurrentLayer]:
    """The final chain's base image, sized from data/base-images.tsv."""
    base = model.image_base(model.final)
    tag = base.python
    minor = ".".join(tag.python.split(".")[:2]) if tag and tag.python else target.python
    release = target.release if variant is ImageVariant.ALPINE or not (tag and tag.release) \
        else tag.release
    row = base_images().get((minor, variant.value, release, target.arch))
    instruction = f"FROM {base.reference} (line {base.line})"
    if row is None:
        return None, CurrentLayer(instruction, base.line, None, None, (
            f"base {base.reference}: wheelfit has no size for python {minor} "
            f"{variant.value} on {release} {target.arch} (data/base-images.tsv)",))
    span = row.span
    return span, CurrentLayer(instruction, base.line, round(span.point / MB, 1),
                              (round(span.lo / MB, 1), round(span.hi / MB, 1)), (row.line(),))


def system_parts(item: SystemPackages, target: Target, gaps: list[str]) -> Part:
    """An apt-get install / apk add: the closure of what stays, apt's lists if left."""
    apt = item.manager == "apt"
    words = ("apt-get install " if apt else "apk add ") + " ".join(item.packages)
    if item.action == "download" or apt != (distro_of(target) == "debian"):
        gaps.append(f"{words} (line {item.line}): not sized on {target.image}")
        return NOTHING
    if item.removed_same_run:
        return (words + f" (--virtual {item.virtual})", ZERO,
                [f"{item.virtual}: removed by `apk del` in the same RUN, adds nothing"])
    kept = [p for p in item.packages if p not in item.purged_same_run]
    kept, toolchain_lines = _toolchain(kept, "debian" if apt else "alpine")
    total = system_size("debian" if apt else "alpine", target.release, kept, target.arch)
    span, lines = total.span, [f"system package {line}" for line in total.lines]
    lines += toolchain_lines
    if item.purged_same_run:
        lines.append(f"purged in the same RUN, adds nothing: {', '.join(item.purged_same_run)}")
    if apt and item.recommends:
        span = Span(span.point, span.lo, span.hi * RECOMMENDS_HI)
        lines.append("installed without --no-install-recommends: the closures above leave "
                     f"Recommends out; the upper bound adds {RECOMMENDS_HI - 1:.0%} (assumption)")
    if apt and not item.lists_removed:
        lists = float(APT_LISTS.get(target.release, max(APT_LISTS.values())))
        span = span + Span(lists, lists, lists * APT_LISTS_HI)
        lines.append(f"apt lists left in /var/lib/apt/lists (no rm -rf in the same RUN): "
                     f"{_mb(lists)}, {target.release} main amd64 ({APT_LISTS_SOURCE}); the "
                     "upper bound allows for the -updates and -security indexes")
    if not apt and not item.no_cache:
        gaps.append(f"apk add without --no-cache (line {item.line}): the index cache in "
                    "/var/cache/apk is not sized")
    return words, span, lines


def _toolchain(packages: list[str], distro: str) -> tuple[list[str], list[str]]:
    """Compiler packages named without the toolchain package (`gcc`, `musl-dev`): the table
    sizes only the toolchain's closure, so they count as it, an upper bound."""
    members = [p for p in packages if p in TOOLCHAIN_MEMBERS[distro] and p != TOOLCHAIN[distro]]
    if not members or TOOLCHAIN[distro] in packages:
        return packages, []
    return [*packages, TOOLCHAIN[distro]], [
        f"{', '.join(members)}: sized as the {TOOLCHAIN[distro]} closure they are most of "
        "(the table has no row of their own; an upper bound)"]


def installs_service(item: PythonInstall) -> bool:
    """An install of the service's packages, not only of the installers themselves."""
    return bool(item.requirements) or item.tool in (Tool.UV_SYNC, Tool.POETRY, Tool.PIPENV) \
        or any(s.split("[")[0].split("=")[0].split("<")[0].split(">")[0].lower()
               not in INSTALLERS for s in item.specs)


def compiles(item: PythonInstall, stage: Stage) -> bool:
    """Whether the install writes .pyc files: pip and pipenv do unless told not to; uv and
    poetry only when asked (UV_COMPILE_BYTECODE, --compile-bytecode, --compile)."""
    env = dict(stage.install_env)
    if item.pyc_removed or "--no-compile" in item.flags:
        return False
    if item.tool in (Tool.UV_PIP, Tool.UV_SYNC):
        return "--compile-bytecode" in item.flags or \
            env.get("UV_COMPILE_BYTECODE", "") not in ("", "0", "false")
    if item.tool is Tool.POETRY:
        return "--compile" in item.flags
    return "PIP_NO_COMPILE" not in env


def _local(item: PythonInstall) -> bool:
    """Installs from files already in the image (a wheel folder): nothing is downloaded."""
    return "--no-index" in item.flags or (not item.requirements and bool(item.specs) and all(
        s.startswith(("/", ".")) or "*" in s for s in item.specs))


def install_parts(item: PythonInstall, chain: tuple[Stage, ...], service: ServicePackages,
                  gaps: list[str]) -> Part:
    """The service's packages, their bytecode, and the installer's cache if left."""
    words = f"{item.tool.value} install " + " ".join(
        [*(f"-r {r}" for r in item.requirements), *item.specs])
    if service.placed is not None:
        gaps.append(f"{words.strip()} (line {item.line}): its packages are counted once, at "
                    f"line {service.placed}")
        return NOTHING
    service.placed = item.line
    stage = next(s for s in chain if s.index == item.stage)
    span, lines = service.installed()
    span, lines = _with_bytecode(span, lines, service, compiles(item, stage))
    if item.tool in (Tool.PIP, Tool.PIPENV) and item.cache is Cache.KEPT and not _local(item):
        cache, cache_lines = service.wheels()
        span = span + cache
        lines += [f"pip's cache left in /root/.cache/pip (no --no-cache-dir): {line}"
                  for line in cache_lines]
    elif item.cache is Cache.KEPT and not _local(item):
        gaps.append(f"{item.tool.value}'s cache left in the image (line {item.line}) is not "
                    "sized")
    elif item.cache is Cache.UNKNOWN:
        gaps.append(f"whether {item.tool.value}'s cache stays (line {item.line}) is not known")
    else:
        lines.append(f"installer cache: none left ({item.cache.value})")
    return words.strip(), span, lines


def _with_bytecode(span: Span, lines: list[str], service: ServicePackages,
                   compiled: bool) -> tuple[Span, list[str]]:
    if not compiled:
        return span, [*lines, "bytecode: none (not compiled, or removed in the same RUN)"]
    pyc, line = service.bytecode()
    return span + pyc, [*lines, line]


def _covers(src: str, path: str) -> bool:
    src, path = posixpath.normpath(src), posixpath.normpath(path)
    return src == path or path.startswith(src.rstrip("/") + "/")


def copy_from_layer(copy: CopyFrom, model: DockerfileModel, service: ServicePackages,
                    gaps: list[str]) -> Part:
    """`COPY --from=stage`: a wheel folder (the wheels' bytes) or an installed environment
    (the packages and their bytecode); anything else is not sized."""
    words = f"--from={copy.source} {' '.join(copy.src)} {copy.dest}"
    where = f"COPY {words} (line {copy.line})"
    if copy.source_stage is None:
        gaps.append(f"{where}: files from another image are not sized")
        return NOTHING
    source = model.stages[copy.source_stage]
    chain = model.chain(source)
    installs = [i for i in model.python_installs
                if i.stage in {s.index for s in chain} and i.taken is not False]
    later = " (removed by a later RUN: still in this layer)" if copy.removed_later else ""
    for install in installs:
        if install.wheel_dir and any(_covers(src, install.wheel_dir) for src in copy.src):
            span, lines = service.wheels()
            return words, span, [f"wheel folder {install.wheel_dir} of stage {copy.source} "
                                 f"(pip wheel, line {install.line}){later}", *lines]
    service_installs = [i for i in installs if i.tool is not Tool.PIP_WHEEL
                        and installs_service(i)]
    if service_installs and service.placed is None:
        install = service_installs[0]
        service.placed = copy.line
        span, lines = service.installed()
        stage = next(s for s in chain if s.index == install.stage)
        span, lines = _with_bytecode(span, lines, service, compiles(install, stage))
        return words, span, [f"packages installed in stage {copy.source} ("
                             f"{install.tool.value}, line {install.line}), copied here{later}",
                             *lines]
    gaps.append(f"{where}: files from stage {copy.source} are not sized")
    return NOTHING
