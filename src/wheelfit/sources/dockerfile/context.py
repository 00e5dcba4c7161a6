"""Image paths ↔ build-context paths, through the COPY/ADD instructions seen so far.

`COPY requirements.txt /tmp` then `pip install -r /tmp/requirements.txt` reads the
context's `requirements.txt`; `COPY . /app` maps `/app/x` to `x`. A source that looks like
a file (it has a known suffix) is only matched by its own name.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterable

from wheelfit.sources.dockerfile.model import ContextCopy

_FILE_SUFFIXES = (".txt", ".in", ".toml", ".lock", ".py", ".cfg", ".whl", ".tar.gz", ".zip")
PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


def image_path(workdir: str, path: str) -> str:
    """An absolute, normalised image path."""
    return posixpath.normpath(posixpath.join(workdir, path))


def image_dest(workdir: str, dest: str) -> str:
    """A COPY destination, absolute; a trailing slash (a folder) is kept."""
    joined = image_path(workdir, dest)
    return joined.rstrip("/") + "/" if dest.endswith("/") or dest in {".", "./"} else joined


def _clean(src: str) -> str:
    return posixpath.normpath(src.lstrip("/")) if src.strip("./") else "."


def _through(copy: ContextCopy, path: str) -> tuple[str, bool] | None:
    """The context path `path` came from through `copy`, and whether a source named it."""
    dest = copy.dest.rstrip("/") or "/"
    into_folder = copy.dest.endswith("/") or len(copy.src) > 1
    for raw in copy.src:
        src = _clean(raw)
        name = posixpath.basename(src)
        looks_file = name.endswith(_FILE_SUFFIXES) or any(c in name for c in "*?[")
        if path == dest and (not into_folder or (len(copy.src) == 1 and not looks_file)):
            return src, looks_file
        prefix = dest if dest.endswith("/") else dest + "/"
        if not path.startswith(prefix):
            continue
        rel = path[len(prefix):]
        first, _, rest = rel.partition("/")
        if src != "." and (first == name or fnmatch.fnmatchcase(name, first)):
            joined = posixpath.join(src, rest) if rest else src
            return joined, not rest and looks_file
        if (not looks_file and not into_folder) or src == ".":
            return posixpath.normpath(posixpath.join(src, rel)), False
        if not looks_file and into_folder and len(copy.src) == 1:
            return posixpath.normpath(posixpath.join(src, rel)), False
    return None


def to_context(path: str, copies: Iterable[ContextCopy]) -> tuple[str, bool] | None:
    """(context path, named explicitly) for an image path, or None; the last copy wins."""
    for copy in reversed(list(copies)):
        found = _through(copy, path)
        if found is not None:
            return found
    return None


def project_inputs(folder: str, copies: list[ContextCopy]) -> list[str]:
    """The context files of a project installed from an image folder: its metadata files
    when a COPY names them, else the folder itself."""
    named = []
    for name in PROJECT_FILES:
        found = to_context(posixpath.join(folder, name), copies)
        if found is not None and found[1]:
            named.append(found[0])
    if named:
        return named
    found = to_context(folder, copies)
    return [found[0]] if found else []
