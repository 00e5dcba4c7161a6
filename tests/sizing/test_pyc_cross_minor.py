"""The host stand-in's band against the recorded cross-minor compilations
(tools/cross_minor_pyc.py output: the host's bytecode scaled to the target's minor)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wheelfit.sizing.pycratio import CROSS_MINOR_BAND, CROSS_MINOR_MEASURE, minor_scale

DATA = json.loads((Path(__file__).resolve().parents[1] / "data" / "estimate"
                   / "pyc-cross-minor.json").read_text(encoding="utf-8"))
SETS = [(row["set"], row["target"], sum(v[0] for v in row["wheels"].values()),
         sum(v[1] for v in row["wheels"].values())) for row in DATA["sets"]]
WHEELS = [(row["wheel"], row["target"], row["host"], row["own"]) for row in DATA["wheels"]]


def _id(case: tuple[Any, ...]) -> str:
    return f"{case[0]}-{case[1]}"


def _within_band(host: int, own: int, target: str) -> bool:
    scale = minor_scale(DATA["host"], target)
    point = host * scale.factor
    return point * (1 - scale.band) <= own <= point * (1 + scale.band)


@pytest.mark.parametrize("case", SETS, ids=_id)
def test_each_calibration_sets_own_bytecode_is_inside_the_band(
        case: tuple[str, str, int, int]) -> None:
    _, target, host, own = case
    assert _within_band(host, own, target)


@pytest.mark.parametrize("case", WHEELS, ids=_id)
def test_each_checked_wheels_own_bytecode_is_inside_the_band(
        case: tuple[str, str, int, int]) -> None:
    _, target, host, own = case
    assert _within_band(host, own, target)


def test_the_measured_pairs_carry_the_measured_band() -> None:
    assert {minor_scale(DATA["host"], t).band for t in DATA["targets"]} == {CROSS_MINOR_BAND}


def test_the_basis_line_counts_the_recorded_sets_and_wheels() -> None:
    names = {row["set"] for row in DATA["sets"]}
    wheels = {w for row in DATA["sets"] if row["target"] == "3.12" for w in row["wheels"]}
    assert f"{len(names)} package sets, {len(wheels)} wheels" == CROSS_MINOR_MEASURE
