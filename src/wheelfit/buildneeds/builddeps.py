"""Source-build needs from the apk/apt mapping, and the install commands they add up to.

Pure functions over a loaded `ApkMapping` (see `wheelfit.buildneeds.mapping`): no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wheelfit.buildneeds.mapping import ApkMapping, BuildSpec
from wheelfit.buildneeds.mapping_types import unique
from wheelfit.model import Alternative, BuildNeeds

BUILD_DEPS_VIRTUAL = ".build-deps"



def expand_uses(mapping: ApkMapping, spec: BuildSpec) -> tuple[str, ...]:
    """The shared entries a spec needs, in order: those its kinds imply, then its own `uses`,
    each followed by what it uses in turn (depth first, each once)."""
    out: dict[str, None] = {}

    def visit(name: str) -> None:
        if name in out:
            return
        out[name] = None
        for used in mapping.shared[name].spec.uses:
            visit(used)

    for kind in spec.native:
        for name in mapping.kinds[kind]:
            visit(name)
    for name in spec.uses:
        visit(name)
    return tuple(out)


def build_needs(mapping: ApkMapping, name: str, version: str | None, *,
                debian_release: str | None = None) -> BuildNeeds | None:
    """What building `name==version` from source needs, or None if the mapping lacks it.

    Version overrides are applied and shared entries expanded (a `c` kind adds
    `build-base` / `build-essential`). `debian_release` picks per-release apt names;
    None means the newest release in the mapping. A pure-Python entry (`native: []`)
    gives empty build lists but may still name runtime libraries (psycopg's libpq).
    """
    entry = mapping.project(name)
    if entry is None:
        return None
    spec = entry.for_version(version)
    specs = [mapping.shared[s].spec for s in expand_uses(mapping, spec)] + [spec]
    env: dict[str, str] = {}
    for s in specs:
        env.update(s.env)
    release = debian_release or mapping.debian_releases[-1]
    return BuildNeeds(
        apk=unique(p for s in specs for p in s.apk),
        apk_runtime=unique(p for s in specs for p in s.apk_runtime),
        apt=unique(p for s in specs for p in s.apt.for_release(debian_release)),
        apt_runtime=unique(p for s in specs for p in s.apt_runtime.for_release(debian_release)),
        env=tuple(sorted(env.items())),
        source="; ".join(entry.source) or None,
        basis=mapping_basis(entry.source),
        unknown=unpackaged(mapping, name, specs, release),
    )


def unpackaged(mapping: ApkMapping, name: str, specs: Sequence[BuildSpec],
               release: str) -> tuple[str, ...]:
    """One line per need the Debian release does not package (`apt_missing`): which need,
    the first later release that has it, and what to do instead."""
    missing = [(r, need) for s in specs for r, need in s.apt_missing]
    releases = mapping.debian_releases
    later = releases[releases.index(release) + 1:] if release in releases else ()
    lines = []
    for need in unique(need for r, need in missing if r == release):
        has = next((r for r in later if (r, need) not in missing), None)
        where = (f"Debian {has} has): build on a python:*-slim-{has} image or newer "
                 f"(--debian {has}), or use" if has else
                 "nor has any later Debian release wheelfit knows): use")
        lines.append(f"{need}: Debian {release} has no package for it ({where} a version of "
                     f"{name} with a wheel for this image")
    return tuple(lines)


def mapping_basis(sources: tuple[str, ...]) -> str:
    """`recipe` when an entry rests on Alpine's recipes alone, else `mapping` (curated)."""
    return "recipe" if sources and all(s.startswith("aports:") for s in sources) else "mapping"


@dataclass(frozen=True)
class PackageCommands:
    """Package lists (sorted, deduplicated) and the shell lines that install them."""

    apk_build: tuple[str, ...] = ()
    apk_runtime: tuple[str, ...] = ()
    apt_build: tuple[str, ...] = ()
    apt_runtime: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()

    @property
    def apk_build_line(self) -> str | None:
        """`apk add` of the build packages as one virtual package, to `apk del` afterwards."""
        if not self.apk_build:
            return None
        return (f"apk add --no-cache --virtual {BUILD_DEPS_VIRTUAL} "
                + " ".join(self.apk_build))

    @property
    def apk_runtime_line(self) -> str | None:
        """`apk add` of what the final image keeps."""
        return "apk add --no-cache " + " ".join(self.apk_runtime) if self.apk_runtime else None

    @property
    def apt_build_line(self) -> str | None:
        """`apt-get install` of the build packages."""
        return _apt_line(self.apt_build)

    @property
    def apt_runtime_line(self) -> str | None:
        """`apt-get install` of what the final image keeps (marks them manually installed)."""
        return _apt_line(self.apt_runtime)

    @property
    def alpine_lines(self) -> tuple[str, ...]:
        """The apk lines: runtime first (it survives `apk del .build-deps`), then build."""
        return tuple(x for x in (self.apk_runtime_line, self.apk_build_line) if x)

    @property
    def debian_lines(self) -> tuple[str, ...]:
        """The apt-get lines: runtime first, then build."""
        return tuple(x for x in (self.apt_runtime_line, self.apt_build_line) if x)


def _apt_line(packages: tuple[str, ...]) -> str | None:
    if not packages:
        return None
    return "apt-get install -y --no-install-recommends " + " ".join(packages)


def aggregate_commands(needs: Iterable[BuildNeeds | None]) -> PackageCommands:
    """One set of install commands for many packages' needs (None entries are skipped).

    Lists are sorted and deduplicated, so the result does not depend on input order. When
    two packages want different values for one environment variable, the first in sorted
    order wins.
    """
    collected = [n for n in needs if n is not None]
    env: dict[str, str] = {}
    for key, value in sorted({pair for n in collected for pair in n.env}):
        env.setdefault(key, value)
    return PackageCommands(
        apk_build=tuple(sorted({p for n in collected for p in n.apk})),
        apk_runtime=tuple(sorted({p for n in collected for p in n.apk_runtime})),
        apt_build=tuple(sorted({p for n in collected for p in n.apt})),
        apt_runtime=tuple(sorted({p for n in collected for p in n.apt_runtime})),
        env=tuple(sorted(env.items())),
    )


def alternatives(mapping: ApkMapping, name: str) -> tuple[Alternative, ...]:
    """Ways around building `name` the mapping names. Never Alpine's own py3-* package:
    python:alpine images carry their own CPython, not Alpine's python3,
    so py3-* packages do not serve them."""
    entry = mapping.project(name)
    if entry is None:
        return ()
    return tuple(a for a in entry.alternatives if a.kind != "alpine-package")
