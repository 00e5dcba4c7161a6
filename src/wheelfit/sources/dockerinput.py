"""A Dockerfile as an input: its final stage's FROM gives the target, its install lines the
dependency inputs (build-context paths, read as every other input is), and its inline specs
one synthetic requirements input.

The parser (`wheelfit.sources.dockerfile`) is imported only when a Dockerfile is read. What
it cannot model is carried to the report as `not modelled: <instruction> (line N)`; an input
the install lines name but wheelfit cannot read (setup.py, a Pipfile without its lock, a
wheel file) is listed as not read, with why. Nothing is guessed.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec, PythonHint, RequirementEntry, SkippedEntry
from wheelfit.sources.bounds import check_numbers
from wheelfit.sources.reading import read_text

if TYPE_CHECKING:
    from wheelfit.model.docker import DockerfileInfo
    from wheelfit.sources.dockerfile.model import DockerfileModel, PythonInstall

# The installers themselves: `pip install --upgrade pip poetry` sets up the build, it is not
# a dependency of the service.
TOOLS = frozenset({"pip", "setuptools", "wheel", "uv", "poetry", "pipenv",
                   "poetry-plugin-export", "pip-tools"})
_LOCKS = ("uv.lock", "poetry.lock", "Pipfile.lock", "pylock.toml")
_NOT_READ = {
    "setup.py": "its dependencies are code, which wheelfit never runs",
    "setup.cfg": "list the dependencies in pyproject.toml or a requirements file",
    "Pipfile": "wheelfit reads Pipfile.lock (pipenv lock), not the Pipfile",
}
LoadSpec = Callable[[Path], DependencySpec]
_SELECTION_FLAGS = frozenset({"--only-binary", "--no-binary", "--prefer-binary", "--pre",
                              "--index-url", "-i", "--extra-index-url", "--find-links", "-f",
                              "--no-index", "--prerelease"})


class NoDependencyInput(InputFileError):
    """The Dockerfile's install lines name nothing wheelfit can read (a fleet skips it)."""


def is_dockerfile(path: Path) -> bool:
    """Whether a file name is a Dockerfile's (Dockerfile, Containerfile, x.Dockerfile,
    Dockerfile.x)."""
    name = path.name
    return (name in ("Dockerfile", "Containerfile") or name.endswith(".Dockerfile")
            or name.startswith("Dockerfile."))


def dockerfile_in(folder: Path) -> Path | None:
    """The folder's `Dockerfile` (or `Containerfile`), if it has one."""
    for name in ("Dockerfile", "Containerfile"):
        if os.path.isfile(folder / name):
            return folder / name
    return None


def parse_model(path: Path) -> DockerfileModel:
    """The parsed Dockerfile (read with the same bounds as every input)."""
    from wheelfit.sources.dockerfile import parse_dockerfile

    display = str(path)
    text = read_text(path, display)
    check_numbers(text, display)
    return parse_dockerfile(text, display)


def load_dockerfile(path: Path, load: LoadSpec, *,
                    context: Path | None = None) -> list[DependencySpec]:
    """One spec per dependency input the Dockerfile's install lines name (its inline specs
    make one more), each with the Dockerfile's Python hint and a `DockerfileInfo`.

    `context` is the build context (default: the Dockerfile's folder); `load` reads one
    dependency file as `load_spec` does. Raises InputFileError when a named input is missing
    from the context, or when nothing the install lines name can be read."""
    from wheelfit.sources.dockerfile import parse_dockerfile

    display = str(path)
    text = read_text(path, display)
    check_numbers(text, display)
    model = parse_dockerfile(text, display)
    root = context if context is not None else path.parent
    named = [n for n in model.inputs if n not in model.constraint_inputs]
    files, not_read = _input_files(named, root, display)
    constraint_files, _ = _input_files(model.constraint_inputs, root, display)
    inline = _inline_spec(model, display)
    if not files and inline is None:
        raise NoDependencyInput(
            "the install lines name no dependency input wheelfit can read", path=display,
            hint=_nothing_hint(not_read, model))
    hint = _python_hint(model, display)
    info = _info(model, display, root, hint, not_read)
    specs = [load(file) for file in files] + ([inline] if inline is not None else [])
    pins = tuple(e for c in constraint_files for spec in [load(c)]
                 for e in (*spec.requirements, *spec.constraints))
    info = _with_checked(info, [s.path for s in specs]
                         + [f"{c} (constraints of every resolved input)" for c in constraint_files])
    return [_stamped(spec, hint, info, pins) for spec in specs]


def _stamped(spec: DependencySpec, hint: PythonHint | None, info: DockerfileInfo,
             pins: tuple[RequirementEntry, ...]) -> DependencySpec:
    """The spec with the Dockerfile's Python, its block, and the `-c` files' pins (a lock
    is already pinned and takes none)."""
    from dataclasses import replace

    constraints = (*spec.constraints, *pins) if spec.locked is None else spec.constraints
    return replace(spec, python=hint or spec.python, dockerfile=info,
                   constraints=constraints)


def _with_checked(info: DockerfileInfo, checked: Sequence[str]) -> DockerfileInfo:
    from dataclasses import replace

    return replace(info, checked=tuple(checked))


def _python_hint(model: DockerfileModel, display: str) -> PythonHint | None:
    base = model.image_base(model.final)
    if base.python is None or base.python.python is None or "." not in base.python.python:
        return None  # python:3-slim names only the major: the date decides (commands/inputs)
    return PythonHint(base.python.python, f"FROM {base.reference} in {display}:{base.line}")


