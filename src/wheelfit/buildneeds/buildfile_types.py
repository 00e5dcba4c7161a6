"""What an sdist's build files say, as frozen values: every fact names the file and line it
was read from (the `basis: build-files` evidence of a plan).

Built by `wheelfit.buildneeds.buildfiles` (the reader) and `wheelfit.buildneeds.pep725`
(the `[external]` table); read by `wheelfit.buildneeds.buildplan`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Kinds of system dependency a build file can name.
PKG_CONFIG = "pkg-config"
LIBRARY = "library"
CMAKE = "cmake"
INTERFACE = "interface"  # a BLAS/LAPACK the build links (numpy.distutils system_info)
TOOL = "config-tool"  # a library's config script: pg_config, krb5-config
# The `condition` of a pkg-config name setup.py tries among others (any one will do).
CANDIDATE = "one of the pkg-config names setup.py tries"


@dataclass(frozen=True, order=True)
class Origin:
    """Where a fact was read: a member path inside the sdist (without the top directory)
    and a 1-based line (0 when the fact is about the file as a whole)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class SystemDep:
    """A system library the build looks for: a pkg-config module (`glib-2.0`), a library
    linked by name (`pq` for -lpq) or a CMake package (`ZLIB`).

    `optional`: the build goes on without it (meson `required: false`, CMake without
    REQUIRED, autoconf's `AC_CHECK_LIB` with an action for "not found" is not told apart).
    `condition`: the build option that decides (meson `required: get_option('x')`), if any.
    """

    name: str
    kind: str
    origin: Origin
    optional: bool = False
    condition: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class Language:
    """A compiled language the build uses: c, c++, fortran, rust, cython, go."""

    name: str
    origin: Origin


@dataclass(frozen=True)
class LlvmNeed:
    """The build needs LLVM; `major` when the files say which version (else None)."""

    major: int | None
    origin: Origin
    detail: str = ""


@dataclass(frozen=True)
class RustVersion:
    """A crate's minimum supported Rust (`rust-version`), as written."""

    version: str
    origin: Origin


@dataclass(frozen=True)
class ExternalDep:
    """One PEP 725 `[external]` entry.

    `id` is the normalised DepURL without version (`dep:generic/openssl`,
    `dep:virtual/compiler/rust`); `section` is `build-requires`, `host-requires` or
    `dependencies`; `group` names the optional group of the `optional-*` forms.
    """

    id: str
    type: str
    namespace: str
    name: str
    section: str
    origin: Origin
    version: str | None = None
    marker: str | None = None
    group: str | None = None

    @property
    def optional(self) -> bool:
        """True for the `optional-*` forms."""
        return self.group is not None


@dataclass(frozen=True)
class BuildFileFacts:
    """Everything read from one sdist's build files.

    `native`: True when something compiles (a language or a native backend), False when
    the files show a pure-Python build, None when they cannot tell. `requires` are the
    canonical names of `[build-system] requires` (pip's isolated build fetches them).
    `notes` say what was skipped (caps hit, unreadable files), for the report.
    """

    backend: str | None = None
    requires: tuple[str, ...] = ()
    languages: tuple[Language, ...] = ()
    system_deps: tuple[SystemDep, ...] = ()
    llvm: tuple[LlvmNeed, ...] = ()
    rust_version: RustVersion | None = None
    external: tuple[ExternalDep, ...] = ()
    native: bool | None = None
    evidence: tuple[str, ...] = ()
    files_read: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def language_names(self) -> frozenset[str]:
        """The languages, by name."""
        return frozenset(lang.name for lang in self.languages)

    @property
    def pure(self) -> bool:
        """True when the files show there is nothing to compile."""
        return self.native is False
