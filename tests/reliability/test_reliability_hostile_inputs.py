"""Regression table of hostile input files (tests/data/reliability/hostile_inputs.yaml).

Each case is one file (and optionally files next to it) run through the real CLI with
`--offline` and an empty cache, under the fuzz's watchdog: the exit code and a fragment of
the message (stderr, or the report with --keep-going) are the table's, nothing is a
traceback, and the password of a `user:s3cret@` URL is never printed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from watchdog import run_bounded

TABLE = Path(__file__).resolve().parents[1] / "data" / "reliability" / "hostile_inputs.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
_REPEAT = re.compile(r"\{\{(.+?)\*(\d+)\}\}")


def expand(text: str) -> str:
    """`{{X*N}}` → X repeated N times."""
    return _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), text)


def test_expand() -> None:
    assert expand("a{{9*3}}b{{_1*2}}") == "a999b_1_1"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hostile_input(case: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / case["file"]
    path.write_text(expand(case["text"]), encoding="utf-8")
    for name, text in case.get("files", {}).items():
        (tmp_path / name).write_text(expand(text), encoding="utf-8")
    result, seconds = run_bounded(["check", str(path), "--offline", "--format", "json",
                                   *case.get("args", [])])
    assert "Traceback" not in result.both
    assert (result.code, case["message"] in result.both) == (case["code"], True), result.err
    assert "s3cret" not in result.both
    assert seconds < 20
