"""Target images: image name → CPython, arch, libc → ordered wheel tags and marker environment.

Everything here describes the *target* image, never the machine wheelfit runs on: tag lists
are built with `packaging.tags.cpython_tags` / `compatible_tags` from explicit platform
lists, because `sys_tags()` and packaging's manylinux/musllinux helpers probe the host.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from packaging import tags

from wheelfit.errors import UsageError
from wheelfit.model import Libc, Target, Variant

DEFAULT_PYTHON = "3.12"
DEFAULT_ARCH = "x86_64"
DEFAULT_DEBIAN = "trixie"
DEFAULT_ALPINE = "3.24"
ARCHES = ("x86_64", "aarch64")

# Debian release → glibc version (Debian's libc6 package in that release; bullseye: glibc
# 2.31 in bullseye's main Sources on deb.debian.org, read 2026-12-07). Oldest first.
DEBIAN_GLIBC = {"bullseye": "2.31", "bookworm": "2.36", "trixie": "2.41"}
# Alpine release → musl version (../shared/data/alpine/releases.tsv, aports history; 3.18 and
# 3.19: musl-1.2.4-r1 / musl-1.2.4_git20230717-r4 in docker-library/repo-info's
# repos/python/local/3.11-alpine3.18.md and 3.11-alpine3.19.md). Oldest first.
ALPINE_MUSL = {
    "3.18": "1.2.4",
    "3.19": "1.2.4",
    "3.20": "1.2.5",
    "3.21": "1.2.5",
    "3.22": "1.2.5",
    "3.23": "1.2.5",
    "3.24": "1.2.6",
}
# The newest patch release the official images carry for each minor, on every release still
# published (bookworm, trixie, alpine3.23, alpine3.24); data/base-images.tsv's rows of those
# releases agree (tests/sizing/test_base_image_patches.py). Source: docker-library/repo-info
# repos/python/remote/<X.Y.Z>.md, ENV PYTHON_VERSION of the published image (read 2026-12-07
# through the search index): 3.14.7 and 3.13.15 built 2026-08-25 (@0c376450), 3.10.21 built
# 2026-09-19 (@1d9af683), 3.12.14 (@b4911692), 3.11.16 (@21e7e4cb); no later python patch is
# in repo-info there. 3.9.25 is 3.9's final release (docker-library/python 38aab6a1,
# 2025-10-31, then 59e4abf1 removed 3.9); 3.7 and 3.8: their final releases. Markers such as
# python_full_version are evaluated against it; `--python X.Y.Z` overrides it.
PYTHON_PATCH = {
    "3.7": "3.7.17",
    "3.8": "3.8.20",
    "3.9": "3.9.25",
    "3.10": "3.10.21",
    "3.11": "3.11.16",
    "3.12": "3.12.14",
    "3.13": "3.13.15",
    "3.14": "3.14.7",
}
# Releases whose python images stopped: minor -> the last patch docker-library/python
# published there (its git history: ENV PYTHON_VERSION of <minor>/[slim-]bullseye and
# <minor>/alpine3.N before the commit that removed them; read 2026-12-07 from a snapshot of
# 2026-06-23). Removals: bullseye 093598a0 (2025-08-08; 3.8 left in 069d5b03, 2024-10-07),
# alpine3.18 f93fe0bd (2024-05-22), 3.19 3d7b328b (2024-12-05), 3.20 7a46d5a1 (2025-05-30),
# 3.21 aad39d21 (2025-12-03), 3.22 bb96c631 (2026-06-10); 3.8 and 3.9 ended with their
# series (069d5b03, 59e4abf1). A minor missing here never had images on that release.
STOPPED_RELEASE_PATCH = {
    "bullseye": {"3.8": "3.8.20", "3.9": "3.9.23", "3.10": "3.10.18", "3.11": "3.11.13",
                 "3.12": "3.12.11", "3.13": "3.13.6"},
    "3.18": {"3.8": "3.8.19", "3.9": "3.9.19", "3.10": "3.10.14", "3.11": "3.11.9",
             "3.12": "3.12.3"},
    "3.19": {"3.8": "3.8.20", "3.9": "3.9.21", "3.10": "3.10.16", "3.11": "3.11.11",
             "3.12": "3.12.8", "3.13": "3.13.1"},
    "3.20": {"3.8": "3.8.20", "3.9": "3.9.22", "3.10": "3.10.17", "3.11": "3.11.12",
             "3.12": "3.12.10", "3.13": "3.13.3"},
    "3.21": {"3.9": "3.9.25", "3.10": "3.10.19", "3.11": "3.11.14", "3.12": "3.12.12",
             "3.13": "3.13.10", "3.14": "3.14.1"},
    "3.22": {"3.9": "3.9.25", "3.10": "3.10.20", "3.11": "3.11.15", "3.12": "3.12.13",
             "3.13": "3.13.13", "3.14": "3.14.6"},
}
# The minors the official images carry on each release still published (the same source as
# PYTHON_PATCH; 3.8 and 3.9 ended before trixie's and alpine3.23's images began). With
# STOPPED_RELEASE_PATCH this says which (minor, release) pairs were ever published, for the
# minors below; data/base-images.tsv has rows for exactly those pairs (tests keep them equal).
CURRENT_RELEASE_MINORS = {
    "bookworm": ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"),
    "trixie": ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14"),
    "3.23": ("3.10", "3.11", "3.12", "3.13", "3.14"),
    "3.24": ("3.10", "3.11", "3.12", "3.13", "3.14"),
}
TRACKED_MINORS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
# Oldest manylinux glibc per arch (PEP 600: aarch64 wheels start at manylinux2014 = 2.17).
_MANYLINUX_FLOOR = {"x86_64": 5, "aarch64": 17}
_LEGACY_ALIAS = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}


def parse_python(value: str, release: str | None = None) -> tuple[str, str]:
    """Split `3.12` or `3.12.4` into (minor, full); the full version defaults to the patch
    the images of `release` carry (`release_patch`), else to PYTHON_PATCH."""
    parts = value.strip().split(".")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts) or parts[0] != "3":
        raise UsageError(
            f"--python {value!r} is not a CPython 3 version",
            hint="Give it as X.Y or X.Y.Z, for example --python 3.12.",
        )
    minor = f"{parts[0]}.{int(parts[1])}"
    if len(parts) == 3:
        return minor, ".".join(str(int(p)) for p in parts)
    known = release_patch(minor, release) if release else None
    return minor, known or PYTHON_PATCH.get(minor, f"{minor}.0")


def release_patch(minor: str, release: str) -> str | None:
    """The patch release the python:<minor> images of a Debian or Alpine release carry: the
    last one published for a release whose images stopped (None if that pair never had
    images), else the newest (PYTHON_PATCH)."""
    stopped = STOPPED_RELEASE_PATCH.get(release)
    return stopped.get(minor) if stopped is not None else PYTHON_PATCH.get(minor)


def published(minor: str, release: str) -> bool | None:
    """Whether official python:<minor> images were ever published for a Debian or Alpine
    release; None when wheelfit's tables do not track that minor or release."""
    if minor not in TRACKED_MINORS:
        return None
    stopped = STOPPED_RELEASE_PATCH.get(release)
    if stopped is not None:
        return minor in stopped
    current = CURRENT_RELEASE_MINORS.get(release)
    return None if current is None else minor in current


