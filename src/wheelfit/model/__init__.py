"""The domain model: frozen dataclasses and enums shared by every layer.

The JSON report is this model serialised (see `formats/json_format.py`); renaming a field
here is a breaking change of the report contract (`schema_version`).

What only a Dockerfile input carries (`DockerfileInfo`, today's image: `CurrentImage`,
`CurrentLayer`) is declared in `model/docker.py`, which loads with the first Dockerfile:
creating a dataclass costs about a millisecond, and most runs have no Dockerfile. Its
names are still found here (`wheelfit.model.CurrentImage`), loaded on first access.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

if TYPE_CHECKING:
    from wheelfit.model.docker import CurrentImage as CurrentImage
    from wheelfit.model.docker import CurrentLayer as CurrentLayer
    from wheelfit.model.docker import DockerfileInfo as DockerfileInfo

SCHEMA_VERSION = 1


class Variant(str, Enum):
    """The two official python image families wheelfit compares."""

    SLIM = "slim"
    ALPINE = "alpine"


class Libc(str, Enum):
    """The C library of a target image; decides which wheel platform tags apply."""

    GLIBC = "glibc"
    MUSL = "musl"

    @property
    def wheel_family(self) -> str:
        """The wheel platform family built for this libc."""
        return "manylinux" if self is Libc.GLIBC else "musllinux"


@dataclass(frozen=True)
class Target:
    """One image to check against: `python:<python>-slim-<release>` or `-alpine<release>`."""
    name: str
    variant: Variant
    python: str
    python_full: str
    arch: str
    libc: Libc
    libc_version: str
    release: str
    image: str
    nearest_published: str | None = field(default=None, metadata={"omit_none": True})


class Status(str, Enum):
    """What pip does with a package on a target."""

    BINARY_WHEEL = "binary-wheel"
    PURE_WHEEL = "pure-wheel"
    SOURCE_BUILD = "source-build"
    UNAVAILABLE = "unavailable"
    NOT_FOUND = "not-found"
    NOT_REQUIRED = "not-required"
    UNKNOWN = "unknown"


# --- what an index says about a project -------------------------------------------------


@dataclass(frozen=True, slots=True)
class DistFile:
    """One file of a project on an index (PEP 691 / PEP 503 / PEP 700 fields)."""

    filename: str
    url: str
    hashes: tuple[tuple[str, str], ...] = ()
    requires_python: str | None = None
    yanked: bool = False
    yanked_reason: str | None = None
    size: int | None = None
    upload_time: str | None = None
    # PEP 658/714: None = no metadata file; () = present without hash; else its hashes.
    metadata_hashes: tuple[tuple[str, str], ...] | None = None
    index_url: str = ""

    @property
    def is_wheel(self) -> bool:
        """True for a `.whl`."""
        return self.filename.endswith(".whl")

    @property
    def has_metadata_file(self) -> bool:
        """True when the index serves `<url>.metadata` (PEP 658/714)."""
        return self.metadata_hashes is not None

    def hash(self, name: str = "sha256") -> str | None:
        """The file's digest of the given algorithm, if the index gave one."""
        return dict(self.hashes).get(name)


class ProjectPage:
    """Every file of one project, merged across the configured indexes, by version.

    `groups` maps each version to its files and may decode them lazily (a check of a lock
    looks at one version of a 10,000-file page); `files` lists them all.
    """

    __slots__ = ("groups", "index_urls", "name")

    def __init__(self, name: str, groups: Mapping[Version, list[DistFile]],
                 index_urls: tuple[str, ...] = ()) -> None:
        self.name = name
        self.groups = groups
        self.index_urls = index_urls

    @property
    def files(self) -> tuple[DistFile, ...]:
        """Every file, version by version (decodes every version)."""
        return tuple(f for version in self.groups for f in self.groups[version])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProjectPage):
            return NotImplemented
        return (self.name, self.index_urls, self.files) == (
            other.name, other.index_urls, other.files)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ProjectPage({self.name!r}, {len(self.groups)} versions, {self.index_urls!r})"


# --- what the input files say ----------------------------------------------------------


@dataclass(frozen=True)
class RequirementEntry:
    """A requirement read from an input, with where it was written (`file:line`)."""

    requirement: Requirement
    origin: str


@dataclass(frozen=True)
class LockedPackage:
    """A package pinned by a lock file: no resolution needed. `index_url` is the other
    index the lock takes it from (None: the project's own), `index_name` that index's name
    in the lock or the project file (it names the environment variables of its credentials)."""

    name: str
    version: str
    origin: str
    marker: Marker | None = None
    files: tuple[str, ...] = ()
    index_url: str | None = None
    index_name: str | None = None


@dataclass(frozen=True)
class SkippedEntry:
    """An input line that is not checked against the index, and why."""

    text: str
    origin: str
    reason: str


@dataclass(frozen=True)
class IndexOptions:
    """Index and selection options, as pip knows them."""

    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    pre: bool = False
    only_binary: frozenset[str] = frozenset()
    no_binary: frozenset[str] = frozenset()
    prefer_binary: bool = False


@dataclass(frozen=True)
class PythonHint:
    """A target Python version the input asks for, and where it said so."""

    version: str
    source: str


@dataclass(frozen=True)
class DependencySpec:
    """Everything one input file asks for. `locked` is None when resolution is needed."""

    path: str
    format: str
    requirements: tuple[RequirementEntry, ...] = ()
    constraints: tuple[RequirementEntry, ...] = ()
    locked: tuple[LockedPackage, ...] | None = None
    skipped: tuple[SkippedEntry, ...] = ()
    options: IndexOptions = IndexOptions()
    python: PythonHint | None = None
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    dockerfile: DockerfileInfo | None = None


