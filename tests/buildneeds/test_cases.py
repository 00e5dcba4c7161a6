"""Table-driven done-when cases: what pinned source builds need (data/builddeps/cases.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from wheelfit.buildneeds.builddeps import build_needs
from wheelfit.buildneeds.mapping import ApkMapping

from .conftest import DATA

CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "cases.yaml").read_text(encoding="utf-8"))
FIELDS = ("apk", "apk_runtime", "apt", "apt_runtime")
KNOWN_KEYS = {"name", "version", "debian_release"} | {
    f"{field}{suffix}" for field in FIELDS for suffix in ("", "_absent", "_any_of")}


def _id(case: dict[str, Any]) -> str:
    return f"{case['name']}-{case['version']}-{case.get('debian_release', 'default')}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_case(mapping: ApkMapping, case: dict[str, Any]) -> None:
    needs = build_needs(mapping, case["name"], case["version"],
                        debian_release=case.get("debian_release"))
    assert needs is not None, f"{case['name']} is not in the mapping"
    for field in FIELDS:
        missing = set(case.get(field, [])) - set(getattr(needs, field))
        assert not missing, f"{field} lacks {sorted(missing)}: {getattr(needs, field)}"
        present = set(case.get(f"{field}_absent", [])) & set(getattr(needs, field))
        assert not present, f"{field} must not contain {sorted(present)}"
        for choices in case.get(f"{field}_any_of", []):
            assert set(choices) & set(getattr(needs, field)), f"{field} needs one of {choices}"
    assert needs.source


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_case_keys_are_known(case: dict[str, Any]) -> None:
    """A misspelt key (apk_runtime_absnet) would silently check nothing."""
    assert set(case) <= KNOWN_KEYS, sorted(set(case) - KNOWN_KEYS)


def test_cases_cover_the_done_when_list() -> None:
    names = {c["name"].lower() for c in CASES}
    assert {"psycopg2", "python-ldap", "mysqlclient", "uwsgi", "lxml", "pillow",
            "cryptography", "grpcio", "gevent", "numpy", "scipy", "pyodbc", "pycurl"} <= names