def _suffix(variant: Variant, release: str) -> str:
    return f"slim-{release}" if variant is Variant.SLIM else f"alpine{release}"


def nearest_release(minor: str, variant: Variant, release: str) -> str | None:
    """The release nearest to `release` (same family; the newer one on a tie) whose official
    images had this minor, when `release` never had them; None otherwise."""
    if published(minor, release) is not False:
        return None
    order = list(DEBIAN_GLIBC if variant is Variant.SLIM else ALPINE_MUSL)
    at = order.index(release)
    found = [r for r in order if published(minor, r)]
    return min(found, key=lambda r: (abs(order.index(r) - at), -order.index(r)), default=None)


def nearest_published(minor: str, variant: Variant, release: str) -> str | None:
    """The pinned tag of `nearest_release` (python:3.8.20-slim-bookworm), or None."""
    near = nearest_release(minor, variant, release)
    if near is None:
        return None
    return f"python:{release_patch(minor, near) or minor}-{_suffix(variant, near)}"


def image_gap(target: Target) -> str | None:
    """The plain sentence for a target whose Python and release never had an official
    image (None when they did, or when wheelfit does not track the pair)."""
    near = target.nearest_published
    if near is None:
        return None
    slim = target.variant is Variant.SLIM
    distro = "Debian" if slim else "Alpine"
    head = f"no official python {target.python} image exists for {distro} {target.release}"
    release = nearest_release(target.python, target.variant, target.release)
    if release is None:  # a Target built by hand: no release to explain it by
        return f"{head}; the nearest published one is {near}"
    order = list(DEBIAN_GLIBC if slim else ALPINE_MUSL)
    why = (f"python {target.python}'s images ended before {distro} {target.release}'s began"
           if order.index(release) < order.index(target.release) else
           f"{distro} {target.release}'s python images ended before python {target.python}'s "
           "began")
    flag = "--debian" if slim else "--alpine"
    return f"{head} ({why}); the nearest published one is {near}: check it with {flag} {release}"


