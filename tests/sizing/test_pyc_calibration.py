"""The bytecode ratio against the recorded real installs (tools/calibrate_pyc.py output)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wheelfit.sizing.pycratio import PYC_PER_PY

DATA = Path(__file__).resolve().parents[1] / "data" / "estimate"
# Calibration sets whose package layer at 1.31 times the .py bytes misses by more than 5 %
# (docs/estimate.md, "Bytecode calibration").
KNOWN_MISSES = {"llm-client"}


def _rows(name: str) -> list[dict[str, Any]]:
    rows = json.loads((DATA / name).read_text(encoding="utf-8"))["rows"]
    return [row for row in rows if row["ok"]]


CALIBRATION = _rows("pyc-calibration.json")
HELD_OUT = _rows("pyc-heldout.json")


def _id(row: dict[str, Any]) -> str:
    return f"{row['set_name']}-{row['platform']}"


def _ratio(row: dict[str, Any]) -> float:
    return float(row["measure"]["pyc"]) / float(row["measure"]["py"])


@pytest.mark.parametrize("row", CALIBRATION + HELD_OUT, ids=_id)
def test_the_ratio_range_covers_every_measured_set(row: dict[str, Any]) -> None:
    assert PYC_PER_PY[1] <= _ratio(row) <= PYC_PER_PY[2]


def test_the_point_is_the_all_bytes_ratio_of_the_calibration_sets() -> None:
    pyc = sum(row["measure"]["pyc"] for row in CALIBRATION)
    py = sum(row["measure"]["py"] for row in CALIBRATION)
    assert round(pyc / py, 2) == PYC_PER_PY[0]


@pytest.mark.parametrize("row", [
    pytest.param(row, id=_id(row), marks=pytest.mark.xfail(
        row["set_name"] in KNOWN_MISSES, reason="measured +9 %: many small typed modules",
        strict=True))
    for row in CALIBRATION
])
def test_the_package_layer_is_within_five_percent_on_a_calibration_set(
    row: dict[str, Any],
) -> None:
    total = row["measure"]["total"]
    layer = row["wf_wheels"] + PYC_PER_PY[0] * row["measure"]["py"]
    assert abs(layer - total) / total <= 0.05


# --exact-bytecode on the same installs (tools/calibrate_pyc.py --exact-bytecode --reuse):
# docs/estimate.md, "Exact bytecode".
EXACT_FILES = ("pyc-exact-calibration.json", "pyc-exact-heldout.json")
EXACT = [row for name in EXACT_FILES for row in _rows(name)]


@pytest.mark.parametrize("name", EXACT_FILES)
def test_the_exact_runs_used_the_flag(name: str) -> None:
    assert json.loads((DATA / name).read_text(encoding="utf-8"))["exact_bytecode"] is True


@pytest.mark.parametrize("row", EXACT, ids=_id)
def test_the_exact_package_layer_is_within_five_percent_of_the_install(
    row: dict[str, Any],
) -> None:
    total = row["measure"]["total"]
    assert abs(row["wf_layer"] - total) / total <= 0.05


@pytest.mark.parametrize("row", EXACT, ids=_id)
def test_the_computed_bytecode_is_within_one_percent_of_the_installed_pyc_files(
    row: dict[str, Any],
) -> None:
    pyc = row["measure"]["pyc"]
    assert abs(row["wf_bytecode"] - pyc) / pyc <= 0.01
