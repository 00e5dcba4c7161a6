"""Which of a Dockerfile's own system packages a migration keeps (pure).

Build packages (compilers, `-dev` headers, a virtual group deleted in the same RUN, whatever
that RUN purges) are replaced by the plan's. The others are the service's own choice —
ca-certificates, tzdata, a database client — and are kept; when the distro family changes,
only those known by the same name on Debian and Alpine are.
"""

from __future__ import annotations

from wheelfit.sources.dockerfile.model import DockerfileModel

BUILD_TOOLS = frozenset({
    "gcc", "g++", "make", "cmake", "build-base", "build-essential", "musl-dev", "libc-dev",
    "libc6-dev", "linux-headers", "pkgconf", "pkg-config", "gfortran", "cargo", "rust",
    "rustc", "autoconf", "automake", "libtool", "clang", "binutils", "swig", "meson",
    "ninja", "ninja-build", "python3-dev", "git", "patch", "file", "dpkg-dev", "cython3",
})
SAME_NAME = frozenset({
    "ca-certificates", "tzdata", "curl", "wget", "git", "bash", "openssl", "gettext",
    "postgresql-client", "tini", "gosu", "su-exec", "shared-mime-info", "mailcap", "xz",
    "unzip", "zip", "jq", "make", "netcat-openbsd", "file", "less", "tar", "gzip",
})


def is_build_package(name: str) -> bool:
    """A compiler, a header package, or a build tool."""
    base = name.split("=")[0].split(":")[0]
    return base in BUILD_TOOLS or base.endswith(("-dev", "-devel", "-headers"))


def own_packages(model: DockerfileModel, line: int) -> tuple[str, ...]:
    """The packages the RUN at `line` installs for the image to keep, build packages and
    whatever the same RUN removes again left out."""
    kept: list[str] = []
    for entry in model.system_packages:
        if entry.line != line or entry.action not in ("install", "add"):
            continue
        if entry.virtual is not None and entry.removed_same_run:
            continue
        kept.extend(p for p in entry.packages
                    if p not in entry.purged_same_run and not is_build_package(p))
    return tuple(dict.fromkeys(kept))


def check_names(packages: tuple[str, ...], manager_before: str, alpine: bool) -> list[str]:
    """Own packages not known by the same name on the new distro (only when the family
    changes)."""
    changes = (manager_before == "apt") == alpine
    return [p for p in packages if changes and p not in SAME_NAME]


def manager_of(model: DockerfileModel, line: int) -> str:
    """`apt` or `apk`: the package manager the RUN at `line` calls."""
    return next((e.manager for e in model.system_packages if e.line == line), "apt")
