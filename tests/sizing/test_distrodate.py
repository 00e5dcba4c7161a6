"""With --exclude-newer, the Debian / Alpine release a python image used on that date
(table in tests/data/sizing/distrodate_cases.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.sizing.distrodate import distro_releases, release_on

CASES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "sizing"
                        / "distrodate_cases.yaml").read_text())["cases"]


@pytest.mark.parametrize("case", CASES,
                         ids=[f"{c['python']}-{c['variant']}-{c['day']}" for c in CASES])
def test_the_image_meant_the_newest_release_out_by_then(case: dict[str, Any]) -> None:
    assert release_on(case["python"], case["variant"], case["day"]).meant == case["meant"]


@pytest.mark.parametrize("case", CASES,
                         ids=[f"{c['python']}-{c['variant']}-{c['day']}" for c in CASES])
def test_the_targets_take_that_release_or_the_oldest_one_wheelfit_knows(
        case: dict[str, Any]) -> None:
    assert release_on(case["python"], case["variant"], case["day"]).release == case["expect"]


def test_the_note_says_what_the_tag_meant_and_the_source() -> None:
    note = release_on("3.11", "slim", date(2023, 7, 1)).note
    assert "python:3.11-slim meant bookworm on 2023-07-01" in note
    assert "debian.org/News/2023/20230610" in note


def test_an_older_release_than_the_tables_know_is_said_not_hidden() -> None:
    note = release_on("3.11", "alpine", date(2023, 1, 1)).note
    assert "python:3.11-alpine meant alpine3.17 on 2023-01-01" in note
    assert "targets alpine3.18" in note


def test_alpine_3_19_is_a_release_of_its_own() -> None:
    note = release_on("3.11", "alpine", date(2024, 3, 1)).note
    assert "python:3.11-alpine meant alpine3.19 on 2024-03-01" in note
    assert "pass --alpine to change" in note


def test_a_minor_never_published_on_the_newer_release_keeps_its_last_one() -> None:
    note = release_on("3.8", "slim", date(2026, 1, 1)).note
    assert "never published on trixie" in note


def test_every_release_row_names_its_source() -> None:
    rows = distro_releases()
    assert {r.distro for r in rows} == {"debian", "alpine"}
    assert all(r.source for r in rows)


def test_buster_says_which_wheels_bullseye_judges_too_kindly() -> None:
    note = release_on("3.8", "slim", date(2020, 1, 1)).note
    assert "targets bullseye" in note and "glibc 2.28" in note
    assert "manylinux_2_29 to manylinux_2_31" in note


def test_alpine_with_musl_1_2_judges_wheels_alike() -> None:
    note = release_on("3.11", "alpine", date(2023, 1, 1)).note
    assert "musl 1.2" in note and "same wheel judgement" in note


def test_alpine_with_musl_1_1_says_musllinux_1_2_wheels_are_judged_too_kindly() -> None:
    note = release_on("3.8", "alpine", date(2020, 6, 1)).note
    assert "musl 1.1" in note and "musllinux_1_2" in note


def test_every_release_row_names_its_libc() -> None:
    assert all(r.libc.startswith(("glibc ", "musl ")) for r in distro_releases())
