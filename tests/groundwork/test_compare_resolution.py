"""tools/compare_resolution.py counts pins equal, differing, missing and extra per target,
on a small uv output and wheelfit report written here."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
UV_OUTPUT = "django==5.2.1\nasgiref==3.9.0 \\\n    --hash=sha256:00\nsqlparse==0.5.3\n# via x\n"
REPORT = {"packages": [
    {"name": "Django", "verdicts": {"slim": {"version": "5.2.1"}, "alpine": {"version": "5.2.1"}}},
    {"name": "asgiref", "verdicts": {"slim": {"version": "3.8.0"}}},
    {"name": "tzdata", "verdicts": {"slim": {"version": "2025.1"}}},
]}


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "compare_resolution", REPO / "tools" / "compare_resolution.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_pins_are_counted_by_kind() -> None:
    tool = _tool()
    result = tool.compare(tool.wheelfit_pins(REPORT, "slim"), tool.uv_pins(UV_OUTPUT))
    assert result["equal"] == 1
    assert result["differing"] == {"asgiref": {"wheelfit": "3.8.0", "uv": "3.9.0"}}
    assert result["missing"] == {"sqlparse": "0.5.3"}
    assert result["extra"] == {"tzdata": "2025.1"}
    assert result["equal_percent"] == 25.0


def test_the_exit_code_says_whether_every_target_reached_the_bound(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tool = _tool()
    report, uv = tmp_path / "wf.json", tmp_path / "uv.txt"
    report.write_text(json.dumps(REPORT))
    uv.write_text("django==5.2.1\n")
    assert tool.main([str(report), "--uv", f"alpine={uv}", "--min-equal", "100"]) == 0
    assert tool.main([str(report), "--uv", f"slim={uv}", "--min-equal", "95"]) == 1
    assert "alpine: 1/1 pins equal (100.0%)" in capsys.readouterr().out
