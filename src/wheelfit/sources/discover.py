"""Find one dependency file per service below a folder (`wheelfit check --recursive DIR`).

A service is a directory holding a dependency file or a Dockerfile. A Dockerfile comes
first: it names the service's inputs and its image (see `dockerinput`). Otherwise, when it
holds several dependency files, the most exact one is chosen:
uv.lock > poetry.lock > pylock.toml (or pylock.<name>.toml) > Pipfile.lock >
pyproject.toml > requirements.txt > requirements-prod.txt-like files > requirements.in >
other requirements*.txt (not dev/test/doc/lint ones). A `requirements/` folder belongs to the
service above it: its prod.txt/production.txt/main.txt/runtime.txt rank with
requirements-prod.txt, then base.txt, then its other runtime *.txt. A pyproject.toml
without `[project]` or `[tool.poetry]` (tool configuration only) is not a service. Virtual
environments (`.venv`, `venv`, any folder with `pyvenv.cfg`), `node_modules`, `.git`, `.tox`,
`.nox`, `__pycache__`, `site-packages` and caches are not searched; symlinked folders are
not followed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from wheelfit.errors import InputFileError
from wheelfit.sources.reading import load_toml, read_text

SKIP_DIRS = frozenset(
    {
        ".venv",
        "venv",
        "node_modules",
        ".git",
        ".tox",
        ".nox",
        "__pycache__",
        "site-packages",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hg",
    }
)
_PYLOCK = re.compile(r"^pylock(\.[^.]+)?\.toml$")
_PROD = re.compile(r"^requirements[-_.](prod|production|main|base|runtime)\.txt$")
_OTHER = re.compile(r"^requirements[-_.].*\.txt$")
_NOT_RUNTIME = re.compile(r"(dev|test|doc|lint|ci|type|check)", re.IGNORECASE)
REQUIREMENTS_DIR = "requirements"
_DIR_PROD = frozenset({"prod.txt", "production.txt", "main.txt", "runtime.txt"})


def discover(root: Path) -> list[tuple[Path, str]]:
    """(chosen file, note) per service below `root`, sorted by path; note is '' or a
    sentence saying which file was chosen over which."""
    if not os.path.isdir(root):
        raise InputFileError(
            "is not a directory",
            path=str(root),
            hint="Give the folder that holds the services' dependency files.",
        )
    found: list[tuple[Path, str]] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIP_DIRS and not os.path.exists(Path(folder) / d / "pyvenv.cfg")
        )
        ranked: list[tuple[float, str]] = sorted(
            (rank, name) for name in files if (rank := _rank(Path(folder) / name)) is not None
        )
        if REQUIREMENTS_DIR in dirs:
            ranked = sorted(ranked + _requirements_dir(Path(folder) / REQUIREMENTS_DIR))
        if Path(folder).name == REQUIREMENTS_DIR and Path(folder) != Path(root):
            continue  # ranked with the service above it
        if not ranked:
            continue
        chosen = Path(folder) / ranked[0][1]
        others = [name for _, name in ranked[1:]]
        note = f"{chosen}: chosen over {', '.join(others)}" if others else ""
        found.append((chosen, note))
    return sorted(found, key=lambda item: str(item[0]))


def _requirements_dir(folder: Path) -> list[tuple[float, str]]:
    """(rank, name relative to the service) of the runtime files in a requirements/ folder."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
    except OSError:
        return []
    ranked: list[tuple[float, str]] = []
    for name in names:
        if not name.endswith(".txt") or _NOT_RUNTIME.search(name):
            continue
        rank = 6.0 if name in _DIR_PROD else 6.5 if name == "base.txt" else 8.5
        ranked.append((rank, f"{REQUIREMENTS_DIR}/{name}"))
    return ranked


def _rank(path: Path) -> int | None:
    name = path.name
    fixed = {
        "Dockerfile": -2,
        "Containerfile": -1,
        "uv.lock": 0,
        "poetry.lock": 1,
        "Pipfile.lock": 3,
        "requirements.txt": 5,
        "requirements.in": 7,
    }
    if name in fixed:
        return fixed[name]
    if _PYLOCK.match(name):
        return 2
    if name == "pyproject.toml":
        return 4 if _declares_project(path) else None
    if _PROD.match(name):
        return 6
    if _OTHER.match(name) and not _NOT_RUNTIME.search(name[len("requirements") :]):
        return 8
    return None


def _declares_project(path: Path) -> bool:
    try:
        doc = load_toml(read_text(path, str(path)), str(path))
    except InputFileError:
        return True  # let the check report the broken file
    tool = doc.get("tool")
    return "project" in doc or (isinstance(tool, dict) and "poetry" in tool)


def dependency_file(folder: Path) -> Path | None:
    """The folder's best dependency file, Dockerfiles left out (for a Dockerfile that
    installs nothing wheelfit reads): the one discover() would choose without them."""
    files = [entry.name for entry in os.scandir(folder) if entry.is_file()] \
        if os.path.isdir(folder) else []
    ranked: list[tuple[float, str]] = sorted(
        (rank, name) for name in files
        if (rank := _rank(folder / name)) is not None and rank >= 0)
    ranked = sorted(ranked + _requirements_dir(folder / REQUIREMENTS_DIR))
    return folder / ranked[0][1] if ranked else None
