"""Lock-native Dockerfiles: a lock is installed by its own tool, with its hashes.

uv.lock → uv's binary copied in from its pinned image and `uv sync --frozen --no-dev`, the
dependencies first (`--no-install-project`, with the lock and pyproject.toml bind-mounted)
so that a code change does not reinstall them; bytecode compiled, files copied out of a
cache mount. poetry.lock → `poetry install --only main --no-root`; Pipfile.lock →
`pipenv install --deploy`. poetry and pipenv live in a tool stage of their own and are
bind-mounted into the RUN that installs, so neither reaches an image layer. Every tool
checks the lock's hashes; nothing is exported without them.

Each variant installs into /app/.venv. The multi-stage variants build it in a builder
stage with the build packages and copy only /app into a final stage that has the runtime
libraries and none of the tools.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from wheelfit.formats.dockerfile import (
    base_tag,
    cleanup_run,
    env_prefix,
    gap_notes,
    join,
    system_install,
    variant_target,
)
from wheelfit.model import Report, Target
from wheelfit.sizing.estimate import (
    ALPINE,
    ALPINE_CLEANUP,
    SLIM,
    SystemPackages,
    system_packages,
)

UV_VERSION = "0.13.8"
POETRY_VERSION = "2.5.1"
PIPENV_VERSION = "2026.10.3"
VENV_PATH = 'ENV PATH="/app/.venv/bin:$PATH"'
TOOL_NOTE = ("# {tool} runs from its own stage, bind-mounted into the RUN that installs: "
             "it never reaches a layer of the image.")
PROJECT_NOTE = "# The project's own code, installed after its dependencies' layer."
CONTEXT_NOTE = ("# Build with the folder of {lock} as the context, and list .venv in "
                ".dockerignore: `COPY . /app` must not bring the host's environment.")


@dataclass(frozen=True)
class LockTool:
    """How one lock format is installed: its tool, the files it reads, its commands."""

    lock_format: str
    companion: str
    tool_stage: tuple[str, ...]
    setup: tuple[str, ...]
    mounts: tuple[str, ...]
    install: str
    project: tuple[str, ...]


def _tool_stage(base: str, name: str, requirement: str) -> tuple[str, ...]:
    return (f"FROM {base} AS {name}",
            f"RUN python -m venv /opt/{name} \\",
            f"    && /opt/{name}/bin/pip install --no-cache-dir {requirement}", "")


def _uv(base: str, lock: str) -> LockTool:
    cache = "--mount=type=cache,target=/root/.cache/uv"
    return LockTool(
        "uv-lock", "pyproject.toml", (),
        (f"COPY --from=ghcr.io/astral-sh/uv:{UV_VERSION} /uv /uvx /bin/",
         "ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=0"),
        (cache, f"--mount=type=bind,source={lock},target={lock}",
         "--mount=type=bind,source=pyproject.toml,target=pyproject.toml"),
        "uv sync --frozen --no-dev --no-install-project",
        (PROJECT_NOTE, "COPY . /app", f"RUN {cache} \\", "    uv sync --frozen --no-dev"),
    )


def _poetry(base: str, lock: str) -> LockTool:
    return LockTool(
        "poetry-lock", "pyproject.toml",
        _tool_stage(base, "poetry", f"poetry=={POETRY_VERSION}"),
        (TOOL_NOTE.format(tool="poetry"),
         "ENV POETRY_VIRTUALENVS_IN_PROJECT=true POETRY_NO_INTERACTION=1",
         f"COPY pyproject.toml {lock} ./"),
        ("--mount=type=bind,from=poetry,source=/opt/poetry,target=/opt/poetry",
         "--mount=type=cache,target=/root/.cache/pypoetry"),
        "/opt/poetry/bin/poetry install --only main --no-root",
        ("COPY . /app",),
    )


def _pipenv(base: str, lock: str) -> LockTool:
    return LockTool(
        "pipfile-lock", "Pipfile",
        _tool_stage(base, "pipenv", f"pipenv=={PIPENV_VERSION}"),
        (TOOL_NOTE.format(tool="pipenv"), "ENV PIPENV_VENV_IN_PROJECT=1 PIP_NO_CACHE_DIR=1",
         f"COPY Pipfile {lock} ./"),
        ("--mount=type=bind,from=pipenv,source=/opt/pipenv,target=/opt/pipenv",),
        "/opt/pipenv/bin/pipenv install --deploy",
        ("COPY . /app",),
    )


TOOLS = {"uv-lock": _uv, "poetry-lock": _poetry, "pipfile-lock": _pipenv}


def _install_run(tool: LockTool, system: SystemPackages, cleanup: bool) -> list[str]:
    if cleanup and system.build_only:
        return cleanup_run(system, tool.install, tool.mounts)
    head = "".join(f"{m} \\\n    " for m in tool.mounts)
    return [f"RUN {head}{env_prefix(system)}{tool.install}"]


def _installing_stage(target: Target, tool: LockTool, system: SystemPackages,
                      variant: str, report: Report) -> list[str]:
    """The stage that installs the lock: what its system packages do not cover, the system
    packages, the tool's setup, the install, then the project itself."""
    if variant == ALPINE_CLEANUP:
        packages: Sequence[str] = system.runtime
    else:
        packages = sorted(set(system.build) | set(system.runtime))
    follow = bool(packages) or (variant == ALPINE_CLEANUP and bool(system.build_only))
    gaps = gap_notes(report, target, packages_follow=follow)
    return [*gaps, *system_install(target, packages), "WORKDIR /app", *tool.setup,
            *_install_run(tool, system, variant == ALPINE_CLEANUP), *tool.project]


def lock_dockerfile(report: Report, variant: str, lock_path: str) -> str:
    """A Dockerfile that installs `lock_path` (uv.lock, poetry.lock or Pipfile.lock, next to
    its pyproject.toml or Pipfile) with the lock's own tool, for one variant."""
    target = variant_target(report, variant)
    system = system_packages(report, target)
    base = base_tag(target)
    tool = TOOLS[report.input_format](base, shlex.quote(lock_path))
    stage = _installing_stage(target, tool, system, variant, report)
    note = CONTEXT_NOTE.format(lock=lock_path)
    if variant in (SLIM, ALPINE, ALPINE_CLEANUP):
        body = [note, *tool.tool_stage, f"FROM {base}", *stage, VENV_PATH]
    else:
        body = [note, *tool.tool_stage, f"FROM {base} AS builder", *stage, "",
                f"FROM {base}", *system_install(target, system.runtime), "WORKDIR /app",
                "COPY --from=builder /app /app", VENV_PATH]
    return join(report, variant, body)
