"""Golden-file comparison: `WHEELFIT_UPDATE_GOLDEN=1 pytest` rewrites the files instead."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "data" / "formats"


def assert_golden(name: str, actual: str) -> None:
    """`actual` must equal tests/data/formats/<name> byte for byte."""
    path = GOLDEN_DIR / name
    if os.environ.get("WHEELFIT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    assert path.exists(), f"{path} is missing; run WHEELFIT_UPDATE_GOLDEN=1 pytest to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"output differs from {path}; if the change is intended, rerun with "
        "WHEELFIT_UPDATE_GOLDEN=1 and review the diff"
    )
