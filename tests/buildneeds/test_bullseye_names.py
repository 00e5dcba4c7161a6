"""Debian bullseye targets get bullseye's package names (table-driven:
tests/data/buildneeds/bullseye_names.yaml), never trixie's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.buildneeds.builddeps import build_needs
from wheelfit.buildneeds.mapping import bundled_mapping
from wheelfit.buildneeds.systemlibs import bundled_system_libraries, bundled_toolchains, toolchain

CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "buildneeds" / "bullseye_names.yaml")
    .read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["table"], ids=lambda c: f"{c['kind']}-{c['key']}")
def test_table_row_names_for_bullseye(case: dict[str, Any]) -> None:
    row = bundled_system_libraries().lookup(case["kind"], case["key"])
    assert row is not None
    side = row.apt_for("bullseye")
    assert (list(side.build), list(side.runtime)) == (case["build"], case["runtime"])


@pytest.mark.parametrize("case", CASES["project"], ids=lambda c: c["name"])
def test_project_build_needs_for_bullseye(case: dict[str, Any]) -> None:
    needs = build_needs(bundled_mapping(), case["name"], case["version"],
                        debian_release="bullseye")
    assert needs is not None
    assert (list(needs.apt), list(needs.apt_runtime)) == (case["apt"], case["apt_runtime"])


@pytest.mark.parametrize("case", CASES["soname"], ids=lambda c: c["soname"])
def test_soname_names_for_bullseye(case: dict[str, Any]) -> None:
    entry = bundled_mapping().soname(case["soname"])
    assert entry is not None
    assert list(entry.apt.for_release("bullseye")) == case["apt"]
    assert list(entry.apt_dev.for_release("bullseye")) == case["apt_dev"]


@pytest.mark.parametrize("case", CASES["missing"],
                         ids=lambda c: f"{c['name']}-{c['release']}")
def test_a_need_the_release_does_not_package_is_named(case: dict[str, Any]) -> None:
    needs = build_needs(bundled_mapping(), case["name"], case["version"],
                        debian_release=case["release"])
    assert needs is not None
    assert list(needs.unknown) == case["unknown"]
    if "apt" in case:
        assert list(needs.apt) == case["apt"]


def test_bullseye_is_a_listed_release_of_the_mapping() -> None:
    assert bundled_mapping().debian_releases == ("bullseye", "bookworm", "trixie")


def test_bullseye_rust_is_1_48() -> None:
    rust = toolchain(bundled_toolchains(), "debian", "bullseye", "rust")
    assert rust is not None and rust.versions == ("1.48.0",)


def test_every_release_gap_of_the_translation_table_is_named() -> None:
    """An apt list empty for one release and not for another is a package that release
    lacks: tools/mapping-src/libraries.yaml must name the need (apt_missing) for it."""
    libs = yaml.safe_load((Path(__file__).resolve().parents[2] / "tools" / "mapping-src"
                           / "libraries.yaml").read_text(encoding="utf-8"))
    unnamed = []
    for name, lib in libs["packages"].items():
        apt = lib.get("apt")
        if not isinstance(apt, dict) or not any(apt.values()):
            continue
        gaps = {release for release, names in apt.items() if not names}
        if gaps - set(lib.get("apt_missing", {})):
            unnamed.append(name)
    assert unnamed == []
