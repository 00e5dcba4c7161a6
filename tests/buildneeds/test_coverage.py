"""The coverage rule: every project Alpine builds per arch that is among PyPI's 5,000 most
downloaded has an entry, and so does every project of our test data.

The rule's result is recorded in tests/data/builddeps/coverage.tsv (hermetic); when
../shared/data is beside the clone (as in CI), it is derived again and compared.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from wheelfit.buildneeds.mapping import ApkMapping

from .conftest import DATA, SHARED

OUR_TEST_DATA = (
    "psycopg2", "psycopg2-binary", "psycopg", "python-ldap", "mysqlclient", "uwsgi", "lxml",
    "pillow", "cryptography", "grpcio", "gevent", "numpy", "scipy", "pandas", "pyodbc",
    "pycurl", "cffi", "pyyaml", "markupsafe", "psutil", "greenlet", "ujson", "orjson",
    "pydantic-core", "regex", "msgpack", "zope-interface", "matplotlib", "kiwisolver",
    "contourpy", "scikit-learn", "h5py", "confluent-kafka", "pymssql", "cx-oracle", "oracledb",
)
RANK_LIMIT = 5000


def recorded_coverage() -> dict[str, int]:
    lines = [ln for ln in (DATA / "coverage.tsv").read_text(encoding="utf-8").splitlines()
             if not ln.startswith("#")]
    return {row["name"]: int(row["rank"]) for row in csv.DictReader(lines, delimiter="\t")}


def test_recorded_coverage_is_plausible() -> None:
    cov = recorded_coverage()
    assert len(cov) > 150
    assert all(rank <= RANK_LIMIT for rank in cov.values())
    assert {"cryptography", "numpy", "psycopg2", "lxml", "pillow"} <= set(cov)


def test_every_covered_project_has_an_entry(mapping: ApkMapping) -> None:
    missing = sorted(set(recorded_coverage()) - set(mapping.projects))
    assert not missing


def test_every_test_data_project_has_an_entry(mapping: ApkMapping) -> None:
    missing = sorted(n for n in OUR_TEST_DATA if mapping.project(n) is None)
    assert not missing


def test_covered_native_projects_say_what_they_compile(mapping: ApkMapping) -> None:
    for name in recorded_coverage():
        entry = mapping.projects[name]
        assert entry.source, name
        assert entry.alpine_package is not None, name


def _derive(py3_packages: Path) -> dict[str, int]:
    """The rule applied to Alpine's py3-packages.tsv (its own PyPI rank column)."""
    with py3_packages.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out: dict[str, int] = {}
    for row in rows:
        name = row["pypi_canonical_name"] or row["pypi_name"]
        if not name or row["noarch"] != "no" or not row["pypi_download_rank"]:
            continue
        rank = int(row["pypi_download_rank"])
        if rank <= RANK_LIMIT:
            out[canonicalize_name(name)] = rank
    return out


@pytest.mark.skipif(not (SHARED / "alpine" / "py3-packages.tsv").exists(),
                    reason="../shared/data/alpine/py3-packages.tsv is not beside the clone")
def test_coverage_rederived_from_shared_data(mapping: ApkMapping) -> None:
    derived = _derive(SHARED / "alpine" / "py3-packages.tsv")
    assert set(derived) == set(recorded_coverage())
    assert not sorted(set(derived) - set(mapping.projects))


@pytest.mark.skipif(not (SHARED / "alpine" / "py3-packages.tsv").exists(),
                    reason="../shared/data/alpine is not beside the clone")
def test_generated_files_are_up_to_date() -> None:
    """data/apk-mapping.yaml and the recorded lists match tools/gen_mapping.py's output."""
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(repo / "tools" / "gen_mapping.py"), "--check",
         "--shared", str(SHARED)],
        capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