def _info(model: DockerfileModel, display: str, root: Path, hint: PythonHint | None,
          not_read: Sequence[str]) -> DockerfileInfo:
    from wheelfit.model.docker import DockerfileInfo

    final = model.final
    base = model.image_base(final)
    tag = base.python
    if tag is None:
        target = (f"{base.reference} is not a python image: the target does not come from "
                  "the Dockerfile")
    elif hint is None:
        target = f"{base.reference} names no Python version"
    else:
        where = f" on {tag.release}" if tag.release else ""
        variant = tag.variant.value if tag.variant else "python"
        target = f"Python {tag.python}{where} ({variant}), from {hint.source}"
    return DockerfileInfo(
        path=display, context=str(root), final_stage=str(final.ref),
        base=final.base.reference, base_line=final.base.line,
        python=tag.python if tag else None,
        variant=tag.variant.value if tag and tag.variant else None,
        release=tag.release if tag else None, target=target, inputs=model.inputs,
        not_read=tuple(not_read),
        not_modelled=tuple(f"not modelled: {n.text} (line {n.line})"
                           for n in model.not_modelled) + _flags_not_applied(model))


def _flags_not_applied(model: DockerfileModel) -> tuple[str, ...]:
    """Install flags that change pip's choice of files or index: the check does not take
    them from the Dockerfile (give them on the command line), so they are listed."""
    found = []
    for install in model.python_installs:
        if install.taken is False:
            continue
        for flag in install.flags:
            if flag.split("=")[0].split(" ")[0] in _SELECTION_FLAGS:
                found.append(f"not modelled: {install.tool.value} install {flag} "
                             f"(line {install.line}; pass it to wheelfit check)")
    return tuple(dict.fromkeys(found))


def _input_files(names: Sequence[str], root: Path,
                 display: str) -> tuple[list[Path], list[str]]:
    """The readable dependency files among the context paths, and why the others are not."""
    from wheelfit.sources.load import detect_format

    files: list[Path] = []
    not_read: list[str] = []
    for name in names:
        full = root / name
        if name in (".", "") or name.endswith("/") or os.path.isdir(full):
            project = full / "pyproject.toml"
            if os.path.isfile(project):
                files.append(project)
            else:
                not_read.append(f"{name}: a project folder without pyproject.toml")
            continue
        base = posixpath.basename(name)
        if base in _NOT_READ:
            not_read.append(f"{name}: {_NOT_READ[base]}")
            continue
        try:
            detect_format(full)
        except InputFileError:
            not_read.append(f"{name}: not a dependency file wheelfit reads")
            continue
        if not os.path.isfile(full):
            raise InputFileError(
                f"installs from {name}, which is not in the build context {root}",
                path=display, hint="Give the build context with --context DIR.")
        files.append(full)
    return _prefer_locks(files, not_read)


def _prefer_locks(files: list[Path], not_read: list[str]) -> tuple[list[Path], list[str]]:
    """A pyproject.toml whose folder's lock is also an input is checked through the lock."""
    locked = {f.parent for f in files if f.name in _LOCKS}
    kept: list[Path] = []
    for file in dict.fromkeys(files):
        if file.name == "pyproject.toml" and file.parent in locked:
            not_read.append(f"{file}: checked through its lock")
            continue
        kept.append(file)
    return kept, not_read


def _inline_spec(model: DockerfileModel, display: str) -> DependencySpec | None:
    """The install lines' own specs (`pip install flask==3.0 gunicorn`) as one requirements
    input; paths, wheel files and the installers themselves are left out."""
    entries: list[RequirementEntry] = []
    skipped: list[SkippedEntry] = []
    for install in model.python_installs:
        if install.taken is False:
            continue
        for text in _specs(install):
            where = f"{display}:{install.line}"
            try:
                requirement = Requirement(text)
            except InvalidRequirement as exc:
                skipped.append(SkippedEntry(text, where, f"not a requirement: {exc}"))
                continue
            if canonicalize_name(requirement.name) in TOOLS:
                continue
            entries.append(RequirementEntry(requirement, where))
    if not entries:
        return None
    return DependencySpec(path=f"{display} (install lines)", format="requirements",
                          requirements=tuple(entries), skipped=tuple(skipped))


def _specs(install: PythonInstall) -> list[str]:
    return [s for s in install.specs
            if not (s.startswith((".", "/", "~", "$")) or "*" in s
                    or s.endswith((".whl", ".tar.gz", ".zip"))
                    or ("/" in s and " @ " not in s and "://" not in s))]


def _nothing_hint(not_read: Sequence[str], model: DockerfileModel) -> str:
    """What to do, with the reasons: inputs not read, and the gaps that hide an install."""
    from wheelfit.sources.dockerfile.model import Gap

    hiding = (Gap.UNRESOLVED, Gap.SUBSTITUTION, Gap.GENERATED, Gap.BASE, Gap.CONDITIONAL)
    gaps = [n for n in model.not_modelled if n.gap in hiding][:3]
    reasons = [*not_read, *(f"not modelled: {n.text} (line {n.line})" for n in gaps)]
    listed = f" ({'; '.join(reasons)})" if reasons else ""
    return ("Give the dependency file itself (requirements.txt, pyproject.toml, a lock), "
            f"or --context when the files live elsewhere{listed}.")
