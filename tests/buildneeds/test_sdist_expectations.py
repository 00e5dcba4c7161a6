"""Real sdists' build files -> facts and plans, one table (sdist_expectations.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.buildneeds.buildfiles import read_build_files
from wheelfit.buildneeds.buildplan import BuildPlan, Target, plan_build
from wheelfit.buildneeds.systemlibs import (
    bundled_package_deps,
    bundled_system_libraries,
    bundled_toolchains,
)

from .sdist_files import SDISTS, recorded_names, recorded_sdist

EXPECTED: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "buildneeds" / "sdist_expectations.yaml"
     ).read_text(encoding="utf-8"))
TARGETS = {"debian": Target("debian", "trixie"), "debian-bookworm": Target("debian", "bookworm"),
           "alpine": Target("alpine")}


def plan(name: str, target: str) -> BuildPlan:
    files, names = recorded_sdist(name)
    facts = read_build_files(files, names)
    return plan_build(facts, bundled_system_libraries(), bundled_toolchains(), TARGETS[target],
                      bundled_package_deps())


def test_every_recorded_sdist_has_expectations_and_a_source() -> None:
    assert sorted(EXPECTED) == recorded_names()
    for name in recorded_names():
        source = (SDISTS / name / "SOURCE").read_text(encoding="utf-8")
        assert source.startswith("https://files.pythonhosted.org/packages/")
        assert " sha256=" in source


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_facts(name: str) -> None:
    want = EXPECTED[name]
    facts = read_build_files(*recorded_sdist(name))
    assert facts.native is want["native"]
    assert set(want["languages"]) <= facts.language_names()
    if "rust_version" in want:
        got = facts.rust_version.version if facts.rust_version else None
        assert got == want["rust_version"]
    majors = {n.major for n in facts.llvm if n.major is not None}
    assert majors == ({want["llvm_major"]} if "llvm_major" in want else set())
    required = {d.name for d in facts.system_deps if d.kind == "pkg-config" and not d.optional}
    assert required == set(want["pkg_config"])


CASES = [(name, target) for name, want in sorted(EXPECTED.items()) for target in want["plans"]]


@pytest.mark.parametrize(("name", "target"), CASES)
def test_plan(name: str, target: str) -> None:
    want = EXPECTED[name]["plans"][target]
    got = plan(name, target)
    assert list(got.toolchain) == want["toolchain"]
    assert list(got.build) == want["build"]
    assert list(got.runtime) == want["runtime"]
    assert len(got.unknown) == want["unknown"], got.unknown
    assert got.basis == "build-files"
    assert got.pure is (EXPECTED[name]["native"] is False)


def test_each_fact_names_its_file_and_line() -> None:
    facts = read_build_files(*recorded_sdist("pygobject-3.58.1"))
    glib = next(d for d in facts.system_deps if d.name == "glib-2.0")
    assert (glib.origin.file, glib.origin.line) == ("meson.build", 37)


def test_what_pip_fetches_is_not_a_system_package() -> None:
    got = plan("pygobject-3.58.1", "debian")
    assert {"meson-python", "meson", "ninja", "pycairo"} <= set(got.pip_fetches)
    assert not {"meson", "ninja", "cmake"} & set(got.build + got.toolchain)
