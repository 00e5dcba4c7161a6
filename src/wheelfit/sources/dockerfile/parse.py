"""Instructions → `DockerfileModel`: stages, ARG/ENV scopes, WORKDIR, copies and RUNs.

Global ARGs (before the first FROM) apply to FROM lines only; inside a stage `ARG NAME`
takes the global default when there is one. A stage started FROM another inherits its ENV,
WORKDIR and files. The install inputs are mapped back to the build context through the
COPY/ADD instructions and bind mounts seen before each RUN.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace

from wheelfit.errors import InputFileError
from wheelfit.sources.dockerfile import context as ctx
from wheelfit.sources.dockerfile.expand import ExpansionLimit, expand
from wheelfit.sources.dockerfile.images import base_image
from wheelfit.sources.dockerfile.lexer import Instruction, lex
from wheelfit.sources.dockerfile.model import (
    BaseImage,
    ContextCopy,
    CopyFrom,
    DockerfileModel,
    Gap,
    Mount,
    NotModelled,
    PythonInstall,
    Stage,
    SystemPackages,
)
from wheelfit.sources.dockerfile.run import RunContext, analyse_run
from wheelfit.sources.dockerfile.words import assignments, split_words

MAX_STAGES = 256
INSTALL_ENV_PREFIXES = ("PIP_", "UV_", "POETRY_", "PIPENV_")
INSTALL_ENV = frozenset({"PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV"})


@dataclass
class _Stage:
    index: int
    name: str | None
    base: BaseImage
    line: int
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    values: dict[str, str | None] = field(default_factory=dict)
    args: list[tuple[str, str | None]] = field(default_factory=list)
    copies: ctx.CopyIndex = field(default_factory=ctx.CopyIndex)
    from_dests: set[str] = field(default_factory=set)
    removable: ctx.DestIndex = field(default_factory=ctx.DestIndex)

    def freeze(self) -> Stage:
        env = tuple((k, v) for k, v in self.env.items()
                    if k.startswith(INSTALL_ENV_PREFIXES) or k in INSTALL_ENV)
        return Stage(self.index, self.name, self.base, self.line, tuple(self.args), env)


@dataclass
class _State:
    path: str
    escape: str
    global_args: list[tuple[str, str | None]] = field(default_factory=list)
    global_values: dict[str, str | None] = field(default_factory=dict)
    stages: list[_Stage] = field(default_factory=list)
    installs: list[PythonInstall] = field(default_factory=list)
    packages: list[SystemPackages] = field(default_factory=list)
    copies_from: list[CopyFrom] = field(default_factory=list)
    copy_at: dict[int, int] = field(default_factory=dict)
    context_copies: list[ContextCopy] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    inputs: dict[str, None] = field(default_factory=dict)
    constraint_inputs: dict[str, None] = field(default_factory=dict)
    gaps: list[NotModelled] = field(default_factory=list)

    def fail(self, line: int, message: str, hint: str | None = None) -> InputFileError:
        return InputFileError(message, path=self.path, line=line, hint=hint)

    def expand(self, text: str, values: dict[str, str | None], line: int) -> str:
        try:
            return expand(text, values, escape=self.escape).text
        except ExpansionLimit as exc:
            raise self.fail(line, str(exc), "simplify the ARG/ENV values") from None


def _from(state: _State, ins: Instruction) -> None:
    words = split_words(ins.args, state.escape)
    if len(words) == 3 and words[1].lower() == "as":
        name: str | None = words[2].lower()
    elif len(words) == 1:
        name = None
    else:
        raise state.fail(ins.line, f"cannot read FROM {ins.args[:80]!r}",
                         "write FROM image[:tag][@digest] [AS name]")
    if len(state.stages) >= MAX_STAGES:
        raise state.fail(ins.line, f"more than {MAX_STAGES} stages")
    reference = state.expand(words[0], state.global_values, ins.line)
    if not reference:
        raise state.fail(ins.line, "FROM names no image")
    platform = ins.flag("platform")
    if platform is not None:
        platform = state.expand(platform, state.global_values, ins.line)
    parent = next((s for s in state.stages if s.name == reference.lower()), None)
    if parent is not None:
        base = BaseImage(reference=reference, line=ins.line, stage=parent.name,
                         platform=platform)
        stage = _Stage(len(state.stages), name, base, ins.line, parent.workdir,
                       dict(parent.env), dict(parent.env), [], parent.copies.clone(),
                       set(parent.from_dests))
    else:
        base = base_image(reference, ins.line, platform)
        stage = _Stage(len(state.stages), name, base, ins.line)
    state.stages.append(stage)


def _arg(state: _State, ins: Instruction) -> None:
    stage = state.stages[-1] if state.stages else None
    for name, default in assignments(ins.args, state.escape):
        if stage is None:
            state.global_args.append((name, default))
            state.global_values[name] = (None if default is None else
                                         state.expand(default, state.global_values, ins.line))
            continue
        stage.args.append((name, default))
        if default is not None:
            stage.values[name] = state.expand(default, stage.values, ins.line)
        else:
            stage.values[name] = state.global_values.get(name)


def _env(state: _State, stage: _Stage, ins: Instruction) -> None:
    before = dict(stage.values)
    for name, value in assignments(ins.args, state.escape):
        text = state.expand(value or "", before, ins.line)
        stage.env[name] = text
        stage.values[name] = text


def _copy(state: _State, stage: _Stage, ins: Instruction) -> None:
    if ins.heredocs:
        return
    raw = list(ins.exec_form) if ins.exec_form is not None else split_words(ins.args,
                                                                               state.escape)
    words = [state.expand(w, stage.values, ins.line) for w in raw]
    if len(words) < 2:
        raise state.fail(ins.line, f"{ins.keyword} needs a source and a destination")
    src, dest = tuple(words[:-1]), words[-1]
    source = ins.flag("from")
    if source is not None:
        source = state.expand(source, stage.values, ins.line)
        stages = {s.name: s.index for s in state.stages[:-1] if s.name}
        stages.update({str(s.index): s.index for s in state.stages[:-1]})
        copy = CopyFrom(ins.line, stage.index, source, src, dest, stages.get(source.lower()))
        state.copy_at[ins.line] = len(state.copies_from)
        state.copies_from.append(copy)
        stage.from_dests.add(ctx.image_path(stage.workdir, dest))
        stage.removable.add(ctx.image_path(stage.workdir, dest), ins.line)
        return
    if any("://" in s for s in src) or any(s.startswith("git@") for s in src):
        state.gaps.append(NotModelled(ins.line, Gap.INSTRUCTION, ins.original[:200]))
        return
    copy_in = ContextCopy(ins.line, stage.index, src, ctx.image_dest(stage.workdir, dest))
    state.context_copies.append(copy_in)
    stage.copies.add(copy_in)


def _mounts(state: _State, stage: _Stage, ins: Instruction) -> tuple[Mount, ...]:
    found = []
    for key, value in ins.flags:
        if key != "mount" or value is None:
            continue
        fields = dict(part.partition("=")[::2] for part in value.split(","))
        fields = {k: state.expand(v, stage.values, ins.line) for k, v in fields.items()}
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        found.append(Mount(ins.line, stage.index, fields.get("type", "bind"), target,
                           fields.get("source") or fields.get("src"), fields.get("from")))
    return tuple(found)


def _local_path(spec: str) -> str | None:
    """The path of an inline spec that names a local folder or file (extras dropped)."""
    path = spec.split("[", 1)[0]
    if path in {".", ".."} or path.startswith(("/", "./", "../")):
        return path
    return None


def _install_refs(install: PythonInstall) -> tuple[list[str], list[str]]:
    """(files, project folders) an install reads, as image paths."""
    workdir = install.workdir
    files = [ctx.image_path(workdir, p) for p in (*install.requirements, *install.constraints)]
    folders = []
    tool = install.tool.value
    lock = {"uv-sync": "uv.lock", "poetry": "poetry.lock"}.get(tool)
    if lock:
        files += [ctx.image_path(workdir, "pyproject.toml"), ctx.image_path(workdir, lock)]
    elif tool == "pipenv" and not install.specs:
        files += [ctx.image_path(workdir, "Pipfile"), ctx.image_path(workdir, "Pipfile.lock")]
    for spec in install.specs:
        path = _local_path(spec)
        if path is not None:
            folders.append(ctx.image_path(workdir, path))
    return files, folders


def _inputs(state: _State, stage: _Stage, install: PythonInstall,
            mounts: tuple[Mount, ...]) -> None:
    binds = [ContextCopy(m.line, m.stage, (m.source or ".",),
                         ctx.image_dest(stage.workdir, m.target))
             for m in mounts if m.type == "bind" and m.from_ is None]
    files, folders = _install_refs(install)
    found: list[str] = []
    for path in files:
        hit = ctx.to_context(path, stage.copies, binds)
        if hit is not None:
            found.append(hit[0])
        elif any(a in stage.from_dests for a in ctx.ancestors(path)):
            state.gaps.append(NotModelled(install.line, Gap.GENERATED,
                                          f"{path} comes from another build stage"))
    for folder in folders:
        found.extend(ctx.project_inputs(folder, stage.copies, binds))
    state.inputs.update(dict.fromkeys(found))
    constraints = [ctx.to_context(ctx.image_path(install.workdir, p), stage.copies, binds)
                   for p in install.constraints]
    state.constraint_inputs.update(dict.fromkeys(c[0] for c in constraints if c is not None))


def _run(state: _State, stage: _Stage, ins: Instruction) -> None:
    mounts = _mounts(state, stage, ins)
    state.mounts.extend(mounts)
    context = RunContext(ins.line, stage.index, stage.workdir, dict(stage.values),
                         dict(stage.env), mounts)
    result = analyse_run(ins, context)
    for install in result.installs:
        if install.taken is not False:
            _inputs(state, stage, install, mounts)
    state.installs.extend(result.installs)
    state.packages.extend(result.packages)
    state.gaps.extend(result.gaps)
    for line in (line for removed in result.removed for line in stage.removable.under(removed)):
        at = state.copy_at[line]
        state.copies_from[at] = replace(state.copies_from[at], removed_later=True)


def _instruction(state: _State, ins: Instruction) -> None:
    if ins.keyword == "FROM":
        _from(state, ins)
        return
    if ins.keyword == "ARG":
        _arg(state, ins)
        return
    if not state.stages:
        raise state.fail(ins.line, f"{ins.keyword} before the first FROM",
                         "only ARG may come before FROM")
    stage = state.stages[-1]
    if ins.keyword == "ENV":
        _env(state, stage, ins)
    elif ins.keyword == "WORKDIR":
        stage.workdir = ctx.image_path(stage.workdir, state.expand(
            "".join(split_words(ins.args, state.escape)), stage.values, ins.line))
    elif ins.keyword in {"COPY", "ADD"}:
        _copy(state, stage, ins)
    elif ins.keyword == "RUN":
        _run(state, stage, ins)
    elif ins.keyword == "ONBUILD" or (ins.keyword == "SHELL" and not _posix_shell(ins)):
        state.gaps.append(NotModelled(ins.line, Gap.INSTRUCTION, ins.original[:200]))


def _posix_shell(ins: Instruction) -> bool:
    """SHELL names sh or bash (RUN's shell form is then read as POSIX shell)."""
    shell = ins.exec_form[0] if ins.exec_form else ""
    return posixpath.basename(shell) in {"sh", "bash", "ash", "dash"}


def _base_gaps(state: _State) -> None:
    """Python installs in a stage whose chain does not start from a python image."""
    by_name = {s.name: s for s in state.stages if s.name}
    root: dict[int, BaseImage] = {}
    for stage in state.stages:
        parent = by_name[stage.base.stage] if stage.base.stage else None
        root[stage.index] = root[parent.index] if parent else stage.base
    for index in sorted({install.stage for install in state.installs}):
        if root[index].python is None:
            state.gaps.append(NotModelled(state.stages[index].line, Gap.BASE,
                                          f"{root[index].reference} is not a python image"))


def parse_dockerfile(text: str, path: str = "Dockerfile") -> DockerfileModel:
    """Read a Dockerfile's text (no I/O); InputFileError names the file and line."""
    lexed = lex(text, path)
    state = _State(path, lexed.escape)
    for ins in lexed.instructions:
        _instruction(state, ins)
    if not state.stages:
        raise InputFileError("no FROM instruction", path=path,
                             hint="a Dockerfile starts FROM an image")
    _base_gaps(state)
    return DockerfileModel(
        path=path, stages=tuple(s.freeze() for s in state.stages),
        global_args=tuple(state.global_args), python_installs=tuple(state.installs),
        system_packages=tuple(state.packages), copies_from=tuple(state.copies_from),
        context_copies=tuple(state.context_copies), mounts=tuple(state.mounts),
        inputs=tuple(state.inputs), constraint_inputs=tuple(state.constraint_inputs),
        not_modelled=tuple(sorted(state.gaps, key=lambda g: g.line)))
