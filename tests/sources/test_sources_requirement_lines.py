"""Table-driven: one requirements-file line → requirement, skip, nothing, or error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.errors import InputFileError
from wheelfit.sources.requirements import parse_requirements_text

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "data" / "sources" / "requirement_lines.yaml")
    .read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[c["line"] for c in CASES])
def test_requirement_line(case: dict[str, Any], tmp_path: Path) -> None:
    def parse() -> Any:
        return parse_requirements_text(case["line"] + "\n", "requirements.txt",
                                       base_dir=tmp_path, environ={})

    if case["kind"] == "error":
        with pytest.raises(InputFileError) as caught:
            parse()
        assert case["message"] in str(caught.value)
        assert caught.value.line == 1
        if "hint" in case:
            assert case["hint"] in (caught.value.hint or "")
        return
    spec = parse()
    if case["kind"] == "nothing":
        assert spec.requirements == () and spec.skipped == ()
    elif case["kind"] == "skip":
        assert spec.requirements == ()
        assert len(spec.skipped) == 1
        assert case["reason"] in spec.skipped[0].reason
        assert spec.skipped[0].origin == "requirements.txt:1"
    else:
        (entry,) = spec.requirements
        assert entry.requirement.name == case["name"]
        assert entry.origin == "requirements.txt:1"
        if "specifier" in case:
            assert str(entry.requirement.specifier) == case["specifier"]
        if "marker" in case:
            assert str(entry.requirement.marker) == case["marker"]
        if "extras" in case:
            assert sorted(entry.requirement.extras) == case["extras"]
