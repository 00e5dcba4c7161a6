"""The pre-commit hook (.pre-commit-hooks.yaml) selects dependency files and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOK = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
TABLE: dict[str, bool] = yaml.safe_load(
    (ROOT / "tests" / "data" / "precommit_paths.yaml").read_text(encoding="utf-8"))


def selected(path: str) -> bool:
    """pre-commit's rule: `files` searched (re.search), `exclude` (if any) searched too."""
    excluded = "exclude" in HOOK and re.search(HOOK["exclude"], path) is not None
    return re.search(HOOK["files"], path) is not None and not excluded


@pytest.mark.parametrize(("path", "checked"), sorted(TABLE.items()))
def test_hook_files_pattern(path: str, checked: bool) -> None:
    assert selected(path) is checked


def test_the_table_holds_both_kinds() -> None:
    assert set(TABLE.values()) == {True, False}
