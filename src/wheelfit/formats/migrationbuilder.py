"""The builder stage a migration adds for a multi-stage variant (pure).

It starts from the new image, installs the build and runtime packages, copies the service's
requirement and constraint files from the build context and builds every wheel into
`/wheels`; the final stage then installs from there (bind-mounted, so no wheel reaches a
layer). Installs pip cannot replay from a requirements file (uv sync, poetry, pipenv, a
pyproject project) get no builder: the reason is returned instead.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Collection, Sequence

from wheelfit.formats import runsegments as seg
from wheelfit.sources.dockerfile.model import DockerfileModel, PythonInstall, Tool

BUILDER = "wheelfit-builder"
_PIP_TOOLS = frozenset({Tool.PIP, Tool.UV_PIP})
_NOT_REQUIREMENTS = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "Pipfile.lock",
                     "poetry.lock", "uv.lock", "pylock.toml")
INSTALLERS = frozenset({"pip", "setuptools", "wheel", "uv", "poetry", "pipenv"})


def _wheel_file(spec: str) -> bool:
    return spec.endswith((".whl", "/*", "/*.whl"))


def builds_here(install: PythonInstall) -> bool:
    """Whether this install may build from source in its own stage (not only installs
    wheels built elsewhere, and not `--no-index`)."""
    if install.taken is False or "--no-index" in install.flags:
        return False
    if install.tool in _PIP_TOOLS and not install.requirements and install.specs and all(
            _wheel_file(s) for s in install.specs):
        return False
    return not (install.tool in _PIP_TOOLS and _only_installers(install))


def _only_installers(install: PythonInstall) -> bool:
    """`pip install --upgrade pip setuptools`: sets up the installer, builds nothing."""
    return (not install.requirements and bool(install.specs)
            and all(s.split("=")[0].split("<")[0].split(">")[0].lower() in INSTALLERS
                    for s in install.specs))


def _inline(install: PythonInstall) -> list[str]:
    """The install's requirement specs (local paths, wheel files, the installers left out)."""
    return [s for s in install.specs
            if not (s.startswith((".", "/", "~", "$")) or _wheel_file(s)
                    or s.endswith((".tar.gz", ".zip"))
                    or ("/" in s and "://" not in s and " @ " not in s)
                    or s.split("=")[0].split("<")[0].split(">")[0].lower() in INSTALLERS)]


def builder_lines(model: DockerfileModel, chain: Collection[int], reference: str,
                  system: Sequence[str]) -> tuple[list[str], str | None]:
    """The builder stage's lines (ending in a blank line), or no lines and why not."""
    installs = [i for i in model.python_installs if i.stage in chain and builds_here(i)]
    if not installs:
        return [], None
    other = sorted({i.tool.value for i in installs if i.tool not in _PIP_TOOLS})
    if other:
        return [], (f"no builder stage written: the {', '.join(other)} install cannot be "
                    "replayed by `pip wheel`; the build packages stay in the final stage")
    constraints = [c for c in model.constraint_inputs if not c.endswith("/")]
    files = [n for n in model.inputs
             if n not in constraints and n not in (".", "") and not n.endswith("/")
             and posixpath.basename(n) not in _NOT_REQUIREMENTS]
    specs = list(dict.fromkeys(s for i in installs for s in _inline(i)))
    if not files and not specs:
        return [], ("no builder stage written: the installs name no requirements file or "
                    "spec that `pip wheel` can build; the build packages stay in the final "
                    "stage")
    copies = [f"COPY {shlex.quote(n)} {shlex.quote(n)}" for n in (*files, *constraints)]
    args = [*(f"-r {shlex.quote(n)}" for n in files),
            *(f"-c {shlex.quote(n)}" for n in constraints),
            *(shlex.quote(s) for s in specs)]
    return [f"FROM {reference} AS {BUILDER}", *seg.run_lines(system),
            "WORKDIR /src", *copies,
            f"RUN pip wheel --no-cache-dir --wheel-dir /wheels {' '.join(args)}", ""], None
