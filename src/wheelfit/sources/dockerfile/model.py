"""What a Dockerfile says, as frozen values: stages, bases, installs, copies, gaps.

Every item carries the 1-based line of the instruction it comes from. Paths, specs and
flags are kept as written (after ARG/ENV substitution); nothing here is guessed — what the
parser cannot interpret is a `NotModelled` item instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ImageVariant(str, Enum):
    """The flavour of an official `python` image a tag names."""

    SLIM = "slim"
    ALPINE = "alpine"
    FULL = "full"


class Tool(str, Enum):
    """The installer a RUN command calls."""

    PIP = "pip"
    PIP_WHEEL = "pip-wheel"
    UV_PIP = "uv-pip"
    UV_SYNC = "uv-sync"
    POETRY = "poetry"
    PIPENV = "pipenv"


class Cache(str, Enum):
    """What happens to an installer's download cache in the image."""

    OFF = "off"
    MOUNT = "mount"
    REMOVED = "removed"
    KEPT = "kept"
    UNKNOWN = "unknown"


class Gap(str, Enum):
    """Why something is listed as not modelled."""

    COMMAND = "command"            # a command the parser does not interpret
    SCRIPT = "script"              # code run at build time: python -c, a script, curl | sh
    SHELL_WRAPPER = "shell-wrapper"  # sh -c "...": read, but the wrapper itself is not modelled
    CONDITIONAL = "conditional"    # if/for/while/case in a RUN
    SUBSTITUTION = "substitution"  # $(...) or `...` in an install's arguments
    UNRESOLVED = "unresolved"      # a variable without a value in an install's arguments
    GENERATED = "generated"        # an install reads a file the build itself writes
    BASE = "base"                  # Python installs on a base that is not a python image
    INSTRUCTION = "instruction"    # an instruction form the parser does not read


@dataclass(frozen=True, slots=True)
class PythonTag:
    """A `python` image tag read apart; `None` fields are absent from the tag."""

    python: str | None
    variant: ImageVariant | None
    release: str | None


@dataclass(frozen=True, slots=True)
class BaseImage:
    """The base of one stage: an image reference, or an earlier stage by name."""

    reference: str
    line: int
    name: str = ""
    tag: str | None = None
    digest: str | None = None
    stage: str | None = None
    platform: str | None = None
    python: PythonTag | None = None


@dataclass(frozen=True, slots=True)
class Mount:
    """One `RUN --mount=...`; `from_` is a stage or image for bind mounts."""

    line: int
    stage: int
    type: str
    target: str
    source: str | None = None
    from_: str | None = None


@dataclass(frozen=True, slots=True)
class PythonInstall:
    """One installer command of a RUN."""

    line: int
    stage: int
    tool: Tool
    specs: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    wheel_dir: str | None = None
    cache: Cache = Cache.KEPT
    conditional: bool = False
    taken: bool | None = True
    pyc_removed: bool = False
    workdir: str = "/"


@dataclass(frozen=True, slots=True)
class SystemPackages:
    """One `apt-get install` / `apk add` (or `apt-get download`) command."""

    line: int
    stage: int
    manager: str
    action: str
    packages: tuple[str, ...]
    recommends: bool = True
    lists_removed: bool = False
    no_cache: bool = False
    virtual: str | None = None
    removed_same_run: bool = False
    purged_same_run: tuple[str, ...] = ()
    conditional: bool = False
    taken: bool | None = True


@dataclass(frozen=True, slots=True)
class CopyFrom:
    """`COPY --from=` a stage (`stage` set) or an image."""

    line: int
    stage: int
    source: str
    src: tuple[str, ...]
    dest: str
    source_stage: int | None = None
    removed_later: bool = False


@dataclass(frozen=True, slots=True)
class ContextCopy:
    """`COPY`/`ADD` from the build context (sources relative to it) into the image."""

    line: int
    stage: int
    src: tuple[str, ...]
    dest: str


@dataclass(frozen=True, slots=True)
class NotModelled:
    """Something the parser read but does not interpret: `text` is the command as written."""

    line: int
    gap: Gap
    text: str

    def __str__(self) -> str:
        return f"not modelled: {self.text} (line {self.line}; {self.gap.value})"


@dataclass(frozen=True, slots=True)
class Stage:
    """One `FROM` and what follows it up to the next `FROM`."""

    index: int
    name: str | None
    base: BaseImage
    line: int
    args: tuple[tuple[str, str | None], ...] = ()
    install_env: tuple[tuple[str, str], ...] = ()

    @property
    def ref(self) -> str | int:
        """The name a manifest or a report uses: the stage's name, or its index."""
        return self.name if self.name is not None else self.index


@dataclass(frozen=True, slots=True)
class DockerfileModel:
    """A whole Dockerfile as the parser understands it."""

    path: str
    stages: tuple[Stage, ...]
    global_args: tuple[tuple[str, str | None], ...] = ()
    python_installs: tuple[PythonInstall, ...] = ()
    system_packages: tuple[SystemPackages, ...] = ()
    copies_from: tuple[CopyFrom, ...] = ()
    context_copies: tuple[ContextCopy, ...] = ()
    mounts: tuple[Mount, ...] = ()
    inputs: tuple[str, ...] = ()
    not_modelled: tuple[NotModelled, ...] = field(default=())
    constraint_inputs: tuple[str, ...] = ()

    @property
    def final(self) -> Stage:
        """The stage `docker build` builds without `--target`: the last one."""
        return self.stages[-1]

    def chain(self, stage: Stage) -> tuple[Stage, ...]:
        """`stage` and the stages it starts from, nearest first."""
        seen = [stage]
        while seen[-1].base.stage is not None:
            parent = next(s for s in self.stages if s.name == seen[-1].base.stage)
            seen.append(parent)
        return tuple(seen)

    def image_base(self, stage: Stage) -> BaseImage:
        """The image at the root of `stage`'s chain."""
        return self.chain(stage)[-1].base
