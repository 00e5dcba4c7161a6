"""The apk/apt mapping (`data/apk-mapping.yaml`), loaded and validated into frozen dataclasses.

Schema (schema_version 1; the YAML file's header comment says the same at more length):

- ``schema_version: 1``
- ``debian_releases: [bullseye, bookworm, trixie]`` -- oldest first. Any apt list may
  instead be a per-release mapping ``{bullseye: [...], bookworm: [...], trixie: [...]}``
  naming every listed release; "no release given" means the newest one. A release not
  listed has no names: `AptNames.for_release` raises `MappingError` rather than answer
  with another release's. An overlay's ``debian_releases`` must equal the bundled list.
- ``kinds: {kind: [shared names]}`` -- what each kind of compiled code implies
  (``c -> [c-toolchain]``, ``rust -> [c-toolchain, rust]``).
- ``shared: {name: ENTRY}`` -- ENTRY keys ``apk``, ``apk_runtime``, ``apt``, ``apt_runtime``
  (package lists), ``env`` (``{VAR: value}``), ``uses`` (shared names), ``note``,
  ``apt_missing`` (``{release: need}``: a listed release that packages no such thing, e.g.
  ``{bullseye: Qt 6}``; the plan names the need rather than leave it out silently).
- ``pip_provides: [PyPI names]`` -- build tools pip's isolated build gets from PyPI.
- ``sonames: {SONAME or stem: {apk, apk_dev, apt, apt_dev, note}}`` -- packages behind a
  library vendored in a wheel's ``<dist>.libs/``; strings or lists.
- ``projects: {canonical name: PROJECT}`` -- PROJECT keys: ``native`` (kinds; ``[]`` = pure
  Python), ``optional`` (bool), ``uses``, ``apk``, ``apk_runtime``, ``apt``, ``apt_runtime``,
  ``env``, ``note``, ``versions`` (``[{specifier, <any of those keys>}]``: the first override
  whose PEP 440 specifier contains the version replaces the keys it sets),
  ``alternatives`` (``[{kind, name, note, version?}]``), ``alpine_package``
  (``{name, version}``), ``source`` (string or list).

A bad entry raises `MappingError` naming the file and key path, e.g.
``projects.psycopg2.apk[2]: expected a string``. `load_mapping(extra)` lays a user
overlay (same schema, any subset of keys) over the bundled file: its projects, shared
entries, sonames and kinds replace the bundled ones of the same name.

The YAML is the source of truth; `tools/gen_mapping.py` also writes its data as
`data/apk-mapping.json`, which is what a run loads (a JSON parse instead of
importing PyYAML and parsing 75 kB of YAML). A test keeps the two equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from wheelfit.buildneeds.mapping_types import (
    ALTERNATIVE_KINDS,
    SCHEMA_VERSION,
    AlpinePackage,
    ApkMapping,
    AptNames,
    BuildSpec,
    ProjectEntry,
    SharedEntry,
    SonameEntry,
    VersionOverride,
    soname_stem,
    unique,
)
from wheelfit.errors import InputFileError, MappingError, shorten
from wheelfit.model import Alternative
from wheelfit.shipped import data_path

__all__ = [
    "ALTERNATIVE_KINDS", "SCHEMA_VERSION", "AlpinePackage", "ApkMapping", "AptNames",
    "BuildSpec", "ProjectEntry", "Readable", "SharedEntry", "SonameEntry", "VersionOverride",
    "bundled_mapping", "bundled_path", "compact_path", "load_mapping", "parse_document",
    "soname_stem",
]

_PACKAGE_KEYS = ("apk", "apk_runtime", "apt", "apt_runtime", "env")
_SPEC_KEYS = frozenset({"native", "optional", "uses", *_PACKAGE_KEYS, "note", "apt_missing"})
_PROJECT_KEYS = _SPEC_KEYS | {"versions", "alternatives", "alpine_package", "source"}
_SHARED_KEYS = frozenset({"uses", *_PACKAGE_KEYS, "note", "apt_missing"})
_SONAME_KEYS = frozenset({"apk", "apk_dev", "apt", "apt_dev", "note"})
_TOP_KEYS = frozenset({"schema_version", "debian_releases", "kinds", "shared", "pip_provides",
                       "sonames", "projects"})

T = TypeVar("T")
# A user's overlay is read whole and parsed as YAML: the bundled one is 75 kB.
MAPPING_MAX_BYTES = 8 * 1024 * 1024


class Readable(Protocol):
    """A file-like location: a `Path` or an `importlib.resources` Traversable."""

    def read_text(self, encoding: str | None = None) -> str: ...  # pragma: no cover


# --- validation ----------------------------------------------------------------------------


class _Parser:
    """Turns one YAML document into dataclasses, naming `where` and the key path on error."""

    def __init__(self, where: str, releases: tuple[str, ...]) -> None:
        self.where = where
        self.releases = releases

    def fail(self, path: str, message: str) -> MappingError:
        return MappingError(f"{self.where}: {path}: {message}")

    def mapping(self, value: Any, path: str, keys: frozenset[str] | None = None
                ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_kind(value)}")
        for key in value:
            if not isinstance(key, str):
                raise self.fail(path, f"expected string keys, got {_kind(key)} {key!r}")
            if keys is not None and key not in keys:
                raise self.fail(f"{path}.{key}", f"unknown key (known: {', '.join(sorted(keys))})")
        return value

    def string(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"expected a string, got {_kind(value)}")
        return value

    def strings(self, value: Any, path: str, *, scalar_ok: bool = False) -> tuple[str, ...]:
        if scalar_ok and isinstance(value, str):
            return (self.string(value, path),)
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of strings, got {_kind(value)}")
        return unique(self.string(v, f"{path}[{i}]") for i, v in enumerate(value))

    def apt(self, value: Any, path: str, *, scalar_ok: bool = False) -> AptNames:
        if not isinstance(value, dict):
            return AptNames(names=self.strings(value, path, scalar_ok=scalar_ok))
        self.mapping(value, path)
        if set(value) != set(self.releases):
            raise self.fail(path, "a per-release mapping must name exactly the releases "
                            f"{list(self.releases)}, got {sorted(value)}")
        return AptNames(per_release=tuple(
            (r, self.strings(value[r], f"{path}.{r}", scalar_ok=scalar_ok))
            for r in self.releases))

    def spec(self, raw: dict[str, Any], path: str) -> BuildSpec:
        values: dict[str, Any] = {}
        for key in ("native", "uses", "apk", "apk_runtime"):
            if key in raw:
                values[key] = self.strings(raw[key], f"{path}.{key}")
        for key in ("apt", "apt_runtime"):
            if key in raw:
                values[key] = self.apt(raw[key], f"{path}.{key}")
        if "env" in raw:
            env = self.mapping(raw["env"], f"{path}.env")
            values["env"] = tuple(sorted(
                (k, self.string(v, f"{path}.env.{k}")) for k, v in env.items()))
        if "optional" in raw:
            if not isinstance(raw["optional"], bool):
                raise self.fail(f"{path}.optional", f"expected true or false, got "
                                f"{_kind(raw['optional'])}")
            values["optional"] = raw["optional"]
        if "note" in raw:
            values["note"] = self.string(raw["note"], f"{path}.note")
        if "apt_missing" in raw:
            values["apt_missing"] = self.missing(raw["apt_missing"], f"{path}.apt_missing")
        return BuildSpec(**values)

    def missing(self, value: Any, path: str) -> tuple[tuple[str, str], ...]:
        """`{release: need}`: each release one the mapping lists."""
        for release in self.mapping(value, path):
            if release not in self.releases:
                raise self.fail(f"{path}.{release}", "not a listed Debian release "
                                f"({', '.join(self.releases)})")
        return tuple((r, self.string(need, f"{path}.{r}")) for r, need in value.items())

    def project(self, name: Any, raw: Any, path: str) -> ProjectEntry:
        raw = self.mapping(raw, path, _PROJECT_KEYS)
        if canonicalize_name(name) != name:
            raise self.fail(path, f"not a canonical PyPI name (use {canonicalize_name(name)!r})")
        versions = tuple(self.override(o, f"{path}.versions[{i}]")
                         for i, o in enumerate(self.items(raw.get("versions", []),
                                                          f"{path}.versions")))
        alternatives = tuple(self.alternative(a, f"{path}.alternatives[{i}]")
                             for i, a in enumerate(self.items(raw.get("alternatives", []),
                                                              f"{path}.alternatives")))
        alpine = None
        if "alpine_package" in raw:
            ap = self.mapping(raw["alpine_package"], f"{path}.alpine_package",
                              frozenset({"name", "version"}))
            version = ap.get("version")
            if isinstance(version, (int, float)) and not isinstance(version, bool):
                version = str(version)
            alpine = AlpinePackage(self.string(ap.get("name"), f"{path}.alpine_package.name"),
                                   self.string(version, f"{path}.alpine_package.version"))
        source = self.strings(raw.get("source", []), f"{path}.source", scalar_ok=True)
        return ProjectEntry(name, self.spec(raw, path), versions, alternatives, alpine, source)

    def items(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {_kind(value)}")
        return value

    def override(self, raw: Any, path: str) -> VersionOverride:
        raw = self.mapping(raw, path, _SPEC_KEYS | {"specifier"})
        text = self.string(raw.get("specifier"), f"{path}.specifier")
        try:
            specifier = SpecifierSet(text)
        except InvalidSpecifier as exc:
            raise self.fail(f"{path}.specifier", f"not a PEP 440 specifier: {exc}") from None
        keys = frozenset(raw) - {"specifier"}
        return VersionOverride(specifier, self.spec(raw, path), keys)

    def alternative(self, raw: Any, path: str) -> Alternative:
        raw = self.mapping(raw, path, frozenset({"kind", "name", "version", "note"}))
        kind = self.string(raw.get("kind"), f"{path}.kind")
        if kind not in ALTERNATIVE_KINDS:
            raise self.fail(f"{path}.kind", f"unknown kind {kind!r} (known: "
                            f"{', '.join(sorted(ALTERNATIVE_KINDS))})")
        version = raw.get("version")
        return Alternative(
            kind=kind, name=self.string(raw.get("name"), f"{path}.name"),
            version=None if version is None else self.string(str(version), f"{path}.version"),
            note=self.string(raw.get("note"), f"{path}.note"))

    def soname(self, raw: Any, path: str) -> SonameEntry:
        raw = self.mapping(raw, path, _SONAME_KEYS)
        return SonameEntry(
            apk=self.strings(raw.get("apk", []), f"{path}.apk", scalar_ok=True),
            apk_dev=self.strings(raw.get("apk_dev", []), f"{path}.apk_dev", scalar_ok=True),
            apt=self.apt(raw.get("apt", []), f"{path}.apt", scalar_ok=True),
            apt_dev=self.apt(raw.get("apt_dev", []), f"{path}.apt_dev", scalar_ok=True),
            note=None if "note" not in raw else self.string(raw["note"], f"{path}.note"))

    def section(self, doc: dict[str, Any], key: str,
                build: Callable[[str, Any, str], T]) -> dict[str, T]:
        raw = self.mapping(doc.get(key) or {}, key)
        return {name: build(name, value, f"{key}.{name}") for name, value in raw.items()}


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__



def parse_document(doc: Any, where: str, base: ApkMapping | None = None) -> ApkMapping:
    """Validate one YAML document; with `base`, lay it over `base` as an overlay."""
    if not isinstance(doc, dict):
        raise MappingError(f"{where}: expected a mapping at the top level, got {_kind(doc)}")
    p = _Parser(where, base.debian_releases if base else ())
    p.mapping(doc, "(top level)", _TOP_KEYS)
    if doc.get("schema_version") != SCHEMA_VERSION:
        raise p.fail("schema_version", f"expected {SCHEMA_VERSION}, got "
                     f"{doc.get('schema_version')!r}")
    if "debian_releases" in doc or base is None:
        p.releases = p.strings(doc.get("debian_releases"), "debian_releases")
    if base is not None and p.releases != base.debian_releases:
        raise p.fail("debian_releases", f"an overlay must list the bundled releases "
                     f"{list(base.debian_releases)} (or leave the key out), got "
                     f"{list(p.releases)}")
    kinds = {k: p.strings(v, f"kinds.{k}") for k, v in p.mapping(doc.get("kinds") or {},
                                                                 "kinds").items()}
    shared = p.section(doc, "shared", lambda n, v, path: SharedEntry(
        n, p.spec(p.mapping(v, path, _SHARED_KEYS), path)))
    sonames = p.section(doc, "sonames", lambda n, v, path: p.soname(v, path))
    projects = p.section(doc, "projects", p.project)
    provides: set[str] = {canonicalize_name(n) for n in p.strings(
        doc.get("pip_provides", []), "pip_provides")}
    if base is not None:
        kinds = {**base.kinds, **kinds}
        shared = {**base.shared, **shared}
        sonames = {**base.sonames, **sonames}
        projects = {**base.projects, **projects}
        provides |= base.pip_provides
    mapping = ApkMapping(
        debian_releases=p.releases, kinds=MappingProxyType(kinds),
        shared=MappingProxyType(shared), pip_provides=frozenset(provides),
        sonames=MappingProxyType(sonames), projects=MappingProxyType(dict(sorted(
            projects.items()))), origins=(*(base.origins if base else ()), where))
    _check_references(mapping, where)
    return mapping


def _check_references(m: ApkMapping, where: str) -> None:
    """Every kind and shared name used must exist, and shared `uses` must not loop."""
    def need_shared(names: tuple[str, ...], path: str) -> None:
        for i, name in enumerate(names):
            if name not in m.shared:
                raise MappingError(f"{where}: {path}[{i}]: unknown shared entry {name!r}")

    for kind, uses in m.kinds.items():
        need_shared(uses, f"kinds.{kind}")
    for name, entry in m.shared.items():
        need_shared(entry.spec.uses, f"shared.{name}.uses")
    for name in m.shared:
        _walk_shared(m, name, (), where)
    for name, proj in m.projects.items():
        specs = [(f"projects.{name}", proj.spec)] + [
            (f"projects.{name}.versions[{i}]", o.spec) for i, o in enumerate(proj.versions)]
        for path, spec in specs:
            need_shared(spec.uses, f"{path}.uses")
            for i, kind in enumerate(spec.native):
                if kind not in m.kinds:
                    raise MappingError(f"{where}: {path}.native[{i}]: unknown kind {kind!r} "
                                       f"(known: {', '.join(sorted(m.kinds))})")


def _walk_shared(m: ApkMapping, name: str, seen: tuple[str, ...], where: str) -> None:
    if name in seen:
        raise MappingError(f"{where}: shared.{seen[0]}.uses: loops through "
                           f"{' -> '.join((*seen, name))}")
    for used in m.shared[name].spec.uses:
        _walk_shared(m, used, (*seen, name), where)


# --- loading ---------------------------------------------------------------------------------


def _read_yaml(path: Readable, where: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"{where}: cannot read: {exc.strerror or exc}") from None
    return _parse_yaml(text, where)


def _read_overlay(path: Path) -> Any:
    """A user's mapping file: a regular file of at most MAPPING_MAX_BYTES, as YAML."""
    from wheelfit.sources.reading import FileKind, UnreadableFile, decode, read_bounded

    kind = FileKind("a mapping file", MAPPING_MAX_BYTES,
                    "Give your apk/apt mapping file (YAML; see `wheelfit mapping validate`).")
    where = shorten(str(path))
    try:
        data = read_bounded(path, kind)
    except UnreadableFile as exc:
        reason = f"cannot read: {exc.reason}" if exc.missing else exc.reason
        raise MappingError(f"{where}: {reason}", hint=exc.hint) from None
    try:
        text = decode(data, where, kind.noun)
    except InputFileError as exc:
        raise MappingError(exc.message, hint=exc.hint) from None
    return _parse_yaml(text, where)


