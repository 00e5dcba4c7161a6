"""Every package name in the mapping exists: apk names in Alpine's aports, apt names in
Debian bullseye, bookworm AND trixie; and no name pip's isolated build provides is asked for.

Hermetic copies: tests/data/builddeps/apk-names.txt (tools/gen_mapping.py) and
apt-names-{bullseye,bookworm,trixie}.txt (tools/check_apt_names.py --write: the names the
data prints for each release that the release's Packages index really has). With
../shared/data beside the clone, apk names are also checked against all-recipes.tsv itself.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from wheelfit.buildneeds.mapping import ApkMapping, AptNames, BuildSpec

from .conftest import DATA, SHARED

# Names that exist only as `provides=` in a subpackage function; none are used today
# (postgresql-dev is such a name: the mapping says libpq-dev instead).
VIRTUAL_APK_NAMES: frozenset[str] = frozenset()
NEVER_ASK = {"python3-dev", "python3", "cython", "py3-setuptools", "py3-gpep517", "py3-wheel",
             "py3-installer", "samurai", "ninja", "meson", "cmake", "maturin", "python3-pip",
             "python3-setuptools", "cython3", "python-dev"}


def names_file(name: str) -> set[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return {ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")}


def specs(mapping: ApkMapping) -> Iterator[tuple[str, BuildSpec]]:
    for name, shared in mapping.shared.items():
        yield f"shared.{name}", shared.spec
    for name, entry in mapping.projects.items():
        yield f"projects.{name}", entry.spec
        for i, over in enumerate(entry.versions):
            yield f"projects.{name}.versions[{i}]", over.spec


def apk_names(mapping: ApkMapping) -> dict[str, str]:
    """apk name -> first key path using it."""
    out: dict[str, str] = {}
    for path, spec in specs(mapping):
        for n in (*spec.apk, *spec.apk_runtime):
            out.setdefault(n, path)
    for soname, entry in mapping.sonames.items():
        for n in (*entry.apk, *entry.apk_dev):
            out.setdefault(n, f"sonames.{soname}")
    return out


def apt_names(mapping: ApkMapping, release: str) -> dict[str, str]:
    out: dict[str, str] = {}
    lists: list[tuple[str, AptNames]] = []
    for path, spec in specs(mapping):
        lists += [(path, spec.apt), (path, spec.apt_runtime)]
    for soname, entry in mapping.sonames.items():
        lists += [(f"sonames.{soname}", entry.apt), (f"sonames.{soname}", entry.apt_dev)]
    for path, names in lists:
        for n in names.for_release(release):
            out.setdefault(n, path)
    return out


def test_apk_names_exist(mapping: ApkMapping) -> None:
    known = names_file("apk-names.txt") | VIRTUAL_APK_NAMES
    unknown = {n: p for n, p in apk_names(mapping).items() if n not in known}
    assert not unknown


@pytest.mark.skipif(not (SHARED / "alpine" / "all-recipes.tsv").exists(),
                    reason="../shared/data/alpine/all-recipes.tsv is not beside the clone")
def test_apk_names_exist_in_aports(mapping: ApkMapping) -> None:
    known: set[str] = set(VIRTUAL_APK_NAMES)
    path: Path = SHARED / "alpine" / "all-recipes.tsv"
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            known.add(row["pkgname"])
            known.update(s.split(":")[0] for s in row["subpackages"].split())
    unknown = {n: p for n, p in apk_names(mapping).items() if n not in known}
    assert not unknown


@pytest.mark.parametrize("release", ["bullseye", "bookworm", "trixie"])
def test_apt_names_exist(mapping: ApkMapping, release: str) -> None:
    assert release in mapping.debian_releases
    known = names_file(f"apt-names-{release}.txt")
    unknown = {n: p for n, p in apt_names(mapping, release).items() if n not in known}
    assert not unknown


def test_recorded_name_lists_are_dated() -> None:
    for name in ("apk-names.txt", "apt-names-bullseye.txt", "apt-names-bookworm.txt",
                 "apt-names-trixie.txt"):
        header = (DATA / name).read_text(encoding="utf-8").splitlines()[:3]
        assert any(line.startswith("#") for line in header), name
    for release in ("bullseye", "bookworm", "trixie"):
        text = (DATA / f"apt-names-{release}.txt").read_text(encoding="utf-8")
        assert "Recorded 20" in text and "deb.debian.org" in text


def test_no_build_driver_is_asked_for(mapping: ApkMapping) -> None:
    for release in mapping.debian_releases:
        asked = set(apk_names(mapping)) | set(apt_names(mapping, release))
        assert not asked & NEVER_ASK
    assert not {n for n in apk_names(mapping) if n.startswith("py3-")}
    assert {"cython", "meson-python", "maturin", "ninja", "cmake"} <= mapping.pip_provides
