"""Build needs of a project the mapping does not know, read from its sdist's build files.

The sdist is streamed once per run (`SdistRead`, shared by the targets of one package and
the build-requirement chain) and what it selected is cached by the sdist's sha256:
`buildmembers.is_build_file` picks the members, and every member name the archive holds
is kept, so source-file suffixes count too. `buildplan.plan_build` turns the facts into an
Alpine and a Debian plan; `plan_needs` folds both into one `BuildNeeds` with its basis.
Nothing is executed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from wheelfit.buildneeds.buildmembers import is_build_file
from wheelfit.buildneeds.mapping_types import ApkMapping, unique
from wheelfit.buildneeds.native import (
    native_from_pyproject,
    native_from_setup,
    native_from_wheels,
)
from wheelfit.errors import IndexFault
from wheelfit.index.base import PackageIndex
from wheelfit.model import BuildNeeds, DistFile

if TYPE_CHECKING:  # the facts, their codec and the plans load with the first sdist read
    from wheelfit.buildneeds.buildfile_types import BuildFileFacts
    from wheelfit.buildneeds.buildplan import BuildPlan

BASIS_UNKNOWN = "unknown"
_SDIST_FILES = {"pyproject.toml", "setup.py", "setup.cfg"}
# The cache's name for the selection `is_build_file` makes: change it with that selection.
BUILD_FILES = "build-files-1"
# What the index client reads together with an sdist's PKG-INFO (`open_index(sdist_scan=)`).
BUILD_FILES_SCAN = (BUILD_FILES, is_build_file)
# The cache's name for a scan's result: the selection's name, then the scanner's version.
FACTS = f"build-facts-{BUILD_FILES}"


@dataclass
class SdistRead:
    """One sdist's build files and member names (None until read; `error` when unreadable)."""

    members: dict[str, bytes] | None = None
    names: list[str] = field(default_factory=list)
    facts: BuildFileFacts | None = None
    error: str | None = None
    hash_note: str | None = None


class SdistReads:
    """Each sdist read at most once per enrich pass, whatever the number of targets."""

    def __init__(self, index: PackageIndex) -> None:
        self.index = index
        self._lock = threading.Lock()
        self._reads: dict[str, SdistRead] = {}
        self._locks: dict[str, threading.Lock] = {}

    def read(self, sdist: DistFile) -> SdistRead:
        """The sdist's build files and facts (read on the first call for its URL)."""
        with self._lock:
            lock = self._locks.setdefault(sdist.url, threading.Lock())
        with lock:
            if sdist.url not in self._reads:
                self._reads[sdist.url] = self._read(sdist)
            return self._reads[sdist.url]

    def pyproject(self, sdist: DistFile) -> SdistRead:
        """The sdist's top-level pyproject.toml (in `members`), for its `[build-system]`:
        the same read as `read`, so the sdist is streamed once whoever asks first."""
        return self.read(sdist)

    def _read(self, sdist: DistFile) -> SdistRead:
        out = SdistRead()

        def wanted(member: str) -> bool:
            out.names.append(member)
            return is_build_file(member)

        try:
            members = self.index.sdist_members(sdist, wanted, cache_as=BUILD_FILES)
        except IndexFault as fault:
            out.error = f"sdist not readable: {fault.message}"
            return out
        out.hash_note = getattr(members, "hash_note", None)
        if members is not None:
            out.members = dict(members)
            out.facts = self._facts(sdist, out.members, out.names)
        return out

    def _facts(self, sdist: DistFile, members: dict[str, bytes],
               names: list[str]) -> BuildFileFacts:
        """The scan of the build files, from the cache when this sdist (by sha256) was
        scanned by this scanner before; scanned and kept otherwise."""
        from wheelfit.buildneeds.factscodec import decode_facts, encode_facts, scanner_version

        kind = f"{FACTS}-{scanner_version()}"
        stored = self.index.derived(sdist, kind)
        facts = decode_facts(stored) if stored is not None else None
        if facts is None:
            # The scanners (tokenize, tomllib, the grammars) load only when one runs.
            from wheelfit.buildneeds.buildfiles import read_build_files

            facts = read_build_files(members, names)
            self.index.keep_derived(sdist, kind, encode_facts(facts))
        return facts


