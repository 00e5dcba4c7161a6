"""A service's own Dockerfile rewritten for another way of building it (pure: text → text).

What changes: every `FROM` of an official python image (same Python version as written, the
plan's variant and release; a digest is dropped), the system-package RUNs (apt ↔ apk, the
plan's packages: build and runtime where wheels are built, runtime only where they are
installed; a virtual package deleted in the same RUN for `alpine-cleanup`; a builder stage
for the multi-stage variants when the file has none), and `--no-cache-dir` on each pip
install or wheel that keeps pip's cache. Everything else stays byte for byte. What cannot be
rewritten safely is kept as written and named in `Migration.notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wheelfit.compat.targets import nearest_published
from wheelfit.errors import InputFileError
from wheelfit.formats import runsegments as seg
from wheelfit.formats.dockerfile import gap_comment
from wheelfit.formats.migrationbuilder import BUILDER, builder_lines, builds_here
from wheelfit.formats.migrationscope import arg_version_swap, may_build
from wheelfit.formats.pipedits import add_pip_option, add_run_flag
from wheelfit.formats.syspackages import check_names, manager_of, own_packages
from wheelfit.model import Variant
from wheelfit.sources.dockerfile.lexer import Instruction, lex
from wheelfit.sources.dockerfile.model import (
    Cache,
    DockerfileModel,
    Stage,
    Tool,
)

MOUNT = f"--mount=type=bind,from={BUILDER},source=/wheels,target=/wheels"


@dataclass(frozen=True)
class MigrationPlan:
    """Where to go: the variant, the image tag suffix, and the system packages."""

    variant: str
    python: str
    suffix: str
    build: tuple[str, ...] = ()
    runtime: tuple[str, ...] = ()
    # The packages that build from source on the variant's target (None: not known, so
    # every install that may build counts as building).
    builds: tuple[str, ...] | None = None
    # (package, need) for what the build plans name no system package for on the target
    # (`formats.dockerfile.gap_pairs`): a comment where the build stage installs packages.
    gaps: tuple[tuple[str, str], ...] = ()

    @property
    def alpine(self) -> bool:
        """True for an Alpine target (apk), False for Debian (apt)."""
        return self.suffix.startswith("alpine")

    @property
    def both(self) -> tuple[str, ...]:
        """Build and runtime packages, sorted and unique."""
        return tuple(sorted(set(self.build) | set(self.runtime)))

    @property
    def build_only(self) -> tuple[str, ...]:
        """Build packages the final image does not keep."""
        return tuple(p for p in self.build if p not in self.runtime)


@dataclass(frozen=True)
class Migration:
    """The rewritten Dockerfile and what was left for a person to do."""

    text: str
    notes: tuple[str, ...] = ()


@dataclass
class _Doc:
    lines: list[str]
    instructions: tuple[Instruction, ...]
    spans: list[tuple[int, int]]
    stage_of: list[int]
    model: DockerfileModel
    plan: MigrationPlan
    text_of: dict[int, str] = field(default_factory=dict)
    rebuilt: dict[int, list[str]] = field(default_factory=dict)
    before: dict[int, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    gaps_said: bool = False

    def original(self, index: int) -> str:
        start, end = self.spans[index]
        return "\n".join(self.lines[start:end + 1])

    def current(self, index: int) -> str:
        return self.text_of.get(index, self.original(index))

    def in_stage(self, stage: int) -> list[int]:
        return [i for i, s in enumerate(self.stage_of) if s == stage]


def _spans(lines: list[str], starts: list[int]) -> list[tuple[int, int]]:
    """0-based first and last physical line of each instruction (trailing comments and blank
    lines belong to no instruction)."""
    spans = []
    for number, start in enumerate(starts):
        stop = starts[number + 1] if number + 1 < len(starts) else len(lines)
        end = start
        for at in range(start, stop):
            if lines[at].strip() and not lines[at].lstrip().startswith("#"):
                end = at
        spans.append((start, end))
    return spans


def _read(text: str, model: DockerfileModel, plan: MigrationPlan) -> _Doc:
    lexed = lex(text, model.path)
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    instructions = lexed.instructions
    stage_of, stage = [], -1
    for ins in instructions:
        stage += ins.keyword == "FROM"
        stage_of.append(stage)
    spans = _spans(lines, [ins.line - 1 for ins in instructions])
    return _Doc(lines, instructions, spans, stage_of, model, plan)


def _python_rooted(model: DockerfileModel, stage: Stage) -> bool:
    return model.image_base(stage).python is not None


def _final_chain(model: DockerfileModel) -> set[int]:
    return {s.index for s in model.chain(model.final)}


def new_reference(stage: Stage, plan: MigrationPlan) -> str:
    """The stage's image under the plan: same name and Python version, new variant."""
    tag = stage.base.python
    version = tag.python if tag is not None and tag.python else plan.python
    return f"{stage.base.name}:{version}-{plan.suffix}"


