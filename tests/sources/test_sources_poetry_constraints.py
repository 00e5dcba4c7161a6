"""Poetry constraints → PEP 440 (table-driven) and Python constraints → markers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.sources.poetry_constraints import (
    ConstraintError,
    alternatives,
    python_marker,
    to_specifier,
)

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "data" / "sources" / "poetry_constraints.yaml")
    .read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[c["poetry"] or "empty" for c in CASES])
def test_poetry_constraint(case: dict[str, str]) -> None:
    assert to_specifier(case["poetry"]) == case["pep440"]


def test_union_gives_each_alternative() -> None:
    assert alternatives("^1.0 || ^2.0") == [">=1.0,<2.0", ">=2.0,<3.0"]


def test_single_bar_is_a_union_too() -> None:
    assert alternatives("~2.7 | ^3.8") == [">=2.7,<2.8", ">=3.8,<4.0"]


def test_invalid_version_raises() -> None:
    with pytest.raises(ConstraintError):
        to_specifier("^one")


def test_invalid_operator_raises() -> None:
    with pytest.raises(ConstraintError):
        to_specifier(">>1.0")


def test_python_marker_for_caret() -> None:
    assert python_marker("^3.8") == 'python_version < "4.0" and python_version >= "3.8"'


def test_python_marker_for_full_versions() -> None:
    assert python_marker(">=3.8.1") == 'python_full_version >= "3.8.1"'


def test_python_marker_for_union() -> None:
    assert python_marker("<3.8 || >=3.12") == (
        '(python_version < "3.8") or (python_version >= "3.12")')


def test_python_marker_for_any_is_empty() -> None:
    assert python_marker("*") == ""
