#!/usr/bin/env python3
"""Fit candidate bytecode-size models on recorded installs and check them on held-out ones.

Reads the JSON files `tools/calibrate_pyc.py --json-out` writes (per distribution: `.py` bytes,
their compressed bytes `py_deflated`, `.py` file count, real `.pyc` bytes; per install: the
installed total and wheelfit's wheel bytes). Each model predicts a distribution's `.pyc` bytes
from what a wheel's central directory shows; a set's layer is wheelfit's wheels plus the summed
prediction, its error is against the real installed total. Parameters are chosen on a grid to
make the worst calibration error smallest, then applied unchanged to the held-out installs; the
same search over all installs at once says whether a model of that form exists at all.

Usage:
    python3 tools/fit_pyc_models.py [CALIBRATION.json] [HELD_OUT.json]
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "estimate"
Dist = dict[str, int]
Row = dict[str, Any]
Model = Callable[[Dist], float]


def _steps(lo: float, hi: float, step: float) -> list[float]:
    return [round(lo + i * step, 6) for i in range(round((hi - lo) / step) + 1)]


def _log_mean(d: Dist) -> float:
    return math.log(d["py"] / max(d["py_files"], 1) / 1e4)


# name -> (model of its parameters, parameter grid)
CANDIDATES: dict[str, tuple[Callable[[tuple[float, ...]], Model], list[tuple[float, ...]]]] = {
    "r * py": (
        lambda p: lambda d: p[0] * d["py"],
        [(r,) for r in _steps(0.5, 2.0, 0.005)]),
    "a * py + b * files": (
        lambda p: lambda d: p[0] * d["py"] + p[1] * d["py_files"],
        [(a, b) for a in _steps(0.8, 1.8, 0.01) for b in _steps(-4000, 3000, 100)]),
    "(r0 + k ln(mean file / 10 kB)) * py": (
        lambda p: lambda d: (p[0] + p[1] * _log_mean(d)) * d["py"],
        [(r, k) for r in _steps(0.8, 1.6, 0.01) for k in _steps(-0.3, 0.3, 0.01)]),
    "a * py + c * deflated": (
        lambda p: lambda d: p[0] * d["py"] + p[1] * d["py_deflated"],
        [(a, c) for a in _steps(-0.5, 2.0, 0.02) for c in _steps(-3.0, 9.0, 0.1)]),
    "c * deflated + b * files": (
        lambda p: lambda d: p[0] * d["py_deflated"] + p[1] * d["py_files"],
        [(c, b) for c in _steps(3.0, 9.0, 0.05) for b in _steps(-4000, 3000, 100)]),
}


def installs(path: Path) -> list[Row]:
    """The installs that succeeded, from one calibrate_pyc.py JSON file."""
    rows: list[Row] = json.loads(path.read_text(encoding="utf-8"))["rows"]
    return [row for row in rows if row["ok"] and row["wf_wheels"] is not None]


def errors(rows: list[Row], model: Model) -> Iterator[float]:
    """Layer error in percent of each install: wheelfit's wheels + the model's `.pyc`."""
    for row in rows:
        pyc = sum(model(d) for d in row["per_dist"].values() if d["py"])
        total = row["measure"]["total"]
        yield (row["wf_wheels"] + pyc - total) / total * 100


def worst(rows: list[Row], model: Model) -> float:
    """The largest absolute layer error over the installs."""
    return max(abs(e) for e in errors(rows, model))


def summary(rows: list[Row], model: Model) -> str:
    """`worst %, n/N within ±5 %`."""
    errs = list(errors(rows, model))
    inside = sum(abs(e) <= 5 for e in errs)
    return f"{max(abs(e) for e in errs):.1f} %, {inside}/{len(errs)}"


def main(argv: list[str]) -> int:
    """Print one markdown row per candidate."""
    fit = installs(Path(argv[0]) if argv else DATA / "pyc-calibration.json")
    held = installs(Path(argv[1]) if len(argv) > 1 else DATA / "pyc-heldout.json")
    print("| model | fitted | calibration | held out | best on all, in-sample |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, (make, grid) in CANDIDATES.items():
        best = min(grid, key=lambda p: worst(fit, make(p)))
        every = min(grid, key=lambda p: worst(fit + held, make(p)))
        print(f"| {name} | {best} | {summary(fit, make(best))} | "
              f"{summary(held, make(best))} | {worst(fit + held, make(every)):.1f} % |")
    today: Model = lambda d: 1.31 * d["py"]  # noqa: E731
    print(f"| today: 1.31 * py | — | {summary(fit, today)} | {summary(held, today)} | — |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