def unpublished_comment(reference: str, plan: MigrationPlan) -> list[str]:
    """A comment for a rewritten FROM whose Python minor the official images never had on
    the plan's release (python:3.8-slim-trixie), naming the nearest published tag."""
    version = reference.rsplit(":", 1)[-1].split("-", 1)[0]
    minor = ".".join(version.split(".")[:2])
    release = plan.suffix.removeprefix("slim-").removeprefix("alpine")
    near = nearest_published(minor, Variant.ALPINE if plan.alpine else Variant.SLIM, release)
    if near is None:
        return []
    distro = "Alpine" if plan.alpine else "Debian"
    return [f"# {reference} was never published: no official python {minor} image exists "
            f"for {distro} {release}; the nearest published one is {near}"]


def _swap_from(doc: _Doc, index: int, stage: Stage) -> None:
    base = stage.base
    text = doc.original(index)
    if base.python is None:
        return
    swapped = None if base.reference in text or base.python.variant is None else \
        arg_version_swap(text, stage.base, doc.plan.suffix)
    if swapped is not None:
        doc.text_of[index] = swapped
    elif base.python.variant is None or base.reference not in text:
        fresh = "or write a fresh Dockerfile with `wheelfit dockerfile requirements.txt`."
        if base.reference not in text:
            why, hint = "its tag is built from ARG values", f"Write the tag literally, {fresh}"
        else:
            why = f"{base.tag} is not a tag form of the official python image"
            hint = f"Use e.g. python:3.12-slim-bookworm or python:3.12-alpine3.22, {fresh}"
        raise InputFileError(f"cannot rewrite FROM {base.reference}: {why}",
                             path=doc.model.path, line=base.line, hint=hint)
    else:
        reference = new_reference(stage, doc.plan)
        doc.text_of[index] = text.replace(base.reference, reference, 1)
        doc.before.setdefault(index, []).extend(unpublished_comment(reference, doc.plan))
    if base.digest:
        doc.notes.append(f"line {base.line}: the digest of {base.reference} is dropped; pin "
                         "the new image's digest after its first pull")


def _system_lines(model: DockerfileModel) -> set[int]:
    return {p.line for p in model.system_packages}


def _install_lines(model: DockerfileModel, stage: int, compiling: bool,
                   plan: MigrationPlan | None = None) -> list[int]:
    builds = plan.builds if plan is not None else None
    return sorted({i.line for i in model.python_installs
                   if i.stage == stage and i.taken is not False
                   and (not compiling or (builds_here(i) and may_build(i, builds)))})


def _commands(doc: _Doc, index: int) -> list[str] | None:
    ins = doc.instructions[index]
    if ins.exec_form is not None or ins.heredocs:
        return None
    return seg.split_commands(ins.args)


def _flags(ins: Instruction) -> str:
    return "".join(f"--{k}={v} " if v is not None else f"--{k} " for k, v in ins.flags)


def _new_commands(plan: MigrationPlan, packages: tuple[str, ...]) -> list[str]:
    return seg.apk_commands(packages) if plan.alpine else seg.apt_commands(packages)


def _place_packages(doc: _Doc, stage: int, packages: tuple[str, ...]) -> int | None:
    """The stage's system RUNs lose their build packages and keep the service's own; the
    first one before the stage's installs also takes the plan's packages (or a new RUN is
    written there). The index of the instruction they went into or before, if any."""
    system = _system_lines(doc.model)
    indexes = doc.in_stage(stage)
    installs = _install_lines(doc.model, stage, compiling=False)
    first_install = next((i for i in indexes if doc.instructions[i].line in installs), None)
    placed = not packages
    where: int | None = None
    for i in indexes:
        ins = doc.instructions[i]
        if ins.keyword != "RUN" or ins.line not in system:
            continue
        commands = _commands(doc, i)
        if commands is None or any("$" in c for c in commands if seg.is_system(c)):
            doc.notes.append(f"line {ins.line}: this RUN is kept as written (not a plain "
                             "`a && b` list of literal commands); translate its system "
                             "packages by hand")
            continue
        own = _own(doc, ins.line)
        wanted = own
        if not placed and (first_install is None or i <= first_install):
            wanted, placed, where = tuple(sorted(set(packages) | set(own))), True, i
        rebuilt = _new_commands(doc.plan, wanted) + [c for c in commands
                                                     if not seg.is_system(c)]
        if rebuilt != commands:
            doc.rebuilt[i] = rebuilt
    if not placed:
        at = first_install if first_install is not None else indexes[0] + 1
        if at < len(doc.instructions) and doc.stage_of[at] == stage:
            doc.before.setdefault(at, []).extend(
                seg.run_lines(_new_commands(doc.plan, packages)))
            return at
        doc.notes.append(f"stage {stage}: nowhere to put its system packages")
    return where


