"""Image paths ↔ build-context paths, through the COPY/ADD instructions seen so far.

`COPY requirements.txt /tmp` then `pip install -r /tmp/requirements.txt` reads the
context's `requirements.txt`; `COPY . /app` maps `/app/x` to `x`. A source that looks like
a file (it has a known suffix) is only matched by its own name.
"""

from __future__ import annotations

import bisect
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


def ancestors(path: str) -> list[str]:
    """`path` and the folders above it, up to `/`."""
    out = [path]
    while path not in {"/", ""}:
        path = posixpath.dirname(path)
        out.append(path)
    return out


class CopyIndex:
    """The COPY/ADD instructions of a stage chain, found by destination: a lookup costs the
    depth of the path, not the number of copies."""

    def __init__(self, copies: Iterable[ContextCopy] = ()) -> None:
        self.by_dest: dict[str, list[tuple[int, ContextCopy]]] = {}
        self.count = 0
        for copy in copies:
            self.add(copy)

    def add(self, copy: ContextCopy) -> None:
        """Record a copy; later ones win."""
        key = copy.dest.rstrip("/") or "/"
        self.by_dest.setdefault(key, []).append((self.count, copy))
        self.count += 1

    def clone(self) -> CopyIndex:
        """A copy for a stage that starts FROM this one."""
        index = CopyIndex()
        index.by_dest = {k: list(v) for k, v in self.by_dest.items()}
        index.count = self.count
        return index

    def candidates(self, path: str) -> list[ContextCopy]:
        """Copies whose destination is `path` or above it, latest first."""
        found = [item for key in ancestors(path) for item in self.by_dest.get(key, ())]
        return [copy for _, copy in sorted(found, key=lambda item: -item[0])]


def to_context(path: str, index: CopyIndex,
               extra: Iterable[ContextCopy] = ()) -> tuple[str, bool] | None:
    """(context path, named explicitly) for an image path, or None. `extra` (the RUN's
    bind mounts) is searched first; then the copies, the last one first."""
    for copy in [*extra, *index.candidates(path)]:
        found = _through(copy, path)
        if found is not None:
            return found
    return None


def project_inputs(folder: str, index: CopyIndex, extra: list[ContextCopy]) -> list[str]:
    """The context files of a project installed from an image folder: its metadata files
    when a COPY names them, else the folder itself."""
    named = []
    for name in PROJECT_FILES:
        found = to_context(posixpath.join(folder, name), index, extra)
        if found is not None and found[1]:
            named.append(found[0])
    if named:
        return named
    found = to_context(folder, index, extra)
    return [found[0]] if found else []


class DestIndex:
    """Image destinations (of COPY --from) found by the folder a later `rm` removes."""

    def __init__(self) -> None:
        self.dests: list[tuple[str, int]] = []

    def add(self, dest: str, line: int) -> None:
        """Record a destination."""
        bisect.insort(self.dests, (dest.rstrip("/") or "/", line))

    def under(self, folder: str) -> list[int]:
        """Lines of the destinations at or below `folder` (two binary searches)."""
        folder = folder.rstrip("/*").rstrip("/")
        if not folder:
            return []
        exact = self.dests[bisect.bisect_left(self.dests, (folder,)):
                           bisect.bisect_left(self.dests, (folder + "\x00",))]
        below = self.dests[bisect.bisect_left(self.dests, (folder + "/",)):
                           bisect.bisect_left(self.dests, (folder + "0",))]
        return [line for _, line in exact + below]