def _parse_yaml(text: str, where: str) -> Any:
    import yaml  # only for user overlays and the source YAML: runs load the JSON twin

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise MappingError(f"{where}: not valid YAML: {exc}") from None


def bundled_path() -> Readable:
    """The shipped mapping, `data/apk-mapping.yaml`."""
    return data_path("apk-mapping.yaml")


def compact_path() -> Path:
    """`data/apk-mapping.json`: the shipped YAML's data, written by tools/gen_mapping.py."""
    return data_path("apk-mapping.json")


@lru_cache(maxsize=1)
def bundled_mapping() -> ApkMapping:
    """The mapping shipped with wheelfit (loaded once): its JSON twin when present (as in
    every install), else the YAML itself."""
    try:
        raw = compact_path().read_bytes()
    except OSError:
        doc = _read_yaml(bundled_path(), "apk-mapping.yaml")
    else:
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise MappingError(f"apk-mapping.json: not valid JSON: {exc}") from None
    return parse_document(doc, "apk-mapping.yaml")


def load_mapping(extra: Path | None = None) -> ApkMapping:
    """The bundled mapping, with the user overlay `extra` (same schema) laid over it."""
    base = bundled_mapping()
    if extra is None:
        return base
    return parse_document(_read_overlay(extra), shorten(str(extra)), base)