def reads_build_files(mapping: ApkMapping, name: str, version: str,
                      release_files: Iterable[str]) -> bool:
    """True when enrichment reads this source build's sdist: a project the mapping calls
    compiled (for its build requirements), or one it does not know unless the release's
    own wheels (`release_files`) show it is pure Python (as `enrich._detect` judges)."""
    entry = mapping.project(name)
    if entry is not None:
        return bool(entry.for_version(version).native)
    return native_from_wheels(release_files)[0] is not False


def plans_for(facts: BuildFileFacts, debian_release: str | None) -> tuple[BuildPlan, BuildPlan]:
    """The Alpine plan and the Debian plan (`debian_release` None = the newest) of one sdist."""
    from wheelfit.buildneeds.buildplan import Target, plan_build
    from wheelfit.buildneeds.systemlibs import (
        bundled_package_deps,
        bundled_system_libraries,
        bundled_toolchains,
    )

    table, tools, deps = bundled_system_libraries(), bundled_toolchains(), bundled_package_deps()
    alpine = plan_build(facts, table, tools, Target("alpine"), deps)
    debian = plan_build(facts, table, tools, Target("debian", debian_release), deps)
    return alpine, debian


def plan_needs(alpine: BuildPlan, debian: BuildPlan, *, on_alpine: bool) -> BuildNeeds | None:
    """Both plans as one `BuildNeeds` (toolchain first), or None when the build files do not
    say what compiles (the caller falls back to a generic toolchain, basis `unknown`).
    `unknown` lists what the plan of the verdict's own target (`on_alpine`) leaves open."""
    if alpine.basis == BASIS_UNKNOWN or alpine.pure or debian.pure:
        return None
    unknown = unique(f"{u.what}: {u.why}" for u in (alpine if on_alpine else debian).unknown)
    return BuildNeeds(
        apk=unique(alpine.toolchain + alpine.build), apk_runtime=alpine.runtime,
        apt=unique(debian.toolchain + debian.build), apt_runtime=debian.runtime,
        source="read from the sdist's build files" + (
            " ([external], PEP 725)" if alpine.basis == "pep725" else ""),
        basis=alpine.basis, unknown=unknown)


def unknown_text(languages: tuple[str, ...]) -> str:
    """What a generic plan does not know: `compiles C; the libraries it links are unknown`."""
    named = {"c": "C", "c++": "C++", "rust": "Rust", "fortran": "Fortran", "cython": "Cython"}
    what = " and ".join(named.get(lang, lang) for lang in languages) or "C"
    return f"compiles {what}; the libraries it links are unknown"


def _is_build_file(member: str) -> bool:
    """An sdist's top-level pyproject.toml, setup.py or setup.cfg."""
    parts = PurePosixPath(member).parts
    return len(parts) == 2 and parts[1] in _SDIST_FILES


def from_sdist(read: SdistRead) -> tuple[bool | None, list[str]]:
    """Whether the sdist compiles, judged from its top-level pyproject.toml / setup.py /
    setup.cfg first, then from the build-file facts; with the evidence."""
    if read.error is not None:
        return None, [read.error]
    top = {k: v for k, v in (read.members or {}).items() if _is_build_file(k)}
    native, evidence = _judge_sdist(top)
    if native is None and read.facts is not None and read.facts.native is not None:
        native = read.facts.native
        evidence.append("build files: " + ("compiled sources" if native else "nothing compiles"))
    # `index.sdistnames.SdistMembers.hash_note`: why the index's hash was checked only in part.
    return native, [*evidence, read.hash_note] if read.hash_note else evidence


def _judge_sdist(members: Mapping[str, bytes]) -> tuple[bool | None, list[str]]:
    if not members:
        return None, []
    verdicts = []
    for member, data in sorted(members.items()):
        text = data.decode("utf-8", "replace")
        check: Callable[[str], tuple[bool | None, str]] = (
            native_from_pyproject if member.endswith("pyproject.toml") else native_from_setup
        )
        verdicts.append(check(text))
    native_votes = [v for v in verdicts if v[0] is True]
    if native_votes:
        return True, [v[1] for v in native_votes if v[1]]
    if any(v[0] is False for v in verdicts):
        return False, [v[1] for v in verdicts if v[0] is False and v[1]]
    return None, [v[1] for v in verdicts if v[1]]
