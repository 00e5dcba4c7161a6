"""Each build-file grammar, one behaviour per case (tests/data/buildneeds/grammar_cases.yaml)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.buildneeds.buildscan import Scan, scan_autoconf, scan_cmake, scan_meson
from wheelfit.buildneeds.setupscan import scan_setup_cfg, scan_setup_py

CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "buildneeds" / "grammar_cases.yaml"
     ).read_text(encoding="utf-8"))
SCANNERS: dict[str, tuple[Callable[[str, str], Scan], str]] = {
    "meson": (scan_meson, "meson.build"), "cmake": (scan_cmake, "CMakeLists.txt"),
    "setup_py": (scan_setup_py, "setup.py"), "setup_cfg": (scan_setup_cfg, "setup.cfg"),
    "autoconf": (scan_autoconf, "configure.ac"),
}
PARAMS = [pytest.param(grammar, case, id=f"{grammar}: {case['name']}")
          for grammar, cases in CASES.items() for case in cases]


@pytest.mark.parametrize(("grammar", "case"), PARAMS)
def test_grammar_case(grammar: str, case: dict[str, Any]) -> None:
    scan_text, path = SCANNERS[grammar]
    scan = scan_text(case["text"], path)
    if "deps" in case:
        seen: dict[tuple[str, str], bool] = {}
        for dep in scan.deps:
            seen.setdefault((dep.kind, dep.name), dep.optional)
        assert [[k, n, o] for (k, n), o in seen.items()] == case["deps"]
    if "languages" in case:
        assert list(dict.fromkeys(lang.name for lang in scan.languages)) == case["languages"]
    if "llvm" in case:
        assert [need.major for need in scan.llvm] == case["llvm"]


def test_every_fact_carries_its_line() -> None:
    scan = scan_meson("project('x', 'c')\n\n\ndep = dependency('zlib')\n", "sub/meson.build")
    assert (scan.deps[0].origin.file, scan.deps[0].origin.line) == ("sub/meson.build", 4)