def _own(doc: _Doc, line: int) -> tuple[str, ...]:
    """The RUN's own packages to keep. Across distro families only names both distros
    share are kept; the others are dropped with a note (the plan's packages cover what the
    Python packages need)."""
    own = own_packages(doc.model, line)
    dropped = check_names(own, manager_of(doc.model, line), doc.plan.alpine)
    if dropped:
        distro = "Alpine" if doc.plan.alpine else "Debian"
        doc.notes.append(f"line {line}: dropped {', '.join(dropped)}: not known by that name "
                         f"on {distro}; the plan's packages cover the Python packages' "
                         f"needs, add the {distro} name of anything else the service uses")
    return tuple(p for p in own if p not in dropped)


def _wrap_virtual(doc: _Doc, stage: int) -> None:
    """`alpine-cleanup`: build packages added and deleted around the first build."""
    lines = _install_lines(doc.model, stage, compiling=True, plan=doc.plan)
    if not lines or not doc.plan.build_only:
        return
    index = next(i for i in doc.in_stage(stage) if doc.instructions[i].line == lines[0])
    ins = doc.instructions[index]
    commands = doc.rebuilt[index] if index in doc.rebuilt else _commands(doc, index)
    if commands is None:
        doc.notes.append(f"line {ins.line}: the build packages could not be put in this RUN "
                         "(not a plain `a && b` command list); they stay installed")
        _place_packages(doc, stage, doc.plan.both)
        return
    lead = 0
    while lead < len(commands) and seg.is_system(commands[lead]):
        lead += 1
    head, tail = seg.virtual_commands(doc.plan.build_only)
    doc.rebuilt[index] = [*commands[:lead], *head, *commands[lead:], *tail]


def _stage_packages(doc: _Doc, stage: Stage, builder: bool) -> None:
    model, plan = doc.model, doc.plan
    final = stage.index in _final_chain(model)
    compiles = bool(_install_lines(model, stage.index, compiling=True, plan=plan))
    if builder and final:
        compiles = False
    if compiles:
        cleanup = plan.variant == "alpine-cleanup"
        where = _place_packages(doc, stage.index, plan.runtime if cleanup else plan.both)
        if cleanup:
            _wrap_virtual(doc, stage.index)
        _gap_comments(doc, stage.index, where)
    elif final:
        _place_packages(doc, stage.index, plan.runtime)
    elif stage.index in {p.stage for p in model.system_packages}:
        doc.notes.append(f"stage {stage.ref} (line {stage.line}) builds nothing from the "
                         "service's inputs: its system packages are kept as written")


def _gap_comments(doc: _Doc, stage: int, where: int | None) -> None:
    """The plan's gaps as comments above the build stage's package install (or its first
    build when it installs none), once per file."""
    if not doc.plan.gaps or doc.gaps_said:
        return
    if where is None:
        lines = _install_lines(doc.model, stage, compiling=True, plan=doc.plan)
        where = next((i for i in doc.in_stage(stage) if doc.instructions[i].line in lines),
                     None)
    if where is None:
        return
    follow = bool(doc.plan.both)
    doc.before.setdefault(where, [])[:0] = [
        gap_comment(name, gap, packages_follow=follow) for name, gap in doc.plan.gaps]
    doc.gaps_said = True


def _no_cache_dir(doc: _Doc) -> None:
    lines = {i.line for i in doc.model.python_installs
             if i.cache is Cache.KEPT and i.tool in (Tool.PIP, Tool.PIP_WHEEL)}
    for index, ins in enumerate(doc.instructions):
        if ins.line in lines and doc.current(index):
            text, _ = add_pip_option(doc.current(index), "--no-cache-dir", unless="--no-cache")
            doc.text_of[index] = text