def image_tag(target: Target) -> str:
    """The official image tag, pinned to the patch release its release carries
    (python:3.12.14-slim-trixie, python:3.11.13-slim-bullseye), else by minor version
    (python:3.14-alpine3.24; also a pair never published, python:3.8-slim-trixie)."""
    known = (target.nearest_published is None
             and release_patch(target.python, target.release) == target.python_full)
    version = target.python_full if known else target.python
    return f"python:{version}-{_suffix(target.variant, target.release)}"


def make_target(
    variant: Variant,
    python: str = DEFAULT_PYTHON,
    arch: str = DEFAULT_ARCH,
    debian: str = DEFAULT_DEBIAN,
    alpine: str = DEFAULT_ALPINE,
) -> Target:
    """Describe the official python image for a variant, Python version and arch."""
    if arch not in ARCHES:
        raise UsageError(f"--arch {arch!r} is not supported", hint="Use x86_64 or aarch64.")
    minor, full = parse_python(python, debian if variant is Variant.SLIM else alpine)
    if variant is Variant.SLIM:
        if debian not in DEBIAN_GLIBC:
            raise UsageError(
                f"--debian {debian!r} is not supported",
                hint=f"Use one of: {', '.join(DEBIAN_GLIBC)}.",
            )
        return Target(
            name="slim", variant=variant, python=minor, python_full=full, arch=arch,
            libc=Libc.GLIBC, libc_version=DEBIAN_GLIBC[debian], release=debian,
            image=f"python:{minor}-slim-{debian}",
            nearest_published=nearest_published(minor, variant, debian),
        )
    if alpine not in ALPINE_MUSL:
        raise UsageError(
            f"--alpine {alpine!r} is not supported", hint=f"Use one of: {', '.join(ALPINE_MUSL)}."
        )
    return Target(
        name="alpine", variant=variant, python=minor, python_full=full, arch=arch,
        libc=Libc.MUSL, libc_version=ALPINE_MUSL[alpine], release=alpine,
        image=f"python:{minor}-alpine{alpine}",
        nearest_published=nearest_published(minor, variant, alpine),
    )


def platform_tags(target: Target) -> list[str]:
    """The target's platform tags, most specific first, as pip on that image orders them."""
    arch = target.arch
    major, minor = (int(x) for x in target.libc_version.split(".")[:2])
    platforms: list[str] = []
    if target.libc is Libc.MUSL:
        platforms += [f"musllinux_{major}_{m}_{arch}" for m in range(minor, -1, -1)]
    else:
        for glibc_minor in range(minor, _MANYLINUX_FLOOR[arch] - 1, -1):
            platforms.append(f"manylinux_{major}_{glibc_minor}_{arch}")
            alias = _LEGACY_ALIAS.get(glibc_minor)
            if alias:
                platforms.append(f"{alias}_{arch}")
    platforms.append(f"linux_{arch}")
    return platforms


@lru_cache(maxsize=64)
def _ordered_tags(target: Target) -> tuple[tags.Tag, ...]:
    version = tuple(int(x) for x in target.python.split("."))
    interpreter = f"cp{version[0]}{version[1]}"
    platforms = platform_tags(target)
    ordered = list(tags.cpython_tags(version, [interpreter], platforms))
    ordered += list(tags.compatible_tags(version, interpreter, platforms))
    return tuple(dict.fromkeys(ordered))


def supported_tags(target: Target) -> tuple[tags.Tag, ...]:
    """Every wheel tag the target accepts, best first (pip's preference order)."""
    return _ordered_tags(target)


def tag_priority(target: Target) -> dict[tags.Tag, int]:
    """Tag → rank (0 is best) for the target."""
    return _tag_rank(target)


@lru_cache(maxsize=64)
def _tag_rank(target: Target) -> dict[tags.Tag, int]:
    return {tag: i for i, tag in enumerate(_ordered_tags(target))}


def marker_environment(target: Target) -> dict[str, str]:
    """PEP 508 marker variables as they are inside the target image."""
    return {
        "implementation_name": "cpython",
        "implementation_version": target.python_full,
        "os_name": "posix",
        "platform_machine": target.arch,
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": "Linux",
        "platform_version": "",
        "python_full_version": target.python_full,
        "python_version": target.python,
        "sys_platform": "linux",
    }


def default_targets(
    names: Iterable[str] = ("slim", "alpine"),
    python: str = DEFAULT_PYTHON,
    arch: str = DEFAULT_ARCH,
    debian: str = DEFAULT_DEBIAN,
    alpine: str = DEFAULT_ALPINE,
) -> tuple[Target, ...]:
    """Targets for the given variant names, in the order slim, alpine."""
    wanted = set(names)
    return tuple(
        make_target(v, python, arch, debian, alpine) for v in Variant if v.value in wanted
    )