# --- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildNeeds:
    """System packages a source build needs, and what the final image keeps."""

    apk: tuple[str, ...] = ()
    apk_runtime: tuple[str, ...] = ()
    apt: tuple[str, ...] = ()
    apt_runtime: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    source: str | None = None
    # What the plan rests on: recipe, mapping, build-files, pep725 or unknown.
    basis: str | None = None
    # What the plan could not name packages for ("compiles C; the libraries it links ...").
    unknown: tuple[str, ...] = ()
    # `[build-system] requires` resolved for the same target; a child without a wheel
    # there is a source build of its own, and its build packages are in the lists above.
    build_requires: tuple[BuildRequirement, ...] = ()
    # Why the build requirements are not (all) listed: sdist unreadable, conflict, bounds.
    build_requires_note: str | None = None


@dataclass(frozen=True)
class BuildRequirement:
    """One package pip's isolated build installs first, as the parent's target gets it:
    `requirement` as written, the verdict, a one-line plan summary for a source build, and
    that build's own needs (with its own build requirements, depth-bounded)."""

    name: str
    version: str | None
    verdict: Status
    requirement: str
    summary: str
    build: BuildNeeds | None = None


@dataclass(frozen=True)
class Alternative:
    """A way around a source build: another version, a binary twin, or Alpine's own package."""

    kind: str
    name: str
    version: str | None
    note: str


@dataclass(frozen=True)
class Bytecode:
    """A wheel's `.pyc` bytes, computed (`--exact-bytecode`); `exact`: the target's minor."""
    pyc_bytes: int
    files: int
    failed: int
    python: str
    exact: bool


@dataclass(frozen=True)
class Verdict:
    """What pip would do with one package on one target."""

    status: Status
    version: str | None = None
    file: str | None = None
    tag: str | None = None
    reason: str | None = None
    available_platforms: tuple[str, ...] = ()
    untrusted: bool = False
    native: bool | None = None
    evidence: tuple[str, ...] = ()
    build: BuildNeeds | None = None
    alternatives: tuple[Alternative, ...] = ()
    installed_bytes: int | None = None
    # `.py` bytes pip compiles (central directory), download size (index); None: unknown.
    py_bytes: int | None = None
    download_bytes: int | None = None
    bytecode: Bytecode | None = field(default=None, metadata={"omit_none": True})


@dataclass(frozen=True)
class PackageResult:
    """One project the input needs (directly or not), with a verdict per target."""

    name: str
    version: str | None
    requested_by: tuple[str, ...]
    verdicts: Mapping[str, Verdict]
    direct: bool = False
    unresolved: bool = False
    dependencies_unknown: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """Something the user should know that is not one package's verdict."""

    kind: str
    message: str
    target: str | None = None


@dataclass(frozen=True)
class RequestStats:
    """Network accounting for `-v`."""

    requests: int = 0
    from_cache: int = 0
    bytes_downloaded: int = 0


@dataclass(frozen=True)
class VariantEstimate:
    """Size and build cost of one way to build the image (slim, alpine-multistage, …)."""

    name: str
    image: str
    size_mb: float | None
    size_mb_range: tuple[float, float] | None
    source_builds: int
    pure_sdists: int = 0
    heavy_builds: tuple[str, ...] = ()
    build_minutes_range: tuple[float, float] = (0.0, 0.0)
    basis: tuple[str, ...] = ()
    available: bool = True


@dataclass(frozen=True)
class Estimate:
    """Every variant's estimate for one input."""

    variants: tuple[VariantEstimate, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    """Which variant to use, why, and how sure wheelfit is."""

    variant: str
    sentence: str
    reasons: tuple[str, ...]
    confidence: str
    musl_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Commands:
    """Aggregated system-package commands for the source builds of one report."""

    apk_build: str | None = None
    apk_runtime: str | None = None
    apt_build: str | None = None
    apt_runtime: str | None = None
    apk_build_packages: tuple[str, ...] = ()
    apk_runtime_packages: tuple[str, ...] = ()
    apt_build_packages: tuple[str, ...] = ()
    apt_runtime_packages: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Report:
    """The result of checking one input file against its targets."""

    input: str
    input_format: str
    targets: tuple[Target, ...]
    python_source: str
    packages: tuple[PackageResult, ...]
    skipped: tuple[SkippedEntry, ...] = ()
    problems: tuple[Problem, ...] = ()
    index_urls: tuple[str, ...] = ()
    stats: RequestStats = field(default_factory=RequestStats)
    commands: Commands | None = None
    estimate: Estimate | None = None
    recommendation: Recommendation | None = None
    schema_version: int = SCHEMA_VERSION
    dockerfile: DockerfileInfo | None = None
    current: CurrentImage | None = None

    @property
    def complete(self) -> bool:
        """False when anything is unknown: the index failed for something, or some
        package's dependencies could not be read (so the packages they need are missing)."""
        return self.index_complete and not any(p.dependencies_unknown for p in self.packages)

    @property
    def index_complete(self) -> bool:
        """False when the index failed for something: an unknown verdict, or dependencies
        that could not be fetched. Exit code 6 follows this, not `complete`."""
        if any(p.kind == "index" for p in self.problems):
            return False
        return not any(
            v.status is Status.UNKNOWN for p in self.packages for v in p.verdicts.values()
        )


if not TYPE_CHECKING:  # for mypy, the names above; at run time, loaded on first access
    def __getattr__(name: str) -> type:
        """`DockerfileInfo`, `CurrentImage`, `CurrentLayer`: from `model/docker.py`."""
        if name in {"DockerfileInfo", "CurrentImage", "CurrentLayer"}:
            from wheelfit.model import docker

            return getattr(docker, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
