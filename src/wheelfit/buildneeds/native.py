"""Evidence that a project not in the mapping compiles code, and what its wheels vendor.

Pure functions over text and file names the caller fetched (wheel file names from the
index, pyproject.toml / setup.py text from an sdist, entries of a wheel's RECORD or zip
listing). Nothing is executed or imported; the source files are only read as text.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any, NamedTuple

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from wheelfit.buildneeds.mapping import ApkMapping
from wheelfit.buildneeds.mapping_types import unique
from wheelfit.model import BuildNeeds

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class NativeEvidence(NamedTuple):
    """Whether a project compiles code (None = cannot tell) and why we think so."""

    native: bool | None
    evidence: str


# Build requirements / backends that mean compiled code, with the kind they imply.
_NATIVE_REQUIRES = {
    "maturin": "rust", "setuptools-rust": "rust", "meson-python": "c/c++",
    "scikit-build-core": "c/c++", "scikit-build": "c/c++", "cmake": "c/c++",
    "pybind11": "c++", "nanobind": "c++", "cppy": "c++", "cython": "cython",
    "cffi": "cffi", "numpy": "c (numpy C API)", "mypy": "c (mypyc)", "hatch-cython": "cython",
    "hatch-mypyc": "c (mypyc)", "pythran": "c++", "oldest-supported-numpy": "c (numpy C API)",
}
_NATIVE_BACKENDS = {
    "maturin": "rust", "mesonpy": "c/c++", "scikit_build_core.build": "c/c++",
    "enscons": "c/c++", "sipbuild.api": "c++", "py_build_cmake.build": "c/c++",
}
_PURE_BACKENDS = ("flit_core.", "hatchling.", "poetry.core.", "pdm.backend", "uv_build",
                  "pbr.", "whey")
_SETUP_MARKERS = {
    "ext_modules": r"\bext_modules\b", "Extension(": r"\bExtension\s*\(",
    "cythonize": r"\bcythonize\s*\(", "cffi_modules": r"\bcffi_modules\b",
    "rust_extensions": r"\brust_extensions\b", "RustExtension(": r"\bRustExtension\s*\(",
    "Pybind11Extension(": r"\bPybind11Extension\s*\(", "mypycify": r"\bmypycify\s*\(",
    ".pyx sources": r"\.pyx\b", "C sources": r"['\"][\w/.-]+\.(?:c|cc|cpp|cxx)['\"]",
}
_AUDITWHEEL_HASH = re.compile(r"^(?P<base>[^.]+)-[0-9a-f]{8}\.(?P<rest>.+)$")
_SONAME = re.compile(r"^(?P<name>.+?\.so)(?P<version>(?:\.\d+)*)$")


def native_from_wheels(filenames: Iterable[str]) -> NativeEvidence:
    """Platform-specific wheels for any platform mean compiled code; only `none-any` wheels
    mean pure Python; no wheels at all tell nothing."""
    platform: list[str] = []
    pure: list[str] = []
    for filename in filenames:
        try:
            _, _, _, tags = parse_wheel_filename(PurePosixPath(filename).name)
        except InvalidWheelFilename:
            continue
        if any(t.platform != "any" or t.abi != "none" for t in tags):
            platform.append(filename)
        else:
            pure.append(filename)
    if platform:
        more = f" (+{len(platform) - 1} more)" if len(platform) > 1 else ""
        return NativeEvidence(True, f"platform-specific wheel {platform[0]}{more}")
    if pure:
        return NativeEvidence(False, f"only pure-Python wheels ({pure[0]})")
    return NativeEvidence(None, "no wheels to judge from")


def native_from_pyproject(text: str) -> NativeEvidence:
    """Judge from `[build-system]` (and setuptools' `ext-modules`) of a pyproject.toml."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return NativeEvidence(None, f"pyproject.toml is not valid TOML ({exc})")
    system = doc.get("build-system")
    if not isinstance(system, dict):
        return NativeEvidence(None, "pyproject.toml has no [build-system] (legacy setup.py build)")
    backend = system.get("build-backend")
    backend = backend if isinstance(backend, str) else "setuptools.build_meta:__legacy__"
    found = [f"build-backend {backend} ({kind})"
             for prefix, kind in _NATIVE_BACKENDS.items()
             if backend == prefix or backend.startswith(prefix + ".")]
    for name in _requirement_names(system.get("requires")):
        if name in _NATIVE_REQUIRES:
            found.append(f"requires {name} ({_NATIVE_REQUIRES[name]})")
    if _get(doc, "tool", "setuptools", "ext-modules"):
        found.append("[tool.setuptools] ext-modules (c)")
    if found:
        return NativeEvidence(True, "pyproject.toml: " + "; ".join(found))
    if backend.startswith(_PURE_BACKENDS):
        if _get(doc, "tool", "poetry", "build") or _get(doc, "tool", "hatch", "build", "hooks"):
            return NativeEvidence(None, f"pyproject.toml: {backend} with a build script/hook")
        return NativeEvidence(False, f"pyproject.toml: pure-Python backend {backend}, no "
                              "compiler-related build requirements")
    return NativeEvidence(None, f"pyproject.toml: {backend} without compiler-related build "
                          "requirements (check setup.py)")


def native_from_setup(text: str) -> NativeEvidence:
    """Scan setup.py / setup.cfg text for extension-module markers (never executed)."""
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    found = [label for label, pattern in _SETUP_MARKERS.items() if re.search(pattern, code)]
    if found == ["ext_modules"] and _only_empty_ext_modules(code):
        found = []
    if found:
        return NativeEvidence(True, "setup script mentions " + ", ".join(found))
    if re.search(r"\bsetup\s*\(|^\s*\[metadata\]|^\s*\[options\]", code, re.MULTILINE):
        return NativeEvidence(False, "setup script declares no extension modules")
    return NativeEvidence(None, "no setup() call or setup.cfg sections found")


def _only_empty_ext_modules(code: str) -> bool:
    """`ext_modules` is only ever `[]` (or passed on as itself), and nothing adds to it."""
    values = re.findall(r"\bext_modules\s*=(?!=)\s*([^,\n)]+)", code)
    grows = re.search(r"\bext_modules\s*(?:\+=|\.append|\.extend|\.insert|\[)", code)
    return grows is None and all(v.strip() in ("[]", "()", "ext_modules") for v in values)


def libraries_from_wheel_entries(names: Iterable[str]) -> tuple[str, ...]:
    """SONAMEs of the libraries auditwheel vendored into a wheel's `<dist>.libs/`.

    `psycopg2_binary.libs/libpq-9a1b2c3d.so.5.16` -> `libpq.so.5` (hash and minor
    version stripped), sorted and deduplicated.
    """
    out: set[str] = set()
    for entry in names:
        path = PurePosixPath(entry.replace("\\", "/"))
        if len(path.parts) < 2 or not path.parts[-2].endswith(".libs") or ".so" not in path.name:
            continue
        out.add(normalise_soname(path.name))
    return tuple(sorted(out))


def normalise_soname(filename: str) -> str:
    """`libjpeg-77ae51ab.so.62.4.0` -> `libjpeg.so.62`; names without .so.N stay as they are."""
    m = _AUDITWHEEL_HASH.match(filename)
    name = f"{m['base']}.{m['rest']}" if m else filename
    s = _SONAME.match(name)
    if s is None:
        return name
    major = s["version"].split(".")[1] if s["version"] else ""
    return f"{s['name']}.{major}" if major else s["name"]


def needs_from_sonames(mapping: ApkMapping, sonames: Iterable[str], *,
                       debian_release: str | None = None) -> BuildNeeds:
    """What building against the libraries a wheel vendors needs (unknown ones are skipped:
    see `unknown_sonames`)."""
    known = [(s, e) for s in dict.fromkeys(sonames) if (e := mapping.soname(s)) is not None]
    return BuildNeeds(
        apk=unique(p for _, e in known for p in e.apk_dev),
        apk_runtime=unique(p for _, e in known for p in e.apk),
        apt=unique(p for _, e in known for p in e.apt_dev.for_release(debian_release)),
        apt_runtime=unique(p for _, e in known for p in e.apt.for_release(debian_release)),
        source=("libraries vendored in the wheel: " + ", ".join(s for s, _ in known))
        if known else None,
    )


def unknown_sonames(mapping: ApkMapping, sonames: Iterable[str]) -> tuple[str, ...]:
    """The SONAMEs the mapping has no packages for."""
    return tuple(s for s in dict.fromkeys(sonames) if mapping.soname(s) is None)


def _requirement_names(requires: Any) -> list[str]:
    names: list[str] = []
    for item in requires if isinstance(requires, list) else []:
        try:
            names.append(canonicalize_name(Requirement(str(item)).name))
        except InvalidRequirement:
            continue
    return names


def _get(doc: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


