"""Which members of an sdist are build files, and what source-file names say.

`is_build_file(member)` is the `wanted` predicate for `wheelfit.index.sdist` (member names
as stored: `pkg-1.0/meson.build`); `source_language(member)` tells the language of a
source file from its name alone. Vendored trees, tests and docs are skipped: their build
files describe other projects (a meson subproject's own meson.build is kept: the reader
uses it when the project calls `subproject()`).
"""

from __future__ import annotations

from pathlib import PurePosixPath

MAX_FILE_BYTES = 256 * 1024
MAX_BUILD_FILES = 300
MAX_TOTAL_BYTES = 4 * 1024 * 1024  # all build files together (worst case ~10 s of scanning)
MAX_DEPTH = 6

# Read at any depth (a project splits these across folders).
_ANY_DEPTH = frozenset({"meson.build", "CMakeLists.txt", "Cargo.toml"})
# Read at the top of the sdist only.
_TOP = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "configure.ac", "configure.in",
                  "meson.options", "meson_options.txt", "build.py"})
# Helper scripts of a build, read one folder down (llvmlite's ffi/build.py).
_ONE_DOWN = frozenset({"build.py"})
_SKIPPED_DIRS = frozenset({
    "vendor", "vendored", "third_party", "thirdparty", "3rdparty", "external", "extern",
    "subprojects", "tests", "test", "testing", "examples", "example", "docs", "doc",
    "benchmarks", "bench", "node_modules", ".git", ".github", "target", "cmakefiles",
})
_LANGUAGES = {
    ".c": "c", ".h": "c",
    ".cc": "c++", ".cpp": "c++", ".cxx": "c++", ".c++": "c++", ".hpp": "c++", ".hh": "c++",
    ".hxx": "c++",
    ".f": "fortran", ".for": "fortran", ".f77": "fortran", ".f90": "fortran",
    ".f95": "fortran", ".f03": "fortran", ".f08": "fortran", ".pyf": "fortran",
    ".rs": "rust", ".pyx": "cython", ".pxd": "cython",
}
# Optional parts a default build leaves out (uwsgi's plugins/): their sources tell nothing.
_OPTIONAL_SOURCE_DIRS = frozenset({"plugins", "contrib"})


def inner_path(member: str) -> str:
    """`pkg-1.0/gi/meson.build` -> `gi/meson.build` (the sdist's top folder removed)."""
    return member.partition("/")[2] or member


def is_build_file(member: str) -> bool:
    """True for the build files the reader wants (by name and place, never by content)."""
    inner = inner_path(member)
    if inner == member:
        return False
    parts = inner.split("/")
    name = parts[-1]
    if parts[0] == "subprojects" and len(parts) == 3 and name == "meson.build":
        return True
    if len(parts) > MAX_DEPTH or any(p.lower() in _SKIPPED_DIRS for p in parts[:-1]):
        return False
    if name in _ANY_DEPTH:
        return True
    if len(parts) == 1:
        return name in _TOP
    return len(parts) == 2 and name in _ONE_DOWN


def source_language(member: str) -> str | None:
    """The language of a source file by its suffix (`.f90` -> fortran), or None.

    Header-only and test trees count the same as any other: callers skip the same
    folders `is_build_file` does.
    """
    inner = inner_path(member)
    parts = inner.split("/")
    skipped = _SKIPPED_DIRS | _OPTIONAL_SOURCE_DIRS
    if len(parts) > MAX_DEPTH + 2 or any(p.lower() in skipped for p in parts[:-1]):
        return None
    suffix = PurePosixPath(parts[-1]).suffix
    # `.F` / `.F90` are Fortran with a preprocessor; `.C` is C++ on case-sensitive systems.
    if suffix in (".F", ".F90", ".FOR"):
        return "fortran"
    if suffix == ".C":
        return "c++"
    return _LANGUAGES.get(suffix.lower())
