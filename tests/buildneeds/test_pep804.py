"""The PEP 804 export (`buildneeds/pep804.py`): validated against the reference schema of
jaimergp/external-metadata-mappings, recorded in tests/data/pep804/ (see SOURCE.md there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from wheelfit.buildneeds.mapping import ApkMapping
from wheelfit.buildneeds.pep804 import check_ecosystem, export_document
from wheelfit.buildneeds.systemlibs import (
    bundled_system_libraries,
    bundled_toolchains,
    parse_table,
)
from wheelfit.errors import UsageError

PEP804 = Path(__file__).resolve().parents[1] / "data" / "pep804"
SCHEMA = json.loads((PEP804 / "external-mapping.schema.json").read_text(encoding="utf-8"))
REGISTRY = json.loads((PEP804 / "registry.json").read_text(encoding="utf-8"))
REGISTRY_IDS = {d["id"] for d in REGISTRY["definitions"]}


def _export(ecosystem: str, mapping: ApkMapping, **kw: Any) -> dict[str, Any]:
    return export_document(ecosystem, bundled_system_libraries(), mapping,
                           bundled_toolchains(), **kw)


def _entry(doc: dict[str, Any], depurl: str) -> dict[str, Any]:
    return next(e for e in doc["mappings"] if e["id"] == depurl)


@pytest.mark.parametrize("ecosystem", ["alpine", "debian"])
def test_export_validates_against_the_reference_schema(ecosystem: str,
                                                       mapping: ApkMapping) -> None:
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(_export(ecosystem, mapping)), key=str)
    assert not errors, errors[:3]


def test_the_recorded_schema_rejects_what_it_should() -> None:
    """Guards the test above: the recorded schema is a real one, not a permissive stub."""
    bad = {"name": "x", "package_managers": [], "mappings": [{"id": "generic/zlib",
                                                             "specs": "zlib"}]}
    assert list(Draft202012Validator(SCHEMA).iter_errors(bad))


@pytest.mark.parametrize("ecosystem", ["alpine", "debian"])
def test_export_has_at_least_100_entries_with_unique_ids(ecosystem: str,
                                                         mapping: ApkMapping) -> None:
    ids = [e["id"] for e in _export(ecosystem, mapping)["mappings"]]
    assert len(ids) >= 100
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("ecosystem", ["alpine", "debian"])
def test_ids_the_registry_knows_are_spelled_as_the_registry_does(ecosystem: str,
                                                                 mapping: ApkMapping) -> None:
    ids = {e["id"] for e in _export(ecosystem, mapping)["mappings"]}
    by_lower = {i.lower(): i for i in REGISTRY_IDS}
    assert {i for i in ids if i.lower() in by_lower} <= REGISTRY_IDS
    assert len(ids & REGISTRY_IDS) >= 25


@pytest.mark.parametrize(("ecosystem", "host", "run"), [
    ("alpine", ["libpq-dev", "libpq"], ["libpq"]),
    ("debian", ["libpq-dev", "libpq5"], ["libpq5"]),
])
def test_libpq_maps_to_dev_and_runtime_packages(ecosystem: str, host: list[str],
                                                 run: list[str], mapping: ApkMapping) -> None:
    specs = _entry(_export(ecosystem, mapping), "dep:generic/libpq")["specs"]
    assert specs == {"build": [], "host": host, "run": run}


@pytest.mark.parametrize(("ecosystem", "build"), [
    ("alpine", ["cargo"]),
    ("debian", ["cargo", "rustc"]),
])
def test_rust_compiler_is_a_build_tool(ecosystem: str, build: list[str],
                                       mapping: ApkMapping) -> None:
    specs = _entry(_export(ecosystem, mapping), "dep:virtual/compiler/rust")["specs"]
    assert specs["build"] == build and specs["host"] == []


@pytest.mark.parametrize(("depurl", "alpine", "debian"), [
    ("dep:virtual/compiler/c", ["build-base"], ["build-essential"]),
    ("dep:virtual/compiler/fortran", ["build-base", "gfortran"],
     ["build-essential", "gfortran"]),
])
def test_compilers_come_from_the_shared_toolchains(depurl: str, alpine: list[str],
                                                   debian: list[str],
                                                   mapping: ApkMapping) -> None:
    assert _entry(_export("alpine", mapping), depurl)["specs"]["build"] == alpine
    assert _entry(_export("debian", mapping), depurl)["specs"]["build"] == debian


def test_llvm_names_the_newest_packaged_major(mapping: ApkMapping) -> None:
    entry = _entry(_export("alpine", mapping), "dep:generic/llvm")
    majors = entry["extra_metadata"]["majors"]
    assert entry["specs"]["host"] == [f"llvm{max(majors, key=int)}-dev"]


def test_pkg_config_is_a_build_tool(mapping: ApkMapping) -> None:
    specs = _entry(_export("debian", mapping), "dep:generic/pkg-config")["specs"]
    assert specs == {"build": ["pkg-config"], "host": [], "run": []}


def test_what_pip_fetches_from_pypi_is_left_out(mapping: ApkMapping) -> None:
    ids = {e["id"] for e in _export("alpine", mapping)["mappings"]}
    assert not ids & {"dep:generic/cmake", "dep:generic/ninja", "dep:generic/meson"}


def test_registry_alias_points_at_the_entry_it_shares(mapping: ApkMapping) -> None:
    doc = _export("alpine", mapping)
    alias = _entry(doc, "dep:github/OpenMathLib/OpenBLAS")
    assert alias == {"id": "dep:github/OpenMathLib/OpenBLAS",
                     "specs_from": "dep:generic/openblas"}


def test_a_release_without_the_package_maps_to_an_empty_list(mapping: ApkMapping) -> None:
    doc = _export("debian", mapping, debian_release="bookworm")
    assert _entry(doc, "dep:generic/girepository")["specs"] == []


def test_debian_release_picks_that_release_s_names(mapping: ApkMapping) -> None:
    bookworm = _export("debian", mapping, debian_release="bookworm")
    assert _entry(bookworm, "dep:generic/openssl")["specs"]["run"] == ["libssl3"]
    assert "bookworm" in bookworm["name"]


def test_urls_name_the_package_pages(mapping: ApkMapping) -> None:
    urls = _entry(_export("alpine", mapping), "dep:virtual/compiler/cxx")["urls"]
    assert urls["pkgs.alpinelinux.org (libstdc++)"] == (
        "https://pkgs.alpinelinux.org/packages?name=libstdc%2B%2B&branch=edge")


def test_every_entry_says_where_it_was_read(mapping: ApkMapping) -> None:
    doc = _export("debian", mapping)
    assert all(e["extra_metadata"]["source"] for e in doc["mappings"] if "specs" in e)


def test_a_new_table_row_becomes_an_entry(mapping: ApkMapping) -> None:
    table = parse_table(
        "kind\tkey\tapk_build\tapk_runtime\tapt_build\tapt_runtime\tapt_build_bookworm\t"
        "apt_runtime_bookworm\tapt_build_bullseye\tapt_runtime_bullseye\tpypi\tsource\n"
        "pep725\tdep:generic/libfoo\tfoo-dev\tfoo\tlibfoo-dev\tlibfoo1\t=\t=\t=\t=\t-\ttest\n")
    doc = export_document("debian", table, mapping, bundled_toolchains())
    assert _entry(doc, "dep:generic/libfoo")["specs"] == {
        "build": [], "host": ["libfoo-dev", "libfoo1"], "run": ["libfoo1"]}


@pytest.mark.parametrize(("given", "expected"), [
    (None, ("alpine", "debian")), ("both", ("alpine", "debian")),
    ("alpine", ("alpine",)), ("Debian", ("debian",)),
])
def test_check_ecosystem(given: str | None, expected: tuple[str, ...]) -> None:
    assert check_ecosystem(given) == expected


def test_a_bad_ecosystem_is_a_kind_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        check_ecosystem("ubuntu")
    assert "'ubuntu'" in caught.value.message
    assert "--ecosystem alpine" in (caught.value.hint or "")


def test_a_bad_debian_release_is_a_usage_error(mapping: ApkMapping) -> None:
    with pytest.raises(UsageError, match="'sid'"):
        _export("debian", mapping, debian_release="sid")


def test_entries_list_the_names_build_files_use_for_them(mapping: ApkMapping) -> None:
    extra = _entry(_export("alpine", mapping), "dep:generic/libpq")["extra_metadata"]
    assert extra["pkg-config"] == ["libpq"] and extra["config-tool"] == ["pg_config"]