def _use_builder(doc: _Doc) -> None:
    """Final-chain builds install from the builder's wheels, bind-mounted for the RUN."""
    model = doc.model
    for stage in _final_chain(model):
        wanted = set(_install_lines(model, stage, compiling=True, plan=doc.plan))
        for index in doc.in_stage(stage):
            if doc.instructions[index].line in wanted:
                text, _ = add_pip_option(doc.current(index), "--find-links /wheels",
                                         unless="--find-links", commands=("install",))
                doc.text_of[index] = add_run_flag(text, MOUNT)


_ALPINE_MISSING = {"bash": "Alpine has no bash (apk add bash, or use /bin/sh)",
                   "useradd": "Alpine's busybox has adduser -S, not useradd",
                   "groupadd": "Alpine's busybox has addgroup -S, not groupadd"}
_DEBIAN_MISSING = {"adduser -D": "Debian's adduser takes --disabled-password, not -D",
                   "addgroup -S": "Debian's addgroup takes --system, not -S"}


def _portability(doc: _Doc) -> None:
    """Notes for commands of the kept lines that the new distro spells differently."""
    table = _ALPINE_MISSING if doc.plan.alpine else _DEBIAN_MISSING
    rooted = {s.index for s in doc.model.stages if _python_rooted(doc.model, s)}
    for index, ins in enumerate(doc.instructions):
        if doc.stage_of[index] not in rooted or ins.keyword not in ("RUN", "SHELL"):
            continue
        text = doc.current(index)
        for word, why in table.items():
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                doc.notes.append(f"line {ins.line}: {why}")


def _render(doc: _Doc) -> str:
    out: list[str] = []
    at = 0
    for index, (start, end) in enumerate(doc.spans):
        out.extend(doc.lines[at:start])
        out.extend(doc.before.get(index, []))
        if index in doc.text_of:
            if doc.text_of[index]:
                out.extend(doc.text_of[index].split("\n"))
        else:
            out.extend(doc.lines[start:end + 1])
        at = end + 1
    out.extend(doc.lines[at:])
    return "\n".join(out)


def rewrite(text: str, model: DockerfileModel, plan: MigrationPlan) -> Migration:
    """The Dockerfile `text` (parsed as `model`) rewritten for `plan`; InputFileError when
    no stage starts from a python image or a python FROM cannot be rewritten."""
    doc = _read(text, model, plan)
    rooted = [s for s in model.stages if _python_rooted(model, s)]
    if not rooted or not _python_rooted(model, model.final):
        raise InputFileError(
            f"the final stage starts FROM {model.image_base(model.final).reference}, not an "
            "official python image: there is no python image to migrate", path=model.path,
            line=model.final.line,
            hint="Write a fresh Dockerfile with `wheelfit dockerfile requirements.txt`.")
    froms = [i for i, ins in enumerate(doc.instructions) if ins.keyword == "FROM"]
    for stage in rooted:
        _swap_from(doc, froms[stage.index], stage)
    builder = _builder(doc, froms)
    for stage in rooted:
        _stage_packages(doc, stage, builder)
    for index, commands in doc.rebuilt.items():
        flags = _flags(doc.instructions[index])
        doc.text_of[index] = "\n".join(seg.run_lines(commands, flags)) if commands else ""
    _no_cache_dir(doc)
    if builder:
        _use_builder(doc)
    _portability(doc)
    return Migration(_render(doc), tuple(doc.notes))


def _builder(doc: _Doc, froms: list[int]) -> bool:
    """Insert a builder stage before the final chain when a multi-stage variant is asked
    for and the file has none; True when one was written."""
    model, plan = doc.model, doc.plan
    if not plan.variant.endswith("multistage"):
        return False
    chain = _final_chain(model)
    if any(builds_here(i) for i in model.python_installs if i.stage not in chain):
        return False
    root = min(chain)
    reference = new_reference(model.stages[root], plan)
    lines, why = builder_lines(model, chain, reference, _new_commands(plan, plan.both))
    if why:
        doc.notes.append(why)
        return False
    lines[1:1] = [gap_comment(name, gap, packages_follow=bool(plan.both))
                  for name, gap in plan.gaps]
    doc.gaps_said = True
    doc.before.setdefault(froms[root], [])[:0] = [*unpublished_comment(reference, plan), *lines]
    return True

