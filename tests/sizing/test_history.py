"""The python images over time: which Python an unversioned tag meant on a date, and which
history row a tag had then (tables in tests/data/sizing/history_cases.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.sizing.history import image_at, image_rows, python_meant

CASES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "sizing"
                        / "history_cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES["meant"], ids=[str(c["day"]) for c in CASES["meant"]])
def test_unversioned_tag_means_the_newest_minor_released_by_then(case: dict[str, Any]) -> None:
    found = python_meant(case["day"])
    assert (found[0] if found else None) == case["expect"]


@pytest.mark.parametrize("case", CASES["rows"],
                         ids=[f"{c['minor']}-{c['variant']}-{c['day']}" for c in CASES["rows"]])
def test_image_row_valid_on_a_date(case: dict[str, Any]) -> None:
    row = image_at(case["minor"], case["variant"], case["day"], case.get("arch", "amd64"))
    assert (row.python_version if row else None) == case["expect"]


def test_the_reason_names_the_release_and_its_source() -> None:
    found = python_meant(date(2020, 6, 1))
    assert found is not None
    assert "released 2019-10-14, PEP 569" in found[1]


def test_every_history_row_names_its_source_and_a_size() -> None:
    rows = image_rows()
    assert len(rows) >= 46
    assert all(r.source and (r.compressed_bytes or r.uncompressed_bytes) for r in rows)


def test_a_row_line_carries_size_date_and_source() -> None:
    row = image_at("3.6", "full", date(2019, 9, 1))
    assert row is not None
    assert row.line().startswith("python:3.6 (3.6.9, buster, amd64) = 345.0 MB compressed "
                                 "from 2019-08-12; source deepsinha75/repo-info")
