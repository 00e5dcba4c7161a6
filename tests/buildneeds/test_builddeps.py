"""build_needs / aggregate_commands / alternatives over the bundled and small mappings."""

from __future__ import annotations

import itertools

from wheelfit.buildneeds.builddeps import (
    PackageCommands,
    aggregate_commands,
    alternatives,
    build_needs,
    expand_uses,
    mapping_basis,
)
from wheelfit.buildneeds.mapping import ApkMapping, parse_document
from wheelfit.model import BuildNeeds

from .samples import MINIMAL


def test_unknown_project_gives_none(mapping: ApkMapping) -> None:
    assert build_needs(mapping, "no-such-project-xyz", "1.0") is None
    assert alternatives(mapping, "no-such-project-xyz") == ()


def test_shared_entries_are_expanded_once_in_order(mapping: ApkMapping) -> None:
    needs = build_needs(mapping, "scipy", "1.13.0")
    assert needs is not None
    assert needs.apk[0] == "build-base"
    assert len(needs.apk) == len(set(needs.apk))
    spec = mapping.projects["scipy"].spec
    assert expand_uses(mapping, spec)[:1] == ("c-toolchain",)
    assert "pkgconf" in expand_uses(mapping, spec)  # blas uses pkgconf


def test_names_are_case_and_separator_insensitive(mapping: ApkMapping) -> None:
    assert build_needs(mapping, "Zope.Interface", "6.0") == build_needs(
        mapping, "zope-interface", "6.0")


def test_pure_python_entry_needs_no_build_but_keeps_runtime(mapping: ApkMapping) -> None:
    needs = build_needs(mapping, "psycopg", "3.1.18")
    assert needs is not None
    assert needs.apk == () and needs.apt == ()
    assert needs.apk_runtime == ("libpq",)


def test_env_is_carried(mapping: ApkMapping) -> None:
    needs = build_needs(mapping, "pycurl", "7.45.2")
    assert needs is not None and ("PYCURL_SSL_LIBRARY", "openssl") in needs.env


def test_aggregate_is_sorted_deduplicated_and_order_independent(mapping: ApkMapping) -> None:
    names = [("psycopg2", "2.9.9"), ("lxml", "4.9.4"), ("cryptography", "41.0.7"),
             ("pycurl", "7.45.2")]
    all_needs = [build_needs(mapping, n, v) for n, v in names]
    results = {aggregate_commands(p) for p in itertools.permutations(all_needs)}
    assert len(results) == 1
    cmds = results.pop()
    assert list(cmds.apk_build) == sorted(set(cmds.apk_build))
    assert cmds.apk_build.count("build-base") == 1
    assert cmds.apk_build_line is not None
    assert cmds.apk_build_line.startswith("apk add --no-cache --virtual .build-deps build-base ")
    assert cmds.apk_runtime_line == "apk add --no-cache " + " ".join(cmds.apk_runtime)
    assert "libpq" in cmds.apk_runtime
    assert cmds.apt_build_line is not None
    assert cmds.apt_build_line.startswith("apt-get install -y --no-install-recommends ")
    assert cmds.alpine_lines == (cmds.apk_runtime_line, cmds.apk_build_line)
    assert cmds.debian_lines == (cmds.apt_runtime_line, cmds.apt_build_line)


def test_aggregate_of_nothing() -> None:
    cmds = aggregate_commands([None, BuildNeeds()])
    assert cmds == PackageCommands()
    assert cmds.alpine_lines == () and cmds.debian_lines == ()
    assert cmds.apk_build_line is None and cmds.apt_runtime_line is None


def test_aggregate_env_conflict_is_deterministic() -> None:
    a = BuildNeeds(env=(("X", "2"),))
    b = BuildNeeds(env=(("X", "1"), ("Y", "y")))
    assert aggregate_commands([a, b]).env == aggregate_commands([b, a]).env == (
        ("X", "1"), ("Y", "y"))


def test_alternatives_never_offer_alpine_py3_packages(mapping: ApkMapping) -> None:
    """python:alpine's CPython is not Alpine's python3: py3-psycopg2 does not serve it."""
    assert mapping.project("psycopg2").alpine_package is not None  # the mapping knows it
    alts = alternatives(mapping, "psycopg2")
    assert alts[0].kind == "binary-twin" and alts[0].name == "psycopg2-binary"
    assert not [a for a in alts if a.kind == "alpine-package" or a.name.startswith("py3-")]


def test_alternatives_keep_the_mapping_s_other_kinds(mapping: ApkMapping) -> None:
    assert any(a.name == "pymysql" and a.kind == "pure-python"
               for a in alternatives(mapping, "mysqlclient"))
    assert any(a.name == "psycopg[binary]" for a in alternatives(mapping, "psycopg"))


def test_small_mapping_release_choice() -> None:
    doc = dict(MINIMAL)
    doc["projects"] = {"x": {"native": ["c"], "apt_runtime": {
        "bookworm": ["libssl3"], "trixie": ["libssl3t64"]}}}
    m = parse_document(doc, "t.yaml")
    assert build_needs(m, "x", "1", debian_release="bookworm") == BuildNeeds(
        apk=("build-base",), apt=("build-essential",), apt_runtime=("libssl3",),
        basis="mapping")
    needs = build_needs(m, "x", "1")
    assert needs is not None and needs.apt_runtime == ("libssl3t64",)


def test_basis_is_recipe_when_only_alpine_recipes_back_an_entry() -> None:
    assert mapping_basis(("aports:community/py3-x/APKBUILD@0e8f5b7e6a38 (2025-03-18)",)) \
        == "recipe"


def test_basis_is_mapping_when_a_curated_source_backs_an_entry() -> None:
    assert mapping_basis(("https://example.org/install", "aports:main/py3-x/APKBUILD")) \
        == "mapping"


def _with_missing(missing: dict[str, str]) -> ApkMapping:
    doc = {**MINIMAL, "projects": {"psycopg2": {
        **MINIMAL["projects"]["psycopg2"], "apt_missing": missing}}}
    return parse_document(doc, "test.yaml")


def test_a_gap_in_every_later_release_offers_only_a_wheel() -> None:
    mapping = _with_missing({"bookworm": "libpq 18", "trixie": "libpq 18"})
    needs = build_needs(mapping, "psycopg2", "2.9.10", debian_release="bookworm")
    assert needs is not None
    assert needs.unknown == (
        "libpq 18: Debian bookworm has no package for it (nor has any later Debian release "
        "wheelfit knows): use a version of psycopg2 with a wheel for this image",)


def test_no_release_given_means_the_newest_one_s_gaps() -> None:
    needs = build_needs(_with_missing({"trixie": "libpq 18"}), "psycopg2", "2.9.10")
    assert needs is not None and needs.unknown[0].startswith("libpq 18: Debian trixie ")
